"""A person's consent decisions through the API: listing, recording and withdrawing."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.people.models import Consent
from tests.access import record_support as rs
from tests.api_support import bearer, problem_fields, send_json
from tests.people import api_record_support as ars
from tests.people import people_support as ps

CONSENT_NOT_FOUND = ars.CONSENT_NOT_FOUND


def consents_url(person) -> str:
    return f"/api/v1/people/{person.public_id}/consents"


def withdraw_url(person, decision_id) -> str:
    return f"{consents_url(person)}/{decision_id}/withdraw"


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician, consent_required=True)


@pytest.fixture
def decision(world):
    return {
        "partnership": world.partnership.slug,
        "categories": ["contact", "care_plan"],
        "state": "explicit",
        "how_given": "in_person",
        "note": "Asked at the first visit",
    }


def record(client, user, world, body):
    return send_json(client, "post", consents_url(world.person), body, bearer(user))


# --- recording


def test_a_decision_is_recorded_for_its_categories_in_one_scope(client, clinician, world, decision):
    response = record(client, clinician, world, decision)
    assert response.status_code == 201
    body = response.json()
    assert body["partnership"]["slug"] == world.partnership.slug
    assert body["organisation"] is None
    assert (body["categories"], body["in_force"]) == (
        ["care_plan", "contact"],
        ["care_plan", "contact"],
    )
    assert (body["state"], body["how_given"], body["withdrawn_at"]) == (
        "explicit",
        "in_person",
        None,
    )
    assert Consent.objects.filter(decision_id=body["id"]).count() == 2
    assert AuditEvent.objects.filter(action="consent").exists()


def test_a_decision_may_be_for_one_partner_organisation(
    client, clinician, world, decision, day_centre
):
    body = {**decision, "partnership": None, "organisation": day_centre.slug, "state": "objection"}
    response = record(client, clinician, world, body)
    assert response.status_code == 201
    assert response.json()["organisation"]["slug"] == day_centre.slug


def test_a_new_decision_replaces_the_one_in_force_for_the_same_category(
    client, clinician, world, decision
):
    first = record(client, clinician, world, decision).json()
    record(client, clinician, world, {**decision, "categories": ["contact"], "state": "objection"})
    listed = client.get(consents_url(world.person), headers=bearer(clinician)).json()["results"]
    older = next(d for d in listed if d["id"] == first["id"])
    assert older["in_force"] == ["care_plan"]
    assert older["withdrawn_at"] is None


def test_a_volunteer_may_not_record_a_decision(client, volunteer, world, decision):
    response = record(client, volunteer, world, decision)
    assert response.status_code == 403
    assert "volunteer" in response.json()["detail"]
    assert not Consent.objects.exists()


def test_recording_for_a_person_one_may_not_see_is_the_same_404(client, outsider, world, decision):
    response = record(client, outsider, world, decision)
    assert response.status_code == 404
    assert response.json() == ars.PERSON_NOT_FOUND
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"partnership": None}, ["partnership", "organisation"]),
        ({"organisation": "riverside-mind"}, ["partnership", "organisation"]),
        ({"partnership": "no-such-partnership"}, ["partnership"]),
        ({"partnership": "not a slug"}, ["partnership"]),
        ({"partnership": None, "organisation": "elsewhere"}, ["organisation"]),
        ({"categories": []}, ["categories"]),
        ({"categories": ["gossip"]}, ["categories.0"]),
        ({"state": "maybe"}, ["state"]),
        ({"how_given": "telepathy"}, ["how_given"]),
        ({"expires_at": "2099-01-01T00:00:00"}, ["expires_at"]),
        ({"expires_at": "2020-01-01T00:00:00Z"}, ["expires_at"]),
        ({"expires_at": "soon"}, ["expires_at"]),
        ({"expires_at": "9999-12-31T23:00:00-05:00"}, ["expires_at"]),
        ({"state": "override", "note": ""}, ["note"]),
        ({"note": "x" * 251}, ["note"]),
        ({"recorded_by": 1}, ["recorded_by"]),
        ({"person": str(uuid.uuid4())}, ["person"]),
    ],
)
def test_a_bad_decision_is_a_422_naming_the_field_and_nothing_is_written(
    client, clinician, outsider, world, decision, change, fields
):
    events = AuditEvent.objects.count()
    response = record(client, clinician, world, {**decision, **change})
    assert response.status_code == 422
    assert problem_fields(response) == fields
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_partnership_the_recorder_is_not_a_member_of_is_refused(
    client, clinician, world, decision, outsider
):
    theirs = rs.partnership(outsider.acting_membership.organisation)
    response = record(client, clinician, world, {**decision, "partnership": theirs.slug})
    assert response.status_code == 422
    assert problem_fields(response) == ["partnership"]


def test_an_expiry_with_a_time_zone_is_kept(client, clinician, world, decision):
    expires = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    body = record(client, clinician, world, {**decision, "expires_at": expires.isoformat()}).json()
    assert dt.datetime.fromisoformat(body["expires_at"]) == expires


# --- listing


def test_the_decisions_are_listed_newest_first_with_who_recorded_them(
    client, clinician, world, decision
):
    first = record(client, clinician, world, decision).json()
    second = record(
        client,
        clinician,
        world,
        {**decision, "partnership": None, "organisation": "riverside-mind"},
    ).json()
    body = client.get(consents_url(world.person), headers=bearer(clinician)).json()
    assert [d["id"] for d in body["results"]] == [second["id"], first["id"]]
    assert body["results"][0]["recorded_by"] == clinician.get_full_name()
    assert body["count"] == 2


def test_a_partner_volunteer_may_see_the_decisions(client, clinician, volunteer, world, decision):
    record(client, clinician, world, decision)
    response = client.get(consents_url(world.person), headers=bearer(volunteer))
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_reading_the_decisions_is_audited(client, clinician, world, decision):
    made = record(client, clinician, world, decision).json()
    client.get(consents_url(world.person), headers=bearer(clinician))
    event = AuditEvent.objects.get(action="view")
    assert event.detail["consents"] == [made["id"]]


def test_the_decisions_of_a_person_one_may_not_see_are_the_same_404(client, outsider, world):
    response = client.get(consents_url(world.person), headers=bearer(outsider))
    assert response.status_code == 404


# --- withdrawing


def test_a_withdrawn_decision_holds_for_nothing(client, clinician, world, decision):
    made = record(client, clinician, world, decision).json()
    response = send_json(
        client, "post", withdraw_url(world.person, made["id"]), {}, bearer(clinician)
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["in_force"], body["categories"]) == ([], ["care_plan", "contact"])
    assert body["withdrawn_at"] is not None
    assert AuditEvent.objects.filter(action="consent_withdraw").exists()


def test_withdrawing_twice_is_a_404(client, clinician, world, decision):
    made = record(client, clinician, world, decision).json()
    send_json(client, "post", withdraw_url(world.person, made["id"]), {}, bearer(clinician))
    response = send_json(
        client, "post", withdraw_url(world.person, made["id"]), {}, bearer(clinician)
    )
    assert response.status_code == 404
    assert response.json() == CONSENT_NOT_FOUND


@pytest.mark.parametrize("how", ["another_persons", "unknown", "malformed"])
def test_a_decision_that_is_not_this_persons_is_the_same_404(
    client, clinician, trust, world, decision, how
):
    (other,) = ps.people_on_caseload(trust, 1)
    others = send_json(client, "post", consents_url(other), decision, bearer(clinician)).json()
    decision_id = {
        "another_persons": others["id"],
        "unknown": str(uuid.uuid4()),
        "malformed": "not-a-uuid",
    }[how]
    response = send_json(
        client, "post", withdraw_url(world.person, decision_id), {}, bearer(clinician)
    )
    assert response.status_code == 404
    assert response.json() == CONSENT_NOT_FOUND
    assert Consent.objects.active_at(timezone.now()).count() == 2


def test_a_volunteer_may_not_withdraw_a_decision(client, clinician, volunteer, world, decision):
    made = record(client, clinician, world, decision).json()
    response = send_json(
        client, "post", withdraw_url(world.person, made["id"]), {}, bearer(volunteer)
    )
    assert response.status_code == 403
    assert Consent.objects.active_at(timezone.now()).count() == 2
