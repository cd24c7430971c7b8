"""The information-governance lead's JSON API: the access review of the audit log and
the break-glass review queue (DESIGN §5, §8, §10).

Thin by rule: each operation parses, calls `access.selectors` or `access.services`, and
shapes the output. Only an IG lead may use these (anyone else gets a 403 problem with
the reason); a break-glass access of another organisation is 404, like one that does
not exist. The paths sit apart from the clinician's `/break-glass` (people/api.py).
"""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.core.paginator import EmptyPage, Paginator
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict, model_validator

from joinedup.access import selectors, services
from joinedup.access.models import ReviewOutcome
from joinedup.accounts.api import Problem, Text, bearer
from joinedup.audit.models import Basis
from joinedup.core.exceptions import PermissionDenied

router = Router(tags=["governance"], auth=bearer)

MAX_PAGE_SIZE = 100
_READ = {401: Problem, 403: Problem, 422: Problem}
_WRITE_ONE = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def _refuse_unless_ig_lead(request) -> None:
    refusal = selectors.governance_refusal(user=request.auth)
    if refusal:
        raise PermissionDenied(refusal)


def _page(request, items, page: int, page_size: int) -> dict:
    paginator = Paginator(items, page_size)
    try:
        results = list(paginator.page(page).object_list)
    except EmptyPage:
        results = []
    pages = paginator.num_pages

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next": link(page + 1) if page < pages else None,
        "previous": link(min(page - 1, pages)) if page > 1 else None,
        "results": results,
    }


class PageFields(Schema):
    count: int = Field(description="How many match, on all pages")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="The next page's URL, or null on the last page")
    previous: str | None


# ---------------------------------------------------------------------------------------
# The access review


class AuditQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    username: Text | None = Field(None, max_length=150, description="The actor's username")
    person: uuid.UUID | None = Field(None, description="A person's joinedup id")
    basis: Basis | None = None
    action: Text | None = Field(None, max_length=40, description="e.g. view, list, export")
    date_from: date | None = Field(None, description="From this day (inclusive)")
    date_to: date | None = Field(None, description="To this day (inclusive)")
    page: int = Field(1, ge=1, description="Past the last page the results are empty")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    @model_validator(mode="after")
    def _dates_in_order(self):
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to must be the same as or after date_from")
        return self

    def filters(self) -> selectors.AuditFilters:
        return selectors.AuditFilters(
            username=(self.username or "").strip(),
            person_public_id=self.person,
            basis=self.basis.value if self.basis else "",
            action=(self.action or "").strip(),
            occurred_from=_start_of(self.date_from),
            occurred_before=_start_of(self.date_to + timedelta(days=1)) if self.date_to else None,
        )


def _start_of(day: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


class AuditEventOut(Schema):
    sequence: int
    occurred_at: datetime
    actor_username: str
    role: str
    organisation_name: str
    person_public_id: str | None
    action: str
    object_type: str
    object_id: str
    purpose: str
    basis: str
    detail: dict

    @staticmethod
    def resolve_person_public_id(event) -> str | None:
        return str(event.person_public_id) if event.person_public_id else None


class AuditPage(PageFields):
    results: list[AuditEventOut]


@router.get(
    "/audit",
    response={200: AuditPage, **_READ},
    summary="The access review: audit events of your organisation",
    description=(
        "What your organisation's staff have seen and done, newest first, filtered by "
        "username, person, basis, action and date range. For information governance "
        "leads only; other roles get a 403."
    ),
)
def audit_list(request, query: Query[AuditQuery]):
    _refuse_unless_ig_lead(request)
    events = selectors.audit_review_list(user=request.auth, filters=query.filters())
    return _page(request, events, query.page, query.page_size)


# ---------------------------------------------------------------------------------------
# Break-glass review


class BreakGlassReviewOut(Schema):
    id: str
    by: str
    username: str
    role: str
    person_id: str
    person_name: str
    reason: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    outcome: ReviewOutcome
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str

    @staticmethod
    def resolve_id(access) -> str:
        return str(access.public_id)

    @staticmethod
    def resolve_by(access) -> str:
        return access.user.get_full_name() or access.user.username

    @staticmethod
    def resolve_username(access) -> str:
        return access.user.username

    @staticmethod
    def resolve_person_id(access) -> str:
        return str(access.person.public_id)

    @staticmethod
    def resolve_person_name(access) -> str:
        return f"{access.person.given_name} {access.person.family_name}"

    @staticmethod
    def resolve_reviewed_by(access) -> str | None:
        reviewer = access.reviewed_by
        return (reviewer.get_full_name() or reviewer.username) if reviewer else None


class BreakGlassReviewPage(PageFields):
    results: list[BreakGlassReviewOut]


class BreakGlassQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    status: ReviewOutcome | None = Field(None, description="pending, reviewed or concern")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


@router.get(
    "/governance/break-glass",
    response={200: BreakGlassReviewPage, **_READ},
    summary="Your organisation's break-glass accesses, for review",
    description="Pending first, then newest first. For information governance leads only.",
)
def break_glass_queue(request, query: Query[BreakGlassQuery]):
    _refuse_unless_ig_lead(request)
    accesses = selectors.break_glass_list(
        user=request.auth, outcome=query.status.value if query.status else None
    )
    return _page(request, accesses, query.page, query.page_size)


class BreakGlassReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["reviewed", "concern"]
    note: Text = Field("", max_length=2000, description="Required when raising a concern")


@router.post(
    "/governance/break-glass/{id}/review",
    response={200: BreakGlassReviewOut, **_WRITE_ONE},
    summary="Record your review of a break-glass access",
    description=(
        "Reviewed (appropriate) or a concern, with a note (required for a concern). "
        "An access already reviewed is a 409."
    ),
)
def break_glass_review(request, id: str, payload: BreakGlassReviewIn):
    _refuse_unless_ig_lead(request)
    access = selectors.break_glass_get(user=request.auth, public_id=id)
    reviewed = services.break_glass_review(
        actor=request.auth, access=access, outcome=payload.outcome, note=payload.note
    )
    return selectors.break_glass_get(user=request.auth, public_id=reviewed.public_id)
