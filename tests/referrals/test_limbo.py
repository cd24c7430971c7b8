"""Limbo and bouncing (DESIGN §6): the worker's hourly check flags referrals past a
target, puts them and bouncing people on the locality's joint-meeting queue, tells the
service lead and the referrer once, and clears what has moved on."""

import datetime as dt

import pytest
from django.core.management import call_command

from joinedup.accounts.models import Membership
from joinedup.audit.models import AuditEvent
from joinedup.core import periodic
from joinedup.notifications.models import Notification
from joinedup.referrals import services
from joinedup.referrals.models import (
    MeetingQueueItem,
    MeetingQueueReason,
    Referral,
    ServiceTargets,
    Status,
)
from tests import factories as f
from tests.referrals import notify_support as ns
from tests.referrals import referral_support as rs

CHRISTMAS_EVE = ns.at(2026, 12, 24)  # a Thursday; 25, 28 December and 1 January are off


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def refer_at(moment, w, clinician, **extra) -> Referral:
    with ns.travel(moment):
        return rs.refer(w, clinician, **extra)


def act_at(moment, actor, referral, action, **kwargs):
    with ns.travel(moment):
        return rs.act(actor, referral, action, **kwargs)


def limbo_items(referral) -> list[MeetingQueueItem]:
    return list(MeetingQueueItem.objects.filter(referral=referral, reason=MeetingQueueReason.LIMBO))


def in_limbo(referral) -> bool:
    referral.refresh_from_db()
    return referral.in_limbo


# --- Limbo: the clock, working days and bank holidays ----------------------------------


def test_submitted_on_christmas_eve_it_is_not_in_limbo_on_tuesday_29th(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 29, 16))
    assert not in_limbo(referral)


def test_submitted_on_christmas_eve_it_is_not_in_limbo_on_its_acknowledge_by_day(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 30, 23, 30))
    assert not in_limbo(referral)


def test_submitted_on_christmas_eve_it_is_in_limbo_on_thursday_31st(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    report = ns.check_at(ns.at(2026, 12, 31, 9))
    assert in_limbo(referral)
    assert report.limbo_flagged == 1


def test_a_day_is_over_at_midnight_in_london_not_in_utc(w, clinician):
    # Submitted Monday 6 July 2026 (BST): acknowledge by Wednesday 8 July. At 00:30 on
    # Thursday in London it is still 23:30 on Wednesday in UTC.
    referral = refer_at(ns.at(2026, 7, 6), w, clinician)
    assert referral.acknowledge_by == dt.date(2026, 7, 8)
    ns.check_at(dt.datetime(2026, 7, 8, 22, 30, tzinfo=dt.UTC))
    assert not in_limbo(referral)
    ns.check_at(dt.datetime(2026, 7, 8, 23, 30, tzinfo=dt.UTC))
    assert in_limbo(referral)


def test_a_services_own_acknowledge_target_is_used(w, clinician):
    ServiceTargets.objects.create(service=w.befriending, acknowledge_days=5, first_contact_days=15)
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    assert referral.acknowledge_by == dt.date(2027, 1, 5)  # 29, 30, 31 December, 4, 5 January
    ns.check_at(ns.at(2027, 1, 5, 17))
    assert not in_limbo(referral)
    ns.check_at(ns.at(2027, 1, 6, 9))
    assert in_limbo(referral)


def test_accepted_with_no_first_contact_it_is_in_limbo_after_its_first_contact_day(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    act_at(ns.at(2026, 12, 29), w.receiver, referral, "acknowledge")
    act_at(ns.at(2026, 12, 29), w.receiver, referral, "accept")
    ns.check_at(ns.at(2027, 1, 12, 17))  # first contact by Tuesday 12 January
    assert not in_limbo(referral)
    ns.check_at(ns.at(2027, 1, 13, 9))
    assert in_limbo(referral)


def test_on_the_waiting_list_with_no_first_contact_it_is_in_limbo_after_its_day(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    for action in ("acknowledge", "accept", "waitlist"):
        act_at(ns.at(2026, 12, 29), w.receiver, referral, action)
    ns.check_at(ns.at(2027, 1, 13, 9))
    assert in_limbo(referral)


def test_acknowledged_but_never_decided_it_is_in_limbo_after_its_first_contact_day(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    act_at(ns.at(2026, 12, 29), w.receiver, referral, "acknowledge")
    ns.check_at(ns.at(2027, 1, 12, 17))
    assert not in_limbo(referral)
    ns.check_at(ns.at(2027, 1, 13, 9))
    assert in_limbo(referral)


def test_a_draft_is_never_in_limbo(w, clinician):
    with ns.travel(CHRISTMAS_EVE):
        draft = services.referral_create(
            actor=clinician, person=w.person, service=w.befriending, data=rs.data(), submit=False
        ).referral
    ns.check_at(ns.at(2027, 3, 1))
    assert not in_limbo(draft)


# --- Limbo: escalation, once ------------------------------------------------------------


def test_a_referral_in_limbo_is_queued_for_its_localitys_joint_meeting(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31))
    [item] = limbo_items(referral)
    assert item.locality == w.befriending.localities.get()
    assert item.resolved_at is None


def test_the_service_lead_and_the_referrer_are_told_a_referral_is_in_limbo(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31))
    subject = f"Referral {referral.reference} is in limbo"
    assert ns.told(w.coordinator) == [subject]
    assert ns.told(clinician) == [subject]
    assert ns.told(w.receiver) == []  # a practitioner, where the team has a coordinator
    body = Notification.objects.filter(recipient=w.coordinator).get().body
    assert "not been acknowledged by its target date, 30 December 2026" in body
    assert "joint referral meeting for North" in body


def test_the_check_run_again_every_hour_flags_queues_and_tells_once(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    first = ns.check_at(ns.at(2026, 12, 31, 9))
    again = [ns.check_at(ns.at(2026, 12, 31, hour)) for hour in (10, 11, 12)]
    assert (first.limbo_flagged, [r.limbo_flagged for r in again]) == (1, [0, 0, 0])
    assert len(limbo_items(referral)) == 1
    assert Notification.objects.filter(recipient=w.coordinator).count() == 1
    assert Notification.objects.filter(recipient=clinician).count() == 1


def test_flagging_is_audited_as_the_systems_act(w, clinician):
    refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31))
    event = AuditEvent.objects.get(action="referral_limbo")
    assert event.actor_id is None
    assert event.detail == {"target": "acknowledge"}


def test_the_flag_clears_and_the_item_is_resolved_once_it_is_acknowledged(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31, 9))
    act_at(ns.at(2026, 12, 31, 10), w.receiver, referral, "acknowledge")
    report = ns.check_at(ns.at(2026, 12, 31, 11))
    assert report.limbo_cleared == 1
    assert not in_limbo(referral)
    [item] = limbo_items(referral)
    assert item.resolved_at is not None


def test_the_item_is_resolved_when_first_contact_cleared_the_flag(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    for action in ("acknowledge", "accept"):
        act_at(ns.at(2026, 12, 29), w.receiver, referral, action)
    ns.check_at(ns.at(2027, 1, 13, 9))
    act_at(ns.at(2027, 1, 13, 10), w.receiver, referral, "first_contact")
    assert not in_limbo(referral)  # the transition itself clears the flag
    ns.check_at(ns.at(2027, 1, 13, 11))
    [item] = limbo_items(referral)
    assert item.resolved_at is not None


def test_late_again_for_the_next_target_it_is_flagged_and_told_again(w, clinician):
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31, 9))
    for action in ("acknowledge", "accept"):
        act_at(ns.at(2026, 12, 31, 10), w.receiver, referral, action)
    ns.check_at(ns.at(2026, 12, 31, 11))
    assert not in_limbo(referral)
    ns.check_at(ns.at(2027, 1, 13, 9))
    assert in_limbo(referral)
    assert ns.told(w.coordinator) == [f"Referral {referral.reference} is in limbo"] * 2
    assert [i.resolved_at is None for i in limbo_items(referral)] == [False, True]


def test_without_a_coordinator_the_teams_practitioners_are_told(w, clinician):
    Membership.objects.filter(user=w.coordinator).update(is_active=False)
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    ns.check_at(ns.at(2026, 12, 31))
    assert ns.told(w.receiver) == [f"Referral {referral.reference} is in limbo"]
    assert ns.told(w.coordinator) == []


# --- Bouncing ---------------------------------------------------------------------------


def decline_at(moment, w, clinician, **extra) -> Referral:
    referral = refer_at(moment, w, clinician, **extra)
    act_at(moment, w.receiver, referral, "acknowledge")
    act_at(moment, w.receiver, referral, "decline", reason="Not for us", signposting="Try Mind")
    referral.refresh_from_db()
    return referral


def as_if_before_escalation(w) -> None:
    """Bounces recorded before the escalation existed (or imported): none is queued."""
    MeetingQueueItem.objects.filter(reason=MeetingQueueReason.BOUNCING).delete()


def bouncing_items() -> list[MeetingQueueItem]:
    return list(MeetingQueueItem.objects.filter(reason=MeetingQueueReason.BOUNCING))


def test_two_declines_for_one_need_in_90_days_are_escalated_on_the_latest(w, clinician):
    decline_at(ns.at(2027, 2, 1), w, clinician)
    second = decline_at(ns.at(2027, 3, 1), w, clinician)
    as_if_before_escalation(w)
    report = ns.check_at(ns.at(2027, 3, 2))
    assert report.bouncing == 1
    [item] = bouncing_items()
    assert (item.referral, item.locality.name) == (second, "North")


def test_the_lead_and_the_referrer_are_told_the_person_is_bouncing_once(w, clinician):
    decline_at(ns.at(2027, 2, 1), w, clinician)
    second = decline_at(ns.at(2027, 3, 1), w, clinician)
    as_if_before_escalation(w)
    for hour in (9, 10, 11):
        ns.check_at(ns.at(2027, 3, 2, hour))
    subject = f"Referral {second.reference}: bounced between services"
    assert ns.told(w.coordinator) == [subject]
    assert ns.told(clinician) == [subject]
    assert len(bouncing_items()) == 1


def test_a_decline_and_a_redirect_for_one_need_are_bouncing(w, clinician):
    decline_at(ns.at(2027, 2, 1), w, clinician)
    moved = refer_at(ns.at(2027, 3, 1), w, clinician)
    act_at(ns.at(2027, 3, 1), w.receiver, moved, "acknowledge")
    act_at(
        ns.at(2027, 3, 1),
        w.receiver,
        moved,
        "redirect",
        reason="Better fit",
        services=[w.counselling],
    )
    as_if_before_escalation(w)
    assert ns.check_at(ns.at(2027, 3, 2)).bouncing == 1
    [item] = bouncing_items()
    assert item.referral == moved


def test_declines_more_than_90_days_apart_are_not_bouncing(w, clinician):
    decline_at(ns.at(2027, 1, 4), w, clinician)
    decline_at(ns.at(2027, 4, 6), w, clinician)  # 92 days later
    assert ns.check_at(ns.at(2027, 4, 7)).bouncing == 0
    assert bouncing_items() == []


def test_declines_for_different_needs_are_not_bouncing(w, clinician):
    housing = f.ServiceFactory(
        organisation=w.befriending.organisation,
        name="Housing support",
        taxonomy_terms=[f.TaxonomyTermFactory(name="Housing", code="housing")],
        localities=list(w.befriending.localities.all()),
    )
    decline_at(ns.at(2027, 2, 1), w, clinician)
    decline_at(ns.at(2027, 3, 1), w, clinician, service=housing)
    assert ns.check_at(ns.at(2027, 3, 2)).bouncing == 0
    assert bouncing_items() == []


def test_a_bounce_the_decline_already_queued_is_not_queued_again(w, clinician):
    decline_at(ns.at(2027, 2, 1), w, clinician)
    decline_at(ns.at(2027, 3, 1), w, clinician)
    assert len(bouncing_items()) == 1  # queued by the decline itself
    assert ns.check_at(ns.at(2027, 3, 2)).bouncing == 0
    assert len(bouncing_items()) == 1


def test_a_bounce_resolved_at_the_meeting_is_not_queued_again(w, clinician):
    decline_at(ns.at(2027, 2, 1), w, clinician)
    decline_at(ns.at(2027, 3, 1), w, clinician)
    MeetingQueueItem.objects.update(resolved_at=ns.at(2027, 3, 2))
    assert ns.check_at(ns.at(2027, 3, 3)).bouncing == 0
    assert MeetingQueueItem.objects.filter(resolved_at__isnull=True).count() == 0


def test_with_no_locality_to_queue_for_they_are_still_told_once(w, clinician):
    w.befriending.localities.clear()
    decline_at(ns.at(2027, 2, 1), w, clinician)
    second = decline_at(ns.at(2027, 3, 1), w, clinician)
    for hour in (9, 10):
        ns.check_at(ns.at(2027, 3, 2, hour))
    assert bouncing_items() == []
    [notice] = Notification.objects.filter(recipient=w.coordinator)
    assert notice.subject == f"Referral {second.reference}: bounced between services"
    assert "Take it to the next joint referral meeting" in notice.body


# --- The worker runs it -------------------------------------------------------------------


def test_the_shipped_schedule_checks_every_hour(settings):
    task_path, seconds = settings.JOINEDUP_PERIODIC_TASKS["referral_escalations"]
    assert (task_path, seconds) == ("joinedup.referrals.tasks.escalations_check", 3600)


def test_the_worker_runs_the_check_it_queued_when_due(w, clinician, monkeypatch, settings):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.JOINEDUP_PERIODIC_TASKS = {
        "referral_escalations": ("joinedup.referrals.tasks.escalations_check", 3600)
    }
    referral = refer_at(CHRISTMAS_EVE, w, clinician)
    with ns.travel(ns.at(2026, 12, 31)):
        assert periodic.enqueue_due() == ["referral_escalations"]
        call_command("worker", "--batch", "--interval", "0", verbosity=0)
    assert in_limbo(referral)
    assert referral.status == Status.SUBMITTED
