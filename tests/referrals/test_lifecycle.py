"""The referral state machine (DESIGN §6): legal steps, sides, reasons, destinations."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from joinedup.access import record
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import Conflict, PermissionDenied
from joinedup.people.models import CareRelationship, Person
from joinedup.referrals import services
from joinedup.referrals.models import MeetingQueueItem, Referral, ServiceQuestion, Status
from tests.referrals import referral_support as rs


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def test_submitting_sets_the_targets_gives_the_service_access_and_is_audited(w, clinician):
    referral = rs.refer(w, clinician)
    assert (referral.status, referral.version) == (Status.SUBMITTED, 2)
    assert referral.reference.startswith("JU-")
    assert referral.owner_organisation_id == w.befriending.organisation_id
    assert CareRelationship.objects.filter(
        person=w.person, organisation=w.befriending.organisation, until__isnull=True
    ).exists()
    assert record.person_visibility(w.receiver, Person.objects.filter(pk=w.person.pk)).exists()
    steps = [(t.from_status, t.to_status) for t in referral.transitions.all()]
    assert steps == [("draft", "submitted")]
    assert "referral_submit" in set(AuditEvent.objects.values_list("action", flat=True))


def test_targets_count_working_days_across_christmas_bank_holidays(w, clinician):
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, tzinfo=dt.UTC), tick=False):
        referral = rs.refer(w, clinician)
    # Fri 25 and Mon 28 December and Fri 1 January are bank holidays; weekends are not
    # worked: 29, 30 December are days 1 and 2; 31, 4, 5, 6, 7, 8, 11, 12 are days 3 to 10.
    assert referral.acknowledge_by == dt.date(2026, 12, 30)
    assert referral.first_contact_by == dt.date(2027, 1, 12)


def test_the_receiving_team_takes_it_to_completion_with_an_outcome(w, clinician):
    referral = rs.refer(w, clinician)
    for action in ("acknowledge", "accept", "first_contact", "start"):
        rs.act(w.receiver, referral, action)
    with pytest.raises(ValidationError) as error:
        rs.act(w.receiver, referral, "complete")
    assert "outcome" in str(error.value)
    rs.act(w.receiver, referral, "complete", reason="Matched with a befriender; ended well")
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.outcome.startswith("Matched with a befriender")
    assert referral.closed_at is not None


def test_the_referrer_may_not_accept_for_the_service(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    with pytest.raises(PermissionDenied, match="the team the referral was sent to"):
        rs.act(clinician, referral, "accept")


def test_an_illegal_step_is_refused_and_changes_nothing(w, clinician):
    referral = rs.refer(w, clinician)
    with pytest.raises(Conflict, match="submitted cannot be “accept”"):
        rs.act(w.receiver, referral, "accept")
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.SUBMITTED, 2)
    assert referral.transitions.count() == 1


def test_acting_on_a_version_someone_else_moved_on_is_a_conflict(w, clinician):
    referral = rs.refer(w, clinician)
    seen = referral.version
    rs.act(w.receiver, referral, "acknowledge")
    with pytest.raises(Conflict, match="changed this referral a moment ago"):
        services.transition(
            actor=w.receiver, referral=referral, action="acknowledge", expected_version=seen
        )


def test_a_decline_needs_signposting_or_the_joint_meeting(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    with pytest.raises(ValidationError) as error:
        rs.act(w.receiver, referral, "decline", reason="Not for us")
    assert "signposting" in error.value.message_dict
    rs.act(w.receiver, referral, "decline", reason="Full", signposting="Try the Lighthouse café")
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert "Lighthouse" in referral.outcome


def test_declining_ends_the_services_access_at_once(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "decline", reason="Full", signposting="Elsewhere")
    assert not record.person_visibility(w.receiver, Person.objects.filter(pk=w.person.pk)).exists()


def test_a_decline_routed_to_the_meeting_joins_the_localitys_queue(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "decline", reason="Needs more than we offer", to_meeting=True)
    item = MeetingQueueItem.objects.get(referral=referral)
    assert (item.reason, item.locality.name) == ("declined", "North")


def test_a_redirect_makes_a_linked_referral_on_the_same_journey(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    outcome = rs.act(
        w.receiver, referral, "redirect", reason="Counselling fits", services=[w.counselling]
    )
    [child] = outcome.linked
    assert child.status == Status.SUBMITTED
    assert (child.parent_id, child.journey_id) == (referral.pk, referral.journey_id)
    assert child.bounce_count == 1
    assert child.owner_organisation_id == w.counselling.organisation_id
    assert child.reason == referral.reason


def test_a_second_bounce_within_ninety_days_goes_on_the_meeting_queue(w, clinician):
    first = rs.refer(w, clinician)
    rs.act(w.receiver, first, "acknowledge")
    rs.act(w.receiver, first, "decline", reason="Full", signposting="Elsewhere")
    assert not MeetingQueueItem.objects.filter(reason="bouncing").exists()
    second = rs.refer(w, clinician)
    rs.act(w.receiver, second, "acknowledge")
    rs.act(w.receiver, second, "decline", reason="Still full", signposting="Elsewhere")
    assert MeetingQueueItem.objects.get(reason="bouncing").referral == second


def test_withdrawal_by_the_referrer_from_an_open_state_closes_it(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(clinician, referral, "withdraw", reason="Alex moved away")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert referral.outcome == "Alex moved away"


def test_only_a_referral_coordinator_allocates_from_the_meeting(w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "refer_to_meeting", reason="Needs a joint offer")
    with pytest.raises(PermissionDenied):
        rs.act(w.receiver, referral, "allocate", reason="Joint", services=[w.counselling])
    outcome = rs.act(
        w.coordinator, referral, "allocate", reason="Counselling first", services=[w.counselling]
    )
    assert outcome.linked[0].bounce_count == 0


def test_a_retry_with_the_same_idempotency_key_returns_the_first_referral(w, clinician):
    args = {"actor": clinician, "person": w.person, "service": w.befriending}
    first = services.referral_create(**args, data=rs.data(), idempotency_key="abc-1")
    again = services.referral_create(**args, data=rs.data(), idempotency_key="abc-1")
    assert again.replayed
    assert again.referral.pk == first.referral.pk
    assert Referral.objects.count() == 1


def test_a_service_not_taking_referrals_refuses_and_nothing_is_written(w, clinician):
    w.befriending.accepting_referrals = False
    w.befriending.save()
    with pytest.raises(ValidationError, match="not taking referrals"):
        rs.refer(w, clinician)
    assert not Referral.objects.exists()


def test_without_the_persons_agreement_nothing_is_written(w, clinician):
    with pytest.raises(ValidationError) as error:
        rs.refer(w, clinician, consent_to_share=False)
    assert "consent_to_share" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_services_own_questions_are_validated_like_the_rest(w, clinician):
    ServiceQuestion.objects.create(
        service=w.befriending, key="pets", label="Does Alex have pets?", kind="yes_no",
        required=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as missing:
        rs.refer(w, clinician)
    assert "answers.pets" in missing.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        rs.refer(w, clinician, answers={"pets": "no", "hobbies": "chess"})
    assert "answers" in unknown.value.message_dict
    referral = rs.refer(w, clinician, answers={"pets": "yes"})
    assert referral.answers == {"pets": True}


def test_a_crash_mid_transition_leaves_the_referral_as_it_was(w, clinician, monkeypatch):
    referral = rs.refer(w, clinician)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_audit", fail)
    with pytest.raises(RuntimeError):
        rs.act(w.receiver, referral, "acknowledge")
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.SUBMITTED, 2)
    assert referral.transitions.count() == 1
