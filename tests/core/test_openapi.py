"""The OpenAPI document at /api/v1/openapi.json describes every operation of the API."""

import pytest

OPENAPI = "/api/v1/openapi.json"

OPERATIONS = {
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/services"),
    ("post", "/api/v1/services"),
    ("get", "/api/v1/services/{id}"),
    ("patch", "/api/v1/services/{id}"),
    ("get", "/api/v1/organisations"),
    ("get", "/api/v1/organisations/{slug}"),
    ("patch", "/api/v1/organisations/{slug}"),
    ("get", "/api/v1/localities"),
    ("get", "/api/v1/localities/{slug}"),
    ("get", "/api/v1/taxonomy-terms"),
}
WRITES = {op for op in OPERATIONS if op[0] != "get" and op[1] != "/api/v1/auth/token"}
READS = {op for op in OPERATIONS if op[0] == "get"}
WITH_ID = {op for op in OPERATIONS if "{" in op[1]}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get(OPENAPI).json()


def operation(document, method, path):
    return document["paths"][path][method]


def test_the_document_is_served_as_openapi_3(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_document_lists_every_directory_operation(document):
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed >= OPERATIONS


def test_every_operation_has_a_distinct_readable_id(document):
    ids = [operation(document, *op)["operationId"] for op in OPERATIONS]
    assert len(set(ids)) == len(ids)
    assert "service_list" in ids


def test_the_bearer_scheme_is_described(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerAuth"] == {"type": "http", "scheme": "bearer"}


def test_optional_bearer_is_not_described_as_a_scheme_of_its_own(document):
    assert "OptionalBearerAuth" not in document["components"]["securitySchemes"]


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_writes_require_the_bearer_token(document, method, path):
    assert operation(document, method, path)["security"] == [{"BearerAuth": []}]


@pytest.mark.parametrize(("method", "path"), sorted(READS))
def test_reads_take_an_optional_bearer_token(document, method, path):
    assert operation(document, method, path)["security"] == [{}, {"BearerAuth": []}]


@pytest.mark.parametrize(("method", "path"), sorted(READS | WRITES))
def test_a_refused_token_is_documented_as_a_problem(document, method, path):
    response = operation(document, method, path)["responses"]["401"]
    assert response["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"
    }


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_writes_document_refusal_and_invalid_data(document, method, path):
    assert {"403", "422"} <= operation(document, method, path)["responses"].keys()


@pytest.mark.parametrize(("method", "path"), sorted(WITH_ID))
def test_operations_on_one_thing_document_not_found(document, method, path):
    assert "404" in operation(document, method, path)["responses"]


def test_the_search_documents_its_filters(document):
    parameters = {p["name"] for p in operation(document, "get", "/api/v1/services")["parameters"]}
    assert parameters >= {
        "q",
        "locality",
        "need",
        "self_referral",
        "accepting",
        "age",
        "max_wait",
        "organisation",
        "page",
        "page_size",
        "facets",
    }


def test_changing_a_service_documents_its_body(document):
    body = operation(document, "patch", "/api/v1/services/{id}")["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    fields = document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert {"name", "localities", "needs", "schedules", "maximum_age"} <= fields.keys()


def test_the_problem_shape_names_fields(document):
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= problem["properties"].keys()
