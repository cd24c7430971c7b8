"""The inbox at /inbox/: your own messages, unread first; marking read; the count in the
header; someone else's message is not found."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.access.roles import Role
from joinedup.notifications import services
from joinedup.notifications.models import Notification
from joinedup.people.models import Person
from tests import factories as f
from tests.people import people_support as ps
from tests.portal import portal_support as portal

INBOX = "/inbox/"


@pytest.fixture
def coordinator(day_centre):
    return f.member(day_centre, Role.REFERRAL_COORDINATOR)


def tell(user, subject, *, ago_minutes=0, read=False):
    notification = services.notify(
        user=user, subject=subject, body=f"About {subject}.", link="/referrals/", email=""
    )
    moment = timezone.now() - dt.timedelta(minutes=ago_minutes)
    Notification.objects.filter(pk=notification.pk).update(
        created_at=moment, read_at=moment if read else None
    )
    return notification


def subjects(response) -> list[str]:
    return [n.subject for n in response.context["page"].object_list]


def test_the_inbox_shows_unread_first_then_newest(client, coordinator):
    tell(coordinator, "Old and read", ago_minutes=5, read=True)
    tell(coordinator, "Older unread", ago_minutes=30)
    tell(coordinator, "Newest read", ago_minutes=1, read=True)
    tell(coordinator, "New unread", ago_minutes=2)
    ps.login(client, coordinator)
    response = client.get(INBOX)
    assert response.status_code == 200
    assert subjects(response) == ["New unread", "Older unread", "Newest read", "Old and read"]


def test_the_inbox_shows_only_your_own_messages(client, coordinator, day_centre_worker):
    tell(coordinator, "Yours")
    tell(day_centre_worker, "Not yours")
    ps.login(client, coordinator)
    response = client.get(INBOX)
    assert subjects(response) == ["Yours"]
    assert "Not yours" not in response.text


def test_marking_a_message_read(client, coordinator):
    notification = tell(coordinator, "New referral JU-ABCD2345")
    ps.login(client, coordinator)
    response = client.post(reverse("notifications:mark_read", args=[notification.public_id]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_someone_elses_message_read_is_not_found(client, coordinator, day_centre_worker):
    theirs = tell(day_centre_worker, "Not yours")
    ps.login(client, coordinator)
    response = client.post(reverse("notifications:mark_read", args=[theirs.public_id]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_takes_a_post(client, coordinator):
    notification = tell(coordinator, "New referral JU-ABCD2345")
    ps.login(client, coordinator)
    response = client.get(reverse("notifications:mark_read", args=[notification.public_id]))
    assert response.status_code == 405


def test_marking_all_read_marks_only_your_own(client, coordinator, day_centre_worker):
    tell(coordinator, "One")
    tell(coordinator, "Two")
    theirs = tell(day_centre_worker, "Theirs")
    ps.login(client, coordinator)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=coordinator, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_counts_your_unread_messages(client, coordinator, day_centre_worker):
    tell(coordinator, "One")
    tell(coordinator, "Two")
    tell(coordinator, "Read", read=True)
    tell(day_centre_worker, "Theirs")
    ps.login(client, coordinator)
    response = client.get(reverse("core:home"))
    assert "Inbox (2 unread)" in response.text


def test_the_header_shows_no_count_when_all_is_read(client, coordinator):
    tell(coordinator, "Read", read=True)
    ps.login(client, coordinator)
    text = client.get(reverse("core:home")).text
    assert 'data-testid="inbox-link">Inbox</a>' in text


def test_a_person_reads_their_own_inbox_with_their_own_account(client, trust):
    person = Person.objects.create(
        given_name="Alex", family_name="Rivers", created_by_organisation=trust
    )
    account = portal.portal_account(person)
    tell(account, "Your referral JU-ABCD2345")
    portal.portal_login(client, account)
    response = client.get(INBOX)
    assert subjects(response) == ["Your referral JU-ABCD2345"]
    assert "Inbox (1 unread)" in response.text


def test_logged_out_the_inbox_asks_you_to_log_in(client, db):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_empty_inbox_says_so(client, coordinator):
    ps.login(client, coordinator)
    assert "Your inbox is empty." in client.get(INBOX).text


@pytest.mark.parametrize("size", [2, 30])
def test_the_inbox_takes_the_same_number_of_queries_however_many_messages(
    client, coordinator, django_assert_num_queries, size
):
    for number in range(size):
        tell(coordinator, f"Message {number}")
    ps.login(client, coordinator)
    client.get(INBOX)
    # every logged-in page's own (with the header's unread count); the count and the page.
    with django_assert_num_queries(ps.REQUEST_QUERIES + 2):
        client.get(INBOX)
