"""Every read of the audit log: the events for review pages, and verification of the chain.

Who may read the log (the IG lead's review pages, the person's own view) is the access
policy's to decide when those pages arrive; these selectors only find and check events.
"""

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from joinedup.audit.models import AuditCheckpoint, AuditEvent, Basis


def audit_event_list(
    *,
    actor_id: int | None = None,
    person_public_id: uuid.UUID | str | None = None,
    basis: Basis | str | None = None,
    organisation_id: int | None = None,
    action: str | None = None,
    occurred_from: dt.datetime | None = None,
    occurred_before: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first.

    A person's events include the lists they appeared on, not only the events about them.
    """
    events = AuditEvent.objects.all()
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if person_public_id is not None:
        events = events.filter(_involving(uuid.UUID(str(person_public_id))))
    if basis is not None:
        events = events.filter(basis=str(basis))
    if organisation_id is not None:
        events = events.filter(organisation_id=organisation_id)
    if action is not None:
        events = events.filter(action=action)
    if occurred_from is not None:
        events = events.filter(occurred_at__gte=occurred_from)
    if occurred_before is not None:
        events = events.filter(occurred_at__lt=occurred_before)
    return events.order_by("-occurred_at", "-sequence")


def _involving(person: uuid.UUID) -> Q:
    if connection.vendor == "postgresql":
        # Containment (@>) on detail -> 'people' is what the GIN index of migration 0003 answers.
        listed = Q(detail__people__contains=[str(person)])
    else:
        listed = Q(detail__people__icontains=f'"{person}"')
    return Q(person_public_id=person) | listed


@dataclass(frozen=True)
class VerifyResult:
    """What verification found: `checked` events were right, up to the first break if any."""

    checked: int
    head_sequence: int
    head_hash: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


@dataclass
class _Walk:
    """Where verification has got to: the last good event."""

    sequence: int = 0
    hash: str = GENESIS_HASH

    def result(self, broken_at: int | None = None, problem: str = "") -> VerifyResult:
        return VerifyResult(self.sequence, self.sequence, self.hash, broken_at, problem)


def audit_verify(*, batch_size: int = 5000, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the chain in order, recomputing every hash; report the first break.

    Reads `batch_size` events at a time, so memory stays flat however long the log.
    Checkpoints (kept by earlier verifications) and `anchor` (an event number and hash
    printed by an earlier verification and kept outside the database) name events the
    chain must still hold: a chain cut back, or rewritten, from before one is caught.
    Events appended while this runs are checked too, as far as they have got.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    known = _known_hashes(anchor)
    walk = _Walk()
    for row in _events_in_order(batch_size):
        problem = _problem_with(row, walk) or _known_hash_problem(row, known)
        if problem:
            return walk.result(*problem)
        walk.sequence, walk.hash = row["sequence"], row["hash"]
    problem = _problem_at_end(walk, known)
    return walk.result(*problem) if problem else walk.result()


def _known_hashes(anchor: tuple[int, str] | None) -> dict[int, tuple[str, str]]:
    """Events whose hash was recorded apart from the chain: sequence -> (hash, by what)."""
    known: dict[int, tuple[str, str]] = {}
    checkpoints = AuditCheckpoint.objects.order_by("id").values_list("sequence", "hash")
    for sequence, hash in checkpoints:
        # The earliest record of an event was made before any later rewriting.
        known.setdefault(sequence, (hash, "a checkpoint"))
    if anchor is not None:
        known[anchor[0]] = (anchor[1].lower(), "the anchor")
    return known


def _events_in_order(batch_size: int) -> Iterator[dict[str, Any]]:
    # Keyset batches on the primary key rather than one long cursor: each query is short,
    # and PostgreSQL need not hold (or copy) a result the size of the whole log.
    after = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=after)
            .order_by("sequence")
            .values(*HASHED_FIELDS, "hash")[:batch_size]
        )
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1]["sequence"]


def _problem_with(row: dict[str, Any], walk: _Walk) -> tuple[int, str] | None:
    expected = walk.sequence + 1
    sequence = row["sequence"]
    if sequence != expected:
        return expected, f"event #{expected} is missing (deleted): the next event is #{sequence}"
    if row["previous_hash"] != walk.hash:
        before = f"event #{walk.sequence}" if walk.sequence else "the start of the chain"
        return sequence, (
            f"event #{sequence} does not follow {before}: its previous hash does not match "
            "(an event was inserted, deleted or replaced before it)"
        )
    if not _hash_matches(row):
        return sequence, f"event #{sequence} was altered: its contents no longer match its hash"
    return None


def _hash_matches(row: dict[str, Any]) -> bool:
    try:
        return event_hash(row) == row["hash"]
    except (TypeError, ValueError):
        # Values no event could have been written with (NaN, a naive time): altered.
        return False


def _known_hash_problem(
    row: dict[str, Any], known: dict[int, tuple[str, str]]
) -> tuple[int, str] | None:
    recorded = known.get(row["sequence"])
    if recorded is None or recorded[0] == row["hash"]:
        return None
    return row["sequence"], (
        f"event #{row['sequence']} is not the event {recorded[1]} recorded: "
        "the chain was rewritten from here or earlier"
    )


def _problem_at_end(walk: _Walk, known: dict[int, tuple[str, str]]) -> tuple[int, str] | None:
    furthest = max(known, default=0)
    if walk.sequence >= furthest:
        return None
    missing = walk.sequence + 1
    return missing, (
        f"event #{missing} is missing (deleted): the chain ends at #{walk.sequence} "
        f"but {known[furthest][1]} recorded event #{furthest}"
    )
