"""What the meeting decides about an item, who decides, and the bad input that writes
nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.meetings import services
from joinedup.meetings.models import AgendaItem, MeetingAction, MeetingDecision
from joinedup.people.models import CareRelationship
from joinedup.referrals.models import MeetingQueueItem, Referral, Status
from tests import factories as f
from tests.meetings import meeting_support as ms


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


@pytest.fixture
def meeting(w):
    ms.bounced_twice(w)
    return ms.next_meeting(w, attending=[w.coordinator, w.trust_worker])


def only_item(meeting) -> AgendaItem:
    return AgendaItem.objects.get(meeting=meeting)


def decide(w, meeting, data, *, actor=None, item=None):
    return services.item_decide(
        actor=actor or w.coordinator,
        meeting=meeting,
        item_public_id=(item or only_item(meeting)).public_id,
        data=data,
    )


def snapshot() -> tuple:
    """What a refused decision must leave as it was."""
    return (
        MeetingDecision.objects.count(),
        Referral.objects.count(),
        MeetingQueueItem.objects.filter(resolved_at__isnull=True).count(),
        MeetingAction.objects.count(),
        AuditEvent.objects.count(),
    )


# --- Allocation ---------------------------------------------------------------------------


def test_allocating_to_an_nhs_team_and_a_vcse_day_centre_is_one_joint_offer(w, meeting):
    decision = decide(w, meeting, ms.allocation(w.nhs_team, w.vcse_day_centre))
    assert decision.joint_offer
    made = Referral.objects.filter(public_id__in=[r["id"] for r in decision.new_referrals])
    assert {r.service_id for r in made} == {w.nhs_team.pk, w.vcse_day_centre.pk}
    assert all(r.status == Status.SUBMITTED for r in made)


def test_the_new_referrals_join_the_journey_of_the_bounced_one(w, meeting):
    item = only_item(meeting)
    decision = decide(w, meeting, ms.allocation(w.nhs_team, w.vcse_day_centre))
    made = Referral.objects.filter(public_id__in=[r["id"] for r in decision.new_referrals])
    assert {r.journey_id for r in made} == {item.journey_id}
    assert {r.parent_id for r in made} == {item.referral_id}
    assert {r.referring_organisation_id for r in made} == {w.trust.pk}


def test_an_allocation_takes_the_journey_off_the_queue(w, meeting):
    decide(w, meeting, ms.allocation(w.nhs_team))
    assert not MeetingQueueItem.objects.filter(resolved_at__isnull=True).exists()


def test_the_receiving_teams_get_their_relationship_with_the_person(w, meeting):
    decide(w, meeting, ms.allocation(w.nhs_team, w.vcse_day_centre))
    teams = set(
        CareRelationship.objects.filter(kind="referral", until__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    assert {w.trust.pk, w.day_centre.pk} <= teams


def test_one_service_is_an_allocation_not_a_joint_offer(w, meeting):
    assert not decide(w, meeting, ms.allocation(w.vcse_day_centre)).joint_offer


def test_a_referral_taken_to_the_meeting_is_allocated_through_the_state_machine(w):
    taken = ms.taken_to_meeting(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    decide(w, meeting, ms.allocation(w.nhs_team, w.vcse_day_centre))
    taken.refresh_from_db()
    assert taken.status == Status.ALLOCATED
    assert taken.transitions.last().actor == w.coordinator
    assert taken.children.count() == 2
    assert taken.version == 1 + taken.transitions.count()


def limbo_meeting(w):
    referral = ms.in_limbo(w)
    return referral, ms.next_meeting(w, attending=[w.coordinator])


def test_a_referral_in_limbo_allocated_elsewhere_closes_at_its_first_service(w):
    referral, meeting = limbo_meeting(w)
    [made] = decide(w, meeting, ms.allocation(w.nhs_team)).new_referrals
    referral.refresh_from_db()
    assert (referral.status, referral.in_limbo) == (Status.ALLOCATED, False)
    assert referral.closed_at is not None
    child = Referral.objects.get(public_id=made["id"])
    assert (child.parent_id, child.journey_id) == (referral.pk, referral.journey_id)
    assert referral.transitions.latest("at").linked_referral_id == child.pk


def test_the_first_service_stops_seeing_the_person_through_the_closed_referral(w):
    referral, meeting = limbo_meeting(w)
    decide(w, meeting, ms.allocation(w.nhs_team))
    assert (
        not CareRelationship.objects.active_at(timezone.now())
        .filter(source=f"referral:{referral.public_id}")
        .exists()
    )


def test_the_first_service_is_told_where_the_meeting_allocated_its_referral(
    w, settings, django_capture_on_commit_callbacks
):
    from joinedup.notifications.models import Notification
    from tests.referrals import notify_support as ns

    settings.TASKS = ns.IMMEDIATE_TASKS
    referral, meeting = limbo_meeting(w)
    with django_capture_on_commit_callbacks(execute=True):
        [made] = decide(w, meeting, ms.allocation(w.nhs_team)).new_referrals
    notice = Notification.objects.get(
        recipient__memberships__organisation=w.day_centre,
        subject=f"Referral {referral.reference}: allocated by the joint meeting",
    )
    assert w.nhs_team.name in notice.body
    assert made["reference"] in notice.body
    assert "closed at your team" in notice.body


def test_the_decision_is_audited_with_the_person(w, meeting):
    decision = decide(w, meeting, ms.allocation(w.nhs_team))
    event = AuditEvent.objects.filter(action="meeting_decision").get()
    assert event.person_public_id == w.person.public_id
    assert event.object_id == str(decision.public_id)
    assert event.detail["kind"] == "allocate"


# --- The other decisions ----------------------------------------------------------------


def test_signposting_takes_the_journey_off_the_queue_and_makes_no_referral(w, meeting):
    before = Referral.objects.count()
    decision = decide(
        w,
        meeting,
        services.DecisionData(kind="signpost", services=[], signposting="The Lighthouse café"),
    )
    assert decision.signposting == "The Lighthouse café"
    assert Referral.objects.count() == before
    assert not MeetingQueueItem.objects.filter(resolved_at__isnull=True).exists()


def test_no_further_action_needs_a_reason(w, meeting):
    with pytest.raises(ValidationError) as refused:
        decide(w, meeting, services.DecisionData(kind="no_further_action", services=[]))
    assert "reason" in refused.value.message_dict


def test_more_information_keeps_it_queued_with_an_action_for_someone_at_the_meeting(w, meeting):
    data = services.DecisionData(
        kind="more_information",
        services=[],
        reason="What does the GP know about the housing?",
        action=ms.action_data(w.trust_worker, w.trust, description="Ask the GP"),
    )
    decide(w, meeting, data)
    [action] = MeetingAction.objects.all()
    assert (action.owner, action.item) == (w.trust_worker, only_item(meeting))
    assert MeetingQueueItem.objects.filter(resolved_at__isnull=True).count() == 1


def test_more_information_without_an_action_is_refused(w, meeting):
    with pytest.raises(ValidationError) as refused:
        decide(w, meeting, services.DecisionData(kind="more_information", services=[], reason="?"))
    assert "action_description" in refused.value.message_dict


def test_a_referral_taken_to_the_meeting_cannot_just_be_signposted(w):
    ms.taken_to_meeting(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    before = snapshot()
    with pytest.raises(Conflict):
        decide(w, meeting, services.DecisionData(kind="signpost", services=[], signposting="GP"))
    assert snapshot() == before


# --- Bad input: refused, and nothing written --------------------------------------------


def test_a_decision_on_an_item_of_another_localitys_meeting_is_not_found(w, meeting):
    south = f.LocalityFactory(name="South", slug="south")
    elsewhere = meeting.__class__.objects.create(locality=south, starts_at=meeting.starts_at)
    elsewhere.organisations.set([w.trust, w.day_centre])
    services.attendee_join(actor=w.coordinator, meeting=elsewhere)
    before = snapshot()
    with pytest.raises(NotFound):
        decide(w, elsewhere, ms.allocation(w.nhs_team), item=only_item(meeting))
    assert snapshot() == before


def test_an_item_id_that_is_nothing_is_not_found(w, meeting):
    with pytest.raises(NotFound):
        services.item_decide(
            actor=w.coordinator,
            meeting=meeting,
            item_public_id="not-a-uuid",
            data=ms.allocation(w.nhs_team),
        )


def test_someone_who_is_not_a_referral_coordinator_may_not_decide(w, meeting):
    before = snapshot()
    with pytest.raises(PermissionDenied) as refused:
        decide(w, meeting, ms.allocation(w.nhs_team), actor=w.trust_worker)
    assert "referral coordinator" in refused.value.message
    assert snapshot() == before


def test_a_referral_coordinator_not_attending_may_not_decide(w, meeting):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        decide(w, meeting, ms.allocation(w.nhs_team), actor=w.trust_coordinator)
    assert snapshot() == before


def test_allocating_to_a_service_not_taking_referrals_is_refused(w, meeting):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        decide(w, meeting, ms.allocation(w.nhs_team, w.closed_service))
    assert "not taking referrals" in refused.value.message_dict["services"][0]
    assert snapshot() == before


def test_a_service_that_stops_taking_referrals_midway_writes_nothing(w, meeting, monkeypatch):
    """The referrals' own check refuses it inside the transaction: all of it rolls back."""
    monkeypatch.setattr(services, "_decision_errors", lambda item, data: {})
    before = snapshot()
    with pytest.raises(ValidationError):
        decide(w, meeting, ms.allocation(w.nhs_team, w.closed_service))
    assert snapshot() == before


def test_deciding_an_item_decided_already_is_a_conflict(w, meeting):
    decide(w, meeting, ms.allocation(w.nhs_team))
    before = snapshot()
    with pytest.raises(Conflict):
        decide(w, meeting, ms.allocation(w.vcse_day_centre))
    assert snapshot() == before


def test_deciding_at_a_closed_meeting_is_a_conflict(w, meeting):
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    meeting.refresh_from_db()
    before = snapshot()
    with pytest.raises(Conflict):
        decide(w, meeting, ms.allocation(w.nhs_team))
    assert snapshot() == before


def test_a_care_plan_review_is_not_allocated(w, meeting):
    item = only_item(meeting)
    AgendaItem.objects.filter(pk=item.pk).update(
        kind="care_plan_review", care_plan_id=item.public_id, review_due=timezone.localdate()
    )
    with pytest.raises((ValidationError, NotFound)):
        decide(w, meeting, ms.allocation(w.nhs_team))


# --- Actions --------------------------------------------------------------------------


def test_an_action_owner_sees_the_person_until_it_is_done_even_after_the_meeting(w, meeting):
    from joinedup.access import record
    from joinedup.people.models import Person

    action = services.action_add(
        actor=w.coordinator,
        meeting=meeting,
        data=ms.action_data(w.trust_worker, w.trust),
        item_public_id=only_item(meeting).public_id,
    )
    # The trust's own caseload relationship would hide the effect: end it.
    CareRelationship.objects.filter(kind="caseload").update(until=timezone.now())
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    seen = record.person_visibility(w.trust_worker, Person.objects.all())
    assert seen.filter(pk=w.person.pk).exists()
    services.action_done(actor=w.trust_worker, meeting=meeting, action_public_id=action.public_id)
    seen = record.person_visibility(w.trust_worker, Person.objects.all())
    assert not seen.filter(pk=w.person.pk).exists()


def test_an_action_owner_must_work_for_an_organisation_at_the_meeting(w, meeting):
    with pytest.raises(ValidationError) as refused:
        services.action_add(
            actor=w.coordinator, meeting=meeting, data=ms.action_data(w.council_worker, w.council)
        )
    assert "organisation" in refused.value.message_dict


def test_an_action_owner_must_work_for_the_organisation_named(w, meeting):
    with pytest.raises(ValidationError) as refused:
        services.action_add(
            actor=w.coordinator, meeting=meeting, data=ms.action_data(w.trust_worker, w.oakwood)
        )
    assert "owner" in refused.value.message_dict


def test_only_the_owner_or_their_coordinator_marks_an_action_done_and_only_once(w, meeting):
    action = services.action_add(
        actor=w.coordinator, meeting=meeting, data=ms.action_data(w.trust_worker, w.trust)
    )
    with pytest.raises(PermissionDenied):
        services.action_done(
            actor=w.day_centre_worker, meeting=meeting, action_public_id=action.public_id
        )
    services.action_done(
        actor=w.trust_coordinator, meeting=meeting, action_public_id=action.public_id
    )
    with pytest.raises(Conflict):
        services.action_done(
            actor=w.trust_worker, meeting=meeting, action_public_id=action.public_id
        )
