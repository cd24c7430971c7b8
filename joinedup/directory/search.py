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
