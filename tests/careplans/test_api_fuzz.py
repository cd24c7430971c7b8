"""Fuzzing /api/v1/care-plans from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. As
tests/people/test_api_fuzz.py does it: in-process, bounded and derandomised; valid
requests name Alex's plan so that they reach the services."""

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

from joinedup.wsgi import application
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
def plan(trust, day_centre, clinician):
    return cs.make_plan(cs.world(trust, day_centre), clinician)


@pytest.fixture
def headers(clinician):
    raw, _ = token_for(clinician)
    return {"Authorization": f"Bearer {raw}"}


def fuzz(operation, mode: GenerationMode, headers: dict, id_: str | None = None) -> None:
    @settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if id_ is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = id_
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, plan, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, str(plan.public_id))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
