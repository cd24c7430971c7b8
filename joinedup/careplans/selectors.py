"""Every read of care plans, filtered by the access policy and audited.

Staff read through `access.record.record_visibility(..., category=Category.CARE_PLAN)`;
the person reads their own through `access.record.own_records`. A plan the viewer may
not see is `NotFound`, exactly as one that does not exist.

The other reads here (partner organisations, staff, services, localities, the recorded
coordinator rules) are of directory, accounts and partnership data, not of anyone's
record: they give the forms their choices and the services what they check against.
"""

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category, categories_for
from joinedup.access.roles import Role
from joinedup.accounts.models import Membership
from joinedup.audit.services import audit_record
from joinedup.careplans import diffs
from joinedup.careplans.models import (
    CarePlan,
    CarePlanAgreement,
    CarePlanComment,
    CarePlanOffer,
    CarePlanVersion,
    CareTeamMember,
    CoordinatorRule,
)
from joinedup.careplans.rules import RecordedRule
from joinedup.core.exceptions import NotFound
from joinedup.directory.models import Locality, Organisation, Service, ServiceStatus
from joinedup.partnerships.models import PartnershipMember
from joinedup.people import selectors as people_selectors

PLAN_NOT_FOUND = "There is no such care plan, or you may not see it"
# Staff who may be named care coordinator: roles that see care plans, but not volunteers
# (coordination is a duty of paid staff; a partnership's rule says of which organisations).
COORDINATOR_ROLES = frozenset(
    role for role in Role if Category.CARE_PLAN in categories_for(role) and role != Role.VOLUNTEER
)
# At most this many choices in one of the forms' lists (staff, services, organisations).
CHOICES_LIMIT = 300


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


def _visible(user) -> QuerySet:
    return record.record_visibility(user, CarePlan.objects.all(), category=Category.CARE_PLAN)


def acting_organisation_id(user) -> int | None:
    membership = getattr(user, "acting_membership", None)
    return membership.organisation_id if membership else None


def audit_basis(*, user, plan: CarePlan) -> str:
    """Why the user may see the plan: their own organisation's, shared with them by an
    agreement (their team has a care relationship either way), or break-glass."""
    basis = record.person_basis(user, plan.person)
    if basis == "own_organisation" and plan.owning_organisation_id != acting_organisation_id(user):
        return "isa"
    return basis


def _audit_view(user, plan: CarePlan, *, basis: str, detail: dict | None = None) -> None:
    audit_record(
        actor=user,
        action="view",
        obj=plan,
        person_public_id=plan.person.public_id,
        basis=basis,
        detail={"version": plan.version, **(detail or {})},
    )


# --- Staff --------------------------------------------------------------------------


def care_plan_get(*, user, public_id, audit: bool = True) -> CarePlan:
    """One plan the user may see (with its person, organisation and locality)."""
    uid = _as_uuid(public_id)
    plan = (
        _visible(user)
        .select_related("person", "owning_organisation", "locality")
        .filter(public_id=uid)
        .first()
        if uid
        else None
    )
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND)
    if audit:
        _audit_view(user, plan, basis=audit_basis(user=user, plan=plan))
    return plan


def care_plan_visible(*, user, public_id) -> CarePlan:
    """The plan, if `user` may see it (NotFound if not, or if there is none); audited as
    a view. For other apps (a joint referral meeting's agenda) that show a plan."""
    return care_plan_get(user=user, public_id=public_id)


def care_plan_list(*, user, person) -> list[CarePlan]:
    """The person's care plans that the user may see (`person` found under the policy by
    the caller), newest change first; one audit event naming them."""
    plans = list(
        _visible(user)
        .filter(person=person)
        .select_related("person", "owning_organisation", "locality")
        .order_by("-updated_at", "pk")
    )
    audit_record(
        actor=user,
        action="view",
        obj=person,
        person_public_id=person.public_id,
        basis=record.person_basis(user, person),
        detail={"care_plans": [str(p.public_id) for p in plans]},
    )
    return plans


def agreed_plan_ids(*, plans) -> set[int]:
    """Which of the plans the person has agreed to as they stand (their current version)."""
    return set(
        CarePlanAgreement.objects.filter(
            version__plan__in=[p.pk for p in plans], version__number=F("version__plan__version")
        ).values_list("version__plan_id", flat=True)
    )


class _PlanReading:
    """What a plan's page and the person's own view both read off the plan's parts:
    its care team, its current and previous versions."""

    care_team: list[CareTeamMember]
    current: CarePlanVersion
    previous: CarePlanVersion | None

    @property
    def agreement(self):
        return getattr(self.current, "agreement", None)

    @property
    def coordinator(self) -> CareTeamMember | None:
        return next((m for m in self.care_team if m.is_care_coordinator), None)

    @property
    def single_point_of_contact(self) -> CareTeamMember | None:
        return next((m for m in self.care_team if m.is_single_point_of_contact), None)

    @property
    def changes(self) -> list[diffs.SectionDiff]:
        """The sections the latest version changed (none for a first version)."""
        if self.previous is None:
            return []
        return [s for s in diffs.diff(self.previous.content, self.current.content) if s.changed]


@dataclass
class CarePlanPage(_PlanReading):
    """A plan with everything its page shows, read in a fixed number of queries."""

    plan: CarePlan
    basis: str
    offers: list[CarePlanOffer]
    care_team: list[CareTeamMember]
    versions: list[CarePlanVersion]  # newest first; `content` not loaded
    current: CarePlanVersion
    previous: CarePlanVersion | None
    comments: list[CarePlanComment] = field(default_factory=list)


def _offers(plan_ids) -> QuerySet:
    return CarePlanOffer.objects.filter(plan_id__in=plan_ids).select_related(
        "service", "organisation", "worker"
    )


def _care_team(plan_ids) -> QuerySet:
    return CareTeamMember.objects.filter(plan_id__in=plan_ids).select_related(
        "organisation", "user"
    )


def _latest_two(plan_ids) -> QuerySet:
    """The current and the previous version of each plan (one query for any number)."""
    return (
        CarePlanVersion.objects.filter(plan_id__in=plan_ids, number__gte=F("plan__version") - 1)
        .select_related("agreement", "agreement__recorded_by", "created_by")
        .order_by("plan_id", "-number")
    )


def _pair(versions: list[CarePlanVersion], plan: CarePlan):
    mine = [v for v in versions if v.plan_id == plan.pk]
    current = next(v for v in mine if v.number == plan.version)
    previous = next((v for v in mine if v.number == plan.version - 1), None)
    return current, previous


def care_plan_page(*, user, public_id) -> CarePlanPage:
    """The plan's page: the plan as it stands, its care team and offers, every version
    (with the person's agreement), what the latest version changed and the person's
    comments. Audited as one view."""
    plan = care_plan_get(user=user, public_id=public_id, audit=False)
    basis = audit_basis(user=user, plan=plan)
    current, previous = _pair(list(_latest_two([plan.pk])), plan)
    page = CarePlanPage(
        plan=plan,
        basis=basis,
        offers=list(_offers([plan.pk])),
        care_team=list(_care_team([plan.pk])),
        versions=list(
            CarePlanVersion.objects.filter(plan=plan)
            .defer("content")
            .select_related(
                "created_by",
                "created_by_organisation",
                "agreement",
                "agreement__recorded_by",
            )
            .order_by("-number")
        ),
        current=current,
        previous=previous,
        comments=list(
            CarePlanComment.objects.filter(plan=plan)
            .select_related("author")
            .order_by("-created_at", "-pk")
        ),
    )
    _audit_view(user, plan, basis=basis)
    return page


@dataclass
class VersionPage:
    plan: CarePlan
    version: CarePlanVersion
    previous: CarePlanVersion | None
    latest: int

    @property
    def sections(self) -> list[diffs.SectionDiff]:
        return diffs.diff(self.previous.content if self.previous else None, self.version.content)

    @property
    def agreement(self):
        return getattr(self.version, "agreement", None)


def care_plan_version(*, user, public_id, number: int) -> VersionPage:
    """One version of a plan the user may see, with the one before it to compare."""
    plan = care_plan_get(user=user, public_id=public_id, audit=False)
    if not 1 <= number <= plan.version:
        raise NotFound("This care plan has no such version")
    versions = {
        v.number: v
        for v in CarePlanVersion.objects.filter(plan=plan, number__in=[number - 1, number])
        .select_related("created_by", "created_by_organisation", "agreement__recorded_by")
        .order_by("number")
    }
    if number not in versions:
        raise NotFound("This care plan has no such version")
    _audit_view(user, plan, basis=audit_basis(user=user, plan=plan), detail={"shown": number})
    return VersionPage(plan, versions[number], versions.get(number - 1), plan.version)


def care_plan_parts(*, plan: CarePlan) -> tuple[list, list]:
    """The offers and care team of a plan found under the policy (its form shows them;
    the view of the plan, or the write, is what is audited)."""
    return list(_offers([plan.pk])), list(_care_team([plan.pk]))


def care_team_member_get(*, plan: CarePlan, public_id) -> CareTeamMember:
    """A member of a plan's care team (the plan itself found under the policy)."""
    uid = _as_uuid(public_id)
    member = _care_team([plan.pk]).filter(public_id=uid).first() if uid is not None else None
    if member is None:
        raise NotFound("There is no such member of this care team")
    return member


def own_plan_id(*, user, person) -> UUID | None:
    """The public id of the user's organisation's plan for this person, if it has one
    (the plan they would change rather than make anew). Asks only of the user's own
    organisation's plans, never anyone else's, so it tells nothing of them."""
    return (
        CarePlan.objects.filter(person=person, owning_organisation_id=acting_organisation_id(user))
        .values_list("public_id", flat=True)
        .first()
    )


# --- For the joint referral meetings (issue 5) -------------------------------------------


def reviews_due(*, locality_id: int, by: datetime.date) -> list[CarePlan]:
    """The plans of a locality whose review date is on or before `by`, earliest first,
    with their person: for building a joint referral meeting's agenda. System-level (no
    viewer, not audited): whoever is shown an item sees it through `care_plan_visible`."""
    return list(
        CarePlan.objects.filter(locality_id=locality_id, review_date__lte=by)
        .select_related("person", "owning_organisation")
        .order_by("review_date", "pk")
    )


def table_counts() -> dict[str, int]:
    """How many care plans and versions are held: counts only (the demo's check that a
    database holds only demo data reads these)."""
    return {
        "care_plans": CarePlan.objects.count(),
        "care_plan_versions": CarePlanVersion.objects.count(),
    }


# --- The person's own portal -----------------------------------------------------------


@dataclass
class PortalPlan(_PlanReading):
    plan: CarePlan
    offers: list[CarePlanOffer]
    care_team: list[CareTeamMember]
    current: CarePlanVersion
    previous: CarePlanVersion | None
    comments: list[CarePlanComment]


@dataclass
class PortalCarePlans:
    person: object
    plans: list[PortalPlan]


def portal_care_plans(*, user) -> PortalCarePlans:
    """The person's own care plans, each with what its latest version changed; one audit
    event (basis person_self). NotFound for an account that is no person's."""
    person = people_selectors.portal_person(user=user)
    plans = list(
        record.own_records(user, CarePlan.objects.all())
        .select_related("owning_organisation")
        .order_by("-updated_at", "pk")
    )
    ids = [p.pk for p in plans]
    offers, team, versions, comments = (
        list(_offers(ids)),
        list(_care_team(ids)),
        list(_latest_two(ids)),
        list(CarePlanComment.objects.filter(plan_id__in=ids).order_by("-created_at", "-pk")),
    )
    shown = []
    for plan in plans:
        current, previous = _pair(versions, plan)
        shown.append(
            PortalPlan(
                plan=plan,
                offers=[o for o in offers if o.plan_id == plan.pk],
                care_team=[m for m in team if m.plan_id == plan.pk],
                current=current,
                previous=previous,
                comments=[c for c in comments if c.plan_id == plan.pk],
            )
        )
    audit_record(
        actor=user,
        action="view_care_plan",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"care_plans": [f"{p.public_id}@{p.version}" for p in plans]},
    )
    return PortalCarePlans(person=person, plans=shown)


def portal_care_plan_get(*, user, public_id) -> CarePlan:
    """One of the person's own plans (to sign or comment on); NotFound for anyone else's."""
    uid = _as_uuid(public_id)
    plan = (
        record.own_records(user, CarePlan.objects.all())
        .select_related("person", "owning_organisation")
        .filter(public_id=uid)
        .first()
        if uid
        else None
    )
    if plan is None:
        raise NotFound(PLAN_NOT_FOUND)
    return plan


# --- Directory, staff and partnership data the forms and services check against --------


def partner_organisation_ids(*, organisation_id: int, on: datetime.date | None = None) -> set:
    """The organisation and every organisation it shares a partnership with today."""
    today = on or timezone.localdate()
    members = PartnershipMember.objects.active_on(today)
    theirs = members.filter(organisation_id=organisation_id).values("partnership_id")
    ids = set(members.filter(partnership_id__in=theirs).values_list("organisation_id", flat=True))
    return ids | {organisation_id}


def partner_organisations(*, organisation_id: int) -> list[Organisation]:
    """The organisations that may join a plan's care team: the owning organisation and
    its partners (a care relationship with anyone else would share nothing)."""
    ids = partner_organisation_ids(organisation_id=organisation_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")[:CHOICES_LIMIT])


def organisation_find(*, public_id) -> Organisation | None:
    uid = _as_uuid(public_id)
    return Organisation.objects.filter(public_id=uid).first() if uid else None


def coordinator_rules_for(*, organisation_id: int) -> list[RecordedRule]:
    """The coordinator rules recorded by the partnerships the organisation belongs to
    today, each with the organisations that are members of it today."""
    today = timezone.localdate()
    members = PartnershipMember.objects.active_on(today)
    partnership_ids = members.filter(organisation_id=organisation_id).values("partnership_id")
    rules = list(
        CoordinatorRule.objects.filter(partnership_id__in=partnership_ids).select_related(
            "partnership"
        )
    )
    membership: dict[int, set] = {}
    for partnership_id, org_id in members.filter(
        partnership_id__in=[r.partnership_id for r in rules]
    ).values_list("partnership_id", "organisation_id"):
        membership.setdefault(partnership_id, set()).add(org_id)
    return [
        RecordedRule(
            partnership=r.partnership.name,
            rule=r.rule,
            kinds=frozenset(r.kinds or ()),
            members=frozenset(membership.get(r.partnership_id, ())),
        )
        for r in rules
    ]


def staff_list(*, organisation_ids, roles=None) -> list[Membership]:
    """Active memberships of the organisations (in `roles`, if given), by name."""
    memberships = Membership.objects.active().filter(organisation_id__in=list(organisation_ids))
    if roles is not None:
        memberships = memberships.filter(role__in=sorted(roles))
    return list(
        memberships.select_related("user", "organisation").order_by(
            "organisation__name", "user__first_name", "user__last_name", "user__username", "role"
        )[:CHOICES_LIMIT]
    )


def staff_find(*, username: str, organisation_id: int, roles=None) -> Membership | None:
    """The user's active membership of the organisation (in one of `roles`, if given)."""
    memberships = Membership.objects.active().filter(
        user__username=username, organisation_id=organisation_id, user__is_person_account=False
    )
    if roles is not None:
        memberships = memberships.filter(role__in=sorted(roles))
    return memberships.select_related("user", "organisation").order_by("role").first()


def membership_find(*, public_id) -> Membership | None:
    uid = _as_uuid(public_id)
    if uid is None:
        return None
    return (
        Membership.objects.active()
        .filter(public_id=uid)
        .select_related("user", "organisation")
        .first()
    )


def service_find(*, public_id) -> Service | None:
    """A listed (not defunct) service of the directory, with its organisation."""
    uid = _as_uuid(public_id)
    if uid is None:
        return None
    return Service.objects.listed().filter(public_id=uid).select_related("organisation").first()


def service_choices(*, organisation_ids, locality_id: int | None = None, keep=()) -> list:
    """Services a plan may offer from the form: the active services of the owning
    organisation and its partners (in the plan's locality, where it has one, or serving
    everywhere), and any already on the plan."""
    services = Service.objects.filter(
        organisation_id__in=list(organisation_ids), status=ServiceStatus.ACTIVE
    )
    if locality_id:
        services = services.filter(Q(localities=locality_id) | Q(localities__isnull=True))
    chosen = list(
        services.select_related("organisation")
        .order_by("organisation__name", "name", "pk")
        .distinct()[:CHOICES_LIMIT]
    )
    have = {s.pk for s in chosen}
    extra = [s for s in keep if s.pk not in have]
    return chosen + extra


def locality_choices() -> list[Locality]:
    return list(Locality.objects.order_by("name"))


def locality_find(*, public_id) -> Locality | None:
    uid = _as_uuid(public_id)
    return Locality.objects.filter(public_id=uid).first() if uid else None


def _one_locality(services: QuerySet) -> int | None:
    ids = list(
        Service.localities.through.objects.filter(service__in=services)
        .values_list("locality_id", flat=True)
        .distinct()
        .order_by("locality_id")[:2]
    )
    return ids[0] if len(ids) == 1 else None


def default_locality_id(
    *, owning_organisation_id: int, gp_practice_id: int | None, offered_service_ids
) -> int | None:
    """The locality whose joint referral meeting reviews a plan, when none was chosen:
    that of the owning team's service offered in the plan (a locality's community
    mental health team), else the owning organisation's, else the person's GP
    practice's — each only where it is exactly one locality."""
    listed = Service.objects.listed()
    own_offered = listed.filter(
        pk__in=list(offered_service_ids), organisation_id=owning_organisation_id
    )
    for services in (
        own_offered,
        listed.filter(organisation_id=owning_organisation_id),
        listed.filter(organisation_id=gp_practice_id) if gp_practice_id else None,
    ):
        if services is not None and (found := _one_locality(services)):
            return found
    return None


def locality_by_id(*, pk: int) -> Locality | None:
    return Locality.objects.filter(pk=pk).first()


def staff_choices(*, owning_organisation_id: int, care_team=(), roles=None) -> list[Membership]:
    """Staff a plan's form offers (as care coordinator, or named worker): the owning
    organisation's, and the named workers of its care team, one membership each."""
    pairs = Q(organisation_id=owning_organisation_id)
    for member in care_team:
        if member.user_id:
            pairs |= Q(organisation_id=member.organisation_id, user_id=member.user_id)
    memberships = Membership.objects.active().filter(pairs, user__is_person_account=False)
    if roles is not None:
        memberships = memberships.filter(role__in=sorted(roles))
    chosen, seen = [], set()
    for m in memberships.select_related("user", "organisation").order_by(
        "organisation__name", "user__first_name", "user__last_name", "user__username", "role"
    )[:CHOICES_LIMIT]:
        if (m.user_id, m.organisation_id) not in seen:
            seen.add((m.user_id, m.organisation_id))
            chosen.append(m)
    return chosen
