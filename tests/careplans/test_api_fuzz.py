"""Fuzzing /api/v1/care-plans from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. As
tests/people/test_api_fuzz.py does it: in-process, bounded and derandomised; valid
requests name Alex's plan so that they reach the services."""

import pytest
from schemathesis import GenerationMode

from tests.api_fuzz_support import fuzz
from tests.api_support import token_for
from tests.careplans import careplan_support as cs

OPERATIONS = [
    ("GET", "/api/v1/care-plans"),
    ("POST", "/api/v1/care-plans"),
    ("GET", "/api/v1/care-plans/{id}"),
    ("PUT", "/api/v1/care-plans/{id}"),
    ("GET", "/api/v1/care-plans/{id}/versions/{number}"),
    ("POST", "/api/v1/care-plans/{id}/agreements"),
    ("POST", "/api/v1/care-plans/{id}/care-team"),
    ("DELETE", "/api/v1/care-plans/{id}/care-team/{member_id}"),
]


@pytest.fixture
def plan(trust, day_centre, clinician):
    return cs.make_plan(cs.world(trust, day_centre), clinician)


@pytest.fixture
def headers(clinician):
    raw, _ = token_for(clinician)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, plan, headers, method, path):
    fuzz(
        api_schema[path][method],
        GenerationMode.POSITIVE,
        headers,
        path={"id": str(plan.public_id)},
        max_examples=10,
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers, max_examples=10)
