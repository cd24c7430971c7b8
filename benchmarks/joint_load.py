"""The joint-working scenario of `joinedup bench` (issue 5): the joint referral meeting's
agenda page and the care plan page, over an ICS's history and over the demo's.

DESIGN.md §9 asks of every page a number of SQL queries bounded whatever the size of the
data; it names no latency for these two, so the scenario holds them to the worklist's:
p95 ≤ 100 ms (`PAGE_P95_TARGET_MS`), the page a practitioner opens all day. Timed
in-process through the full Django stack, as the worklists are, as personas of the
demo partnership, which are in both databases:

- `agenda`: North's next joint referral meeting (`/meetings/<id>/`), as a member of staff
  of each organisation attending it — the trust's North team, the council and
  Riverside Mind, each of whom joins it first (the agenda is read at the meeting) —
  each shown what the access policy lets them see of each person;
- `minutes`: North's last closed meeting, its decisions and actions, as the same three;
- `care_plan`: a plan's page (`/care-plans/<id>/`) for up to `PLANS_EACH` plans each
  persona may see — the trust's North team, which writes them, and Riverside Mind, in
  care teams — oldest first.

Every page is checked before anything is timed: it answers 200, and it names each person
of the agenda the selector shows the persona (or the plan's own words). Each page's SQL
queries are counted, and the scenario reports whether the counts are the same at both
sizes.
"""

from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from benchmarks import pages
from benchmarks.measure import measure_runs

LOCALITY = "north"
MEETING_PERSONAS = (
    "clinician.north-cmht",
    "practitioner.city-council",
    "referral_coordinator.riverside-mind",
)
PLAN_PERSONAS = ("clinician.north-cmht", "practitioner.riverside-mind")
PLANS_EACH = 20
KINDS = ("agenda", "minutes", "care_plan")
PAGE_P95_TARGET_MS = 100.0


@dataclass(frozen=True)
class Case:
    persona: str
    kind: str
    path: str
    must_show: tuple[str, ...]  # what the page must say (escaped as the page has it)
    items: int = 0  # agenda items on the page, or versions of the plan


def _meetings():
    """North's next meeting, and the last one it held."""
    from joinedup.meetings.models import Meeting, MeetingStatus

    north = Meeting.objects.filter(locality__slug=LOCALITY)
    upcoming = north.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at", "pk").first()
    held = north.filter(status=MeetingStatus.CLOSED).order_by("-starts_at", "-pk").first()
    if upcoming is None or held is None:
        raise RuntimeError("North has no next meeting or no closed one: the database lacks them")
    return upcoming, held


def _meeting_case(username: str, kind: str, meeting) -> Case:
    from joinedup.meetings import selectors

    view = selectors.meeting_view(
        user=pages.persona(username), public_id=meeting.public_id, audit=False
    )
    names = tuple(escape(row.name) for row in view.rows if row.person is not None)
    return Case(username, kind, f"/meetings/{meeting.public_id}/", names, len(view.rows))


def _plan_cases(username: str) -> list[Case]:
    from joinedup.access.categories import Category
    from joinedup.access.record import record_visibility
    from joinedup.careplans.models import CarePlan

    user = pages.persona(username)
    plans = record_visibility(user, CarePlan.objects.all(), category=Category.CARE_PLAN)
    return [
        Case(
            username,
            "care_plan",
            f"/care-plans/{plan.public_id}/",
            (escape(plan.what_matters),),
            plan.version,
        )
        for plan in plans.order_by("pk")[:PLANS_EACH]
    ]


def _attend(meeting) -> None:
    """Each meeting persona joins the next meeting (`attendee_join`, which keeps one
    place each however often it is asked): the agenda is read at the meeting, and both
    sizes then show it to attendees alike."""
    from joinedup.meetings import services

    for username in MEETING_PERSONAS:
        services.attendee_join(actor=pages.persona(username), meeting=meeting)


def cases() -> list[Case]:
    upcoming, held = _meetings()
    _attend(upcoming)
    mix = [_meeting_case(u, "agenda", upcoming) for u in MEETING_PERSONAS]
    mix += [_meeting_case(u, "minutes", held) for u in MEETING_PERSONAS]
    for username in PLAN_PERSONAS:
        mix += _plan_cases(username)
    if not any(c.kind == "care_plan" for c in mix):
        raise RuntimeError("No persona may see a care plan: the database lacks them")
    return mix


def sessions(host: str) -> pages.Sessions:
    """One logged-in client per persona of the meetings and the plans."""
    return pages.Sessions(host, MEETING_PERSONAS + PLAN_PERSONAS)


def check(sessions: pages.Sessions, mix: list[Case]) -> None:
    for case in mix:
        body = sessions.get(case).content.decode()
        missing = [text for text in case.must_show if text not in body]
        if missing:
            raise RuntimeError(f"{case.path} as {case.persona} does not show {missing[0]!r}")


def run(*, host: str, runs: int, warmup: int, repeat: int = 10) -> dict:
    """p50/p95/p99 of each kind of page (medians over `runs`), its query counts, and the
    size of what it showed."""
    mix = cases()
    logged_in = sessions(host)
    check(logged_in, mix)
    pages = {}
    for kind in KINDS:
        mine = [c for c in mix if c.kind == kind]
        # As many requests of each kind: the plans are many, the meetings' pages three.
        mine = mine * max(1, (repeat * PLANS_EACH) // max(len(mine), 1))
        figures = measure_runs(logged_in.get, mine, runs=runs, warmup=min(warmup, len(mine)))
        figures.pop("per_run", None)
        pages[kind] = figures
    queries: dict[str, dict[str, list[int]]] = {}
    for case in mix:
        queries.setdefault(case.kind, {}).setdefault(case.persona, []).append(
            _queries(logged_in, case)
        )
    shown = {
        kind: {
            "pages": sum(c.kind == kind for c in mix),
            "items": max((c.items for c in mix if c.kind == kind), default=0),
        }
        for kind in KINDS
    }
    return {"pages": pages, "queries": _spread(queries), "shown": shown, **table_counts()}


def _queries(sessions: pages.Sessions, case: Case, tries: int = 3) -> int:
    """The page's own queries: the fewest of a few requests, leaving out the session's
    last-seen time, which the middleware writes every so often whatever the page."""
    counts = []
    for _ in range(tries):
        with CaptureQueriesContext(connection) as captured:
            sessions.get(case)
        counts.append(len(captured.captured_queries))
    return min(counts)


def _spread(queries: dict) -> dict:
    """Per page kind and persona, the fewest and most queries any of its pages issued."""
    return {
        kind: {persona: [min(counts), max(counts)] for persona, counts in personas.items()}
        for kind, personas in queries.items()
    }


def table_counts() -> dict:
    from joinedup.careplans import selectors as careplan_selectors
    from joinedup.meetings import selectors as meeting_selectors

    return {"tables": {**careplan_selectors.table_counts(), **meeting_selectors.table_counts()}}


def queries_constant(sizes: dict) -> bool:
    """Whether every page kind and persona issued the same queries at every size."""
    seen = [figures["joint"]["queries"] for figures in sizes.values()]
    return all(counts == seen[0] for counts in seen[1:])
