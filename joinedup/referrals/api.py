"""Referrals in the JSON API at /api/v1/: make one, read one, move it along its
lifecycle, and the team's worklist (DESIGN §6, §8).

Thin by rule: each operation parses, calls a selector or a service, and shapes the
output. A referral the caller may not see is a 404 identical to one that does not exist;
an action on the wrong side is a 403 with the reason; an action not possible from the
status, or on a version someone else has moved on, is a 409.
"""

import uuid
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import StringConstraints, WithJsonSchema

from joinedup.accounts.api import Problem, bearer
from joinedup.core.exceptions import NotFound
from joinedup.directory import selectors as directory_selectors
from joinedup.people import selectors as people_selectors
from joinedup.referrals import selectors, services
from joinedup.referrals.models import Status as ReferralStatus
from joinedup.referrals.models import Urgency

router = Router(tags=["referrals"], auth=bearer)

PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
LongText = Annotated[str, StringConstraints(max_length=services.MAX_TEXT)]
_ONE = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class Named(Schema):
    id: uuid.UUID
    name: str


class TransitionOut(Schema):
    from_status: str
    to_status: ReferralStatus
    at: datetime
    by: str | None
    organisation: str | None
    reason: str
    linked_referral: uuid.UUID | None


class ReferralOut(Schema):
    id: uuid.UUID
    reference: str
    status: ReferralStatus
    version: int = Field(description="Send it back with a transition: optimistic locking")
    next_step: str = Field(description="What has to happen next ('' once closed)")
    person: uuid.UUID
    service: Named
    owner_organisation: Named
    referring_organisation: Named | None
    self_referral: bool
    urgency: Urgency
    reason: str
    what_matters: str
    risk_summary: str
    needs: list[str] = Field(description="Taxonomy term codes")
    answers: dict
    journey: uuid.UUID
    parent: uuid.UUID | None
    bounce_count: int
    in_limbo: bool
    submitted_at: datetime | None
    acknowledge_by: date | None
    first_contact_by: date | None
    closed_at: datetime | None
    outcome: str


class ReferralDetail(ReferralOut):
    transitions: list[TransitionOut]


def _named(obj) -> dict | None:
    return {"id": obj.public_id, "name": obj.name} if obj is not None else None


def _referral(r, needs: list[str] | None = None) -> dict:
    return {
        "id": r.public_id,
        "reference": r.reference,
        "status": r.status,
        "version": r.version,
        "next_step": services.next_step(r),
        "person": r.person.public_id,
        "service": _named(r.service),
        "owner_organisation": _named(r.owner_organisation),
        "referring_organisation": _named(r.referring_organisation),
        "self_referral": r.self_referral,
        "urgency": r.urgency,
        "reason": r.reason,
        "what_matters": r.what_matters,
        "risk_summary": r.risk_summary,
        "needs": needs if needs is not None else [],
        "answers": r.answers,
        "journey": r.journey_id,
        "parent": r.parent.public_id if r.parent_id else None,
        "bounce_count": r.bounce_count,
        "in_limbo": r.in_limbo,
        "submitted_at": r.submitted_at,
        "acknowledge_by": r.acknowledge_by,
        "first_contact_by": r.first_contact_by,
        "closed_at": r.closed_at,
        "outcome": r.outcome,
    }


def _detail(user, public_id, *, audit: bool = True) -> dict:
    # A referral the caller has just made or moved is shown back without a second audit
    # event: the write's own event records it (and a second would hold the chain's lock).
    view = selectors.referral_view(user=user, public_id=public_id, audit=audit)
    body = _referral(view.referral, needs=[t.code for t in view.needs])
    body["transitions"] = [
        {
            "from_status": t.from_status,
            "to_status": t.to_status,
            "at": t.at,
            "by": (t.actor.get_full_name() or t.actor.username) if t.actor else None,
            "organisation": t.actor_organisation.name if t.actor_organisation else None,
            "reason": t.reason,
            "linked_referral": t.linked_referral.public_id if t.linked_referral else None,
        }
        for t in view.transitions
    ]
    return body


class ReferralCreate(Schema):
    person: uuid.UUID = Field(description="A person your team may see (GET /people)")
    service: uuid.UUID = Field(description="The receiving service (GET /services)")
    reason: LongText
    what_matters: LongText = ""
    risk_summary: LongText = ""
    urgency: Urgency = Urgency.ROUTINE
    needs: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        [], max_length=50, description="Codes of the service's taxonomy terms"
    )
    consent_to_share: bool = Field(
        description="The person agrees to the referral and to the service seeing it"
    )
    answers: dict = Field({}, description="Answers to the service's own questions, by key")
    submit: bool = Field(True, description="False keeps it as a draft")


@router.post(
    "/referrals",
    response={201: ReferralDetail, 200: ReferralDetail, **_WRITE},
    summary="Make a referral",
    description="With an Idempotency-Key header, a retried request returns the referral the "
    "first one made (200), and never makes a second.",
)
def referral_create(
    request,
    payload: ReferralCreate,
    response: HttpResponse,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=100)] = "",
):
    person = people_selectors.person_get(user=request.auth, public_id=payload.person, audit=False)
    service = directory_selectors.service_to_refer(public_id=payload.service)
    if service is None:
        raise NotFound("There is no such service")
    terms = {t.code: t for t in service.taxonomy_terms.all()}
    unknown = [code for code in payload.needs if code not in terms]
    if unknown:
        raise ValidationError({"needs": f"{service.name} does not list: {', '.join(unknown)}"})
    created = services.referral_create(
        actor=request.auth,
        person=person,
        service=service,
        data=payload.dict(include={"reason", "what_matters", "risk_summary", "urgency",
                                   "consent_to_share", "answers"}),
        needs=[terms[code] for code in payload.needs],
        submit=payload.submit,
        idempotency_key=idempotency_key,
    )  # fmt: skip
    referral = created.referral
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:referral", kwargs={"id": referral.public_id})
    )
    body = _detail(request.auth, referral.public_id, audit=created.replayed)
    return Status(200 if created.replayed else 201, body)


class ReferralFilters(Schema):
    person: uuid.UUID | None = None
    status: ReferralStatus | None = None


@router.get(
    "/referrals",
    response={200: list[ReferralOut], 401: Problem, 404: Problem, 422: Problem},
    summary="A person's referrals that you may see",
    description="Give `person`; for your team's open referrals, use GET /worklist.",
)
def referral_list(request, filters: Query[ReferralFilters]):
    if filters.person is None:
        raise ValidationError({"person": "Give the person whose referrals you want"})
    person = people_selectors.person_get(user=request.auth, public_id=filters.person, audit=False)
    referrals = selectors.person_referrals(user=request.auth, person=person)
    if filters.status:
        referrals = [r for r in referrals if r.status == filters.status]
    return [_referral(r) for r in referrals]


@router.get("/referrals/{id}", response={200: ReferralDetail, **_ONE}, url_name="referral")
def referral_get(request, id: PathId):
    return _detail(request.auth, id)


class TransitionIn(Schema):
    action: Annotated[str, StringConstraints(max_length=30)] = Field(
        description=f"One of: {', '.join(services.ACTIONS)}"
    )
    version: int = Field(ge=1, description="The version you saw")
    reason: LongText = ""
    signposting: LongText = ""
    to_meeting: bool = False
    services: list[uuid.UUID] = Field([], max_length=10, description="For redirect, allocate")


@router.post(
    "/referrals/{id}/transitions",
    response={200: ReferralDetail, **_WRITE},
    summary="Move a referral along its lifecycle",
)
def referral_transition(request, id: PathId, payload: TransitionIn):
    referral = selectors.referral_get(user=request.auth, public_id=id, audit=False)
    targets = []
    for service_id in payload.services:
        service = directory_selectors.service_to_refer(public_id=service_id)
        if service is None:
            raise NotFound(f"There is no service {service_id}")
        targets.append(service)
    services.transition(
        actor=request.auth,
        referral=referral,
        action=payload.action,
        expected_version=payload.version,
        reason=payload.reason,
        signposting=payload.signposting,
        to_meeting=payload.to_meeting,
        services=targets,
    )
    return _detail(request.auth, referral.public_id, audit=False)


class WorklistFilters(Schema):
    direction: Annotated[str, StringConstraints(pattern="^(incoming|outgoing)$")] = "incoming"
    flag: Annotated[str, StringConstraints(pattern="^(|new|limbo|bouncing)$")] = ""
    status: ReferralStatus | None = None
    after: Annotated[str, StringConstraints(max_length=80)] | None = Field(
        None, description="`next` of the page before"
    )
    size: int = Field(selectors.WORKLIST_PAGE, ge=1, le=100)
    sort: Annotated[str, StringConstraints(pattern="^(urgency|oldest|newest)$")] = Field(
        "urgency", description="urgency (urgent first, then oldest), oldest or newest"
    )


class WorklistCounts(Schema):
    total: int
    new: int
    limbo: int
    bouncing: int


class WorklistPage(Schema):
    counts: WorklistCounts
    next: str | None = Field(description="Pass as `after` for the next page; null at the end")
    results: list[ReferralOut]


@router.get(
    "/worklist",
    response={200: WorklistPage, 401: Problem, 422: Problem},
    summary="Your team's open referrals, urgent first then oldest",
)
def worklist(request, filters: Query[WorklistFilters]):
    page = selectors.worklist(
        user=request.auth,
        direction=filters.direction,
        flag=filters.flag,
        status=filters.status or "",
        after=filters.after,
        size=filters.size,
        sort=filters.sort,
    )
    return {
        "counts": page.counts,
        "next": page.next_cursor or None,
        "results": [_referral(r) for r in page.rows],
    }
