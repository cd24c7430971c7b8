"""Fuzzing the outcome measures API from its OpenAPI document (DESIGN §10): whatever a
client sends, the answer is one the document describes, and never a 500. As in
tests/people/test_api_fuzz.py: in-process, bounded and derandomised; valid requests
name Alex (or Alex's record) so that they reach the scoring service."""

import pytest
from schemathesis import GenerationMode

from tests.api_fuzz_support import fuzz
from tests.api_support import token_for
from tests.outcomes import outcome_support as os_

OPERATIONS = [
    ("GET", "/api/v1/outcome-measures"),
    ("GET", "/api/v1/outcome-measures/{code}"),
    ("GET", "/api/v1/outcomes"),
    ("POST", "/api/v1/outcomes"),
    ("GET", "/api/v1/outcomes/{id}"),
]


@pytest.fixture
def world(trust, day_centre, clinician):
    w = os_.world(trust, day_centre, clinician)
    w.record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    return w


@pytest.fixture
def headers(world, clinician):
    raw, _ = token_for(clinician)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, world, headers, method, path):
    person = str(world.person.public_id)

    def fill(case):
        if isinstance(case.query, dict) and "person" in case.query:
            case.query["person"] = person
        if isinstance(case.body, dict) and "person" in case.body:
            case.body["person"] = person

    known = {"id": str(world.record.public_id), "code": "phq9"}
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, path=known, fill=fill)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(
    api_schema, world, headers, method, path
):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
