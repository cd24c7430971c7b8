"""Fuzzing the IG lead's API from its OpenAPI document, as tests/people/test_api_fuzz.py
does for the shared record: every answer is documented, well formed, and never a 500."""

import pytest
from schemathesis import GenerationMode

from tests import factories as f
from tests.api_fuzz_support import fuzz
from tests.api_support import token_for
from tests.governance import governance_support as gs

OPERATIONS = [
    ("GET", "/api/v1/audit"),
    ("GET", "/api/v1/governance/break-glass"),
    ("POST", "/api/v1/governance/break-glass/{id}/review"),
]


@pytest.fixture
def access(clinician):
    return gs.break_glass(clinician, gs.person(f.OrganisationFactory(slug="far")))


@pytest.fixture
def headers(ig_lead):
    raw, _ = token_for(ig_lead)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, access, headers, method, path):
    fuzz(
        api_schema[path][method],
        GenerationMode.POSITIVE,
        headers,
        path={"id": str(access.public_id)},
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
