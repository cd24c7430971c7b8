"""What someone with direct access to the database could do to the audit log.

Switching the triggers off is how such a person would get past them: `ALTER TABLE …
DISABLE TRIGGER` on PostgreSQL (the tables' owner or a superuser may), `DROP TRIGGER` on
SQLite (anyone who can write the file may). Inside a test's transaction both are undone
when the test ends.
"""

import json
from contextlib import contextmanager

from django.db import connection, transaction

from joinedup.audit import database
from joinedup.audit.chain import event_hash

EVENTS = database.EVENTS
CHECKPOINTS = database.CHECKPOINTS


def _execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def triggers_off():
    if connection.vendor == "postgresql":
        for table in (EVENTS, CHECKPOINTS):
            _execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield
        finally:
            for table in (EVENTS, CHECKPOINTS):
                _execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    else:
        database.drop_triggers(connection)
        try:
            yield
        finally:
            database.create_triggers(connection)


def change(sequence: int, **values) -> None:
    """Overwrite columns of one event in place, leaving its stored hash as it was."""
    assignments = ", ".join(f"{column} = %s" for column in values)
    with triggers_off():
        _execute(
            f"UPDATE {EVENTS} SET {assignments} WHERE sequence = %s",
            [*values.values(), sequence],
        )


def delete(sequence: int) -> None:
    with triggers_off():
        _execute(f"DELETE FROM {EVENTS} WHERE sequence = %s", [sequence])


def renumber_from(sequence: int, *, by: int) -> None:
    """Shift events from `sequence` on, to open or close a gap (ids are not hashed again)."""
    order = "DESC" if by > 0 else "ASC"
    with triggers_off(), connection.cursor() as cursor:
        # One row at a time, furthest first, so no two rows ever hold the same number.
        cursor.execute(
            f"SELECT sequence FROM {EVENTS} WHERE sequence >= %s ORDER BY sequence {order}",
            [sequence],
        )
        for (current,) in cursor.fetchall():
            _execute(
                f"UPDATE {EVENTS} SET sequence = %s WHERE sequence = %s", [current + by, current]
            )


def insert_forged(*, sequence: int, previous_hash: str, occurred_at, action: str = "view") -> str:
    """Insert an event with a correctly computed hash, as someone with the code would."""
    fields = {
        "sequence": sequence,
        "occurred_at": occurred_at,
        "actor_id": None,
        "actor_username": "forger",
        "role": "",
        "organisation_id": None,
        "organisation_name": "",
        "person_public_id": None,
        "action": action,
        "object_type": "",
        "object_id": "",
        "purpose": "direct_care",
        "basis": "none",
        "detail": {},
        "previous_hash": previous_hash,
    }
    digest = event_hash(fields)
    columns = [*fields, "hash"]
    values = [*fields.values(), digest]
    values[columns.index("detail")] = json.dumps({})
    if connection.vendor == "sqlite":
        values[columns.index("occurred_at")] = connection.ops.adapt_datetimefield_value(occurred_at)
    placeholders = ", ".join(["%s"] * len(columns))
    _execute(f"INSERT INTO {EVENTS} ({', '.join(columns)}) VALUES ({placeholders})", values)
    return digest


def delete_checkpoints() -> None:
    with triggers_off():
        _execute(f"DELETE FROM {CHECKPOINTS}")


def erase_audit_log() -> None:
    """Empty the log, so the test runner's flush after a transactional test can run."""
    with transaction.atomic(), triggers_off():
        _execute(f"DELETE FROM {EVENTS}")
        _execute(f"DELETE FROM {CHECKPOINTS}")
