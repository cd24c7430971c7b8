"""`joinedup bench access`: its sizes, its rebuild of a database without the people
stage, and the scenario's pages on the small partnership."""

import pytest
from django.core.management.base import CommandError

from benchmarks import access
from benchmarks.generator import STAGE_VERSIONS, Partnership, load, size_named
from joinedup.demo.management.commands import bench, bench_run
from joinedup.demo.models import DemoDataset


def test_small_always_runs_as_the_yardstick():
    assert bench._access_labels("ics") == ["small", "ics"]


def test_an_unknown_size_is_refused_for_access():
    with pytest.raises(CommandError, match="unknown sizes"):
        bench._access_labels("huge")


def marker(stages: dict) -> DemoDataset:
    return DemoDataset(size="ics-20000", seed=1, counts={}, stages=stages, build_seconds=1.0)


def test_a_database_built_before_the_people_stage_is_not_reused_for_access():
    assert not bench_run._holds_stages(marker({}), "people")


def test_a_database_with_an_older_people_stage_is_not_reused_for_access():
    older = {"people": STAGE_VERSIONS["people"] - 1}

    assert not bench_run._holds_stages(marker(older), "people")


def test_a_database_with_the_current_people_stage_is_reused():
    assert bench_run._holds_stages(marker(dict(STAGE_VERSIONS)), "people")


def test_search_asks_for_no_stage_so_any_build_of_its_size_is_reused():
    assert bench_run._holds_stages(marker({}), "")


@pytest.fixture
def small(db):
    return load(Partnership(size_named("small"), seed=1))


def test_the_access_mix_has_every_page_for_every_persona(small):
    mix = access.cases(seed=1, per_persona=2)

    assert {(c.persona, c.kind) for c in mix} == {
        (persona, kind) for persona in access.PERSONAS for kind in access.KINDS
    }


def test_the_access_mix_is_the_same_for_the_same_seed(small):
    assert access.cases(seed=3, per_persona=2) == access.cases(seed=3, per_persona=2)


def test_every_page_of_the_mix_answers_as_it_should(small):
    mix = access.cases(seed=1, per_persona=2)
    sessions = access.Sessions("localhost")

    access.check(sessions, mix)  # raises on a page that does not show what it should

    refused = next(c for c in mix if c.kind == "refused")
    assert sessions.get(refused).status_code == 404


def test_a_refusal_that_shows_the_record_is_caught(small):
    mix = access.cases(seed=1, per_persona=2)
    sessions = access.Sessions("localhost")
    shown = next(c for c in mix if c.kind == "record")
    wrong = access.Case(shown.persona, "refused", shown.path, "")

    with pytest.raises(RuntimeError, match="answered 200"):
        sessions.get(wrong)


def test_each_page_reports_its_queries_for_each_persona(small):
    mix = access.cases(seed=1, per_persona=2)

    counts = access.query_counts(access.Sessions("localhost"), mix)

    assert set(counts) == set(access.KINDS)
    assert all(set(per) == set(access.PERSONAS) for per in counts.values())
