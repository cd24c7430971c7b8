"""Fuzzing the public self-referral API from its OpenAPI document (DESIGN §10): valid
and invalid requests alike get an answer the document describes — status, content type,
body — and never a 5xx. Bounded and derandomised, as tests/directory/test_api_fuzz.py."""

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from joinedup.referrals import ratelimit
from tests.referrals import self_referral_support as sr

OPERATIONS = [("/api/v1/self-referrals", "POST"), ("/api/v1/self-referrals/{reference}", "GET")]


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
