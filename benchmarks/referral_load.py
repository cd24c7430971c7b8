"""The referrals scenario of `joinedup bench` (DESIGN.md §9): worklists over a
partnership's history, and referral submission under concurrent clients.

**Worklists** — a practitioner's worklist p95 ≤ 100 ms with a million referrals, and
p95 at 1M ÷ p95 at 10k ≤ 1.5. Timed in-process through the full Django stack (as the
search and access scenarios are), as four personas of the demo partnership, whose teams
range from the trust (the most referrals of any organisation) to a voluntary
organisation:

- `first`: the worklist's first page, urgent first (`/referrals/`, or `/referrals/outgoing/`
  for the GP practice, which makes referrals rather than receiving them);
- `next`: the pages after it, each from the cursor the page before gave (keyset pages);
- `oldest`: the first page sorted oldest first;
- `limbo`: the first page of those in limbo.

Each page is checked before anything is timed (it answers 200 and lists the references
the selector gives), and its SQL queries are counted.

**Submission** — "referral submit sustains ≥ 200/s, p99 ≤ 100 ms, with consent check,
audit and notification queued". The app is served by gunicorn (as `joinedup serve`
serves it, on a port of its own) on the bench database, and `clients` threads, each
with a keep-alive connection and a bearer token of a referrer of its own, POST
`/api/v1/referrals` (an Idempotency-Key each, as a careful client sends) for as long as
asked, as fast as the answers come (a closed loop: the throughput is what the server
sustains at that concurrency). Each referral is a real one: the person is one the
referrer's team may see, the service one that takes professional referrals, consent to
share is given, and the state machine submits it, writes its audit event and queues its
notifications. Every answer must be a 201; any other is counted and reported.

The referrals the run made are deleted afterwards (with their transitions, needs, care
relationships and queued notifications), so the database still holds exactly what its
build wrote and the next run reuses it. Their audit events stay: the log is
append-only, and it is not part of what a build is checked against.
"""

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import pages
from benchmarks.measure import measure_runs, percentiles

# persona: which worklist it reads
PERSONAS = {
    "clinician.city-nhs-trust": "incoming",  # the trust: the most referrals of any team
    "referral_coordinator.city-council": "incoming",  # adult social care
    "practitioner.riverside-mind": "incoming",  # a voluntary organisation
    "practitioner.highfield-medical-practice": "outgoing",  # a GP practice's referrals
}
KINDS = ("first", "next", "oldest", "limbo")
NEXT_PAGES = 4
WORKLIST_P95_TARGET_MS = 100.0
WORKLIST_RATIO_TARGET = 1.5
SUBMIT_RATE_TARGET = 200.0
SUBMIT_P99_TARGET_MS = 100.0
# Who submits: members of referring teams, each with a token of their own.
SUBMITTERS = (
    "clinician.north-cmht",
    "practitioner.north-cmht",
    "care_coordinator.south-cmht",
    "clinician.east-cmht",
    "practitioner.highfield-medical-practice",
    "clinician.highfield-medical-practice",
    "practitioner.city-council",
    "practitioner.riverside-mind",
)


# --- worklists ------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    persona: str
    kind: str
    path: str
    references: tuple[str, ...]  # what the page must list, in order


def _path(direction: str, **params) -> str:
    from urllib.parse import urlencode

    base = "/referrals/outgoing/" if direction == "outgoing" else "/referrals/"
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{base}?{query}" if query else base


def cases() -> list[Case]:
    """Each persona's pages, with the references the selector lists on each (the pages
    must show them). `next` follows the cursors page by page, as a reader would."""
    from joinedup.referrals import selectors

    mix: list[Case] = []
    for username, direction in PERSONAS.items():
        user = pages.persona(username)

        def page(sort="urgency", flag="", after=None, *, user=user, direction=direction):
            return selectors.worklist(
                user=user, direction=direction, sort=sort, flag=flag, after=after
            )

        first = page()
        if not first.rows:
            raise RuntimeError(f"{username}'s worklist is empty: the database lacks referrals")
        refs = tuple(r.reference for r in first.rows)
        mix.append(Case(username, "first", _path(direction), refs))
        cursor = first.next_cursor
        for _ in range(NEXT_PAGES):
            if not cursor:
                break
            following = page(after=cursor)
            refs = tuple(r.reference for r in following.rows)
            mix.append(Case(username, "next", _path(direction, after=cursor), refs))
            cursor = following.next_cursor
        oldest = page(sort="oldest")
        mix.append(
            Case(
                username,
                "oldest",
                _path(direction, sort="oldest"),
                tuple(r.reference for r in oldest.rows),
            )
        )
        limbo = page(flag="limbo")
        mix.append(
            Case(
                username,
                "limbo",
                _path(direction, flag="limbo"),
                tuple(r.reference for r in limbo.rows),
            )
        )
    return mix


def sessions(host: str) -> pages.Sessions:
    """One logged-in client per worklist persona."""
    return pages.Sessions(host, PERSONAS)


def check(sessions: pages.Sessions, mix: list[Case]) -> None:
    for case in mix:
        body = sessions.get(case).content.decode()
        positions = [body.find(reference) for reference in case.references]
        if -1 in positions or positions != sorted(positions):
            raise RuntimeError(f"{case.path} as {case.persona} does not list its referrals")


def worklists(*, host: str, runs: int, warmup: int, repeat: int = 10) -> dict:
    """p50/p95/p99 of each kind of page (medians over `runs`), and its query counts."""
    mix = cases()
    logged_in = sessions(host)
    check(logged_in, mix)
    pages = {}
    for kind in KINDS:
        mine = [c for c in mix if c.kind == kind] * repeat
        figures = measure_runs(logged_in.get, mine, runs=runs, warmup=min(warmup, len(mine)))
        figures.pop("per_run", None)
        pages[kind] = figures
    every = [c for c in mix] * repeat
    overall = measure_runs(logged_in.get, every, runs=runs, warmup=min(warmup, len(every)))
    overall.pop("per_run", None)
    queries: dict[str, dict[str, int]] = {}
    for case in mix:
        with CaptureQueriesContext(connection) as captured:
            logged_in.get(case)
        queries.setdefault(case.kind, {})[case.persona] = len(captured.captured_queries)
    return {
        "personas": PERSONAS,
        "requests": {kind: sum(c.kind == kind for c in mix) * repeat for kind in KINDS},
        "pages": pages,
        "all": overall,
        "queries": queries,
        "open_on_worklists": _open_counts(),
    }


def _open_counts() -> dict[str, int]:
    from joinedup.referrals import selectors

    counts = {}
    for username, direction in PERSONAS.items():
        page = selectors.worklist(user=pages.persona(username), direction=direction, size=1)
        counts[username] = page.counts["total"]
    return counts


# --- submission -----------------------------------------------------------------------


@dataclass
class Submitter:
    username: str
    token: str
    people: list[str]  # public ids of people the referrer's team may see
    services: list[tuple[str, list[str]]]  # (public id, its need codes)


@dataclass
class Tally:
    started: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, started: float, elapsed_ms: float, status: int) -> None:
        with self.lock:
            self.started.append(started)
            self.latencies_ms.append(elapsed_ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1


def _token(user) -> str:
    """A bearer token for `user`, issued as POST /api/v1/auth/token would issue it (the
    bench database's demo passwords are random and never kept)."""
    from datetime import timedelta

    from django.utils import timezone

    from joinedup.accounts.models import ApiToken

    raw, digest = ApiToken.new_raw_token()
    ApiToken.objects.create(
        membership=user.acting_membership,
        token_hash=digest,
        expires_at=timezone.now() + timedelta(hours=2),
    )
    return raw


def submitters(seed: int) -> list[Submitter]:
    from joinedup.access import record
    from joinedup.directory.models import Service, ServiceStatus
    from joinedup.people.models import Person

    rng = random.Random(f"joinedup-bench-submit:{seed}")
    services = list(
        Service.objects.filter(
            status=ServiceStatus.ACTIVE,
            accepting_referrals=True,
            accepts_professional_referrals=True,
        )
        .order_by("pk")
        .values_list("pk", "public_id")[:5000]
    )
    chosen = rng.sample(services, min(200, len(services)))
    needs: dict[int, list[str]] = {}
    for service_id, code in Service.taxonomy_terms.through.objects.filter(
        service_id__in=[pk for pk, _ in chosen]
    ).values_list("service_id", "taxonomyterm__code"):
        needs.setdefault(service_id, []).append(code)
    offered = [(str(public_id), needs.get(pk, [])[:1]) for pk, public_id in chosen]
    found = []
    for username in SUBMITTERS:
        user = pages.persona(username)
        visible = record.person_visibility(user, Person.objects.all())
        people = [str(p) for p in visible.order_by("pk").values_list("public_id", flat=True)[:300]]
        if people:
            found.append(Submitter(username, _token(user), people, offered))
    if not found:
        raise RuntimeError("no referrer sees anybody: the database lacks the people stage")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(port: int, workers: int) -> subprocess.Popen:
    from joinedup.demo.management.commands.serve import _without_control_socket

    command = [
        sys.executable, "-m", "gunicorn", "joinedup.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--worker-class", "sync", "--keep-alive", "30", "--log-level", "warning",
        *_without_control_socket(),
    ]  # fmt: skip
    env = {**os.environ, "JOINEDUP_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _client(port: int, submitter: Submitter, rng: random.Random, stop_at: float, tally: Tally):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Authorization": f"Bearer {submitter.token}",
        "Content-Type": "application/json",
        "Host": "127.0.0.1",
    }
    while time.monotonic() < stop_at:
        service, needs = submitter.services[rng.randrange(len(submitter.services))]
        body = json.dumps(
            {
                "person": submitter.people[rng.randrange(len(submitter.people))],
                "service": service,
                "reason": "Low mood and isolation; would value company and a routine.",
                "what_matters": "Getting out of the flat again",
                "urgency": "routine",
                "needs": needs,
                "consent_to_share": True,
            }
        )
        started = time.perf_counter()
        try:
            conn.request(
                "POST",
                "/api/v1/referrals",
                body=body,
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        tally.add(time.monotonic(), elapsed, response.status)
        if response.status != 201 and len(tally.errors) < 5:
            tally.errors.append(f"{response.status}: {payload[:300]!r}")
    conn.close()


def submit(*, seed: int, clients: int, seconds: float, warmup_seconds: float, workers: int) -> dict:
    """Throughput and latency of POST /api/v1/referrals with `clients` concurrent clients
    against gunicorn with `workers` workers, measured after `warmup_seconds`."""
    from joinedup.referrals.models import Referral

    people = submitters(seed)
    before = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    connection.close()  # the server's workers need the connections, not this process
    port = _free_port()
    server = _serve(port, workers)
    tally = Tally()
    try:
        begin = time.monotonic()
        measure_from = begin + warmup_seconds
        stop_at = measure_from + seconds
        threads = [
            threading.Thread(
                target=_client,
                args=(port, people[i % len(people)], random.Random(f"{seed}:{i}"), stop_at, tally),
                daemon=True,
            )
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    measured = [
        latency
        for at, latency in zip(tally.started, tally.latencies_ms, strict=True)
        if measure_from <= at <= stop_at
    ]
    created = tally.statuses.get(201, 0)
    made = Referral.objects.filter(pk__gt=before).count()
    removed = cleanup(after_pk=before)
    figures = percentiles(measured) if len(measured) > 1 else {}
    return {
        "clients": clients,
        "web_workers": workers,
        "seconds": seconds,
        "warmup_seconds": warmup_seconds,
        "requests": len(measured),
        "per_second": round(len(measured) / seconds, 1),
        "latency_ms": figures,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "created_all": created,
        "made_in_database": made,
        "removed_afterwards": removed,
        "errors": tally.errors[:5],
        "submitters": [s.username for s in people],
        "mean_of_latency_ms": round(statistics.fmean(measured), 2) if measured else None,
    }


def cleanup(*, after_pk: int) -> dict[str, int]:
    """Delete what the submission run made: its referrals and everything they wrote but
    the audit log."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from joinedup.people.models import CareRelationship
    from joinedup.referrals.models import Attachment, MeetingQueueItem, Referral, Transition

    made = Referral.objects.filter(pk__gt=after_pk)
    sources = [f"referral:{public_id}" for public_id in made.values_list("public_id", flat=True)]
    with transaction.atomic():
        counts = {
            "tasks": DBTaskResult.objects.filter(status="READY").delete()[0],
            "care_relationships": sum(
                CareRelationship.objects.filter(source__in=sources[i : i + 5000]).delete()[0]
                for i in range(0, len(sources), 5000)
            ),
            "queue": MeetingQueueItem.objects.filter(referral__in=made).delete()[0],
            "attachments": Attachment.objects.filter(referral__in=made).delete()[0],
            "transitions": Transition.objects.filter(referral__in=made).delete()[0],
            "needs": Referral.needs.through.objects.filter(referral__in=made).delete()[0],
        }
        counts["referrals"] = made.delete()[0]
    return counts
