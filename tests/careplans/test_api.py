"""/api/v1/care-plans: list, read, make, change (409 when stale), agreement, the care
team; problems for bad input, with nothing written."""

import pytest

from joinedup.careplans.models import CarePlan, CarePlanAgreement, CareTeamMember
from joinedup.people.models import CareRelationship
from tests.api_support import bearer, problem_fields, send_json
from tests.careplans import careplan_support as cs

PLANS = "/api/v1/care-plans"


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


def body(w, **extra) -> dict:
    return {
        "person": str(w.person.public_id),
        "what_matters": cs.WHAT_MATTERS,
        "goals": cs.GOALS,
        "crisis_plan": cs.CRISIS,
        "review_date": cs.in_days(60).isoformat(),
        "offers": [
            {"service": str(w.day_centre_service.public_id), "frequency": "Tuesdays"},
            {"service": str(w.cmht.public_id), "frequency": "Fortnightly"},
        ],
        **extra,
    }


def create(client, w, user, **extra):
    return send_json(client, "post", PLANS, body(w, **extra), bearer(user))


def test_making_a_plan_answers_201_with_its_location(client, w, clinician):
    response = create(client, w, clinician)
    assert response.status_code == 201, response.content
    data = response.json()
    assert response["Location"].endswith(f"{PLANS}/{data['id']}")
    assert data["version"] == 1
    assert data["locality"]["name"] == "North"
    assert [o["service"]["name"] for o in data["offers"]] == [
        "Riverside Day Centre",
        "North Community Mental Health Team",
    ]
    assert data["agreed"] is False
    assert [v["number"] for v in data["versions"]] == [1]


def test_the_list_gives_a_persons_plans(client, w, clinician):
    create(client, w, clinician)
    response = client.get(PLANS, {"person": str(w.person.public_id)}, headers=bearer(clinician))
    assert response.status_code == 200
    [plan] = response.json()
    assert plan["owning_organisation"]["name"] == "City NHS Trust"


def test_the_list_needs_a_person(client, clinician):
    response = client.get(PLANS, headers=bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == ["person"]


def test_a_change_is_a_new_version_and_a_stale_one_a_409(client, w, clinician):
    plan_id = create(client, w, clinician).json()["id"]
    url = f"{PLANS}/{plan_id}"
    changed = body(w, goals="Every day", version=1)
    del changed["person"]
    first = send_json(client, "put", url, changed, bearer(clinician))
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 2
    stale = send_json(client, "put", url, {**changed, "goals": "Mine"}, bearer(clinician))
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert "version 2" in stale.json()["detail"]
    assert CarePlan.objects.get().goals == "Every day"


def test_a_version_shows_what_it_changed(client, w, clinician):
    plan_id = create(client, w, clinician).json()["id"]
    changed = {**body(w, goals="Every day", version=1)}
    del changed["person"]
    send_json(client, "put", f"{PLANS}/{plan_id}", changed, bearer(clinician))
    response = client.get(f"{PLANS}/{plan_id}/versions/2", headers=bearer(clinician))
    goals = next(c for c in response.json()["changes"] if c["section"] == "goals")
    assert goals["changed"] is True
    assert {"kind": "insert", "text": "Every day"} in goals["segments"]


def test_verbal_agreement_then_a_new_version_needs_it_again(client, w, clinician):
    plan_id = create(client, w, clinician).json()["id"]
    agreed = send_json(
        client,
        "post",
        f"{PLANS}/{plan_id}/agreements",
        {"version": 1, "note": "Agreed on the phone"},
        bearer(clinician),
    )
    assert agreed.status_code == 201
    assert agreed.json()["agreement"]["how"] == "verbal"
    changed = body(w, goals="Every day", version=1)
    del changed["person"]
    after = send_json(client, "put", f"{PLANS}/{plan_id}", changed, bearer(clinician)).json()
    assert after["agreed"] is False and after["agreement"] is None
    assert after["versions"][1]["agreement"]["note"] == "Agreed on the phone"


def test_the_care_team_is_added_to_and_taken_from(client, w, clinician, day_centre):
    plan_id = create(client, w, clinician).json()["id"]
    added = send_json(
        client,
        "post",
        f"{PLANS}/{plan_id}/care-team",
        {
            "organisation": str(day_centre.public_id),
            "worker": w.worker.username,
            "role": "Support worker",
            "single_point_of_contact": True,
            "version": 1,
        },
        bearer(clinician),
    )
    assert added.status_code == 201, added.content
    [member] = added.json()["care_team"]
    assert member["single_point_of_contact"] is True
    assert CareRelationship.objects.filter(organisation=day_centre, kind="care_team").exists()
    removed = client.delete(
        f"{PLANS}/{plan_id}/care-team/{member['id']}?version=2", headers=bearer(clinician)
    )
    assert removed.status_code == 200
    assert removed.json()["care_team"] == []
    assert not CareRelationship.objects.filter(
        organisation=day_centre, kind="care_team", until__isnull=True
    ).exists()


def test_a_coordinator_who_breaks_the_rule_is_a_422_naming_the_field(client, w, clinician):
    response = create(
        client,
        w,
        clinician,
        care_coordinator={
            "username": w.worker.username,
            "organisation": str(w.worker.acting_membership.organisation.public_id),
        },
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["care_coordinator"]
    assert "not a statutory organisation" in response.json()["errors"][0]["message"]
    assert not CarePlan.objects.exists()


def test_a_voluntary_coordinator_added_to_the_team_is_refused_by_default(
    client, w, clinician, day_centre
):
    plan_id = create(client, w, clinician).json()["id"]
    response = send_json(
        client,
        "post",
        f"{PLANS}/{plan_id}/care-team",
        {
            "organisation": str(day_centre.public_id),
            "worker": w.worker.username,
            "role": "Key worker",
            "care_coordinator": True,
        },
        bearer(clinician),
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["care_coordinator"]
    assert not CareTeamMember.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"offers": [{"service": "5d8e4a43-5e9f-4a63-8a1b-1c0c4c0c4c0c"}]}, "offers.0.service"),
        ({"review_date": cs.in_days(-1).isoformat()}, "review_date"),
        ({"goals": "x" * 10_001}, "goals"),
        ({"what_matters": "nul\u0000"}, "what_matters"),
        ({"review_date": "tomorrow"}, "review_date"),
        ({"offers": [{"service": "x"}]}, "offers.0.service"),
    ],
    ids=["unknown-service", "past-review", "oversize", "nul", "not-a-date", "bad-id"],
)
def test_bad_input_is_a_422_naming_the_field_with_nothing_written(
    client, w, clinician, change, field
):
    response = create(client, w, clinician, **change)
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert not CarePlan.objects.exists()


def test_a_second_plan_by_the_same_organisation_is_a_409(client, w, clinician):
    create(client, w, clinician)
    assert create(client, w, clinician).status_code == 409


def test_agreement_to_an_old_version_is_a_409(client, w, clinician):
    plan_id = create(client, w, clinician).json()["id"]
    changed = body(w, goals="Every day", version=1)
    del changed["person"]
    send_json(client, "put", f"{PLANS}/{plan_id}", changed, bearer(clinician))
    response = send_json(
        client,
        "post",
        f"{PLANS}/{plan_id}/agreements",
        {"version": 1, "note": "Agreed"},
        bearer(clinician),
    )
    assert response.status_code == 409
    assert not CarePlanAgreement.objects.exists()


def test_a_person_not_visible_is_a_404(client, w, outsider):
    response = create(client, w, outsider)
    assert response.status_code == 404


def test_without_a_token_it_is_a_401(client):
    assert client.get(PLANS).status_code == 401
