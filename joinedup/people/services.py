"""Every write to the shared record: one transaction each, the policy asked first, the
audit row written in the same transaction (so neither exists without the other)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category, categories_for
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import Conflict, DomainError, NotFound, PermissionDenied
from joinedup.directory.validators import normalise_postcode
from joinedup.people.models import (
    PERSON_DECISIONS,
    CareRelationship,
    Consent,
    ConsentState,
    Person,
    RecordEntry,
    RelationshipKind,
    RetentionRule,
)
from joinedup.people.validators import normalise_nhs_number

MAX_ENTRY_TEXT = 20_000
PERSON_FIELDS = (
    "nhs_number", "given_name", "family_name", "preferred_name", "date_of_birth", "pronouns",
    "phone", "email", "preferred_channel", "address_1", "address_2", "city", "postcode",
    "gp_practice", "communication_needs", "accessibility_needs", "preferred_language",
    "interpreter_required", "ethnic_category", "gender_identity", "sexual_orientation",
    "has_disability",
)  # fmt: skip
# Roles that record people, consents and care relationships for their team.
RECORDING_ROLES = frozenset(
    {"practitioner", "clinician", "care_coordinator", "safeguarding_lead", "referral_coordinator"}
)


class PossibleDuplicate(DomainError):
    """A person with the same name, date of birth and postcode is already known."""

    status = 409

    def __init__(self, existing: Person):
        super().__init__(
            "A person with this name, date of birth and postcode is already known to the "
            "partnership. Confirm it is the same person to use their record.",
            field="family_name",
        )
        self.existing = existing


def _membership(actor):
    membership = getattr(actor, "acting_membership", None)
    if membership is None:
        raise PermissionDenied("You need to act as a member of a partner organisation")
    return membership


def _require_recording_role(actor) -> Any:
    membership = _membership(actor)
    if membership.role not in RECORDING_ROLES:
        raise PermissionDenied(
            f"A {membership.get_role_display().lower()} may not add to people's records"
        )
    return membership


def _find_existing(data: dict) -> tuple[Person | None, bool]:
    """(existing person, exact): an NHS number match is exact; name + date of birth +
    postcode is a likely match the user must confirm."""
    if data.get("nhs_number"):
        match = Person.objects.filter(nhs_number=data["nhs_number"]).first()
        if match:
            # A number alone must not open someone's record: a mistyped or borrowed number
            # would join the wrong person (hazard H-REC-1). Name and birth date must agree.
            same_name = match.family_name.casefold() == data["family_name"].casefold()
            same_birth = data.get("date_of_birth") in (None, match.date_of_birth)
            if not (same_name and same_birth):
                raise ValidationError(
                    {
                        "nhs_number": "The NHS number does not match the family name and date "
                        "of birth given. Check all three."
                    }
                )
            return match, True
    if data.get("date_of_birth") and data.get("postcode"):
        match = Person.objects.filter(
            family_name__iexact=data["family_name"],
            given_name__iexact=data["given_name"],
            date_of_birth=data["date_of_birth"],
            postcode=data["postcode"],
        ).first()
        if match:
            return match, False
    return None, False


def _clean_person_data(data: dict) -> dict:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set" for name in sorted(unknown)})
    data = dict(data)
    if data.get("nhs_number"):
        data["nhs_number"] = normalise_nhs_number(data["nhs_number"])
    if data.get("postcode"):
        data["postcode"] = normalise_postcode(data["postcode"])
    return data


@transaction.atomic
def person_create(*, actor, data: dict, confirm_same_person: bool = False) -> Person:
    """Add a person, or — one person, one record — join the record already held.

    The actor's team gets a care relationship either way (they are taking the person on);
    the person's existing entries stay governed by the policy.
    """
    membership = _require_recording_role(actor)
    data = _clean_person_data(data)
    person = Person(created_by_organisation_id=membership.organisation_id, **data)
    # Constraints are checked by the duplicate search instead: a known NHS number means
    # "join that record", not "error".
    person.full_clean(
        exclude=["created_by_organisation", "portal_user"], validate_constraints=False
    )
    existing, exact = _find_existing(data)
    if existing is not None and not exact and not confirm_same_person:
        raise PossibleDuplicate(existing)
    if existing is not None:
        person = existing
    else:
        person.save()
    relationship_start(
        actor=actor,
        person=person,
        organisation=membership.organisation,
        kind=RelationshipKind.CASELOAD,
        reason="added to the team's caseload",
    )
    audit_record(
        actor=actor,
        action="create" if existing is None else "link",
        obj=person,
        person_public_id=person.public_id,
        basis="own_organisation",
    )
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict) -> Person:
    _require_recording_role(actor)
    if not record.person_visibility(actor, Person.objects.filter(pk=person.pk)).exists():
        raise NotFound("There is no such person, or you may not see their record")
    data = _clean_person_data(data)
    person = Person.objects.select_for_update().get(pk=person.pk)
    for name, value in data.items():
        setattr(person, name, value)
    person.full_clean(
        exclude=["created_by_organisation", "portal_user"], validate_constraints=False
    )
    if (
        data.get("nhs_number")
        and Person.objects.filter(nhs_number=person.nhs_number).exclude(pk=person.pk).exists()
    ):
        raise ValidationError({"nhs_number": "Another record already has this NHS number"})
    person.save()
    audit_record(
        actor=actor,
        action="update",
        obj=person,
        person_public_id=person.public_id,
        basis="own_organisation",
        detail={"fields": sorted(data)},
    )
    return person


def _validate_entry(*, category: str, title: str, text: str) -> None:
    errors = {}
    if category not in Category.values:
        errors["category"] = "Choose a category of the record"
    if not title.strip():
        errors["title"] = "Enter a title"
    elif len(title) > 200:
        errors["title"] = "The title must be 200 characters or fewer"
    if len(text) > MAX_ENTRY_TEXT:
        errors["text"] = f"The entry must be {MAX_ENTRY_TEXT:,} characters or fewer"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def entry_create(
    *,
    actor,
    person: Person,
    category: str,
    title: str,
    text: str = "",
    data: dict | None = None,
    sealed: bool = False,
    withheld_from_person: bool = False,
) -> RecordEntry:
    """Add an entry owned by the actor's organisation."""
    membership = _membership(actor)
    if not record.person_visibility(actor, Person.objects.filter(pk=person.pk)).exists():
        raise NotFound("There is no such person, or you may not see their record")
    _validate_entry(category=category, title=title, text=text)
    if category not in categories_for(membership.role):
        raise PermissionDenied(
            f"A {membership.get_role_display().lower()} may not record "
            f"{Category(category).label.lower()}"
        )
    entry = RecordEntry.objects.create(
        person=person,
        category=category,
        owning_organisation_id=membership.organisation_id,
        author=actor,
        author_role=membership.role,
        title=title.strip(),
        text=text,
        data=data or {},
        sealed=sealed,
        withheld_from_person=withheld_from_person or category == Category.SAFEGUARDING,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=entry,
        person_public_id=person.public_id,
        basis="own_organisation",
        detail={"category": category},
    )
    return entry


@transaction.atomic
def entry_correct(*, actor, entry: RecordEntry, title: str, text: str, reason: str) -> RecordEntry:
    """Correct an entry by a new version that supersedes it; the old one is kept."""
    membership = _membership(actor)
    current = RecordEntry.objects.select_for_update().select_related("person").get(pk=entry.pk)
    # Visibility first: an entry the actor may not see must not be hinted at by a 403/409.
    if not record.entry_visibility(actor, RecordEntry.objects.filter(pk=current.pk)).exists():
        raise NotFound("There is no such entry, or you may not see it")
    if RecordEntry.objects.filter(supersedes=current).exists():
        raise Conflict("This entry has already been corrected: correct the newest version")
    if current.owning_organisation_id != membership.organisation_id:
        raise PermissionDenied("Only the organisation that owns an entry may correct it")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is being corrected"})
    _validate_entry(category=current.category, title=title, text=text)
    corrected = RecordEntry.objects.create(
        person_id=current.person_id,
        category=current.category,
        owning_organisation_id=current.owning_organisation_id,
        author=actor,
        author_role=membership.role,
        title=title.strip(),
        text=text,
        data=current.data,
        sealed=current.sealed,
        withheld_from_person=current.withheld_from_person,
        supersedes=current,
        correction_reason=reason.strip()[:250],
    )
    audit_record(
        actor=actor,
        action="correct",
        obj=corrected,
        person_public_id=current.person.public_id,
        basis="own_organisation",
        detail={"supersedes": str(current.public_id)},
    )
    return corrected


def _scope_filter(partnership, organisation) -> Q:
    if (partnership is None) == (organisation is None):
        raise ValidationError({"scope": "Choose a partnership or an organisation, not both"})
    return Q(partnership=partnership) if partnership else Q(organisation=organisation)


@transaction.atomic
def consent_record(
    *,
    actor,
    person: Person,
    categories: list[str],
    state: str,
    how_given: str,
    partnership=None,
    organisation=None,
    expires_at=None,
    note: str = "",
    by_person: bool = False,
) -> list[Consent]:
    """Record the person's permission or objection for some categories in one scope.

    A new decision replaces the one in force for the same scope and category (withdrawn
    now), so at most one state holds for each; the policy reads it on the next request.
    """
    if by_person:
        if person.portal_user_id != actor.pk:
            raise NotFound("There is no such person")
        if state not in PERSON_DECISIONS:
            raise PermissionDenied("Only staff may record implied consent or an override")
    else:
        _require_recording_role(actor)
        if not record.person_visibility(actor, Person.objects.filter(pk=person.pk)).exists():
            raise NotFound("There is no such person, or you may not see their record")
    errors = {}
    if not categories or set(categories) - set(Category.values):
        errors["categories"] = "Choose at least one category of the record"
    if state not in ConsentState.values:
        errors["state"] = "Choose explicit consent, implied consent, objection or override"
    if how_given not in dict(Consent._meta.get_field("how_given").choices):
        errors["how_given"] = "Say how the person gave this"
    if state == ConsentState.OVERRIDE and not note.strip():
        errors["note"] = "An override needs the reason it was decided"
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = "The expiry must be in the future"
    if errors:
        raise ValidationError(errors)
    scope = _scope_filter(partnership, organisation)
    Consent.objects.active_at(now).filter(scope, person=person, category__in=categories).update(
        withdrawn_at=now, withdrawn_by=actor
    )
    decision_id = uuid.uuid4()
    rows = Consent.objects.bulk_create(
        [
            Consent(
                decision_id=decision_id,
                person=person,
                partnership=partnership,
                organisation=organisation,
                category=category,
                state=state,
                how_given=how_given,
                recorded_by=actor,
                recorded_at=now,
                expires_at=expires_at,
                note=note.strip()[:250],
            )
            for category in sorted(set(categories))
        ]
    )
    audit_record(
        actor=actor,
        action="consent",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self" if by_person else "own_organisation",
        detail={"state": state, "categories": sorted(set(categories))},
    )
    return rows


@transaction.atomic
def consent_withdraw(*, actor, person: Person, decision_id, by_person: bool = False) -> int:
    """Withdraw a decision at once: the very next request is decided without it."""
    if by_person:
        if person.portal_user_id != actor.pk:
            raise NotFound("There is no such person")
    else:
        _require_recording_role(actor)
        if not record.person_visibility(actor, Person.objects.filter(pk=person.pk)).exists():
            raise NotFound("There is no such person, or you may not see their record")
    now = timezone.now()
    rows = Consent.objects.active_at(now).filter(person=person, decision_id=decision_id)
    if by_person and rows.exclude(state__in=PERSON_DECISIONS).exists():
        raise PermissionDenied(
            "Implied consent and overrides are decisions of the team that looks after you: "
            "ask them, or record that you object"
        )
    withdrawn = rows.update(withdrawn_at=now, withdrawn_by=actor)
    if not withdrawn:
        raise NotFound("There is no such consent in force")
    audit_record(
        actor=actor,
        action="consent_withdraw",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self" if by_person else "own_organisation",
        detail={"decision": str(decision_id)},
    )
    return withdrawn


def relationship_start(
    *, actor, person: Person, organisation, kind: str, reason: str, user=None, source: str = ""
) -> CareRelationship:
    """Start a care relationship (later issues call this from referrals and meetings).

    Runs inside the caller's transaction; an identical active relationship is reused.
    """
    now = timezone.now()
    # One relationship per source: each referral's ends with it, whatever else holds.
    existing = (
        CareRelationship.objects.active_at(now)
        .filter(person=person, organisation=organisation, user=user, kind=kind, source=source)
        .first()
    )
    if existing:
        return existing
    return CareRelationship.objects.create(
        person=person,
        organisation=organisation,
        user=user,
        kind=kind,
        since=now,
        reason=reason,
        source=source,
    )


@transaction.atomic
def relationship_end(
    *, actor, relationship: CareRelationship, reason: str = ""
) -> CareRelationship:
    """End a care relationship: access that rested on it ends on the next request."""
    membership = _membership(actor)
    if relationship.organisation_id != membership.organisation_id:
        raise PermissionDenied("Only the team that holds a care relationship may end it")
    now = timezone.now()
    CareRelationship.objects.filter(pk=relationship.pk, until__isnull=True).update(until=now)
    relationship.refresh_from_db()
    audit_record(
        actor=actor,
        action="relationship_end",
        obj=relationship.person,
        person_public_id=relationship.person.public_id,
        basis="own_organisation",
        detail={"kind": relationship.kind, "reason": reason[:200]},
    )
    return relationship


def relationship_end_by_source(*, source: str, reason: str = "") -> int:
    """End the care relationships that `source` started (a referral closing): the
    receiving team's access through it ends on the next request. Runs in the caller's
    transaction; the caller's own audit event records why."""
    if not source:
        raise ValueError("a source is needed to end relationships by source")
    return CareRelationship.objects.filter(source=source, until__isnull=True).update(
        until=timezone.now()
    )


# --- Asked by the web pages before they show a form ----------------------------------


def recording_refusal(*, actor) -> str | None:
    """Why the actor may not add people or record consent (None if they may): the check
    `person_create` and `consent_record` make, asked before their form is shown."""
    try:
        _require_recording_role(actor)
    except PermissionDenied as exc:
        return exc.message
    return None


def entry_correct_refusal(*, actor, entry: RecordEntry) -> str | None:
    """Why the actor may not correct this entry they can see (None if they may)."""
    membership = getattr(actor, "acting_membership", None)
    if membership is None or entry.owning_organisation_id != membership.organisation_id:
        return "only the organisation that owns an entry may correct it"
    return None


# --- The person's own portal account -------------------------------------------------


class PortalInvitation:
    """What an invitation to the portal needs to be sent: the account and the link's parts."""

    def __init__(self, user):
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        self.user = user
        self.uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
        self.token = default_token_generator.make_token(user)


def _portal_account_for(person: Person, email: str):
    from joinedup.accounts.models import User

    existing = person.portal_user
    if existing is not None and existing.has_usable_password() and existing.is_active:
        raise Conflict(
            f"{person.given_name} already has an account for their record",
            field="email",
        )
    taken = User.objects.filter(username__iexact=email)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    if taken.exists():
        raise ValidationError({"email": "Another account already uses this email address"})
    user = existing or User(is_person_account=True)
    user.username = user.email = email
    user.first_name, user.last_name = person.given_name, person.family_name
    user.is_active = True
    user.set_unusable_password()  # the person sets their own from the link
    user.save()
    return user


@transaction.atomic
def portal_invite(*, actor, person: Person, email: str) -> PortalInvitation:
    """Open (or re-send) the person's own account for their record and email them a
    one-time link to set its password. The email says nothing of their care: a link only.

    Staff of a team that may see the person and records for them may invite; the link
    works once, and only until PASSWORD_RESET_TIMEOUT.
    """
    from django.core.validators import validate_email

    _require_recording_role(actor)
    if not record.person_visibility(actor, Person.objects.filter(pk=person.pk)).exists():
        raise NotFound("There is no such person, or you may not see their record")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address, like name@example.org"}) from None
    user = _portal_account_for(person, email)
    if person.portal_user_id != user.pk:
        person.portal_user = user
        person.save(update_fields=["portal_user", "updated_at"])
    audit_record(
        actor=actor,
        action="portal_invite",
        obj=person,
        person_public_id=person.public_id,
        basis="own_organisation",
    )
    from joinedup.people.tasks import portal_invitation_send

    user_id = user.pk
    transaction.on_commit(lambda: portal_invitation_send.enqueue(user_id))
    return PortalInvitation(user)


def portal_invitation_email(*, user_id: int, site_url: str) -> int:
    """Send the invitation email (run by the worker): the link, and nothing else."""
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse

    user = get_user_model().objects.filter(pk=user_id, is_person_account=True).first()
    if user is None or user.has_usable_password() or not user.is_active:
        return 0  # already set up, or closed since: nothing to send
    invitation = PortalInvitation(user)
    path = reverse("portal:activate", args=[invitation.uidb64, invitation.token])
    context = {"name": user.first_name, "link": f"{site_url.rstrip('/')}{path}"}
    message = EmailMultiAlternatives(
        subject="Your joinedup account",
        body=render_to_string("portal/email/invitation.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("portal/email/invitation.html", context), "text/html"
    )
    return message.send()


@transaction.atomic
def portal_password_set(*, user, password: str) -> None:
    """The person chooses their password from the invitation link (validated by Django's
    password validators before this is called)."""
    if not user.is_person_account:
        raise PermissionDenied("This link is for a person's own account")
    user.set_password(password)
    user.save(update_fields=["password"])
    person = Person.objects.filter(portal_user=user).first()
    audit_record(
        actor=user,
        action="portal_activate",
        obj=person,
        person_public_id=person.public_id if person else None,
        basis="person_self",
    )


# --- Retention: the only way an entry's content leaves the record ---------------------

ERASED_TITLE = "Erased under the retention rules"
RETENTION_BATCH = 1000


@dataclass(frozen=True)
class RetentionReport:
    entries: int
    people: int
    dry_run: bool


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February, in a year that has none
        return moment.replace(year=moment.year - years, day=28)


def retention_due(*, now: datetime) -> QuerySet:
    """Entries past their category's retention period (RetentionRule): the person has no
    care relationship in force, and neither their latest entry nor the end of their
    latest care relationship falls within the period. Nothing without a rule is due."""
    rules = list(RetentionRule.objects.all())
    if not rules:
        return RecordEntry.objects.none()
    latest_entry = Subquery(
        RecordEntry.objects.filter(person=OuterRef("person"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    latest_relationship = Subquery(
        CareRelationship.objects.filter(person=OuterRef("person"))
        .annotate(last=Coalesce("until", "since"))
        .order_by("-last")
        .values("last")[:1]
    )
    in_care = CareRelationship.objects.active_at(now).filter(person=OuterRef("person"))
    past_period = Q()
    for rule in rules:
        cutoff = _years_before(now, rule.years)
        past_period |= Q(category=rule.category, last_entry__lt=cutoff) & (
            Q(last_relationship__isnull=True) | Q(last_relationship__lt=cutoff)
        )
    return (
        RecordEntry.objects.filter(erased_at__isnull=True)
        .exclude(Exists(in_care))
        .annotate(last_entry=latest_entry, last_relationship=latest_relationship)
        .filter(past_period)
    )


@transaction.atomic
def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Erase every entry past its retention period: title, text and data go, the row
    stays with when and why (`erased_at`, `erasure_reason`), and the audit log gets one
    event per person. Run daily by the worker (people.tasks), or `joinedup retention`."""
    now = now or timezone.now()
    due = list(retention_due(now=now).values_list("pk", "category", "person__public_id"))
    people = {person for _, _, person in due}
    if dry_run or not due:
        return RetentionReport(entries=len(due), people=len(people), dry_run=dry_run)
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    by_category: dict[str, list[int]] = {}
    by_person: dict = {}
    for pk, category, person in due:
        by_category.setdefault(category, []).append(pk)
        by_person.setdefault(person, set()).add(category)
    for category, pks in by_category.items():
        rule = rules[category]
        reason = f"{rule.years} years after the last contact: {rule.source}"[:250]
        for start in range(0, len(pks), RETENTION_BATCH):
            RecordEntry.objects.filter(pk__in=pks[start : start + RETENTION_BATCH]).update(
                title=ERASED_TITLE, text="", data={}, erased_at=now, erasure_reason=reason
            )
    for person, categories in sorted(by_person.items(), key=lambda item: str(item[0])):
        audit_record(
            actor=None,
            action="retention_erase",
            person_public_id=person,
            purpose="retention",
            basis="retention",
            detail={"categories": sorted(categories)},
        )
    return RetentionReport(entries=len(due), people=len(people), dry_run=False)


# --- A person who refers themselves (issue 4) -----------------------------------------
#
# The public form and API give a person's details with nobody to vouch for them, so the
# record is joined only on the strongest match and never changed: a member of the public
# must not learn whether a record exists, nor attach themselves to someone else's.
#
# The rule: the self-referral joins an existing record only when the NHS number given is
# on it AND the first name, last name and date of birth given all agree with it (the
# details a GP letter carries, as a PDS trace asks). Anything less — no NHS number, or a
# number whose record has other details — makes a new record, created for the receiving
# team and marked in the audit as made by a self-referral; the team joins records by
# hand if they turn out to be one person. A number already on another record is not put
# on the new one (one number, one record): the team is told to check it with the person.
# Either way the person sees the same confirmation, so nothing says a record was there.

SELF_REFERRAL_PERSON_FIELDS = (
    "given_name", "family_name", "preferred_name", "date_of_birth", "nhs_number", "phone",
    "email", "preferred_channel", "address_1", "city", "postcode", "communication_needs",
)  # fmt: skip
# The ways a person can be reached without an account: the portal needs one first.
SELF_REFERRAL_CHANNELS = ("phone", "sms", "email", "letter")
# The longest each may be, as typed (spaces and all); names and address as the model.
SELF_REFERRAL_MAX_LENGTHS = {
    "given_name": 100, "family_name": 100, "preferred_name": 100, "nhs_number": 20,
    "phone": 30, "email": 254, "address_1": 250, "city": 100, "postcode": 10,
    "communication_needs": 1000,
}  # fmt: skip
_SELF_LABELS = {
    "given_name": "Your first name", "family_name": "Your last name",
    "preferred_name": "The name you would like us to use", "nhs_number": "Your NHS number",
    "phone": "Your phone number", "email": "Your email address",
    "address_1": "The first line of your address", "city": "Your town or city",
    "postcode": "Your postcode", "communication_needs": "What helps you communicate",
}  # fmt: skip
OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class SelfReferredPerson:
    """Whose record a self-referral went on, and what the receiving team should check."""

    person: Person
    joined: bool
    note: str = ""


def _self_text(errors: dict, data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = f"{_SELF_LABELS[name]} must be text"
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[name] = f"{_SELF_LABELS[name]} must not contain NUL characters"
    elif len(value) > SELF_REFERRAL_MAX_LENGTHS[name]:
        limit = SELF_REFERRAL_MAX_LENGTHS[name]
        errors[name] = f"{_SELF_LABELS[name]} must be {limit:,} characters or fewer"
    return value


def _self_date_of_birth(errors: dict, value):
    from datetime import date

    if isinstance(value, str) and value.strip():
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors["date_of_birth"] = "Enter your date of birth as a real date, like 1980-03-27"
            return None
    if not value:
        errors["date_of_birth"] = "Enter your date of birth"
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        errors["date_of_birth"] = "Enter your date of birth as a real date, like 1980-03-27"
        return None
    if value > timezone.localdate():
        errors["date_of_birth"] = "Your date of birth must be in the past"
    elif value.year < OLDEST_BIRTH_YEAR:
        errors["date_of_birth"] = f"Your date of birth must be after {OLDEST_BIRTH_YEAR}"
    return value


def _self_contact(errors: dict, details: dict) -> None:
    """The contact details, each checked, and the ones the preferred way needs."""
    import phonenumbers
    from django.core.validators import validate_email

    from joinedup.directory.validators import normalise_phone, validate_postcode
    from joinedup.people.validators import validate_nhs_number

    channel = details["preferred_channel"]
    if channel not in SELF_REFERRAL_CHANNELS:
        errors["preferred_channel"] = "Choose how you would like the service to contact you"
    if details["nhs_number"] and "nhs_number" not in errors:
        details["nhs_number"] = normalise_nhs_number(details["nhs_number"])
        try:
            validate_nhs_number(details["nhs_number"])
        except ValidationError as exc:
            errors["nhs_number"] = exc.messages[0]
    if details["postcode"] and "postcode" not in errors:
        details["postcode"] = normalise_postcode(details["postcode"])
        try:
            validate_postcode(details["postcode"])
        except ValidationError as exc:
            errors["postcode"] = exc.messages[0]
    if details["email"] and "email" not in errors:
        try:
            validate_email(details["email"])
        except ValidationError:
            errors["email"] = "Enter an email address, like name@example.org"
    if details["phone"] and "phone" not in errors:
        try:
            details["phone"] = normalise_phone(details["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
        else:
            number = phonenumbers.parse(details["phone"], "GB")
            mobile = phonenumbers.number_type(number) in {
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            }
            if channel == "sms" and not mobile:
                errors["phone"] = "Enter a mobile phone number, so the service can text you"
    needed = {
        "phone": [("phone", "Enter a phone number, so the service can call you")],
        "sms": [("phone", "Enter a mobile phone number, so the service can text you")],
        "email": [("email", "Enter an email address, so the service can email you")],
        "letter": [
            ("address_1", "Enter the first line of your address, so the service can write"),
            ("postcode", "Enter your postcode, so the service can write to you"),
        ],
    }.get(channel, [])
    for name, message in needed:
        if not details[name] and name not in errors:
            errors[name] = message


def self_referral_person_clean(data: dict) -> dict:
    """Check a self-referrer's own details and return them cleaned, writing nothing.

    Raises ValidationError naming every field that is wrong, in the person's words.
    """
    errors: dict[str, str] = {}
    unknown = set(data) - set(SELF_REFERRAL_PERSON_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This field cannot be set"
    details: dict[str, Any] = {
        name: _self_text(errors, data, name) for name in SELF_REFERRAL_MAX_LENGTHS
    }
    if not details["given_name"] and "given_name" not in errors:
        errors["given_name"] = "Enter your first name"
    if not details["family_name"] and "family_name" not in errors:
        errors["family_name"] = "Enter your last name"
    details["date_of_birth"] = _self_date_of_birth(errors, data.get("date_of_birth"))
    channel = data.get("preferred_channel")
    details["preferred_channel"] = channel if isinstance(channel, str) else ""
    _self_contact(errors, details)
    if errors:
        raise ValidationError(errors)
    return details


def _same_person(person: Person, details: dict) -> bool:
    def same(a: str, b: str) -> bool:
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()

    return (
        same(person.given_name, details["given_name"])
        and same(person.family_name, details["family_name"])
        and person.date_of_birth == details["date_of_birth"]
    )


def self_referral_person_record(*, details: dict, organisation) -> SelfReferredPerson:
    """The record a self-referral goes on (the rule above), in the caller's transaction:
    `details` are `self_referral_person_clean`'s; `organisation` is the receiving team's,
    which the new record is created for. Audited as the person's own act."""
    existing = (
        Person.objects.filter(nhs_number=details["nhs_number"]).first()
        if details["nhs_number"]
        else None
    )
    if existing is not None and _same_person(existing, details):
        audit_record(
            actor=None,
            action="link",
            obj=existing,
            person_public_id=existing.public_id,
            basis="person_self",
            detail={"via": "self_referral"},
        )
        return SelfReferredPerson(existing, joined=True)
    note = ""
    fields = dict(details)
    if existing is not None:
        fields["nhs_number"] = ""
        note = (
            f"The NHS number they gave ({details['nhs_number']}) is on another record whose "
            "name or date of birth differ, so it was not added to this one: check it with "
            "the person before joining any records."
        )
    person = Person(created_by_organisation=organisation, **fields)
    person.full_clean(
        exclude=["created_by_organisation", "portal_user"], validate_constraints=False
    )
    person.save()
    audit_record(
        actor=None,
        action="create",
        obj=person,
        person_public_id=person.public_id,
        basis="person_self",
        detail={"via": "self_referral"},
    )
    return SelfReferredPerson(person, joined=False, note=note)
