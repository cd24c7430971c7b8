"""The joint referral meetings in the JSON API at /api/v1/meetings (DESIGN §8): the
meetings of your organisation, a meeting's agenda as you may see it, decisions on its
items, and its actions.

Thin: parse, call a selector or a service, shape the output. The rules are the web
pages' (docs/meetings.md): a meeting your organisation is not at, or an item you may not
see, is a 404 exactly as one that does not exist; deciding is for a referral coordinator
attending (else 403); a closed meeting or an item decided already is a 409; a wrong field
is a 422 naming it. Nothing is written unless all of it is.
"""

import datetime as dt
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints, WithJsonSchema

from joinedup.accounts.api import Problem, bearer
from joinedup.directory import selectors as directory_selectors
from joinedup.meetings import selectors, services
from joinedup.meetings.models import DecisionKind, ItemKind, MeetingStatus

router = Router(tags=["meetings"], auth=bearer)

PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
LongText = Annotated[str, StringConstraints(max_length=services.MAX_TEXT)]
ActionText = Annotated[str, StringConstraints(max_length=services.MAX_ACTION)]
Slug = Annotated[str, StringConstraints(max_length=120, pattern=r"^[-a-zA-Z0-9_]*$")]
Username = Annotated[str, StringConstraints(max_length=150, pattern=r"^[\w.@+-]+$")]
_READ = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class MeetingNamed(Schema):
    id: uuid.UUID
    name: str


class MeetingLocality(MeetingNamed):
    slug: str


class MeetingSummary(Schema):
    id: uuid.UUID
    locality: MeetingLocality
    starts_at: dt.datetime
    status: MeetingStatus
    place: str
    items: int = Field(description="How many items its agenda has")


class MeetingPerson(Schema):
    id: uuid.UUID
    name: str


class MeetingReferral(Schema):
    id: uuid.UUID
    reference: str
    status: str
    service: MeetingNamed
    organisation: MeetingNamed
    referring_organisation: MeetingNamed | None
    urgency: str
    reason: str
    what_matters: str
    needs: list[str] = Field(description="Taxonomy term codes")
    bounce_count: int
    in_limbo: bool
    outcome: str


class MeetingCarePlanReview(Schema):
    id: uuid.UUID
    review_due: dt.date | None
    organisation: MeetingNamed


class MeetingNewReferral(Schema):
    id: uuid.UUID
    reference: str
    service: str
    organisation: str


class MeetingDecisionOut(Schema):
    kind: DecisionKind
    joint_offer: bool = Field(description="Allocated to services of two or more organisations")
    services: list[MeetingNamed]
    reason: str
    signposting: str
    new_referrals: list[MeetingNewReferral]
    decided_by: str
    organisation: MeetingNamed
    decided_at: dt.datetime


class MeetingActionOut(Schema):
    id: uuid.UUID
    item: uuid.UUID | None
    description: str
    owner: str = Field(description="The owner's username")
    owner_name: str
    organisation: MeetingNamed
    due_on: dt.date
    done_at: dt.datetime | None


class AgendaItemOut(Schema):
    id: uuid.UUID
    number: int
    kind: ItemKind
    shown: bool = Field(
        description="Whether you may see what the item says; if not, nothing else about it "
        "is given but whether it is decided"
    )
    decided: bool
    person: MeetingPerson | None = Field(description="Null when you may not know of the person")
    reasons: list[str]
    referral: MeetingReferral | None
    care_plan_review: MeetingCarePlanReview | None
    decision: MeetingDecisionOut | None
    actions: list[MeetingActionOut]


class MeetingAttendee(Schema):
    username: str
    name: str
    organisation: MeetingNamed
    role: str


class MeetingDetail(MeetingSummary):
    organisations: list[MeetingNamed]
    attendees: list[MeetingAttendee]
    agenda: list[AgendaItemOut]
    actions: list[MeetingActionOut] = Field(description="The actions about the meeting as a whole")
    notes: str
    you_may_decide: bool


def _named(obj) -> dict:
    return {"id": obj.public_id, "name": obj.name}


def _summary(meeting, items: int) -> dict:
    return {
        "id": meeting.public_id,
        "locality": {**_named(meeting.locality), "slug": meeting.locality.slug},
        "starts_at": meeting.starts_at,
        "status": meeting.status,
        "place": meeting.place,
        "items": items,
    }


def _action(a) -> dict:
    return {
        "id": a.public_id,
        "item": None,
        "description": a.description,
        "owner": a.owner.username,
        "owner_name": a.owner.get_full_name() or a.owner.username,
        "organisation": _named(a.organisation),
        "due_on": a.due_on,
        "done_at": a.done_at,
    }


def _referral(r) -> dict:
    return {
        "id": r.public_id,
        "reference": r.reference,
        "status": r.status,
        "service": _named(r.service),
        "organisation": _named(r.service.organisation),
        "referring_organisation": _named(r.referring_organisation)
        if r.referring_organisation_id
        else None,
        "urgency": r.urgency,
        "reason": r.reason,
        "what_matters": r.what_matters,
        "needs": [t.code for t in r.needs.all()],
        "bounce_count": r.bounce_count,
        "in_limbo": r.in_limbo,
        "outcome": r.outcome,
    }


def _decision(d) -> dict:
    return {
        "kind": d.kind,
        "joint_offer": d.joint_offer,
        "services": [_named(s) for s in d.services.all()],
        "reason": d.reason,
        "signposting": d.signposting,
        "new_referrals": d.new_referrals,
        "decided_by": d.decided_by.username,
        "organisation": _named(d.decided_by_organisation),
        "decided_at": d.decided_at,
    }


def _item(row) -> dict:
    item = row.item
    body = {
        "id": item.public_id,
        "number": row.number,
        "kind": item.kind,
        "shown": row.shown,
        "decided": row.decided,
        "person": {"id": row.person.public_id, "name": row.name} if row.person else None,
        "reasons": [],
        "referral": None,
        "care_plan_review": None,
        "decision": None,
        "actions": [],
    }
    if row.shown:
        body["reasons"] = list(item.reasons)
        body["referral"] = _referral(row.referral) if row.referral else None
        if item.kind == ItemKind.CARE_PLAN_REVIEW:
            body["care_plan_review"] = {
                "id": item.care_plan_id,
                "review_due": item.review_due,
                "organisation": _named(item.owning_organisation),
            }
        body["decision"] = _decision(row.decision) if row.decision else None
        body["actions"] = [{**_action(a), "item": item.public_id} for a in row.actions]
    return body


def _detail(view) -> dict:
    meeting = view.meeting
    return {
        **_summary(meeting, len(view.rows)),
        "organisations": [_named(o) for o in view.organisations],
        "attendees": [
            {
                "username": a.user.username,
                "name": a.user.get_full_name() or a.user.username,
                "organisation": _named(a.organisation),
                "role": a.role,
            }
            for a in view.attendees
        ],
        "agenda": [_item(row) for row in view.rows],
        "actions": [_action(a) for a in view.meeting_actions],
        "notes": meeting.notes,
        "you_may_decide": view.can_decide,
    }


class MeetingFilters(Schema):
    locality: Slug = Field("", description="A locality's slug")
    upcoming: bool | None = Field(
        None, description="true: open meetings, soonest first; false: closed ones, latest first"
    )


@router.get(
    "/meetings",
    response={200: list[MeetingSummary], **_READ},
    summary="The joint referral meetings your organisation is at",
)
def meeting_list(request, filters: Query[MeetingFilters]):
    meetings = selectors.meeting_list(
        user=request.auth, locality_slug=filters.locality, upcoming=filters.upcoming
    )
    return [_summary(m, m.item_count) for m in meetings]


@router.get(
    "/meetings/{id}",
    response={200: MeetingDetail, **_READ},
    url_name="meeting",
    summary="A meeting, with its agenda as you may see it",
)
def meeting_get(request, id: PathId):
    return _detail(selectors.meeting_view(user=request.auth, public_id=id))


def _after_write(user, meeting) -> dict:
    # Shown back without a second audit event: the write's own event records it.
    return _detail(selectors.meeting_view(user=user, public_id=meeting.public_id, audit=False))


@router.post(
    "/meetings/{id}/attendance",
    response={200: MeetingDetail, **_WRITE},
    summary="Say you are attending",
)
def meeting_attend(request, id: PathId):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    services.attendee_join(actor=request.auth, meeting=meeting)
    return _after_write(request.auth, meeting)


@router.post(
    "/meetings/{id}/agenda",
    response={200: MeetingDetail, **_WRITE},
    summary="Bring the agenda up to date",
    description="Adds what has come up since (the locality's queue, care plan reviews due); "
    "keeps every item already there.",
)
def agenda_refresh(request, id: PathId):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    services.agenda_build(meeting=meeting, actor=request.auth)
    return _after_write(request.auth, meeting)


@router.post("/meetings/{id}/start", response={200: MeetingDetail, **_WRITE})
def meeting_start(request, id: PathId):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    services.meeting_start(actor=request.auth, meeting=meeting)
    return _after_write(request.auth, meeting)


class MeetingCloseIn(Schema):
    notes: LongText = ""


@router.post(
    "/meetings/{id}/close",
    response={200: MeetingDetail, **_WRITE},
    summary="Close the meeting",
    description="Its agenda and decisions become its minutes; the care relationships it "
    "gave the organisations at it end.",
)
def meeting_close(request, id: PathId, payload: MeetingCloseIn):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    services.meeting_close(actor=request.auth, meeting=meeting, notes=payload.notes)
    return _after_write(request.auth, meeting)


class MeetingActionIn(Schema):
    description: ActionText
    owner: Username = Field(description="The username of whoever will do it")
    organisation: Slug = Field(description="The owner's organisation (a slug), at the meeting")
    due_on: dt.date


def _action_data(meeting, payload: MeetingActionIn, prefix: str = "") -> services.ActionData:
    owner = selectors.staff_by_username(username=payload.owner)
    organisation = directory_selectors.organisation_get(slug=payload.organisation)
    errors = {}
    if owner is None:
        errors[f"{prefix}owner"] = "There is no such member of staff"
    if organisation is None:
        errors[f"{prefix}organisation"] = "There is no such organisation"
    if errors:
        raise ValidationError(errors)
    return services.ActionData(
        description=payload.description,
        owner=owner,
        organisation=organisation,
        due_on=payload.due_on,
    )


class MeetingDecisionIn(Schema):
    kind: DecisionKind
    services: list[uuid.UUID] = Field(
        [], max_length=10, description="For an allocation: the services it goes to"
    )
    reason: LongText = ""
    signposting: LongText = ""
    action: MeetingActionIn | None = Field(
        None, description="Needed when more information is needed"
    )


@router.post(
    "/meetings/{id}/items/{item_id}/decision",
    response={201: AgendaItemOut, **_WRITE},
    summary="Record the meeting's decision on an item",
    description="Allocate (to one or more services: two organisations' make a joint offer; "
    "the referrals are made at once), signpost, more information needed (with an action), "
    "or no further action. Only a referral coordinator attending the meeting decides.",
)
def item_decide(request, id: PathId, item_id: PathId, payload: MeetingDecisionIn):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    chosen, unknown = [], []
    for service_id in payload.services:
        service = selectors.service_for_allocation(public_id=service_id)
        (chosen if service else unknown).append(service or service_id)
    if unknown:
        raise ValidationError(
            {"services": f"There is no service {', '.join(str(u) for u in unknown)}"}
        )
    action = _action_data(meeting, payload.action, "action.") if payload.action else None
    services.item_decide(
        actor=request.auth,
        meeting=meeting,
        item_public_id=item_id,
        data=services.DecisionData(
            kind=payload.kind,
            services=chosen,
            reason=payload.reason,
            signposting=payload.signposting,
            action=action,
        ),
    )
    view = selectors.meeting_view(user=request.auth, public_id=meeting.public_id, audit=False)
    row = next(r for r in view.rows if str(r.item.public_id) == str(item_id))
    return Status(201, _item(row))


class MeetingItemActionIn(MeetingActionIn):
    item: uuid.UUID | None = Field(None, description="The item it is about, if one")


@router.post(
    "/meetings/{id}/actions",
    response={201: MeetingActionOut, **_WRITE},
    summary="Add an action",
)
def action_add(request, id: PathId, payload: MeetingItemActionIn):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    action = services.action_add(
        actor=request.auth,
        meeting=meeting,
        data=_action_data(meeting, payload),
        item_public_id=payload.item,
    )
    return Status(201, {**_action(action), "item": payload.item})


@router.post(
    "/meetings/{id}/actions/{action_id}/done",
    response={200: MeetingActionOut, **_WRITE},
    summary="Mark an action done",
)
def action_done(request, id: PathId, action_id: PathId):
    meeting = selectors.meeting_get(user=request.auth, public_id=id)
    action = services.action_done(actor=request.auth, meeting=meeting, action_public_id=action_id)
    return {**_action(action), "item": action.item.public_id if action.item_id else None}
