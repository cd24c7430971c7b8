"""Fuzzing the outcome measures API from its OpenAPI document (DESIGN §10): whatever a
client sends, the answer is one the document describes, and never a 500. As in
tests/people/test_api_fuzz.py: in-process, bounded and derandomised; valid requests
name Alex (or Alex's record) so that they reach the scoring service."""

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
from tests.outcomes import outcome_support as os_

OPERATIONS = [
    ("GET", "/api/v1/outcome-measures"),
    ("GET", "/api/v1/outcome-measures/{code}"),
    ("GET", "/api/v1/outcomes"),
    ("POST", "/api/v1/outcomes"),
    ("GET", "/api/v1/outcomes/{id}"),
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
def world(trust, day_centre, clinician):
    w = os_.world(trust, day_centre, clinician)
    w.record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    return w


@pytest.fixture
def headers(world, clinician):
    raw, _ = token_for(clinician)
    return {"Authorization": f"Bearer {raw}"}


def fuzz(operation, mode: GenerationMode, headers: dict, world=None) -> None:
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if world is not None:
            if "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = str(world.record.public_id)
            if "code" in (case.path_parameters or {}):
                case.path_parameters["code"] = "phq9"
            if isinstance(case.query, dict) and "person" in case.query:
                case.query["person"] = str(world.person.public_id)
            if isinstance(case.body, dict) and "person" in case.body:
                case.body["person"] = str(world.person.public_id)
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_valid_requests_get_documented_answers(api_schema, world, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, world)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(
    api_schema, world, headers, method, path
):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
