"""`audit_verify` finds each way the log can be tampered with, and says where.

Each test tampers as someone with direct access to the database would (tests/audit/
tampering.py): past the triggers, then changing, inserting or deleting rows.
"""

import datetime as dt

import pytest

from joinedup.audit.chain import GENESIS_HASH
from joinedup.audit.models import AuditCheckpoint, AuditEvent, Basis
from joinedup.audit.selectors import audit_verify
from joinedup.audit.services import audit_checkpoint_record, audit_record
from tests.audit import tampering
from tests.audit.chains import record

WHEN = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)


def hash_of(sequence: int) -> str:
    return AuditEvent.objects.get(sequence=sequence).hash


def checkpoint(sequence: int) -> None:
    audit_checkpoint_record(sequence=sequence, hash=hash_of(sequence))


def test_an_empty_log_is_intact(db):
    result = audit_verify()
    assert result.intact
    assert (result.checked, result.head_sequence, result.head_hash) == (0, 0, GENESIS_HASH)


def test_an_untouched_chain_is_intact_and_reports_its_head(db):
    *_, last = record(5)
    result = audit_verify(batch_size=2)
    assert result.intact
    assert (result.checked, result.head_sequence, result.head_hash) == (5, 5, last.hash)


def test_a_changed_event_is_found_at_its_position(db):
    record(5)
    tampering.change(3, action="list")
    result = audit_verify()
    assert (result.intact, result.broken_at) == (False, 3)
    assert "event #3 was altered" in result.problem
    assert result.checked == 2


def test_a_changed_actor_is_found(clinician):
    record(3, actor=clinician, basis=Basis.OWN_ORGANISATION)
    tampering.change(2, actor_username="someone.else")
    assert audit_verify().broken_at == 2


def test_a_changed_time_is_found(db):
    record(3)
    tampering.change(1, occurred_at=WHEN)
    assert audit_verify().broken_at == 1


def test_a_changed_event_whose_hash_was_recomputed_breaks_the_link_to_the_next(db):
    record(5)
    tampering.delete(3)
    tampering.insert_forged(sequence=3, previous_hash=hash_of(2), occurred_at=WHEN)
    result = audit_verify()
    assert result.broken_at == 4
    assert "does not follow event #3" in result.problem


def test_a_changed_previous_hash_is_found_at_its_position(db):
    record(4)
    tampering.change(3, previous_hash="f" * 64)
    result = audit_verify()
    assert result.broken_at == 3
    assert "does not follow event #2" in result.problem


def test_a_first_event_that_does_not_start_the_chain_is_found(db):
    record(2)
    tampering.change(1, previous_hash="a" * 64)
    result = audit_verify()
    assert result.broken_at == 1
    assert "does not follow the start of the chain" in result.problem


def test_an_event_deleted_from_the_middle_is_found_where_it_was(db):
    record(5)
    tampering.delete(3)
    result = audit_verify()
    assert result.broken_at == 3
    assert "event #3 is missing" in result.problem
    assert result.checked == 2


def test_an_event_deleted_from_the_end_after_a_checkpoint_is_found_where_it_was(db):
    record(5)
    checkpoint(5)
    tampering.delete(5)
    result = audit_verify()
    assert result.broken_at == 5
    assert "event #5 is missing" in result.problem
    assert "a checkpoint recorded event #5" in result.problem
    assert result.checked == 4


def test_events_deleted_from_the_end_with_their_checkpoint_are_found_by_an_anchor(db):
    record(5)
    checkpoint(5)
    anchor = (5, hash_of(5))
    tampering.delete(5)
    tampering.delete(4)
    tampering.delete_checkpoints()
    assert audit_verify().intact  # consistent inside the database …
    result = audit_verify(anchor=anchor)  # … but not with the head kept elsewhere
    assert result.broken_at == 4
    assert "the anchor recorded event #5" in result.problem


def test_a_deleted_event_with_the_later_ones_renumbered_is_found_where_it_was(db):
    record(5)
    tampering.delete(3)
    tampering.renumber_from(4, by=-1)
    result = audit_verify()
    assert result.broken_at == 3
    assert "does not follow event #2" in result.problem


def test_an_event_inserted_in_the_middle_is_found_where_the_chain_breaks(db):
    record(5)
    tampering.renumber_from(3, by=1)
    tampering.insert_forged(sequence=3, previous_hash=hash_of(2), occurred_at=WHEN)
    result = audit_verify()
    # The forgery itself is well formed; the event after it no longer follows.
    assert result.broken_at == 4
    assert "does not follow event #3" in result.problem


def test_an_event_forged_onto_the_end_without_the_right_link_is_found(db):
    record(3)
    tampering.insert_forged(sequence=4, previous_hash="c" * 64, occurred_at=WHEN)
    result = audit_verify()
    assert result.broken_at == 4
    assert "does not follow event #3" in result.problem


def test_an_event_replaced_after_a_checkpoint_is_found(db):
    record(3)
    checkpoint(3)
    tampering.delete(3)
    tampering.insert_forged(sequence=3, previous_hash=hash_of(2), occurred_at=WHEN)
    result = audit_verify()
    assert result.broken_at == 3
    assert "not the event a checkpoint recorded" in result.problem


def test_a_checkpoint_added_later_does_not_override_an_earlier_one(db):
    record(3)
    checkpoint(3)
    tampering.delete(3)
    forged = tampering.insert_forged(sequence=3, previous_hash=hash_of(2), occurred_at=WHEN)
    AuditCheckpoint.objects.create(sequence=3, hash=forged, recorded_at=WHEN)
    assert audit_verify().broken_at == 3


def test_a_chain_rewritten_from_before_the_anchor_is_found_at_the_anchor(db):
    record(4)
    anchor = (3, hash_of(3))
    # Rewriting every event from #2 on, hashes included, leaves nothing to see inside the
    # database: only the anchor kept outside it tells.
    for sequence in (4, 3, 2):
        tampering.delete(sequence)
    previous = hash_of(1)
    for sequence in (2, 3, 4):
        previous = tampering.insert_forged(
            sequence=sequence, previous_hash=previous, occurred_at=WHEN
        )
    assert audit_verify().intact
    result = audit_verify(anchor=anchor)
    assert result.broken_at == 3
    assert "not the event the anchor recorded" in result.problem


def test_the_first_break_is_the_one_reported(db):
    record(6)
    tampering.change(5, action="list")
    tampering.delete(2)
    assert audit_verify().broken_at == 2


def test_events_appended_after_a_deletion_in_the_middle_do_not_hide_it(db):
    record(4)
    tampering.delete(3)
    audit_record(actor=None, action="view", basis=Basis.NONE)
    assert audit_verify().broken_at == 3


def test_an_event_appended_in_place_of_one_deleted_after_a_checkpoint_is_found(db):
    record(4)
    checkpoint(4)
    tampering.delete(4)
    audit_record(actor=None, action="view", basis=Basis.NONE)
    result = audit_verify()
    assert result.broken_at == 4
    assert "not the event a checkpoint recorded" in result.problem


def test_verification_reads_in_batches_of_the_size_asked(db, django_assert_num_queries):
    record(5)
    # The checkpoints, then batches of 2, 2 and 1 (the short batch ends the walk).
    with django_assert_num_queries(4):
        assert audit_verify(batch_size=2).intact


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(ValueError, match="at least 1"):
        audit_verify(batch_size=0)
