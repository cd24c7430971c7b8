"""The rules for person-level data (DESIGN.md §5), written once as SQL expressions.

Each rule is one expression; `entry_visibility` combines them into the filter that
lists use, and `explain_entry` evaluates the same expressions on one row to give a
decision with its basis and reason. There is no second, hand-written copy of a rule
to drift from the first (the failure STYLE.md warns of in primero): a property test
checks that the two never disagree anyway.

Fails closed: no acting membership, or a role with no categories, sees nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.access.categories import (
    BREAK_GLASS_ROLES,
    SEALED_READERS,
    Category,
    categories_for,
)
from joinedup.access.models import BreakGlass
from joinedup.people.models import CareRelationship, Consent, ConsentState


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as the rules need it: the user and the membership they act as."""

    user_id: int
    organisation_id: int
    role: str

    @classmethod
    def of(cls, user) -> "Viewer | None":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        membership = getattr(user, "acting_membership", None)
        if membership is None:
            return None
        return cls(user.pk, membership.organisation_id, membership.role)


def _relationship(viewer: Viewer, at: datetime, person_ref: str) -> Exists:
    """Rule 5: the person is referred to, allocated to or on the caseload of the viewer's
    team, or the viewer is in the care team."""
    return Exists(
        CareRelationship.objects.active_at(at).filter(
            Q(user__isnull=True) | Q(user_id=viewer.user_id),
            person=OuterRef(person_ref),
            organisation_id=viewer.organisation_id,
        )
    )


def _break_glass(viewer: Viewer, at: datetime, person_ref: str) -> Exists | Q:
    if viewer.role not in BREAK_GLASS_ROLES:
        return Q(pk__in=[])
    return Exists(
        BreakGlass.objects.active_at(at).filter(
            user_id=viewer.user_id,
            organisation_id=viewer.organisation_id,
            person=OuterRef(person_ref),
        )
    )


def _consent_rows(state: str, at: datetime):
    """Active consent rows of one state for the entry's person and category.

    Used inside a SharingRule subquery, so OuterRef(OuterRef(...)) reaches the entry.
    """
    return Consent.objects.active_at(at).filter(
        person=OuterRef(OuterRef("person")), category=OuterRef(OuterRef("category")), state=state
    )


def _shared(viewer: Viewer, at: datetime, *, by_consent_only: bool = False) -> Exists:
    """Rules 2 and 3 for another organisation's entry: an ISA in force, of a partnership
    both organisations belong to now, covers the category for the viewer's role; if it
    requires explicit consent, the person has given it; no objection (for that
    partnership or the viewer's organisation) stands; an override stands in for consent."""
    from joinedup.partnerships.models import PartnershipMember, SharingRule

    today = timezone.localdate(at)
    members_now = PartnershipMember.objects.active_on(today)
    scope_partnership = Q(partnership_id=OuterRef("agreement__partnership_id"))
    override = Exists(_consent_rows(ConsentState.OVERRIDE, at).filter(scope_partnership))
    explicit = Exists(_consent_rows(ConsentState.EXPLICIT, at).filter(scope_partnership))
    objection = Exists(
        _consent_rows(ConsentState.OBJECTION, at).filter(
            scope_partnership | Q(organisation_id=viewer.organisation_id)
        )
    )
    consent_ok = Q(explicit_consent_required=True) & explicit
    if not by_consent_only:
        # An override stands in for required consent but never beats an objection:
        # "a recorded objection always blocks sharing" (DESIGN §5); break-glass is the
        # one reviewed, time-limited way past it.
        consent_ok |= Q(explicit_consent_required=False) | override
    rules = SharingRule.objects.filter(
        consent_ok & ~objection,
        role=viewer.role,
        category=OuterRef("category"),
        agreement__starts_on__lte=today,
    ).filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=today))
    rules = rules.filter(
        Exists(
            members_now.filter(
                partnership_id=OuterRef("agreement__partnership_id"),
                organisation_id=viewer.organisation_id,
            )
        ),
        Exists(
            members_now.filter(
                partnership_id=OuterRef("agreement__partnership_id"),
                organisation_id=OuterRef(OuterRef("owning_organisation_id")),
            )
        ),
    )
    return Exists(rules)


def _rules(viewer: Viewer, at: datetime) -> dict:
    own = Q(owning_organisation_id=viewer.organisation_id)
    sealed_ok = Q(sealed=False)
    if viewer.role in SEALED_READERS:
        sealed_ok |= own
    return {
        "role_allows": Q(category__in=sorted(categories_for(viewer.role))),
        "not_erased": Q(erased_at__isnull=True),
        "own_organisation": own,
        "shared": _shared(viewer, at),
        "shared_by_consent": _shared(viewer, at, by_consent_only=True),
        "not_sealed": sealed_ok,
        "relationship": _relationship(viewer, at, "person"),
        "break_glass": _break_glass(viewer, at, "person"),
    }


def _visible(r: dict):
    ordinary = r["not_sealed"] & r["relationship"] & (r["own_organisation"] | r["shared"])
    return r["role_allows"] & r["not_erased"] & (ordinary | r["break_glass"])


def entry_visibility(user, entries: QuerySet, *, at: datetime | None = None) -> QuerySet:
    """The entries `user` may see, filtered in SQL."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return entries.none()
    return entries.filter(_visible(_rules(viewer, at or timezone.now())))


def person_visibility(user, people: QuerySet, *, at: datetime | None = None) -> QuerySet:
    """The people `user` may know of: a role that sees something, and a legitimate
    relationship or an active break-glass."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return people.none()
    at = at or timezone.now()
    return people.filter(_relationship(viewer, at, "pk") | _break_glass(viewer, at, "pk"))


@dataclass(frozen=True)
class EntryExplanation:
    allowed: bool
    basis: str
    reason: str


def explain_entry(user, entry, *, at: datetime | None = None) -> EntryExplanation:
    """The same rules as `entry_visibility`, evaluated on one entry, with the reason."""
    viewer = Viewer.of(user)
    if viewer is None:
        return EntryExplanation(
            False, "none", "you need to log in as a member of a partner organisation"
        )
    if not categories_for(viewer.role):
        return EntryExplanation(
            False, "none", f"a {viewer.role.replace('_', ' ')} sees no person-level records"
        )
    rules = _rules(viewer, at or timezone.now())
    flags = (
        type(entry)
        .objects.filter(pk=entry.pk)
        .annotate(
            **{
                name: ExpressionWrapper(expr, output_field=BooleanField())
                for name, expr in rules.items()
            },
            visible=ExpressionWrapper(_visible(rules), output_field=BooleanField()),
        )
        .values(*rules, "visible")
        .get()
    )
    return _explain(flags, entry)


def _explain(f: dict, entry) -> EntryExplanation:
    if f["visible"]:
        ordinary = f["not_sealed"] and f["relationship"] and (f["own_organisation"] or f["shared"])
        if not ordinary:
            return EntryExplanation(True, "break_glass", "break-glass access you opened")
        if f["own_organisation"]:
            return EntryExplanation(True, "own_organisation", "your organisation's own record")
        if f["shared_by_consent"]:
            return EntryExplanation(
                True, "consent", "shared under an agreement with the person's consent"
            )
        return EntryExplanation(True, "isa", "shared under an information-sharing agreement")
    category = entry.get_category_display().lower()
    if not f["role_allows"]:
        return EntryExplanation(False, "none", f"your role does not see {category}")
    if not f["not_erased"]:
        return EntryExplanation(False, "none", "this entry was erased under the retention rules")
    if not f["relationship"]:
        return EntryExplanation(False, "none", "you have no care relationship with this person")
    if not f["not_sealed"]:
        return EntryExplanation(False, "none", "the author sealed this entry")
    return EntryExplanation(
        False, "none", "no information-sharing agreement (or the person's consent) covers this"
    )


def person_basis(user, person, *, at: datetime | None = None) -> str:
    """Why the user may see the person: their team's care relationship, else break-glass."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return "none"
    at = at or timezone.now()
    flags = (
        type(person)
        .objects.filter(pk=person.pk)
        .annotate(
            has_relationship=_relationship(viewer, at, "pk"),
            has_break_glass=ExpressionWrapper(
                _break_glass(viewer, at, "pk"), output_field=BooleanField()
            ),
        )
        .values("has_relationship", "has_break_glass")
        .get()
    )
    if flags["has_relationship"]:
        return "own_organisation"
    return "break_glass" if flags["has_break_glass"] else "none"


# --- The person's own view (the portal) ----------------------------------------------
# A person reads their own record as the right of access gives it, apart from what is
# withheld: entries marked as third-party information, and every safeguarding entry
# (DESIGN §5; issue 3). Staff rules above never apply to a portal account, nor these
# to staff: a portal account has no membership, and a staff account is linked to no
# person.
WITHHELD_FROM_PERSON_CATEGORIES = frozenset({Category.SAFEGUARDING})


def _portal_user_id(user) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if getattr(user, "acting_membership", None) is not None:
        return None
    return user.pk


def own_person(user, people: QuerySet) -> QuerySet:
    """The person whose portal account `user` is (at most one row), else none."""
    user_id = _portal_user_id(user)
    return people.none() if user_id is None else people.filter(portal_user_id=user_id)


def own_entries(user, entries: QuerySet) -> QuerySet:
    """The entries of the user's own record that they may read."""
    user_id = _portal_user_id(user)
    if user_id is None:
        return entries.none()
    return entries.filter(
        person__portal_user_id=user_id, withheld_from_person=False, erased_at__isnull=True
    ).exclude(category__in=sorted(WITHHELD_FROM_PERSON_CATEGORIES))
