"""The directory search scenario: a fixed, seeded mix of the searches referrers make,
issued through the full Django stack in-process (DESIGN.md §9, issue 2).

Three ways in, tried in this order: the search page `/directory/`, the JSON API
`/api/v1/services`, and — when neither answers as the selector does — the selector
`service_search` itself. A way in is used only if, for one search of every kind, its
response lists the services the selector finds: that catches a page that is not built
yet, and filters the page would silently ignore.

Every way in is measured twice, cold and warm (see STATES), and both are reported
against the targets.
"""

import html
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.measure import median_of_runs, percentiles
from joinedup.directory.models import Locality, TaxonomyTerm
from joinedup.directory.selectors import ServiceSearch, service_search

SEARCH_TEXTS = (
    "befriending",
    "counselling",
    "housing support",
    "peer support",
    "day centre",
    "employment",
    "carers",
    "crisis",
    "food bank",
    "art group",
    "bereavement",
    "psychosis",
    "walking",
    "debt advice",
    "loneliness",
    "mindfulness",
    "hearing voices",
    "domestic abuse",
    "alcohol",
    "older people",
)
AGES = (17, 22, 30, 45, 67, 80)
WAITS = (7, 14, 28, 56)  # the search page's choices
KINDS = ("text", "text+locality", "need", "self-referral+age", "max-wait", "page-3")


@dataclass(frozen=True)
class SearchCase:
    kind: str
    params: ServiceSearch
    page: int = 1


def _case(kind: str, rng: random.Random, localities: list[str], needs: list[str]) -> SearchCase:
    text = rng.choice(SEARCH_TEXTS)
    if kind == "text":
        return SearchCase(kind, ServiceSearch(text=text))
    if kind == "text+locality":
        return SearchCase(kind, ServiceSearch(text=text, localities=(rng.choice(localities),)))
    if kind == "need":
        return SearchCase(kind, ServiceSearch(taxonomy_terms=(rng.choice(needs),)))
    if kind == "self-referral+age":
        return SearchCase(kind, ServiceSearch(self_referral=True, age=rng.choice(AGES)))
    if kind == "max-wait":
        return SearchCase(kind, ServiceSearch(max_waiting_days=rng.choice(WAITS)))
    # A broad search paged on: the page a referrer reaches when the first two disappoint.
    return SearchCase(kind, ServiceSearch(text="support"), page=3)


def search_mix(*, seed: int, count: int) -> list[SearchCase]:
    """`count` searches, every kind equally often, in a seeded order."""
    rng = random.Random(f"joinedup-bench-search:{seed}")
    localities = sorted(Locality.objects.values_list("slug", flat=True))
    needs = sorted(
        TaxonomyTerm.objects.filter(taxonomy__is_tag_set=False).values_list("code", flat=True)
    )
    cases = [_case(KINDS[i % len(KINDS)], rng, localities, needs) for i in range(count)]
    rng.shuffle(cases)
    return cases


def _query(case: SearchCase, *, api: bool) -> str:
    p = case.params
    yes = "true" if api else "1"
    pairs = [("q", p.text)] if p.text else []
    pairs += [("locality", slug) for slug in p.localities]
    pairs += [("need", code) for code in p.taxonomy_terms]
    if p.self_referral:
        pairs.append(("self_referral", yes))
    if p.accepting_referrals:
        pairs.append(("accepting", yes))
    if p.age is not None:
        pairs.append(("age", p.age))
    if p.max_waiting_days is not None:
        pairs.append(("max_wait", p.max_waiting_days))
    if case.page != 1:
        pairs.append(("page", case.page))
    if api:
        # What the search page shows beside its results, so both do the same work.
        pairs.append(("facets", "true"))
    return urlencode(pairs)


def _selector(case: SearchCase):
    results = service_search(
        params=case.params,
        page=case.page,
        page_size=settings.JOINEDUP_PAGE_SIZE,
        with_facets=True,
    )
    return list(results.page)


@dataclass
class WayIn:
    name: str
    call: Callable[[SearchCase], object]


def _http(client: Client, path: str, *, api: bool) -> WayIn:
    def call(case: SearchCase):
        response = client.get(f"{path}?{_query(case, api=api)}")
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response.content

    return WayIn(f"{'api' if api else 'page'} {path}", call)


def _lists(body: bytes, names: list[str]) -> bool:
    text = body.decode("utf-8", errors="replace")
    forms = (
        lambda n: html.escape(n),
        lambda n: json.dumps(n)[1:-1],
        lambda n: json.dumps(n, ensure_ascii=False)[1:-1],
    )
    return all(any(form(name) in text for form in forms) for name in names)


def _agrees_with_selector(way: WayIn, cases: list[SearchCase]) -> str:
    """'' if `way` lists what the selector finds for one search of each kind, else why not."""
    for kind in KINDS:
        case = next(c for c in cases if c.kind == kind)
        try:
            body = way.call(case)
        except RuntimeError as exc:
            return str(exc)
        expected = [service.name for service in _selector(case)]
        if not _lists(body, expected):
            return f"its {kind} search does not list what the selector finds"
    return ""


def ways_in(client: Client, cases: list[SearchCase]) -> tuple[list[WayIn], list[str]]:
    """The ways in that answer correctly, best first, and a note for each that does not."""
    found, notes = [], []
    for way in (
        _http(client, "/directory/", api=False),
        _http(client, "/api/v1/services", api=True),
    ):
        problem = _agrees_with_selector(way, cases)
        if problem:
            notes.append(f"{way.name} not measured: {problem}")
        else:
            found.append(way)
    if not found:
        found.append(WayIn("selector service_search(with_facets=True)", _selector))
    return found, notes


def query_counts(way: WayIn, cases: list[SearchCase], *, cold: bool) -> dict[str, int]:
    """SQL queries one search of each kind issues: bounded, whatever the data size."""
    counts = {}
    for kind in KINDS:
        case = next(c for c in cases if c.kind == kind)
        if cold:
            cache.clear()
        else:
            way.call(case)
        with CaptureQueriesContext(connection) as captured:
            way.call(case)
        counts[kind] = len(captured.captured_queries)
    return counts


# Search caches what a search matches (count, facets, the first pages' ids) under the
# directory's version stamp. Both states are measured and held to the targets:
# COLD clears the cache before every timed search (outside the timing), so every search
# counts and facets its matches; WARM first runs every search of the mix once, so every
# timed search is a repeat, as when referrers search for the same things.
STATES = ("cold", "warm")


def run(*, client: Client, seed: int, requests: int, runs: int, warmup: int) -> dict:
    """Measure every working way in, cold and warm; the first way is held to the targets."""
    cases = search_mix(seed=seed, count=requests)
    ways, notes = ways_in(client, cases)
    measured = {}
    for way in ways:
        measured[way.name] = {
            state: measure_state(way, cases, cold=state == "cold", runs=runs, warmup=warmup)
            for state in STATES
        }
    return {"via": ways[0].name, "ways": measured, "notes": notes, "requests": len(cases)}


def measure_state(way: WayIn, cases: list[SearchCase], *, cold: bool, runs: int, warmup: int):
    """Medians over `runs` of each run's percentiles, p95 by kind, and query counts."""
    # Warm: every search of the mix once, so that each timed search is a repeat.
    for case in cases[:warmup] if cold else cases:
        way.call(case)
    per_run = [percentiles(timed_searches(way.call, cases, cold=cold)) for _ in range(runs)]
    by_kind = {}
    for kind in KINDS:
        mine = [c for c in cases if c.kind == kind]
        if len(mine) >= 2:
            by_kind[kind] = percentiles(timed_searches(way.call, mine, cold=cold))["p95"]
    return {
        **median_of_runs(per_run),
        "per_run": per_run,
        "by_kind_p95": by_kind,
        "queries": query_counts(way, cases, cold=cold),
    }


def timed_searches(call: Callable, cases: list[SearchCase], *, cold: bool) -> list[float]:
    """Milliseconds each search took; if `cold`, the cache is emptied before each one,
    outside the timing."""
    samples = []
    for case in cases:
        if cold:
            cache.clear()
        started = time.perf_counter()
        call(case)
        samples.append((time.perf_counter() - started) * 1000)
    return samples
