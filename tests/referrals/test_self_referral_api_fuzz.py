"""Fuzzing the public self-referral API from its OpenAPI document (DESIGN §10): valid
and invalid requests alike get an answer the document describes — status, content type,
body — and never a 5xx. Bounded and derandomised, as tests/directory/test_api_fuzz.py."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from joinedup.referrals import ratelimit
from joinedup.wsgi import application
from tests.referrals import self_referral_support as sr

OPERATIONS = [("/api/v1/self-referrals", "POST"), ("/api/v1/self-referrals/{reference}", "GET")]


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


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    sr.clear_limits()
    sr.limits(
        settings,
        **{ratelimit.SUBMIT: (10_000, 3600), ratelimit.STATUS: (10_000, 3600),
           ratelimit.REFERENCE: (10_000, 3600)},
    )  # fmt: skip
    yield
    sr.clear_limits()


def fuzz(operation, mode: GenerationMode) -> None:
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        # A schema-valid body may still be refused by the service's own rules (a service
        # that does not exist, consent not given): a 422 naming the field is the answer.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    run()


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_self_referral_requests_get_documented_answers_never_a_500(
    api_schema, befriending, path, method, mode
):
    fuzz(api_schema[path][method], mode)
