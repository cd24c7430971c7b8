"""Staff invite a person to their own record; the person sets a password from the email."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.audit.models import AuditEvent
from tests import factories as f
from tests.people import people_support as ps

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL = "alex.rivers@example.org"


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.JOINEDUP_SITE_URL = "https://joinedup.example.org"


def invite_url(person) -> str:
    return reverse("people:portal_invite", args=[person.public_id])


def invite(client, person, email: str = EMAIL, *, commit=None):
    """Post the invitation; `commit` (pytest-django's django_capture_on_commit_callbacks)
    runs what the service leaves for after its transaction commits, as a commit would."""
    if commit is None:
        return client.post(invite_url(person), {"email": email})
    with commit(execute=True):
        return client.post(invite_url(person), {"email": email})


def link_in(message) -> str:
    [link] = re.findall(r"https://joinedup\.example\.org(/portal/activate/\S+/)", message.body)
    return link


def test_inviting_opens_a_person_account_and_emails_only_a_link(
    client, world, clinician, immediate_tasks, django_capture_on_commit_callbacks
):
    ps.login(client, clinician)
    response = invite(client, world.person, commit=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    world.person.refresh_from_db()
    account = world.person.portal_user
    assert account.is_person_account and account.email == EMAIL
    assert not account.has_usable_password()
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert link_in(message)
    for clinical in (world.clinical.title, world.plan.title, "City NHS Trust"):
        assert clinical not in message.body
        assert clinical not in message.alternatives[0][0]


def test_the_invitation_is_queued_for_the_worker(
    client, world, clinician, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    ps.login(client, clinician)
    invite(client, world.person, commit=django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get()
    assert task.task_path == "joinedup.people.tasks.portal_invitation_send"
    assert not mail.outbox


def test_the_worker_sends_the_queued_invitation(
    client, world, clinician, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from django.core.management import call_command

    # Between tasks the worker closes connections not in autocommit, as a long-running
    # process should; inside a test's transaction that would end the test.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.JOINEDUP_SITE_URL = "https://joinedup.example.org"
    ps.login(client, clinician)
    invite(client, world.person, commit=django_capture_on_commit_callbacks)

    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    [message] = mail.outbox
    assert link_in(message)


def test_the_link_sets_the_password_logs_the_person_in_and_works_once(
    client, world, clinician, immediate_tasks, django_capture_on_commit_callbacks
):
    ps.login(client, clinician)
    invite(client, world.person, commit=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    person_client = client.__class__()
    assert person_client.get(link).status_code == 200
    response = person_client.post(
        link, {"new_password1": "a long new passphrase", "new_password2": "a long new passphrase"}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert world.plan.title in person_client.get(reverse("portal:home")).text
    assert AuditEvent.objects.filter(action="portal_activate", basis="person_self").exists()

    again = client.__class__().get(link)
    assert again.status_code == 404
    assert "This link does not work" in again.text


def test_a_weak_password_is_refused_with_the_reason(
    client, world, clinician, immediate_tasks, django_capture_on_commit_callbacks
):
    ps.login(client, clinician)
    invite(client, world.person, commit=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    response = client.__class__().post(link, {"new_password1": "alex", "new_password2": "alex"})
    assert response.status_code == 200
    assert "too short" in response.text
    world.person.refresh_from_db()
    assert not world.person.portal_user.has_usable_password()


def test_a_forged_link_does_not_work(client, world):
    response = client.get(reverse("portal:activate", args=["MQ", "forged-token"]))
    assert response.status_code == 404


def test_a_volunteer_may_not_invite(client, world, volunteer):
    ps.login(client, volunteer)
    response = invite(client, world.person)
    assert response.status_code == 403
    assert not User.objects.filter(is_person_account=True).exists()


def test_someone_not_on_the_teams_books_cannot_be_invited(client, world, outsider):
    ps.login(client, outsider)
    response = invite(client, world.person)
    assert response.status_code == 404
    assert not User.objects.filter(is_person_account=True).exists()


def test_an_email_address_another_account_uses_is_refused(client, world, clinician):
    f.UserFactory(username=EMAIL)
    ps.login(client, clinician)
    response = invite(client, world.person)
    assert response.status_code == 200
    assert "Another account already uses this email address" in response.text
    world.person.refresh_from_db()
    assert world.person.portal_user is None


def test_a_malformed_email_address_is_refused(client, world, clinician):
    ps.login(client, clinician)
    response = invite(client, world.person, email="not an address")
    assert response.status_code == 200
    assert "Enter an email address" in response.text
    assert not User.objects.filter(is_person_account=True).exists()


def test_a_person_whose_account_is_set_up_is_not_invited_again(client, world, clinician):
    from tests.portal import portal_support as pp

    pp.portal_account(world.person)
    ps.login(client, clinician)
    response = invite(client, world.person)
    assert response.status_code == 200
    assert "already has an account" in response.text


def test_inviting_is_audited(client, world, clinician):
    ps.login(client, clinician)
    invite(client, world.person)
    event = AuditEvent.objects.filter(action="portal_invite").get()
    assert event.person_public_id == world.person.public_id
    assert event.actor_id == clinician.pk
