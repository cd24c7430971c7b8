"""The closed loop (DESIGN §6): once a transition commits, the worker tells the referrer,
the receiving team and the person what happened to them — the person the way they
prefer — saying what happened, the reference and where to look, and nothing more."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from joinedup.access.roles import Role
from joinedup.accounts.models import Membership
from joinedup.core.exceptions import Conflict
from joinedup.notifications.models import Notification
from tests import factories as f
from tests.portal import portal_support as ps
from tests.referrals import notify_support as ns
from tests.referrals import referral_support as rs

PERSON_EMAIL = "alex.own@example.org"
SIGNPOSTING = "Riverside Allotment Buddies on Tuesdays, 0113 496 0000"


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    """Alex prefers email here, so the team is not asked to tell them: the tests of the
    person's channels choose their own."""
    world = rs.world(trust, day_centre, clinician, befriending)
    prefers(world.person, "email", email=PERSON_EMAIL)
    return world


@pytest.fixture
def loop(settings, django_capture_on_commit_callbacks):
    """Run a step as a commit would: its notices at once (an immediate task backend),
    and their emails sent."""
    settings.TASKS = ns.IMMEDIATE_TASKS
    settings.JOINEDUP_SITE_URL = ns.SITE

    def run(step, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return step(*args, **kwargs)

    return run


def refer(loop, w, clinician, **extra):
    extra = {"what_matters": ns.WHAT_MATTERS, "risk_summary": ns.RISK, **extra}
    return loop(rs.refer, w, clinician, **extra)


def walk(loop, actor, referral, *actions, **kwargs):
    for action in actions:
        loop(rs.act, actor, referral, action, **kwargs)
    referral.refresh_from_db()
    return referral


def prefers(person, channel, *, email=""):
    person.preferred_channel = channel
    person.email = email
    person.save(update_fields=["preferred_channel", "email"])


def emails_to(address) -> list:
    return [m for m in mail.outbox if m.to == [address]]


# --- Queued on commit ----------------------------------------------------------------


def test_the_notices_are_queued_for_the_worker_when_the_transition_commits(
    w, clinician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = rs.refer(w, clinician)
    task = DBTaskResult.objects.get()
    assert task.task_path == "joinedup.referrals.tasks.transition_notices_send"
    assert task.args_kwargs["args"] == [referral.pk, "submit"]
    assert not Notification.objects.exists()


def test_a_refused_transition_queues_nothing(w, clinician, django_capture_on_commit_callbacks):
    referral = rs.refer(w, clinician)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Conflict):
        rs.act(w.receiver, referral, "accept")
    assert callbacks == []


# --- The receiving team ----------------------------------------------------------------


def test_the_receiving_teams_coordinator_is_told_of_a_new_referral(w, clinician, loop):
    referral = refer(loop, w, clinician)
    assert ns.told(w.coordinator) == [f"New referral {referral.reference}"]
    assert ns.told(w.receiver) == []
    notice = Notification.objects.get(recipient=w.coordinator)
    assert notice.link == f"/referrals/{referral.public_id}/"
    assert "Acknowledge it by" in notice.body


def test_without_a_coordinator_the_teams_practitioners_are_told_of_a_new_referral(
    w, clinician, loop
):
    Membership.objects.filter(user=w.coordinator).update(is_active=False)
    referral = refer(loop, w, clinician)
    assert ns.told(w.receiver) == [f"New referral {referral.reference}"]
    assert ns.told(w.coordinator) == []


def test_a_redirect_tells_the_new_services_team_of_their_new_referral(w, clinician, loop):
    counselling_lead = f.member(w.counselling.organisation, Role.REFERRAL_COORDINATOR)
    referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
    loop(rs.act, w.receiver, referral, "redirect", reason="Better fit", services=[w.counselling])
    [onward] = referral.children.all()
    assert ns.told(counselling_lead) == [f"New referral {onward.reference}"]


def test_a_withdrawal_tells_the_receiving_team(w, clinician, loop):
    referral = refer(loop, w, clinician)
    walk(loop, clinician, referral, "withdraw", reason="Moved away")
    assert ns.told(w.coordinator)[-1] == f"Referral {referral.reference}: withdrawn"


# --- The referrer ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actions", "kwargs", "said"),
    [
        (["acknowledge"], {}, "acknowledged"),
        (["acknowledge", "accept"], {}, "accepted"),
        (["acknowledge"], {"then": ("decline", {"signposting": SIGNPOSTING})}, "declined"),
        (["acknowledge"], {"then": ("redirect", {"services": "counselling"})}, "redirected"),
        (
            ["acknowledge", "accept", "first_contact", "start"],
            {"then": ("complete", {})},
            "completed",
        ),
        (["acknowledge"], {"then": ("close_no_contact", {})}, "closed without contact"),
    ],
)
def test_the_referrer_is_told_of_each_step_that_matters_to_them(
    w, clinician, loop, actions, kwargs, said
):
    referral = walk(loop, w.receiver, refer(loop, w, clinician), *actions)
    if "then" in kwargs:
        action, extra = kwargs["then"]
        if extra.get("services") == "counselling":
            extra = {"services": [w.counselling]}
        loop(rs.act, w.receiver, referral, action, reason="Recorded", **extra)
    assert ns.told(clinician)[-1] == f"Referral {referral.reference}: {said}"


def test_the_referrer_is_told_when_the_joint_meeting_allocates(w, clinician, loop):
    referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
    loop(rs.act, w.receiver, referral, "refer_to_meeting", reason="Which service?")
    loop(
        rs.act, w.coordinator, referral, "allocate", reason="Counselling", services=[w.counselling]
    )
    [onward] = referral.children.all()
    notice = Notification.objects.filter(recipient=clinician).latest("pk")
    assert notice.subject == f"Referral {referral.reference}: allocated by the joint meeting"
    assert onward.reference in notice.body


def test_the_referrer_is_not_told_of_the_steps_in_between(w, clinician, loop):
    referral = refer(loop, w, clinician)
    walk(loop, w.receiver, referral, "acknowledge", "accept")
    before = ns.told(clinician)
    walk(loop, w.receiver, referral, "waitlist", "first_contact", "start")
    assert ns.told(clinician) == before


def test_a_decline_says_there_is_signposting_but_not_what_it_is(w, clinician, loop):
    referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
    loop(rs.act, w.receiver, referral, "decline", reason="Full", signposting=SIGNPOSTING)
    notice = Notification.objects.filter(recipient=clinician).latest("pk")
    assert "signposted the person to other support: see the referral" in notice.body
    assert "Allotment" not in notice.body


def test_a_decline_routed_to_the_joint_meeting_says_so(w, clinician, loop):
    referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
    loop(rs.act, w.receiver, referral, "decline", reason="Full", to_meeting=True)
    notice = Notification.objects.filter(recipient=clinician).latest("pk")
    assert "routed the referral to the locality's joint referral meeting" in notice.body


def test_a_second_bounce_tells_the_lead_and_the_referrer_at_once(w, clinician, loop):
    for _ in range(2):
        referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
        loop(rs.act, w.receiver, referral, "decline", reason="Full", signposting=SIGNPOSTING)
    bounced = f"Referral {referral.reference}: bounced between services"
    assert bounced in ns.told(w.coordinator)
    assert bounced in ns.told(clinician)
    ns.check_at(ns.at(2099, 1, 1))  # the hourly check later tells nobody again
    assert ns.told(clinician).count(bounced) == 1


# --- The person, the way they prefer ------------------------------------------------------


def test_a_person_with_a_portal_account_finds_each_step_in_their_inbox(w, clinician, loop):
    prefers(w.person, "portal")
    account = ps.portal_account(w.person)
    referral = refer(loop, w, clinician)
    walk(loop, w.receiver, referral, "acknowledge", "accept")
    assert ns.told(account) == [f"Your referral {referral.reference}"] * 2
    assert set(Notification.objects.filter(recipient=account).values_list("link", flat=True)) == {
        "/portal/"
    }
    assert len(emails_to(ps.ALEX_EMAIL)) == 2


def test_a_person_is_told_when_their_referral_is_completed(w, clinician, loop):
    account = ps.portal_account(w.person)
    referral = refer(loop, w, clinician)
    walk(loop, w.receiver, referral, "acknowledge", "accept", "first_contact", "start")
    loop(rs.act, w.receiver, referral, "complete", reason="Matched with a befriender")
    latest = Notification.objects.filter(recipient=account).latest("pk")
    assert latest.body == f"Your support under referral {referral.reference} is complete."


def test_a_person_is_not_told_of_the_teams_own_steps(w, clinician, loop):
    account = ps.portal_account(w.person)
    referral = refer(loop, w, clinician)
    walk(loop, w.receiver, referral, "acknowledge")
    assert len(ns.told(account)) == 1  # submitted; acknowledging is the team's business


def test_a_person_who_prefers_email_and_has_no_account_is_emailed(w, clinician, loop):
    referral = refer(loop, w, clinician)
    [message] = emails_to(PERSON_EMAIL)
    assert message.subject == f"Your referral {referral.reference}"
    assert "Hello Alex" in message.body


def test_a_person_who_prefers_email_gets_the_copy_of_their_inbox_at_that_address(
    w, clinician, loop
):
    account = ps.portal_account(w.person)
    refer(loop, w, clinician)
    assert len(ns.told(account)) == 1
    assert len(emails_to(PERSON_EMAIL)) == 1
    assert emails_to(ps.ALEX_EMAIL) == []


def test_a_person_who_prefers_a_phone_call_is_left_to_the_team_to_call(w, clinician, loop):
    prefers(w.person, "phone", email=PERSON_EMAIL)
    referral = refer(loop, w, clinician)
    assert emails_to(PERSON_EMAIL) == []
    ask = Notification.objects.get(
        recipient=w.coordinator, subject=f"Tell the person: referral {referral.reference}"
    )
    assert "would like to hear from you by a phone call" in ask.body
    assert "their referral has been sent to the service" in ask.body


def test_a_person_with_an_account_who_prefers_a_letter_gets_no_email_copy(w, clinician, loop):
    prefers(w.person, "letter")
    account = ps.portal_account(w.person)
    referral = refer(loop, w, clinician)
    assert ns.told(account) == [f"Your referral {referral.reference}"]
    assert emails_to(ps.ALEX_EMAIL) == []
    assert f"Tell the person: referral {referral.reference}" in ns.told(w.coordinator)


def test_with_no_way_to_reach_the_person_the_team_is_asked_to(w, clinician, loop):
    prefers(w.person, "")
    referral = refer(loop, w, clinician)
    ask = Notification.objects.get(
        recipient=w.coordinator, subject=f"Tell the person: referral {referral.reference}"
    )
    assert "joinedup has no way to tell the person" in ask.body


# --- What an email says, and what it never says ------------------------------------------


def test_an_email_has_the_link_and_the_reference_and_none_of_the_referrals_own_words(
    w, clinician, loop
):
    referral = walk(loop, w.receiver, refer(loop, w, clinician), "acknowledge")
    loop(rs.act, w.receiver, referral, "decline", reason="Over capacity", signposting=SIGNPOSTING)
    staff = emails_to(clinician.email)
    assert [m.subject for m in staff] == [
        f"Referral {referral.reference}: acknowledged",
        f"Referral {referral.reference}: declined",
    ]
    link = f"{ns.SITE}/referrals/{referral.public_id}/"
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert referral.reference in message.subject
        assert referral.reference in message.body
        for secret in (rs.REASON, ns.WHAT_MATTERS, ns.RISK, SIGNPOSTING, "Over capacity"):
            assert secret not in message.subject
            assert secret not in message.body
            assert secret not in html
    for message in staff:
        assert link in message.body
        assert f'href="{link}"' in message.alternatives[0][0]
        assert "Rivers" not in message.body  # staff emails name nobody


# --- The worker --------------------------------------------------------------------------


def test_the_worker_tells_and_sends_the_emails_it_queued(
    w, clinician, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # Between tasks the worker closes connections not in autocommit, as a long-running
    # process should; inside a test's transaction that would end the test.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.JOINEDUP_SITE_URL = ns.SITE
    with django_capture_on_commit_callbacks(execute=True):
        referral = rs.refer(w, clinician)  # committed: the notices are queued
    with django_capture_on_commit_callbacks(execute=True):
        call_command("worker", "--batch", "--interval", "0", verbosity=0)  # told: emails queued
    assert not mail.outbox
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    [message] = emails_to(w.coordinator.email)
    assert message.subject == f"New referral {referral.reference}"
    assert Notification.objects.get(recipient=w.coordinator).emailed_at is not None
