"""FHIR at /fhir/ (DESIGN §7, §8): a referral's ServiceRequest and Task to read, a
transaction Bundle to make a referral, and a PUT of the Task to move it along.

Thin, like the JSON API: parse (`fhir`), call the referral and people selectors and
services, render. Every answer is `application/fhir+json`; every error an
OperationOutcome naming what was wrong, and nothing written. A referral the caller may
not see is a 404 exactly like one that does not exist.

Only a bearer token (POST /api/v1/auth/token) authenticates here; a session cookie is
never read. That is why the views are CSRF-exempt: CSRF protects credentials a browser
sends by itself, and a bearer token is not one of them.
"""

import json
import logging
from functools import wraps

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.core.signals import got_request_exception
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from joinedup.accounts.api import bearer
from joinedup.core.exceptions import Conflict, DomainError, NotFound
from joinedup.directory import selectors as directory_selectors
from joinedup.people import selectors as people_selectors
from joinedup.people import services as people_services
from joinedup.referrals import fhir, selectors, services
from joinedup.referrals.models import Status

logger = logging.getLogger(__name__)

JSON_TYPES = frozenset({"application/fhir+json", "application/json"})
MAX_KEY = 100

# Where a field the services name lives in what was sent.
CREATE_FIELDS = {
    "reason": "ServiceRequest.reasonCode",
    "what_matters": "ServiceRequest.note",
    "risk_summary": "ServiceRequest.note",
    "urgency": "ServiceRequest.priority",
    "consent_to_share": "Bundle.entry.resource.ofType(Consent)",
    "service": "ServiceRequest.performer",
    "answers": "ServiceRequest",
    "nhs_number": "Patient.identifier",
    "given_name": "Patient.name.given",
    "family_name": "Patient.name.family",
    "date_of_birth": "Patient.birthDate",
    "postcode": "Patient.address.postalCode",
    "address_1": "Patient.address.line",
    "address_2": "Patient.address.line",
    "city": "Patient.address.city",
    "phone": "Patient.telecom",
    "email": "Patient.telecom",
}
TASK_FIELDS = {
    "reason": "Task.statusReason",
    "signposting": "Task.note",
    "action": "Task.status",
    "services": "Task.businessStatus",
}
ISSUE_CODE = {401: "login", 403: "forbidden", 404: "not-found", 409: "conflict"}


# --- Responses ------------------------------------------------------------------------


def _fhir(resource, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(resource.model_dump_json(), status=status, content_type=fhir.MEDIA_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _outcome(status: int, issues: list[dict]) -> HttpResponse:
    response = _fhir(fhir.operation_outcome(issues), status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def _issue(code: str, diagnostics: str, expression=None) -> dict:
    issue = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return issue


def _validation_issues(exc: ValidationError, fields: dict[str, str]) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [_issue("invalid", message) for message in exc.messages]
    issues = []
    for name, messages in exc.message_dict.items():
        where = fields.get(name.split(".")[0])
        for message in messages:
            issues.append(_issue("invalid", f"{where or name}: {message}", where))
    return issues


def _versioned(referral) -> dict:
    return {"ETag": f'W/"{referral.version}"', "Last_Modified": _http_date(referral.updated_at)}


def _http_date(moment) -> str:
    return http_date(moment.timestamp())


# --- The frame every endpoint shares ---------------------------------------------------


def fhir_endpoint(*methods: str, fields: dict[str, str] | None = None, public: bool = False):
    """Method check, bearer authentication, and every refusal as an OperationOutcome."""
    field_map = fields or {}

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def endpoint(request, *args, **kwargs):
            if request.method not in methods:
                response = _outcome(
                    405, [_issue("not-supported", f"{request.method} is not supported here")]
                )
                response["Allow"] = ", ".join(methods)
                return response
            try:
                user = None if public else _authenticated(request)
                return view(request, user, *args, **kwargs)
            except fhir.FhirError as exc:
                return _outcome(exc.status, exc.issues)
            except people_services.PossibleDuplicate:
                return _outcome(
                    409, [_issue("duplicate", DUPLICATE, "Bundle.entry.resource.ofType(Patient)")]
                )
            except DomainError as exc:
                code = ISSUE_CODE.get(exc.status, "processing")
                return _outcome(
                    exc.status, [_issue(code, exc.message, field_map.get(exc.field or ""))]
                )
            except ValidationError as exc:
                return _outcome(422, _validation_issues(exc, field_map))
            except RequestDataTooBig:
                return _outcome(413, [_issue("too-costly", "The request body is too large")])
            except SuspiciousOperation:
                return _outcome(400, [_issue("invalid", "The request could not be read")])
            except Exception as exc:
                # A bug of ours: logged and signalled as Django does for a 500 (the test
                # client re-raises it), answered in the format clients parse.
                logger.error(
                    "Internal Server Error: %s", request.path, exc_info=exc,
                    extra={"status_code": 500},
                )  # fmt: skip
                got_request_exception.send(sender=None, request=request)
                return _outcome(500, [_issue("exception", "Something went wrong on our side")])

        return endpoint

    return decorate


DUPLICATE = (
    "A person with this name, date of birth and postcode is already known to the "
    "partnership, and no NHS number confirms it is them. joinedup does not join records "
    "on a likely match sent by another system: send the person's NHS number in "
    "Patient.identifier, or, if your team already sees their record, name them in "
    f"ServiceRequest.subject.identifier (system {fhir.PERSON_ID}) instead of a Patient."
)


def _authenticated(request):
    user = bearer(request)  # the JSON API's own token check
    if user is None:
        raise fhir.FhirError(
            401,
            "login",
            "Send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/token "
            "that has not expired or been revoked",
        )
    return user


def _body(request):
    if request.content_type not in JSON_TYPES:
        raise fhir.FhirError(
            415, "not-supported", "Send the resource as JSON (Content-Type: application/fhir+json)"
        )
    try:
        return json.loads(request.body)
    except (ValueError, RecursionError) as exc:
        raise fhir.FhirError(400, "structure", f"The body is not valid JSON: {exc}") from None


# --- Reading ----------------------------------------------------------------------------


def _task_of(view):
    referral = view.referral
    last_reason = view.transitions[-1].reason if view.transitions else ""
    linked = [r for r in view.journey if r.parent_id == referral.pk]
    return fhir.task(referral, last_reason=last_reason, linked=linked)


@fhir_endpoint("GET", public=True)
def metadata(request, user):
    base = request.build_absolute_uri(reverse("fhir:transaction"))
    return _fhir(fhir.capability_statement(base))


@fhir_endpoint("GET")
def service_request_read(request, user, public_id: str):
    view = selectors.referral_view(user=user, public_id=public_id)
    resource = fhir.service_request(view.referral, view.needs)
    return _fhir(resource, **_versioned(view.referral))


@fhir_endpoint("GET", "PUT", fields=TASK_FIELDS)
def task_instance(request, user, public_id: str):
    if request.method == "PUT":
        _task_update(request, user, public_id)
    view = selectors.referral_view(user=user, public_id=public_id)
    return _fhir(_task_of(view), **_versioned(view.referral))


@fhir_endpoint("GET")
def task_search(request, user):
    focus = request.GET.get("focus", "").strip()
    if not focus:
        raise fhir.FhirError(
            400,
            "required",
            "Search Tasks by the referral they are for: GET /fhir/Task?focus=ServiceRequest/<id>",
            ["focus"],
        )
    try:
        view = selectors.referral_view(user=user, public_id=focus.rsplit("ServiceRequest/", 1)[-1])
    except NotFound:
        tasks = []
    else:
        tasks = [_task_of(view)]
    base = request.build_absolute_uri(reverse("fhir:transaction"))
    return _fhir(fhir.searchset(tasks, base_url=base, self_url=request.build_absolute_uri()))


# --- Writing ----------------------------------------------------------------------------


@fhir_endpoint("POST", fields=CREATE_FIELDS)
def transaction_bundle(request, user):
    inbound = fhir.parse_referral_bundle(_body(request))
    key = request.headers.get("Idempotency-Key", "").strip() or inbound.idempotency_key
    if len(key) > MAX_KEY or not key.isprintable():
        raise fhir.FhirError(
            400,
            "invalid",
            f"Idempotency-Key is at most {MAX_KEY} printable characters",
            ["Idempotency-Key"],
        )
    # A retry is answered before anything else is looked at: the person it would find
    # or add is already the referral's.
    existing = selectors.referral_for_idempotency_key(user=user, idempotency_key=key)
    if existing is not None:
        return _created(request, inbound, existing, replayed=True)
    service = directory_selectors.service_get(public_id=inbound.service_id)
    if service is None:
        raise fhir.FhirError(
            422,
            "not-found",
            f"There is no service {inbound.service_id} in the directory",
            ["ServiceRequest.performer.identifier"],
        )
    needs = _needs(service, inbound.need_codes)
    _check_requester(user, inbound)
    with transaction.atomic():
        person = _person(user, inbound)
        created = services.referral_create(
            actor=user,
            person=person,
            service=service,
            data=inbound.fields,
            needs=needs,
            submit=inbound.submit,
            idempotency_key=key,
        )
        if created.replayed:
            # A retry that raced this one made the referral first: keep none of this one.
            transaction.set_rollback(True)
    return _created(request, inbound, created.referral, replayed=created.replayed)


def _needs(service, codes: list[str]) -> list:
    terms = {t.code: t for t in service.taxonomy_terms.all()}
    unknown = sorted({code for code in codes if code not in terms})
    if unknown:
        raise fhir.FhirError(
            422,
            "value",
            f"{service.name} does not list the needs: {', '.join(unknown)[:300]}",
            ["ServiceRequest.category"],
        )
    return [terms[code] for code in dict.fromkeys(codes)]


def _check_requester(user, inbound: fhir.InboundReferral) -> None:
    requester = inbound.requester
    if requester is None or requester[0] not in (fhir.ODS_CODE, fhir.ORGANISATION_ID):
        return
    if not fhir.names_organisation(requester, user.acting_membership.organisation):
        raise fhir.FhirError(
            422,
            "business-rule",
            "ServiceRequest.requester names another organisation: a referral is made by the "
            "organisation your token acts for",
            ["ServiceRequest.requester"],
        )


def _person(user, inbound: fhir.InboundReferral):
    """The person the referral is for: the bundle's Patient found or added (one person,
    one record), or someone the caller's team already sees."""
    if inbound.patient is not None:
        # Never confirm_same_person: a likely match (name, birth date, postcode) from
        # another system is refused, not joined; an NHS number that agrees with the
        # family name and birth date joins the record (people.services).
        return people_services.person_create(actor=user, data=inbound.patient)
    try:
        if inbound.person_id is not None:
            return people_selectors.person_get(user=user, public_id=inbound.person_id, audit=False)
        person = people_selectors.person_list(user=user, search=inbound.nhs_number).first()
    except NotFound:
        person = None
    if person is None:
        raise fhir.FhirError(
            422,
            "not-found",
            "Your team has no record of this person: include the Patient in the bundle",
            ["ServiceRequest.subject.identifier"],
        )
    return person


def _created(request, inbound: fhir.InboundReferral, referral, *, replayed: bool):
    done = "200 OK" if replayed else "201 Created"
    entries = []
    for kind in inbound.entries:
        if kind in ("ServiceRequest", "Task"):
            entries.append(
                {
                    "status": done,
                    "location": f"{kind}/{referral.public_id}/_history/{referral.version}",
                    "etag": f'W/"{referral.version}"',
                    "lastModified": referral.updated_at.isoformat(),
                }
            )
        else:
            # The Patient is found or added (one record per person); the Consent is kept
            # as the referral's consent to share. Neither is a resource served here.
            entries.append({"status": "200 OK"})
    location = request.build_absolute_uri(
        reverse("fhir:service-request", args=[referral.public_id])
    )
    return _fhir(fhir.transaction_response(entries), 200 if replayed else 201, Location=location)


def _task_update(request, user, public_id: str) -> None:
    referral = selectors.referral_get(user=user, public_id=public_id, audit=False)
    update = fhir.parse_task_update(
        _body(request),
        public_id=public_id,
        if_match=request.headers.get("If-Match", ""),
        current=referral.status,
    )
    steps = fhir.plan(referral.status, update.target)
    if steps is None:
        raise Conflict(
            f"A referral that is {Status(referral.status).label.lower()} cannot become "
            f"“{Status(update.target).label.lower()}” (Task status {update.status})",
            field="action",
        )
    if update.version != referral.version:
        # The services check it for each step; a request that changes nothing is checked here.
        raise Conflict(
            f"This referral has changed since version {update.version} (it is now version "
            f"{referral.version}, {Status(referral.status).label.lower()}): read it again",
            field="action",
        )
    with transaction.atomic():
        for number, action in enumerate(steps, start=1):
            last = number == len(steps)
            services.transition(
                actor=user,
                referral=referral,
                action=action,
                expected_version=referral.version if number > 1 else update.version,
                reason=update.reason if last else "",
                signposting=update.signposting if action == "decline" else "",
            )
