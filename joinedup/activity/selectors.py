"""Every read of activity.

Contacts are person-level: staff read them through `record.record_visibility` (the
entries' rules with the category fixed to `activity`), the person through
`record.own_records`, and every read is audited. A contact the viewer may not see is
NotFound, exactly as one that does not exist.

The units of a period are aggregates, never rows: `units` computes them in SQL, one
GROUP BY over an organisation's contacts of the period (index `contact_org_start`).
It is the one place that does, so the rollups of the KPI dashboard (DESIGN §9: 10
million contacts, kept current by the worker) can replace it. Who may see an
organisation's aggregates is `aggregate_scope`; people outside the organisation see
them with small numbers withheld (DESIGN §5).
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category, categories_for
from joinedup.access.roles import Role
from joinedup.activity.models import (
    SESSION_NOT_FOUND,
    Attendance,
    Contact,
    ContactKind,
    EvaluationFramework,
    GroupSession,
    Measure,
    UnitDefinition,
)
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.people import selectors as people_selectors

CONTACT_NOT_FOUND = "There is no such contact, or you may not see it"
NO_FRAMEWORK = "No evaluation framework is in force for this period: an administrator records one"
CONTACTS_PAGE = 25
SESSIONS_PAGE = 25
API_PAGE = 50
REGISTER_CANDIDATES = 30
REGISTER_LINES = 400
ORGANISATIONS_PAGE = 50
# DESIGN §5: an aggregate never shows a count below this for a group of people, to
# anyone who may not see those people.
SMALL_NUMBER = 5
AGGREGATE_ROLES = frozenset({Role.PARTNERSHIP_LEAD, Role.COMMISSIONER})


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


def _organisation_id(user) -> int | None:
    membership = getattr(user, "acting_membership", None)
    return membership.organisation_id if membership else None


def visible(user) -> QuerySet:
    """The contacts `user` may see (none for a portal account: see `own_contacts`)."""
    return record.record_visibility(user, Contact.objects.all(), category=Category.ACTIVITY)


def _with_names(contacts: QuerySet) -> QuerySet:
    return contacts.select_related(
        "person", "owning_organisation", "service", "worker", "group_session"
    )


def contact_get(*, user, public_id, audit: bool = True) -> Contact:
    uid = _as_uuid(public_id)
    contact = _with_names(visible(user)).filter(public_id=uid).first() if uid else None
    if contact is None:
        raise NotFound(CONTACT_NOT_FOUND)
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=contact,
            person_public_id=contact.person.public_id,
            basis=record.person_basis(user, contact.person),
        )
    return contact


def person_contacts_page(*, user, person, page_number: int = 1) -> Page:
    """A page of the person's contacts that the viewer may see, newest first (every
    partner's that is shared with them); one audit event names the person and the
    contacts shown."""
    contacts = _with_names(visible(user).filter(person=person)).order_by("-starts_at", "-pk")
    page = Paginator(contacts, CONTACTS_PAGE).get_page(page_number)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis=record.person_basis(user, person),
        detail={"contacts": [str(c.public_id) for c in page.object_list]},
    )
    return page


# --- Keyset pages for the API ------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _cursor(contact: Contact) -> str:
    return f"{(contact.starts_at - _EPOCH) // _MICROSECOND}.{contact.pk}"


def _after(raw: str | None) -> Q | None:
    """The contacts past the cursor in newest-first order (None for no valid cursor)."""
    try:
        micros, pk = (raw or "").split(".")
        at, pk = _EPOCH + int(micros) * _MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None
    return Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=pk)


@dataclass
class ContactPage:
    rows: list[Contact]
    next_cursor: str


def contact_list(
    *,
    user,
    person=None,
    service=None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    after: str | None = None,
    size: int = API_PAGE,
) -> ContactPage:
    """Contacts the viewer may see, newest first, a keyset page at a time: the person's
    (every partner's shared with the viewer) or, with no person, the viewer's own
    organisation's. One audit event names the people on the page."""
    contacts = visible(user)
    if person is not None:
        contacts = contacts.filter(person=person)
    else:
        contacts = contacts.filter(owning_organisation_id=_organisation_id(user))
    if service is not None:
        contacts = contacts.filter(service=service)
    if start is not None:
        contacts = contacts.filter(starts_at__gte=_day_start(start))
    if end is not None:
        contacts = contacts.filter(starts_at__lt=_day_start(end + dt.timedelta(days=1)))
    if (condition := _after(after)) is not None:
        contacts = contacts.filter(condition)
    rows = list(_with_names(contacts).order_by("-starts_at", "-pk")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    audit_record_many(
        actor=user,
        person_public_ids=[c.person.public_id for c in rows],
        object_type="activity.contact",
        basis="own_organisation",
    )
    return ContactPage(rows=rows, next_cursor=_cursor(rows[-1]) if more and rows else "")


# --- The person's own (the portal) ---------------------------------------------------------


def own_contacts_page(*, user, person, page_number: int = 1) -> Page:
    """The person's own contacts with every partner, newest first; audited as their own
    read (basis person_self)."""
    contacts = record.own_records(user, Contact.objects.all()).select_related(
        "owning_organisation", "service"
    )
    page = Paginator(contacts.order_by("-starts_at", "-pk"), CONTACTS_PAGE).get_page(page_number)
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"contacts": [str(c.public_id) for c in page.object_list]},
    )
    return page


# --- Group sessions ------------------------------------------------------------------------


def _sessions(user) -> QuerySet:
    """The group sessions of the viewer's organisation: nobody else's exist for them."""
    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return GroupSession.objects.none()
    return GroupSession.objects.filter(owning_organisation_id=organisation_id)


def session_get(*, user, public_id) -> GroupSession:
    uid = _as_uuid(public_id)
    session = (
        _sessions(user)
        .select_related("service", "owning_organisation", "created_by")
        .filter(public_id=uid)
        .first()
        if uid
        else None
    )
    if session is None:
        raise NotFound(SESSION_NOT_FOUND)
    return session


def session_list_page(*, user, page_number: int = 1) -> Page:
    """The organisation's sessions, newest first, each with how many attended (a count
    of the register, not the people on it)."""
    sessions = (
        _sessions(user)
        .select_related("service")
        .annotate(
            attended=Count("register", filter=Q(register__attendance=Attendance.ATTENDED)),
            on_register=Count("register"),
        )
        .order_by("-starts_at", "-pk")
    )
    return Paginator(sessions, SESSIONS_PAGE).get_page(page_number)


def session_facilitators(*, session: GroupSession) -> list:
    return list(session.facilitators.order_by("first_name", "last_name", "username"))


@dataclass
class RegisterRow:
    person: object
    attendance: str = ""  # "" while the person is not on the register
    on_register: bool = False
    expected: bool = False  # on the register of the session before

    @property
    def field_name(self) -> str:
        return f"p_{self.person.public_id}"


@dataclass
class Register:
    session: GroupSession
    previous: GroupSession | None
    rows: list[RegisterRow]
    candidates: list[RegisterRow]
    # Public ids asked for (posted) that are not on the viewer's team's caseload.
    refused: list[str] = field(default_factory=list)

    @property
    def all_rows(self) -> list[RegisterRow]:
        return [*self.rows, *self.candidates]


def _previous_session(session: GroupSession) -> GroupSession | None:
    """The meeting of the same group (organisation, service and title) before this one."""
    return (
        GroupSession.objects.filter(
            owning_organisation_id=session.owning_organisation_id,
            service_id=session.service_id,
            title=session.title,
            starts_at__lt=session.starts_at,
        )
        .order_by("-starts_at", "-pk")
        .first()
    )


def _by_name(row: RegisterRow):
    return (row.person.family_name.lower(), row.person.given_name.lower(), row.person.pk)


def register_view(
    *, user, session: GroupSession, find: str = "", asked_for=(), audit: bool = True
) -> Register:
    """The session's register as the worker takes it: who is on it, who was at the
    group's last meeting (expected), anyone asked for by id (a posted form), and others
    on the team's caseload to add (matching `find`). A fixed number of queries."""
    previous = _previous_session(session)
    sessions = [session.pk] + ([previous.pk] if previous else [])
    lines = list(
        visible(user)
        .filter(group_session_id__in=sessions)
        .select_related("person")
        .order_by("group_session_id", "pk")[:REGISTER_LINES]
    )
    rows: dict[int, RegisterRow] = {}
    for line in lines:
        row = rows.setdefault(line.person_id, RegisterRow(person=line.person))
        if line.group_session_id == session.pk:
            row.attendance, row.on_register = line.attendance, True
        else:
            row.expected = True
    listed = {str(row.person.public_id) for row in rows.values()}
    wanted = [str(u) for u in asked_for if str(u) not in listed]
    refused: list[str] = []
    candidates: list[RegisterRow] = []
    if wanted:
        # People a posted form names: offered again as they were, if the team may.
        candidates = [
            RegisterRow(person=person)
            for person in people_selectors.person_list_with_basis(user=user).filter(
                public_id__in=wanted, has_relationship=True
            )
        ]
        listed |= {str(row.person.public_id) for row in candidates}
        refused = [w for w in wanted if w not in listed]
    candidates += [
        RegisterRow(person=person)
        for person in people_selectors.person_list_with_basis(user=user, search=find)
        .filter(has_relationship=True)
        .exclude(public_id__in=sorted(listed))[:REGISTER_CANDIDATES]
    ]
    register = Register(
        session=session,
        previous=previous,
        rows=sorted(rows.values(), key=_by_name),
        candidates=sorted(candidates, key=_by_name),
        refused=refused,
    )
    if audit:
        register_audit(user=user, register=register)
    return register


def register_audit(*, user, register: Register) -> None:
    """One list event naming the people a register page showed."""
    audit_record_many(
        actor=user,
        person_public_ids=[row.person.public_id for row in register.all_rows],
        object_type="activity.groupsession",
        basis="own_organisation",
        detail={"session": str(register.session.public_id)},
    )


def session_register(*, user, session: GroupSession) -> list[Contact]:
    """The register's lines the viewer may see (the API's answer), by name."""
    lines = list(
        visible(user)
        .filter(group_session=session)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")[:REGISTER_LINES]
    )
    audit_record_many(
        actor=user,
        person_public_ids=[c.person.public_id for c in lines],
        object_type="activity.groupsession",
        basis="own_organisation",
        detail={"session": str(session.public_id)},
    )
    return lines


# --- Choices for the forms (directory and staff data, not person-level) -------------------


def organisation_services(*, organisation_id: int | None) -> QuerySet:
    from joinedup.directory.models import Service

    if organisation_id is None:
        return Service.objects.none()
    return Service.objects.listed().filter(organisation_id=organisation_id).order_by("name", "pk")


def service_of_organisation(*, organisation_id: int | None, public_id):
    """One of the organisation's services, or None (for another's, or none at all)."""
    uid = _as_uuid(public_id)
    if uid is None:
        return None
    return organisation_services(organisation_id=organisation_id).filter(public_id=uid).first()


def service_by_id(*, public_id):
    """Any service in the directory (public data), or None."""
    from joinedup.directory.models import Service

    uid = _as_uuid(public_id)
    return Service.objects.filter(public_id=uid).first() if uid else None


def colleague_choices(*, user) -> list[tuple[str, str]]:
    """(username, name) of the user's colleagues who may run a session (roles that see
    activity), for naming more facilitators."""
    from joinedup.accounts.models import Membership

    organisation_id = _organisation_id(user)
    if organisation_id is None:
        return []
    roles = [role for role in Role if Category.ACTIVITY in categories_for(role)]
    members = (
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=roles)
        .exclude(user_id=user.pk)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")[:200]
    )
    seen: dict[str, str] = {}
    for m in members:
        seen.setdefault(m.user.username, m.user.get_full_name() or m.user.username)
    return list(seen.items())


# --- Aggregates: who may see them --------------------------------------------------------


def _partner_organisations(organisation_id: int, day: dt.date) -> QuerySet:
    """Ids of the organisations in a partnership with `organisation_id` on `day`."""
    from joinedup.partnerships.models import PartnershipMember

    members = PartnershipMember.objects.active_on(day)
    partnerships = members.filter(organisation_id=organisation_id).values("partnership_id")
    return members.filter(partnership_id__in=partnerships).values("organisation_id")


def aggregate_scope(*, user, organisation) -> str:
    """ "own" for staff of the organisation; "partnership" for a partnership lead or
    commissioner of a partnership it is a member of (aggregates only, small numbers
    withheld); PermissionDenied for anyone else."""
    membership = getattr(user, "acting_membership", None)
    if membership is None:
        raise PermissionDenied("Log in as a member of a partner organisation")
    if membership.organisation_id == organisation.pk:
        return "own"
    if membership.role in AGGREGATE_ROLES and (
        _partner_organisations(membership.organisation_id, timezone.localdate())
        .filter(organisation_id=organisation.pk)
        .exists()
    ):
        return "partnership"
    raise PermissionDenied(
        "You may see the activity of your own organisation; partnership leads and "
        "commissioners see their partnerships' members' too"
    )


def organisations_with_aggregates_page(*, user, page_number: int = 1) -> Page:
    """The organisations whose activity the user may see: their own, and for partnership
    leads and commissioners the members of their partnerships, by name."""
    from joinedup.directory.models import Organisation

    membership = getattr(user, "acting_membership", None)
    if membership is None:
        organisations = Organisation.objects.none()
    elif membership.role in AGGREGATE_ROLES:
        partners = _partner_organisations(membership.organisation_id, timezone.localdate())
        organisations = Organisation.objects.filter(
            Q(pk=membership.organisation_id) | Q(pk__in=partners)
        )
    else:
        organisations = Organisation.objects.filter(pk=membership.organisation_id)
    return Paginator(organisations.order_by("name", "pk"), ORGANISATIONS_PAGE).get_page(page_number)


def organisation_get(*, slug: str):
    from joinedup.directory.models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound("There is no such organisation")
    return organisation


# --- Evaluation frameworks -----------------------------------------------------------------


def frameworks_for(*, organisation, on: dt.date) -> list[EvaluationFramework]:
    """The frameworks that count the organisation's activity on `on`: each partnership
    it belongs to counts by its own framework in force, or (if it has none) by the
    built-in one; an organisation in no partnership, by the built-in one."""
    from joinedup.partnerships.models import PartnershipMember

    partnerships = set(
        PartnershipMember.objects.active_on(on)
        .filter(organisation=organisation)
        .values_list("partnership_id", flat=True)
    )
    in_force = EvaluationFramework.objects.in_force_on(on).select_related("partnership")
    own = list(in_force.filter(partnership_id__in=partnerships).order_by("name", "pk"))
    frameworks = own
    if not partnerships or partnerships - {f.partnership_id for f in own}:
        frameworks = own + list(in_force.filter(partnership__isnull=True).order_by("pk")[:1])
    return frameworks


def unit_definitions(*, framework: EvaluationFramework) -> list[UnitDefinition]:
    return list(
        UnitDefinition.objects.filter(framework=framework)
        .prefetch_related("weights")
        .order_by("order", "pk")
    )


# --- Units: the one computation ------------------------------------------------------------


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _amount(unit: UnitDefinition, weight=None):
    """What one counted contact adds to the unit, as SQL."""
    hours = unit.measure == Measure.HOURS
    if hours and weight is not None and weight.fixed_hours is not None:
        return Value(float(weight.fixed_hours))
    factor = float(weight.weight) if weight is not None else 1.0
    if hours:
        return F("duration_minutes") * Value(factor) / Value(60.0)
    return Value(factor)


def _unit_sum(unit: UnitDefinition):
    counted = Q(attendance__in=list(unit.statuses))
    if unit.kinds:
        counted &= Q(kind__in=list(unit.kinds))
    whens = [
        When(counted & Q(kind=weight.kind), then=_amount(unit, weight))
        for weight in unit.weights.all()
    ]
    whens.append(When(counted, then=_amount(unit)))
    total = Sum(Case(*whens, default=Value(0.0), output_field=FloatField()))
    return Coalesce(total, Value(0.0), output_field=FloatField())


@dataclass
class UnitRow:
    """One line of a report: a kind of contact (or the total, kind "")."""

    kind: str
    label: str
    values: dict[str, float]
    people: int
    contacts: int
    attended: int
    did_not_attend: int
    cancelled: int
    withheld: bool = False
    # (unit label, value) in the framework's order, for the pages.
    figures: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class UnitsReport:
    framework: EvaluationFramework
    units: list[UnitDefinition]
    rows: list[UnitRow]
    total: UnitRow
    start: dt.date
    end: dt.date

    @property
    def headline(self) -> list[tuple[str, float | None]]:
        """(unit label, the period's total, or None where it is withheld)."""
        withheld = self.total.withheld
        return [
            (u.label, None if withheld else self.total.values.get(u.code, 0.0)) for u in self.units
        ]

    def value(self, code: str, kind: str = "") -> float:
        row = self.total if not kind else next((r for r in self.rows if r.kind == kind), None)
        return row.values.get(code, 0.0) if row else 0.0


_KIND_LABELS = dict(ContactKind.choices)


def _row(kind: str, label: str, data: dict, units: list[UnitDefinition]) -> UnitRow:
    values = {u.code: round(data[f"u_{u.pk}"] or 0.0, 2) for u in units}
    return UnitRow(
        kind=kind,
        label=label,
        values=values,
        people=data["people"],
        contacts=data["contacts"],
        attended=data["attended"],
        did_not_attend=data["did_not_attend"],
        cancelled=data["cancelled"],
        figures=[(u.label, values[u.code]) for u in units],
    )


def units(
    *,
    framework: EvaluationFramework,
    organisation=None,
    service=None,
    start: dt.date,
    end: dt.date,
    kinds=None,
    by_kind: bool = True,
) -> UnitsReport:
    """Each unit of the framework over the contacts of `start`..`end` (whole days, both
    included, in local time) of the organisation (or service), in total and by kind of
    contact: aggregates in SQL, three queries or four whatever the number of contacts."""
    definitions = unit_definitions(framework=framework)
    contacts = Contact.objects.filter(
        starts_at__gte=_day_start(start), starts_at__lt=_day_start(end + dt.timedelta(days=1))
    )
    if organisation is not None:
        contacts = contacts.filter(owning_organisation=organisation)
    if service is not None:
        contacts = contacts.filter(service=service)
    if kinds is not None:
        contacts = contacts.filter(kind__in=list(kinds))
    measures = {f"u_{u.pk}": _unit_sum(u) for u in definitions}
    measures |= {
        "people": Count("person", distinct=True),
        "contacts": Count("pk"),
        "attended": Count("pk", filter=Q(attendance=Attendance.ATTENDED)),
        "did_not_attend": Count("pk", filter=Q(attendance=Attendance.DID_NOT_ATTEND)),
        "cancelled": Count(
            "pk",
            filter=Q(
                attendance__in=[Attendance.CANCELLED_BY_PERSON, Attendance.CANCELLED_BY_SERVICE]
            ),
        ),
    }
    rows = []
    if by_kind:
        grouped = contacts.order_by().values("kind").annotate(**measures)
        by_kind_rows = {data["kind"]: data for data in grouped}
        rows = [
            _row(kind, label, by_kind_rows[kind], definitions)
            for kind, label in ContactKind.choices
            if kind in by_kind_rows
        ]
    total = _row("", "All contacts", contacts.order_by().aggregate(**measures), definitions)
    return UnitsReport(
        framework=framework, units=definitions, rows=rows, total=total, start=start, end=end
    )


# --- The activity page: units as the viewer may see them ------------------------------------


@dataclass
class ActivitySummary:
    organisation: object
    scope: str  # "own" or "partnership"
    frameworks: list[EvaluationFramework]
    report: UnitsReport
    service: object = None

    @property
    def withheld_any(self) -> bool:
        return self.report.total.withheld or any(r.withheld for r in self.report.rows)


def _withheld(row: UnitRow, label: str | None = None) -> UnitRow:
    return replace(
        row,
        label=label or row.label,
        values={},
        figures=[],
        people=0,
        contacts=0,
        attended=0,
        did_not_attend=0,
        cancelled=0,
        withheld=True,
    )


OTHER_KINDS = "Other kinds of contact, together"


def _small_numbers_withheld(report: UnitsReport, *, organisation, service) -> UnitsReport:
    """The report as someone who may not see the people should: each kind with fewer
    than SMALL_NUMBER people is folded into one line of the others together; if that
    line still counts fewer, it is withheld, and so is the total (or the line could be
    worked out from it)."""
    small = [r for r in report.rows if r.people < SMALL_NUMBER]
    rows = [r for r in report.rows if r.people >= SMALL_NUMBER]
    total = report.total
    if small:
        other = units(
            framework=report.framework,
            organisation=organisation,
            service=service,
            start=report.start,
            end=report.end,
            kinds=[r.kind for r in small],
            by_kind=False,
        ).total
        other = replace(other, kind="other", label=OTHER_KINDS)
        if other.people < SMALL_NUMBER:
            other, total = _withheld(other), _withheld(total)
        rows.append(other)
    if total.people < SMALL_NUMBER and not total.withheld and total.contacts:
        total = _withheld(total)
    return replace(report, rows=rows, total=total)


def activity_summary(
    *,
    user,
    organisation,
    start: dt.date,
    end: dt.date,
    service=None,
    framework_id=None,
    frameworks: list[EvaluationFramework] | None = None,
) -> ActivitySummary:
    """The organisation's (or one of its services') units for the period, by kind, as
    the user may see them: PermissionDenied for a user who may see none. The framework
    is the one chosen of `frameworks_for` the organisation at the period's end, or the
    first."""
    scope = aggregate_scope(user=user, organisation=organisation)
    if frameworks is None:
        frameworks = frameworks_for(organisation=organisation, on=end)
    if not frameworks:
        raise NotFound(NO_FRAMEWORK)
    chosen = next((f for f in frameworks if str(f.public_id) == str(framework_id)), None)
    framework = chosen or frameworks[0]
    report = units(
        framework=framework, organisation=organisation, service=service, start=start, end=end
    )
    if scope != "own":
        report = _small_numbers_withheld(report, organisation=organisation, service=service)
    return ActivitySummary(
        organisation=organisation,
        scope=scope,
        frameworks=frameworks,
        report=report,
        service=service,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float


CHART_STEP = 32


def chart_bars(
    report: UnitsReport, code: str, *, width: int = 400, step: int = CHART_STEP
) -> list[Bar]:
    """Bars for a server-drawn SVG chart of one unit by kind (no script, no style)."""
    shown = [r for r in report.rows if not r.withheld]
    top = max((r.values.get(code, 0.0) for r in shown), default=0.0) or 1.0
    return [
        Bar(
            r.label,
            r.values.get(code, 0.0),
            i * step,
            round(width * r.values.get(code, 0.0) / top, 1),
        )
        for i, r in enumerate(shown)
    ]


def table_counts() -> dict[str, int]:
    """How many contacts and group sessions are held: counts only (the demo's check that
    a database holds only demo data reads it)."""
    return {
        "activity_contacts": Contact.objects.count(),
        "group_sessions": GroupSession.objects.count(),
    }


def uuid_list(values) -> list[str]:
    """The values that are UUIDs, as text (a posted form's person ids)."""
    return [str(u) for v in values if (u := _as_uuid(v))]
