"""Bulk writes for the ORUK import: rows compared with what the database holds, and only
those that differ written, in as few statements as PostgreSQL and SQLite allow.

Rows are dicts of column values by attribute name (`organisation_id`, not
`organisation`), so that no model instance is built for a row that is not written.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db import IntegrityError, connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from joinedup.directory.models import (
    Contact,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
)

LOOKUP_SIZE = 200
CHANGE_REASON = "Imported from Open Referral UK"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        parts = [f"{self.created} created", f"{self.updated} updated"]
        parts.append(f"{self.unchanged} unchanged")
        if self.removed:
            parts.append(f"{self.removed} removed")
        return ", ".join(parts)


def existing_rows(model, ids: Iterable[uuid.UUID], fields: list[str], **also) -> dict:
    """The rows of `model` whose `also` field (`service_id=[pks]`) is one of the values
    given, and those with these ids not found so, as dicts by id, each with its pk.

    No default ordering (a schedule's sorts by its service's name), and ids asked a few
    hundred at a time: with more, PostgreSQL prefers to scan the whole table.
    """
    found = {}
    columns = ["pk", "public_id", *fields]
    for name, values in also.items():
        if values:
            for row in rows_where(model, columns, name, values):
                found[row.pop("public_id")] = row
    missing = [public_id for public_id in ids if public_id not in found]
    for start in range(0, len(missing), LOOKUP_SIZE):
        for row in rows_where(model, columns, "public_id", missing[start : start + LOOKUP_SIZE]):
            found[row.pop("public_id")] = row
    return found


def rows_where(model, columns: list[str], name: str, values: list) -> Iterable[dict]:
    """`model.objects.filter(name__in=values).values(*columns)`, unordered. On PostgreSQL
    as one `= ANY(array)` in SQL: the ORM prepares each of the values in Python, and a
    re-import asks for every row it reads."""
    if connection.vendor != "postgresql":
        return model.objects.filter(**{f"{name}__in": values}).order_by().values(*columns)
    opts, quote = model._meta, connection.ops.quote_name
    column = {"pk": opts.pk.column} | {f.attname: f.column for f in opts.concrete_fields}
    selected = ", ".join(quote(column[c]) for c in columns)
    where = quote(column[name])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {selected} FROM {quote(opts.db_table)} WHERE {where} = ANY(%s)", [values]
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def upsert(model, rows: dict, existing: dict, fields: list[str], counts) -> dict[uuid.UUID, int]:
    """Write the rows that are new or differ from `existing` in `fields`; return every
    row's pk. Models with history get a history row for each row written, as a change
    through a form would."""
    pks: dict[uuid.UUID, int] = {}
    created, updated = [], []
    now = timezone.now()
    same = Sameness(fields)
    for public_id, row in rows.items():
        current = existing.get(public_id)
        if current is not None and same(current, row):
            pks[public_id] = current["pk"]
            counts.unchanged += 1
            continue
        full = {"public_id": public_id, "created_at": now, "updated_at": now, **row}
        (updated if current is not None else created).append(full)
    if created:
        insert_new(model, created)
    if updated:
        bulk_upsert(model, updated, [*fields, "updated_at"])
    record_history(model, created=created, updated=updated, moment=now)
    for row in created + updated:
        pks[row["public_id"]] = row["id"]
    counts.created += len(created)
    counts.updated += len(updated)
    return pks


class Sameness:
    """Whether a row would change what the database holds, compared column by column in C
    (itemgetter) rather than in a Python loop: a re-import compares every row it reads."""

    def __init__(self, fields: list[str]):
        plain = [name for name in fields if name != "search_document"]
        self.document = "search_document" in fields
        self.plain = itemgetter(*plain)
        self.timed = itemgetter(*plain, "updated_at")

    def __call__(self, current: dict, row: dict) -> bool:
        getter = self.timed if "updated_at" in row else self.plain
        if getter(current) != getter(row):
            return False
        # The document's words are what search reads; their order follows the
        # database's collation of term names, which differs between SQLite and PostgreSQL.
        return not self.document or (
            sorted(current["search_document"].split()) == sorted(row["search_document"].split())
        )


def bulk_upsert(model, rows: list[dict], update_fields: list[str]) -> None:
    """INSERT … ON CONFLICT (public_id) DO UPDATE (a plain INSERT without `update_fields`),
    setting each row's `id`.

    What `bulk_create(update_conflicts=True)` does, but writing the timestamps as given:
    bulk_create sets `updated_at` to now, and putting the file's `last_modified` back
    would cost a second UPDATE of every row.
    """
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    update = [opts.get_field(name) for name in update_fields]
    objs = [model(**row) for row in rows]
    size = max(connection.ops.bulk_batch_size(fields, objs), 1)
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        returned = model._base_manager._insert(
            chunk,
            fields=fields,
            returning_fields=[opts.pk],
            raw=True,
            on_conflict=OnConflict.UPDATE if update else None,
            update_fields=update or None,
            unique_fields=[opts.get_field("public_id")] if update else None,
        )
        for row, (pk,) in zip(rows[start : start + size], returned, strict=True):
            row["id"] = pk


def insert_new(model, rows: list[dict], *, with_ids: bool = True) -> None:
    """Insert rows (dicts of column values by attribute name) believed new: an id already
    taken raises IntegrityError. With `with_ids`, each row gets its `id`.

    On PostgreSQL by COPY, with ids taken from the table's sequence first, and without
    building a model instance per row: a third of the time of a many-row INSERT and a
    sixth of its processor, which keeps an import of 100,000 services near a minute.
    Elsewhere, a many-row INSERT.
    """
    if connection.vendor != "postgresql":
        if with_ids:
            bulk_upsert(model, rows, [])
        else:
            model.objects.bulk_create([model(**row) for row in rows])
        return
    opts = model._meta
    fields = [f for f in opts.concrete_fields if with_ids or not f.primary_key]
    defaults = {f.attname: None if f.primary_key else f.get_default() for f in fields}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(opts.db_table), opts.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row["id"] = pk
        columns = ", ".join(quote(f.column) for f in fields)
        copying = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"
        # A row's values in column order, with the defaults of what it leaves out,
        # gathered in C (a dict merge and itemgetter) rather than a loop per value.
        values = itemgetter(*defaults)
        # The driver's own cursor, so its errors are turned into Django's here.
        with connection.wrap_database_errors, cursor.cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row(values(defaults | row))


def insert_fresh(model, rows: dict[uuid.UUID, dict], counts) -> bool:
    """Insert the parts of services new in this batch without first looking for their
    ids, which on a first import would be thousands of lookups finding nothing. If an id
    is taken after all (a contact moved from another service), the savepoint undoes the
    insert and False says to take the slower path that looks first."""
    now = timezone.now()
    full = [
        {"public_id": public_id, "created_at": now, "updated_at": now, **row}
        for public_id, row in rows.items()
    ]
    try:
        with transaction.atomic():
            # Their ids are not needed: the database gives them (a third of the time
            # of taking them from the sequence first).
            insert_new(model, full, with_ids=False)
    except IntegrityError:
        return False
    counts.created += len(full)
    return True


def record_history(model, *, created: list[dict], updated: list[dict], moment) -> None:
    """A history row for each row written, as simple-history writes for a form's save."""
    history = getattr(model, "history", None)
    if history is None or not (created or updated):
        return
    tracked = [f.attname for f in history.model.tracked_fields]
    rows = []
    for kind, written in (("+", created), ("~", updated)):
        for row in written:
            entry = {name: row.get(name) for name in tracked}
            entry.update(
                history_date=moment, history_type=kind, history_change_reason=CHANGE_REASON
            )
            rows.append(entry)
    insert_new(history.model, rows, with_ids=False)


class Pairs:
    """The rows of a many-to-many table for some services: read once, then made to match."""

    def __init__(self, through, column: str, service_pks: list[int]):
        self.through = through
        self.column = column
        self.current: dict[int, dict[int, int]] = defaultdict(dict)  # service -> other -> row
        columns = ["pk", "service_id", column]
        for row in rows_where(through, columns, "service_id", service_pks) if service_pks else ():
            self.current[row["service_id"]][row[column]] = row["pk"]

    def of(self, service_pk: int | None) -> set[int]:
        return set(self.current.get(service_pk, {})) if service_pk else set()

    def others(self) -> set[int]:
        return {other for links in self.current.values() for other in links}

    def write(self, wanted: dict[int, set[int]]) -> None:
        """Delete the pairs no longer wanted, insert the new ones (never wanted twice)."""
        stale, new = [], []
        for service_pk, others in wanted.items():
            current = self.current.get(service_pk, {})
            stale += [pk for other, pk in current.items() if other not in others]
            new += [
                {"service_id": service_pk, self.column: other}
                for other in others
                if other not in current
            ]
        if stale:
            self.through.objects.filter(pk__in=stale).delete()
        if new:
            insert_new(self.through, new, with_ids=False)


def refresh_planner_statistics() -> None:
    """PostgreSQL plans each batch's lookups from its statistics of the tables; after a
    large import they are out of date until autovacuum catches up, and a lookup of a
    batch's schedules becomes a scan of every schedule. So tables changed by a tenth
    since they were last analysed are analysed now (ANALYZE reads a sample)."""
    if connection.vendor != "postgresql":
        return
    models = (Organisation, Location, Service, ServiceAtLocation, Contact, Schedule)
    tables = [m._meta.db_table for m in models]
    tables += [Service.taxonomy_terms.through._meta.db_table]
    tables += [Service.localities.through._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND n_mod_since_analyze > GREATEST(1000, n_live_tup / 10)",
            [tables],
        )
        stale = [name for (name,) in cursor.fetchall()]
        if stale:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in stale))
