"""Fuzzing activity's API from its OpenAPI document (DESIGN §10): whatever a client
sends, the answer is one the document describes, and never a 500. As in
tests/people/test_api_fuzz.py; the caller is the day centre's practitioner, and valid
requests name one of its group sessions (or contacts) so that they reach the services."""

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
from tests.activity import activity_support as support
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
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema():
    # Django's WSGI handler closes "old" database connections around each request;
    # inside a test's transaction that would end it, so do as Django's test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


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


def fuzz(operation, mode: GenerationMode, headers: dict, id_: str | None = None) -> None:
    @settings(
        max_examples=15,
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
def test_valid_requests_get_documented_answers(api_schema, w, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.POSITIVE, headers, known_id(w, path))


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, headers, method, path):
    fuzz(api_schema[path][method], GenerationMode.NEGATIVE, headers)
