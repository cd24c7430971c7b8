"""Nothing in the application can change or remove an audit row: not the model, not a
QuerySet, not raw SQL (the database's triggers refuse it)."""

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory

from joinedup.audit.models import AppendOnlyViolation, AuditCheckpoint, AuditEvent, Basis
from joinedup.audit.services import audit_checkpoint_record, audit_record
from tests import factories as f
from tests.audit.chains import record

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE exists only on PostgreSQL"
)


def raw(sql: str, params=()) -> None:
    # A savepoint, so the refusal does not end the test's own transaction on PostgreSQL.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_saving_a_recorded_event_again_is_refused(db):
    event = audit_record(actor=None, action="view", basis=Basis.NONE)
    event.action = "nothing to see"
    with pytest.raises(AppendOnlyViolation, match="append-only"):
        event.save()
    assert AuditEvent.objects.get().action == "view"


def test_saving_a_recorded_event_loaded_afresh_is_refused(db):
    record(1)
    event = AuditEvent.objects.get()
    with pytest.raises(AppendOnlyViolation):
        event.save()


def test_deleting_a_recorded_event_is_refused(db):
    event = audit_record(actor=None, action="view", basis=Basis.NONE)
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_updating_events_through_a_queryset_is_refused(db):
    record(2)
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(sequence=1).update(action="edited")
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"view"}


def test_deleting_events_through_a_queryset_is_refused(db):
    record(2)
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


def test_bulk_updating_events_is_refused(db):
    events = record(2)
    for event in events:
        event.action = "edited"
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.bulk_update(events, ["action"])


def test_overwriting_events_on_conflict_is_refused(db):
    [event] = record(1)
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.bulk_create(
            [event], update_conflicts=True, unique_fields=["sequence"], update_fields=["action"]
        )


def test_the_database_refuses_a_raw_update_of_an_event(db):
    record(1)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE audit_auditevent SET action = 'edited'")
    assert AuditEvent.objects.get().action == "view"


def test_the_database_refuses_a_raw_delete_of_an_event(db):
    record(2)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert AuditEvent.objects.count() == 2


def checkpoint_after(count: int) -> AuditCheckpoint:
    *_, last = record(count)
    return audit_checkpoint_record(sequence=last.sequence, hash=last.hash)


def test_changing_or_deleting_a_checkpoint_is_refused(db):
    checkpoint = checkpoint_after(2)
    checkpoint.sequence = 1
    with pytest.raises(AppendOnlyViolation):
        checkpoint.save()
    with pytest.raises(AppendOnlyViolation):
        checkpoint.delete()


def test_updating_or_deleting_checkpoints_through_a_queryset_is_refused(db):
    checkpoint_after(2)
    with pytest.raises(AppendOnlyViolation):
        AuditCheckpoint.objects.update(sequence=1)
    with pytest.raises(AppendOnlyViolation):
        AuditCheckpoint.objects.all().delete()
    assert AuditCheckpoint.objects.get().sequence == 2


def test_the_database_refuses_a_raw_update_or_delete_of_a_checkpoint(db):
    checkpoint_after(3)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("UPDATE audit_auditcheckpoint SET sequence = 2")
    with pytest.raises(IntegrityError, match="append-only"):
        raw("DELETE FROM audit_auditcheckpoint")
    assert AuditCheckpoint.objects.get().sequence == 3


@only_on_postgresql
def test_postgresql_refuses_to_truncate_a_log_that_holds_events(db):
    record(1)
    with pytest.raises(IntegrityError, match="append-only"):
        raw("TRUNCATE audit_auditevent, audit_auditcheckpoint")
    assert AuditEvent.objects.count() == 1


@only_on_postgresql
def test_postgresql_lets_an_empty_log_be_truncated_so_flush_still_works(db):
    raw("TRUNCATE audit_auditevent, audit_auditcheckpoint")
    assert not AuditEvent.objects.exists()


def test_the_admin_shows_events_but_offers_no_add_change_or_delete(db):
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    event_admin = admin.site._registry[AuditEvent]
    event = audit_record(actor=None, action="view", basis=Basis.NONE)
    assert event_admin.has_view_permission(request, event)
    assert not event_admin.has_add_permission(request)
    assert not event_admin.has_change_permission(request, event)
    assert not event_admin.has_delete_permission(request, event)
