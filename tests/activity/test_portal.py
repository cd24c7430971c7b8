"""The person's own appointments and sessions in their portal (/portal/activity/)."""

import pytest
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from tests.activity import activity_support as support
from tests.people import people_support as ps
from tests.portal import portal_support as pp

pytestmark = pytest.mark.django_db

URL = reverse("activity:portal")


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=2)


def test_the_person_sees_their_own_appointments_attended_and_missed(client, w, trust):
    mine = w.people[0]
    support.contacts(mine, w.day_centre, w.worker, kind="befriending")
    support.contacts(mine, trust, w.clinician, attendance="did_not_attend")
    pp.portal_login(client, pp.portal_account(mine))
    page = client.get(URL)
    assert page.status_code == 200
    assert "Befriending visit" in page.text
    assert "Did not attend" in page.text
    assert "City NHS Trust" in page.text


def test_the_person_sees_nobody_elses(client, w):
    support.contacts(w.people[1], w.day_centre, w.worker, kind="home_visit")
    pp.portal_login(client, pp.portal_account(w.people[0]))
    page = client.get(URL)
    assert "Home visit" not in page.text
    assert "No appointments or sessions have been recorded for you" in page.text


def test_the_read_is_audited_as_the_persons_own(client, w):
    support.contacts(w.people[0], w.day_centre, w.worker)
    account = pp.portal_account(w.people[0])
    pp.portal_login(client, account)
    client.get(URL)
    event = AuditEvent.objects.filter(actor_id=account.pk, action="view").last()
    assert event.basis == "person_self"
    assert len(event.detail["contacts"]) == 1


def test_the_portal_navigation_links_here(client, w):
    pp.portal_login(client, pp.portal_account(w.people[0]))
    assert URL in client.get(reverse("portal:home")).text


def test_a_staff_account_is_turned_away(client, w):
    ps.login(client, w.worker)
    assert client.get(URL).status_code == 403


def test_it_is_read_only(client, w):
    pp.portal_login(client, pp.portal_account(w.people[0]))
    assert client.post(URL).status_code == 405
