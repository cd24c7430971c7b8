"""Fuzzing the shared record's API from its OpenAPI document (DESIGN §10): whatever a
client sends — valid, malformed, oversized, of the wrong type — the answer is one the
document describes, and never a 500.

As in tests/directory/test_api_fuzz.py: schemathesis sends requests through Django's
WSGI application in-process, bounded and derandomised. The caller is the trust's
clinician, who may break glass; valid requests name Alex (or one of the trust's entries
about Alex) so that they reach the services, invalid ones name whatever is generated.
"""

import pytest
from schemathesis import GenerationMode

from tests.api_fuzz_support import fuzz
from tests.api_support import token_for
from tests.people import people_support as ps

OPERATIONS = [
    ("GET", "/api/v1/people"),
    ("POST", "/api/v1/people"),
    ("GET", "/api/v1/people/{id}"),
    ("PATCH", "/api/v1/people/{id}"),
    ("GET", "/api/v1/people/{id}/entries"),
    ("POST", "/api/v1/people/{id}/entries"),
    ("GET", "/api/v1/entries/{id}"),
    ("POST", "/api/v1/entries/{id}/corrections"),
    ("GET", "/api/v1/people/{id}/consents"),
    ("POST", "/api/v1/people/{id}/consents"),
    ("POST", "/api/v1/people/{id}/consents/{decision_id}/withdraw"),
    ("POST", "/api/v1/break-glass"),
    ("POST", "/api/v1/people/{id}/break-glass"),
    ("GET", "/api/v1/people/{id}/break-glass"),
]


# Whether the answer is a 2xx is not the point (most generated ids name no one): that
# it is documented, well-formed and never a server error is.
@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


@pytest.fixture
def headers(world, clinician):
    raw, _ = token_for(clinician)
    return {"Authorization": f"Bearer {raw}"}


def known_id(world, path: str) -> str:
    return str((world.clinical if path.startswith("/api/v1/entries") else world.person).public_id)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, world, headers, method, path):
    fuzz(
        api_schema[path][method],
        GenerationMode.POSITIVE,
        headers,
        path={"id": known_id(world, path)},
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
