"""Recording outcome measures: the scoring service stores what it computed, refuses bad
input naming the item and writes nothing, and the person's own answers go to their team."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.notifications.models import Notification
from joinedup.outcomes import services
from joinedup.outcomes.models import OutcomeRecord
from tests import factories as f
from tests.outcomes import outcome_support as os_
from tests.people import people_support as ps
from tests.portal import portal_support as pp


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


def test_a_staff_record_stores_its_scores_bands_and_flags(w, clinician, trust):
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_SEVERE_FLAGGED)
    record.refresh_from_db()
    assert record.scores == {"total": 20}
    assert record.bands == {"total": "Severe"}
    assert [flag["key"] for flag in record.flags] == ["self_harm_thoughts"]
    assert record.owning_organisation == trust
    assert record.completed_by == clinician
    assert not record.completed_by_person
    assert record.measure_version == "1999"
    assert record.answers == os_.answers("phq9", os_.PHQ9_SEVERE_FLAGGED)


def test_recording_is_audited_as_a_create_of_the_persons_data(w, clinician):
    record = os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE)
    event = AuditEvent.objects.get(action="create", object_id=str(record.public_id))
    assert event.person_public_id == w.person.public_id
    assert event.basis == "own_organisation"
    assert event.detail == {"measure": "gad7", "occasion": "baseline"}


def test_a_date_in_the_past_is_kept(w, clinician):
    record = os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    assert (timezone.now() - record.completed_at).days == 30


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ([1, 2, 1, 0, 3, 2, 1, 0, 4], "answers.self_harm"),
        ([1, 2, 1, 0, 3, 2, 1, 0, -1], "answers.self_harm"),
        ([1, 2, 1, 0, None, 2, 1, 0, 0], "answers.appetite"),
    ],
    ids=["above-range", "below-range", "not-applicable"],
)
def test_an_answer_out_of_range_is_refused_naming_the_item_and_nothing_is_written(
    w, clinician, values, field
):
    audited = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        os_.record(clinician, w.person, "phq9", values)
    assert field in refused.value.message_dict
    assert not OutcomeRecord.objects.exists()
    assert AuditEvent.objects.count() == audited


def test_a_missing_item_is_refused_naming_it(w, clinician):
    answers = os_.answers("phq9", os_.PHQ9_MODERATE)
    del answers["mood"]
    with pytest.raises(ValidationError) as refused:
        services.outcome_record_create(
            actor=clinician, person=w.person, measure=os_.measure("phq9"),
            occasion="baseline", answers=answers,
        )  # fmt: skip
    assert refused.value.message_dict == {"answers.mood": ["Question 2: choose an answer"]}
    assert not OutcomeRecord.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"occasion": "follow_up"}, "occasion"),
        ({"completed_at": timezone.now() + dt.timedelta(days=2)}, "completed_at"),
    ],
    ids=["occasion", "future"],
)
def test_a_bad_occasion_or_a_future_date_is_refused(w, clinician, extra, field):
    data = {
        "actor": clinician,
        "person": w.person,
        "measure": os_.measure("gad7"),
        "occasion": "baseline",
        "answers": os_.answers("gad7", os_.GAD7_MODERATE),
        **extra,
    }
    with pytest.raises(ValidationError) as refused:
        services.outcome_record_create(**data)
    assert field in refused.value.message_dict
    assert not OutcomeRecord.objects.exists()


def test_a_person_out_of_reach_is_not_found_and_nothing_is_written(w, outsider):
    with pytest.raises(NotFound):
        os_.record(outsider, w.person, "phq9", os_.PHQ9_MODERATE)
    assert not OutcomeRecord.objects.exists()


def test_a_person_out_of_reach_is_not_found_even_with_bad_answers(w, outsider):
    with pytest.raises(NotFound):
        os_.record(outsider, w.person, "phq9", [9] * 9)


def test_a_volunteer_may_not_record_outcomes(w, volunteer):
    with pytest.raises(PermissionDenied):
        os_.record(volunteer, w.person, "phq9", os_.PHQ9_MODERATE)
    assert not OutcomeRecord.objects.exists()


def test_an_inactive_measure_is_not_recorded(w, clinician):
    measure = os_.measure("gad7")
    measure.active = False
    measure.save()
    with pytest.raises(ValidationError) as refused:
        services.outcome_record_create(
            actor=clinician, person=w.person, measure=measure, occasion="baseline",
            answers=os_.answers("gad7", os_.GAD7_MODERATE),
        )  # fmt: skip
    assert "measure" in refused.value.message_dict


# --- Completed by the person in their portal ------------------------------------------------


def test_the_persons_first_of_a_measure_is_a_baseline_and_then_reviews(w, clinician, trust):
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    first = services.outcome_record_create_by_person(
        actor=alex, person=w.person, measure=os_.measure("phq9"),
        answers=os_.answers("phq9", os_.PHQ9_MODERATE),
    )  # fmt: skip
    second = services.outcome_record_create_by_person(
        actor=alex, person=w.person, measure=os_.measure("phq9"),
        answers=os_.answers("phq9", [0] * 9),
    )  # fmt: skip
    assert (first.occasion, second.occasion) == ("baseline", "review")
    assert first.completed_by_person and first.completed_by == alex
    assert first.owning_organisation == trust  # the team that measures with Alex
    event = AuditEvent.objects.get(action="create", object_id=str(first.public_id))
    assert event.basis == "person_self"


def test_the_person_with_no_team_measuring_yet_is_told_to_start_with_their_team(w):
    alex = pp.portal_account(w.person)
    with pytest.raises(PermissionDenied):
        services.outcome_record_create_by_person(
            actor=alex, person=w.person, measure=os_.measure("phq9"),
            answers=os_.answers("phq9", os_.PHQ9_MODERATE),
        )  # fmt: skip
    assert not OutcomeRecord.objects.exists()


def test_the_person_may_not_give_their_answers_to_a_team_that_does_not_measure_with_them(
    w, clinician, day_centre
):
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    with pytest.raises(ValidationError) as refused:
        services.outcome_record_create_by_person(
            actor=alex, person=w.person, measure=os_.measure("gad7"),
            answers=os_.answers("gad7", os_.GAD7_MODERATE), organisation_id=day_centre.pk,
        )  # fmt: skip
    assert "organisation" in refused.value.message_dict
    assert OutcomeRecord.objects.count() == 1


def test_nobody_records_for_another_persons_record_in_the_portal(w, clinician, trust):
    [other] = ps.people_on_caseload(trust, 1)
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    with pytest.raises(PermissionDenied):
        services.outcome_record_create_by_person(
            actor=alex, person=other, measure=os_.measure("gad7"),
            answers=os_.answers("gad7", os_.GAD7_MODERATE),
        )  # fmt: skip
    assert OutcomeRecord.objects.count() == 1


def test_staff_cannot_record_as_the_person(w, clinician):
    with pytest.raises(PermissionDenied):
        services.outcome_record_create_by_person(
            actor=clinician, person=w.person, measure=os_.measure("gad7"),
            answers=os_.answers("gad7", os_.GAD7_MODERATE),
        )  # fmt: skip


def test_a_flag_in_the_persons_own_answers_tells_whoever_last_measured_with_them(w, clinician):
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=30)
    record = services.outcome_record_create_by_person(
        actor=alex, person=w.person, measure=os_.measure("phq9"),
        answers=os_.answers("phq9", os_.PHQ9_SEVERE_FLAGGED),
    )  # fmt: skip
    [told] = Notification.objects.filter(recipient=clinician)
    assert str(record.public_id) in told.link
    assert "20" not in told.body and "severe" not in told.body.lower()


def test_answers_without_a_flag_tell_nobody(w, clinician):
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "phq9", os_.PHQ9_SEVERE_FLAGGED, days=30)
    services.outcome_record_create_by_person(
        actor=alex, person=w.person, measure=os_.measure("phq9"),
        answers=os_.answers("phq9", os_.PHQ9_MODERATE),
    )  # fmt: skip
    assert not Notification.objects.exists()


def test_a_peer_worker_may_record_outcomes_their_role_sees(w, day_centre):
    peer = f.member(day_centre, Role.PEER_WORKER)
    record = os_.record(peer, w.person, "ons4", [6, 7, 5, 4])
    assert record.owning_organisation == day_centre
