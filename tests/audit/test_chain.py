"""The canonical form and hash of an event: a published format, pinned here."""

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest

from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, canonical_bytes, event_hash
from joinedup.audit.models import AuditEvent

EVENT = {
    "sequence": 7,
    "occurred_at": dt.datetime(2025, 6, 1, 13, 30, 5, 120, tzinfo=ZoneInfo("Europe/London")),
    "actor_id": 12,
    "actor_username": "clinician.city-nhs-trust",
    "role": "clinician",
    "organisation_id": 3,
    "organisation_name": "City NHS Trust",
    "person_public_id": uuid.UUID("3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
    "action": "view",
    "object_type": "people.recordentry",
    "object_id": "b5d1c4b6-8a4b-4a57-9d57-5b1f7a0e3c11",
    "purpose": "direct_care",
    "basis": "isa",
    "detail": {"fields": ["risk"], "category": "risk"},
    "previous_hash": GENESIS_HASH,
}


def test_every_column_of_an_audit_event_but_its_hash_is_hashed():
    columns = {field.attname for field in AuditEvent._meta.concrete_fields}
    assert set(HASHED_FIELDS) == columns - {"hash"}


def test_the_canonical_form_is_compact_json_with_sorted_keys():
    text = canonical_bytes(EVENT).decode("utf-8")
    assert json.loads(text)["action"] == "view"
    assert " " not in text.replace("City NHS Trust", "")
    keys = list(json.loads(text))
    assert keys == sorted(keys)


def test_times_are_written_in_utc_with_microseconds():
    document = json.loads(canonical_bytes(EVENT))
    assert document["occurred_at"] == "2025-06-01T12:30:05.000120+00:00"


def test_the_same_instant_in_another_zone_hashes_the_same():
    in_utc = {**EVENT, "occurred_at": EVENT["occurred_at"].astimezone(dt.UTC)}
    assert event_hash(in_utc) == event_hash(EVENT)


def test_a_uuid_and_its_text_hash_the_same():
    as_text = {**EVENT, "person_public_id": str(EVENT["person_public_id"])}
    assert event_hash(as_text) == event_hash(EVENT)


def test_the_order_of_keys_in_detail_does_not_change_the_hash():
    reordered = {**EVENT, "detail": {"category": "risk", "fields": ["risk"]}}
    assert event_hash(reordered) == event_hash(EVENT)


@pytest.mark.parametrize("field", HASHED_FIELDS)
def test_changing_any_hashed_field_changes_the_hash(field):
    changed = dict(EVENT)
    changed[field] = {"different": True} if field == "detail" else None
    assert event_hash(changed) != event_hash(EVENT)


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical_bytes({**EVENT, "occurred_at": dt.datetime(2025, 6, 1, 12, 0)})


def test_the_hash_of_a_known_event_never_changes():
    # Every chain already written depends on this value: if it changes, they all break.
    assert event_hash(EVENT) == "f0e5c30461e6766e0bcc5d6351f9b1321a5fd3ee5eb1aefdd0febbf4decb817d"
