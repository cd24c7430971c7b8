"""Care plans in the JSON API at /api/v1/care-plans (issue 5; DESIGN §8).

Thin by rule: each operation parses, calls a selector or a service, and shapes the
output. A plan the caller may not see is a 404 identical to one that does not exist; a
write the services refuse is a 403 with the reason; a change to a version someone else
has moved on is a 409; bad input is a 422 naming the field. Every read and write is
audited by the selectors and services, as in the browser.
"""

import uuid
from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from joinedup.accounts.api import Problem, Text, bearer
from joinedup.careplans import diffs, selectors, services
from joinedup.people import selectors as people_selectors

router = Router(tags=["care plans"], auth=bearer)

PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
_ONE = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
Username = Annotated[Text, Field(max_length=150)]
MAX_INT = 2**31 - 1  # a version number PostgreSQL's integer can compare with


class Named(Schema):
    id: uuid.UUID
    name: str


class OfferOut(Schema):
    service: Named
    organisation: Named
    worker: str | None = Field(description="The named worker's username")
    worker_name: str | None
    frequency: str


class MemberOut(Schema):
    id: uuid.UUID
    organisation: Named
    worker: str | None = Field(description="The worker's username; null for the whole team")
    worker_name: str | None
    role: str
    single_point_of_contact: bool
    care_coordinator: bool


class AgreementOut(Schema):
    how: str = Field(description="portal (signed by the person) or verbal (recorded by staff)")
    agreed_at: datetime
    recorded_by: str
    note: str


class VersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str
    organisation: str
    changed: list[str] = Field(description="The sections this version changed")
    agreement: AgreementOut | None


class CommentOut(Schema):
    at: datetime
    version: int
    text: str


class CarePlanSummary(Schema):
    id: uuid.UUID
    person: uuid.UUID
    owning_organisation: Named
    locality: Named | None
    version: int = Field(description="Send it back to change the plan: optimistic locking")
    review_date: date
    agreed: bool = Field(description="The person agreed to the current version")


class CarePlanOut(CarePlanSummary):
    what_matters: str
    goals: str
    strengths: str
    crisis_plan: str
    offers: list[OfferOut]
    care_team: list[MemberOut]
    agreement: AgreementOut | None = Field(description="To the current version, if given")
    versions: list[VersionOut] = Field(description="Newest first")
    comments: list[CommentOut] = Field(description="The person's comments, newest first")


def _named(obj) -> dict | None:
    return {"id": obj.public_id, "name": obj.name} if obj is not None else None


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def _agreement(agreement) -> dict | None:
    if agreement is None:
        return None
    return {
        "how": agreement.how,
        "agreed_at": agreement.agreed_at,
        "recorded_by": _name(agreement.recorded_by),
        "note": agreement.note,
    }


def _summary(plan, *, agreed: bool) -> dict:
    return {
        "id": plan.public_id,
        "person": plan.person.public_id,
        "owning_organisation": _named(plan.owning_organisation),
        "locality": _named(plan.locality),
        "version": plan.version,
        "review_date": plan.review_date,
        "agreed": agreed,
    }


def _detail(user, public_id) -> dict:
    page = selectors.care_plan_page(user=user, public_id=public_id)
    plan = page.plan
    return {
        **_summary(plan, agreed=page.agreement is not None),
        "what_matters": plan.what_matters,
        "goals": plan.goals,
        "strengths": plan.strengths,
        "crisis_plan": plan.crisis_plan,
        "offers": [
            {
                "service": _named(o.service),
                "organisation": _named(o.organisation),
                "worker": o.worker.username if o.worker else None,
                "worker_name": _name(o.worker),
                "frequency": o.frequency,
            }
            for o in page.offers
        ],
        "care_team": [
            {
                "id": m.public_id,
                "organisation": _named(m.organisation),
                "worker": m.user.username if m.user else None,
                "worker_name": _name(m.user),
                "role": m.role,
                "single_point_of_contact": m.is_single_point_of_contact,
                "care_coordinator": m.is_care_coordinator,
            }
            for m in page.care_team
        ],
        "agreement": _agreement(page.agreement),
        "versions": [
            {
                "number": v.number,
                "created_at": v.created_at,
                "created_by": _name(v.created_by),
                "organisation": v.created_by_organisation.name,
                "changed": v.changed or [],
                "agreement": _agreement(getattr(v, "agreement", None)),
            }
            for v in page.versions
        ],
        "comments": [
            {"at": c.created_at, "version": c.version_number, "text": c.text} for c in page.comments
        ],
    }


class OfferIn(Schema):
    service: uuid.UUID = Field(description="A service of the directory (GET /services)")
    worker: Username | None = Field(None, description="A member of the service's staff")
    frequency: Annotated[Text, Field(max_length=services.MAX_FREQUENCY)] = ""


class CoordinatorIn(Schema):
    username: Username
    organisation: uuid.UUID = Field(description="The organisation they coordinate for")


class CarePlanContent(Schema):
    what_matters: Annotated[Text, Field(max_length=services.MAX_TEXT)] = Field(
        description="In the person's own words"
    )
    goals: Annotated[Text, Field(max_length=services.MAX_TEXT)] = Field(
        description="In the person's own words"
    )
    strengths: Annotated[Text, Field(max_length=services.MAX_TEXT)] = ""
    crisis_plan: Annotated[Text, Field(max_length=services.MAX_TEXT)]
    review_date: date = Field(description="Today or later, within two years, when it changes")
    locality: uuid.UUID | None = Field(
        None, description="Whose joint referral meeting reviews it; null: worked out"
    )
    offers: list[OfferIn] = Field([], max_length=services.MAX_OFFERS)
    care_coordinator: CoordinatorIn | None = Field(
        None,
        description="Staff of a statutory organisation, unless the partnership has recorded "
        "another rule",
    )

    def data(self) -> dict:
        return {
            "what_matters": self.what_matters,
            "goals": self.goals,
            "strengths": self.strengths,
            "crisis_plan": self.crisis_plan,
            "review_date": self.review_date,
            "locality": self.locality,
            "offers": [
                {"service": o.service, "worker": o.worker or "", "frequency": o.frequency}
                for o in self.offers
            ],
            "care_coordinator": (
                {
                    "username": self.care_coordinator.username,
                    "organisation": self.care_coordinator.organisation,
                }
                if self.care_coordinator
                else None
            ),
        }


class CarePlanCreate(CarePlanContent):
    person: uuid.UUID = Field(description="A person your team may see (GET /people)")


class CarePlanUpdate(CarePlanContent):
    version: int = Field(ge=1, le=MAX_INT, description="The version you are changing")


class CarePlanFilters(Schema):
    person: uuid.UUID | None = None


@router.get(
    "/care-plans",
    response={200: list[CarePlanSummary], 401: Problem, 404: Problem, 422: Problem},
    summary="A person's care plans that you may see",
)
def care_plan_list(request, filters: Query[CarePlanFilters]):
    if filters.person is None:
        raise ValidationError({"person": "Give the person whose care plans you want"})
    person = people_selectors.person_get(user=request.auth, public_id=filters.person, audit=False)
    plans = selectors.care_plan_list(user=request.auth, person=person)
    agreed = selectors.agreed_plan_ids(plans=plans)
    return [_summary(p, agreed=p.pk in agreed) for p in plans]


@router.get("/care-plans/{id}", response={200: CarePlanOut, **_ONE}, url_name="care_plan")
def care_plan_get(request, id: PathId):
    return _detail(request.auth, id)


def _location(request, response, plan) -> None:
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:care_plan", kwargs={"id": plan.public_id})
    )


@router.post(
    "/care-plans",
    response={201: CarePlanOut, **_WRITE},
    summary="Make a care plan with the person (version 1)",
    description="One plan for each person by each organisation: a second is a 409.",
)
def care_plan_create(request, payload: CarePlanCreate, response: HttpResponse):
    person = people_selectors.person_get(user=request.auth, public_id=payload.person, audit=False)
    plan = services.care_plan_create(actor=request.auth, person=person, data=payload.data())
    _location(request, response, plan)
    return Status(201, _detail(request.auth, plan.public_id))


@router.put(
    "/care-plans/{id}",
    response={200: CarePlanOut, **_WRITE},
    summary="Change a care plan: a new version, for the person to agree again",
    description="Send everything the plan should say, with the `version` you are changing. "
    "If someone saved a newer version first, nothing is saved and the answer is a 409. If "
    "nothing differs, no version is made.",
)
def care_plan_update(request, id: PathId, payload: CarePlanUpdate):
    plan = selectors.care_plan_get(user=request.auth, public_id=id, audit=False)
    services.care_plan_update(
        actor=request.auth, plan=plan, expected_version=payload.version, data=payload.data()
    )
    return _detail(request.auth, plan.public_id)


class Segment(Schema):
    kind: str = Field(description="equal, insert or delete")
    text: str


class SectionChange(Schema):
    section: str
    heading: str
    changed: bool
    segments: list[Segment]


class VersionDetail(Schema):
    number: int
    created_at: datetime
    created_by: str
    content: dict
    agreement: AgreementOut | None
    changes: list[SectionChange] = Field(
        description="Each section compared with the version before (none for version 1)"
    )


@router.get(
    "/care-plans/{id}/versions/{number}",
    response={200: VersionDetail, **_ONE},
    summary="One version of a care plan, and what it changed",
)
def care_plan_version(request, id: PathId, number: Annotated[int, Path(ge=1, le=MAX_INT)]):
    view = selectors.care_plan_version(user=request.auth, public_id=id, number=number)
    sections = diffs.diff(view.previous.content, view.version.content) if view.previous else []
    return {
        "number": view.version.number,
        "created_at": view.version.created_at,
        "created_by": _name(view.version.created_by),
        "content": view.version.content,
        "agreement": _agreement(view.agreement),
        "changes": [
            {
                "section": s.key,
                "heading": s.heading,
                "changed": s.changed,
                "segments": [{"kind": seg.kind, "text": seg.text} for seg in s.segments],
            }
            for s in sections
        ],
    }


class AgreementIn(Schema):
    version: int = Field(
        ge=1, le=MAX_INT, description="The version the person agreed to (the latest)"
    )
    note: Annotated[Text, Field(max_length=services.MAX_NOTE)] = Field(
        description="How they agreed, e.g. read through together at home"
    )


@router.post(
    "/care-plans/{id}/agreements",
    response={201: CarePlanOut, **_WRITE},
    summary="Record that the person agreed verbally to the current version",
)
def care_plan_agree(request, id: PathId, payload: AgreementIn):
    plan = selectors.care_plan_get(user=request.auth, public_id=id, audit=False)
    services.agreement_record(
        actor=request.auth, plan=plan, version=payload.version, note=payload.note
    )
    return Status(201, _detail(request.auth, plan.public_id))


class MemberIn(Schema):
    organisation: uuid.UUID = Field(description="The plan's organisation or a partner of it")
    worker: Username | None = Field(None, description="A member of its staff; null: the team")
    role: Annotated[Text, Field(max_length=services.MAX_ROLE)]
    single_point_of_contact: bool = False
    care_coordinator: bool = False
    version: int | None = Field(
        None, ge=1, le=MAX_INT, description="If given, refused (409) when stale"
    )


@router.post(
    "/care-plans/{id}/care-team",
    response={201: CarePlanOut, **_WRITE},
    summary="Add to the care team (its organisation's care relationship starts)",
)
def care_team_add(request, id: PathId, payload: MemberIn):
    plan = selectors.care_plan_get(user=request.auth, public_id=id, audit=False)
    services.care_team_add(
        actor=request.auth,
        plan=plan,
        organisation=selectors.organisation_find(public_id=payload.organisation),
        username=payload.worker or "",
        role=payload.role,
        single_point_of_contact=payload.single_point_of_contact,
        care_coordinator=payload.care_coordinator,
        expected_version=payload.version,
    )
    return Status(201, _detail(request.auth, plan.public_id))


class RemoveFilters(Schema):
    version: int | None = Field(
        None, ge=1, le=MAX_INT, description="If given, refused (409) when stale"
    )


@router.delete(
    "/care-plans/{id}/care-team/{member_id}",
    response={200: CarePlanOut, **_WRITE},
    summary="Take a member out of the care team (its organisation's access through the "
    "plan ends when no one of it is left)",
)
def care_team_remove(request, id: PathId, member_id: PathId, filters: Query[RemoveFilters]):
    plan = selectors.care_plan_get(user=request.auth, public_id=id, audit=False)
    member = selectors.care_team_member_get(plan=plan, public_id=member_id)
    services.care_team_remove(
        actor=request.auth, plan=plan, member=member, expected_version=filters.version
    )
    return _detail(request.auth, plan.public_id)
