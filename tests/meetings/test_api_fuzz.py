"""Fuzzing /api/v1/meetings from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. In-process, bounded
and derandomised, as tests/careplans/test_api_fuzz.py does it; valid requests name the
North meeting and the bounced person's item, so that they reach the services."""

import pytest
from schemathesis import GenerationMode

from joinedup.meetings.models import AgendaItem
from tests.api_fuzz_support import fuzz
from tests.api_support import token_for
from tests.meetings import meeting_support as ms

OPERATIONS = [
    ("GET", "/api/v1/meetings"),
    ("GET", "/api/v1/meetings/{id}"),
    ("POST", "/api/v1/meetings/{id}/attendance"),
    ("POST", "/api/v1/meetings/{id}/agenda"),
    ("POST", "/api/v1/meetings/{id}/start"),
    ("POST", "/api/v1/meetings/{id}/close"),
    ("POST", "/api/v1/meetings/{id}/items/{item_id}/decision"),
    ("POST", "/api/v1/meetings/{id}/actions"),
    ("POST", "/api/v1/meetings/{id}/actions/{action_id}/done"),
]


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


@pytest.fixture
def meeting(w):
    ms.bounced_twice(w)
    return ms.next_meeting(w, attending=[w.coordinator])


@pytest.fixture
def headers(w):
    raw, _ = token_for(w.coordinator)
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, meeting, headers, method, path):
    item = AgendaItem.objects.get(meeting=meeting)
    ids = {"id": str(meeting.public_id), "item_id": str(item.public_id)}
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, path=ids, max_examples=10)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, w, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers, max_examples=10)
