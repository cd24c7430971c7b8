"""Activity in the JSON API: /api/v1/contacts and /api/v1/group-sessions, with the same
policy and audit as the pages; bad input is a 4xx problem naming the field, writing
nothing."""

import pytest

from joinedup.activity.models import Contact, GroupSession
from tests import factories as f
from tests.access import record_support as rs
from tests.activity import activity_support as support
from tests.api_support import bearer, problem_fields, send_json
from tests.people import people_support as ps

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts"
SESSIONS = "/api/v1/group-sessions"


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=3)


def contact_body(w, **extra) -> dict:
    return {
        "person": str(w.people[0].public_id),
        "service": str(w.day_centre_service.public_id),
        "kind": "befriending",
        "starts_at": support.days_ago(1).isoformat(),
        "duration_minutes": 90,
        "attendance": "attended",
        "note": "Walked to the park",
        **extra,
    }


def test_recording_a_contact_answers_201_with_it(client, w):
    response = send_json(client, "POST", CONTACTS, contact_body(w), bearer(w.worker))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "befriending"
    assert body["organisation"]["name"] == "Riverside Mind"
    assert response["Location"].endswith(f"{CONTACTS}/{body['id']}")
    again = client.get(f"{CONTACTS}/{body['id']}", headers=bearer(w.volunteer))
    assert again.status_code == 200


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "seance"}, "kind"),
        ({"attendance": "came_late"}, "attendance"),
        ({"duration_minutes": -10}, "duration_minutes"),
        ({"duration_minutes": 100000}, "duration_minutes"),
        ({"note": "x" * 300}, "note"),
        ({"starts_at": "yesterday"}, "starts_at"),
    ],
    ids=["unknown-kind", "attendance", "negative-duration", "huge-duration", "note", "when"],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, w, extra, field):
    response = send_json(client, "POST", CONTACTS, contact_body(w, **extra), bearer(w.worker))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in problem_fields(response)
    assert not Contact.objects.exists()


def test_a_service_of_another_organisation_is_a_422_naming_the_service(client, w):
    body = contact_body(w, service=str(w.clinic.public_id))
    response = send_json(client, "POST", CONTACTS, body, bearer(w.worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["service"]
    assert not Contact.objects.exists()


def test_a_person_the_team_cannot_see_is_a_404(client, w, trust):
    stranger = rs.person(trust)
    body = contact_body(w, person=str(stranger.public_id))
    response = send_json(client, "POST", CONTACTS, body, bearer(w.worker))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_role_that_does_not_record_activity_is_a_403(client, w, day_centre):
    coordinator = f.member(day_centre, "referral_coordinator")
    response = send_json(client, "POST", CONTACTS, contact_body(w), bearer(coordinator))
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_contact_hidden_from_the_caller_is_a_404_like_none_at_all(client, w, outsider):
    [contact] = support.contacts(w.people[0], w.day_centre, w.worker)
    hidden = client.get(f"{CONTACTS}/{contact.public_id}", headers=bearer(outsider))
    missing = client.get(f"{CONTACTS}/{w.people[0].public_id}", headers=bearer(outsider))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]


def test_the_list_of_a_persons_contacts_filters_by_date_and_service(client, w, trust):
    person = w.people[0]
    support.contacts(person, w.day_centre, w.worker, starts_at=support.days_ago(40))
    support.contacts(person, w.day_centre, w.worker, service=w.day_centre_service)
    support.contacts(person, trust, w.clinician, kind="phone")
    headers = bearer(w.worker)
    everything = client.get(CONTACTS, {"person": str(person.public_id)}, headers=headers).json()
    assert len(everything["results"]) == 3
    recent = client.get(
        CONTACTS,
        {"person": str(person.public_id), "from": str(support.days_ago(7).date())},
        headers=headers,
    ).json()
    assert len(recent["results"]) == 2
    own_service = client.get(
        CONTACTS,
        {"person": str(person.public_id), "service": str(w.day_centre_service.public_id)},
        headers=headers,
    ).json()
    assert len(own_service["results"]) == 1


def test_the_list_pages_by_keyset_without_repeats(client, w):
    support.contacts(w.people[0], w.day_centre, w.worker, n=5)
    headers = bearer(w.worker)
    seen, after = [], None
    while True:
        params = {"size": 2, **({"after": after} if after else {})}
        page = client.get(CONTACTS, params, headers=headers).json()
        seen += [c["id"] for c in page["results"]]
        after = page["next"]
        if not after:
            break
    assert len(seen) == len(set(seen)) == 5


def test_without_a_person_the_list_is_the_callers_organisations(client, w, trust):
    support.contacts(w.people[0], w.day_centre, w.worker)
    support.contacts(w.people[0], trust, w.clinician)
    page = client.get(CONTACTS, headers=bearer(w.worker)).json()
    assert [c["organisation"]["name"] for c in page["results"]] == ["Riverside Mind"]


def test_a_reversed_period_is_a_422(client, w):
    response = client.get(
        CONTACTS, {"from": "2025-03-10", "to": "2025-03-01"}, headers=bearer(w.worker)
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["to"]


@pytest.mark.parametrize("size", [1, 20])
def test_the_list_takes_the_same_number_of_queries_however_many(
    client, w, django_assert_num_queries, size
):
    support.contacts(w.people[0], w.day_centre, w.worker, n=size)
    headers = bearer(w.worker)
    params = {"person": str(w.people[0].public_id)}
    client.get(CONTACTS, params, headers=headers)
    audit = ps.audit_append_queries(w.worker)
    # The token and its membership, the person, the page of contacts.
    with django_assert_num_queries(3 + audit):
        client.get(CONTACTS, params, headers=headers)


# --- Group sessions ------------------------------------------------------------------------


def session_body(w, **extra) -> dict:
    return {
        "service": str(w.day_centre_service.public_id),
        "kind": "day_centre",
        "title": "Wednesday wellbeing group",
        "starts_at": support.days_ago(1).isoformat(),
        "duration_minutes": 180,
        **extra,
    }


def register_body(rows: dict) -> dict:
    return {"register": [{"person": str(p.public_id), "attendance": a} for p, a in rows.items()]}


def test_a_session_is_created_and_its_register_put(client, w):
    headers = bearer(w.worker)
    created = send_json(client, "POST", SESSIONS, session_body(w), headers)
    assert created.status_code == 201, created.json()
    url = f"{SESSIONS}/{created.json()['id']}/register"
    rows = {w.people[0]: "attended", w.people[1]: "did_not_attend"}
    response = send_json(client, "PUT", url, register_body(rows), headers)
    assert response.status_code == 200, response.json()
    assert {line["attendance"] for line in response.json()["register"]} == {
        "attended",
        "did_not_attend",
    }
    assert Contact.objects.filter(group_session__isnull=False).count() == 2


def test_putting_the_register_again_does_not_duplicate(client, w):
    session = support.session(w)
    headers = bearer(w.worker)
    url = f"{SESSIONS}/{session.public_id}/register"
    send_json(client, "PUT", url, register_body({w.people[0]: "attended"}), headers)
    response = send_json(
        client, "PUT", url, register_body({w.people[0]: "did_not_attend"}), headers
    )
    assert [line["attendance"] for line in response.json()["register"]] == ["did_not_attend"]
    assert Contact.objects.filter(group_session=session).count() == 1


def test_a_register_for_another_organisations_session_is_a_404_writing_nothing(client, w, trust):
    session = support.session(w)
    trust_worker = f.member(trust, "practitioner")
    url = f"{SESSIONS}/{session.public_id}/register"
    response = send_json(
        client, "PUT", url, register_body({w.people[0]: "attended"}), bearer(trust_worker)
    )
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_register_naming_someone_off_the_caseload_is_a_404_writing_nothing(client, w, trust):
    stranger = rs.person(trust)
    session = support.session(w)
    url = f"{SESSIONS}/{session.public_id}/register"
    rows = {w.people[0]: "attended", stranger: "attended"}
    response = send_json(client, "PUT", url, register_body(rows), bearer(w.worker))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_a_register_line_out_of_its_choices_is_a_422(client, w):
    session = support.session(w)
    url = f"{SESSIONS}/{session.public_id}/register"
    body = {"register": [{"person": str(w.people[0].public_id), "attendance": "late"}]}
    response = send_json(client, "PUT", url, body, bearer(w.worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["register.0.attendance"]
    assert not Contact.objects.exists()


def test_a_person_named_twice_on_a_register_is_a_422(client, w):
    session = support.session(w)
    url = f"{SESSIONS}/{session.public_id}/register"
    body = {
        "register": [
            {"person": str(w.people[0].public_id), "attendance": "attended"},
            {"person": str(w.people[0].public_id), "attendance": "did_not_attend"},
        ]
    }
    response = send_json(client, "PUT", url, body, bearer(w.worker))
    assert response.status_code == 422
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "one_to_one"}, "kind"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"title": ""}, "title"),
    ],
    ids=["not-a-session-kind", "no-duration", "no-title"],
)
def test_a_bad_session_is_a_422_naming_the_field(client, w, extra, field):
    response = send_json(client, "POST", SESSIONS, session_body(w, **extra), bearer(w.worker))
    assert response.status_code == 422
    assert field in problem_fields(response)
    assert not GroupSession.objects.exists()


def test_a_session_for_another_organisations_service_is_a_422(client, w):
    body = session_body(w, service=str(w.clinic.public_id))
    response = send_json(client, "POST", SESSIONS, body, bearer(w.worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["service"]
    assert not GroupSession.objects.exists()


def test_the_openapi_document_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/contacts", "/api/v1/contacts/{id}", "/api/v1/group-sessions",
            "/api/v1/group-sessions/{id}/register"} <= set(paths)  # fmt: skip
