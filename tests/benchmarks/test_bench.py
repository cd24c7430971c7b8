"""`joinedup bench`: its refusals, its arithmetic, and the search scenario's ways in."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from benchmarks import search, yardsticks
from benchmarks.generator import Partnership, load, size_named
from benchmarks.measure import median_of_runs, percentiles
from joinedup.demo.management.commands import bench

PGBENCH_OUTPUT = """\
transaction type: <builtin: select only>
number of clients: 2
latency average = 0.151 ms
initial connection time = 4.123 ms
tps = 13245.678901 (without initial connection time)
"""


def test_bench_refuses_sqlite(monkeypatch):
    monkeypatch.setenv("JOINEDUP_BENCH_DATABASE_URL", "sqlite:////tmp/bench.sqlite3")

    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("bench", "search")


def test_bench_run_refuses_a_database_not_made_for_benchmarks(db):
    with pytest.raises(CommandError, match="joinedup_bench_"):
        call_command("bench_run", "build", "--size", "small")


def test_small_always_runs_and_national_brings_the_10k_size_for_the_ratio():
    assert bench._search_labels("national") == ["small", "10k", "national"]


def test_an_unknown_size_is_refused():
    with pytest.raises(CommandError, match="unknown sizes"):
        bench._search_labels("ics,galactic")


def test_percentiles_of_one_to_a_hundred():
    figures = percentiles([float(n) for n in range(1, 101)])

    assert (figures["p50"], figures["p95"], figures["p99"]) == (50.5, 95.05, 99.01)


def test_the_median_run_decides_each_percentile():
    runs = [{"p50": p, "p95": p * 2, "p99": p * 3, "mean": p} for p in (10.0, 90.0, 12.0)]

    assert median_of_runs(runs)["p95"] == 24.0


def test_pgbench_figures_are_read_from_its_output():
    figures = yardsticks._pgbench_figures(PGBENCH_OUTPUT, seconds=10, clients=2)

    assert (figures["tps"], figures["latency_ms"]) == (13245.7, 0.151)


def _sizes(**p95s):
    """Bench figures with the given warm p95 at each size, and a cold p95 ten times it."""
    return {
        label: {
            "search": {
                "via": "page",
                "ways": {"page": {"warm": {"p95": p95}, "cold": {"p95": p95 * 10}}},
            }
        }
        for label, p95 in p95s.items()
    }


def test_a_search_p95_over_target_is_a_miss_by_the_excess():
    verdicts = bench._verdicts(_sizes(ics=62.5))

    assert verdicts["warm"]["ics"] == {"target_ms": 50.0, "result": "MISS", "over_ms": 12.5}


def test_the_ratio_of_national_to_10k_passes_at_two_or_less():
    verdicts = bench._verdicts(_sizes(**{"10k": 40.0, "national": 80.0}))

    assert verdicts["warm"]["ratio"]["result"] == "PASS"
    assert verdicts["warm"]["national"]["result"] == "PASS"


def test_cold_and_warm_figures_are_each_held_to_the_targets():
    verdicts = bench._verdicts(_sizes(ics=40.0))

    assert (verdicts["warm"]["ics"]["result"], verdicts["cold"]["ics"]["result"]) == (
        "PASS",
        "MISS",
    )


def _cache_seen_by(cases, *, cold: bool) -> list[bool]:
    """For each search timed, whether the cache held what the search before it put there."""
    seen = []

    def call(case):
        seen.append(cache.get("bench-test") is not None)
        cache.set("bench-test", case)

    search.timed_searches(call, cases, cold=cold)
    return seen


def test_a_cold_search_finds_the_cache_empty():
    cache.clear()

    assert _cache_seen_by(["a", "b", "c"], cold=True) == [False, False, False]


def test_a_warm_search_finds_what_the_searches_before_it_cached():
    cache.clear()

    assert _cache_seen_by(["a", "b", "c"], cold=False) == [False, True, True]


@pytest.fixture
def small(db):
    load(Partnership(size_named("small"), seed=1))


def test_the_search_mix_is_the_same_for_the_same_seed(small):
    assert search.search_mix(seed=4, count=24) == search.search_mix(seed=4, count=24)


def test_the_search_mix_has_every_kind_of_search_equally(small):
    cases = search.search_mix(seed=4, count=24)

    assert sorted(case.kind for case in cases) == sorted(search.KINDS * 4)


def test_a_way_in_that_does_not_list_what_the_selector_finds_is_not_measured(small):
    cases = search.search_mix(seed=1, count=12)
    blank = search.WayIn("page that lists nothing", lambda case: b"<html></html>")

    assert "does not list" in search._agrees_with_selector(blank, cases)


def test_the_selector_is_measured_when_no_page_answers(small, monkeypatch):
    def not_built(client, path, *, api):
        return search.WayIn(path, lambda case: b"being built")

    monkeypatch.setattr(search, "_http", not_built)
    ways, notes = search.ways_in(Client(), search.search_mix(seed=1, count=12))

    assert [way.name for way in ways] == ["selector service_search(with_facets=True)"]
    assert len(notes) == 2


def test_a_way_in_that_lists_what_the_selector_finds_is_measured(small):
    cases = search.search_mix(seed=1, count=12)

    def listing(case):
        return "\n".join(s.name for s in search._selector(case)).encode()

    selector = search.WayIn("a plain listing", listing)

    assert search._agrees_with_selector(selector, cases) == ""


def test_oruk_import_figures_are_held_to_the_targets_the_scenario_names():
    figures = {"import": {"seconds": 75.0, "peak_rss_mib": 512.0}, "generate_seconds": 9.0}
    targets = {"seconds": 60, "peak_rss_mib": 1024}

    verdicts = {k: bench._oruk_verdict(k, v, targets) for k, v in bench._flatten(figures)}

    assert verdicts == {
        "import.seconds": "target ≤ 60  MISS",
        "import.peak_rss_mib": "target ≤ 1024  PASS",
        "generate_seconds": "",
    }


def test_a_search_issues_as_many_queries_cold_as_warm(small):
    cases = search.search_mix(seed=1, count=12)
    page = search._http(Client(), "/directory/", api=False)

    assert search.query_counts(page, cases, cold=True) == search.query_counts(
        page, cases, cold=False
    )
