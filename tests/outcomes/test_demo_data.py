"""`joinedup demo` holds outcome measures, written through the scoring service: PHQ-9 and
GAD-7 over time from the North team, ONS4 and DIALOG from Riverside Mind, one review
filled in by a person in their portal; and the shipped measures survive a reload."""

import io

from django.core.management import call_command

from joinedup.accounts.models import Membership
from joinedup.demo.loading import content_counts
from joinedup.outcomes import selectors
from joinedup.outcomes.models import Measure, OutcomeRecord

PASSWORD = "a-long-demo-passphrase-2024"


def load_small(*args) -> None:
    call_command("demo", "--size", "small", "--password", PASSWORD, *args, stdout=io.StringIO())


def acting(username: str):
    membership = Membership.objects.select_related("user").get(user__username=username)
    membership.user.acting_membership = membership
    return membership.user


def test_the_demo_has_baselines_and_reviews_of_every_built_in_measure(db):
    load_small()
    by_measure = {
        code: set(
            OutcomeRecord.objects.filter(measure__code=code).values_list("occasion", flat=True)
        )
        for code in ("phq9", "gad7", "ons4", "dialog")
    }
    assert all(occasions == {"baseline", "review"} for occasions in by_measure.values()), by_measure
    assert content_counts()["outcome_records"] == OutcomeRecord.objects.count()


def test_the_north_team_sees_phq9_over_time_and_a_risk_prompt(db):
    load_small()
    clinician = acting("clinician.north-cmht")
    records = list(selectors.visible(clinician).filter(measure__code="phq9"))
    people = {r.person_id for r in records}
    assert len(people) >= 2 and len(records) == 3 * len(people)
    assert any(r.flags for r in records)


def test_a_person_filled_in_a_review_in_their_portal(db):
    load_small()
    [record] = OutcomeRecord.objects.filter(completed_by_person=True)
    assert record.completed_by.username == "person.alex-carter"
    assert record.occasion == "review"


def test_riverside_mind_sees_its_own_wellbeing_measures_and_the_trusts_shared_ones(db):
    load_small()
    practitioner = acting("practitioner.riverside-mind")
    codes = set(selectors.visible(practitioner).values_list("measure__code", flat=True))
    assert {"ons4", "dialog", "phq9"} <= codes


def test_the_shipped_measures_survive_a_reload(db):
    load_small()
    load_small("--seed", "3")
    assert set(Measure.objects.values_list("code", flat=True)) >= {"ons4", "phq9", "gad7", "dialog"}
