"""Audit chains for tests to verify, tamper with and read."""

import datetime as dt

from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from joinedup.audit.models import AuditEvent, Basis
from joinedup.audit.services import audit_record


def record(count: int, *, actor=None, basis: Basis = Basis.NONE) -> list[AuditEvent]:
    """`count` events appended the way the application appends them."""
    return [
        audit_record(actor=actor, action="view", basis=basis, detail={"n": n}) for n in range(count)
    ]


def bulk_chain(count: int, *, batch: int = 2000) -> str:
    """A valid chain of `count` events written in bulk; returns the head hash.

    Appending one at a time through the service costs a few queries each, which for ten
    thousand events is most of a test's time budget; what is under test is reading them.
    """
    start = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
    previous = GENESIS_HASH
    pending: list[AuditEvent] = []
    for sequence in range(1, count + 1):
        event = AuditEvent(
            sequence=sequence,
            occurred_at=start + dt.timedelta(seconds=sequence),
            actor_username="bulk",
            action="view",
            object_type="people.person",
            object_id=str(sequence),
            purpose="direct_care",
            basis=Basis.OWN_ORGANISATION,
            detail={"fields": ["name", "date_of_birth"]},
            previous_hash=previous,
        )
        event.hash = previous = event_hash({name: getattr(event, name) for name in HASHED_FIELDS})
        pending.append(event)
        if len(pending) == batch:
            AuditEvent.objects.bulk_create(pending)
            pending = []
    AuditEvent.objects.bulk_create(pending)
    return previous
