"""Outcome measures in the JSON API at /api/v1/: the measures' definitions, and a
person's outcome records — list, record one, read one (DESIGN §8).

Thin by rule: each operation parses, calls a selector or a service, and shapes the
output. A person or record the caller may not see is a 404 identical to one that does
not exist; an answer missing, unknown or out of range is a 422 naming `answers.<item>`,
and nothing is written.
"""

import uuid
from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt, StringConstraints, WithJsonSchema

from joinedup.accounts.api import Problem, bearer
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.outcomes import charts, selectors, services
from joinedup.outcomes.models import Occasion
from joinedup.people import selectors as people_selectors

router = Router(tags=["outcome measures"], auth=bearer)

PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
Code = Annotated[str, StringConstraints(max_length=50)]
_ONE = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


class OptionOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    key: str
    number: int
    text: str
    min: int
    max: int
    options: list[OptionOut]
    not_applicable: bool = Field(description="May be answered null (not applicable)")


class BandOut(Schema):
    start: float = Field(description="The band holds scores from here to the next band's start")
    label: str
    range: str


class ScoreRuleOut(Schema):
    key: str
    label: str
    method: str = Field(description="sum or mean of its items")
    items: list[str]
    reverse: list[str] = Field(description="Items scored in reverse (min + max − answer)")
    min: float
    max: float
    better: str = Field(description="lower or higher")
    bands: list[BandOut]
    reliable_change: float | None
    reliable_change_source: str
    note: str


class FlagRuleOut(Schema):
    key: str
    item: str
    above: int
    message: str


class MeasureOut(Schema):
    code: str
    name: str
    short_name: str
    version: str
    instructions: str
    licence: str
    source_url: str
    self_report: bool
    items: list[ItemOut]
    scores: list[ScoreRuleOut]
    flags: list[FlagRuleOut]


def _measure(measure) -> dict:
    definition = measure.definition()
    return {
        "code": measure.code,
        "name": measure.name,
        "short_name": measure.short_name,
        "version": measure.version,
        "instructions": measure.instructions,
        "licence": measure.licence,
        "source_url": measure.source_url,
        "self_report": measure.self_report,
        "items": [
            {
                "key": i.key,
                "number": i.number,
                "text": i.text,
                "min": i.minimum,
                "max": i.maximum,
                "options": [{"value": o.value, "label": o.label} for o in i.options],
                "not_applicable": i.not_applicable,
            }
            for i in definition.items
        ],
        "scores": [
            {
                "key": r.key,
                "label": r.label,
                "method": r.method,
                "items": list(r.items),
                "reverse": sorted(r.reverse),
                "min": float(r.minimum),
                "max": float(r.maximum),
                "better": r.better,
                "bands": [
                    {
                        "start": float(b.start),
                        "label": b.label,
                        "range": b.describe(r.integer, r.maximum),
                    }
                    for b in r.bands
                ],
                "reliable_change": float(r.reliable_change) if r.reliable_change else None,
                "reliable_change_source": r.reliable_change_source,
                "note": r.note,
            }
            for r in definition.scores
        ],
        "flags": [
            {"key": f.key, "item": f.item, "above": f.above, "message": f.message}
            for f in definition.flags
        ],
    }


@router.get(
    "/outcome-measures",
    response={200: list[MeasureOut], 401: Problem},
    summary="The outcome measures in use: items, answers and scoring rules",
)
def outcome_measure_list(request):
    return [_measure(m) for m in selectors.measure_list()]


@router.get(
    "/outcome-measures/{code}",
    response={200: MeasureOut, **_ONE},
    url_name="outcome_measure",
)
def outcome_measure_get(request, code: Code):
    return _measure(selectors.measure_get(code=code))


class Named(Schema):
    id: uuid.UUID
    name: str


class ScoreOut(Schema):
    key: str
    label: str
    value: float | None = Field(description="null when none of its items applies")
    band: str
    change_from_baseline: float | None = Field(
        description="Against the latest baseline on or before this record (null for a baseline)"
    )
    reliable_change: str = Field(
        description="improvement, deterioration, no_reliable_change, or '' (no threshold)"
    )


class FlagOut(Schema):
    key: str
    item: str
    message: str


class OutcomeOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    measure: str = Field(description="The measure's code (GET /outcome-measures)")
    measure_version: str
    occasion: Occasion
    completed_at: datetime
    completed_by: str | None
    completed_by_person: bool = Field(description="The person completed it in their portal")
    organisation: Named
    answers: dict[str, int | None]
    scores: list[ScoreOut]
    flags: list[FlagOut]


def _outcome(record, results: list[charts.Result]) -> dict:
    by = record.completed_by
    return {
        "id": record.public_id,
        "person": record.person.public_id,
        "measure": record.measure.code,
        "measure_version": record.measure_version,
        "occasion": record.occasion,
        "completed_at": record.completed_at,
        "completed_by": (by.get_full_name() or by.username) if by else None,
        "completed_by_person": record.completed_by_person,
        "organisation": {
            "id": record.owning_organisation.public_id,
            "name": record.owning_organisation.name,
        },
        "answers": record.answers,
        "scores": [
            {
                "key": r.rule.key,
                "label": r.rule.label,
                "value": r.value,
                "band": r.band,
                "change_from_baseline": r.change.delta if r.change else None,
                "reliable_change": r.change.direction if r.change else "",
            }
            for r in results
        ],
        "flags": [
            {"key": f["key"], "item": f["item"], "message": f["message"]} for f in record.flags
        ],
    }


class OutcomeFilters(Schema):
    person: uuid.UUID = Field(description="A person your team may see (GET /people)")
    measure: Code | None = Field(None, description="Only this measure's records")


@router.get(
    "/outcomes",
    response={200: list[OutcomeOut], 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    summary="A person's outcome records that you may see, oldest first",
    description=f"At most the latest {selectors.RECORDS_SHOWN}.",
)
def outcome_list(request, filters: Query[OutcomeFilters]):
    person = people_selectors.person_get(user=request.auth, public_id=filters.person, audit=False)
    refusal = services.recording_refusal(actor=request.auth)
    if refusal:
        raise PermissionDenied(refusal)
    measure = selectors.measure_get(code=filters.measure) if filters.measure else None
    shown = selectors.person_outcomes(user=request.auth, person=person, measure=measure)
    return [_outcome(rec, results) for rec, results in charts.with_results(shown.records)]


class OutcomeCreate(Schema):
    person: uuid.UUID = Field(description="A person your team may see (GET /people)")
    measure: Code = Field(description="The measure's code (GET /outcome-measures)")
    occasion: Occasion
    completed_at: datetime | None = Field(
        None, description="When it was completed; now if left out"
    )
    answers: dict[Annotated[str, StringConstraints(max_length=60)], StrictInt | None] = Field(
        max_length=100,
        description="Every item's answer by its key: a whole number in the item's range, "
        "or null for 'not applicable' where the item allows it",
    )


@router.post(
    "/outcomes",
    response={201: OutcomeOut, **_WRITE},
    summary="Record an outcome measure completed with the person",
    description="The answers are checked against the measure and scored; the scores, bands "
    "and flags are stored with the record. It belongs to your organisation.",
)
def outcome_create(request, payload: OutcomeCreate, response: HttpResponse):
    person = people_selectors.person_get(user=request.auth, public_id=payload.person, audit=False)
    try:
        measure = selectors.measure_get(code=payload.measure)
    except NotFound as exc:
        raise ValidationError(
            {"measure": f"There is no outcome measure '{payload.measure}'"}
        ) from exc
    record = services.outcome_record_create(
        actor=request.auth,
        person=person,
        measure=measure,
        occasion=payload.occasion,
        answers=payload.answers,
        completed_at=payload.completed_at,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:outcome", kwargs={"id": record.public_id})
    )
    view = selectors.outcome_record_get(user=request.auth, public_id=record.public_id, audit=False)
    return Status(201, _outcome(view.record, view.results))


@router.get("/outcomes/{id}", response={200: OutcomeOut, **_ONE}, url_name="outcome")
def outcome_get(request, id: PathId):
    view = selectors.outcome_record_get(user=request.auth, public_id=id)
    return _outcome(view.record, view.results)
