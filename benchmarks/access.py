"""The shared-record scenario: the people list and the record page, as the demo's
personas see them, through the full Django stack in-process (DESIGN.md §5, §9).

Each persona is logged in once, with the second factor proved (the roles that see
clinical data need it), on a test `Client` of its own. The pages:

- `list`: the people list `/people/`, first page;
- `search`: the list searched by a family name of someone the persona may see (the
  search is posted once, as the page's form does, and the page it redirects to — whose
  URL names the search by a key kept in the session, never the name — is timed);
- `record`: the record page `/people/<id>/` of people the persona may see;
- `refused`: the record page of someone they may not see, which must answer 404 as
  cheaply as the rest (the refusal never says whether the record exists).

Before timing, each page is checked: the list shows the names the selector gives, a
record page shows the person's name, a refusal is a 404. The people are drawn with a
seeded random number generator from the people each persona may see (or not), through
the same policy the pages use.
"""

import random
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks.measure import measure_runs

PERSONAS = (
    "clinician.city-nhs-trust",  # the trust's clinician: the biggest caseload
    "care_coordinator.north-cmht",  # a community mental health team's care coordinator
    "volunteer.riverside-mind",  # sees contact, the care plan and activity, by the ISA
    "practitioner.riverside-mind",  # a voluntary-sector practitioner
)
KINDS = ("list", "search", "record", "refused")
SEARCHES_KEPT = 10  # at most as many as people.views.SEARCHES_KEPT
# DESIGN.md §9 names no figure for these pages; the practitioner's worklist (p95 ≤ 100 ms
# with a million referrals) is the nearest person-level list, so it is the yardstick.
P95_TARGET_MS = 100.0


@dataclass(frozen=True)
class Case:
    persona: str
    kind: str
    path: str
    expect: str  # text the page must show ('' for a refusal)


def _as_user(username: str):
    from joinedup.accounts.models import Membership, User

    user = User.objects.get(username=username)
    user.acting_membership = Membership.objects.active().get(user=user)
    return user


def _sample_ids(people, rng: random.Random, count: int) -> list[int]:
    """`count` people of a queryset, spread over it by id, without reading all of it."""
    from django.db.models import Max, Min

    bounds = people.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    found: list[int] = []
    for _ in range(count * 3):
        start = rng.randint(bounds["low"], bounds["high"])
        pk = people.filter(pk__gte=start).order_by("pk").values_list("pk", flat=True).first()
        if pk is not None and pk not in found:
            found.append(pk)
        if len(found) == count:
            break
    return found


def cases(*, seed: int, per_persona: int) -> list[Case]:
    """The seeded mix: for each persona, the list, searches, records and refusals in
    equal numbers (`per_persona` of each), shuffled."""
    from joinedup.access import record
    from joinedup.people.models import Person

    rng = random.Random(f"joinedup-bench-access:{seed}")
    mix: list[Case] = []
    for username in PERSONAS:
        user = _as_user(username)
        visible = record.person_visibility(user, Person.objects.all())
        ids = _sample_ids(visible, rng, per_persona)
        if not ids:
            raise RuntimeError(f"{username} sees nobody: the database lacks the people stage")
        seen = list(Person.objects.filter(pk__in=ids).values_list("public_id", "family_name"))
        hidden = _sample_ids(Person.objects.exclude(pk__in=visible.values("pk")), rng, per_persona)
        hidden_ids = Person.objects.filter(pk__in=hidden).values_list("public_id", flat=True)
        for _ in range(per_persona):
            mix.append(Case(username, "list", "/people/", ""))
        for index, (public_id, family) in enumerate(seen):
            # The session keeps the last few searches only; the mix reuses as many names.
            searched = seen[index % SEARCHES_KEPT][1]
            mix.append(Case(username, "search", "/people/", searched))
            mix.append(Case(username, "record", f"/people/{public_id}/", family))
        mix += [Case(username, "refused", f"/people/{pid}/", "") for pid in hidden_ids]
    rng.shuffle(mix)
    return mix


class Sessions:
    """One logged-in, two-factor-verified client per persona."""

    def __init__(self, host: str):
        from joinedup.accounts.selectors import role_needs_two_factor, user_has_two_factor
        from joinedup.accounts.testing import force_login_verified

        self.clients: dict[str, Client] = {}
        for username in PERSONAS:
            client = Client(HTTP_HOST=host)
            user = _as_user(username)
            if role_needs_two_factor(user.acting_membership.role) or user_has_two_factor(user=user):
                force_login_verified(client, user)
            else:
                # No authenticator for a role that needs none: one would make the F
                # yardstick's volunteer prove a second factor too.
                client.force_login(user)
            self.clients[username] = client
        self.searches: dict[tuple[str, str], str] = {}

    def search_url(self, case: Case) -> str:
        """The URL the list's search form redirects to for this search, posted once."""
        key = (case.persona, case.expect)
        if key not in self.searches:
            response = self.clients[case.persona].post(case.path, {"q": case.expect})
            if response.status_code != 302:
                raise RuntimeError(f"searching /people/ answered {response.status_code}")
            self.searches[key] = response["Location"]
        return self.searches[key]

    def get(self, case: Case):
        path = self.search_url(case) if case.kind == "search" else case.path
        response = self.clients[case.persona].get(path)
        wanted = 404 if case.kind == "refused" else 200
        if response.status_code != wanted:
            raise RuntimeError(f"{case.persona} GET {path} answered {response.status_code}")
        return response


def check(sessions: Sessions, mix: list[Case]) -> None:
    """Every page shows what it should, once, before anything is timed."""
    import html

    from joinedup.people import selectors

    for username in PERSONAS:
        first = next(c for c in mix if c.persona == username and c.kind == "list")
        body = sessions.get(first).content.decode()
        shown = selectors.person_list(user=_as_user(username))[:5]
        missing = [p.family_name for p in shown if html.escape(p.family_name.upper()) not in body]
        if missing:
            raise RuntimeError(f"/people/ as {username} does not list {missing}")
    for case in mix:
        if case.expect:
            body = sessions.get(case).content.decode()
            if (
                html.escape(case.expect) not in body
                and html.escape(case.expect.upper()) not in body
            ):
                raise RuntimeError(f"{case.path} as {case.persona} does not show {case.expect}")
        else:
            sessions.get(case)


def query_counts(sessions: Sessions, mix: list[Case]) -> dict[str, dict[str, int]]:
    """SQL queries of each page for each persona (the same at every size)."""
    counts: dict[str, dict[str, int]] = {}
    for username in PERSONAS:
        for kind in KINDS:
            case = next((c for c in mix if c.persona == username and c.kind == kind), None)
            if case is None:
                continue
            with CaptureQueriesContext(connection) as captured:
                sessions.get(case)
            counts.setdefault(kind, {})[username] = len(captured.captured_queries)
    return counts


def run(*, host: str, seed: int, per_persona: int, runs: int, warmup: int) -> dict:
    """p50/p95/p99 of each page (medians over `runs`), its query counts, and the cases."""
    import logging

    # A refusal is a 404, which Django logs as a warning each time: measured, not news.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    mix = cases(seed=seed, per_persona=per_persona)
    sessions = Sessions(host)
    for case in mix:
        if case.kind == "search":
            sessions.search_url(case)
    check(sessions, mix)
    pages = {}
    for kind in KINDS:
        mine = [c for c in mix if c.kind == kind]
        figures = measure_runs(sessions.get, mine, runs=runs, warmup=min(warmup, len(mine)))
        figures.pop("per_run", None)
        pages[kind] = figures
    return {
        "personas": list(PERSONAS),
        "requests_per_page": {kind: sum(c.kind == kind for c in mix) for kind in KINDS},
        "pages": pages,
        "queries": query_counts(sessions, mix),
        "target_p95_ms": P95_TARGET_MS,
    }
