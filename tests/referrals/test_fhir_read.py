"""Reading a referral as FHIR (docs/fhir.md): ServiceRequest and Task shapes that
validate, every lifecycle status mapped both ways, and only through the access policy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from joinedup.audit.models import AuditEvent
from joinedup.referrals import fhir, services
from joinedup.referrals.models import Status
from tests import api_support as api
from tests.referrals import referral_support as rs

# DESIGN §7, written out here rather than read from the code under test.
TASK_STATUS = {
    "draft": "draft",
    "submitted": "requested",
    "acknowledged": "received",
    "accepted": "accepted",
    "waiting": "on-hold",
    "first_contact": "in-progress",
    "in_progress": "in-progress",
    "completed": "completed",
    "declined": "rejected",
    "redirected": "rejected",
    "for_joint_meeting": "on-hold",
    "allocated": "rejected",
    "withdrawn": "cancelled",
    "closed_no_contact": "failed",
}
SERVICE_REQUEST_STATUS = {
    "draft": "draft",
    "completed": "completed",
    **{s: "active" for s in ("submitted", "acknowledged", "accepted", "waiting")},
    **{s: "active" for s in ("first_contact", "in_progress", "for_joint_meeting")},
    **{s: "revoked" for s in ("declined", "redirected", "allocated", "withdrawn")},
    "closed_no_contact": "revoked",
}
# The steps that bring a submitted referral to each status: (who, action, options).
ROUTES = {
    "submitted": [],
    "acknowledged": [("receiver", "acknowledge", {})],
    "accepted": [("receiver", "acknowledge", {}), ("receiver", "accept", {})],
    "waiting": [("receiver", "acknowledge", {}), ("receiver", "accept", {}),
                ("receiver", "waitlist", {})],
    "first_contact": [("receiver", "acknowledge", {}), ("receiver", "accept", {}),
                      ("receiver", "first_contact", {})],
    "in_progress": [("receiver", "acknowledge", {}), ("receiver", "accept", {}),
                    ("receiver", "first_contact", {}), ("receiver", "start", {})],
    "completed": [("receiver", "acknowledge", {}), ("receiver", "accept", {}),
                  ("receiver", "first_contact", {}), ("receiver", "start", {}),
                  ("receiver", "complete", {"reason": "Matched with a befriender"})],
    "declined": [("receiver", "acknowledge", {}),
                 ("receiver", "decline", {"reason": "Outside our area",
                                          "signposting": "Oakwood Counselling"})],
    "redirected": [("receiver", "acknowledge", {}),
                   ("receiver", "redirect", {"reason": "Counselling fits better",
                                             "services": "counselling"})],
    "for_joint_meeting": [("receiver", "acknowledge", {}),
                          ("receiver", "refer_to_meeting", {"reason": "Complex needs"})],
    "allocated": [("receiver", "acknowledge", {}),
                  ("receiver", "refer_to_meeting", {"reason": "Complex needs"}),
                  ("coordinator", "allocate", {"reason": "Counselling first",
                                               "services": "counselling"})],
    "withdrawn": [("referrer", "withdraw", {"reason": "Moved away"})],
    "closed_no_contact": [("receiver", "acknowledge", {}),
                          ("receiver", "close_no_contact", {"reason": "Three calls, no answer"})],
}  # fmt: skip


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return rs.world(trust, day_centre, clinician, befriending)


def referral_in(w, clinician, status: str):
    if status == "draft":
        return services.referral_create(
            actor=clinician,
            person=w.person,
            service=w.befriending,
            data=rs.data(),
            submit=False,
        ).referral
    referral = rs.refer(w, clinician)
    actors = {"receiver": w.receiver, "coordinator": w.coordinator, "referrer": clinician}
    for who, action, options in ROUTES[status]:
        if options.get("services"):
            options = {**options, "services": [w.counselling]}
        rs.act(actors[who], referral, action, **options)
    referral.refresh_from_db()
    assert referral.status == status
    return referral


def read(client, user, kind: str, public_id):
    return client.get(f"/fhir/{kind}/{public_id}", headers=api.bearer(user))


def test_every_lifecycle_status_is_named_in_the_mapping():
    assert set(TASK_STATUS) == set(Status.values) == set(fhir.TASK_STATUS)


@pytest.mark.parametrize("status", Status.values, ids=Status.values)
def test_the_task_of_each_status_validates_and_maps_it(client, w, clinician, status):
    referral = referral_in(w, clinician, status)
    response = read(client, clinician, "Task", referral.public_id)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    task = Task.model_validate(response.json())
    assert task.status == TASK_STATUS[status]
    assert [(c.system, c.code) for c in task.businessStatus.coding] == [
        (fhir.REFERRAL_STATUS, status)
    ]
    assert task.meta.versionId == str(referral.version)


@pytest.mark.parametrize("status", Status.values, ids=Status.values)
def test_the_service_request_of_each_status_validates_and_maps_it(client, w, clinician, status):
    referral = referral_in(w, clinician, status)
    response = read(client, clinician, "ServiceRequest", referral.public_id)
    assert response.status_code == 200
    request = ServiceRequest.model_validate(response.json())
    assert request.status == SERVICE_REQUEST_STATUS[status]
    assert request.intent == "order"


@pytest.mark.parametrize(
    "status", [s for s in Status.values if s not in ("redirected", "allocated")]
)
def test_the_task_status_of_each_lifecycle_status_reads_back_as_that_status(status):
    body = {
        "resourceType": "Task",
        "id": "x",
        "meta": {"versionId": "3"},
        "status": TASK_STATUS[status],
        "intent": "order",
        "businessStatus": {"coding": [{"system": fhir.REFERRAL_STATUS, "code": status}]},
    }
    elsewhere = "submitted" if status == "draft" else "draft"
    update = fhir.parse_task_update(body, public_id="x", if_match="", current=elsewhere)
    assert update.target == status


@pytest.mark.parametrize(
    ("task_status", "status"),
    [
        ("requested", "submitted"),
        ("received", "acknowledged"),
        ("accepted", "accepted"),
        ("on-hold", "waiting"),
        ("in-progress", "first_contact"),
        ("completed", "completed"),
        ("rejected", "declined"),
        ("cancelled", "withdrawn"),
        ("failed", "closed_no_contact"),
    ],
)
def test_a_task_status_without_a_business_status_means_its_first_lifecycle_status(
    task_status, status
):
    body = {"resourceType": "Task", "id": "x", "status": task_status, "intent": "order"}
    update = fhir.parse_task_update(body, public_id="x", if_match='W/"2"', current="draft")
    assert (update.target, update.version) == (status, 2)


def test_the_service_request_carries_the_person_service_requester_and_reason(
    client, w, clinician, trust
):
    referral = rs.refer(w, clinician, urgency="urgent", risk_summary="Lives alone")
    body = read(client, clinician, "ServiceRequest", referral.public_id).json()
    assert body["identifier"] == [{"system": fhir.REFERRAL_REFERENCE, "value": referral.reference}]
    assert body["subject"]["identifier"] == {
        "system": "https://fhir.nhs.uk/Id/nhs-number",
        "value": "4010232137",
    }
    assert body["performer"][0]["identifier"] == {
        "system": fhir.SERVICE_ID,
        "value": str(w.befriending.public_id),
    }
    assert body["performer"][1]["display"] == w.befriending.organisation.name
    assert body["requester"]["identifier"] == {
        "system": "https://fhir.nhs.uk/Id/ods-organization-code",
        "value": trust.ods_code,
    }
    assert body["priority"] == "asap"
    assert body["reasonCode"] == [{"text": rs.REASON}]
    assert [n["text"] for n in body["note"]] == ["Getting out of the flat", "Lives alone"]
    assert body["category"][0]["coding"][0]["code"] == "loneliness"


def test_the_task_gives_the_last_reason_focus_owner_and_outcome(client, w, clinician):
    referral = referral_in(w, clinician, "completed")
    body = read(client, clinician, "Task", referral.public_id).json()
    assert body["statusReason"] == {"text": "Matched with a befriender"}
    assert body["focus"]["reference"] == f"ServiceRequest/{referral.public_id}"
    assert body["for"]["identifier"]["value"] == "4010232137"
    assert body["owner"]["display"] == w.befriending.organisation.name
    assert body["output"][0]["valueString"].startswith("Matched with a befriender")


def test_a_redirected_task_points_to_the_linked_referral(client, w, clinician):
    referral = referral_in(w, clinician, "redirected")
    child = referral.children.get()
    body = read(client, clinician, "Task", referral.public_id).json()
    references = [o.get("valueReference", {}).get("reference") for o in body["output"]]
    assert f"ServiceRequest/{child.public_id}" in references


def test_the_etag_is_the_version(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = read(client, clinician, "ServiceRequest", referral.public_id)
    assert response["ETag"] == f'W/"{referral.version}"'


@pytest.mark.parametrize("kind", ["ServiceRequest", "Task"])
def test_another_organisations_referral_is_not_found(client, w, clinician, outsider, kind):
    referral = rs.refer(w, clinician)
    response = read(client, outsider, kind, referral.public_id)
    assert response.status_code == 404
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "not-found"


@pytest.mark.parametrize("kind", ["ServiceRequest", "Task"])
def test_a_referral_that_does_not_exist_is_answered_like_one_you_may_not_see(
    client, w, clinician, outsider, kind
):
    referral = rs.refer(w, clinician)
    hidden = read(client, outsider, kind, referral.public_id).json()
    missing = read(client, outsider, kind, "0d5f4c1e-0000-4000-8000-000000000000").json()
    junk = read(client, outsider, kind, "not-an-id").json()
    assert hidden == missing == junk


def test_reading_without_a_token_is_unauthorised(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = client.get(f"/fhir/ServiceRequest/{referral.public_id}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "login"


def test_a_session_cookie_is_not_a_credential_here(client, w, clinician, settings):
    settings.JOINEDUP_2FA_REQUIRED = False  # the web's second factor is not the point here
    referral = rs.refer(w, clinician)
    client.force_login(clinician)
    assert client.get(f"/fhir/Task/{referral.public_id}").status_code == 401


def test_tasks_are_found_by_their_focus(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = client.get(
        f"/fhir/Task?focus=ServiceRequest/{referral.public_id}", headers=api.bearer(clinician)
    )
    bundle = Bundle.model_validate(response.json())
    assert (bundle.type, bundle.total) == ("searchset", 1)
    assert bundle.entry[0].resource.id == str(referral.public_id)


def test_searching_for_another_organisations_task_finds_nothing(client, w, clinician, outsider):
    referral = rs.refer(w, clinician)
    response = client.get(
        f"/fhir/Task?focus=ServiceRequest/{referral.public_id}", headers=api.bearer(outsider)
    )
    assert response.status_code == 200
    assert Bundle.model_validate(response.json()).total == 0


def test_searching_tasks_needs_a_focus(client, clinician):
    response = client.get("/fhir/Task", headers=api.bearer(clinician))
    assert response.status_code == 400
    assert OperationOutcome.model_validate(response.json()).issue[0].expression == ["focus"]


def test_reading_is_audited(client, w, clinician):
    referral = rs.refer(w, clinician)
    before = AuditEvent.objects.filter(action="view").count()
    read(client, clinician, "Task", referral.public_id)
    assert AuditEvent.objects.filter(action="view").count() == before + 1


def test_the_capability_statement_is_public_and_valid(client):
    response = client.get("/fhir/metadata")
    statement = CapabilityStatement.model_validate(response.json())
    assert statement.fhirVersion == "4.3.0"
    assert {r.type for r in statement.rest[0].resource} == {"ServiceRequest", "Task"}


def test_a_method_the_endpoint_does_not_take_is_refused(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = client.delete(f"/fhir/Task/{referral.public_id}", headers=api.bearer(clinician))
    assert response.status_code == 405
    assert response["Allow"] == "GET, PUT"


def test_reading_a_task_costs_the_same_queries_however_long_its_history(client, w, clinician):
    short = referral_in(w, clinician, "submitted")
    long = referral_in(w, clinician, "in_progress")
    headers = api.bearer(clinician)
    costs = []
    for referral in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(f"/fhir/Task/{referral.public_id}", headers=headers).status_code == 200
            )
        costs.append(len(queries))
    assert costs[0] == costs[1]


def test_a_found_task_is_named_by_its_full_url(client, w, clinician):
    referral = rs.refer(w, clinician)
    response = client.get(
        f"/fhir/Task?focus=ServiceRequest/{referral.public_id}", headers=api.bearer(clinician)
    )
    assert (
        response.json()["entry"][0]["fullUrl"]
        == f"http://testserver/fhir/Task/{referral.public_id}"
    )
