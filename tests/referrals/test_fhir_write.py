"""Making and moving referrals through FHIR (docs/fhir.md): a transaction Bundle makes
exactly one referral (a retry none), malformed bundles are refused by name with
nothing written, and a PUT of the Task moves the lifecycle under optimistic locking."""

import copy
import datetime as dt
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.people.models import Person
from joinedup.referrals import fhir
from joinedup.referrals.models import Referral, Status, Transition
from tests import api_support as api
from tests import factories as f
from tests.access import record_support as ras
from tests.referrals import referral_support as rs

FHIR_JSON = "application/fhir+json"
NEW_NHS_NUMBER = "9434765919"


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def referral_bundle(service, *, nhs_number: str = NEW_NHS_NUMBER, **patient) -> dict:
    """A transaction Bundle as a partner system would send it: Patient, ServiceRequest,
    Task and Consent, linked by their fullUrls."""
    person = {
        "resourceType": "Patient",
        "identifier": [{"system": fhir.NHS_NUMBER, "value": nhs_number}],
        "name": [{"use": "official", "family": "Okafor", "given": ["Jordan"]}],
        "birthDate": "1984-07-12",
        "address": [{"line": ["4 Mill Lane"], "city": "Leeds", "postalCode": "LS6 2AB"}],
        **patient,
    }
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "identifier": {"system": "https://gp-system.example/message", "value": "msg-0001"},
        "entry": [
            {
                "fullUrl": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000001",
                "resource": person,
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000002",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "status": "active",
                    "intent": "order",
                    "priority": "urgent",
                    "category": [
                        {"coding": [{"system": fhir.NEED, "code": "loneliness"}]},
                    ],
                    "subject": {"reference": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000001"},
                    "performer": [
                        {
                            "type": "HealthcareService",
                            "identifier": {
                                "system": fhir.SERVICE_ID, "value": str(service.public_id)
                            },
                        }
                    ],
                    "reasonCode": [{"text": "Isolated since bereavement; would like company"}],
                    "note": [
                        {
                            "extension": [{"url": fhir.NOTE_KIND, "valueCode": "what-matters"}],
                            "text": "Getting back to the allotment",
                        }
                    ],
                },
                "request": {"method": "POST", "url": "ServiceRequest"},
            },
            {
                "fullUrl": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000003",
                "resource": {
                    "resourceType": "Task",
                    "status": "requested",
                    "intent": "order",
                    "focus": {"reference": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000002"},
                    "for": {"reference": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000001"},
                },
                "request": {"method": "POST", "url": "Task"},
            },
            {
                "fullUrl": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000004",
                "resource": {
                    "resourceType": "Consent",
                    "status": "active",
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "patient-privacy",
                            }
                        ]
                    },
                    "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                    "patient": {"reference": "urn:uuid:6b0a3c1e-1111-4a4a-9a9a-000000000001"},
                },
                "request": {"method": "POST", "url": "Consent"},
            },
        ],
    }  # fmt: skip


def post(client, user, body, **headers):
    return client.post(
        "/fhir/",
        data=body if isinstance(body, str) else json.dumps(body),
        content_type=FHIR_JSON,
        headers={**api.bearer(user), **headers},
    )


def counts() -> tuple[int, int, int]:
    return Referral.objects.count(), Person.objects.count(), Transition.objects.count()


def outcome(response) -> OperationOutcome:
    assert response["Content-Type"].startswith(FHIR_JSON)
    return OperationOutcome.model_validate(response.json())


# --- Making a referral ------------------------------------------------------------------


def test_a_referral_bundle_makes_one_submitted_referral_for_a_new_person(
    client, w, clinician, trust
):
    before = counts()
    response = post(client, clinician, referral_bundle(w.befriending))
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(person__nhs_number=NEW_NHS_NUMBER)
    assert counts()[:2] == (before[0] + 1, before[1] + 1)
    assert (referral.status, referral.service, referral.referring_organisation) == (
        Status.SUBMITTED,
        w.befriending,
        trust,
    )
    assert referral.urgency == "soon"
    assert referral.what_matters == "Getting back to the allotment"
    assert list(referral.needs.values_list("code", flat=True)) == ["loneliness"]
    assert referral.person.date_of_birth == dt.date(1984, 7, 12)
    assert referral.person.postcode == "LS6 2AB"


def test_the_answer_is_a_transaction_response_locating_the_referral(client, w, clinician):
    response = post(client, clinician, referral_bundle(w.befriending))
    referral = Referral.objects.get()
    answer = Bundle.model_validate(response.json())
    assert answer.type == "transaction-response"
    statuses = [e.response.status for e in answer.entry]
    assert statuses == ["200 OK", "201 Created", "201 Created", "200 OK"]
    assert answer.entry[1].response.location == (
        f"ServiceRequest/{referral.public_id}/_history/{referral.version}"
    )
    assert response["Location"].endswith(f"/fhir/ServiceRequest/{referral.public_id}")


def test_the_new_referral_reads_back_as_fhir(client, w, clinician):
    response = post(client, clinician, referral_bundle(w.befriending))
    location = response["Location"]
    body = client.get(location, headers=api.bearer(clinician)).json()
    assert body["subject"]["identifier"]["value"] == NEW_NHS_NUMBER
    assert body["priority"] == "urgent"


def test_a_retry_with_the_same_idempotency_key_makes_no_second_referral(client, w, clinician):
    first = post(client, clinician, referral_bundle(w.befriending), **{"Idempotency-Key": "k-1"})
    after_first = counts()
    again = post(client, clinician, referral_bundle(w.befriending), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert counts() == after_first
    assert again["Location"] == first["Location"]


def test_a_retry_of_the_same_bundle_identifier_makes_no_second_referral(client, w, clinician):
    post(client, clinician, referral_bundle(w.befriending))
    after_first = counts()
    again = post(client, clinician, referral_bundle(w.befriending))
    assert again.status_code == 200
    assert counts() == after_first


def test_a_different_bundle_identifier_is_a_new_referral(client, w, clinician):
    post(client, clinician, referral_bundle(w.befriending))
    second = referral_bundle(w.befriending)
    second["identifier"]["value"] = "msg-0002"
    assert post(client, clinician, second).status_code == 201
    assert Referral.objects.count() == 2


def test_a_retry_of_a_person_without_nhs_number_is_still_answered_with_the_referral(
    client, w, clinician
):
    # The retry's Patient now looks like a likely duplicate of the person the first
    # made; the idempotency key is looked at first, so it is not refused as one.
    body = referral_bundle(w.befriending, identifier=[])
    assert post(client, clinician, body).status_code == 201
    after_first = counts()
    assert post(client, clinician, body).status_code == 200
    assert counts() == after_first


def test_a_known_nhs_number_joins_the_existing_record(client, w, clinician):
    Person.objects.filter(pk=w.person.pk).update(date_of_birth=dt.date(1990, 3, 4))
    body = referral_bundle(
        w.befriending,
        nhs_number="4010232137",
        name=[{"family": "Rivers", "given": ["Alex"]}],
        birthDate="1990-03-04",
    )
    people = Person.objects.count()
    assert post(client, clinician, body).status_code == 201
    assert Person.objects.count() == people
    assert Referral.objects.get().person == w.person


def test_a_known_nhs_number_with_another_name_is_refused(client, w, clinician):
    before = counts()
    body = referral_bundle(w.befriending, nhs_number="4010232137")  # Okafor, not Rivers
    response = post(client, clinician, body)
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["Patient.identifier"]
    assert counts() == before


def test_a_likely_duplicate_without_nhs_number_is_refused_not_joined(client, w, clinician, trust):
    Person.objects.create(
        given_name="Jordan", family_name="Okafor", date_of_birth=dt.date(1984, 7, 12),
        postcode="LS6 2AB", created_by_organisation=trust,
    )  # fmt: skip
    before = counts()
    response = post(client, clinician, referral_bundle(w.befriending, identifier=[]))
    assert response.status_code == 409
    assert outcome(response).issue[0].code == "duplicate"
    assert counts() == before


def test_a_person_the_team_sees_can_be_named_by_their_joinedup_id(client, w, clinician):
    body = referral_bundle(w.befriending)
    del body["entry"][0]
    request = body["entry"][0]["resource"]
    request["subject"] = {
        "identifier": {"system": fhir.PERSON_ID, "value": str(w.person.public_id)}
    }
    body["entry"][1]["resource"]["for"] = request["subject"]
    body["entry"][2]["resource"]["patient"] = request["subject"]
    people = Person.objects.count()
    assert post(client, clinician, body).status_code == 201
    assert Referral.objects.get().person == w.person
    assert Person.objects.count() == people


def test_a_person_the_team_does_not_see_cannot_be_named_by_nhs_number(client, w, outsider):
    body = referral_bundle(w.befriending)
    del body["entry"][0]
    subject = {"identifier": {"system": fhir.NHS_NUMBER, "value": "4010232137"}}
    body["entry"][0]["resource"]["subject"] = subject
    body["entry"][2]["resource"]["patient"] = subject
    del body["entry"][1]["resource"]["for"]
    before = counts()
    response = post(client, outsider, body)
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["ServiceRequest.subject.identifier"]
    assert counts() == before


def test_a_draft_service_request_keeps_the_referral_as_a_draft(client, w, clinician):
    body = referral_bundle(w.befriending)
    body["entry"][1]["resource"]["status"] = "draft"
    body["entry"][2]["resource"]["status"] = "draft"
    assert post(client, clinician, body).status_code == 201
    assert Referral.objects.get().status == Status.DRAFT


def test_the_bundle_endpoint_takes_the_same_bundle(client, w, clinician):
    response = client.post(
        "/fhir/Bundle",
        data=json.dumps(referral_bundle(w.befriending)),
        content_type=FHIR_JSON,
        headers=api.bearer(clinician),
    )
    assert response.status_code == 201
    assert Referral.objects.count() == 1


def test_making_a_referral_is_audited(client, w, clinician):
    post(client, clinician, referral_bundle(w.befriending))
    referral = Referral.objects.get()
    assert AuditEvent.objects.filter(
        action="referral_submit",
        object_id=str(referral.public_id),
        person_public_id=referral.person.public_id,
    ).exists()


# --- Refusing a bad bundle, with nothing written ----------------------------------------


def _without(path: list, key: str):
    def change(body):
        target = body
        for step in path:
            target = target[step]
        del target[key]

    return change


def _set(path: list, key: str, value):
    def change(body):
        target = body
        for step in path:
            target = target[step]
        target[key] = value

    return change


SR = ["entry", 1, "resource"]
PATIENT = ["entry", 0, "resource"]
TASK = ["entry", 2, "resource"]

BAD_BUNDLES = {
    "not-a-bundle": (_set([], "resourceType", "Patient"), 400, "Bundle"),
    "a-collection-not-a-transaction": (_set([], "type", "collection"), 400, "Bundle.type"),
    "no-entries": (_set([], "entry", []), 400, "Bundle.entry"),
    "an-unsupported-resource": (
        _set(["entry", 3], "resource", {"resourceType": "Observation", "status": "final"}),
        400,
        "Bundle.entry[3].resource",
    ),
    "no-subject": (_without(SR, "subject"), 400, "Bundle.entry[1].resource.subject"),
    "a-field-fhir-does-not-have": (_set(SR, "colour", "blue"), 400, "resource.colour"),
    "an-invalid-date": (_set(PATIENT, "birthDate", "1984-02-30"), 400, "birthDate"),
    "no-performer": (_without(SR, "performer"), 422, "ServiceRequest.performer"),
    "an-unknown-service": (
        _set(SR, "performer", [{"identifier": {"system": fhir.SERVICE_ID,
                                               "value": "0d5f4c1e-0000-4000-8000-000000000000"}}]),
        422,
        "ServiceRequest.performer.identifier",
    ),
    "a-service-id-that-is-no-id": (
        _set(SR, "performer", [{"identifier": {"system": fhir.SERVICE_ID,
                                               "value": "befriending"}}]),
        422,
        "ServiceRequest.performer.identifier",
    ),
    "an-invalid-nhs-number": (
        _set(PATIENT, "identifier", [{"system": fhir.NHS_NUMBER, "value": "9434765918"}]),
        422,
        "Patient.identifier",
    ),
    "an-invalid-postcode": (
        _set(PATIENT, "address", [{"postalCode": "NOT A POSTCODE"}]),
        422,
        "Patient.address.postalCode",
    ),
    "a-year-for-a-birth-date": (_set(PATIENT, "birthDate", "1984"), 422, "Patient.birthDate"),
    "a-patient-without-a-family-name": (
        _set(PATIENT, "name", [{"given": ["Jordan"]}]), 422, "Patient.name",
    ),
    "no-consent": (lambda body: body["entry"].pop(3), 422, "ofType(Consent)"),
    "a-withdrawn-consent": (
        _set(["entry", 3, "resource"], "status", "inactive"), 422, "ofType(Consent)",
    ),
    "no-reason": (_without(SR, "reasonCode"), 422, "ServiceRequest.reasonCode"),
    "an-unknown-priority": (_set(SR, "priority", "whenever"), 422, "ServiceRequest.priority"),
    "a-need-the-service-does-not-list": (
        _set(SR, "category", [{"coding": [{"system": fhir.NEED, "code": "housing"}]}]),
        422,
        "ServiceRequest.category",
    ),
    "a-completed-service-request": (_set(SR, "status", "completed"), 422, "ServiceRequest.status"),
    "a-plan-not-an-order": (_set(SR, "intent", "plan"), 422, "ServiceRequest.intent"),
    "a-subject-that-is-not-the-patient": (
        _set(SR, "subject", {"reference": "urn:uuid:someone-else"}), 422, "ServiceRequest.subject",
    ),
    "a-task-already-accepted": (_set(TASK, "status", "accepted"), 422, "Task.status"),
    "a-task-about-another-request": (
        _set(TASK, "focus", {"reference": "ServiceRequest/elsewhere"}), 422, "Task.focus",
    ),
    "two-service-requests": (
        lambda body: body["entry"].append(copy.deepcopy(body["entry"][1])),
        422,
        "ofType(ServiceRequest)",
    ),
    "a-requester-of-another-organisation": (
        _set(SR, "requester", {"identifier": {"system": fhir.ODS_CODE, "value": "RY9"}}),
        422,
        "ServiceRequest.requester",
    ),
    "a-nul-character": (_set(SR, "reasonCode", [{"text": "a\x00b"}]), 400, "reasonCode"),
    "an-entry-that-updates": (
        _set(["entry", 1], "request", {"method": "PUT", "url": "ServiceRequest/1"}),
        400,
        "Bundle.entry.request.method",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("change", "status", "where"), BAD_BUNDLES.values(), ids=BAD_BUNDLES)
def test_a_malformed_bundle_is_refused_by_name_and_writes_nothing(
    client, w, clinician, change, status, where
):
    body = referral_bundle(w.befriending)
    change(body)
    before = counts()
    audit_before = AuditEvent.objects.count()
    response = post(client, clinician, body)
    assert response.status_code == status, response.content
    issue = outcome(response).issue[0]
    assert any(where in e for e in issue.expression), issue
    assert issue.diagnostics
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.parametrize(
    "body", ["{not json", "[]", '"Bundle"', "[" * 100_000], ids=["broken", "list", "string", "deep"]
)
def test_a_body_that_is_not_a_resource_is_refused(client, w, clinician, body):
    before = counts()
    response = post(client, clinician, body)
    assert response.status_code == 400
    assert outcome(response).issue[0].severity == "error"
    assert counts() == before


def test_a_body_that_is_not_json_by_its_type_is_refused(client, w, clinician):
    response = client.post(
        "/fhir/",
        data="<Bundle/>",
        content_type="application/fhir+xml",
        headers=api.bearer(clinician),
    )
    assert response.status_code == 415


def test_a_service_not_taking_referrals_is_refused(client, w, clinician):
    w.befriending.accepting_referrals = False
    w.befriending.save()
    before = counts()
    response = post(client, clinician, referral_bundle(w.befriending))
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["ServiceRequest.performer"]
    assert counts() == before


def test_making_a_referral_without_a_token_is_unauthorised(client, w):
    before = counts()
    response = client.post(
        "/fhir/", data=json.dumps(referral_bundle(w.befriending)), content_type=FHIR_JSON
    )
    assert response.status_code == 401
    assert counts() == before


def test_a_role_that_does_not_make_referrals_is_forbidden(client, w, volunteer):
    before = counts()
    response = post(client, volunteer, referral_bundle(w.befriending))
    assert response.status_code == 403
    assert outcome(response).issue[0].code == "forbidden"
    assert counts() == before


# --- Moving the lifecycle with the Task -------------------------------------------------


def get_task(client, user, referral) -> dict:
    response = client.get(f"/fhir/Task/{referral.public_id}", headers=api.bearer(user))
    assert response.status_code == 200
    return response.json()


def put_task(client, user, task: dict, **headers):
    return client.put(
        f"/fhir/Task/{task['id']}",
        data=json.dumps(task),
        content_type=FHIR_JSON,
        headers={**api.bearer(user), **headers},
    )


def with_status(task: dict, status: str, reason: str = "", business: str = "") -> dict:
    task = {**task, "status": status}
    task.pop("businessStatus")
    task.pop("statusReason", None)
    if reason:
        task["statusReason"] = {"text": reason}
    if business:
        task["businessStatus"] = {"coding": [{"system": fhir.REFERRAL_STATUS, "code": business}]}
    return task


def test_accepting_the_task_acknowledges_and_accepts_the_referral(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    response = put_task(client, w.receiver, with_status(task, "accepted"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.ACCEPTED, 4)
    steps = list(referral.transitions.values_list("to_status", flat=True))
    assert steps == ["submitted", "acknowledged", "accepted"]


def test_changing_only_the_status_of_the_task_read_moves_it(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)  # businessStatus still says submitted
    response = put_task(client, w.receiver, {**task, "status": "received"})
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_a_business_status_of_another_task_status_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, w.receiver, referral), "received", business="accepted")
    response = put_task(client, w.receiver, task)
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["Task.businessStatus"]
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_a_stale_version_conflicts_and_changes_nothing(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    rs.act(w.receiver, referral, "acknowledge")
    response = put_task(client, w.receiver, with_status(task, "accepted"))
    assert response.status_code == 409
    assert outcome(response).issue[0].code == "conflict"
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.ACKNOWLEDGED, 3)


def test_a_stale_if_match_conflicts(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    del task["meta"]
    response = put_task(client, w.receiver, with_status(task, "received"), If_Match='W/"1"')
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_if_match_alone_names_the_version(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    del task["meta"]
    response = put_task(client, w.receiver, with_status(task, "received"), If_Match='W/"2"')
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_an_update_without_a_version_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    del task["meta"]
    response = put_task(client, w.receiver, with_status(task, "received"))
    assert response.status_code == 428
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_completing_needs_the_outcome_in_the_status_reason(client, w, clinician):
    referral = rs.refer(w, clinician)
    for action in ("acknowledge", "accept", "first_contact", "start"):
        rs.act(w.receiver, referral, action)
    task = get_task(client, w.receiver, referral)
    response = put_task(client, w.receiver, with_status(task, "completed"))
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["Task.statusReason"]
    response = put_task(
        client, w.receiver, with_status(task, "completed", "Weekly visits, ended well")
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    assert referral.outcome.startswith("Weekly visits, ended well")


def test_rejecting_with_signposting_in_a_note_declines(client, w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    task = with_status(get_task(client, w.receiver, referral), "rejected", "Outside our area")
    task["note"] = [{"text": "Oakwood Counselling, 0113 496 0001"}]
    response = put_task(client, w.receiver, task)
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert (referral.status, referral.signposting) == (
        Status.DECLINED,
        "Oakwood Counselling, 0113 496 0001",
    )


def test_rejecting_without_a_destination_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    task = with_status(get_task(client, w.receiver, referral), "rejected", "Outside our area")
    response = put_task(client, w.receiver, task)
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["Task.note"]
    referral.refresh_from_db()
    assert referral.status == Status.ACKNOWLEDGED


def test_on_hold_with_the_joint_meeting_as_business_status_goes_to_the_meeting(
    client, w, clinician
):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    task = with_status(
        get_task(client, w.receiver, referral), "on-hold", "Needs several services",
        business="for_joint_meeting",
    )  # fmt: skip
    assert put_task(client, w.receiver, task).status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.FOR_JOINT_MEETING


def test_the_referrer_cancels_the_task_to_withdraw(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, clinician, referral), "cancelled", "Moved away")
    assert put_task(client, clinician, task).status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    body = client.get(f"/fhir/ServiceRequest/{referral.public_id}", headers=api.bearer(clinician))
    assert body.json()["status"] == "revoked"


def test_the_receiving_team_may_not_withdraw_the_referral(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, w.receiver, referral), "cancelled", "Moved away")
    response = put_task(client, w.receiver, task)
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_a_step_backwards_conflicts(client, w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    rs.act(w.receiver, referral, "accept")
    task = with_status(get_task(client, w.receiver, referral), "requested")
    response = put_task(client, w.receiver, task)
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_the_status_it_already_has_changes_nothing(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = get_task(client, w.receiver, referral)
    response = put_task(client, w.receiver, task)
    assert response.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.SUBMITTED, 2)


def test_a_redirect_is_not_made_through_the_task(client, w, clinician):
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    task = with_status(
        get_task(client, w.receiver, referral), "rejected", "Elsewhere", business="redirected"
    )
    response = put_task(client, w.receiver, task)
    assert response.status_code == 422
    assert outcome(response).issue[0].code == "not-supported"


def test_a_task_status_joinedup_does_not_use_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, w.receiver, referral), "ready")
    response = put_task(client, w.receiver, task)
    assert response.status_code == 422
    assert outcome(response).issue[0].expression == ["Task.status"]


def test_a_task_whose_id_is_not_the_urls_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, w.receiver, referral), "received")
    response = client.put(
        f"/fhir/Task/{referral.public_id}",
        data=json.dumps({**task, "id": "something-else"}),
        content_type=FHIR_JSON,
        headers=api.bearer(w.receiver),
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_another_organisations_task_is_not_found_to_update(client, w, clinician, outsider):
    referral = rs.refer(w, clinician)
    task = with_status(get_task(client, w.receiver, referral), "received")
    response = put_task(client, outsider, task)
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_a_team_that_sees_the_person_but_not_the_referral_gets_not_found(
    client, w, clinician, trust
):
    # A third organisation caring for the same person still may not see the referral.
    third = f.OrganisationFactory(name="Hillside Housing", slug="hillside")
    ras.relationship(w.person, third, since=timezone.now() - dt.timedelta(days=3))
    worker = f.member(third, Role.PRACTITIONER)
    referral = rs.refer(w, clinician)
    response = client.get(f"/fhir/Task/{referral.public_id}", headers=api.bearer(worker))
    assert response.status_code == 404


@pytest.mark.parametrize("key", ["k" * 101, "tab\tin-it"], ids=["too-long", "unprintable"])
def test_an_idempotency_key_that_cannot_be_kept_is_refused(client, w, clinician, key):
    before = counts()
    response = post(client, clinician, referral_bundle(w.befriending), **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert outcome(response).issue[0].expression == ["Idempotency-Key"]
    assert counts() == before
