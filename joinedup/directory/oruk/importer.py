"""Importing an Open Referral UK file: the one place ORUK data is written (DESIGN.md §7, §9).

`oruk_import` reads the file record by record (never whole), checks each against the
standard's schema and joinedup's rules (`checking`: in a second process for a large
file, while this one writes), and writes batches of records with bulk upserts keyed on
each object's id, all in one transaction. A row the file leaves as it is in
the database is not written at all, so a second import of the same file changes
nothing, and runs faster than the first.

All or nothing by default: after the first invalid record nothing more is written, the
rest of the file is still checked so that every problem is reported at once, and
`ImportRefused` rolls the transaction back. With `per_record`, the valid records are
imported and the invalid ones reported.
"""

import gc
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.text import slugify

from joinedup.directory.models import (
    Contact,
    Locality,
    Location,
    Organisation,
    OrganisationKind,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.oruk.bulk import (
    Counts,
    Pairs,
    existing_rows,
    insert_fresh,
    refresh_planner_statistics,
    upsert,
)
from joinedup.directory.oruk.checking import Checked, checked_records
from joinedup.directory.oruk.records import (
    Catalogue,
    KnownTaxonomy,
    KnownTerm,
    ServiceRecord,
    TermRow,
)
from joinedup.directory.oruk.schemas import Problem
from joinedup.directory.services import SERVICE_FIELDS, search_document_for
from joinedup.directory.taxonomy_data import DATA as SHIPPED_TAXONOMIES
from joinedup.directory.taxonomy_data import NAMESPACE
from joinedup.directory.validators import validate_gp_practice_ods_code

BATCH_SIZE = 500
KEPT_PROBLEMS = 500
KEPT_NOTES = 200
NHS_KINDS = (OrganisationKind.NHS_TRUST, OrganisationKind.GP_PRACTICE)

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "reach",
    "ods_code",
    "charity_number",
    "description",
    "website",
    "email",
    "phone",
]
LOCATION_FIELDS = [
    "name",
    "description",
    "address_1",
    "address_2",
    "city",
    "region",
    "postcode",
    "latitude",
    "longitude",
    "accessibility",
]
SERVICE_COLUMNS = [*SERVICE_FIELDS, "organisation_id", "search_document"]
TERM_FIELDS = ["taxonomy_id", "parent_id", "code", "name", "description", "term_uri"]
CONTACT_FIELDS = ["name", "title", "department", "email", "phone"]
SCHEDULE_FIELDS = ["weekday", "opens_at", "closes_at", "description"]


# What an import reports ---------------------------------------------------------------


@dataclass(frozen=True)
class RecordProblem:
    index: int
    record_id: str | None
    problem: Problem

    def __str__(self) -> str:
        named = f" (id {self.record_id})" if self.record_id else ""
        return f"record {self.index}{named}: {self.problem}"


@dataclass
class ImportReport:
    records: int = 0
    imported: int = 0
    invalid_records: int = 0
    problems: list[RecordProblem] = field(default_factory=list)  # the first KEPT_PROBLEMS
    notes: list[str] = field(default_factory=list)  # the first KEPT_NOTES
    note_count: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    dry_run: bool = False


class ImportRefused(Exception):
    """Some records are not valid and the import is all or nothing: nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(
            f"{report.invalid_records} of {report.records} records are not valid, "
            "so nothing was imported"
        )
        self.report = report


class ImportFailed(Exception):
    """The database refused a batch for a reason the checks did not foresee."""


# The write ----------------------------------------------------------------------------


def oruk_import(
    *,
    path: Path | str,
    per_record: bool = False,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
    read_in_process: bool | None = None,
) -> ImportReport:
    """Import the ORUK file at `path`, calling `on_progress(bytes_read, records_read)`.

    The file is read and checked in a second process when it is large (`checking`);
    `read_in_process` True or False decides instead.

    Raises OrukFileError (the file cannot be read), ImportRefused (invalid records, all
    or nothing) or ImportFailed; nothing is written then, nor with `dry_run`.
    """
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic(), _collector_spared():
        refresh_planner_statistics()
        run = _Run(report=report, per_record=per_record, batch_size=batch_size)
        # closing: should writing fail, the reading process is ended at once.
        with closing(checked_records(path, run.catalogue, in_process=read_in_process)) as read:
            for checked in read:
                run.take(checked)
                if on_progress:
                    on_progress(checked.position, checked.index)
        run.finish()
        if report.invalid_records and not per_record:
            raise ImportRefused(report)
        if dry_run:
            transaction.set_rollback(True)
    return report


@contextmanager
def _collector_spared():
    """What an import keeps (the ids it has seen, remembered organisations) grows to
    millions of objects, which Python's cycle collector would walk again and again:
    about a sixth of an import's time. So after each batch what is alive is frozen out
    of the collector's sight (gc.freeze) and handed back at the end."""
    try:
        yield
    finally:
        gc.unfreeze()


def load_catalogue() -> Catalogue:
    shipped = {t["slug"] for t in json.loads(SHIPPED_TAXONOMIES.read_text())["taxonomies"]}
    taxonomies = [
        KnownTaxonomy(pk, public_id, slug, name, slug in shipped)
        for pk, public_id, slug, name in Taxonomy.objects.values_list(
            "pk", "public_id", "slug", "name"
        )
    ]
    terms = [
        KnownTerm(*row)
        for row in TaxonomyTerm.objects.values_list(
            "pk", "public_id", "taxonomy_id", "code", "name"
        )
    ]
    return Catalogue(taxonomies=taxonomies, terms=terms)


class _Run:
    """One import: what has been read so far, and the batch waiting to be written."""

    def __init__(self, *, report: ImportReport, per_record: bool, batch_size: int):
        self.report = report
        self.per_record = per_record
        self.batch_size = batch_size
        self.catalogue = load_catalogue()
        self.batch: list[ServiceRecord] = []
        self.services_read: set[uuid.UUID] = set()  # the services of the valid records
        self.localities = _Localities()
        self.renamed_organisations: set[int] = set()
        self.renamed_terms: set[int] = set()

    @property
    def writing(self) -> bool:
        return self.per_record or not self.report.invalid_records

    def take(self, checked: Checked) -> None:
        self.report.records += 1
        record = checked.record
        if record is None:
            self.refuse(checked.index, checked.record_id, checked.problems)
            return
        self.services_read.add(record.public_id)
        self._note(checked.index, checked.record_id, record.notes)
        self.batch.append(record)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def _note(self, index: int, record_id: str | None, notes: list[str]) -> None:
        self.report.note_count += len(notes)
        room = KEPT_NOTES - len(self.report.notes)
        self.report.notes += [f"record {index} (id {record_id}): {n}" for n in notes[:room]]

    def refuse(self, index: int, record_id: str | None, problems: Iterable[Problem]) -> None:
        self.report.invalid_records += 1
        for problem in problems:
            if len(self.report.problems) < KEPT_PROBLEMS:
                self.report.problems.append(RecordProblem(index, record_id, problem))

    def flush(self) -> None:
        gc.freeze()
        batch, self.batch = self.batch, []
        if not batch or not self.writing:
            return
        try:
            _Batch(self, batch).write()
        except DatabaseError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ImportFailed(
                f"the database refused records {batch[0].index} to {batch[-1].index}: {reason}"
            ) from exc

    def finish(self) -> None:
        self.flush()
        if self.writing and (self.renamed_organisations or self.renamed_terms):
            _refresh_search_documents(
                organisation_pks=self.renamed_organisations,
                term_pks=self.renamed_terms,
                skip=self.services_read,
            )


# One batch ----------------------------------------------------------------------------


class _Batch:
    """Check a batch against the database, refuse what cannot be written, write the rest:
    organisations, new terms, locations, services, then the services' own parts."""

    def __init__(self, run: _Run, records: list[ServiceRecord]):
        self.run = run
        self.records = records
        self.counts = run.report.counts
        self.catalogue = run.catalogue

    def write(self) -> None:
        organisations = {r.organisation_id: r.organisation for r in self.records}
        self.existing_organisations = existing_rows(
            Organisation, organisations, [*ORGANISATION_FIELDS, "slug"]
        )
        self.existing_services = existing_rows(
            Service, [r.public_id for r in self.records], [*SERVICE_COLUMNS, "updated_at"]
        )
        self.organisation_rows = self._organisation_rows(organisations)
        self._check_organisations()
        self.service_rows = self._service_rows()
        self._check_terms()
        if not self.records or not self.run.writing:
            return
        organisation_pks = self._write_organisations()
        self._write_terms()
        location_pks = self._write_locations(organisation_pks)
        service_pks = self._write_services(organisation_pks)
        self._write_links(service_pks, location_pks)
        self._write_parts(Contact, "contacts", CONTACT_FIELDS, service_pks)
        self._write_parts(Schedule, "schedules", SCHEDULE_FIELDS, service_pks)
        self.run.report.imported += len(self.records)

    def _refuse(self, refused: dict[int, Problem]) -> None:
        for record in self.records:
            if id(record) in refused:
                self.run.refuse(record.index, str(record.public_id), [refused[id(record)]])
        self.records = [r for r in self.records if id(r) not in refused]

    # rows as they will be, and the checks only the database can answer

    def _organisation_rows(self, said: dict[uuid.UUID, dict]) -> dict[uuid.UUID, dict]:
        """What the record says over what joinedup holds (or, for a new organisation, over
        the defaults); the last record in the batch to describe an organisation wins."""
        rows = {}
        for public_id, fields in said.items():
            current = self.existing_organisations.get(public_id)
            if current is None:
                rows[public_id] = {**_organisation_defaults(fields), **fields}
            else:
                kept = {name: current[name] for name in [*ORGANISATION_FIELDS, "slug"]}
                rows[public_id] = {**kept, **fields}
        return rows

    def _check_organisations(self) -> None:
        problems = {}
        for public_id, row in self.organisation_rows.items():
            if problem := _nhs_code_problem(row):
                problems[public_id] = problem
        for code_field, label in (("ods_code", "ODS code"), ("charity_number", "charity number")):
            for public_id, holder in self._code_clashes(code_field).items():
                code = self.organisation_rows[public_id][code_field]
                problems[public_id] = f"{label} {code} belongs to {holder}"
        where = "organization.organization_identifiers"
        self._refuse(
            {
                id(r): Problem(where, problems[r.organisation_id])
                for r in self.records
                if r.organisation_id in problems
            }
        )

    def _code_clashes(self, code_field: str) -> dict[uuid.UUID, str]:
        """Organisations whose ODS code (or charity number) another organisation has."""
        holders: dict[str, list[uuid.UUID]] = defaultdict(list)
        for public_id, row in self.organisation_rows.items():
            if row[code_field]:
                holders[row[code_field]].append(public_id)
        clashes = {}
        for ids in holders.values():
            for public_id in ids[1:]:
                clashes[public_id] = f"another organisation in this file ({ids[0]})"
        if not holders:
            return clashes
        taken = Organisation.objects.filter(**{f"{code_field}__in": list(holders)}).exclude(
            public_id__in=list(self.organisation_rows)
        )
        for code, name, other in taken.values_list(code_field, "name", "public_id"):
            for public_id in holders[code]:
                clashes[public_id] = f"{name} (id {other}), already in joinedup"
        return clashes

    def _service_rows(self) -> dict[uuid.UUID, dict]:
        defaults = {name: Service._meta.get_field(name).get_default() for name in SERVICE_FIELDS}
        rows, refused = {}, {}
        for record in self.records:
            current = self.existing_services.get(record.public_id, defaults)
            row = {name: current[name] for name in SERVICE_FIELDS} | record.service
            if row["accepting_referrals"] and not (
                row["accepts_professional_referrals"] or row["accepts_self_referrals"]
            ):
                refused[id(record)] = Problem(
                    "attributes",
                    "a service accepting referrals needs a referral route: "
                    "accepts-professional-referrals/yes or accepts-self-referrals/yes",
                )
            rows[record.public_id] = row
        self._refuse(refused)
        return rows

    def _check_terms(self) -> None:
        """A new term's code must be free in its taxonomy, and its parent known."""
        in_batch = {t.public_id: t for r in self.records for t in r.new_terms.values()}
        refused = {}
        for record in self.records:
            for term in record.new_terms.values():
                if problem := self._term_problem(term, in_batch):
                    refused[id(record)] = problem
                    break
        self._refuse(refused)
        self._refuse_unwritten_terms()

    def _refuse_unwritten_terms(self) -> None:
        """A record may name by its id alone a term an earlier record of the file defines;
        if that record was refused, the term was never written and is unknown after all."""
        in_batch = {term_id for r in self.records for term_id in r.new_terms}
        refused = {}
        for record in self.records:
            for term_id in record.term_ids or ():
                if term_id not in self.catalogue.term_by_id and term_id not in in_batch:
                    refused[id(record)] = Problem(
                        "attributes", f"{term_id} is not a taxonomy term joinedup knows"
                    )
                    break
        self._refuse(refused)

    def _term_problem(self, term: TermRow, in_batch: dict[uuid.UUID, TermRow]) -> Problem | None:
        key = (term.taxonomy_pk, term.code)
        holder = self.catalogue.term_by_code.get(key)
        if holder is not None and holder.public_id != term.public_id:
            return Problem(
                f"{term.path}.term", f"{term.code!r} is the code of term {holder.public_id}"
            )
        for other in in_batch.values():
            if (other.taxonomy_pk, other.code) == key and other.public_id != term.public_id:
                return Problem(
                    f"{term.path}.term", f"{term.code!r} is the code of term {other.public_id}"
                )
        parent = term.parent_id
        if parent and parent not in self.catalogue.term_by_id and parent not in in_batch:
            return Problem(f"{term.path}.parent_id", f"{parent} is not a term joinedup knows")
        return None

    # writes

    def _write_organisations(self) -> dict[uuid.UUID, int]:
        used = {r.organisation_id for r in self.records}
        rows = {pid: row for pid, row in self.organisation_rows.items() if pid in used}
        existing = self.existing_organisations
        new = {pid: row["name"] for pid, row in rows.items() if pid not in existing}
        for pid, slug in _free_slugs(new).items():
            rows[pid]["slug"] = slug
        for pid, row in rows.items():
            if pid in existing and row["name"] != existing[pid]["name"]:
                self.run.renamed_organisations.add(existing[pid]["pk"])
        return upsert(
            Organisation, rows, existing, ORGANISATION_FIELDS, self.counts["organisations"]
        )

    def _write_terms(self) -> None:
        """New terms of the database's own taxonomies, parents before children."""
        terms = {t.public_id: t for r in self.records for t in r.new_terms.values()}
        for level in _by_depth(terms):
            rows = {term.public_id: self._term_row(term) for term in level}
            existing = existing_rows(TaxonomyTerm, rows, TERM_FIELDS)
            for pid, row in rows.items():
                if pid in existing and existing[pid]["name"] != row["name"]:
                    self.run.renamed_terms.add(existing[pid]["pk"])
            pks = upsert(TaxonomyTerm, rows, existing, TERM_FIELDS, self.counts["taxonomy terms"])
            for pid, pk in pks.items():
                row = rows[pid]
                self.catalogue.add_term(
                    KnownTerm(pk, pid, row["taxonomy_id"], row["code"], row["name"])
                )

    def _term_row(self, term: TermRow) -> dict:
        parent = self.catalogue.term_by_id.get(term.parent_id) if term.parent_id else None
        return {
            "taxonomy_id": term.taxonomy_pk,
            "parent_id": parent.pk if parent else None,
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "term_uri": term.term_uri,
        }

    def _write_locations(self, organisation_pks: dict[uuid.UUID, int]) -> dict[uuid.UUID, int]:
        rows, owners = {}, {}
        for record in self.records:
            for pid, row in record.locations.items():
                rows[pid] = dict(row)
                owners.setdefault(pid, organisation_pks[record.organisation_id])
        existing = existing_rows(Location, rows, [*LOCATION_FIELDS, "organisation_id"])
        for pid, row in rows.items():
            # Which organisation a location belongs to is joinedup's own business: set
            # when it is first imported, kept after.
            current = existing.get(pid)
            row["organisation_id"] = current["organisation_id"] if current else owners[pid]
        return upsert(Location, rows, existing, LOCATION_FIELDS, self.counts["locations"])

    def _write_services(self, organisation_pks: dict[uuid.UUID, int]) -> dict[uuid.UUID, int]:
        existing_pks = [row["pk"] for row in self.existing_services.values()]
        terms = Pairs(Service.taxonomy_terms.through, "taxonomyterm_id", existing_pks)
        places = Pairs(Service.localities.through, "locality_id", existing_pks)
        named = [area for r in self.records for area in r.localities or []]
        self.counts["localities"].created += self.run.localities.resolve(named, places.others())
        rows, final_terms, final_places = {}, {}, {}
        for record in self.records:
            current = self.existing_services.get(record.public_id, {}).get("pk")
            final_terms[record.public_id] = self._final_terms(record, terms.of(current))
            final_places[record.public_id] = self._final_places(record, places.of(current))
            rows[record.public_id] = self._service_row(
                record,
                organisation_pks,
                final_terms[record.public_id],
                final_places[record.public_id],
            )
        pks = upsert(
            Service, rows, self.existing_services, SERVICE_COLUMNS, self.counts["services"]
        )
        terms.write(
            {
                pks[r.public_id]: final_terms[r.public_id]
                for r in self.records
                if r.term_ids is not None
            }
        )
        places.write(
            {
                pks[r.public_id]: final_places[r.public_id]
                for r in self.records
                if r.localities is not None
            }
        )
        return pks

    def _final_terms(self, record: ServiceRecord, current: set[int]) -> set[int]:
        if record.term_ids is None:
            return current
        return {self.catalogue.term_by_id[term_id].pk for term_id in record.term_ids}

    def _final_places(self, record: ServiceRecord, current: set[int]) -> set[int]:
        if record.localities is None:
            return current
        return {self.run.localities.pk_of(name) for name, _ in record.localities}

    def _service_row(self, record, organisation_pks, term_pks, place_pks) -> dict:
        row = dict(self.service_rows[record.public_id])
        row["organisation_id"] = organisation_pks[record.organisation_id]
        row["search_document"] = search_document_for(
            name=row["name"],
            description=row["description"],
            organisation_name=self.organisation_rows[record.organisation_id]["name"],
            eligibility=row["eligibility_criteria"],
            terms=sorted(self.catalogue.term_by_pk[pk].name for pk in term_pks),
            localities=sorted(self.run.localities.name_of(pk) for pk in place_pks),
        )
        if record.last_modified:
            # The source's own time of the last change, kept as joinedup's, so that an
            # export shows it again and a re-import finds the service unchanged.
            row["updated_at"] = record.last_modified
        return row

    def _write_links(self, service_pks: dict, location_pks: dict) -> None:
        parts = {
            r.public_id: {
                link_id: {"location_id": location_pks[location_id]}
                for link_id, location_id in r.links
            }
            for r in self.records
            if r.links is not None
        }
        self._sync_parts(
            ServiceAtLocation, parts, ["location_id"], service_pks, "service at locations"
        )

    def _write_parts(self, model, attribute: str, fields: list[str], service_pks: dict) -> None:
        parts = {
            r.public_id: getattr(r, attribute)
            for r in self.records
            if getattr(r, attribute) is not None
        }
        self._sync_parts(model, parts, fields, service_pks, attribute)

    def _sync_parts(self, model, parts: dict, fields: list[str], service_pks: dict, label: str):
        """Make each service's parts exactly those of its record: upsert, and delete the
        ones the record no longer lists."""
        wanted = {
            part_id: {**row, "service_id": service_pks[pid]}
            for pid, rows in parts.items()
            for part_id, row in rows.items()
        }
        # Only services that were in joinedup before this batch can have parts to remove.
        known = {service_pks[pid] for pid in parts if pid in self.existing_services}
        fresh = {pid: row for pid, row in wanted.items() if row["service_id"] not in known}
        if fresh and insert_fresh(model, fresh, self.counts[label]):
            wanted = {pid: row for pid, row in wanted.items() if pid not in fresh}
        if not (wanted or known):
            return
        existing = existing_rows(model, wanted, ["service_id", *fields], service_id=list(known))
        stale = [
            row["pk"]
            for pid, row in existing.items()
            if pid not in wanted and row["service_id"] in known
        ]
        if stale:
            model.objects.filter(pk__in=stale).delete()
            self.counts[label].removed += len(stale)
        current = {pid: row for pid, row in existing.items() if pid in wanted}
        upsert(model, wanted, current, ["service_id", *fields], self.counts[label])


# Helpers ------------------------------------------------------------------------------


def _organisation_defaults(fields: dict) -> dict:
    """A new organisation's kind, when its record does not say: ORUK has no field for it,
    so an ODS code says NHS (a GP practice by the shape of its code), anything else VCSE."""
    ods_code = fields.get("ods_code", "")
    kind = OrganisationKind.VCSE
    if ods_code:
        try:
            validate_gp_practice_ods_code(ods_code)
            kind = OrganisationKind.GP_PRACTICE
        except ValidationError:
            kind = OrganisationKind.NHS_TRUST
    return {
        "kind": kind,
        "reach": Organisation._meta.get_field("reach").get_default(),
        "ods_code": "",
        "charity_number": "",
        "phone": "",
    }


def _nhs_code_problem(row: dict) -> str | None:
    if row["kind"] not in NHS_KINDS:
        return None
    if not row["ods_code"]:
        return "an NHS organisation needs its ODS code (identifier scheme GB-NHS)"
    if row["kind"] == OrganisationKind.GP_PRACTICE:
        try:
            validate_gp_practice_ods_code(row["ods_code"])
        except ValidationError as exc:
            return exc.messages[0]
    return None


def _free_slugs(names: dict[uuid.UUID, str]) -> dict[uuid.UUID, str]:
    """A slug for each new organisation: its name's, or with a bit of its id if taken."""
    wanted = {pid: slugify(name)[:100] or "organisation" for pid, name in names.items()}
    taken = set(
        Organisation.objects.filter(slug__in=list(wanted.values())).values_list("slug", flat=True)
    )
    slugs = {}
    for pid, slug in wanted.items():
        if slug in taken:
            slug = f"{slug[:91]}-{pid.hex[:8]}"
        taken.add(slug)
        slugs[pid] = slug
    return slugs


def _by_depth(terms: dict[uuid.UUID, TermRow]) -> list[list[TermRow]]:
    """New terms grouped so that a parent in the batch is written before its children."""

    def depth(term: TermRow, seen=()) -> int:
        parent = terms.get(term.parent_id) if term.parent_id else None
        if parent is None or parent.public_id in seen:
            return 0
        return 1 + depth(parent, (*seen, term.public_id))

    levels: dict[int, list[TermRow]] = defaultdict(list)
    for term in terms.values():
        levels[depth(term)].append(term)
    return [levels[n] for n in sorted(levels)]


class _Localities:
    """Localities by name, created when a service area names a new one."""

    def __init__(self):
        self.by_name: dict[str, int] = {}
        self.by_slug: dict[str, int] = {}
        self.names: dict[int, str] = {}
        self.wanted: dict[str, tuple[str, str]] = {}

    def resolve(self, areas: list[tuple[str, str]], pks: Iterable[int]) -> int:
        """Load the localities these service areas and pks name; create the missing ones.
        Returns how many were created."""
        names = {name for name, _ in areas if name not in self.by_name}
        slugs = {_locality_slug(name) for name in names}
        pks = {pk for pk in pks if pk not in self.names}
        if names or pks:
            query = Q(name__in=names) | Q(slug__in=slugs) | Q(pk__in=pks)
            for pk, name, slug in Locality.objects.filter(query).values_list("pk", "name", "slug"):
                self._remember(pk, name, slug)
        missing = {}
        for name, description in areas:
            slug = _locality_slug(name)
            if name not in self.by_name and slug not in self.by_slug:
                missing.setdefault(
                    slug,
                    Locality(
                        public_id=uuid.uuid5(NAMESPACE, f"locality/{slug}"),
                        name=name,
                        slug=slug,
                        description=description,
                    ),
                )
        if missing:
            Locality.objects.bulk_create(list(missing.values()))
            for locality in missing.values():
                self._remember(locality.pk, locality.name, locality.slug)
        return len(missing)

    def _remember(self, pk: int, name: str, slug: str) -> None:
        self.by_name[name] = pk
        self.by_slug[slug] = pk
        self.names[pk] = name

    def pk_of(self, name: str) -> int:
        return self.by_name.get(name) or self.by_slug[_locality_slug(name)]

    def name_of(self, pk: int) -> str:
        return self.names[pk]


def _locality_slug(name: str) -> str:
    return slugify(name)[:200] or f"locality-{uuid.uuid5(NAMESPACE, name).hex[:8]}"


def _refresh_search_documents(*, organisation_pks: set[int], term_pks: set[int], skip) -> None:
    """Services this file did not list whose organisation or need was renamed by it."""
    services = (
        Service.objects.filter(
            Q(organisation_id__in=organisation_pks) | Q(taxonomy_terms__in=term_pks)
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("taxonomy_terms", "localities")
        .order_by("pk")
    )
    changed = []
    for service in services.iterator(chunk_size=500):
        if service.public_id in skip:
            continue
        document = search_document_for(
            name=service.name,
            description=service.description,
            organisation_name=service.organisation.name,
            eligibility=service.eligibility_criteria,
            terms=sorted(t.name for t in service.taxonomy_terms.all()),
            localities=sorted(loc.name for loc in service.localities.all()),
        )
        if document != service.search_document:
            service.search_document = document
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_document"], batch_size=250)
