"""Fuzzing /api/v1/meetings from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. In-process, bounded
and derandomised, as tests/careplans/test_api_fuzz.py does it; valid requests name the
North meeting and the bounced person's item, so that they reach the services."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from joinedup.meetings.models import AgendaItem
from joinedup.wsgi import application
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
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


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


def fuzz(operation, mode: GenerationMode, headers: dict, ids: dict | None = None) -> None:
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name, value in (ids or {}).items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, meeting, headers, method, path):
    item = AgendaItem.objects.get(meeting=meeting)
    ids = {"id": str(meeting.public_id), "item_id": str(item.public_id)}
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, ids)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, w, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
