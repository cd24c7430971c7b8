"""Trigram indexes for the people list's name search (PostgreSQL only).

The search matches any part of a family or given name (`icontains`, which Django writes
as `UPPER(column) LIKE UPPER('%word%')`), which no B-tree index serves: at ICS size
(400,000 people) each search read the whole table. A GIN trigram index on the same
expression serves it. pg_trgm is a trusted extension (PostgreSQL 13+): the database's
owner may create it. SQLite has neither, and needs neither for the embedded demo.
"""

from django.db import migrations

INDEXES = (
    ("person_family_name_trgm", "family_name"),
    ("person_given_name_trgm", "given_name"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0003_access_indexes")]

    operations = [migrations.RunPython(create, drop)]
