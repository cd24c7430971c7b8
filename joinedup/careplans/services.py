"""Every write to a care plan: making it, changing it (each change a new version), its
care team, the person's agreement and their comments.

Each function runs in one transaction and writes its audit event last in it. Staff who
write are those whose role sees care plans (`Category.CARE_PLAN`), acting with a care
relationship with the person (break-glass is for reading in an emergency, not for
changing a plan); the plan itself is found by the caller under the policy
(`careplans.selectors`). Bad input is a ValidationError naming the field, with nothing
written; a version someone else has moved on is a Conflict (optimistic locking).

Access follows the care team: adding a member of another organisation starts that
organisation's care relationship with the person (`people.services.relationship_start`,
kind `care_team`, source `careplan:<plan id>`), so its staff see the plan under the
partnership's information-sharing agreement; removing the last member of an
organisation ends it.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category, categories_for
from joinedup.audit.services import audit_record
from joinedup.careplans import diffs, rules, selectors
from joinedup.careplans.models import (
    AgreementHow,
    CarePlan,
    CarePlanAgreement,
    CarePlanComment,
    CarePlanOffer,
    CarePlanVersion,
    CareTeamMember,
)
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.people import services as people_services
from joinedup.people.models import RelationshipKind

MAX_TEXT = 10_000
MAX_FREQUENCY = 200
MAX_ROLE = 100
MAX_NOTE = 1_000
MAX_COMMENT = 2_000
MAX_OFFERS = 20
MAX_CARE_TEAM = 30
# A review date further ahead than this is a typing error more often than a plan.
REVIEW_HORIZON = datetime.timedelta(days=731)
COORDINATOR_ROLE_TEXT = "Care coordinator"
TEXT_SECTIONS = (
    ("what_matters", "what matters to the person", True),
    ("goals", "the person's goals", True),
    ("strengths", "the person's strengths", False),
    ("crisis_plan", "the crisis and contingency plan", True),
)


class _Unchanged(Exception):
    """Raised inside a transaction to undo a save that changed nothing."""


def plan_path(plan: CarePlan) -> str:
    try:
        return reverse("careplans:detail", kwargs={"public_id": plan.public_id})
    except NoReverseMatch:
        return f"/care-plans/{plan.public_id}/"


def source(plan: CarePlan) -> str:
    return f"careplan:{plan.public_id}"


# --- Who may write ------------------------------------------------------------------------


def _membership(actor):
    membership = getattr(actor, "acting_membership", None)
    if membership is None or Category.CARE_PLAN not in categories_for(membership.role):
        raise PermissionDenied("Your role does not write care plans")
    return membership


def _require_relationship(actor, person) -> None:
    if record.person_basis(actor, person) != "own_organisation":
        raise PermissionDenied(
            "Break-glass access is for reading in an emergency: the team that looks after "
            "the person changes their care plan"
        )


def writing_refusal(*, actor, person, basis: str | None = None) -> str | None:
    """Why the actor may not make or change this person's care plans (None if they may);
    asked by the pages before they show a form. `basis`, if the page knows it already
    (`selectors.audit_basis`), saves asking the policy again."""
    try:
        _membership(actor)
        if basis is None:
            _require_relationship(actor, person)
        elif basis == "break_glass":
            raise PermissionDenied("Break-glass access is for reading in an emergency")
    except PermissionDenied as exc:
        return exc.message
    return None


# --- Cleaning what was sent -----------------------------------------------------------


@dataclass
class _Offer:
    service: object
    worker: object | None
    frequency: str


@dataclass
class _Content:
    texts: dict
    review_date: datetime.date
    offers: list
    locality: object | None
    coordinator: object | None  # a Membership


def _text(errors: dict, data: dict, name: str, label: str, *, required: bool, limit: int) -> str:
    raw = data.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[name] = f"Enter {label} as text"
        return ""
    value = raw.strip()
    if "\x00" in value:
        errors[name] = "Remove the null characters"
    elif required and not value:
        errors[name] = f"Enter {label}"
    elif len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"
    return value


def _review_date(errors: dict, value, current: datetime.date | None) -> datetime.date | None:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            errors["review_date"] = "Enter the review date as a real date"
            return None
    if not isinstance(value, datetime.date):
        errors["review_date"] = "Enter the date the plan will be reviewed"
        return None
    if value == current:
        return value  # unchanged: a plan overdue for review can still be changed
    today = timezone.localdate()
    if value < today:
        errors["review_date"] = "The review date must be today or in the future"
    elif value > today + REVIEW_HORIZON:
        errors["review_date"] = "The review date must be within two years"
    return value


def _offers(errors: dict, raw) -> list[_Offer]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors["offers"] = "Send the offers of care as a list"
        return []
    if len(raw) > MAX_OFFERS:
        errors["offers"] = f"A plan has at most {MAX_OFFERS} offers of care"
        return []
    offers = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        service = selectors.service_find(public_id=item.get("service"))
        if service is None:
            errors[f"offers.{i}.service"] = "Choose a service from the directory"
            continue
        row_errors: dict[str, str] = {}
        frequency = _text(
            row_errors, item, "frequency", "how often", required=False, limit=MAX_FREQUENCY
        )
        errors.update({f"offers.{i}.{name}": message for name, message in row_errors.items()})
        worker = None
        username = item.get("worker") or ""
        if username:
            found = selectors.staff_find(
                username=str(username)[:150], organisation_id=service.organisation_id
            )
            if found is None:
                errors[f"offers.{i}.worker"] = (
                    f"The named worker must be a member of staff of {service.organisation.name}"
                )
                continue
            worker = found.user
        offers.append(_Offer(service, worker, frequency))
    return offers


def _coordinator_membership(errors: dict, raw):
    """The membership named as care coordinator: {"membership": id} (the web form) or
    {"username": ..., "organisation": id} (the API); None for none."""
    if not raw:
        return None
    if not isinstance(raw, dict):
        errors["care_coordinator"] = "Name the care coordinator's username and organisation"
        return None
    if raw.get("membership"):
        found = selectors.membership_find(public_id=raw["membership"])
        if found is None or found.role not in selectors.COORDINATOR_ROLES:
            errors["care_coordinator"] = "Choose the care coordinator from the list"
            return None
        return found
    organisation = selectors.organisation_find(public_id=raw.get("organisation"))
    if organisation is None:
        errors["care_coordinator"] = "There is no such organisation for the care coordinator"
        return None
    found = selectors.staff_find(
        username=str(raw.get("username") or "")[:150],
        organisation_id=organisation.pk,
        roles=selectors.COORDINATOR_ROLES,
    )
    if found is None:
        errors["care_coordinator"] = (
            f"The care coordinator must be a member of staff of {organisation.name} in a "
            "role that may coordinate care (not a volunteer)"
        )
    return found


def _eligibility(errors: dict, field: str, organisation, owning_organisation) -> None:
    """Rule: the organisation must be the owning one or a partner of it; and, for a care
    coordinator, allowed by the coordinator rule."""
    partners = selectors.partner_organisation_ids(organisation_id=owning_organisation.pk)
    if organisation.pk not in partners:
        errors[field] = (
            f"{organisation.name} is not a partner of {owning_organisation.name}: only "
            "partner organisations join a care team"
        )
        return
    if field == "care_coordinator":
        refusal = rules.coordinator_refusal(
            rules.Candidate(organisation.pk, organisation.name, organisation.kind),
            selectors.coordinator_rules_for(organisation_id=owning_organisation.pk),
        )
        if refusal:
            errors[field] = refusal


def _clean(data: dict, *, owning_organisation, plan: CarePlan | None) -> _Content:
    errors: dict[str, str] = {}
    texts = {
        name: _text(errors, data, name, label, required=required, limit=MAX_TEXT)
        for name, label, required in TEXT_SECTIONS
    }
    review_date = _review_date(errors, data.get("review_date"), plan.review_date if plan else None)
    offers = _offers(errors, data.get("offers"))
    locality = None
    if data.get("locality"):
        locality = selectors.locality_find(public_id=data["locality"])
        if locality is None:
            errors["locality"] = "Choose a locality from the list"
    coordinator = _coordinator_membership(errors, data.get("care_coordinator"))
    if coordinator is not None and "care_coordinator" not in errors:
        _eligibility(errors, "care_coordinator", coordinator.organisation, owning_organisation)
    if errors:
        raise ValidationError(errors)
    return _Content(texts, review_date, offers, locality, coordinator)


# --- The versions -------------------------------------------------------------------------


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _snapshot(plan: CarePlan) -> dict:
    """The plan as it stands, whole, in plain JSON values (what a version keeps)."""
    offers = plan.offers.select_related("service", "organisation", "worker").order_by("order", "pk")
    team = plan.care_team.select_related("organisation", "user").order_by("created_at", "pk")
    return {
        "what_matters": plan.what_matters,
        "goals": plan.goals,
        "strengths": plan.strengths,
        "crisis_plan": plan.crisis_plan,
        "review_date": plan.review_date.isoformat(),
        "locality": plan.locality.name if plan.locality_id else "",
        "offers": [
            {
                "service_id": str(o.service.public_id),
                "service": o.service.name,
                "organisation": o.organisation.name,
                "worker": _name(o.worker),
                "frequency": o.frequency,
            }
            for o in offers
        ],
        "care_team": [
            {
                "organisation": m.organisation.name,
                "worker": _name(m.user),
                "role": m.role,
                "single_point_of_contact": m.is_single_point_of_contact,
                "care_coordinator": m.is_care_coordinator,
            }
            for m in team
        ],
    }


def _lock(plan: CarePlan, expected_version: int | None) -> int:
    """Lock the plan's row and move its version on; a Conflict if the actor saw an older
    version than the one now saved (someone else changed it first)."""
    current = (
        CarePlan.objects.select_for_update()
        .filter(pk=plan.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None:
        raise NotFound(selectors.PLAN_NOT_FOUND)
    if expected_version is not None and current != expected_version:
        latest = (
            CarePlanVersion.objects.filter(plan_id=plan.pk, number=current)
            .select_related("created_by")
            .first()
        )
        who = _name(latest.created_by) if latest else "someone"
        raise Conflict(
            f"{who} saved version {current} of this care plan after the version {expected_version} "
            "you were changing. Nothing you sent was saved: open the plan again, and make "
            "your change to the latest version.",
            field="version",
        )
    CarePlan.objects.filter(pk=plan.pk).update(version=current + 1, updated_at=timezone.now())
    plan.version = current + 1
    return plan.version


def _new_version(actor, plan: CarePlan) -> CarePlanVersion:
    """Keep the plan as it now stands as its next version (`plan.version`); _Unchanged
    if nothing differs from the version before."""
    previous = CarePlanVersion.objects.filter(plan=plan).order_by("-number").first()
    content = _snapshot(plan)
    if previous is not None and previous.content == content:
        raise _Unchanged
    return CarePlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        content=content,
        created_at=timezone.now(),
        created_by=actor,
        created_by_organisation_id=actor.acting_membership.organisation_id,
        changed=diffs.changed_sections(previous.content if previous else None, content),
    )


# --- Access follows the care team -----------------------------------------------------


def _start_access(actor, plan: CarePlan, organisation) -> None:
    if organisation.pk == plan.owning_organisation_id:
        return  # the owning team already looks after the person
    people_services.relationship_start(
        actor=actor,
        person=plan.person,
        organisation=organisation,
        kind=RelationshipKind.CARE_TEAM,
        reason="In the care team of a care plan",
        source=source(plan),
    )


def _end_access(actor, plan: CarePlan, organisation_id: int) -> None:
    """An organisation with no one left in the care team loses the access the plan gave
    it. The relationships a plan starts share its source, and people.services ends them
    by source only: so all of them end, and those of the organisations still in the team
    start again at once (in this transaction, so no request sees a gap)."""
    if organisation_id == plan.owning_organisation_id:
        return
    remaining = CareTeamMember.objects.filter(plan=plan, organisation_id=organisation_id)
    if remaining.exists():
        return
    people_services.relationship_end_by_source(
        source=source(plan), reason="Left the care team of a care plan"
    )
    others = {
        m.organisation
        for m in plan.care_team.select_related("organisation")
        if m.organisation_id != plan.owning_organisation_id
    }
    for organisation in sorted(others, key=lambda o: o.pk):
        _start_access(actor, plan, organisation)


def _set_coordinator(actor, plan: CarePlan, membership) -> None:
    """Name the coordinator: flag their place in the care team (added, with access, if
    they are not in it yet); unflag whoever it was before."""
    current = plan.care_team.filter(is_care_coordinator=True).first()
    if membership is None:
        if current:
            CareTeamMember.objects.filter(pk=current.pk).update(is_care_coordinator=False)
        return
    if current and (current.organisation_id, current.user_id) == (
        membership.organisation_id,
        membership.user_id,
    ):
        return
    if current:
        CareTeamMember.objects.filter(pk=current.pk).update(is_care_coordinator=False)
    place = plan.care_team.filter(
        organisation_id=membership.organisation_id, user_id=membership.user_id
    ).first()
    if place:
        CareTeamMember.objects.filter(pk=place.pk).update(is_care_coordinator=True)
        return
    if plan.care_team.count() >= MAX_CARE_TEAM:
        raise ValidationError({"care_coordinator": f"A care team has at most {MAX_CARE_TEAM}"})
    CareTeamMember.objects.create(
        plan=plan,
        organisation=membership.organisation,
        user=membership.user,
        role=COORDINATOR_ROLE_TEXT,
        is_care_coordinator=True,
        added_by=actor,
    )
    _start_access(actor, plan, membership.organisation)


def _write_offers(plan: CarePlan, offers: list[_Offer]) -> None:
    plan.offers.all().delete()
    CarePlanOffer.objects.bulk_create(
        CarePlanOffer(
            plan=plan,
            service=o.service,
            organisation_id=o.service.organisation_id,
            worker=o.worker,
            frequency=o.frequency,
            order=i,
        )
        for i, o in enumerate(offers)
    )


def _audit(actor, action: str, plan: CarePlan, *, basis: str, detail: dict | None = None):
    audit_record(
        actor=actor,
        action=f"careplan_{action}",
        obj=plan,
        person_public_id=plan.person.public_id,
        basis=basis,
        detail={"version": plan.version, **(detail or {})},
    )


def _staff_basis(actor, plan: CarePlan) -> str:
    own = actor.acting_membership.organisation_id == plan.owning_organisation_id
    return "own_organisation" if own else "isa"


# --- Making and changing a plan -------------------------------------------------------


def care_plan_create(*, actor, person, data: dict) -> CarePlan:
    """Make the care plan of `person` (found by the caller under the policy) owned by the
    actor's organisation, as its version 1. `data`: what_matters, goals, strengths,
    crisis_plan, review_date, offers ([{service, worker, frequency}]), locality and
    care_coordinator (see `_coordinator_membership`)."""
    membership = _membership(actor)
    _require_relationship(actor, person)
    owning = membership.organisation
    content = _clean(data, owning_organisation=owning, plan=None)
    if selectors.own_plan_id(user=actor, person=person) is not None:
        raise Conflict(
            f"{owning.name} already has a care plan for this person: change that one",
            field="person",
        )
    try:
        with transaction.atomic():
            plan = CarePlan.objects.create(
                person=person,
                owning_organisation=owning,
                locality=content.locality or _default_locality(owning, person, content),
                version=1,
                review_date=content.review_date,
                created_by=actor,
                **content.texts,
            )
            _write_offers(plan, content.offers)
            _set_coordinator(actor, plan, content.coordinator)
            _new_version(actor, plan)
            _audit(actor, "create", plan, basis="own_organisation")
    except IntegrityError as exc:  # the same plan, made a moment ago by a colleague
        raise Conflict(
            f"{owning.name} already has a care plan for this person: change that one",
            field="person",
        ) from exc
    return plan


def _default_locality(owning, person, content: _Content):
    locality_id = selectors.default_locality_id(
        owning_organisation_id=owning.pk,
        gp_practice_id=person.gp_practice_id,
        offered_service_ids=[o.service.pk for o in content.offers],
    )
    return selectors.locality_by_id(pk=locality_id) if locality_id else None


@dataclass
class Saved:
    plan: CarePlan
    changed: bool


def care_plan_update(*, actor, plan: CarePlan, expected_version: int, data: dict) -> Saved:
    """Change the plan (everything in `data`, as for `care_plan_create`), as the version
    the actor was changing: a new version, which the person has not yet agreed. A
    Conflict if someone saved a newer one first; nothing saved if nothing changed."""
    _membership(actor)
    _require_relationship(actor, plan.person)
    content = _clean(data, owning_organisation=plan.owning_organisation, plan=plan)
    try:
        with transaction.atomic():
            _lock(plan, expected_version)
            for name, value in content.texts.items():
                setattr(plan, name, value)
            plan.review_date = content.review_date
            plan.locality = content.locality or _default_locality(
                plan.owning_organisation, plan.person, content
            )
            CarePlan.objects.filter(pk=plan.pk).update(
                review_date=plan.review_date, locality=plan.locality, **content.texts
            )
            _write_offers(plan, content.offers)
            _set_coordinator(actor, plan, content.coordinator)
            version = _new_version(actor, plan)
            _audit(
                actor,
                "update",
                plan,
                basis=_staff_basis(actor, plan),
                detail={"changed": version.changed},
            )
    except _Unchanged:
        plan.refresh_from_db()
        return Saved(plan, changed=False)
    plan.refresh_from_db()
    return Saved(plan, changed=True)


# --- The care team ----------------------------------------------------------------------


def care_team_add(
    *,
    actor,
    plan: CarePlan,
    organisation,
    username: str = "",
    role: str,
    single_point_of_contact: bool = False,
    care_coordinator: bool = False,
    expected_version: int | None = None,
) -> CareTeamMember:
    """Add an organisation (or one of its workers) to the care team, in a role; starting
    its care relationship with the person if it is another organisation."""
    _membership(actor)
    _require_relationship(actor, plan.person)
    errors: dict[str, str] = {}
    role = _text(errors, {"role": role}, "role", "their role", required=True, limit=MAX_ROLE)
    if organisation is None:
        errors["organisation"] = "Choose an organisation from the list"
        raise ValidationError(errors)
    _eligibility(errors, "organisation", organisation, plan.owning_organisation)
    member_user = None
    if username:
        roles = selectors.COORDINATOR_ROLES if care_coordinator else None
        found = selectors.staff_find(
            username=str(username)[:150], organisation_id=organisation.pk, roles=roles
        )
        if found is None:
            errors["user"] = f"Choose a member of staff of {organisation.name}" + (
                " in a role that may coordinate care (not a volunteer)" if roles else ""
            )
        else:
            member_user = found.user
    if care_coordinator:
        if not username:
            errors["user"] = "Name the worker who will be the care coordinator"
        elif "organisation" not in errors:
            _eligibility(errors, "care_coordinator", organisation, plan.owning_organisation)
    team = list(plan.care_team.all())
    if any(
        m.organisation_id == organisation.pk
        and m.user_id == (member_user.pk if member_user else None)
        for m in team
    ):
        errors["user" if member_user else "organisation"] = "They are already in the care team"
    if len(team) >= MAX_CARE_TEAM:
        errors["organisation"] = f"A care team has at most {MAX_CARE_TEAM} members"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock(plan, expected_version)
        if single_point_of_contact:
            plan.care_team.update(is_single_point_of_contact=False)
        if care_coordinator:
            plan.care_team.update(is_care_coordinator=False)
        member = CareTeamMember.objects.create(
            plan=plan,
            organisation=organisation,
            user=member_user,
            role=role,
            is_single_point_of_contact=single_point_of_contact,
            is_care_coordinator=care_coordinator,
            added_by=actor,
        )
        _start_access(actor, plan, organisation)
        _new_version(actor, plan)
        _audit(
            actor,
            "team_add",
            plan,
            basis=_staff_basis(actor, plan),
            detail={"organisation": str(organisation.public_id), "member": str(member.public_id)},
        )
    return member


def care_team_remove(
    *, actor, plan: CarePlan, member: CareTeamMember, expected_version: int | None = None
) -> None:
    """Take a member out of the care team; their organisation's access through the plan
    ends if no one of it is left in the team."""
    _membership(actor)
    _require_relationship(actor, plan.person)
    if member.plan_id != plan.pk:
        raise NotFound("There is no such member of this care team")
    with transaction.atomic():
        _lock(plan, expected_version)
        CareTeamMember.objects.filter(pk=member.pk).delete()
        _end_access(actor, plan, member.organisation_id)
        _new_version(actor, plan)
        _audit(
            actor,
            "team_remove",
            plan,
            basis=_staff_basis(actor, plan),
            detail={"organisation": str(member.organisation.public_id)},
        )


def care_team_single_point_of_contact(
    *, actor, plan: CarePlan, member: CareTeamMember, expected_version: int | None = None
) -> None:
    """Make `member` the person's single point of contact (there is one at a time)."""
    _membership(actor)
    _require_relationship(actor, plan.person)
    if member.plan_id != plan.pk:
        raise NotFound("There is no such member of this care team")
    try:
        with transaction.atomic():
            _lock(plan, expected_version)
            plan.care_team.exclude(pk=member.pk).update(is_single_point_of_contact=False)
            CareTeamMember.objects.filter(pk=member.pk).update(is_single_point_of_contact=True)
            _new_version(actor, plan)
            _audit(
                actor,
                "team_contact",
                plan,
                basis=_staff_basis(actor, plan),
                detail={"member": str(member.public_id)},
            )
    except _Unchanged:
        plan.refresh_from_db()


# --- The person's agreement and comments ----------------------------------------------


def _version_to_agree(plan: CarePlan, version: int) -> CarePlanVersion:
    current = (
        CarePlan.objects.select_for_update()
        .filter(pk=plan.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current != version:
        raise Conflict(
            f"The plan has changed: version {current} is the latest, and agreement is to the "
            f"version the person read. Nothing was recorded: read version {current} with them.",
            field="version",
        )
    found = CarePlanVersion.objects.filter(plan=plan, number=version).first()
    if CarePlanAgreement.objects.filter(version=found).exists():
        raise Conflict(f"Version {version} of the plan is already agreed", field="version")
    return found


def agreement_record(*, actor, plan: CarePlan, version: int, note: str) -> CarePlanAgreement:
    """Record that the person agreed verbally to `version` of their plan (the latest):
    who recorded it, when, and a note of how."""
    membership = _membership(actor)
    _require_relationship(actor, plan.person)
    errors: dict[str, str] = {}
    note = _text(
        errors,
        {"note": note},
        "note",
        "a note of how the person agreed",
        required=True,
        limit=MAX_NOTE,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        to_agree = _version_to_agree(plan, version)
        agreement = CarePlanAgreement.objects.create(
            version=to_agree,
            how=AgreementHow.VERBAL,
            agreed_at=timezone.now(),
            recorded_by=actor,
            recorded_by_organisation_id=membership.organisation_id,
            note=note,
        )
        _audit(actor, "agree", plan, basis=_staff_basis(actor, plan), detail={"how": "verbal"})
    return agreement


def _own(actor, plan: CarePlan) -> None:
    if not getattr(actor, "is_person_account", False) or plan.person.portal_user_id != actor.pk:
        raise NotFound(selectors.PLAN_NOT_FOUND)


def _tell_team(plan: CarePlan, *, subject: str, body: str) -> None:
    """The care coordinator (else whoever made the plan) is told; the message says what
    happened and where to look, never what the person wrote."""
    from joinedup.notifications.services import notify

    coordinator = plan.care_team.filter(is_care_coordinator=True).select_related("user").first()
    user = coordinator.user if coordinator else plan.created_by
    notify(user=user, subject=subject, body=body, link=plan_path(plan))


def agreement_sign(*, actor, plan: CarePlan, version: int) -> CarePlanAgreement:
    """The person signs `version` (the latest) of their own plan in the portal."""
    _own(actor, plan)
    with transaction.atomic():
        to_agree = _version_to_agree(plan, version)
        agreement = CarePlanAgreement.objects.create(
            version=to_agree,
            how=AgreementHow.PORTAL,
            agreed_at=timezone.now(),
            recorded_by=actor,
        )
        _tell_team(
            plan,
            subject="A care plan was signed",
            body=f"The person signed version {version} of their care plan in their own account.",
        )
        _audit(actor, "agree", plan, basis="person_self", detail={"how": "portal"})
    return agreement


def comment_add(*, actor, plan: CarePlan, text: str) -> CarePlanComment:
    """The person's comment on their own plan, for the care team to read."""
    _own(actor, plan)
    errors: dict[str, str] = {}
    text = _text(errors, {"text": text}, "text", "your comment", required=True, limit=MAX_COMMENT)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment = CarePlanComment.objects.create(
            plan=plan, version_number=plan.version, author=actor, text=text
        )
        _tell_team(
            plan,
            subject="A comment on a care plan",
            body="The person commented on their care plan. Read it on the plan's page.",
        )
        _audit(actor, "comment", plan, basis="person_self")
    return comment
