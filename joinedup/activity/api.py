"""Activity in the JSON API at /api/v1/: contacts (list, record, read), group sessions
and their register (DESIGN §8), under the same policy and audit as the pages.

Thin by rule: each operation parses, calls a selector or a service, and shapes the
output. A contact, person or session the caller may not see is a 404 identical to one
that does not exist; a role that may not record activity is a 403; a value out of its
choices or bounds is a 422 naming the field; nothing is half-written.
"""

import datetime as dt
import uuid
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints, WithJsonSchema

from joinedup.accounts.api import Problem, Text, bearer
from joinedup.activity import selectors, services
from joinedup.activity.models import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    NOTE_MAX_LENGTH,
    Attendance,
    ContactKind,
    SessionKind,
)
from joinedup.core.exceptions import NotFound
from joinedup.people import selectors as people_selectors

router = Router(tags=["activity"], auth=bearer)

PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
Duration = Annotated[int, Field(ge=MIN_DURATION_MINUTES, le=MAX_DURATION_MINUTES)]
_ONE = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class Named(Schema):
    id: uuid.UUID
    name: str


class ContactOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    organisation: Named
    service: Named | None
    kind: ContactKind
    starts_at: dt.datetime
    duration_minutes: int
    attendance: Attendance
    group_session: uuid.UUID | None
    note: str


def _named(obj) -> dict | None:
    return {"id": obj.public_id, "name": obj.name} if obj is not None else None


def _contact(c) -> dict:
    return {
        "id": c.public_id,
        "person": c.person.public_id,
        "organisation": _named(c.owning_organisation),
        "service": _named(c.service),
        "kind": c.kind,
        "starts_at": c.starts_at,
        "duration_minutes": c.duration_minutes,
        "attendance": c.attendance,
        "group_session": c.group_session.public_id if c.group_session_id else None,
        "note": c.note,
    }


class ContactFilters(Schema):
    person: uuid.UUID | None = Field(None, description="Their contacts; without it, your team's")
    service: uuid.UUID | None = None
    start: dt.date | None = Field(None, alias="from", description="First day (local time)")
    end: dt.date | None = Field(None, alias="to", description="Last day, included")
    after: Annotated[str, StringConstraints(max_length=60)] | None = Field(
        None, description="`next` of the page before"
    )
    size: int = Field(selectors.API_PAGE, ge=1, le=100)


class ContactPage(Schema):
    next: str | None = Field(description="Pass as `after` for the next page; null at the end")
    results: list[ContactOut]


def _service(public_id) -> object | None:
    if public_id is None:
        return None
    service = selectors.service_by_id(public_id=public_id)
    if service is None:
        raise NotFound("There is no such service", field="service")
    return service


@router.get(
    "/contacts",
    response={200: ContactPage, 401: Problem, 404: Problem, 422: Problem},
    summary="Contacts you may see, newest first",
    description="A person's contacts with every partner that are shared with you, or "
    "(without `person`) your own organisation's; a keyset page at a time.",
)
def contact_list(request, filters: Query[ContactFilters]):
    if filters.start and filters.end and filters.start > filters.end:
        raise ValidationError({"to": "The last day must be on or after the first day"})
    person = None
    if filters.person is not None:
        person = people_selectors.person_get(
            user=request.auth, public_id=filters.person, audit=False
        )
    page = selectors.contact_list(
        user=request.auth,
        person=person,
        service=_service(filters.service),
        start=filters.start,
        end=filters.end,
        after=filters.after,
        size=filters.size,
    )
    return {"next": page.next_cursor or None, "results": [_contact(c) for c in page.rows]}


class ContactIn(Schema):
    person: uuid.UUID = Field(description="Someone your team has a care relationship with")
    service: uuid.UUID | None = Field(None, description="One of your organisation's services")
    kind: ContactKind
    starts_at: dt.datetime = Field(description="With its offset, e.g. 2025-03-27T14:30:00Z")
    duration_minutes: Duration
    attendance: Attendance
    note: Annotated[Text, StringConstraints(max_length=NOTE_MAX_LENGTH)] = ""


@router.post(
    "/contacts",
    response={201: ContactOut, **_WRITE},
    summary="Record a contact",
    description="A contact your organisation had (or missed) with a person.",
)
def contact_create(request, payload: ContactIn, response: HttpResponse):
    person = people_selectors.person_get(user=request.auth, public_id=payload.person, audit=False)
    if payload.starts_at.tzinfo is None:
        raise ValidationError({"starts_at": "Give the time with its offset, e.g. Z for UTC"})
    contact = services.contact_record(
        actor=request.auth,
        person=person,
        service=_service(payload.service),
        kind=payload.kind,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        attendance=payload.attendance,
        note=payload.note,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:contact", kwargs={"id": contact.public_id})
    )
    created = selectors.contact_get(user=request.auth, public_id=contact.public_id, audit=False)
    return Status(201, _contact(created))


@router.get("/contacts/{id}", response={200: ContactOut, **_ONE}, url_name="contact")
def contact_get(request, id: PathId):
    return _contact(selectors.contact_get(user=request.auth, public_id=id))


# --- Group sessions ------------------------------------------------------------------------


class RegisterLine(Schema):
    person: uuid.UUID
    attendance: Attendance


class SessionOut(Schema):
    id: uuid.UUID
    organisation: Named
    service: Named
    kind: SessionKind
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    facilitators: list[str] = Field(description="Usernames")
    lines: list[RegisterLine] = Field(alias="register", description="The register, by name")


def _session(session, lines) -> dict:
    return {
        "id": session.public_id,
        "organisation": _named(session.owning_organisation),
        "service": _named(session.service),
        "kind": session.kind,
        "title": session.title,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "facilitators": [u.username for u in selectors.session_facilitators(session=session)],
        "register": [{"person": c.person.public_id, "attendance": c.attendance} for c in lines],
    }


class SessionIn(Schema):
    service: uuid.UUID = Field(description="One of your organisation's services")
    kind: SessionKind
    title: Annotated[Text, StringConstraints(min_length=1, max_length=services.TITLE_MAX)]
    starts_at: dt.datetime = Field(description="With its offset, e.g. 2025-03-27T10:00:00Z")
    duration_minutes: Duration
    facilitators: list[Annotated[str, StringConstraints(max_length=150)]] = Field(
        [], max_length=services.MAX_FACILITATORS, description="Colleagues' usernames"
    )


@router.post(
    "/group-sessions",
    response={201: SessionOut, **_WRITE},
    summary="Create a group or day-centre session",
    by_alias=True,
)
def group_session_create(request, payload: SessionIn, response: HttpResponse):
    if payload.starts_at.tzinfo is None:
        raise ValidationError({"starts_at": "Give the time with its offset, e.g. Z for UTC"})
    session = services.group_session_create(
        actor=request.auth,
        service=_service(payload.service),
        kind=payload.kind,
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        facilitators=payload.facilitators,
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:group_session", kwargs={"id": session.public_id})
    )
    session = selectors.session_get(user=request.auth, public_id=session.public_id)
    return Status(201, _session(session, []))


@router.get(
    "/group-sessions/{id}",
    response={200: SessionOut, **_ONE},
    url_name="group_session",
    summary="A group session of your organisation, with its register",
    by_alias=True,
)
def group_session_get(request, id: PathId):
    session = selectors.session_get(user=request.auth, public_id=id)
    return _session(session, selectors.session_register(user=request.auth, session=session))


class RegisterIn(Schema):
    lines: list[RegisterLine] = Field(
        alias="register", max_length=services.REGISTER_MAX, description="One line per person"
    )


@router.put(
    "/group-sessions/{id}/register",
    response={200: SessionOut, **_WRITE},
    summary="Save the register of a group session",
    description="One line per person: saving again updates their line, never adds a "
    "second; people left out keep what they had. All or nothing: a person your team has "
    "no care relationship with is a 404 and nothing is saved.",
    by_alias=True,
)
def group_session_register(request, id: PathId, payload: RegisterIn):
    session = selectors.session_get(user=request.auth, public_id=id)
    marks: dict[str, str] = {}
    for line in payload.lines:
        if str(line.person) in marks:
            raise ValidationError({"register": f"{line.person} is named twice"})
        marks[str(line.person)] = line.attendance
    services.register_save(actor=request.auth, session=session, marks=marks)
    return _session(session, selectors.session_register(user=request.auth, session=session))
