"""`joinedup bench referrals`: its sizes, its worklist pages on the demo partnership with
a history of referrals, and the clean-up after a submission run."""

import pytest
from django.core.management.base import CommandError
from django.db import transaction

from benchmarks import referral_load
from benchmarks.generator import Partnership, load, size_named
from joinedup.demo.management.commands import bench
from joinedup.referrals.models import Referral, Transition

HISTORY = 5_000


def test_the_ratio_s_small_end_always_runs_beside_ics():
    assert bench._referral_labels("ics") == ["r10k", "ics"]


def test_the_search_scenario_s_small_sizes_mean_the_ratio_s_small_end():
    assert bench._referral_labels("small") == ["r10k"]


def test_an_unknown_size_is_refused_for_referrals():
    with pytest.raises(CommandError, match="unknown sizes"):
        bench._referral_labels("national")


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load(Partnership(size_named("demo", referrals=HISTORY), seed=1))
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_persona_has_a_first_page_an_oldest_page_and_a_limbo_page(history):
    mix = referral_load.cases()
    kinds = {(c.persona, c.kind) for c in mix}
    for persona in referral_load.PERSONAS:
        assert {(persona, "first"), (persona, "oldest"), (persona, "limbo")} <= kinds


@pytest.mark.django_db
def test_the_next_pages_follow_on_from_the_first_without_repeating_it(history):
    mix = referral_load.cases()
    persona = "clinician.city-nhs-trust"
    first = next(c for c in mix if c.persona == persona and c.kind == "first")
    following = [c for c in mix if c.persona == persona and c.kind == "next"]
    assert following
    listed = [ref for case in [first, *following] for ref in case.references]
    assert len(listed) == len(set(listed))


@pytest.mark.django_db
def test_every_worklist_page_lists_what_the_selector_gives(history):
    mix = referral_load.cases()
    referral_load.check(referral_load.sessions("localhost"), mix)


@pytest.mark.django_db
def test_a_page_that_does_not_list_its_referrals_is_not_measured(history):
    case = referral_load.cases()[0]
    wrong = referral_load.Case(case.persona, case.kind, case.path, ("JU-NOTLISTD",))
    with pytest.raises(RuntimeError, match="does not list"):
        referral_load.check(referral_load.sessions("localhost"), [wrong])


@pytest.mark.django_db
def test_every_submitter_has_people_to_refer_and_services_to_refer_to(history):
    submitters = referral_load.submitters(seed=1)
    assert {s.username for s in submitters} == set(referral_load.SUBMITTERS)
    assert all(s.people and s.services and s.token for s in submitters)


@pytest.mark.django_db
def test_the_clean_up_leaves_exactly_what_the_build_wrote(history):
    from joinedup.people import selectors as people_selectors
    from joinedup.referrals import services

    user = referral_load.pages.persona("clinician.north-cmht")
    before_pk = Referral.objects.order_by("-pk").values_list("pk", flat=True).first()
    counts = (Referral.objects.count(), Transition.objects.count())
    person = people_selectors.person_list(user=user)[0]
    service = referral_load.submitters(seed=1)[0].services[0][0]
    from joinedup.directory.models import Service

    services.referral_create(
        actor=user,
        person=person,
        service=Service.objects.get(public_id=service),
        data={"reason": "A bench referral", "consent_to_share": True},
    )
    removed = referral_load.cleanup(after_pk=before_pk)
    assert removed["referrals"] == 1
    assert (Referral.objects.count(), Transition.objects.count()) == counts
