"""The OpenAPI document describes the IG lead's operations and the problems they answer."""

import pytest

OPENAPI = "/api/v1/openapi.json"
OPERATIONS = [
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/governance/break-glass"),
    ("post", "/api/v1/governance/break-glass/{id}/review"),
]


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get(OPENAPI).json()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_each_operation_is_documented_with_a_bearer_token(document, method, path):
    operation = document["paths"][path][method]
    assert operation["security"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_each_operation_documents_the_refusal_problem(document, method, path):
    operation = document["paths"][path][method]
    assert {"401", "403", "422"} <= set(operation["responses"])
