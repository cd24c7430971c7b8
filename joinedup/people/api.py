"""The shared record's JSON API at /api/v1/: people, their record entries, their consent
decisions, and break-glass (DESIGN §5, §8).

Thin by rule (DESIGN §4): each operation parses its input, calls a selector or a
service, and shapes the output; its input and output shapes sit just above it. Every
operation needs a bearer token; who may see and do what is decided by the access policy
inside the selectors and services, never here. A person or entry the caller may not see
is a 404 identical to one that does not exist; an action refused on something they can
see is a 403 with the policy's reason.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime, ConfigDict, StringConstraints, WithJsonSchema, field_validator

from joinedup.access import services as access_services
from joinedup.access.categories import Category
from joinedup.access.models import ReviewOutcome
from joinedup.accounts.api import Problem, Text, bearer
from joinedup.core.exceptions import Conflict, NotFound
from joinedup.directory.api import OrganisationRef, PageMeta
from joinedup.people import selectors, services
from joinedup.people.models import (
    ConsentState,
    EthnicCategory,
    GenderIdentity,
    HowGiven,
    PreferredChannel,
    RelationshipKind,
    SexualOrientation,
)
from joinedup.people.validators import normalise_nhs_number, validate_nhs_number

router = Router(tags=["people"], auth=bearer)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
# Ids in paths are documented as what they must be, but taken as any string so that a
# malformed one is answered "not found" (404), exactly like one that names nothing.
PathId = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]
CONSENT_NOT_FOUND = "There is no such consent in force"
# One audit event names the people of one page; it holds at most this many
# (audit.services.PEOPLE_PER_LIST_EVENT), so no page is longer.
MAX_PAGE_SIZE = 100
# Free text about a person's needs; generous, but bounded so a body cannot be huge.
MAX_NEEDS_TEXT = 2000

# The problems operations answer: every one may get no token or a bad one (401) and a
# bad parameter (422); naming a person or entry, not found (404); writing, an unreadable
# body (400) or the policy's refusal (403).
_READ = {401: Problem, 422: Problem}
_ONE = {401: Problem, 404: Problem, 422: Problem}
_WRITE = {400: Problem, 401: Problem, 403: Problem, 422: Problem}
_WRITE_ONE = {**_WRITE, 404: Problem}


# ---------------------------------------------------------------------------------------
# Shapes shared by several operations


class RecordPaging(Schema):
    page: int = Field(1, ge=1, description="Past the last page the results are empty")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


def _page(request, items, paging: RecordPaging) -> dict:
    """One page of `items` (a QuerySet or a list), with the links to the pages around it."""
    paginator = Paginator(items, paging.page_size)
    try:
        results = list(paginator.page(paging.page).object_list)
    except EmptyPage:
        results = []
    pages = paginator.num_pages

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": paging.page,
        "page_size": paging.page_size,
        "pages": pages,
        "next": link(paging.page + 1) if paging.page < pages else None,
        "previous": link(min(paging.page - 1, pages)) if paging.page > 1 else None,
        "results": results,
    }


def _location(response: HttpResponse, request, url_name: str, public_id) -> None:
    url = reverse(f"api-1:{url_name}", kwargs={"id": public_id})
    response["Location"] = request.build_absolute_uri(url)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------------------------------
# People


class PersonContact(Schema):
    """How to reach the person and talk with them. Shown to roles that see contact details."""

    phone: str
    email: str
    preferred_channel: PreferredChannel | None
    address_1: str
    address_2: str
    city: str
    postcode: str
    communication_needs: str = Field(description="e.g. interpreter, British Sign Language")
    accessibility_needs: str
    preferred_language: str
    interpreter_required: bool | None


class PersonDemographics(Schema):
    """Who the person is. Shown to roles that see demographics; equality monitoring
    fields are null when not recorded (a person may decline any of them)."""

    nhs_number: str
    date_of_birth: date | None
    gp_practice: OrganisationRef | None
    ethnic_category: EthnicCategory | None = Field(description="NHS Data Dictionary code")
    gender_identity: GenderIdentity | None = Field(description="NHS Data Dictionary code")
    sexual_orientation: SexualOrientation | None = Field(description="NHS Data Dictionary code")
    has_disability: bool | None


class PersonSummary(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str
    pronouns: str
    basis: str = Field(
        description="Why you may see this person: `own_organisation` (your team's care "
        "relationship) or `break_glass` (an access you opened)"
    )
    contact: PersonContact | None = Field(description="Null if your role does not see these")
    demographics: PersonDemographics | None = Field(
        description="Null if your role does not see these"
    )


class PersonPage(PageMeta):
    results: list[PersonSummary]


class PersonFilters(RecordPaging):
    q: Text = Field("", max_length=200, description="Words of a name, or a 10-digit NHS number")


def _blank_as_none(value: str):
    return value or None


def _person_summary(view: selectors.PersonView) -> dict:
    person = view.person
    shown = {
        "id": person.public_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "pronouns": person.pronouns,
        "basis": view.basis,
        "contact": None,
        "demographics": None,
    }
    if view.shows_contact:
        shown["contact"] = {
            "phone": person.phone,
            "email": person.email,
            "preferred_channel": _blank_as_none(person.preferred_channel),
            "address_1": person.address_1,
            "address_2": person.address_2,
            "city": person.city,
            "postcode": person.postcode,
            "communication_needs": person.communication_needs,
            "accessibility_needs": person.accessibility_needs,
            "preferred_language": person.preferred_language,
            "interpreter_required": person.interpreter_required,
        }
    if view.shows_demographics:
        shown["demographics"] = {
            "nhs_number": person.nhs_number,
            "date_of_birth": person.date_of_birth,
            "gp_practice": person.gp_practice,
            "ethnic_category": _blank_as_none(person.ethnic_category),
            "gender_identity": _blank_as_none(person.gender_identity),
            "sexual_orientation": _blank_as_none(person.sexual_orientation),
            "has_disability": person.has_disability,
        }
    return shown


@router.get(
    "/people",
    response={200: PersonPage, **_READ},
    summary="The people you may see",
    description=(
        "People with a care relationship with your team, or to whom you opened "
        "break-glass access, by family name. Contact details and demographics are shown "
        "only to roles that see them. Each page you are shown is audited."
    ),
)
def person_list(request, filters: Query[PersonFilters]):
    people = selectors.person_list_with_basis(user=request.auth, search=filters.q)
    page = _page(request, people, filters)
    selectors.person_list_audit(user=request.auth, people=page["results"])
    views = selectors.person_views(user=request.auth, people=page["results"])
    return {**page, "results": [_person_summary(view) for view in views]}


class RelatedPersonOut(Schema):
    id: uuid.UUID
    name: str
    relationship: str
    is_carer: bool
    consents_to_contact: bool = Field(description="The carer's or relative's own consent")
    consent_recorded_on: date | None
    phone: str | None = Field(description="Null unless they consent to be contacted")
    email: str | None = Field(description="Null unless they consent to be contacted")


class RelationshipOut(Schema):
    kind: RelationshipKind
    organisation: OrganisationRef
    worker: str | None = Field(description="The worker, when it is theirs, not the team's")
    since: datetime
    until: datetime | None
    reason: str


class PersonDetail(PersonSummary):
    related_people: list[RelatedPersonOut] | None = Field(
        description="Carers and relatives; null if your role does not see contact details"
    )
    relationships: list[RelationshipOut] = Field(
        description="Your organisation's active care relationships with the person"
    )
    created_at: datetime
    updated_at: datetime


def _related_person(related) -> dict:
    reachable = related.consents_to_contact
    return {
        "id": related.public_id,
        "name": related.name,
        "relationship": related.relationship,
        "is_carer": related.is_carer,
        "consents_to_contact": related.consents_to_contact,
        "consent_recorded_on": related.consent_recorded_on,
        "phone": related.phone if reachable else None,
        "email": related.email if reachable else None,
    }


def _relationship(relationship) -> dict:
    return {
        "kind": relationship.kind,
        "organisation": relationship.organisation,
        "worker": _name(relationship.user) if relationship.user else None,
        "since": relationship.since,
        "until": relationship.until,
        "reason": relationship.reason,
    }


def _person_detail(view: selectors.PersonView) -> dict:
    return {
        **_person_summary(view),
        "related_people": (
            [_related_person(r) for r in view.related_people] if view.shows_contact else None
        ),
        "relationships": [_relationship(r) for r in view.relationships],
        "created_at": view.person.created_at,
        "updated_at": view.person.updated_at,
    }


@router.get(
    "/people/{id}",
    response={200: PersonDetail, **_ONE},
    url_name="person",
    summary="One person",
    description="Audited. A person you may not see is a 404, as one who does not exist.",
)
def person_get(request, id: PathId):
    return _person_detail(selectors.person_detail(user=request.auth, public_id=id))


class PersonFields(Schema):
    """The person's fields; every one is optional, and in a PATCH only those sent change."""

    # A misspelt field, or one no client may set (the organisation that added the
    # person), would otherwise be dropped in silence.
    model_config = ConfigDict(extra="forbid")

    nhs_number: Text = Field(
        None, max_length=20, description="10 digits with a valid check digit; spaces allowed"
    )
    given_name: Text = Field(None, min_length=1, max_length=100)
    family_name: Text = Field(None, min_length=1, max_length=100)
    preferred_name: Text = Field(None, max_length=100)
    date_of_birth: date | None = None
    pronouns: Text = Field(None, max_length=50)
    phone: Text = Field(None, max_length=30)
    email: Text = Field(None, max_length=254)
    preferred_channel: PreferredChannel | None = None
    address_1: Text = Field(None, max_length=250)
    address_2: Text = Field(None, max_length=250)
    city: Text = Field(None, max_length=100)
    postcode: Text = Field(None, max_length=10)
    gp_practice: Slug | None = Field(None, description="The slug of the GP practice")
    communication_needs: Text = Field(None, max_length=MAX_NEEDS_TEXT)
    accessibility_needs: Text = Field(None, max_length=MAX_NEEDS_TEXT)
    preferred_language: Text = Field(None, max_length=100)
    interpreter_required: bool | None = None
    ethnic_category: EthnicCategory | None = None
    gender_identity: GenderIdentity | None = None
    sexual_orientation: SexualOrientation | None = None
    has_disability: bool | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_the_past(cls, value: date | None) -> date | None:
        if value is not None and not (date(1900, 1, 1) <= value <= timezone.localdate()):
            raise ValueError("must be a date in the past, after 1900")
        return value


class PersonCreate(PersonFields):
    given_name: Text = Field(min_length=1, max_length=100)
    family_name: Text = Field(min_length=1, max_length=100)
    confirm_same_person: bool = Field(
        False,
        description="Send true, after a 409, to join the record of the person already known",
    )


# Choice fields the model stores as "" when not recorded; null in JSON clears them.
_CHOICE_FIELDS = frozenset(
    {"preferred_channel", "ethnic_category", "gender_identity", "sexual_orientation"}
)


def _person_data(fields: dict) -> dict:
    """What `person_create`/`person_update` take: a GP practice's slug becomes the practice."""
    data = {
        name: ("" if value is None and name in _CHOICE_FIELDS else value)
        for name, value in fields.items()
    }
    if data.get("gp_practice"):
        practice = selectors.gp_practice_get(slug=data["gp_practice"])
        if practice is None:
            raise ValidationError({"gp_practice": f"Unknown GP practice: {data['gp_practice']}"})
        data["gp_practice"] = practice
    return data


@router.post(
    "/people",
    response={201: PersonDetail, 409: Problem, **_WRITE},
    summary="Add a person, or join the record of one already known",
    description=(
        "One person, one record: a person whose NHS number is known already is not added "
        "again; your team joins their record (a care relationship) and gets it back. A "
        "likely match by name, date of birth and postcode is a 409: if it is the same "
        "person, send the request again with `confirm_same_person: true`. Either way the "
        "answer is 201 and the person is on your team's caseload."
    ),
)
def person_create(request, payload: PersonCreate, response: HttpResponse):
    fields = payload.dict(exclude_unset=True)
    confirm = fields.pop("confirm_same_person", False)
    try:
        person = services.person_create(
            actor=request.auth, data=_person_data(fields), confirm_same_person=confirm
        )
    except services.PossibleDuplicate as exc:
        # Nothing of the person already known is said: the caller may not see them yet.
        raise Conflict(
            "Someone with this name, date of birth and postcode is already known to the "
            "partnership. If this is the same person, send the request again with "
            '"confirm_same_person": true to join their record; if not, check the details.',
            field="confirm_same_person",
        ) from exc
    _location(response, request, "person", person.public_id)
    view = selectors.person_detail(user=request.auth, public_id=person.public_id, audit=False)
    return Status(201, _person_detail(view))


@router.patch(
    "/people/{id}",
    response={200: PersonDetail, **_WRITE_ONE},
    summary="Change a person's details",
    description="Only the fields sent change; send null to clear an optional choice.",
)
def person_update(request, id: PathId, payload: PersonFields):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    data = _person_data(payload.dict(exclude_unset=True))
    services.person_update(actor=request.auth, person=person, data=data)
    return _person_detail(
        selectors.person_detail(user=request.auth, public_id=person.public_id, audit=False)
    )


# ---------------------------------------------------------------------------------------
# Record entries


class EntryAuthor(Schema):
    name: str
    role: str = Field(description="The role they wrote it in")


class EntryOut(Schema):
    id: uuid.UUID
    category: Category
    title: str
    text: str
    owner: OrganisationRef = Field(description="The organisation whose record it is")
    author: EntryAuthor
    created_at: datetime
    sealed: bool = Field(
        description="Read only by the owning organisation's clinicians, care coordinators "
        "and safeguarding leads"
    )
    withheld_from_person: bool = Field(description="Not shown in the person's own portal")
    corrects: uuid.UUID | None = Field(description="The version this one corrects")
    correction_reason: str


def _author(entry) -> dict:
    return {"name": _name(entry.author), "role": entry.author_role}


def _entry(entry) -> dict:
    # Lists annotate the id of the version an entry corrects; otherwise it is loaded.
    corrects = getattr(entry, "corrects_public_id", None)
    if corrects is None and entry.supersedes_id:
        corrects = entry.supersedes.public_id
    return {
        "id": entry.public_id,
        "category": entry.category,
        "title": entry.title,
        "text": entry.text,
        "owner": entry.owning_organisation,
        "author": _author(entry),
        "created_at": entry.created_at,
        "sealed": entry.sealed,
        "withheld_from_person": entry.withheld_from_person,
        "corrects": corrects,
        "correction_reason": entry.correction_reason,
    }


class EntryPage(PageMeta):
    results: list[EntryOut]


class EntryFilters(RecordPaging):
    category: list[Category] = Field(
        [], max_length=len(Category), description="Only these categories; repeatable"
    )


@router.get(
    "/people/{id}/entries",
    response={200: EntryPage, **_ONE},
    summary="A person's record entries that you may see",
    description=(
        "The current version of each entry, newest first: your organisation's own, and "
        "those partners share with your role under an information-sharing agreement "
        "(with the person's consent where it requires it). Each page is audited."
    ),
)
def entry_list(request, id: PathId, filters: Query[EntryFilters]):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    entries = selectors.entry_list_filtered(
        user=request.auth, person=person, categories=filters.category
    )
    page = _page(request, entries, filters)
    selectors.entry_list_audit(user=request.auth, person=person, entries=page["results"])
    return {**page, "results": [_entry(entry) for entry in page["results"]]}


class EntryCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    category: Category
    title: Text = Field(min_length=1, max_length=200)
    text: Text = Field("", max_length=services.MAX_ENTRY_TEXT)
    sealed: bool = Field(
        False,
        description="Only your organisation's clinicians, care coordinators and safeguarding "
        "leads will read it (if you are none of these, not you either)",
    )
    withheld_from_person: bool = Field(
        False, description="Third-party information; safeguarding entries always are"
    )


@router.post(
    "/people/{id}/entries",
    response={201: EntryOut, **_WRITE_ONE},
    summary="Add an entry to a person's record",
    description="The entry belongs to your organisation. Your role must see its category.",
)
def entry_create(request, id: PathId, payload: EntryCreate, response: HttpResponse):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    entry = services.entry_create(actor=request.auth, person=person, **payload.dict())
    _location(response, request, "entry", entry.public_id)
    return Status(201, _entry(entry))


class EntryVersion(Schema):
    id: uuid.UUID
    title: str
    text: str
    author: EntryAuthor
    created_at: datetime
    corrects: uuid.UUID | None
    correction_reason: str


class EntryDetail(EntryOut):
    person: uuid.UUID
    superseded_by: uuid.UUID | None = Field(description="The newer version, if corrected")
    versions: list[EntryVersion] = Field(
        description="Every version you may see, oldest first, this one among them"
    )


def _entry_detail(history) -> dict:
    entry = history.entry
    oldest_first = list(reversed(history.versions))
    ids = {version.pk: version.public_id for version in oldest_first}
    newer = {version.supersedes_id: version.public_id for version in oldest_first}

    def version(v) -> dict:
        return {
            "id": v.public_id,
            "title": v.title,
            "text": v.text,
            "author": _author(v),
            "created_at": v.created_at,
            "corrects": ids.get(v.supersedes_id),
            "correction_reason": v.correction_reason,
        }

    return {
        **_entry(entry),
        "person": entry.person.public_id,
        "superseded_by": newer.get(entry.pk),
        "versions": [version(v) for v in oldest_first],
    }


@router.get(
    "/entries/{id}",
    response={200: EntryDetail, **_ONE},
    url_name="entry",
    summary="One entry, with its versions",
    description=(
        "Any version of an entry, with every version of it you may see. Audited. An "
        "entry you may not see is a 404, as one that does not exist."
    ),
)
def entry_get(request, id: PathId):
    return _entry_detail(selectors.entry_history(user=request.auth, public_id=id))


class EntryCorrection(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text = Field(min_length=1, max_length=200)
    text: Text = Field("", max_length=services.MAX_ENTRY_TEXT)
    reason: Text = Field(min_length=1, max_length=250, description="Why it is being corrected")


@router.post(
    "/entries/{id}/corrections",
    response={201: EntryOut, 409: Problem, **_WRITE_ONE},
    summary="Correct an entry by a new version",
    description=(
        "Entries are never edited in place: the correction is a new version that "
        "supersedes this one, which is kept. Only the owning organisation corrects an "
        "entry (403 otherwise), and only its newest version (409 otherwise)."
    ),
)
def entry_correct(request, id: PathId, payload: EntryCorrection, response: HttpResponse):
    entry = selectors.entry_get(user=request.auth, public_id=id)
    corrected = services.entry_correct(actor=request.auth, entry=entry, **payload.dict())
    _location(response, request, "entry", corrected.public_id)
    return Status(201, _entry(corrected))


# ---------------------------------------------------------------------------------------
# Consent decisions


class PartnershipRef(Schema):
    id: uuid.UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id


class ConsentOut(Schema):
    id: uuid.UUID = Field(description="The decision's id (one decision covers its categories)")
    partnership: PartnershipRef | None = Field(description="Its scope: a partnership …")
    organisation: OrganisationRef | None = Field(description="… or an organisation")
    categories: list[Category]
    in_force: list[Category] = Field(
        description="The categories it still holds for: none once withdrawn, expired, or "
        "replaced by a later decision for the same scope and category"
    )
    state: ConsentState
    how_given: HowGiven
    recorded_by: str
    recorded_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None = Field(description="Set once it holds for no category")
    note: str

    @staticmethod
    def resolve_recorded_by(obj) -> str:
        return _name(obj.recorded_by)


class ConsentPage(PageMeta):
    results: list[ConsentOut]


@router.get(
    "/people/{id}/consents",
    response={200: ConsentPage, **_ONE},
    summary="A person's consent decisions",
    description="Newest first, including those withdrawn or expired. Audited.",
)
def consent_list(request, id: PathId, paging: Query[RecordPaging]):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    page = _page(request, selectors.consent_decision_ids(user=request.auth, person=person), paging)
    page["results"] = selectors.consent_decision_views(
        user=request.auth, person=person, decision_ids=page["results"]
    )
    return page


class ConsentCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    partnership: Slug | None = Field(
        None, description="The partnership it applies to (a slug), or …"
    )
    organisation: Slug | None = Field(
        None, description="… the organisation it applies to (a slug); exactly one of the two"
    )
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    state: ConsentState
    how_given: HowGiven
    expires_at: AwareDatetime | None = Field(None, description="With its time zone")
    note: Text = Field("", max_length=250, description="Required for an override: why")

    @field_validator("expires_at")
    @classmethod
    def _storable(cls, value: datetime | None) -> datetime | None:
        # Stored in UTC: 9999-12-31T23:00-05:00 would be past the last date there is.
        try:
            return value.astimezone(UTC) if value is not None else None
        except OverflowError as exc:
            raise ValueError("must be a date that can be stored, before the year 9999") from exc


def _consent_scope(request, payload: ConsentCreate) -> selectors.ConsentScope:
    if bool(payload.partnership) == bool(payload.organisation):
        message = "Give the partnership or the organisation the decision applies to, not both"
        raise ValidationError({"partnership": message, "organisation": message})
    scope = selectors.consent_scope_get(
        user=request.auth, partnership=payload.partnership, organisation=payload.organisation
    )
    if payload.partnership and scope.partnership is None:
        raise ValidationError({"partnership": "Not a partnership your organisation is a member of"})
    if payload.organisation and scope.organisation is None:
        raise ValidationError(
            {"organisation": "Not your organisation or one of your partnerships' members"}
        )
    return scope


@router.post(
    "/people/{id}/consents",
    response={201: ConsentOut, **_WRITE_ONE},
    summary="Record a consent decision",
    description=(
        "The person's explicit consent, implied consent (direct care), objection, or a "
        "recorded override, for some categories, in one scope. It replaces the decision "
        "in force for the same scope and category, and applies from the next request."
    ),
)
def consent_create(request, id: PathId, payload: ConsentCreate):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    scope = _consent_scope(request, payload)
    rows = services.consent_record(
        actor=request.auth,
        person=person,
        categories=list(payload.categories),
        state=payload.state,
        how_given=payload.how_given,
        partnership=scope.partnership,
        organisation=scope.organisation,
        expires_at=payload.expires_at,
        note=payload.note,
    )
    (decision,) = selectors.consent_decision_views(
        user=request.auth, person=person, decision_ids=[rows[0].decision_id], audit=False
    )
    return Status(201, decision)


@router.post(
    "/people/{id}/consents/{decision_id}/withdraw",
    response={200: ConsentOut, **_WRITE_ONE},
    summary="Withdraw a consent decision",
    description=(
        "At once: the very next request is decided without it. A decision that is not in "
        "force, or is another person's, is a 404."
    ),
)
def consent_withdraw(request, id: PathId, decision_id: PathId):
    person = selectors.person_get(user=request.auth, public_id=id, audit=False)
    decision = _uuid_or_none(decision_id)
    if decision is None:
        raise NotFound(CONSENT_NOT_FOUND)
    services.consent_withdraw(actor=request.auth, person=person, decision_id=decision)
    (withdrawn,) = selectors.consent_decision_views(
        user=request.auth, person=person, decision_ids=[decision], audit=False
    )
    return withdrawn


# ---------------------------------------------------------------------------------------
# Break-glass


class BreakGlassOut(Schema):
    id: uuid.UUID
    person: uuid.UUID
    reason: str
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    active: bool = Field(description="Whether it still gives you access now")
    review: ReviewOutcome = Field(description="Your information governance lead's review")

    @staticmethod
    def resolve_id(obj) -> uuid.UUID:
        return obj.public_id

    @staticmethod
    def resolve_person(obj) -> uuid.UUID:
        return obj.person.public_id

    @staticmethod
    def resolve_active(obj) -> bool:
        now = timezone.now()
        return obj.ended_at is None and obj.started_at <= now < obj.expires_at

    @staticmethod
    def resolve_review(obj) -> str:
        return obj.outcome


class BreakGlassPage(PageMeta):
    results: list[BreakGlassOut]


class BreakGlassOpen(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(
        min_length=access_services.MIN_REASON_LENGTH,
        max_length=2000,
        description="Why you need the record now; your IG lead and the person will read it",
    )
    duration_minutes: int = Field(60, ge=5, le=12 * 60, description="5 minutes to 12 hours")

    @field_validator("reason")
    @classmethod
    def _reason_said(cls, value: str) -> str:
        # Checked before the person is looked up, so that no answer about a person who
        # exists comes back without the access being opened (and audited).
        if len(value.strip()) < access_services.MIN_REASON_LENGTH:
            raise ValueError(
                "Say why you need this record now, in at least "
                f"{access_services.MIN_REASON_LENGTH} characters"
            )
        return value


class BreakGlassByNhsNumber(BreakGlassOpen):
    nhs_number: Text = Field(max_length=20, description="10 digits; spaces allowed")

    @field_validator("nhs_number")
    @classmethod
    def _valid_nhs_number(cls, value: str) -> str:
        try:
            validate_nhs_number(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from exc
        return normalise_nhs_number(value)


def _open(request, person, payload: BreakGlassOpen):
    access = access_services.break_glass_open(
        actor=request.auth,
        person=person,
        reason=payload.reason,
        duration=timedelta(minutes=payload.duration_minutes),
    )
    return Status(201, access)


@router.post(
    "/break-glass",
    response={201: BreakGlassOut, **_WRITE_ONE},
    summary="Break glass for a person found by NHS number",
    description=(
        "For a clinician who needs the record of someone with no care relationship with "
        "their team, now. Time-limited, logged, reviewed by your information governance "
        "lead and shown to the person. Other roles get a 403; an NHS number no one has "
        "is a 404."
    ),
)
def break_glass_open_by_nhs_number(request, payload: BreakGlassByNhsNumber):
    person = selectors.person_find_for_break_glass(user=request.auth, nhs_number=payload.nhs_number)
    if person is None:
        raise NotFound(selectors.PERSON_NOT_FOUND)
    return _open(request, person, payload)


@router.post(
    "/people/{id}/break-glass",
    response={201: BreakGlassOut, **_WRITE_ONE},
    summary="Break glass for a person whose id you know",
    description="As `POST /break-glass`, naming the person by id.",
)
def break_glass_open(request, id: PathId, payload: BreakGlassOpen):
    person = selectors.person_for_break_glass(user=request.auth, public_id=id)
    return _open(request, person, payload)


@router.get(
    "/people/{id}/break-glass",
    response={200: BreakGlassPage, 403: Problem, **_ONE},
    summary="Your own break-glass accesses to a person",
    description="Newest first, with their review. For clinicians; audited.",
)
def break_glass_list(request, id: PathId, paging: Query[RecordPaging]):
    accesses = selectors.break_glass_list(user=request.auth, public_id=id)
    return _page(request, accesses, paging)
