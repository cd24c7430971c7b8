"""Loading the synthetic partnership safely: never over data that `joinedup demo` did not make."""

import time
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction

from benchmarks.generator import Partnership, Size, load
from joinedup.accounts.models import User
from joinedup.activity import selectors as activity_selectors
from joinedup.careplans import selectors as careplan_selectors
from joinedup.demo.accounts import DemoAccount, demo_accounts, demo_passwords_set, password_check
from joinedup.demo.models import DemoDataset
from joinedup.directory import taxonomy_data
from joinedup.directory.models import Locality, Organisation, Service
from joinedup.meetings import selectors as meeting_selectors
from joinedup.outcomes import selectors as outcome_selectors
from joinedup.partnerships.models import Partnership as PartnershipRow
from joinedup.people import selectors as people_selectors
from joinedup.referrals import selectors as referral_selectors


class DatabaseState(StrEnum):
    EMPTY = "empty"
    DEMO = "demo"  # holds exactly what the last `joinedup demo` loaded
    REAL = "real"  # holds data the demo did not make: never touched without --force


# The content that tells demo data from real data. Logins, sessions and audit events are
# left out: using the demo writes those, and that must not make it "real"; adding a
# person, an entry or a consent through the demo does, as it would be a real record.
# Person-level tables are counted by their own apps' selectors (the only modules that
# may touch them); later issues add their content here.
CONTENT = {
    "organisations": Organisation,
    "services": Service,
    "localities": Locality,
    "users": User,
    "partnerships": PartnershipRow,
}


def content_counts() -> dict[str, int]:
    counts = {name: model.objects.count() for name, model in CONTENT.items()}
    counts.update(people_selectors.table_counts())
    counts.update(referral_selectors.table_counts())
    counts.update(careplan_selectors.table_counts())
    counts.update(outcome_selectors.table_counts())
    counts.update(activity_selectors.table_counts())
    counts.update(meeting_selectors.table_counts())
    return counts


@dataclass(frozen=True)
class Inventory:
    counts: dict[str, int]

    @classmethod
    def now(cls) -> "Inventory":
        return cls(content_counts())

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())

    def matches(self, marker: DemoDataset) -> bool:
        return all(marker.counts.get(name, 0) == n for name, n in self.counts.items())

    def describe(self) -> str:
        return ", ".join(f"{n} {name}" for name, n in self.counts.items() if n)


def demo_marker() -> DemoDataset | None:
    return DemoDataset.objects.order_by("-created_at", "-id").first()


def database_state() -> tuple[DatabaseState, DemoDataset | None, Inventory]:
    inventory = Inventory.now()
    marker = demo_marker()
    if inventory.is_empty:
        return DatabaseState.EMPTY, marker, inventory
    matches = marker is not None and inventory.matches(marker)
    return (DatabaseState.DEMO if matches else DatabaseState.REAL), marker, inventory


def database_erase() -> None:
    """Empty every table, then put back the data migrations ship (the taxonomy).

    `flush` empties the tables of every app, including ones added by later issues, which
    a hand-written list of deletes would miss; but it also empties what data migrations
    loaded, so that is loaded again here.
    """
    if connection.vendor == "postgresql":
        # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending in
        # this transaction; running them now clears the way.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # Everything but the audit log, which is append-only (its triggers refuse to be
    # emptied): the log of what was done to the old demo data stays and still verifies.
    tables = [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if not table.startswith("audit_")
    ]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    )
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    taxonomy_data.load(apps)


@dataclass(frozen=True)
class LoadResult:
    marker: DemoDataset
    accounts: list[DemoAccount]
    counts: dict[str, int]
    portal_accounts: tuple[str, ...] = ()  # the people's own accounts (usernames)


def partnership_load(
    *, size: Size, seed: int, password: str, erase: bool, progress: bool = False
) -> LoadResult:
    """Build the partnership and its demo accounts in one transaction, and mark it as demo data.

    The caller decides whether erasing is allowed (`database_state`): this function does
    what it is told.
    """
    password_check(password)
    started = time.perf_counter()
    with transaction.atomic():
        if erase:
            database_erase()
        # The generator's staff stage creates the demo accounts (the people stage needs
        # them as authors) with no usable password; they and the people's portal
        # accounts get the demo's password here.
        loaded = load(Partnership(size, seed), progress=progress)
        accounts = demo_accounts()
        demo_passwords_set(
            password=password,
            usernames=[a.username for a in accounts] + loaded.portal_accounts,
        )
        marker = DemoDataset.objects.create(
            size=size.label,
            seed=seed,
            counts=Inventory.now().counts,
            stages=loaded.stages,
            build_seconds=round(time.perf_counter() - started, 2),
        )
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner chooses as it would on a settled database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return LoadResult(
        marker=marker,
        accounts=accounts,
        counts=dict(loaded.counts),
        portal_accounts=tuple(loaded.portal_accounts),
    )


def partnership_top_up(*, size: Size, seed: int, stages: list[str], progress: bool = False):
    """Write `stages` — ones the marker's build never wrote — into a database that holds
    the rest of the partnership, and mark it as holding them. A stage of an older
    version is not topped up (its rows would be written twice): that needs a rebuild."""
    marker = demo_marker()
    built = dict(marker.stages or {}) if marker else {}
    if marker is None or marker.size != size.label or marker.seed != seed:
        raise ValueError("the database does not hold this size and seed: rebuild it")
    if written := [name for name in stages if name in built]:
        raise ValueError(f"already written, at another version: {', '.join(written)}")
    started = time.perf_counter()
    with transaction.atomic():
        loaded = load(Partnership(size, seed), progress=progress, only=stages)
        marker = DemoDataset.objects.create(
            size=size.label,
            seed=seed,
            counts=Inventory.now().counts,
            stages={**built, **loaded.stages},
            build_seconds=round(marker.build_seconds + time.perf_counter() - started, 2),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return marker
