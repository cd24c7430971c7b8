"""The hash chain, as pure functions: the canonical form of an event and its hash.

Changing anything here changes every hash, so every chain already written would stop
verifying: treat this module as a published format (docs/audit.md describes it and
tests pin it with a known event and its hash).
"""

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from typing import Any

# The first event links to this, so every event, the first included, has a predecessor.
GENESIS_HASH = "0" * 64

# Every column of an audit event except `hash` itself, by the name it has on a row
# (`actor_id`, not `actor`). A test checks this against the model, so a field added
# later cannot silently escape the hash.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "role",
    "organisation_id",
    "organisation_name",
    "person_public_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "basis",
    "detail",
    "previous_hash",
)


def _canonical_value(value: Any) -> str:
    """Text for the two kinds of value JSON has no form for; called only for those."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("audit times must be timezone-aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical form in an audit event")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """One event as sorted-key, whitespace-free UTF-8 JSON of exactly HASHED_FIELDS."""
    document = {name: fields[name] for name in HASHED_FIELDS}
    return json.dumps(
        document,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_canonical_value,
    ).encode("utf-8")


def event_hash(fields: Mapping[str, Any]) -> str:
    """The hex SHA-256 of the event's canonical form (which includes `previous_hash`)."""
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()
