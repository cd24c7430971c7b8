"""Every read of outcome measures and outcome records.

Measures are not person-level: any member of staff (and the person, for the ones they
may complete) reads them. Outcome records are: staff read them through
`access.record.record_visibility(category=outcomes)` — the entries' rules with the
category fixed — and the person reads their own through `access.record.own_records`.
A record the viewer may not see is NotFound, exactly as one that does not exist; every
read of records is audited (basis `person_self` in the portal).
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from joinedup.access import record
from joinedup.access.categories import Category
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import NotFound
from joinedup.outcomes import charts
from joinedup.outcomes.models import Measure, Occasion, OutcomeRecord

NOT_FOUND = "There is no such outcome record, or you may not see it"
MEASURE_NOT_FOUND = "There is no such outcome measure"
# A page shows at most this many records of a person (the latest), so it costs the same
# however long the person has been measured.
RECORDS_SHOWN = 100
AUDITED_IDS = 150


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


# --- Measures --------------------------------------------------------------------------


def measure_list(*, self_report_only: bool = False) -> list[Measure]:
    """The active measures, with their items."""
    measures = Measure.objects.filter(active=True).prefetch_related("items")
    if self_report_only:
        measures = measures.filter(self_report=True)
    return list(measures)


def measure_get(*, code: str, self_report_only: bool = False) -> Measure:
    """An active measure by its code, with its items; NotFound for any other code."""
    measure = next(
        (m for m in measure_list(self_report_only=self_report_only) if m.code == code), None
    )
    if measure is None:
        raise NotFound(MEASURE_NOT_FOUND, field="measure")
    return measure


# --- Records, for staff ----------------------------------------------------------------


def visible(user) -> QuerySet:
    return record.record_visibility(user, OutcomeRecord.objects.all(), category=Category.OUTCOMES)


def _with_related(records: QuerySet) -> QuerySet:
    return records.select_related(
        "person", "measure", "owning_organisation", "completed_by"
    ).prefetch_related("measure__items")


def _latest(records: QuerySet) -> list[OutcomeRecord]:
    """The latest RECORDS_SHOWN, oldest first (the order a chart reads them in)."""
    latest = list(_with_related(records).order_by("-completed_at", "-pk")[:RECORDS_SHOWN])
    return latest[::-1]


def _basis(user, person) -> str:
    from joinedup.people import selectors as people_selectors

    return people_selectors.person_basis(user=user, person=person)


def _audit_list(*, user, person, records: list[OutcomeRecord], basis: str) -> None:
    """One event for a page of a person's outcome records (also when there is none: the
    viewer still learnt that the person is known)."""
    ids = [str(r.public_id) for r in records]
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis=basis,
        detail={"outcome_records": ids[:AUDITED_IDS], "outcome_record_count": len(ids)},
    )


@dataclass
class PersonOutcomes:
    records: list[OutcomeRecord]
    basis: str  # why the viewer may see the person: own_organisation or break_glass


def person_outcomes(*, user, person, measure: Measure | None = None) -> PersonOutcomes:
    """The person's outcome records the user may see (the latest RECORDS_SHOWN, oldest
    first), audited. `person` comes from `people.selectors.person_get`: the caller has
    already been told NotFound for a person out of reach."""
    records = visible(user).filter(person=person)
    if measure is not None:
        records = records.filter(measure=measure)
    shown = _latest(records)
    basis = _basis(user, person)
    _audit_list(user=user, person=person, records=shown, basis=basis)
    return PersonOutcomes(shown, basis)


def measured_before(*, user, person, measure: Measure) -> bool:
    """Whether the user may see an earlier record of this measure for the person (a new
    one is then offered as a review rather than a baseline). Not audited: it shows none."""
    return visible(user).filter(person=person, measure=measure).exists()


@dataclass
class RecordView:
    """One record, with the baseline its change is measured from (if any)."""

    record: OutcomeRecord
    definition: object
    baseline: OutcomeRecord | None

    @property
    def results(self) -> list[charts.Result]:
        return charts.results(self.definition, self.record, self.baseline)

    @property
    def answers(self) -> list[tuple]:
        return [
            (item, item.label_of(self.record.answers.get(item.key)))
            for item in self.definition.items
        ]


def _baseline_of(records: QuerySet, rec: OutcomeRecord) -> OutcomeRecord | None:
    """The latest baseline of the same person and measure on or before `rec`."""
    if rec.occasion == Occasion.BASELINE:
        return rec
    return (
        records.filter(
            person_id=rec.person_id,
            measure_id=rec.measure_id,
            occasion=Occasion.BASELINE,
            completed_at__lte=rec.completed_at,
        )
        .order_by("-completed_at", "-pk")
        .first()
    )


def outcome_record_get(*, user, public_id, audit: bool = True) -> RecordView:
    uid = _as_uuid(public_id)
    rec = _with_related(visible(user)).filter(public_id=uid).first() if uid else None
    if rec is None:
        raise NotFound(NOT_FOUND)
    view = RecordView(rec, rec.measure.definition(), _baseline_of(visible(user), rec))
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=rec,
            person_public_id=rec.person.public_id,
            basis=_basis(user, rec.person),
        )
    return view


# --- Records, in the person's own portal -----------------------------------------------


def _own(user) -> QuerySet:
    return record.own_records(user, OutcomeRecord.objects.all())


def portal_outcomes(*, user, person) -> list[OutcomeRecord]:
    """The person's own outcome records (`person` from `people.selectors.portal_person`),
    audited as their own view."""
    shown = _latest(_own(user))
    _audit_list(user=user, person=person, records=shown, basis="person_self")
    return shown


def portal_record_get(*, user, public_id) -> RecordView:
    uid = _as_uuid(public_id)
    rec = _with_related(_own(user)).filter(public_id=uid).first() if uid else None
    if rec is None:
        raise NotFound(NOT_FOUND)
    view = RecordView(rec, rec.measure.definition(), _baseline_of(_own(user), rec))
    audit_record(
        actor=user,
        action="view",
        obj=rec,
        person_public_id=rec.person.public_id,
        basis="person_self",
    )
    return view


def portal_teams(*, user) -> list:
    """The organisations that measure outcomes with the person: the owners of their own
    records, the latest first. A record the person completes belongs to one of them."""
    from joinedup.directory.models import Organisation

    latest_first = list(
        _own(user)
        .order_by("-completed_at", "-pk")
        .values_list("owning_organisation_id", flat=True)[:500]
    )
    order = list(dict.fromkeys(latest_first))
    organisations = Organisation.objects.in_bulk(order)
    return [organisations[pk] for pk in order if pk in organisations]


def table_counts() -> dict[str, int]:
    """How many outcome records are held: a count, nothing of anyone's record (the demo's
    check that a database holds only demo data reads it). Measures are shipped data."""
    return {"outcome_records": OutcomeRecord.objects.count()}
