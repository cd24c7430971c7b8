"""The rules for person-level data (DESIGN.md §5), written once as SQL expressions.

Each rule is one expression; `entry_visibility` combines them into the filter that
lists use, and `explain_entry` evaluates the same expressions on one row to give a
decision with its basis and reason. There is no second, hand-written copy of a rule
to drift from the first (the failure STYLE.md warns of in primero): a property test
checks that the two never disagree anyway.

Fails closed: no acting membership, or a role with no categories, sees nothing.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
)
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


def _relationship_rows(viewer: Viewer, at: datetime) -> QuerySet:
    """Rule 5's care relationships of the viewer: their team's, or their own."""
    return CareRelationship.objects.active_at(at).filter(
        Q(user__isnull=True) | Q(user_id=viewer.user_id),
        organisation_id=viewer.organisation_id,
    )


def _relationship(viewer: Viewer, at: datetime, person_ref: str) -> Exists:
    """Rule 5: the person is referred to, allocated to or on the caseload of the viewer's
    team, or the viewer is in the care team."""
    return Exists(_relationship_rows(viewer, at).filter(person=OuterRef(person_ref)))


def _break_glass_rows(viewer: Viewer, at: datetime) -> QuerySet:
    """The viewer's own open break-glass accesses (none for a role that may not)."""
    if viewer.role not in BREAK_GLASS_ROLES:
        return BreakGlass.objects.none()
    return BreakGlass.objects.active_at(at).filter(
        user_id=viewer.user_id, organisation_id=viewer.organisation_id
    )


def _break_glass(viewer: Viewer, at: datetime, person_ref: str) -> Exists | Q:
    if viewer.role not in BREAK_GLASS_ROLES:
        return Q(pk__in=[])
    return Exists(_break_glass_rows(viewer, at).filter(person=OuterRef(person_ref)))


def _consent_rows(state: str, at: datetime, category: str | None = None):
    """Active consent rows of one state for the entry's person and category (the
    entry's own column, or `category` for records of one fixed category).

    Used inside a SharingRule subquery, so OuterRef(OuterRef(...)) reaches the entry.
    """
    return Consent.objects.active_at(at).filter(
        person=OuterRef(OuterRef("person")),
        category=category or OuterRef(OuterRef("category")),
        state=state,
    )


def _shared(
    viewer: Viewer, at: datetime, *, by_consent_only: bool = False, category: str | None = None
) -> Exists:
    """Rules 2 and 3 for another organisation's entry: an ISA in force, of a partnership
    both organisations belong to now, covers the category for the viewer's role; if it
    requires explicit consent, the person has given it; no objection (for that
    partnership or the viewer's organisation) stands; an override stands in for consent."""
    from joinedup.partnerships.models import PartnershipMember, SharingRule

    today = timezone.localdate(at)
    members_now = PartnershipMember.objects.active_on(today)
    scope_partnership = Q(partnership_id=OuterRef("agreement__partnership_id"))
    override = Exists(_consent_rows(ConsentState.OVERRIDE, at, category).filter(scope_partnership))
    explicit = Exists(_consent_rows(ConsentState.EXPLICIT, at, category).filter(scope_partnership))
    objection = Exists(
        _consent_rows(ConsentState.OBJECTION, at, category).filter(
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
        category=category or OuterRef("category"),
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


def _rules(viewer: Viewer, at: datetime, *, explain: bool = True) -> dict:
    """Every rule by name; `shared_by_consent` only tells the basis of a decision, so it
    is built only when explaining one (it is half the cost of building the rest)."""
    own = Q(owning_organisation_id=viewer.organisation_id)
    sealed_ok = Q(sealed=False)
    if viewer.role in SEALED_READERS:
        sealed_ok |= own
    rules = {
        "role_allows": Q(category__in=sorted(categories_for(viewer.role))),
        "not_erased": Q(erased_at__isnull=True),
        "own_organisation": own,
        "shared": _shared(viewer, at),
        "not_sealed": sealed_ok,
        "relationship": _relationship(viewer, at, "person"),
        "break_glass": _break_glass(viewer, at, "person"),
    }
    if explain:
        rules["shared_by_consent"] = _shared(viewer, at, by_consent_only=True)
    return rules


def _visible(r: dict):
    ordinary = r["not_sealed"] & r["relationship"] & (r["own_organisation"] | r["shared"])
    return r["role_allows"] & r["not_erased"] & (ordinary | r["break_glass"])


# --- The rules as SQL, built once per role --------------------------------------------
# Building the rules' expressions and compiling them to SQL costs tens of milliseconds a
# request (nested Exists, OuterRef(OuterRef), a queryset clone per filter), while the
# SQL they compile to differs between requests only in four values: the viewer's user
# and organisation, the moment and its date. So each condition is compiled once per
# role (and database), from the very same expressions, with stand-in values that no
# real request has; each request puts its own values in their places.
_STAND_IN_USER, _STAND_IN_ORGANISATION = -730_001, -730_002
_STAND_IN_AT = datetime(1901, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC)
_COMPILED: dict[tuple, tuple[str, list] | None] = {}


def _prepared(connection, viewer: Viewer, at: datetime) -> dict:
    """The values a condition takes, as the compiler prepares them for this database."""
    from django.db.models import DateField, DateTimeField

    return {
        "user": viewer.user_id,
        "organisation": viewer.organisation_id,
        "at": DateTimeField().get_db_prep_value(at, connection),
        "today": DateField().get_db_prep_value(timezone.localdate(at), connection),
    }


def _compiled(model, name: str, role: str, build) -> tuple[str, list] | None:
    """(WHERE clause, [param or slot name]) of `build(viewer, at)` on `model`, compiled
    once per role with the stand-in values; None if it does not compile to a plain
    clause (no rows or every row: the caller then builds it the ordinary way)."""
    from django.core.exceptions import EmptyResultSet, FullResultSet
    from django.db import connections, router

    alias = router.db_for_read(model)
    connection = connections[alias]
    key = (alias, connection.vendor, settings.TIME_ZONE, model, name, role)
    if key not in _COMPILED:
        stand_in = Viewer(_STAND_IN_USER, _STAND_IN_ORGANISATION, role)
        query = model._default_manager.filter(build(stand_in, _STAND_IN_AT)).query
        slots = {repr(v): k for k, v in _prepared(connection, stand_in, _STAND_IN_AT).items()}
        try:
            sql, params = query.get_compiler(using=alias).compile(query.where)
        except (EmptyResultSet, FullResultSet):
            sql = None
        joined = [a for a, refs in query.alias_refcount.items() if refs and a != query.base_table]
        if sql is None or joined:
            # Nothing to compile, or a condition that joins other tables to the outer
            # one (none does now): built the ordinary way each time.
            _COMPILED[key] = None
        else:
            # The outer table's columns, named so that a query using this one as a
            # subquery (which renames its tables) can name them its own way; and the
            # subqueries' own aliases (U0, V1 …) made unlike any Django gives, so they
            # cannot hide the outer query's when it is itself renamed to U0.
            outer = connection.ops.quote_name(model._meta.db_table) + "."
            sql = _SUBQUERY_ALIAS.sub(r'"policy_\1"', sql.replace(outer, _OUTER))
            _COMPILED[key] = (
                sql,
                [_Slot(slots[repr(p)]) if repr(p) in slots else p for p in params],
            )
    return _COMPILED[key]


_SUBQUERY_ALIAS = re.compile(r'(?<![\w"])([A-Z]{1,3}[0-9]+)(?![\w"])')


_OUTER = "\x00outer\x00."


@dataclass(frozen=True)
class _Slot:
    name: str


class _CompiledCondition(Expression):
    """A condition compiled by `_compiled`, with this request's values: a boolean
    expression that follows its table when Django renames it (as a subquery's)."""

    conditional = True

    def __init__(self, sql: str, params: list, table: str, alias: str | None = None):
        super().__init__(output_field=BooleanField())
        self.sql, self.params, self.table, self.alias = sql, params, table, alias

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.alias or self.table)
        return "(" + self.sql.replace(_OUTER, alias + ".") + ")", self.params

    def relabeled_clone(self, change_map):
        current = self.alias or self.table
        return _CompiledCondition(
            self.sql, self.params, self.table, change_map.get(current, current)
        )

    def get_group_by_cols(self):
        return []


def _condition(model, name: str, viewer: Viewer, at: datetime, build):
    """`build(viewer, at)` as a filter: the compiled SQL with this request's values."""
    from django.db import connections, router

    compiled = _compiled(model, name, viewer.role, build)
    if compiled is None:
        return build(viewer, at)
    sql, params = compiled
    values = _prepared(connections[router.db_for_read(model)], viewer, at)
    filled = [values[p.name] if isinstance(p, _Slot) else p for p in params]
    return _CompiledCondition(sql, filled, model._meta.db_table)


def _entry_condition(viewer: Viewer, at: datetime):
    return _visible(_rules(viewer, at, explain=False))


def _person_condition(viewer: Viewer, at: datetime):
    """Rule 5 or break-glass, as one EXISTS over a UNION ALL of its reasons — the team's
    relationships, the viewer's own, the viewer's break-glass — rather than an OR of
    EXISTS (which PostgreSQL cannot turn into a join) or a plain EXISTS (which it turns
    into a semi-join that hashes the whole caseload, 120,000 people for the trust at ICS
    size, before reading one person). Over a union it probes the covering index for each
    person the query reads: a page stops when it is full, and a search or one record
    costs as many probes as people it reads."""
    people = OuterRef("pk")
    team = CareRelationship.objects.active_at(at).filter(
        user__isnull=True, organisation_id=viewer.organisation_id, person=people
    )
    own = CareRelationship.objects.active_at(at).filter(
        user_id=viewer.user_id, organisation_id=viewer.organisation_id, person=people
    )
    reasons = [own.order_by().values("person_id")]
    if viewer.role in BREAK_GLASS_ROLES:
        reasons.append(
            _break_glass_rows(viewer, at).filter(person=people).order_by().values("person_id")
        )
    return Exists(team.order_by().values("person_id").union(*reasons, all=True))


def entry_visibility(user, entries: QuerySet, *, at: datetime | None = None) -> QuerySet:
    """The entries `user` may see, filtered in SQL."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return entries.none()
    at = at or timezone.now()
    return entries.filter(_condition(entries.model, "entry", viewer, at, _entry_condition))


def _person_relationship(viewer: Viewer, at: datetime):
    return _relationship(viewer, at, "pk")


def _person_break_glass(viewer: Viewer, at: datetime):
    return _break_glass(viewer, at, "pk")


def person_visibility_count(user, *, at: datetime | None = None) -> int:
    """How many people `user` may know of (`person_visibility` of every person), counted
    from the reasons themselves — distinct people with a care relationship of the
    viewer's, or the viewer's break-glass — which reads only an index of the caseload,
    not every person checked one by one."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return 0
    from django.db.models import Count, IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    from joinedup.directory.models import Organisation

    at = at or timezone.now()
    related = _relationship_rows(viewer, at)

    def distinct_people(rows: QuerySet):
        counted = (
            rows.order_by().values("organisation_id").annotate(n=Count("person_id", distinct=True))
        )
        return Coalesce(Subquery(counted.values("n")), Value(0), output_field=IntegerField())

    # One statement: the people with a care relationship, plus those reached by the
    # viewer's break-glass alone (cheaper than a UNION that hashes the whole caseload).
    counts = {"with_relationship": distinct_people(related)}
    if viewer.role in BREAK_GLASS_ROLES:
        only_break_glass = _break_glass_rows(viewer, at).exclude(
            Exists(related.filter(person=OuterRef("person_id")))
        )
        counts["by_break_glass_alone"] = distinct_people(only_break_glass)
    row = Organisation.objects.filter(pk=viewer.organisation_id).values(**counts).first()
    return sum(row.values()) if row else 0


def person_visibility(user, people: QuerySet, *, at: datetime | None = None) -> QuerySet:
    """The people `user` may know of: a role that sees something, and a legitimate
    relationship or an active break-glass."""
    viewer = Viewer.of(user)
    if viewer is None or not categories_for(viewer.role):
        return people.none()
    at = at or timezone.now()
    return people.filter(_condition(people.model, "person", viewer, at, _person_condition))


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
            has_relationship=ExpressionWrapper(
                _condition(type(person), "relationship", viewer, at, _person_relationship),
                output_field=BooleanField(),
            ),
            has_break_glass=ExpressionWrapper(
                _condition(type(person), "break_glass", viewer, at, _person_break_glass),
                output_field=BooleanField(),
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


# --- Person-level records of one category (issue 5) ------------------------------------
#
# Care plans, contacts and outcome measures are person-level records that are not
# entries: each kind belongs to one category (`Category.CARE_PLAN`, `ACTIVITY`,
# `OUTCOMES`), and its model has `person` and `owning_organisation`. They obey the
# entries' rules, with the category fixed by the kind of record: the viewer's role sees
# the category (rule 1); the record is the viewer's organisation's or shared with it by
# an agreement in force, with consent where the agreement requires it and no objection
# (rules 2 and 3); the viewer's team has a care relationship with the person (rule 5);
# or the viewer has broken glass. Nothing is sealed: a record of this kind that must be
# kept within a team is written as a sealed entry instead.


def _records_condition(category: str):
    def build(viewer: Viewer, at: datetime):
        own = Q(owning_organisation_id=viewer.organisation_id)
        shared = _shared(viewer, at, category=category)
        ordinary = _relationship(viewer, at, "person") & (own | shared)
        return ordinary | _break_glass(viewer, at, "person")

    return build


def record_visibility(
    user, records: QuerySet, *, category: str, at: datetime | None = None
) -> QuerySet:
    """The records of `category` in `records` that `user` may see, filtered in SQL: the
    entries' rules (rules 1, 2, 3 and 5, and break-glass) with the category fixed.
    A portal account sees none here: its own records come from `own_records`."""
    viewer = Viewer.of(user)
    if viewer is None or category not in categories_for(viewer.role):
        return records.none()
    at = at or timezone.now()
    build = _records_condition(str(category))
    name = f"records:{category}"
    return records.filter(_condition(records.model, name, viewer, at, build))


def own_records(user, records: QuerySet) -> QuerySet:
    """The records of the user's own person (care plans, contacts, outcome measures),
    through their portal account; none for staff."""
    user_id = _portal_user_id(user)
    return records.none() if user_id is None else records.filter(person__portal_user_id=user_id)


# --- Referrals (DESIGN §6) -----------------------------------------------------------


def referral_visibility(user, referrals: QuerySet) -> QuerySet:
    """The referrals `user` may see: staff whose role sees referrals (rule 1), in the
    organisation that made the referral or the one that owns it now; or the person's own
    referrals, through their portal account. Nobody else's, in SQL."""
    viewer = Viewer.of(user)
    if viewer is None:
        user_id = _portal_user_id(user)
        if user_id is None:
            return referrals.none()
        return referrals.filter(person__portal_user_id=user_id)
    if Category.REFERRAL not in categories_for(viewer.role):
        return referrals.none()
    return referrals.filter(
        Q(owner_organisation_id=viewer.organisation_id)
        | Q(referring_organisation_id=viewer.organisation_id)
    )
