"""The OpenAPI document describes every operation of the shared record's API, its
bearer token and the problems each can answer."""

import pytest

OPENAPI = "/api/v1/openapi.json"

OPERATIONS = {
    ("get", "/api/v1/people"),
    ("post", "/api/v1/people"),
    ("get", "/api/v1/people/{id}"),
    ("patch", "/api/v1/people/{id}"),
    ("get", "/api/v1/people/{id}/entries"),
    ("post", "/api/v1/people/{id}/entries"),
    ("get", "/api/v1/entries/{id}"),
    ("post", "/api/v1/entries/{id}/corrections"),
    ("get", "/api/v1/people/{id}/consents"),
    ("post", "/api/v1/people/{id}/consents"),
    ("post", "/api/v1/people/{id}/consents/{decision_id}/withdraw"),
    ("post", "/api/v1/break-glass"),
    ("post", "/api/v1/people/{id}/break-glass"),
    ("get", "/api/v1/people/{id}/break-glass"),
}
WRITES = {op for op in OPERATIONS if op[0] != "get"}
WITH_ID = {op for op in OPERATIONS if "{" in op[1]} | {("post", "/api/v1/break-glass")}
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get(OPENAPI).json()


def operation(document, method, path):
    return document["paths"][path][method]


def test_the_document_lists_every_operation_of_the_shared_record(document):
    listed = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert listed >= OPERATIONS


def test_each_operation_has_a_distinct_readable_id(document):
    ids = {operation(document, *op)["operationId"] for op in OPERATIONS}
    assert len(ids) == len(OPERATIONS)
    assert {"person_list", "entry_list", "consent_withdraw", "break_glass_list"} <= ids


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_every_operation_needs_the_bearer_token(document, method, path):
    assert operation(document, method, path)["security"] == [{"BearerAuth": []}]


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_every_operation_documents_a_refused_token_and_bad_input_as_problems(
    document, method, path
):
    responses = operation(document, method, path)["responses"]
    for status in ("401", "422"):
        assert responses[status]["content"]["application/problem+json"]["schema"] == PROBLEM


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_writes_document_a_refusal_by_the_policy(document, method, path):
    assert "403" in operation(document, method, path)["responses"]


@pytest.mark.parametrize(("method", "path"), sorted(WITH_ID))
def test_operations_naming_a_person_or_entry_document_not_found(document, method, path):
    responses = operation(document, method, path)["responses"]
    assert responses["404"]["content"]["application/problem+json"]["schema"] == PROBLEM


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/v1/people"), ("post", "/api/v1/entries/{id}/corrections")],
)
def test_a_conflict_is_documented_where_one_can_happen(document, method, path):
    assert "409" in operation(document, method, path)["responses"]


def test_the_break_glass_list_documents_that_it_is_for_clinicians(document):
    assert "403" in operation(document, "get", "/api/v1/people/{id}/break-glass")["responses"]


def test_ids_in_paths_are_documented_as_uuids(document):
    parameters = operation(document, "post", "/api/v1/people/{id}/consents/{decision_id}/withdraw")[
        "parameters"
    ]
    assert {p["name"]: p["schema"].get("format") for p in parameters} == {
        "id": "uuid",
        "decision_id": "uuid",
    }


def test_the_people_list_documents_its_parameters(document):
    parameters = {p["name"] for p in operation(document, "get", "/api/v1/people")["parameters"]}
    assert parameters == {"q", "page", "page_size"}


def test_adding_a_person_documents_its_body_and_refuses_other_fields(document):
    body = operation(document, "post", "/api/v1/people")["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"nhs_number", "given_name", "family_name", "confirm_same_person"} <= schema[
        "properties"
    ].keys()
    assert schema["additionalProperties"] is False
    assert "created_by_organisation" not in schema["properties"]


def test_an_entry_documents_the_longest_text_allowed(document):
    schema = document["components"]["schemas"]["EntryCreate"]
    assert schema["properties"]["text"]["maxLength"] == 20_000


def test_a_person_shows_contact_and_demographics_as_groups_that_may_be_null(document):
    properties = document["components"]["schemas"]["PersonSummary"]["properties"]
    assert {"contact", "demographics", "basis"} <= properties.keys()
    assert {"type": "null"} in properties["demographics"]["anyOf"]
