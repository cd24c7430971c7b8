"""What each database gets beyond Django's schema: triggers that keep the log append-only,
and on PostgreSQL an index for finding a person among the people of a list event.

The triggers stand behind the model's own refusals, so that raw SQL from the application
is refused too. They are not a defence against someone who can change the schema (drop
or disable a trigger): that is what verification of the hash chain is for.

The SQL lives here rather than in a migration so tests can take the triggers away and
put them back exactly as an attacker, or a maintenance script, would.

On SQLite, a migration that rebuilds an audit table (most column changes do) drops its
triggers with the old table: such a migration must call `create_triggers` again.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

EVENTS = "audit_auditevent"
CHECKPOINTS = "audit_auditcheckpoint"

_POSTGRES_TRIGGERS = [
    """
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
    END $$ LANGUAGE plpgsql
    """,
    # Emptying tables that hold no events stays possible, so `flush` and the test
    # runner's clean-up still work on a database that has never recorded anything.
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM {EVENTS}) THEN
        RAISE EXCEPTION 'the audit log is append-only: TRUNCATE on % is refused', TG_TABLE_NAME
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()
    """,
    f"""
    CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON {CHECKPOINTS}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    f"""
    CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON {CHECKPOINTS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()
    """,
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_checkpoint_no_truncate ON {CHECKPOINTS}",
    f"DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON {CHECKPOINTS}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {EVENTS}",
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {EVENTS}",
    "DROP FUNCTION IF EXISTS audit_refuse_truncate()",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

# SQLite has no TRUNCATE: `DELETE FROM` without a WHERE clause fires the delete trigger.
_SQLITE_REFUSED = [(table, op) for table in (EVENTS, CHECKPOINTS) for op in ("UPDATE", "DELETE")]
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
    f"SELECT RAISE(ABORT, 'the audit log is append-only: {op} on {table} is refused'); END"
    for table, op in _SQLITE_REFUSED
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()}" for table, op in _SQLITE_REFUSED]

# A list event names its people in detail["people"]; jsonb_path_ops answers "which
# events contain this person" (`@>`) from the index. SQLite, the small embedded
# database, reads the list events instead.
_POSTGRES_PEOPLE_INDEX = [
    f"CREATE INDEX audit_listed_people_gin ON {EVENTS} "
    "USING gin ((detail -> 'people') jsonb_path_ops)"
]
_POSTGRES_PEOPLE_INDEX_DROP = ["DROP INDEX IF EXISTS audit_listed_people_gin"]


def _run(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _for_vendor(connection: BaseDatabaseWrapper, postgres: list[str], sqlite: list[str]):
    if connection.vendor == "postgresql":
        return postgres
    if connection.vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"joinedup runs on PostgreSQL and SQLite, not {connection.vendor}")


def create_triggers(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _for_vendor(connection, _POSTGRES_TRIGGERS, _SQLITE_TRIGGERS))


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _for_vendor(connection, _POSTGRES_DROP, _SQLITE_DROP))


def create_people_index(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _for_vendor(connection, _POSTGRES_PEOPLE_INDEX, []))


def drop_people_index(connection: BaseDatabaseWrapper) -> None:
    _run(connection, _for_vendor(connection, _POSTGRES_PEOPLE_INDEX_DROP, []))


# Migration entry points (RunPython's signature).
def install_triggers(apps, schema_editor) -> None:
    create_triggers(schema_editor.connection)


def uninstall_triggers(apps, schema_editor) -> None:
    drop_triggers(schema_editor.connection)


def install_people_index(apps, schema_editor) -> None:
    create_people_index(schema_editor.connection)


def uninstall_people_index(apps, schema_editor) -> None:
    drop_people_index(schema_editor.connection)
