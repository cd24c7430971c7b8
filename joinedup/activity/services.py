"""Every write of activity: recording a contact, creating a group session, saving its
register. Each in one transaction, with the audit event written last in it.

Who may record: a member of staff whose role sees activity (DESIGN §5: volunteers
and peer workers do, commissioners and partnership leads do not), for their own
organisation, about a person their team (or they) have a care relationship with —
break-glass lets a clinician read in an emergency, not record a group's attendance.
A person they may not see is NotFound, exactly as one who does not exist.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.access.categories import Category, categories_for
from joinedup.activity.models import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    NOTE_MAX_LENGTH,
    PERSON_NOT_FOUND,
    SESSION_NOT_FOUND,
    Attendance,
    Contact,
    ContactKind,
    GroupSession,
    SessionKind,
)
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.people import selectors as people_selectors

REGISTER_MAX = 200
TITLE_MAX = 200
MAX_FACILITATORS = 10
# A clock a few minutes out should not refuse a contact recorded as it ends.
FUTURE_TOLERANCE = timedelta(hours=1)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Attendance that says the contact happened, or was due and missed: not yet knowable
# for a contact still in the future (a cancellation is).
HAPPENED = frozenset({Attendance.ATTENDED, Attendance.DID_NOT_ATTEND})


def _membership(actor):
    membership = getattr(actor, "acting_membership", None)
    if membership is None or Category.ACTIVITY not in categories_for(membership.role):
        raise PermissionDenied("Your role does not record activity")
    return membership


def recording_refusal(*, actor) -> str | None:
    """Why the actor may not record activity (None if they may): asked before a form."""
    try:
        _membership(actor)
    except PermissionDenied as exc:
        return exc.message
    return None


# --- Checks ------------------------------------------------------------------------------


def _check_when(errors: dict, starts_at, attendance: str, *, field: str = "starts_at") -> None:
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        errors[field] = "Give the date and time it started"
        return
    if starts_at < EARLIEST:
        errors[field] = "The date must be in 2000 or later"
    elif starts_at > timezone.now() + timedelta(days=366):
        errors[field] = "The date must be within the next year"
    elif attendance in HAPPENED and starts_at > timezone.now() + FUTURE_TOLERANCE:
        errors[field] = "A contact that is still to come cannot be attended or missed yet"


def _check_duration(errors: dict, duration_minutes) -> None:
    if (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not MIN_DURATION_MINUTES <= duration_minutes <= MAX_DURATION_MINUTES
    ):
        errors["duration_minutes"] = (
            f"The duration must be a whole number of minutes from {MIN_DURATION_MINUTES} "
            f"to {MAX_DURATION_MINUTES} (a day)"
        )


def _check_service(errors: dict, service, organisation_id: int, *, required: bool) -> None:
    if service is None:
        if required:
            errors["service"] = "Choose the service that runs it"
    elif service.organisation_id != organisation_id:
        errors["service"] = "Choose one of your own organisation's services"


def _related_people(actor, public_ids: Iterable) -> dict[str, int]:
    """{public id: pk} of those people the actor's team (or the actor) has a care
    relationship with; anyone else is left out, as if they did not exist."""
    ids = [str(i) for i in public_ids]
    if not ids:
        return {}
    rows = (
        people_selectors.person_list_with_basis(user=actor)
        .filter(public_id__in=ids, has_relationship=True)
        .order_by()
        .values_list("public_id", "pk")
    )
    return {str(public_id): pk for public_id, pk in rows}


# --- Contacts ----------------------------------------------------------------------------


def contact_record(
    *,
    actor,
    person,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    attendance: str,
    service=None,
    note: str = "",
) -> Contact:
    """Record one contact the actor's organisation had (or missed) with the person."""
    membership = _membership(actor)
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = "Choose the kind of contact"
    if attendance not in Attendance.values:
        errors["attendance"] = "Choose whether they attended, did not attend, or it was cancelled"
    _check_when(errors, starts_at, attendance)
    _check_duration(errors, duration_minutes)
    _check_service(errors, service, membership.organisation_id, required=False)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"Keep the note to {NOTE_MAX_LENGTH} characters"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not _related_people(actor, [person.public_id]):
            raise NotFound(PERSON_NOT_FOUND, field="person")
        contact = Contact.objects.create(
            person_id=person.pk,
            owning_organisation_id=membership.organisation_id,
            service=service,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            attendance=attendance,
            worker=actor,
            note=note,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=contact,
            person_public_id=person.public_id,
            basis="own_organisation",
            detail={"kind": kind, "attendance": attendance},
        )
    return contact


# --- Group sessions and their register -----------------------------------------------------


def _facilitators(membership, actor, usernames: Iterable[str]) -> list:
    from joinedup.accounts.models import Membership

    wanted = {str(u) for u in usernames if str(u) != actor.username}
    if len(wanted) > MAX_FACILITATORS:
        raise ValidationError({"facilitators": f"Name at most {MAX_FACILITATORS} facilitators"})
    found = {
        m.user.username: m.user
        for m in Membership.objects.active()
        .filter(organisation_id=membership.organisation_id, user__username__in=wanted)
        .select_related("user")
    }
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError(
            {"facilitators": f"Not staff of your organisation: {', '.join(unknown)}"}
        )
    return [actor, *found.values()]


def group_session_create(
    *,
    actor,
    service,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    facilitators: Iterable[str] = (),
) -> GroupSession:
    """A group or day-centre session of one of the actor's organisation's services; the
    actor facilitates it, with the colleagues named (by username)."""
    membership = _membership(actor)
    errors: dict[str, str] = {}
    _check_service(errors, service, membership.organisation_id, required=True)
    if kind not in SessionKind.values:
        errors["kind"] = "Choose a group session or a day-centre session"
    title = (title or "").strip()
    if not title:
        errors["title"] = "Give the session a title, like the group's name"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters"
    _check_when(errors, starts_at, "")
    _check_duration(errors, duration_minutes)
    if errors:
        raise ValidationError(errors)
    people = _facilitators(membership, actor, facilitators)
    with transaction.atomic():
        session = GroupSession.objects.create(
            owning_organisation_id=membership.organisation_id,
            service=service,
            kind=kind,
            title=title,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            created_by=actor,
        )
        session.facilitators.set(people)
        audit_record(actor=actor, action="create", obj=session, basis="own_organisation")
    return session


@dataclass(frozen=True)
class RegisterSaved:
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _clean_marks(marks: Mapping[str, str], session: GroupSession) -> dict[str, str]:
    if len(marks) > REGISTER_MAX:
        raise ValidationError({"register": f"A register holds at most {REGISTER_MAX} people"})
    clean: dict[str, str] = {}
    errors = []
    for raw_id, status in marks.items():
        try:
            public_id = str(uuid.UUID(str(raw_id)))
        except ValueError:
            errors.append(f"{raw_id!r} is not a person's id")
            continue
        if status not in Attendance.values:
            errors.append(f"{status!r} is not one of: {', '.join(Attendance.values)}")
            continue
        clean[public_id] = status
    if errors:
        raise ValidationError({"register": errors})
    if any(s in HAPPENED for s in clean.values()) and (
        session.starts_at > timezone.now() + FUTURE_TOLERANCE
    ):
        raise ValidationError(
            {"register": "The session has not happened yet: only cancellations can be recorded"}
        )
    return clean


def register_save(*, actor, session: GroupSession, marks: Mapping[str, str]) -> RegisterSaved:
    """Save the session's register: for each person (public id) their attendance. One
    contact per person and session, so saving again updates the line, never adds a
    second; people left out keep what they had. All or nothing."""
    membership = _membership(actor)
    if session.owning_organisation_id != membership.organisation_id:
        raise NotFound(SESSION_NOT_FOUND)
    clean = _clean_marks(marks, session)
    if not clean:
        return RegisterSaved(0, 0, 0)
    try:
        with transaction.atomic():
            saved = _write_register(actor, session, clean)
    except IntegrityError as exc:
        # Two people saved the same new line at once: the other's is in, this one is not.
        raise Conflict(
            "Someone else saved this register at the same moment. Reload it and try again"
        ) from exc
    return saved


def _write_register(actor, session: GroupSession, clean: dict[str, str]) -> RegisterSaved:
    people = _related_people(actor, clean)
    missing = [public_id for public_id in clean if public_id not in people]
    if missing:
        raise NotFound(PERSON_NOT_FOUND, field="register")
    existing = {
        c.person_id: c
        for c in Contact.objects.select_for_update().filter(
            group_session=session, person_id__in=people.values()
        )
    }
    now = timezone.now()
    created, updated = [], []
    for public_id, status in clean.items():
        line = existing.get(people[public_id])
        if line is None:
            created.append(
                Contact(
                    person_id=people[public_id],
                    owning_organisation_id=session.owning_organisation_id,
                    service_id=session.service_id,
                    kind=session.kind,
                    starts_at=session.starts_at,
                    duration_minutes=session.duration_minutes,
                    attendance=status,
                    worker=actor,
                    group_session=session,
                )
            )
        elif line.attendance != status:
            line.attendance, line.worker, line.updated_at = status, actor, now
            updated.append(line)
    Contact.objects.bulk_create(created)
    Contact.objects.bulk_update(updated, ["attendance", "worker", "updated_at"])
    saved = RegisterSaved(len(created), len(updated), len(clean) - len(created) - len(updated))
    if saved.changed:
        audit_record_many(
            actor=actor,
            action="register_save",
            object_type="activity.groupsession",
            person_public_ids=list(clean),
            basis="own_organisation",
            detail={
                "session": str(session.public_id),
                "created": saved.created,
                "updated": saved.updated,
            },
        )
    return saved
