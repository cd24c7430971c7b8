"""The referrals JSON API: make, read, move along, worklist; errors as problems."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.referrals.models import Referral, Status
from tests.api_support import bearer, send_json
from tests.referrals import referral_support as rs

REFERRALS = "/api/v1/referrals"


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def body(w, **extra) -> dict:
    return {
        "person": str(w.person.public_id),
        "service": str(w.befriending.public_id),
        "reason": rs.REASON,
        "consent_to_share": True,
        "needs": [t.code for t in w.befriending.taxonomy_terms.all()],
        **extra,
    }


def create(client, w, clinician, headers=None, **extra):
    return send_json(
        client, "post", REFERRALS, body(w, **extra), {**bearer(clinician), **(headers or {})}
    )


def test_making_a_referral_answers_201_with_its_location_and_next_step(client, w, clinician):
    response = create(client, w, clinician)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "submitted"
    assert data["next_step"].startswith("The service acknowledges it by")
    assert data["needs"] == ["loneliness"]
    assert response["Location"].endswith(f"{REFERRALS}/{data['id']}")


def test_a_retry_with_the_same_idempotency_key_returns_the_same_referral(client, w, clinician):
    key = {"Idempotency-Key": "retry-7"}
    first = create(client, w, clinician, headers=key)
    again = create(client, w, clinician, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"consent_to_share": False}, "consent_to_share"),
        ({"urgency": "whenever"}, "urgency"),
        ({"needs": ["not-a-term"]}, "needs"),
        ({"reason": "x" * 10_001}, "reason"),
    ],
    ids=["no-reason", "no-consent", "bad-urgency", "unknown-need", "oversized"],
)
def test_bad_bodies_are_422_naming_the_field_and_write_nothing(client, w, clinician, change, field):
    response = create(client, w, clinician, **change)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()
    assert not Referral.objects.exists()


def test_an_unknown_service_or_person_is_404(client, w, clinician):
    assert create(client, w, clinician, service=str(uuid.UUID(int=1))).status_code == 404
    assert create(client, w, clinician, person=str(uuid.UUID(int=2))).status_code == 404


def test_transitions_move_it_and_a_stale_version_is_409(client, w, clinician):
    referral = rs.refer(w, clinician)
    url = f"{REFERRALS}/{referral.public_id}/transitions"
    moved = send_json(
        client, "post", url, {"action": "acknowledge", "version": 2}, bearer(w.receiver)
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "acknowledged"
    stale = send_json(client, "post", url, {"action": "accept", "version": 2}, bearer(w.receiver))
    assert stale.status_code == 409
    assert "changed this referral a moment ago" in stale.json()["detail"]


def test_the_wrong_side_is_403_with_the_reason(client, w, clinician):
    referral = rs.refer(w, clinician)
    url = f"{REFERRALS}/{referral.public_id}/transitions"
    response = send_json(
        client, "post", url, {"action": "acknowledge", "version": 2}, bearer(clinician)
    )
    assert response.status_code == 403
    assert "the team the referral was sent to" in response.json()["detail"]


def test_an_unknown_action_is_422(client, w, clinician):
    referral = rs.refer(w, clinician)
    url = f"{REFERRALS}/{referral.public_id}/transitions"
    response = send_json(
        client, "post", url, {"action": "teleport", "version": 2}, bearer(w.receiver)
    )
    assert response.status_code == 422


def test_another_organisations_referral_is_404_like_none(client, w, clinician, outsider):
    referral = rs.refer(w, clinician)
    response = client.get(f"{REFERRALS}/{referral.public_id}", headers=bearer(outsider))
    assert response.status_code == 404
    assert client.get(f"{REFERRALS}/not-a-uuid", headers=bearer(outsider)).status_code == 404


def test_the_worklist_pages_with_a_cursor(client, w, clinician):
    for _ in range(3):
        rs.refer(w, clinician)
    headers = bearer(w.receiver)
    first = client.get("/api/v1/worklist", {"size": 2}, headers=headers).json()
    assert first["counts"] == {"total": 3, "new": 3, "limbo": 0, "bouncing": 0}
    second = client.get(
        "/api/v1/worklist", {"size": 2, "after": first["next"]}, headers=headers
    ).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 3
    assert second["next"] is None


def test_the_worklist_issues_the_same_number_of_queries_at_two_sizes(client, w, clinician):
    headers = bearer(w.receiver)
    rs.refer(w, clinician)
    client.get("/api/v1/worklist", headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/worklist", headers=headers)
    for _ in range(12):
        rs.refer(w, clinician)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/worklist", headers=headers).json()["results"]) == 13
    assert len(many) == len(few)


def test_a_persons_referrals_are_listed_for_those_who_may_see_them(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = client.get(REFERRALS, {"person": str(w.person.public_id)}, headers=bearer(clinician))
    assert [r["reference"] for r in response.json()] == [referral.reference]
    assert Status(response.json()[0]["status"]) == Status.SUBMITTED


@pytest.mark.parametrize("sort", ["urgency", "oldest", "newest"])
def test_every_sort_pages_through_every_referral_once_in_its_order(client, w, clinician, sort):
    for urgency in ["routine", "urgent", "soon", "routine", "urgent"]:
        rs.refer(w, clinician, urgency=urgency)
    headers, seen, after = bearer(w.receiver), [], None
    while True:
        query = {"size": 2, "sort": sort, **({"after": after} if after else {})}
        page = client.get("/api/v1/worklist", query, headers=headers).json()
        seen += page["results"]
        after = page["next"]
        if not after:
            break
    assert len({r["id"] for r in seen}) == len(seen) == 5
    times = [r["submitted_at"] for r in seen]
    if sort == "urgency":
        order = {"urgent": 0, "soon": 1, "routine": 2}
        assert [order[r["urgency"]] for r in seen] == sorted(order[r["urgency"]] for r in seen)
    else:
        assert times == sorted(times, reverse=sort == "newest")


def test_a_cursor_of_another_sort_starts_again_from_the_top(client, w, clinician):
    for _ in range(3):
        rs.refer(w, clinician)
    headers = bearer(w.receiver)
    first = client.get("/api/v1/worklist", {"size": 1}, headers=headers).json()
    other = client.get(
        "/api/v1/worklist", {"size": 1, "sort": "newest", "after": first["next"]}, headers=headers
    ).json()
    newest = client.get("/api/v1/worklist", {"size": 1, "sort": "newest"}, headers=headers).json()
    assert other["results"] == newest["results"]
