"""notify(): the inbox row, the email copy queued for the worker, told once by key; and
the email itself: the words and the link."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from joinedup.access.roles import Role
from joinedup.notifications import services
from joinedup.notifications.models import Notification
from tests import factories as f

SITE = "https://joinedup.example.org"
LINK = "/referrals/7f1c0c8e-2f0a-4a57-9d7b-0d3c6f1a2b3c/"


@pytest.fixture
def coordinator(day_centre):
    return f.member(day_centre, Role.REFERRAL_COORDINATOR)


def tell(user, **extra):
    words = {"subject": "New referral JU-ABCD2345", "body": "Your team has a new referral."}
    return services.notify(user=user, link=LINK, **{**words, **extra})


def test_notify_puts_the_message_in_the_users_inbox(coordinator):
    notification = tell(coordinator)
    assert Notification.objects.get(recipient=coordinator) == notification
    assert (notification.subject, notification.link, notification.read_at) == (
        "New referral JU-ABCD2345",
        LINK,
        None,
    )


def test_notify_queues_the_email_copy_for_the_worker_on_commit(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = tell(coordinator)
    task = DBTaskResult.objects.get()
    assert task.task_path == "joinedup.notifications.tasks.notification_email_send"
    assert task.args_kwargs["args"] == [notification.pk]
    assert notification.email == coordinator.email
    assert not mail.outbox


def test_a_user_without_an_email_address_gets_no_email(
    coordinator, django_capture_on_commit_callbacks
):
    coordinator.email = ""
    coordinator.save(update_fields=["email"])
    with django_capture_on_commit_callbacks() as callbacks:
        tell(coordinator)
    assert callbacks == []
    assert Notification.objects.filter(recipient=coordinator).count() == 1


def test_no_email_is_sent_when_asked_for_none(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = tell(coordinator, email="")
    assert callbacks == []
    assert notification.email == ""


def test_with_a_key_a_user_is_told_once(coordinator):
    assert tell(coordinator, key="limbo:1:acknowledge") is not None
    assert tell(coordinator, key="limbo:1:acknowledge") is None
    assert tell(coordinator, key="limbo:1:first_contact") is not None
    assert Notification.objects.filter(recipient=coordinator).count() == 2


def test_the_same_key_tells_each_user_once(coordinator, day_centre):
    other = f.member(day_centre, Role.PRACTITIONER)
    assert tell(coordinator, key="bouncing:9") is not None
    assert tell(other, key="bouncing:9") is not None


def test_a_disabled_account_is_told_nothing(coordinator):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert tell(coordinator) is None
    assert not Notification.objects.exists()


def test_a_subject_is_one_line(coordinator):
    notification = tell(coordinator, subject="New referral\r\nBcc: someone@example.org")
    assert notification.subject == "New referral Bcc: someone@example.org"


def test_the_email_has_the_words_and_the_link_in_plain_text_and_html(coordinator):
    notification = tell(coordinator)
    assert services.notification_email_deliver(notification_id=notification.pk, site_url=SITE)
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == "New referral JU-ABCD2345"
    assert "Your team has a new referral." in message.body
    assert f"{SITE}{LINK}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{SITE}{LINK}"' in html


def test_the_email_copy_is_sent_once(coordinator):
    notification = tell(coordinator)
    services.notification_email_deliver(notification_id=notification.pk, site_url=SITE)
    assert services.notification_email_deliver(notification_id=notification.pk, site_url=SITE) == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_email_goes_to_an_account_disabled_since(coordinator):
    notification = tell(coordinator)
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    assert services.notification_email_deliver(notification_id=notification.pk, site_url=SITE) == 0
    assert not mail.outbox


def test_an_email_to_an_address_alone_is_queued_with_no_inbox_row(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.email_only(
            to="alex.own@example.org",
            subject="Your referral JU-ABCD2345",
            body="Sent.",
            name="Alex",
        )
    task = DBTaskResult.objects.get()
    assert task.task_path == "joinedup.notifications.tasks.email_send"
    assert not Notification.objects.exists()


def test_the_worker_sends_the_queued_email(
    coordinator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.JOINEDUP_SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        tell(coordinator)
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    [message] = mail.outbox
    assert f"{SITE}{LINK}" in message.body
