"""Full-text search over services, one interface over two engines.

PostgreSQL: a `tsvector` column kept by a trigger from `search_document`, a GIN index,
`websearch_to_tsquery` (safe for any input) and `ts_rank_cd`.
SQLite: an FTS5 table over `search_document`, kept by triggers, ranked by bm25.
Both are created by migration 0002 for the database in use.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)
SEARCH_CONFIG = "english"


def fts5_query(text: str) -> str:
    """User text as an FTS5 query that cannot be a syntax error: each word quoted, as a prefix.

    FTS5 has its own query language (AND, NEAR, column filters, quotes); passing user
    text straight in turns a stray quote or hyphen into an error, so words are quoted.
    """
    words = _WORD.findall(text.lower())[:20]
    return " ".join(f'"{w}"*' for w in words)


def apply_text_search(services: QuerySet, text: str) -> QuerySet:
    """Filter `services` to those matching `text`, annotated with `rank` (higher is better)."""
    text = (text or "").strip()
    if not _WORD.search(text):
        return services.annotate(rank=RawSQL("0", [], output_field=FloatField()))
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return services.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query, cover_density=True)
        )
    match = fts5_query(text)
    table = services.model._meta.db_table
    # bm25() is lower-is-better and negative; negate it so "higher is better" everywhere.
    rank_sql = (
        f"SELECT -bm25(directory_service_fts) FROM directory_service_fts "
        f"WHERE directory_service_fts MATCH %s AND directory_service_fts.rowid = {table}.id"
    )
    matching = RawSQL(
        "SELECT rowid FROM directory_service_fts WHERE directory_service_fts MATCH %s", [match]
    )
    return services.filter(id__in=matching).annotate(
        rank=RawSQL(rank_sql, [match], output_field=FloatField())
    )


POSTGRES_SETUP = [
    """
    CREATE OR REPLACE FUNCTION directory_service_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector := to_tsvector('english'::regconfig, COALESCE(NEW.search_document, ''));
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER directory_service_search_vector_update
    BEFORE INSERT OR UPDATE OF search_document ON directory_service
    FOR EACH ROW EXECUTE FUNCTION directory_service_search_vector()
    """,
    "CREATE INDEX directory_service_search_gin ON directory_service USING gin (search_vector)",
    "UPDATE directory_service SET search_vector = "
    "to_tsvector('english'::regconfig, COALESCE(search_document, ''))",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS directory_service_search_gin",
    "DROP TRIGGER IF EXISTS directory_service_search_vector_update ON directory_service",
    "DROP FUNCTION IF EXISTS directory_service_search_vector()",
]

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE directory_service_fts USING fts5("
    "search_document, content='directory_service', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER directory_service_fts_ai AFTER INSERT ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER directory_service_fts_ad AFTER DELETE ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER directory_service_fts_au AFTER UPDATE OF search_document "
    "ON directory_service BEGIN "
    "INSERT INTO directory_service_fts(directory_service_fts, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO directory_service_fts(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "INSERT INTO directory_service_fts(directory_service_fts) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS directory_service_fts_au",
    "DROP TRIGGER IF EXISTS directory_service_fts_ad",
    "DROP TRIGGER IF EXISTS directory_service_fts_ai",
    "DROP TABLE IF EXISTS directory_service_fts",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_SETUP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_SETUP)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_TEARDOWN)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_TEARDOWN)


# The directory's version stamp, which keys the search cache (selectors.service_search).
# Triggers record every transaction that writes a table search results depend on, so
# no writer has to remember to: services, the admin, the ORUK import, bulk loads, psql.

STAMPED_TABLES = (
    "directory_service",
    "directory_service_localities",
    "directory_service_taxonomy_terms",
    "directory_organisation",
    "directory_location",
    "directory_locality",
    "directory_taxonomy",
    "directory_taxonomyterm",
)
# Rows other transactions left that a writer keeps; the rest it deletes.
STAMP_ROWS_KEPT = 16

# PostgreSQL: one row per writing transaction, written by a statement-level trigger.
# Each transaction writes under its own key, so writers never wait for one another (one
# counter row would hold every directory write, an import of minutes included, behind
# a single row lock). Every statement gives the row a new random token, and the row
# becomes visible to others when the transaction commits; the stamp is a digest of all
# the rows. So it changes at every commit that wrote the directory (and, inside a
# transaction, at every write it makes), and never returns to an earlier value.
POSTGRES_STAMP_SETUP = [
    f"""
    CREATE OR REPLACE FUNCTION directory_changed() RETURNS trigger AS $$
    BEGIN
      UPDATE directory_change SET token = gen_random_uuid()::text
      WHERE txid = txid_current();
      IF NOT FOUND THEN
        INSERT INTO directory_change (txid, token)
        VALUES (txid_current(), gen_random_uuid()::text);
        -- Keep the table small. A writer never deletes its own row, so its commit
        -- always adds a token nobody has seen; SKIP LOCKED: pruners never wait.
        DELETE FROM directory_change WHERE txid IN (
          SELECT txid FROM directory_change WHERE txid <> txid_current()
          ORDER BY txid DESC OFFSET {STAMP_ROWS_KEPT} FOR UPDATE SKIP LOCKED
        );
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"CREATE TRIGGER {table}_changed "
        f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()"
        for table in STAMPED_TABLES
    ),
    "INSERT INTO directory_change (txid, token) VALUES (txid_current(), gen_random_uuid()::text)",
]
POSTGRES_STAMP_TEARDOWN = [
    *(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}" for table in STAMPED_TABLES),
    "DROP FUNCTION IF EXISTS directory_changed()",
]
POSTGRES_STAMP = (
    "SELECT md5(string_agg(txid::text || ':' || token, ',' ORDER BY txid)) FROM directory_change"
)

# SQLite has one writer at a time and only row-level triggers: a single row whose
# token every write replaces. No INSERT OR REPLACE: in a trigger the conflict clause of
# the statement that fired it wins, so an upsert outside would make it fail.
_SQLITE_BUMP = [
    "UPDATE directory_change SET token = lower(hex(randomblob(16)))",
    "INSERT INTO directory_change (txid, token) SELECT 0, lower(hex(randomblob(16))) "
    "WHERE NOT EXISTS (SELECT 1 FROM directory_change)",
]
SQLITE_STAMP_SETUP = [
    *(
        f"CREATE TRIGGER {table}_{event.lower()}_changed AFTER {event} ON {table} "
        f"BEGIN {'; '.join(_SQLITE_BUMP)}; END"
        for table in STAMPED_TABLES
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    *_SQLITE_BUMP,
]
SQLITE_STAMP_TEARDOWN = [
    f"DROP TRIGGER IF EXISTS {table}_{event.lower()}_changed"
    for table in STAMPED_TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_STAMP = "SELECT group_concat(token, ',') FROM directory_change"


def install_stamp(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_STAMP_SETUP)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_STAMP_SETUP)


def uninstall_stamp(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_STAMP_TEARDOWN)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_STAMP_TEARDOWN)


def stamp_sql() -> str:
    """The stamp as a scalar subquery, for a statement that wants it in the same snapshot."""
    return POSTGRES_STAMP if connection.vendor == "postgresql" else SQLITE_STAMP


def directory_stamp() -> str | None:
    """What the directory's content is at, as far as search is concerned; None if unknown
    (the stamp table was emptied, as `flush` does, and nothing has been written since),
    in which case nothing may be served from the cache."""
    with connection.cursor() as cursor:
        cursor.execute(stamp_sql())
        row = cursor.fetchone()
    return row[0] if row else None
