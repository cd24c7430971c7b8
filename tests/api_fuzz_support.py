"""Fuzzing the API from its OpenAPI document (DESIGN §10), as every app's
`test_api_fuzz.py` does it: in-process through the WSGI application, bounded and
derandomised; whatever a client sends, the answer is one the document describes, and
never a 500. The document itself is the `api_schema` fixture (tests/conftest.py)."""

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(
    operation,
    mode: GenerationMode,
    headers: dict | None = None,
    *,
    path: dict[str, str] | None = None,
    fill: Callable | None = None,
    max_examples: int = 15,
) -> None:
    """Call `operation` with up to `max_examples` generated requests of `mode`, each
    checked against the document. `path` names path parameters to set to things that
    exist (so valid requests reach the services); `fill(case)` changes anything else."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for name, value in (path or {}).items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        if fill is not None:
            fill(case)
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
