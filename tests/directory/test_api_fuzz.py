"""Fuzzing the directory's public reads from the OpenAPI document (DESIGN §10).

schemathesis generates requests from the document, valid ones and invalid ones, sends
them through Django's WSGI application in-process (no network) and checks that none
gets a 5xx and every answer is one the document describes: status, content type and
body schema. Bounded and derandomised so the suite stays fast and a failure repeats.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests import factories as f
from tests.api_support import term

PUBLIC_READS = [
    "/api/v1/services",
    "/api/v1/services/{id}",
    "/api/v1/organisations",
    "/api/v1/organisations/{slug}",
    "/api/v1/localities",
    "/api/v1/localities/{slug}",
    "/api/v1/taxonomy-terms",
]


# Every operation but the taxonomy takes something a client can get wrong.
WITH_PARAMETERS = [path for path in PUBLIC_READS if path != "/api/v1/taxonomy-terms"]


@pytest.fixture
def directory(befriending, trust):
    f.ServiceFactory(
        organisation=trust,
        name="Crisis team",
        minimum_age=18,
        waiting_time_days=0,
        taxonomy_terms=[term("crisis"), term("connect")],
        localities=befriending.localities.all(),
    )


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
        case.call_and_validate()

    run()


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_valid_requests_get_documented_answers(api_schema, directory, path):
    fuzz(api_schema[path]["GET"], GenerationMode.POSITIVE)


@pytest.mark.parametrize("path", WITH_PARAMETERS)
def test_invalid_requests_get_documented_problems_never_a_500(api_schema, directory, path):
    fuzz(api_schema[path]["GET"], GenerationMode.NEGATIVE)
