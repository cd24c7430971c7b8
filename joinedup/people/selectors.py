"""Every read of person-level data, filtered by the access policy and audited.

A person or entry the viewer may not see is `NotFound`, exactly as one that does not
exist: the answer never hints that a record is there (STYLE.md, after zulip).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import BREAK_GLASS_ROLES, Category, categories_for
from joinedup.access.models import BreakGlass
from joinedup.audit.services import audit_record, audit_record_lists
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.people.models import (
    PERSON_DECISIONS,
    CareRelationship,
    Consent,
    Person,
    RecordEntry,
    RelatedPerson,
)
from joinedup.people.validators import normalise_nhs_number

PERSON_LIST_PAGE = 50


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


AUDITED_ENTRY_IDS = 150


def _entries_detail(entries) -> dict:
    """The entries a read showed, for the audit: ids of the first ones and the count
    (the audit detail is kept small; a long record is still one event)."""
    ids = [str(e.public_id) for e in entries]
    return {"entries": ids[:AUDITED_ENTRY_IDS], "entry_count": len(ids)}


def person_list(*, user, search: str = "") -> QuerySet:
    """The people the user may know of, newest relationship first. Audited by the caller
    once it knows which page it shows (`person_list_audit`)."""
    people = record.person_visibility(user, Person.objects.all())
    search = search.strip()
    if search:
        digits = search.replace(" ", "")
        if digits.isdigit() and len(digits) == 10:
            people = people.filter(nhs_number=digits)
        else:
            for word in search.split()[:4]:
                people = people.filter(
                    Q(family_name__icontains=word) | Q(given_name__icontains=word)
                )
    return people.select_related("gp_practice").order_by("family_name", "given_name", "pk")


def person_list_audit(*, user, people) -> None:
    """One audit event for a page of the people list, naming each person shown under
    their team's care relationship, and one more for those shown only because the user
    broke glass (`person_list_with_basis` says which)."""
    by_basis: dict[str, list] = {}
    for p in people:
        basis = "own_organisation" if getattr(p, "has_relationship", True) else "break_glass"
        by_basis.setdefault(basis, []).append(p.public_id)
    audit_record_lists(
        actor=user, lists=dict(sorted(by_basis.items())), object_type="people.person"
    )


def person_get(*, user, public_id, audit: bool = True) -> Person:
    uid = _as_uuid(public_id)
    person = (
        record.person_visibility(user, Person.objects.all())
        .select_related("gp_practice")
        .filter(public_id=uid)
        .first()
        if uid
        else None
    )
    if person is None:
        raise NotFound("There is no such person, or you may not see their record")
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=person,
            person_public_id=person.public_id,
            basis=person_basis(user=user, person=person),
        )
    return person


def person_basis(*, user, person) -> str:
    """Why the user may see this person: a care relationship or break-glass."""
    return record.person_basis(user, person)


def entry_list(*, user, person: Person) -> QuerySet:
    """The current version of each entry of the person that the user may see."""
    return (
        record.entry_visibility(
            user, RecordEntry.objects.filter(person=person, superseded_by__isnull=True)
        )
        .select_related("owning_organisation", "author")
        .order_by("-created_at", "-pk")
    )


def entry_get(*, user, public_id) -> RecordEntry:
    uid = _as_uuid(public_id)
    entry = (
        record.entry_visibility(user, RecordEntry.objects.filter(public_id=uid))
        .select_related("person", "owning_organisation", "author", "supersedes")
        .first()
        if uid
        else None
    )
    if entry is None:
        raise NotFound("There is no such entry, or you may not see it")
    return entry


@dataclass
class PersonRecord:
    person: Person
    basis: str
    categories: frozenset
    entries_by_category: dict[str, list[RecordEntry]] = field(default_factory=dict)
    consents: list[Consent] = field(default_factory=list)
    relationships: list[CareRelationship] = field(default_factory=list)

    @property
    def shows_contact(self) -> bool:
        return Category.CONTACT in self.categories

    @property
    def shows_demographics(self) -> bool:
        return Category.DEMOGRAPHICS in self.categories


def person_record(*, user, public_id) -> PersonRecord:
    """A person's record as this user may see it, in a fixed number of queries, audited
    as one read naming each entry shown and the basis of each."""
    person = person_get(user=user, public_id=public_id, audit=False)
    entries = list(entry_list(user=user, person=person))
    role = user.acting_membership.role
    view = PersonRecord(
        person=person,
        basis=person_basis(user=user, person=person),
        categories=categories_for(role),
        consents=list(
            Consent.objects.filter(person=person)
            .select_related("partnership", "organisation", "recorded_by")
            .order_by("-recorded_at")
        ),
        relationships=list(
            CareRelationship.objects.filter(person=person)
            .select_related("organisation", "user")
            .order_by("-since")
        ),
    )
    for entry in entries:
        view.entries_by_category.setdefault(entry.category, []).append(entry)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis=view.basis,
        detail=_entries_detail(entries),
    )
    return view


# --- Reads for the staff web pages (people/views.py) ---------------------------------


def gp_practice_choices() -> QuerySet:
    """The GP practices a person can be registered with: directory organisations of that
    kind. Directory data is public, so this read needs no policy."""
    from joinedup.directory.models import Organisation, OrganisationKind

    return (
        Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
        .only("id", "public_id", "name")
        .order_by("name")
    )


def person_list_with_basis(*, user, search: str = "", at: datetime | None = None) -> QuerySet:
    """`person_list`, each person annotated with why the user may see them:
    `has_relationship` (their team's care relationship), `has_break_glass` and
    `break_glass_expires_at` (the user's own break-glass, if open).

    The flags are the policy's own expressions (the ones `record.person_basis` asks of
    one person), so a page of the list costs one query however long it is, and there is
    no second copy of the rule here.
    """
    viewer = record.Viewer.of(user)
    people = person_list(user=user, search=search)
    if viewer is None:
        return people
    if viewer.role not in BREAK_GLASS_ROLES:
        # No break-glass for this role, so everyone listed is there by a care
        # relationship (`person_visibility`): no subquery needed to say so.
        return people.annotate(
            has_relationship=Value(True),
            has_break_glass=Value(False),
            break_glass_expires_at=Value(None, output_field=DateTimeField()),
        )
    at = at or timezone.now()
    own_break_glass = BreakGlass.objects.active_at(at).filter(
        user_id=viewer.user_id, organisation_id=viewer.organisation_id, person=OuterRef("pk")
    )
    return people.annotate(
        has_break_glass=ExpressionWrapper(
            record._break_glass(viewer, at, "pk"), output_field=BooleanField()
        ),
        # Everyone listed is there by a care relationship or by the user's break-glass,
        # so the relationship is asked only of those with a break-glass: otherwise
        # PostgreSQL hashes the whole caseload (120,000 people at ICS size) for a page.
        has_relationship=Case(
            When(has_break_glass=False, then=Value(True)),
            default=record._relationship(viewer, at, "pk"),
            output_field=BooleanField(),
        ),
        break_glass_expires_at=Subquery(
            own_break_glass.order_by("-expires_at").values("expires_at")[:1]
        ),
    )


def person_list_count(*, user, search: str = "", people: QuerySet | None = None) -> int:
    """How many people `person_list` holds: without a search, counted from the viewer's
    caseload (`record.person_visibility_count`, an index-only count) rather than by
    checking every person; with one, the search's own count."""
    if search.strip():
        return (people if people is not None else person_list(user=user, search=search)).count()
    return record.person_visibility_count(user)


def related_people_list(*, user, person: Person) -> list[RelatedPerson]:
    """The person's carers and relatives, for a user who may see the person and whose
    role sees contact details (a carer's name and number are contact details)."""
    membership = getattr(user, "acting_membership", None)
    if membership is None or Category.CONTACT not in categories_for(membership.role):
        return []
    visible = record.person_visibility(user, Person.objects.filter(pk=person.pk))
    return list(RelatedPerson.objects.filter(person__in=visible).order_by("-is_carer", "name"))


def break_glass_active(*, user, person: Person, at: datetime | None = None) -> BreakGlass | None:
    """The user's own open break-glass access to the person (the latest to expire)."""
    membership = getattr(user, "acting_membership", None)
    if membership is None:
        return None
    return (
        BreakGlass.objects.active_at(at or timezone.now())
        .filter(user_id=user.pk, organisation_id=membership.organisation_id, person=person)
        .order_by("-expires_at")
        .first()
    )


@dataclass
class EntryHistory:
    """An entry and every version of it the user may see, newest first."""

    entry: RecordEntry
    versions: list[RecordEntry]

    @property
    def current(self) -> RecordEntry:
        return self.versions[0]


def entry_history(*, user, public_id) -> EntryHistory:
    """One entry (any version of it) with its versions, through the policy, audited.

    The versions of an entry share its person, category, owner and seal, so they are
    fetched together and the chain followed here: three queries however long it is.
    """
    entry = entry_get(user=user, public_id=public_id)
    candidates = record.entry_visibility(
        user,
        RecordEntry.objects.filter(
            person_id=entry.person_id,
            category=entry.category,
            owning_organisation_id=entry.owning_organisation_id,
        ),
    ).select_related("author", "owning_organisation")
    by_pk = {candidate.pk: candidate for candidate in candidates}
    newer = {c.supersedes_id: c for c in by_pk.values() if c.supersedes_id}
    newest = by_pk.get(entry.pk, entry)
    while newest.pk in newer:
        newest = newer[newest.pk]
    versions = [newest]
    while versions[-1].supersedes_id in by_pk:
        versions.append(by_pk[versions[-1].supersedes_id])
    audit_record(
        actor=user,
        action="view",
        obj=entry,
        person_public_id=entry.person.public_id,
        basis=person_basis(user=user, person=entry.person),
        detail=_entries_detail(versions),
    )
    return EntryHistory(entry=entry, versions=versions)


@dataclass
class ConsentScopes:
    """Where a consent decision can apply: the partnerships the acting organisation is a
    member of now, and the organisations that are members of them."""

    partnerships: list
    organisations: list


def _consent_scopes(organisation_ids: set[int]) -> ConsentScopes:
    """The partnerships these organisations belong to now, and those partnerships'
    organisations with these ones: where a consent decision may apply."""
    from joinedup.directory.models import Organisation
    from joinedup.partnerships.models import Partnership, PartnershipMember

    members_now = PartnershipMember.objects.active_on(timezone.localdate())
    partnerships = list(
        Partnership.objects.filter(
            pk__in=members_now.filter(organisation_id__in=organisation_ids).values("partnership_id")
        ).order_by("name")
    )
    organisations = list(
        Organisation.objects.filter(
            Q(pk__in=organisation_ids)
            | Q(pk__in=members_now.filter(partnership__in=partnerships).values("organisation_id"))
        )
        .only("id", "public_id", "name", "slug")
        .order_by("name")
    )
    return ConsentScopes(partnerships, organisations)


def consent_scope_choices(*, user) -> ConsentScopes:
    membership = getattr(user, "acting_membership", None)
    if membership is None:
        return ConsentScopes([], [])
    return _consent_scopes({membership.organisation_id})


@dataclass
class ConsentDecision:
    """One consent decision: the rows (one per category) sharing its decision id."""

    decision_id: UUID
    rows: list[Consent]
    in_force: bool = True

    @property
    def first(self) -> Consent:
        return self.rows[0]

    @property
    def categories(self) -> list[str]:
        return [row.get_category_display() for row in self.rows]


def consent_decisions(consents: list[Consent], *, at: datetime | None = None) -> list:
    """A person's consent rows (as `person_record` gives them) as decisions, newest first,
    each marked in force or not. For display only: the policy reads the rows in SQL.

    A decision is in force while one of its rows is (a later decision may have replaced
    some of its categories and not others).
    """
    at = at or timezone.now()
    decisions: dict[UUID, ConsentDecision] = {}
    for row in consents:
        decision = decisions.setdefault(row.decision_id, ConsentDecision(row.decision_id, []))
        decision.rows.append(row)
    for decision in decisions.values():
        decision.in_force = any(_row_in_force(row, at) for row in decision.rows)
    return list(decisions.values())


def _row_in_force(row: Consent, at: datetime) -> bool:
    # The same test as ConsentQuerySet.active_at, on a row already fetched.
    return (
        row.recorded_at <= at
        and (row.withdrawn_at is None or row.withdrawn_at > at)
        and (row.expires_at is None or row.expires_at > at)
    )


def consent_decision_get(*, user, person: Person, decision_id) -> ConsentDecision:
    """A decision in force for this person, for a user who may see the person.

    A decision of another person, or one already withdrawn or expired, is NotFound.
    """
    uid = _as_uuid(decision_id)
    visible = record.person_visibility(user, Person.objects.filter(pk=person.pk))
    rows = (
        list(
            Consent.objects.active_at(timezone.now())
            .filter(person__in=visible, decision_id=uid)
            .select_related("partnership", "organisation", "recorded_by")
            .order_by("category")
        )
        if uid
        else []
    )
    if not rows:
        raise NotFound("There is no such consent in force")
    return ConsentDecision(decision_id=uid, rows=rows)


def break_glass_refusal(*, user) -> str | None:
    """Why the user may not break glass (None if their role may), in the policy's words."""
    membership = getattr(user, "acting_membership", None)
    if membership is not None and membership.role in BREAK_GLASS_ROLES:
        return None
    role = membership.get_role_display().lower() if membership else "user with no role"
    return f"a {role} may not break glass: only clinicians may, for a stated reason"


def person_find_for_break_glass(*, user, nhs_number: str) -> Person | None:
    """The person with this NHS number, for a clinician about to break glass.

    Break-glass exists to reach a record the clinician cannot otherwise see, so this is
    the one read that does not go through `person_visibility`: it is limited instead to
    the roles that may break glass, to an exact, valid NHS number, and returns nothing
    of the record (the caller opens the audited access before showing any of it).
    """
    refusal = break_glass_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    digits = normalise_nhs_number(nhs_number)
    person = (
        Person.objects.filter(nhs_number=digits).only("id", "public_id").first()
        if re.fullmatch(r"\d{10}", digits)
        else None
    )
    if person is None:
        # A clinician trying numbers is what the IG lead must be able to see.
        audit_record(
            actor=user,
            action="break_glass_not_found",
            basis="none",
            detail={"nhs_number": digits[:10]},
        )
    return person


# --- Subject access (the IG lead's pages, access/views.py) ---------------------------


@dataclass
class SubjectAccess:
    """Everything joinedup holds about one person, for a subject access request.

    Every version of every entry is here, withheld and sealed ones included: a clinician
    reviews and redacts before anything is released (DESIGN §10, serious-harm exemption).
    """

    person: Person
    related_people: list[RelatedPerson]
    entries: list[RecordEntry]
    consents: list[Consent]
    relationships: list[CareRelationship]
    break_glass: list[BreakGlass]
    access_log: list


def person_subject_access(*, actor, public_id) -> SubjectAccess:
    """The IG lead's reading of everything held about one person (`public_id` is the
    person's joinedup id or NHS number), audited as an `export`.

    Allowed only for role `ig_lead`, and only for a person their organisation holds —
    added, on a team's books (a care relationship, past or present), written about, or
    reached by its clinicians' break-glass. The request is made to a controller about
    what it holds, so the basis is `own_organisation`; the whole record is shown, each
    entry with its owner, so the IG lead can see what partner controllers must release.
    Anyone else, or a person the organisation does not hold, is NotFound or refused as
    elsewhere: no answer hints that a record exists.
    """
    from joinedup.access.roles import Role
    from joinedup.audit.selectors import audit_event_list

    membership = getattr(actor, "acting_membership", None)
    if membership is None or membership.role != Role.IG_LEAD:
        raise PermissionDenied(
            "only an information governance lead may answer a subject access request"
        )
    organisation_id = membership.organisation_id
    held = (
        Q(created_by_organisation_id=organisation_id)
        | Q(
            pk__in=CareRelationship.objects.filter(organisation_id=organisation_id).values(
                "person_id"
            )
        )
        | Q(
            pk__in=RecordEntry.objects.filter(owning_organisation_id=organisation_id).values(
                "person_id"
            )
        )
        | Q(pk__in=BreakGlass.objects.filter(organisation_id=organisation_id).values("person_id"))
    )
    uid = _as_uuid(public_id)
    digits = normalise_nhs_number(str(public_id or ""))
    if uid is not None:
        wanted = Q(public_id=uid)
    elif re.fullmatch(r"\d{10}", digits):
        wanted = Q(nhs_number=digits)
    else:
        raise NotFound("There is no such person held by your organisation")
    person = Person.objects.filter(held, wanted).select_related("gp_practice").first()
    if person is None:
        raise NotFound("There is no such person held by your organisation")
    view = SubjectAccess(
        person=person,
        related_people=list(RelatedPerson.objects.filter(person=person).order_by("name")),
        entries=list(
            RecordEntry.objects.filter(person=person)
            .select_related("owning_organisation", "author", "supersedes")
            .order_by("category", "-created_at", "-pk")
        ),
        consents=list(
            Consent.objects.filter(person=person)
            .select_related("partnership", "organisation", "recorded_by", "withdrawn_by")
            .order_by("-recorded_at")
        ),
        relationships=list(
            CareRelationship.objects.filter(person=person)
            .select_related("organisation", "user")
            .order_by("-since")
        ),
        break_glass=list(
            BreakGlass.objects.filter(person=person)
            .select_related("user", "organisation", "reviewed_by")
            .order_by("-started_at")
        ),
        access_log=list(audit_event_list(person_public_id=person.public_id)),
    )
    audit_record(
        actor=actor,
        action="export",
        obj=person,
        person_public_id=person.public_id,
        purpose="subject_access",
        basis="own_organisation",
        detail={"entries": len(view.entries), "access_log": len(view.access_log)},
    )
    return view


# --- Reads for the JSON API (people/api.py) ------------------------------------------
#
# The same rules as above: every person is reached through `person_get` (or, to break
# glass, past it for clinicians only), and what is shown is audited unless the write
# that produced it already was.

# What `person_get` says, for every other way of naming a person out of reach too.
PERSON_NOT_FOUND = "There is no such person, or you may not see their record"


@dataclass
class PersonView:
    """A person as one viewer may see them: the groups of fields their role shows, and
    why they may see the person at all."""

    person: Person
    basis: str
    categories: frozenset
    related_people: list[RelatedPerson] = field(default_factory=list)
    relationships: list[CareRelationship] = field(default_factory=list)

    @property
    def shows_contact(self) -> bool:
        return Category.CONTACT in self.categories

    @property
    def shows_demographics(self) -> bool:
        return Category.DEMOGRAPHICS in self.categories


def _role_categories(user) -> frozenset:
    membership = getattr(user, "acting_membership", None)
    return categories_for(membership.role) if membership else frozenset()


def person_views(*, user, people: list[Person]) -> list[PersonView]:
    """A page of `person_list_with_basis`, each person with their basis: their team's
    care relationship, or else (the only other way onto the list) break-glass."""
    categories = _role_categories(user)
    return [
        PersonView(
            person=person,
            basis="own_organisation" if person.has_relationship else "break_glass",
            categories=categories,
        )
        for person in people
    ]


def person_detail(*, user, public_id, audit: bool = True) -> PersonView:
    """One person as the user may see them, with carers and relatives (for a role that
    sees contact details) and the active care relationships of the user's own
    organisation; audited as a view unless `audit` is False (after an audited write).

    Other organisations' relationships are left out: that someone is on, say, a
    substance misuse team's caseload is itself confidential, and no rule of the policy
    yet says who may know it.
    """
    person = person_get(user=user, public_id=public_id, audit=False)
    view = PersonView(
        person=person,
        basis=person_basis(user=user, person=person),
        categories=_role_categories(user),
        related_people=related_people_list(user=user, person=person),
        relationships=list(
            CareRelationship.objects.active_at(timezone.now())
            .filter(person=person, organisation_id=user.acting_membership.organisation_id)
            .select_related("organisation", "user")
            .order_by("-since", "pk")
        ),
    )
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=person,
            person_public_id=person.public_id,
            basis=view.basis,
        )
    return view


def gp_practice_get(*, slug: str):
    """The GP practice with this slug; None for none, or for an organisation of another
    kind. Directory data is public, so this read needs no policy."""
    return gp_practice_choices().filter(slug=slug).first()


def entry_list_filtered(*, user, person: Person, categories=()) -> QuerySet:
    """`entry_list`, narrowed to some categories, each entry annotated with the public id
    of the version it corrects (`corrects_public_id`) without loading that version."""
    entries = entry_list(user=user, person=person).annotate(
        corrects_public_id=F("supersedes__public_id")
    )
    if categories:
        entries = entries.filter(category__in=sorted(set(categories)))
    return entries


def entry_list_audit(*, user, person: Person, entries) -> None:
    """One audit event for a page of a person's entries, naming each entry shown (also
    when there is none: the user still learnt that the person is known)."""
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis=person_basis(user=user, person=person),
        detail=_entries_detail(entries),
    )


@dataclass
class ConsentDecisionView:
    """One decision, as the API shows it: which of its categories it still holds for (a
    later decision for the same scope replaces it category by category), and when it
    stopped holding for all of them."""

    id: UUID
    partnership: object
    organisation: object
    categories: list[str]
    in_force: list[str]
    state: str
    how_given: str
    recorded_by: object
    recorded_at: datetime
    expires_at: datetime | None
    withdrawn_at: datetime | None
    note: str

    @classmethod
    def of(cls, rows: list[Consent], at: datetime) -> "ConsentDecisionView":
        # Everything but the category is the same on every row of one decision.
        first = rows[0]
        withdrawals = [r.withdrawn_at for r in rows if r.withdrawn_at and r.withdrawn_at <= at]
        return cls(
            id=first.decision_id,
            partnership=first.partnership,
            organisation=first.organisation,
            categories=[r.category for r in rows],
            in_force=[r.category for r in rows if _row_in_force(r, at)],
            state=first.state,
            how_given=first.how_given,
            recorded_by=first.recorded_by,
            recorded_at=first.recorded_at,
            expires_at=first.expires_at,
            withdrawn_at=max(withdrawals) if len(withdrawals) == len(rows) else None,
            note=first.note,
        )


def consent_decision_ids(*, user, person: Person) -> QuerySet:
    """The ids of the person's decisions, newest first, to page through. `person` comes
    from `person_get`; the page's decisions are read, and audited, by
    `consent_decision_views`."""
    return (
        Consent.objects.filter(person=person)
        .values("decision_id")
        .annotate(latest=Max("recorded_at"))
        .order_by("-latest", "decision_id")
        .values_list("decision_id", flat=True)
    )


def consent_decision_views(
    *, user, person: Person, decision_ids: list, audit: bool = True
) -> list[ConsentDecisionView]:
    """The person's decisions with these ids, in the order given; audited as one view
    unless `audit` is False (after an audited write)."""
    now = timezone.now()
    rows = (
        Consent.objects.filter(person=person, decision_id__in=list(decision_ids))
        .select_related("partnership", "organisation", "recorded_by")
        .order_by("category")
    )
    grouped: dict[UUID, list[Consent]] = {}
    for row in rows:
        grouped.setdefault(row.decision_id, []).append(row)
    views = [ConsentDecisionView.of(grouped[d], now) for d in decision_ids if d in grouped]
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=person,
            person_public_id=person.public_id,
            basis=person_basis(user=user, person=person),
            detail={"consents": [str(v.id) for v in views]},
        )
    return views


@dataclass(frozen=True)
class ConsentScope:
    partnership: object = None
    organisation: object = None


def consent_scope_get(*, user, partnership: str | None, organisation: str | None) -> ConsentScope:
    """The partnership or organisation (by slug) that a decision the user records may
    apply to, among `consent_scope_choices` (what the web form offers): None for one not
    named, or not one of those."""
    from joinedup.directory.models import Organisation

    choices = consent_scope_choices(user=user)
    allowed = [o.pk for o in choices.organisations]
    return ConsentScope(
        partnership=next((p for p in choices.partnerships if p.slug == partnership), None),
        organisation=(
            Organisation.objects.filter(slug=organisation, pk__in=allowed).first()
            if organisation
            else None
        ),
    )


def person_for_break_glass(*, user, public_id) -> Person:
    """The person with this id, for a clinician about to break glass: as
    `person_find_for_break_glass`, past the visibility filter for break-glass roles only
    (anyone else is refused before anything is looked up), and NotFound exactly as
    `person_get` for an id that names no one."""
    refusal = break_glass_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    uid = _as_uuid(public_id)
    person = Person.objects.filter(public_id=uid).only("id", "public_id").first() if uid else None
    if person is None:
        raise NotFound(PERSON_NOT_FOUND)
    return person


def break_glass_list(*, user, public_id) -> list[BreakGlass]:
    """The user's own break-glass accesses to the person, newest first; audited.

    Found if the user may see the person now, or broke glass for them before (after it
    expires they may no longer see the person, but may still see what they did);
    otherwise NotFound, as for anyone else. Only for the roles that may break glass.
    """
    refusal = break_glass_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    uid = _as_uuid(public_id)
    accesses = []
    if uid is not None:
        accesses = list(
            BreakGlass.objects.filter(
                user=user,
                organisation_id=user.acting_membership.organisation_id,
                person__public_id=uid,
            )
            .select_related("person")
            .order_by("-started_at", "-pk")
        )
    person = accesses[0].person if accesses else person_get(user=user, public_id=uid, audit=False)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis="break_glass",
        detail={"break_glass": [str(a.public_id) for a in accesses]},
    )
    return accesses


# --- The person's own portal (people/portal_views.py) --------------------------------
# Each read goes through `record.own_person` / `record.own_entries`: the person sees
# their own record apart from what is withheld from them, and nobody else's.

PORTAL_NOT_LINKED = "This account is not linked to a record. Ask the team that looks after you."
PORTAL_ACCESS_LOG_PAGE = 25
PORTAL_CONSENT_ROWS = 500


def portal_person(*, user) -> Person:
    """The person whose own account `user` is; NotFound for any other account."""
    person = record.own_person(user, Person.objects.all()).select_related("gp_practice").first()
    if person is None:
        raise NotFound(PORTAL_NOT_LINKED)
    return person


@dataclass
class PortalRecord:
    person: Person
    related_people: list[RelatedPerson]
    entry_groups: list[tuple[str, str, list[RecordEntry]]]

    @property
    def entry_count(self) -> int:
        return sum(len(entries) for _, _, entries in self.entry_groups)


def portal_record(*, user) -> PortalRecord:
    """The person's own record as they may read it (the current version of each entry,
    nothing withheld), audited as the person's own view."""
    person = portal_person(user=user)
    entries = list(
        record.own_entries(user, RecordEntry.objects.filter(superseded_by__isnull=True))
        .select_related("owning_organisation", "author")
        .order_by("-created_at", "-pk")
    )
    by_category: dict[str, list[RecordEntry]] = {}
    for entry in entries:
        by_category.setdefault(entry.category, []).append(entry)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail=_entries_detail(entries),
    )
    return PortalRecord(
        person=person,
        related_people=list(person.related_people.order_by("name", "pk")),
        entry_groups=[
            (value, label, by_category[value])
            for value, label in Category.choices
            if value in by_category
        ],
    )


def portal_consent_decisions(*, user, person: Person) -> list[ConsentDecision]:
    """The person's sharing decisions, newest first, each marked in force or not; audited."""
    rows = list(
        Consent.objects.filter(person=person)
        .select_related("partnership", "organisation", "recorded_by")
        .order_by("-recorded_at", "decision_id", "category")[:PORTAL_CONSENT_ROWS]
    )
    decisions = consent_decisions(rows)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"consents": [str(d.decision_id) for d in decisions]},
    )
    return decisions


def portal_consent_scopes(*, person: Person) -> ConsentScopes:
    """Where the person may give or refuse permission to share: the partnerships of the
    organisations that look after them now (a care relationship, or the practice they
    are registered with), and the organisations of those partnerships."""
    caring = set(
        CareRelationship.objects.active_at(timezone.now())
        .filter(person=person)
        .values_list("organisation_id", flat=True)
    )
    if person.gp_practice_id:
        caring.add(person.gp_practice_id)
    return _consent_scopes(caring)


def portal_consent_decision_get(*, user, decision_id) -> ConsentDecision:
    """One of the person's own decisions in force; NotFound for anyone else's."""
    uid = _as_uuid(decision_id)
    people = record.own_person(user, Person.objects.all())
    rows = (
        list(
            Consent.objects.active_at(timezone.now())
            .filter(person__in=people, decision_id=uid, state__in=PERSON_DECISIONS)
            .select_related("partnership", "organisation", "person")
            .order_by("category")
        )
        if uid
        else []
    )
    if not rows:
        raise NotFound("There is no such decision in force")
    return ConsentDecision(decision_id=uid, rows=rows)


def portal_access_log(*, user, person: Person):
    """The audit events about the person by anyone but themselves, newest first (a
    queryset to page through), from the same log the IG lead reviews."""
    from joinedup.audit.selectors import audit_event_list

    return (
        audit_event_list(person_public_id=person.public_id)
        .exclude(actor_id=user.pk)
        .select_related("actor")
    )


def portal_access_log_audit(*, user, person: Person, events: list) -> list[BreakGlass]:
    """The break-glass accesses to the person (every one, with its stated reason and the
    IG lead's review), and one audit event for the page of the log the person read."""
    accesses = list(
        BreakGlass.objects.filter(person=person)
        .select_related("user", "organisation")
        .order_by("-started_at", "-pk")
    )
    audit_record(
        actor=user,
        action="view_access_log",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"events": [e.sequence for e in events][:AUDITED_ENTRY_IDS]},
    )
    return accesses


def table_counts() -> dict[str, int]:
    """How many people, record entries and consents are held: counts only, nothing of
    anyone's record (the demo's check that a database holds only demo data, and the
    benchmarks, read these)."""
    return {
        "people": Person.objects.count(),
        "record_entries": RecordEntry.objects.count(),
        "consents": Consent.objects.count(),
    }
