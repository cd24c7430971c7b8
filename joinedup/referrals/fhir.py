"""A referral in FHIR (DESIGN §7): the ServiceRequest (what was asked of whom) and the
Task (where the receiving service has got to), both ways.

fhir.resources offers FHIR R5 by default and R4B (4.3.0) beside it, but not R4 (4.0.1)
itself. ServiceRequest, Task, Patient, Consent, Bundle and OperationOutcome did not
change between R4 and R4B, so every shape here is built and checked with the R4B
models: what goes out validates, and what comes in is refused before anything is
written if it does not.

This module only maps: it reads objects it is given and returns resources, or parses
resources into plain values. `fhir_api` does the reading and writing, through the
referral and people selectors and services.
"""

import datetime as dt
import hashlib
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task
from pydantic import ValidationError as SchemaError

from joinedup.referrals.models import OPEN_STATUSES, Status, Urgency
from joinedup.referrals.services import ACTIONS, MAX_TEXT

FHIR_VERSION = "4.3.0"  # R4B: the closest fhir.resources has to R4 (see the module docstring)
MEDIA_TYPE = "application/fhir+json"

NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
# joinedup's own identifiers and codes. One base for every installation: the values
# (UUIDs, references) are unique on their own, the base only says whose they are.
BASE = "https://joinedup.example"
REFERRAL_REFERENCE = f"{BASE}/Id/referral"
SERVICE_ID = f"{BASE}/Id/service"
ORGANISATION_ID = f"{BASE}/Id/organisation"
PERSON_ID = f"{BASE}/Id/person"
REFERRAL_STATUS = f"{BASE}/CodeSystem/referral-status"
NEED = f"{BASE}/CodeSystem/need"
NOTE_KIND = f"{BASE}/fhir/StructureDefinition/note-kind"
WHAT_MATTERS, RISK_SUMMARY = "what-matters", "risk-summary"

# DESIGN §7: the Gravity SDOH closed loop, with joinedup's exact status in businessStatus.
TASK_STATUS: dict[str, str] = {
    Status.DRAFT: "draft",
    Status.SUBMITTED: "requested",
    Status.ACKNOWLEDGED: "received",
    Status.ACCEPTED: "accepted",
    Status.WAITING: "on-hold",
    Status.FIRST_CONTACT: "in-progress",
    Status.IN_PROGRESS: "in-progress",
    Status.COMPLETED: "completed",
    Status.DECLINED: "rejected",
    Status.REDIRECTED: "rejected",
    # Closed here by the joint meeting, which sent the person to a service (a new,
    # linked referral): this service's task did not go ahead.
    Status.ALLOCATED: "rejected",
    Status.FOR_JOINT_MEETING: "on-hold",
    Status.WITHDRAWN: "cancelled",
    Status.CLOSED_NO_CONTACT: "failed",
}
# A Task status sent without a businessStatus means the first of its statuses.
STATUS_FOR_TASK: dict[str, str] = {
    "draft": Status.DRAFT,
    "requested": Status.SUBMITTED,
    "received": Status.ACKNOWLEDGED,
    "accepted": Status.ACCEPTED,
    "on-hold": Status.WAITING,
    "in-progress": Status.FIRST_CONTACT,
    "completed": Status.COMPLETED,
    "rejected": Status.DECLINED,
    "cancelled": Status.WITHDRAWN,
    "failed": Status.CLOSED_NO_CONTACT,
}
PRIORITY = {Urgency.ROUTINE: "routine", Urgency.SOON: "urgent", Urgency.URGENT: "asap"}
URGENCY = {"routine": Urgency.ROUTINE, "urgent": Urgency.SOON, "asap": Urgency.URGENT}
URGENCY["stat"] = Urgency.URGENT
# Steps a status update may chain (accepted from submitted is acknowledge, accept).
# The rest take one step at a time; redirect and allocate need a destination service
# and are made through the JSON API.
FORWARD = ("acknowledge", "accept", "waitlist", "first_contact", "start", "complete")
NOT_BY_TASK = frozenset({Status.REDIRECTED, Status.ALLOCATED})
MAX_ISSUES = 20


class FhirError(Exception):
    """A request refused, as an OperationOutcome: `code` is an IssueType
    (invalid, required, value, not-found, conflict, …), `expression` FHIRPath."""

    def __init__(self, status: int, code: str, diagnostics: str, expression=(), issues=None):
        super().__init__(diagnostics)
        self.status = status
        self.issues = issues or [_issue(code, diagnostics, expression)]


def _issue(code: str, diagnostics: str, expression=()) -> dict:
    issue = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = list(expression)
    return issue


def operation_outcome(issues: list[dict]) -> OperationOutcome:
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": issues})


def schema_error(exc: SchemaError, root: str) -> FhirError:
    """fhir.resources' validation errors, each named by where it is in the resource."""
    issues = []
    for error in exc.errors()[:MAX_ISSUES]:
        path = root
        for part in error.get("loc", ()):
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        code = "required" if error.get("type") == "missing" else "structure"
        issues.append(_issue(code, f"{path}: {message}", [path]))
    return FhirError(400, "structure", issues[0]["diagnostics"], issues=issues)


# --- Out: a referral as FHIR resources ------------------------------------------------


def _instant(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def person_reference(person) -> dict:
    if person.nhs_number:
        identifier = {"system": NHS_NUMBER, "value": person.nhs_number}
    else:
        identifier = {"system": PERSON_ID, "value": str(person.public_id)}
    return {"type": "Patient", "identifier": identifier, "display": str(person)}


def organisation_reference(organisation) -> dict:
    if organisation.ods_code:
        identifier = {"system": ODS_CODE, "value": organisation.ods_code}
    else:
        identifier = {"system": ORGANISATION_ID, "value": str(organisation.public_id)}
    return {"type": "Organization", "identifier": identifier, "display": organisation.name}


def service_reference(service) -> dict:
    return {
        "type": "HealthcareService",
        "identifier": {"system": SERVICE_ID, "value": str(service.public_id)},
        "display": service.name,
    }


def _meta(referral) -> dict:
    return {"versionId": str(referral.version), "lastUpdated": _instant(referral.updated_at)}


def _identifier(referral) -> list[dict]:
    return [{"system": REFERRAL_REFERENCE, "value": referral.reference}]


def service_request_status(status: str) -> str:
    """BaRS: a request ended before it was done is `revoked`."""
    if status == Status.DRAFT:
        return "draft"
    if status in OPEN_STATUSES:
        return "active"
    return "completed" if status == Status.COMPLETED else "revoked"


def _note(kind: str, text: str) -> dict:
    return {"extension": [{"url": NOTE_KIND, "valueCode": kind}], "text": text}


def service_request(referral, needs=()) -> ServiceRequest:
    requester = (
        person_reference(referral.person)
        if referral.self_referral or referral.referring_organisation is None
        else organisation_reference(referral.referring_organisation)
    )
    notes = [_note(WHAT_MATTERS, referral.what_matters)] if referral.what_matters else []
    if referral.risk_summary:
        notes.append(_note(RISK_SUMMARY, referral.risk_summary))
    body = {
        "resourceType": "ServiceRequest",
        "id": str(referral.public_id),
        "meta": _meta(referral),
        "identifier": _identifier(referral),
        "status": service_request_status(referral.status),
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "category": [
            {"coding": [{"system": NEED, "code": term.code, "display": term.name}]}
            for term in needs
        ]
        or None,
        "subject": person_reference(referral.person),
        "authoredOn": _instant(referral.submitted_at or referral.created_at),
        "requester": requester,
        "performer": [
            service_reference(referral.service),
            organisation_reference(referral.owner_organisation),
        ],
        "reasonCode": [{"text": referral.reason}],
        "note": notes or None,
    }
    return ServiceRequest.model_validate(body)


def task(referral, *, last_reason: str = "", linked=()) -> Task:
    """The receiving service's task: its status (Gravity), joinedup's own status in
    businessStatus, and the reason of the last step in statusReason."""
    outputs = []
    if referral.outcome:
        outputs.append({"type": {"text": "Outcome"}, "valueString": referral.outcome})
    for child in linked:
        outputs.append(
            {
                "type": {"text": "Linked referral"},
                "valueReference": {
                    "reference": f"ServiceRequest/{child.public_id}",
                    "display": f"{child.reference} to {child.service.name}",
                },
            }
        )
    body = {
        "resourceType": "Task",
        "id": str(referral.public_id),
        "meta": _meta(referral),
        "identifier": _identifier(referral),
        "status": TASK_STATUS[referral.status],
        "statusReason": {"text": last_reason} if last_reason else None,
        "businessStatus": {
            "coding": [
                {
                    "system": REFERRAL_STATUS,
                    "code": referral.status,
                    "display": Status(referral.status).label,
                }
            ],
            "text": Status(referral.status).label,
        },
        "intent": "order",
        "priority": PRIORITY[referral.urgency],
        "focus": {"reference": f"ServiceRequest/{referral.public_id}", "type": "ServiceRequest"},
        "for": person_reference(referral.person),
        "authoredOn": _instant(referral.created_at),
        "lastModified": _instant(referral.updated_at),
        "executionPeriod": (
            {"start": _instant(referral.submitted_at), "end": _instant(referral.closed_at)}
            if referral.submitted_at
            else None
        ),
        "requester": (
            organisation_reference(referral.referring_organisation)
            if referral.referring_organisation
            else person_reference(referral.person)
        ),
        "owner": organisation_reference(referral.owner_organisation),
        "output": outputs or None,
    }
    return Task.model_validate(body)


def searchset(resources: list, *, base_url: str, self_url: str) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": [
                {
                    "fullUrl": f"{base_url}{r.get_resource_type()}/{r.id}",
                    "resource": r,
                    "search": {"mode": "match"},
                }
                for r in resources
            ],
        }
    )


def transaction_response(entries: list[dict]) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [{"response": e} for e in entries],
        }
    )


def capability_statement(base_url: str) -> CapabilityStatement:
    def resource(kind: str, interactions: list[str], search=()) -> dict:
        body: dict[str, Any] = {
            "type": kind,
            "versioning": "versioned",
            "interaction": [{"code": code} for code in interactions],
        }
        if search:
            body["searchParam"] = [{"name": n, "type": "reference"} for n in search]
        return body

    return CapabilityStatement.model_validate(
        {
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": "2025-01-01",
            "kind": "instance",
            "implementation": {"description": "joinedup referrals", "url": base_url},
            "fhirVersion": FHIR_VERSION,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {"description": "Bearer tokens from POST /api/v1/auth/token"},
                    "resource": [
                        resource("ServiceRequest", ["read"]),
                        resource("Task", ["read", "update", "search-type"], search=["focus"]),
                    ],
                    "interaction": [{"code": "transaction"}],
                }
            ],
        }
    )


# --- In: a referral bundle ------------------------------------------------------------

BUNDLE_RESOURCES = ("Patient", "ServiceRequest", "Task", "Consent")


@dataclass
class InboundReferral:
    """What a referral bundle asks for, as plain values for the services."""

    service_id: uuid.UUID
    fields: dict[str, Any]
    need_codes: list[str]
    submit: bool
    patient: dict[str, Any] | None = None  # person_create's data
    person_id: uuid.UUID | None = None  # or an existing person, by joinedup id …
    nhs_number: str = ""  # … or by NHS number
    requester: tuple[str, str] | None = None
    idempotency_key: str = ""
    entries: list[str] = field(default_factory=list)  # the resource type of each entry


def _invalid(message: str, expression: str, code: str = "invalid", status: int = 422):
    return FhirError(status, code, message, [expression])


def check_no_nul(data: Any, path: str = "") -> None:
    """PostgreSQL cannot store NUL in text: refused here, by name, not by the database."""
    stack = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            raise _invalid("Text must not contain NUL characters", where or "$", status=400)
        if isinstance(value, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(value))


def _require_type(data: Any, expected: str) -> None:
    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind != expected:
        raise FhirError(
            400, "invalid", f"Expected a {expected} resource, not {kind or 'this'}", [expected]
        )


def _identifiers(reference) -> tuple[str, str] | None:
    if reference is None or reference.identifier is None:
        return None
    return (reference.identifier.system or "", (reference.identifier.value or "").strip())


def _uuid(value: str, expression: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        raise _invalid(
            f"{what} is not a joinedup id (a UUID): {value[:60]!r}", expression
        ) from None


def parse_referral_bundle(data: Any) -> InboundReferral:
    """Check a transaction Bundle of one ServiceRequest (with at most one Patient, Task
    and Consent) and say what it asks for. Raises FhirError naming the problem."""
    _require_type(data, "Bundle")
    check_no_nul(data, "Bundle")
    entries = data.get("entry")
    if not isinstance(entries, list) or not entries:
        raise _invalid("The Bundle has no entries", "Bundle.entry", "required", 400)
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind not in BUNDLE_RESOURCES:
            raise _invalid(
                f"A referral bundle holds {', '.join(BUNDLE_RESOURCES)}; entry {i} is "
                f"{kind or 'not a resource'}",
                f"Bundle.entry[{i}].resource",
                "not-supported",
                400,
            )
    try:
        bundle = Bundle.model_validate(data)
    except SchemaError as exc:
        raise schema_error(exc, "Bundle") from exc
    if bundle.type != "transaction":
        raise _invalid(
            "Send the referral as a Bundle of type transaction (all of it or none)",
            "Bundle.type",
            status=400,
        )
    found: dict[str, list] = {kind: [] for kind in BUNDLE_RESOURCES}
    for entry in bundle.entry:
        if entry.request is not None and entry.request.method != "POST":
            raise _invalid(
                "Each entry of a referral bundle is a create (request.method POST)",
                "Bundle.entry.request.method",
                status=400,
            )
        found[entry.resource.get_resource_type()].append(entry)
    if len(found["ServiceRequest"]) != 1:
        raise _invalid(
            "A referral bundle holds exactly one ServiceRequest",
            "Bundle.entry.resource.ofType(ServiceRequest)",
            "required" if not found["ServiceRequest"] else "invalid",
        )
    for kind in ("Patient", "Task", "Consent"):
        if len(found[kind]) > 1:
            raise _invalid(
                f"A referral bundle holds at most one {kind}",
                f"Bundle.entry.resource.ofType({kind})",
            )
    one = {kind: (entries[0] if entries else None) for kind, entries in found.items()}
    request_entry = one["ServiceRequest"]
    request = request_entry.resource
    inbound = InboundReferral(
        service_id=_performer(request),
        fields=_referral_fields(request),
        need_codes=_need_codes(request),
        submit=_submit(request),
        requester=_identifiers(request.requester),
        idempotency_key=_bundle_key(bundle),
        entries=[e.resource.get_resource_type() for e in bundle.entry],
    )
    _subject(inbound, request, one["Patient"])
    inbound.fields["consent_to_share"] = _consented(one["Consent"], request, one["Patient"])
    _check_task(one["Task"], request_entry, inbound.submit)
    return inbound


def _local_names(entry) -> set[str]:
    """How other entries may refer to this one: its fullUrl, or Type/id."""
    names = {entry.fullUrl} if entry.fullUrl else set()
    if entry.resource.id:
        names.add(f"{entry.resource.get_resource_type()}/{entry.resource.id}")
    return names


def _performer(request) -> uuid.UUID:
    for reference in request.performer or ():
        ident = _identifiers(reference)
        if ident and ident[0] == SERVICE_ID:
            return _uuid(ident[1], "ServiceRequest.performer.identifier", "The service")
        if (reference.reference or "").startswith("HealthcareService/"):
            value = reference.reference.split("/", 1)[1]
            return _uuid(value, "ServiceRequest.performer.reference", "The service")
    raise _invalid(
        f"Name the receiving service in ServiceRequest.performer: a HealthcareService "
        f"identifier with system {SERVICE_ID} and the service's id",
        "ServiceRequest.performer",
        "required",
    )


def _text_of(concept) -> str:
    if concept.text:
        return concept.text.strip()
    return "; ".join(
        (c.display or c.code or "").strip() for c in concept.coding or () if c.display or c.code
    )


def _referral_fields(request) -> dict[str, Any]:
    reason = "; ".join(t for t in (_text_of(c) for c in request.reasonCode or ()) if t)
    notes: dict[str, list[str]] = {WHAT_MATTERS: [], RISK_SUMMARY: []}
    for note in request.note or ():
        kinds = [e.valueCode for e in note.extension or () if e.url == NOTE_KIND]
        kind = kinds[0] if kinds and kinds[0] in notes else WHAT_MATTERS
        notes[kind].append((note.text or "").strip())
    priority = request.priority or "routine"
    if priority not in URGENCY:
        raise _invalid(
            "ServiceRequest.priority is one of routine, urgent, asap, stat",
            "ServiceRequest.priority",
            "value",
        )
    return {
        "reason": reason,
        "what_matters": "\n\n".join(t for t in notes[WHAT_MATTERS] if t),
        "risk_summary": "\n\n".join(t for t in notes[RISK_SUMMARY] if t),
        "urgency": URGENCY[priority],
    }


def _need_codes(request) -> list[str]:
    return [
        coding.code
        for concept in request.category or ()
        for coding in concept.coding or ()
        if coding.code and coding.system in (None, NEED)
    ]


def _submit(request) -> bool:
    if request.intent != "order":
        raise _invalid(
            "A referral is an order: ServiceRequest.intent order", "ServiceRequest.intent"
        )
    if request.status not in ("active", "draft"):
        raise _invalid(
            "A new referral's ServiceRequest.status is active (sent) or draft (kept to send later)",
            "ServiceRequest.status",
            "value",
        )
    return request.status == "active"


def _bundle_key(bundle) -> str:
    """A Bundle.identifier is the sender's id for this message: a retry carries it again."""
    if bundle.identifier is None or not bundle.identifier.value:
        return ""
    raw = f"{bundle.identifier.system or ''}|{bundle.identifier.value}"
    return "fhir-bundle:" + hashlib.sha256(raw.encode()).hexdigest()


def _subject(inbound: InboundReferral, request, patient_entry) -> None:
    subject = request.subject
    if patient_entry is not None:
        if subject.reference not in _local_names(patient_entry):
            raise _invalid(
                "ServiceRequest.subject must refer to the bundle's Patient (by its fullUrl)",
                "ServiceRequest.subject",
            )
        inbound.patient = person_data(patient_entry.resource)
        return
    ident = _identifiers(subject)
    if ident and ident[0] == PERSON_ID:
        inbound.person_id = _uuid(ident[1], "ServiceRequest.subject.identifier", "The person")
    elif ident and ident[0] == NHS_NUMBER and ident[1]:
        inbound.nhs_number = ident[1].replace(" ", "").replace("-", "")
    else:
        raise _invalid(
            f"Include the Patient in the bundle, or name a person your team knows in "
            f"ServiceRequest.subject.identifier (system {NHS_NUMBER} or {PERSON_ID})",
            "ServiceRequest.subject",
            "required",
        )


def person_data(patient) -> dict[str, Any]:
    """A Patient as the data of people.services.person_create."""
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    family = (name.family or "").strip() if name else ""
    given = next((g.strip() for g in (name.given if name else None) or () if g and g.strip()), "")
    if not family or not given:
        raise _invalid(
            "The Patient needs a name with a family name and a given name",
            "Patient.name",
            "required",
        )
    data: dict[str, Any] = {"family_name": family, "given_name": given}
    for identifier in patient.identifier or ():
        if identifier.system == NHS_NUMBER and identifier.value:
            data["nhs_number"] = identifier.value
    if patient.birthDate is not None:
        if not isinstance(patient.birthDate, dt.date):
            raise _invalid(
                "Patient.birthDate must be a full date (year, month and day)",
                "Patient.birthDate",
                "value",
            )
        data["date_of_birth"] = patient.birthDate
    if patient.address:
        address = patient.address[0]
        lines = [line.strip() for line in address.line or () if line and line.strip()]
        data.update(
            {
                "address_1": lines[0] if lines else "",
                "address_2": ", ".join(lines[1:]),
                "city": (address.city or "").strip(),
                "postcode": (address.postalCode or "").strip(),
            }
        )
    for contact in patient.telecom or ():
        if contact.system == "phone" and contact.value and "phone" not in data:
            data["phone"] = contact.value.strip()
        if contact.system == "email" and contact.value and "email" not in data:
            data["email"] = contact.value.strip()
    return data


def _consented(consent_entry, request, patient_entry) -> bool:
    """The person agrees to the referral and to sharing what it says: an active Consent
    about the same person."""
    if consent_entry is None:
        return False
    consent = consent_entry.resource
    if consent.status != "active":
        return False
    about = consent.patient
    if about is None:
        return False
    if patient_entry is not None:
        return about.reference in _local_names(patient_entry)
    return _identifiers(about) == _identifiers(request.subject)


def _check_task(task_entry, request_entry, submit: bool) -> None:
    if task_entry is None:
        return
    sent = task_entry.resource
    expected = "requested" if submit else "draft"
    if sent.status != expected:
        raise _invalid(
            f"A new referral's Task.status is {expected} (it follows the ServiceRequest)",
            "Task.status",
            "value",
        )
    if sent.intent != "order":
        raise _invalid("Task.intent is order", "Task.intent", "value")
    if sent.focus is None or sent.focus.reference not in _local_names(request_entry):
        raise _invalid(
            "Task.focus must refer to the bundle's ServiceRequest (by its fullUrl)",
            "Task.focus",
        )


def names_organisation(identifier: tuple[str, str], organisation) -> bool:
    system, value = identifier
    if system == ODS_CODE:
        return bool(organisation.ods_code) and value.upper() == organisation.ods_code.upper()
    if system == ORGANISATION_ID:
        return value == str(organisation.public_id)
    return False


# --- In: a Task update ----------------------------------------------------------------


@dataclass
class TaskUpdate:
    status: str  # the Task status sent
    target: str | None  # the joinedup status it asks for (None: stay where it is)
    version: int
    reason: str
    signposting: str


def _version(value: str, where: str) -> int:
    raw = value.strip()
    if raw.startswith("W/"):
        raw = raw[2:]
    raw = raw.strip('"')
    if not raw.isdigit() or len(raw) > 9:
        raise _invalid(f"{where} is the version you read, a whole number", where, status=400)
    return int(raw)


def parse_task_update(data: Any, *, public_id: str, if_match: str, current: str) -> TaskUpdate:
    """The status change a PUT of the Task asks for. Only the status fields are read
    (status, businessStatus, statusReason, note): the rest of the Task is the
    referral's, changed by other means."""
    _require_type(data, "Task")
    check_no_nul(data, "Task")
    try:
        sent = Task.model_validate(data)
    except SchemaError as exc:
        raise schema_error(exc, "Task") from exc
    if sent.id != public_id:
        raise _invalid("Task.id must be the id in the URL", "Task.id", status=400)
    versions = []
    if if_match:
        versions.append(_version(if_match, "If-Match"))
    if sent.meta is not None and sent.meta.versionId:
        versions.append(_version(sent.meta.versionId, "Task.meta.versionId"))
    if not versions:
        raise _invalid(
            "Send the version you read, in Task.meta.versionId or an If-Match header, "
            "so a change made since is not overwritten",
            "Task.meta.versionId",
            "required",
            428,
        )
    if len(set(versions)) > 1:
        raise _invalid(
            "If-Match and Task.meta.versionId name different versions",
            "Task.meta.versionId",
            status=400,
        )
    target = _target(sent, current)
    reason = _text_of(sent.statusReason) if sent.statusReason else ""
    signposting = "\n\n".join((n.text or "").strip() for n in sent.note or () if n.text)
    if len(reason) > MAX_TEXT or len(signposting) > MAX_TEXT:
        raise _invalid(f"Text must be {MAX_TEXT:,} characters or fewer", "Task.statusReason")
    return TaskUpdate(sent.status, target, versions[0], reason, signposting)


def _business_status(sent) -> str | None:
    if sent.businessStatus is None:
        return None
    codes = [c.code for c in sent.businessStatus.coding or () if c.system == REFERRAL_STATUS]
    if not codes:
        return None
    if codes[0] not in Status.values:
        raise _invalid(
            f"{codes[0]!r} is not a joinedup referral status", "Task.businessStatus", "value"
        )
    return codes[0]


def _target(sent, current: str) -> str | None:
    if sent.status not in STATUS_FOR_TASK:
        raise _invalid(
            f"joinedup does not use the Task status {sent.status!r}: use one of "
            f"{', '.join(STATUS_FOR_TASK)}",
            "Task.status",
            "value",
        )
    business = _business_status(sent)
    if business == current and TASK_STATUS[current] != sent.status:
        business = None  # the one read with the Task, left as it was: the status says it
    if business is not None and TASK_STATUS[business] != sent.status:
        raise _invalid(
            f"businessStatus {business} is Task status {TASK_STATUS[business]}, not {sent.status}",
            "Task.businessStatus",
            "value",
        )
    if business is None and TASK_STATUS[current] == sent.status:
        return None  # the status it already has: nothing to do
    target = business or STATUS_FOR_TASK[sent.status]
    if target in NOT_BY_TASK:
        raise _invalid(
            "A redirect or an allocation needs the service it goes to: make it with "
            "POST /api/v1/referrals/{id}/transitions",
            "Task.businessStatus",
            "not-supported",
        )
    return target


def plan(current: str, target: str | None) -> list[str] | None:
    """The actions that take a referral from `current` to `target`: one, or a chain of
    forward steps (acknowledge, accept …). [] when already there; None when no way."""
    if target is None or target == current:
        return []
    for action in ACTIONS.values():
        if action.to == target and current in action.sources:
            return [action.name]
    # Shortest chain of forward steps: breadth first over at most six statuses.
    queue: deque[tuple[str, list[str]]] = deque([(current, [])])
    seen = {current}
    while queue:
        status, path = queue.popleft()
        for name in FORWARD:
            action = ACTIONS[name]
            if status in action.sources and action.to not in seen:
                if action.to == target:
                    return [*path, name]
                seen.add(action.to)
                queue.append((action.to, [*path, name]))
    return None
