"""The only writer of the audit log: each call appends to the chain in the caller's transaction.

Call these inside the transaction of the write being audited, so the write and its audit
row commit or roll back together, and call them last in it: on PostgreSQL appending takes
a lock that serialises every append until the transaction ends (docs/audit.md).
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from joinedup.audit.models import AuditCheckpoint, AuditEvent, Basis

# Any fixed number would do; this one reads "jp-audit", so it is recognisable in pg_locks.
CHAIN_LOCK_ID = int.from_bytes(b"jp-audit", "big")
# A list event names at most this many people; a longer list becomes several events, so
# no row grows without bound and no name is dropped. It matches the largest page size.
PEOPLE_PER_LIST_EVENT = 100
# Detail says what changed (field names, a status), never clinical text: a limit keeps it so.
MAX_DETAIL_BYTES = 8192
_RESERVED_LIST_KEYS = frozenset({"people", "count"})


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    person_public_id: uuid.UUID | str | None = None,
    purpose: str = "direct_care",
    basis: Basis | str,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: `actor` (a user, or None for the system) did `action` to `obj`.

    Role and organisation come from the actor's acting membership, as the access policy
    saw them. Raises ValidationError, writing nothing, if a field is not acceptable.
    """
    event = _new_event(actor=actor, action=action, purpose=purpose, basis=basis, detail=detail)
    event.object_type, event.object_id = _object_reference(obj)
    event.person_public_id = person_public_id
    _validate(event)
    return _append([event])[0]


def audit_record_many(
    *,
    actor,
    person_public_ids: Iterable[uuid.UUID | str],
    action: str = "list",
    object_type: str = "",
    purpose: str = "direct_care",
    basis: Basis | str,
    detail: Mapping[str, Any] | None = None,
) -> list[AuditEvent]:
    """Record that `actor` was shown a list of people: one event per page, not one per person.

    The people are named in `detail["people"]` (with the list's length in
    `detail["count"]`), PEOPLE_PER_LIST_EVENT to an event. An empty list showed nobody's
    data, so it records nothing.
    """
    return audit_record_lists(
        actor=actor,
        lists={basis: person_public_ids},
        action=action,
        object_type=object_type,
        purpose=purpose,
        detail=detail,
    )


def audit_record_lists(
    *,
    actor,
    lists: Mapping[Basis | str, Iterable[uuid.UUID | str]],
    action: str = "list",
    object_type: str = "",
    purpose: str = "direct_care",
    detail: Mapping[str, Any] | None = None,
) -> list[AuditEvent]:
    """`audit_record_many` for one page that showed people on several bases (`lists`:
    basis → the people shown on it): each basis's list events, appended to the chain
    together — one lock and one commit for the page, however many bases it showed."""
    if detail and _RESERVED_LIST_KEYS & set(detail):
        raise ValidationError({"detail": "a list event sets detail['people'] and ['count'] itself"})
    events = []
    for basis, people in lists.items():
        shown = _distinct_people(people)
        for start in range(0, len(shown), PEOPLE_PER_LIST_EVENT):
            chunk = shown[start : start + PEOPLE_PER_LIST_EVENT]
            chunk_detail = {**(detail or {}), "people": chunk, "count": len(shown)}
            event = _new_event(
                actor=actor, action=action, purpose=purpose, basis=basis, detail=chunk_detail
            )
            event.object_type = object_type
            _validate(event)
            events.append(event)
    return _append(events) if events else []


def audit_checkpoint_record(*, sequence: int, hash: str) -> AuditCheckpoint | None:
    """Keep the head that verification just found good, so the chain cannot be cut back past it.

    Records nothing for an empty chain or when the last checkpoint is already this far on.
    Refuses a sequence and hash that are not an event of the chain.
    """
    if sequence < 1:
        return None
    with transaction.atomic():
        if not AuditEvent.objects.filter(sequence=sequence, hash=hash).exists():
            raise ValidationError({"hash": f"event #{sequence} of the chain has another hash"})
        latest = AuditCheckpoint.objects.order_by("-id").values_list("sequence", flat=True).first()
        if latest is not None and latest >= sequence:
            return None
        return AuditCheckpoint.objects.create(
            sequence=sequence, hash=hash, recorded_at=timezone.now()
        )


def _new_event(*, actor, action: str, purpose: str, basis, detail) -> AuditEvent:
    return AuditEvent(
        action=action,
        purpose=purpose,
        basis=str(basis),
        detail=_normalised_detail(detail),
        **_actor_fields(actor),
    )


def _actor_fields(actor) -> dict[str, Any]:
    """Who acted, as text as well as ids, so the row reads the same after they are gone."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    fields: dict[str, Any] = {"actor_id": actor.pk, "actor_username": actor.get_username()}
    membership = getattr(actor, "acting_membership", None)
    if membership is not None:
        fields["role"] = membership.role
        fields["organisation_id"] = membership.organisation_id
        fields["organisation_name"] = membership.organisation.name
    return fields


def _object_reference(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if obj.pk is None:
        raise ValidationError({"obj": "an object is audited once it has been saved"})
    # The public UUID, where there is one, is how the object is known outside the database.
    identifier = getattr(obj, "public_id", None) or obj.pk
    return obj._meta.label_lower, str(identifier)


def _normalised_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """Detail exactly as it will read back from the database, so its hash reads back too.

    A round trip through JSON turns tuples into lists, keys into strings, dates and UUIDs
    into text; what cannot be JSON (NaN, sets) is refused here rather than at verification.
    """
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValidationError({"detail": "detail must be a mapping of names to values"})
    try:
        text = json.dumps(dict(detail), cls=DjangoJSONEncoder, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"detail": f"detail must be plain JSON: {exc}"}) from exc
    if len(text.encode("utf-8")) > MAX_DETAIL_BYTES:
        raise ValidationError({"detail": f"detail is limited to {MAX_DETAIL_BYTES} bytes"})
    return json.loads(text)


def _distinct_people(person_public_ids: Iterable[uuid.UUID | str]) -> list[str]:
    people: dict[str, None] = {}
    for value in person_public_ids:
        try:
            people[str(uuid.UUID(str(value)))] = None
        except ValueError as exc:
            raise ValidationError({"person_public_ids": f"not a person id: {value!r}"}) from exc
    return list(people)


def _validate(event: AuditEvent) -> None:
    # The chain fields are set under the lock; the foreign keys are soft (no lookup).
    event.clean_fields(
        exclude=["sequence", "occurred_at", "actor", "organisation", "previous_hash", "hash"]
    )


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    # No savepoint: if the append fails, the write it audits must not commit without it.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        sequence, previous_hash = _head()
        now = timezone.now()
        for event in events:
            sequence += 1
            event.sequence = sequence
            event.occurred_at = now
            event.previous_hash = previous_hash
            event.hash = previous_hash = event_hash(_hashed_fields(event))
        AuditEvent.objects.bulk_create(events)
    return events


def _lock_chain() -> None:
    """Let one transaction at a time read the head and append, so the chain never forks.

    On PostgreSQL the lock lasts until the caller's transaction ends. On SQLite the
    settings begin every transaction IMMEDIATE, which takes the database's one write
    lock at once and serialises appends already. Either way `sequence` is the primary
    key, so a fork could only ever fail, never be written.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])


def _head() -> tuple[int, str]:
    # The newest row by primary key: an index lookup, and a row nobody ever updates.
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return head if head is not None else (0, GENESIS_HASH)


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}
