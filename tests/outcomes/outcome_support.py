"""A small world for outcome measure tests, and helpers to answer and record measures.

Alex (people_support.shared_world) is on the trust's and the day centre's caseloads;
the partnership's agreement shares only contact details, the care plan and activity
with volunteers, so outcome records stay with the organisation that recorded them
unless a test adds a rule that shares them.
"""

import datetime as dt

from django.apps import apps
from django.utils import timezone

from joinedup.outcomes import measures_data, services
from joinedup.outcomes.models import Measure
from tests.people import people_support as ps

PHQ9_MODERATE = [1, 2, 1, 0, 3, 2, 1, 0, 0]  # 10: moderate, question 9 not flagged
PHQ9_SEVERE_FLAGGED = [3, 3, 2, 2, 2, 2, 2, 2, 2]  # 20: severe, question 9 above 0
GAD7_MODERATE = [2, 2, 2, 2, 1, 1, 2]  # 12


def measure(code: str) -> Measure:
    """A shipped measure with its items (loaded again if a flush emptied the table)."""
    measures_data.ensure_loaded(apps)
    return Measure.objects.prefetch_related("items").get(code=code)


def answers(code: str, values: list) -> dict:
    """`values` in the order of the measure's items, as {item key: value}."""
    keys = [item["key"] for item in _spec(code)["items"]]
    assert len(keys) == len(values), (code, len(keys), len(values))
    return dict(zip(keys, values, strict=True))


def _spec(code: str) -> dict:
    return next(spec for spec in measures_data.definitions() if spec["code"] == code)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def world(trust, day_centre, clinician) -> ps.World:
    measures_data.ensure_loaded(apps)
    return ps.shared_world(trust, day_centre, clinician)


def record(actor, person, code: str, values: list, *, occasion="baseline", days: int = 0):
    return services.outcome_record_create(
        actor=actor,
        person=person,
        measure=measure(code),
        occasion=occasion,
        answers=answers(code, values),
        completed_at=days_ago(days) if days else None,
    )


def form_data(code: str, values: list, **extra) -> dict:
    """A POST of the measure's form: q_<key> for each answer ('na' for not applicable)."""
    data = {
        f"q_{key}": "na" if value is None else str(value)
        for key, value in answers(code, values).items()
    }
    return {**data, **extra}


def staff_form_data(code: str, values: list, **extra) -> dict:
    today = timezone.localdate()
    date = {
        "occasion": "baseline",
        "completed_on_day": str(today.day),
        "completed_on_month": str(today.month),
        "completed_on_year": str(today.year),
    }
    return form_data(code, values, **{**date, **extra})
