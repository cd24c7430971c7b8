"""The outcome measures joinedup ships (data/measures.json): ONS4 personal wellbeing,
PHQ-9, GAD-7 and DIALOG, with their published scoring rules (docs/outcomes.md names the
sources). Loaded by migration, and again by the demo after it empties the database;
each measure keeps the same id (UUID 5 of its code) on every installation.

`write` is the one way a definition becomes rows: the migration calls it with the
historical models, `services.measure_define` with the real ones.
"""

import json
import re
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError

from joinedup.outcomes import scoring

DATA = Path(__file__).parent / "data" / "measures.json"
NAMESPACE = uuid.UUID("0b6f6f3e-3c1d-4a57-9c3e-7d1e5a2f4b10")
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
FIELDS = ("name", "short_name", "version", "instructions", "licence", "source_url")


def definitions() -> list[dict]:
    return json.loads(DATA.read_text())["measures"]


def _fields(spec: dict, order: int) -> dict:
    return {
        **{name: spec.get(name, "") for name in FIELDS},
        "short_name": spec.get("short_name") or spec["name"],
        "self_report": spec.get("self_report", True),
        "active": spec.get("active", True),
        "order": order,
        "scoring": spec["scoring"],
    }


def write(Measure, MeasureItem, spec: dict, *, order: int = 0):
    """Create or replace the measure `spec` describes, checked whole first (raises
    ValidationError naming what is wrong, writing nothing)."""
    code = spec.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise ValidationError({"code": "Give the measure a code of letters, digits, - and _"})
    if not isinstance(spec.get("name"), str) or not spec["name"].strip():
        raise ValidationError({"name": "Give the measure a name"})
    scoring.parse(spec.get("items"), spec.get("scoring"))
    measure, _ = Measure.objects.update_or_create(
        code=code,
        create_defaults={"public_id": uuid.uuid5(NAMESPACE, code), **_fields(spec, order)},
        defaults=_fields(spec, order),
    )
    MeasureItem.objects.filter(measure=measure).delete()
    MeasureItem.objects.bulk_create(
        MeasureItem(
            measure=measure,
            key=item["key"],
            number=number,
            text=item["text"],
            min_value=item["min"],
            max_value=item["max"],
            options=item["options"],
            not_applicable=item.get("not_applicable", False),
        )
        for number, item in enumerate(spec["items"], start=1)
    )
    return measure


def load(apps, schema_editor=None) -> None:
    Measure = apps.get_model("outcomes", "Measure")
    MeasureItem = apps.get_model("outcomes", "MeasureItem")
    for order, spec in enumerate(definitions()):
        write(Measure, MeasureItem, spec, order=order)


def ensure_loaded(apps) -> None:
    """Load the shipped measures if they are missing (after the demo empties the tables)."""
    Measure = apps.get_model("outcomes", "Measure")
    codes = {spec["code"] for spec in definitions()}
    if set(Measure.objects.filter(code__in=codes).values_list("code", flat=True)) != codes:
        load(apps)
