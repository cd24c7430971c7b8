"""The directory's JSON API at /api/v1/: services, organisations, localities and needs.

Thin by rule (DESIGN §4): each operation parses its input, calls a selector or a
service, and shapes the output; its input and output shapes sit just above it.
Reading is public (a token is optional, but a bad one is still refused); changing the
directory needs a token, and the access policy inside the services decides.
"""

import re
import uuid
from datetime import datetime, time
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints, WithJsonSchema, field_validator

from joinedup.accounts.api import Problem, Text, bearer, optional_bearer
from joinedup.core.exceptions import NotFound
from joinedup.directory import selectors, selectors_api, services
from joinedup.directory.models import (
    CapacityStatus,
    OrganisationKind,
    Reach,
    ServiceStatus,
    Weekday,
)

router = Router(tags=["directory"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
Code = Annotated[Text, StringConstraints(min_length=1, max_length=100)]
# Path parameters are documented as what they must be, but taken as any string so that
# a malformed one is answered as "not found" (404), like one that names nothing.
ServiceId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
PathSlug = Annotated[str, WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN})]
WEEKDAY_ORDER = {day.value: n for n, day in enumerate(Weekday)}
# Ten years: longer than any real wait, and short of the integer column's limit, so an
# absurd number is named as wrong instead of reaching the database.
MAX_WAIT_DAYS = 3650


# ---------------------------------------------------------------------------------------
# Shapes shared by several operations


class OrganisationRef(Schema):
    id: uuid.UUID
    slug: str
    name: str
    kind: OrganisationKind

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


class LocalityRef(Schema):
    slug: str
    name: str


class TermRef(Schema):
    code: str
    name: str
    taxonomy: str = Field(description="The slug of the taxonomy the term belongs to")

    @staticmethod
    def resolve_taxonomy(obj) -> str:
        return obj.taxonomy.slug


def _terms(service, *, tags: bool) -> list:
    return [t for t in service.taxonomy_terms.all() if t.taxonomy.is_tag_set is tags]


class ServiceSummary(Schema):
    id: uuid.UUID
    name: str
    description: str
    organisation: OrganisationRef
    status: ServiceStatus
    localities: list[LocalityRef]
    needs: list[TermRef] = Field(description="What the service helps with")
    tags: list[TermRef] = Field(description="Tags such as the Five Ways to Wellbeing")
    minimum_age: int | None
    maximum_age: int | None
    accepts_professional_referrals: bool
    accepts_self_referrals: bool
    accepting_referrals: bool
    capacity_status: CapacityStatus
    waiting_time_days: int | None = Field(description="Current waiting time, if published")
    is_joint_offer: bool
    url: str = Field(description="The service's own website")

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id

    @staticmethod
    def resolve_needs(obj) -> list:
        return _terms(obj, tags=False)

    @staticmethod
    def resolve_tags(obj) -> list:
        return _terms(obj, tags=True)


class ServiceLink(Schema):
    """A service named from another resource: enough to choose whether to open it."""

    id: uuid.UUID
    name: str
    status: ServiceStatus
    accepts_self_referrals: bool
    accepting_referrals: bool
    capacity_status: CapacityStatus
    waiting_time_days: int | None

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


class ContactOut(Schema):
    name: str
    title: str
    department: str
    email: str
    phone: str


class LocationOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    address_1: str
    address_2: str
    city: str
    region: str
    postcode: str
    latitude: float | None
    longitude: float | None
    accessibility: str

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


class PageMeta(Schema):
    count: int = Field(description="How many match, on all pages")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="The next page's URL, or null on the last page")
    previous: str | None


class Paging(Schema):
    page: int = Field(1, ge=1, description="Past the last page the results are empty")
    page_size: int = Field(20, ge=1, le=selectors.MAX_PAGE_SIZE)


def _page_meta(request, *, count: int, number: int, page_size: int, pages: int) -> dict:
    def link(page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": number,
        "page_size": page_size,
        "pages": pages,
        "next": link(number + 1) if number < pages else None,
        "previous": link(min(number - 1, pages)) if number > 1 else None,
    }


def _paginate(request, queryset, paging: Paging) -> dict:
    """One page of `queryset` and the page links; past the last page, no results."""
    paginator = Paginator(queryset, paging.page_size)
    try:
        results = list(paginator.page(paging.page).object_list)
    except EmptyPage:
        results = []
    meta = _page_meta(
        request,
        count=paginator.count,
        number=paging.page,
        page_size=paging.page_size,
        pages=paginator.num_pages,
    )
    return {**meta, "results": results}


def _slug_or_404(slug: str, what: str) -> str:
    # A string that cannot be a slug names nothing; refusing it here also keeps bytes
    # PostgreSQL cannot compare (NUL) away from the database.
    if not re.fullmatch(SLUG_PATTERN, slug) or len(slug) > 120:
        raise NotFound(f"There is no {what} called {slug!r}")
    return slug


# ---------------------------------------------------------------------------------------
# Services


class ServiceFilters(Paging):
    q: Text = Field("", max_length=200, description="Words to search for, ranked by relevance")
    locality: list[Slug] = Field(
        [], max_length=20, description="Locality slug; repeat for any of several"
    )
    need: list[Code] = Field(
        [],
        max_length=20,
        description="Taxonomy term code, including the terms under it; repeat for any of several",
    )
    self_referral: bool = Field(None, description="Only services people can refer themselves to")
    accepting: bool = Field(None, description="Only services accepting referrals now (or not)")
    age: int = Field(None, ge=0, le=130, description="Only services open to people of this age")
    max_wait: int = Field(
        None,
        ge=0,
        le=MAX_WAIT_DAYS,
        description="Only services publishing a waiting time of at most this many days",
    )
    organisation: Slug = Field(None, description="Only this organisation's services (slug)")
    facets: bool = Field(False, description="Also count the matches by locality, need and tag")

    def as_search(self) -> selectors.ServiceSearch:
        return selectors.ServiceSearch(
            text=self.q,
            localities=tuple(self.locality),
            taxonomy_terms=tuple(self.need),
            self_referral=self.self_referral,
            accepting_referrals=self.accepting,
            age=self.age,
            max_waiting_days=self.max_wait,
            organisation=self.organisation,
        )


class FacetCount(Schema):
    value: str = Field(description="The slug or code to filter by")
    name: str
    count: int


class Facets(Schema):
    localities: list[FacetCount]
    needs: list[FacetCount]
    tags: list[FacetCount]


class ServicePage(PageMeta):
    results: list[ServiceSummary]
    facets: Facets | None = Field(description="Counts of all matches; null unless asked for")


def _facet_counts(counts: dict[int, int], labelled: dict, value) -> list[dict]:
    rows = [
        {"value": value(labelled[pk]), "name": labelled[pk].name, "count": n}
        for pk, n in counts.items()
        if pk in labelled
    ]
    return sorted(rows, key=lambda row: (-row["count"], row["name"]))


def _facets(results: selectors.SearchResults) -> dict:
    localities = selectors_api.localities_by_id(ids=results.locality_counts)
    terms = selectors_api.taxonomy_terms_by_id(ids=results.term_counts)
    needs = {pk: t for pk, t in terms.items() if not t.taxonomy.is_tag_set}
    tags = {pk: t for pk, t in terms.items() if t.taxonomy.is_tag_set}
    return {
        "localities": _facet_counts(results.locality_counts, localities, lambda loc: loc.slug),
        "needs": _facet_counts(results.term_counts, needs, lambda term: term.code),
        "tags": _facet_counts(results.term_counts, tags, lambda term: term.code),
    }


@router.get(
    "/services",
    response={200: ServicePage, 401: Problem, 422: Problem},
    auth=optional_bearer,
    summary="Search the directory",
    description=(
        "Full-text search ranked by relevance (by name without `q`), filtered by the "
        "facets given. Repeated filters of one kind match any of them; different "
        "filters must all match. Only active services are listed."
    ),
)
def service_list(request, filters: Query[ServiceFilters]):
    results = selectors.service_search(
        params=filters.as_search(),
        page=filters.page,
        page_size=filters.page_size,
        with_facets=filters.facets,
    )
    # The selector answers a page past the end with the last page; the API promises
    # an empty page, so a client paging on does not see the last page twice.
    past_the_end = results.page.number != filters.page
    meta = _page_meta(
        request,
        count=results.total,
        number=filters.page,
        page_size=filters.page_size,
        pages=results.page.paginator.num_pages,
    )
    return {
        **meta,
        "results": [] if past_the_end else list(results.page),
        "facets": _facets(results) if filters.facets else None,
    }


class ScheduleOut(Schema):
    weekday: Weekday
    opens_at: time
    closes_at: time
    description: str


class ServiceDetail(ServiceSummary):
    email: str
    phone: str
    fees: str = Field(description="Blank if the service is free")
    eligibility_criteria: str
    referral_instructions: str
    joint_partners: list[OrganisationRef] = Field(
        description="The other partners delivering a joint offer"
    )
    contacts: list[ContactOut]
    schedules: list[ScheduleOut] = Field(description="Opening hours, Monday first")
    locations: list[LocationOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_schedules(obj) -> list:
        return sorted(obj.schedules.all(), key=lambda s: (WEEKDAY_ORDER[s.weekday], s.opens_at))


def _service_or_404(id: str):
    try:
        public_id = uuid.UUID(id)
    except ValueError:
        public_id = None
    service = selectors.service_get(public_id=public_id) if public_id else None
    if service is None:
        raise NotFound(f"There is no service with the id {id!r}")
    return service


@router.get(
    "/services/{id}",
    response={200: ServiceDetail, 401: Problem, 404: Problem},
    auth=optional_bearer,
    url_name="service",
    summary="One service, with everything a referrer needs",
)
def service_get(request, id: ServiceId):
    return _service_or_404(id)


class ScheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weekday: Weekday
    opens_at: time
    closes_at: time
    description: Text = Field("", max_length=250)

    @field_validator("closes_at")
    @classmethod
    def _closes_after_opening(cls, closes_at: time, info) -> time:
        opens_at = info.data.get("opens_at")
        if opens_at is not None and closes_at <= opens_at:
            raise ValueError("must be later than opens_at")
        return closes_at


class ServiceFields(Schema):
    """Every field a partner may set on a service; in a PATCH, only those sent change."""

    # A misspelt field would otherwise be dropped in silence and the change not made.
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(None, min_length=1, max_length=250)
    description: Text = Field(None, min_length=1)
    url: Text = Field(None, max_length=200, description="The service's own website")
    email: Text = Field(None, max_length=254)
    phone: Text = Field(None, max_length=30)
    status: ServiceStatus = None
    fees: Text = Field(None, description="Blank if the service is free")
    minimum_age: int | None = Field(None, ge=0, le=130)
    maximum_age: int | None = Field(None, ge=0, le=130)
    eligibility_criteria: Text = None
    accepts_professional_referrals: bool = None
    accepts_self_referrals: bool = None
    accepting_referrals: bool = None
    referral_instructions: Text = None
    capacity_status: CapacityStatus = None
    waiting_time_days: int | None = Field(None, ge=0, le=MAX_WAIT_DAYS)
    is_joint_offer: bool = None
    localities: list[Slug] = Field(None, max_length=100, description="Locality slugs")
    needs: list[Code] = Field(
        None, max_length=50, description="Need codes (see /taxonomy-terms); replace all needs"
    )
    tags: list[Code] = Field(
        None, max_length=20, description="Tag codes such as Five Ways; replace all tags"
    )
    joint_partners: list[Slug] = Field(None, max_length=50, description="Organisation slugs")
    schedules: list[ScheduleIn] = Field(
        None, max_length=50, description="Opening hours; replace all the service's hours"
    )


class ServiceCreate(ServiceFields):
    organisation: Slug = Field(description="The slug of the organisation offering it")
    name: Text = Field(min_length=1, max_length=250)
    description: Text = Field(min_length=1)


def _ids(field: str, wanted: list[str], found: dict, what: str) -> list:
    unknown = [value for value in wanted if value not in found]
    if unknown:
        raise ValidationError({field: f"Unknown {what}: {', '.join(unknown)}"})
    return [found[value] for value in wanted]


def _term_ids(fields: dict, field: str, *, tag_set: bool, current: list) -> list[int]:
    """The terms named in `field`, or the service's current ones of that kind if not sent."""
    if field not in fields:
        return [t.pk for t in current if t.taxonomy.is_tag_set is tag_set]
    found = selectors_api.taxonomy_term_ids_by_code(codes=fields[field], tag_set=tag_set)
    what = "tag" if tag_set else "need"
    return [pk for ids in _ids(field, fields[field], found, what) for pk in ids]


def _service_data(fields: dict, *, current_terms: list) -> dict:
    """What `service_create`/`service_update` take: references by slug or code become ids."""
    data = {name: fields[name] for name in services.SERVICE_FIELDS if name in fields}
    if "localities" in fields:
        found = selectors_api.locality_ids_by_slug(slugs=fields["localities"])
        data["localities"] = _ids("localities", fields["localities"], found, "locality")
    if "joint_partners" in fields:
        found = selectors_api.organisation_ids_by_slug(slugs=fields["joint_partners"])
        data["joint_partners"] = _ids(
            "joint_partners", fields["joint_partners"], found, "organisation"
        )
    if "needs" in fields or "tags" in fields:
        data["taxonomy_terms"] = _term_ids(
            fields, "needs", tag_set=False, current=current_terms
        ) + _term_ids(fields, "tags", tag_set=True, current=current_terms)
    if "schedules" in fields:
        data["schedules"] = fields["schedules"]
    return data


@router.post(
    "/services",
    response={201: ServiceDetail, 400: Problem, 401: Problem, 403: Problem, 422: Problem},
    auth=bearer,
    summary="Add a service",
    description=(
        "Staff of an organisation add its services; partnership leads add any "
        "organisation's. Nothing is written unless every field is valid."
    ),
)
def service_create(request, payload: ServiceCreate, response: HttpResponse):
    fields = payload.dict(exclude_unset=True)
    organisation = selectors.organisation_get(slug=fields.pop("organisation"))
    if organisation is None:
        raise ValidationError({"organisation": f"Unknown organisation: {payload.organisation}"})
    service = services.service_create(
        actor=request.auth,
        organisation=organisation,
        data=_service_data(fields, current_terms=[]),
    )
    response["Location"] = request.build_absolute_uri(
        reverse("api-1:service", kwargs={"id": service.public_id})
    )
    return Status(201, selectors.service_get(public_id=service.public_id))


@router.patch(
    "/services/{id}",
    response={
        200: ServiceDetail,
        400: Problem,
        401: Problem,
        403: Problem,
        404: Problem,
        422: Problem,
    },
    auth=bearer,
    summary="Change a service",
    description=(
        "Only the fields sent change. Lists (localities, needs, tags, joint partners, "
        "schedules) replace the service's current ones. Nothing is written unless every "
        "field is valid."
    ),
)
def service_update(request, id: ServiceId, payload: ServiceFields):
    service = _service_or_404(id)
    fields = payload.dict(exclude_unset=True)
    data = _service_data(fields, current_terms=list(service.taxonomy_terms.all()))
    services.service_update(actor=request.auth, service=service, data=data)
    return selectors.service_get(public_id=service.public_id)


# ---------------------------------------------------------------------------------------
# Organisations


class OrganisationSummary(Schema):
    id: uuid.UUID
    slug: str
    name: str
    kind: OrganisationKind
    reach: Reach
    ods_code: str = Field(description="NHS organisations' ODS code")
    charity_number: str
    website: str
    service_count: int = Field(description="How many active services it offers")

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


class OrganisationPage(PageMeta):
    results: list[OrganisationSummary]


class OrganisationFilters(Paging):
    kind: OrganisationKind = Field(None, description="Only organisations of this kind")


@router.get(
    "/organisations",
    response={200: OrganisationPage, 401: Problem, 422: Problem},
    auth=optional_bearer,
    summary="The partner organisations",
)
def organisation_list(request, filters: Query[OrganisationFilters]):
    organisations = selectors.organisation_list(kind=filters.kind)
    return _paginate(request, organisations, filters)


class OrganisationDetail(Schema):
    id: uuid.UUID
    slug: str
    name: str
    kind: OrganisationKind
    reach: Reach
    ods_code: str
    charity_number: str
    description: str
    website: str
    email: str
    phone: str
    contacts: list[ContactOut]
    locations: list[LocationOut]
    services: list[ServiceLink] = Field(description="Its active services")
    updated_at: datetime

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


def _organisation_or_404(slug: str):
    organisation = selectors.organisation_get(slug=_slug_or_404(slug, "organisation"))
    if organisation is None:
        raise NotFound(f"There is no organisation called {slug!r}")
    return organisation


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetail, 401: Problem, 404: Problem},
    auth=optional_bearer,
    summary="One organisation, with its services",
)
def organisation_get(request, slug: PathSlug):
    return _organisation_or_404(slug)


class OrganisationFields(Schema):
    """What a partner may change about an organisation; only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(None, min_length=1, max_length=250)
    kind: OrganisationKind = None
    reach: Reach = None
    ods_code: Text = Field(None, max_length=6, description="Checked for NHS organisations")
    charity_number: Text = Field(None, max_length=10, description="A valid charity number")
    description: Text = Field(None, min_length=1)
    website: Text = Field(None, max_length=200)
    email: Text = Field(None, max_length=254)
    phone: Text = Field(None, max_length=30)


@router.patch(
    "/organisations/{slug}",
    response={
        200: OrganisationDetail,
        400: Problem,
        401: Problem,
        403: Problem,
        404: Problem,
        422: Problem,
    },
    auth=bearer,
    summary="Change an organisation's entry",
)
def organisation_update(request, slug: PathSlug, payload: OrganisationFields):
    organisation = _organisation_or_404(slug)
    services.organisation_update(
        actor=request.auth, organisation=organisation, data=payload.dict(exclude_unset=True)
    )
    return selectors.organisation_get(slug=organisation.slug)


# ---------------------------------------------------------------------------------------
# Localities


class LocalitySummary(Schema):
    slug: str
    name: str
    description: str
    service_count: int = Field(description="How many active services cover it")


class LocalityPage(PageMeta):
    results: list[LocalitySummary]


@router.get(
    "/localities",
    response={200: LocalityPage, 401: Problem, 422: Problem},
    auth=optional_bearer,
    summary="The localities the partnership covers",
)
def locality_list(request, paging: Query[Paging]):
    return _paginate(request, selectors.locality_list(), paging)


class OfferService(ServiceLink):
    organisation: OrganisationRef


class OfferGroupOut(Schema):
    need: TermRef | None = Field(description="A top-level need; null for services with none")
    services: list[OfferService]

    @staticmethod
    def resolve_need(obj):
        return obj.term


class LocalityDetail(Schema):
    slug: str
    name: str
    description: str
    offer: list[OfferGroupOut] = Field(
        description="Its active services grouped by need; a service may be under several"
    )


@router.get(
    "/localities/{slug}",
    response={200: LocalityDetail, 401: Problem, 404: Problem},
    auth=optional_bearer,
    summary="What is on offer in a locality",
)
def locality_get(request, slug: PathSlug):
    locality = selectors.locality_get(slug=_slug_or_404(slug, "locality"))
    if locality is None:
        raise NotFound(f"There is no locality called {slug!r}")
    return {
        "slug": locality.slug,
        "name": locality.name,
        "description": locality.description,
        "offer": selectors.locality_offer(locality=locality),
    }


# ---------------------------------------------------------------------------------------
# Taxonomy


class TermNode(Schema):
    code: str
    name: str
    description: str
    taxonomy: str
    children: list["TermNode"]


class TaxonomyTerms(Schema):
    needs: list[TermNode] = Field(description="The needs, as a tree of broad and narrow terms")
    tags: list[TermNode] = Field(description="Tags such as the Five Ways to Wellbeing")


def _term_tree(terms: list) -> list[dict]:
    children: dict[int | None, list] = {}
    for term in terms:
        children.setdefault(term.parent_id, []).append(term)

    def node(term) -> dict:
        return {
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "taxonomy": term.taxonomy.slug,
            "children": [node(child) for child in children.get(term.pk, [])],
        }

    return [node(term) for term in children.get(None, [])]


@router.get(
    "/taxonomy-terms",
    response={200: TaxonomyTerms, 401: Problem},
    auth=optional_bearer,
    summary="The needs and tags services are described by, for a need picker",
)
def taxonomy_term_list(request):
    terms = list(selectors.taxonomy_term_list())
    return {
        "needs": _term_tree([t for t in terms if not t.taxonomy.is_tag_set]),
        "tags": _term_tree([t for t in terms if t.taxonomy.is_tag_set]),
    }
