"""Fuzzing activity's API from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. As in
tests/people/test_api_fuzz.py; the caller is the day centre's practitioner, and valid
requests name one of its group sessions (or contacts) so that they reach the services."""

import pytest
from schemathesis import GenerationMode

from tests.activity import activity_support as support
from tests.api_fuzz_support import fuzz
from tests.api_support import token_for

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("GET", "/api/v1/contacts"),
    ("POST", "/api/v1/contacts"),
    ("GET", "/api/v1/contacts/{id}"),
    ("POST", "/api/v1/group-sessions"),
    ("GET", "/api/v1/group-sessions/{id}"),
    ("PUT", "/api/v1/group-sessions/{id}/register"),
]


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=2)


@pytest.fixture
def headers(w):
    raw, _ = token_for(w.worker)
    return {"Authorization": f"Bearer {raw}"}


def known_id(w, path: str) -> str:
    if path.startswith("/api/v1/contacts"):
        [contact] = support.contacts(w.people[0], w.day_centre, w.worker)
        return str(contact.public_id)
    return str(support.session(w).public_id)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, w, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, path={"id": known_id(w, path)})


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
