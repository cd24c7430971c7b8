"""Writers appending at the same moment, each on its own connection, never fork the chain."""

import threading

import pytest
from django.db import connection, connections, transaction

from joinedup.audit.models import AuditEvent, Basis
from joinedup.audit.selectors import audit_verify
from joinedup.audit.services import audit_record
from tests.audit import tampering

# SQLite serialises every write transaction (BEGIN IMMEDIATE), so only PostgreSQL runs
# appends truly side by side.
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)

WRITERS = 8
APPENDS_EACH = 25


@pytest.fixture
def committed_log(django_db_serialized_rollback, transactional_db):
    """Appends that really commit; emptied afterwards (past the triggers) so flush can run.

    Serialised rollback keeps the flush from re-creating content types, which would
    collide with the browser tests' own restore of them later in the same worker."""
    yield
    tampering.erase_audit_log()


def run_at_once(work) -> list[BaseException]:
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            work(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_writers_appending_at_once_make_one_unbroken_chain(committed_log):
    def append(writer: int) -> None:
        for n in range(APPENDS_EACH):
            with transaction.atomic():
                audit_record(
                    actor=None, action="view", basis=Basis.NONE, detail={"writer": writer, "n": n}
                )

    assert run_at_once(append) == []

    total = WRITERS * APPENDS_EACH
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, total + 1))
    result = audit_verify()
    assert (result.intact, result.checked) == (True, total)


def test_a_writer_that_rolls_back_leaves_no_gap_for_the_others(committed_log):
    def append_or_abandon(writer: int) -> None:
        for n in range(APPENDS_EACH):
            try:
                with transaction.atomic():
                    audit_record(actor=None, action="view", basis=Basis.NONE, detail={"n": n})
                    if writer % 2:
                        raise LookupError("abandoned")
            except LookupError:
                pass

    assert run_at_once(append_or_abandon) == []

    kept = WRITERS // 2 * APPENDS_EACH
    assert AuditEvent.objects.count() == kept
    assert audit_verify().checked == kept
    assert audit_verify().intact
