"""The IG lead's API: /audit, /governance/break-glass and its review."""

import pytest

from joinedup.access.models import ReviewOutcome
from joinedup.audit.services import audit_record
from tests import api_support as api
from tests import factories as f
from tests.governance import governance_support as gs

AUDIT = "/api/v1/audit"
QUEUE = "/api/v1/governance/break-glass"


def review(access) -> str:
    return f"{QUEUE}/{access.public_id}/review"


@pytest.fixture
def access(clinician):
    return gs.break_glass(clinician, gs.person(f.OrganisationFactory(slug="far")))


def test_audit_lists_the_organisations_events(client, ig_lead, clinician, trust):
    someone = gs.person(trust)
    audit_record(
        actor=clinician,
        action="view",
        obj=someone,
        person_public_id=someone.public_id,
        basis="own_organisation",
    )
    response = client.get(AUDIT, {"action": "view"}, headers=api.bearer(ig_lead))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["person_public_id"] == str(someone.public_id)
    assert body["results"][0]["actor_username"] == clinician.username


def test_audit_is_refused_to_a_clinician(client, clinician):
    response = client.get(AUDIT, headers=api.bearer(clinician))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "information governance lead" in response.json()["detail"]


def test_audit_needs_a_token(client):
    assert client.get(AUDIT).status_code == 401


def test_a_bad_date_is_a_422_problem(client, ig_lead):
    response = client.get(AUDIT, {"date_from": "31/02/2026"}, headers=api.bearer(ig_lead))
    assert response.status_code == 422
    assert "date_from" in " ".join(api.problem_fields(response))


def test_dates_out_of_order_are_a_422(client, ig_lead):
    response = client.get(
        AUDIT, {"date_from": "2026-03-02", "date_to": "2026-03-01"}, headers=api.bearer(ig_lead)
    )
    assert response.status_code == 422


def test_the_queue_lists_pending_accesses(client, ig_lead, access):
    response = client.get(QUEUE, {"status": "pending"}, headers=api.bearer(ig_lead))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(access.public_id)]
    assert results[0]["reason"] == gs.REASON


def test_the_queue_filters_out_other_statuses(client, ig_lead, access):
    response = client.get(QUEUE, {"status": "concern"}, headers=api.bearer(ig_lead))
    assert response.json()["count"] == 0


def test_the_queue_is_refused_to_a_clinician(client, clinician):
    assert client.get(QUEUE, headers=api.bearer(clinician)).status_code == 403


def test_reviewing_through_the_api(client, ig_lead, access):
    response = api.send_json(
        client,
        "POST",
        review(access),
        {"outcome": "concern", "note": "Not on shift"},
        api.bearer(ig_lead),
    )
    assert response.status_code == 200
    assert response.json()["outcome"] == "concern"
    access.refresh_from_db()
    assert access.outcome == ReviewOutcome.CONCERN


def test_a_concern_without_a_note_is_a_problem_naming_the_note(client, ig_lead, access):
    response = api.send_json(
        client, "POST", review(access), {"outcome": "concern"}, api.bearer(ig_lead)
    )
    assert response.status_code == 422
    assert "note" in api.problem_fields(response)


def test_reviewing_twice_is_a_409(client, ig_lead, access):
    headers = api.bearer(ig_lead)
    api.send_json(client, "POST", review(access), {"outcome": "reviewed"}, headers)
    response = api.send_json(client, "POST", review(access), {"outcome": "reviewed"}, headers)
    assert response.status_code == 409


def test_another_organisations_access_is_404(client, other_ig_lead, access):
    response = api.send_json(
        client, "POST", review(access), {"outcome": "reviewed"}, api.bearer(other_ig_lead)
    )
    assert response.status_code == 404


def test_a_malformed_id_is_404(client, ig_lead):
    response = api.send_json(
        client, "POST", f"{QUEUE}/nope/review", {"outcome": "reviewed"}, api.bearer(ig_lead)
    )
    assert response.status_code == 404


def test_an_unknown_outcome_is_a_422(client, ig_lead, access):
    response = api.send_json(
        client, "POST", review(access), {"outcome": "fine"}, api.bearer(ig_lead)
    )
    assert response.status_code == 422
