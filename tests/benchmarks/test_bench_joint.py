"""`joinedup bench joint`: its sizes, and its agenda, minutes and care plan pages on the
demo partnership."""

import pytest
from django.core.management.base import CommandError
from django.db import transaction

from benchmarks import joint_load
from benchmarks.generator import Partnership, load, size_named
from joinedup.demo.management.commands import bench


def test_the_demo_always_runs_beside_ics():
    assert bench._joint_labels("ics") == ["demo", "ics"]


def test_the_small_size_means_the_demo_for_joint():
    assert bench._joint_labels("small") == ["demo"]


def test_an_unknown_size_is_refused_for_joint():
    with pytest.raises(CommandError, match="unknown sizes"):
        bench._joint_labels("10k")


def test_query_counts_that_differ_between_sizes_are_reported():
    same = {"agenda": {"a": [20, 20]}}
    assert joint_load.queries_constant(
        {"demo": {"joint": {"queries": same}}, "ics": {"joint": {"queries": same}}}
    )
    other = {"agenda": {"a": [20, 21]}}
    assert not joint_load.queries_constant(
        {"demo": {"joint": {"queries": same}}, "ics": {"joint": {"queries": other}}}
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load(Partnership(size_named("demo"), seed=1))
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_persona_has_the_agenda_the_minutes_and_plans_to_open(demo):
    mix = joint_load.cases()
    kinds = {(c.persona, c.kind) for c in mix}
    for persona in joint_load.MEETING_PERSONAS:
        assert {(persona, "agenda"), (persona, "minutes")} <= kinds
    for persona in joint_load.PLAN_PERSONAS:
        assert (persona, "care_plan") in kinds


@pytest.mark.django_db
def test_the_agenda_names_people_for_every_persona(demo):
    agendas = [c for c in joint_load.cases() if c.kind == "agenda"]
    assert all(c.items and c.must_show for c in agendas)


@pytest.mark.django_db
def test_every_page_shows_what_the_selectors_give(demo):
    joint_load.check(joint_load.sessions("localhost"), joint_load.cases())


@pytest.mark.django_db
def test_a_page_that_does_not_show_what_it_should_is_not_measured(demo):
    case = joint_load.cases()[0]
    wrong = joint_load.Case(case.persona, case.kind, case.path, ("Nobody By This Name",))
    with pytest.raises(RuntimeError, match="does not show"):
        joint_load.check(joint_load.sessions("localhost"), [wrong])


@pytest.mark.django_db
def test_a_run_reports_each_kind_of_page_with_its_queries(demo):
    figures = joint_load.run(host="localhost", runs=2, warmup=1, repeat=1)
    assert set(figures["pages"]) == set(joint_load.KINDS)
    assert all(page["p95"] > 0 for page in figures["pages"].values())
    for kind in joint_load.KINDS:
        counts = figures["queries"][kind]
        assert counts and all(low <= high for low, high in counts.values())
    assert figures["tables"]["care_plans"] >= 3
