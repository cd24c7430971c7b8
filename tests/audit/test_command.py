"""`joinedup audit verify`: exit 0 with the head to keep, or a CommandError naming the break."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.audit.models import AuditCheckpoint
from tests.audit import tampering
from tests.audit.chains import record


def verify(*args) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_an_intact_chain_is_reported_with_its_length(db):
    record(3)
    assert verify().startswith("Audit chain intact: 3 events")


def test_an_intact_chain_prints_its_head_to_be_kept_elsewhere(db):
    *_, last = record(3)
    assert f"Head: 3:{last.hash}" in verify()


def test_an_empty_log_is_intact(db):
    assert verify().startswith("Audit chain intact: 0 events")


def test_a_broken_chain_fails_naming_the_event_where_it_breaks(db):
    record(4)
    tampering.delete(2)
    with pytest.raises(CommandError, match=r"^Audit chain broken at event #2: event #2 is missing"):
        verify()


def test_the_head_printed_earlier_is_accepted_as_an_anchor(db):
    record(3)
    head = re.search(r"Head: (\S+)", verify()).group(1)
    record(2)
    assert verify("--anchor", head).startswith("Audit chain intact: 5 events")


def test_an_anchor_the_chain_no_longer_holds_fails(db):
    record(3)
    with pytest.raises(CommandError, match="broken at event #2"):
        verify("--anchor", f"2:{'e' * 64}")


def test_a_malformed_anchor_is_refused_with_the_form_expected(db):
    with pytest.raises(CommandError, match="EVENT:HASH"):
        verify("--anchor", "yesterday")


def test_a_batch_size_below_one_is_refused(db):
    with pytest.raises(CommandError, match="at least 1"):
        verify("--batch-size", "0")


def test_the_command_needs_a_subcommand(db):
    with pytest.raises(CommandError):
        call_command("audit")


def test_an_intact_chain_is_kept_as_a_checkpoint(db):
    *_, last = record(3)
    assert "Checkpoint kept at event #3." in verify()
    assert list(AuditCheckpoint.objects.values_list("sequence", "hash")) == [(3, last.hash)]


def test_no_checkpoint_is_kept_when_asked_only_to_read(db):
    record(3)
    assert "Checkpoint" not in verify("--no-checkpoint")
    assert not AuditCheckpoint.objects.exists()


def test_events_deleted_from_the_end_after_a_verification_fail_the_next(db):
    record(4)
    verify()
    tampering.delete(4)
    with pytest.raises(CommandError, match="broken at event #4"):
        verify()
