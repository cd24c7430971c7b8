"""Every write to a referral: the one state machine of DESIGN.md §6.

`referral_create` makes a referral (a draft, or submitted at once); `transition` moves
it along `ACTIONS`, and nothing else changes its status. Each transition, in one
transaction: checks that the action is legal from the current status and that the actor
is on the side that may take it; updates the row only if its version is the one the
actor saw (optimistic locking: of two people acting at once, exactly one wins and the
other is told); records a `Transition`; starts or ends the care relationship that gives
the receiving team access; creates the linked referral of a redirect or an allocation;
puts bounced and declined referrals on the locality's joint-meeting queue; and writes
the audit event. Any exception leaves the referral as it was.
"""

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from joinedup.access.categories import Category, categories_for
from joinedup.access.roles import Role
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.people import services as people_services
from joinedup.people.models import RelationshipKind
from joinedup.referrals import workdays
from joinedup.referrals.models import (
    BOUNCE_WINDOW_DAYS,
    BOUNCES_TO_ESCALATE,
    OPEN_STATUSES,
    PRIORITY,
    Attachment,
    MeetingQueueItem,
    MeetingQueueReason,
    Referral,
    ServiceQuestion,
    ServiceTargets,
    Status,
    Transition,
    Urgency,
)

MAX_TEXT = 10_000
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
BOUNCE_WINDOW = timedelta(days=BOUNCE_WINDOW_DAYS)

# Who may take an action: the team that made the referral, the team that owns it, or
# a referral coordinator (who runs the joint meeting).
REFERRER, RECEIVER, COORDINATOR = "referrer", "receiver", "coordinator"


@dataclass(frozen=True)
class Action:
    name: str
    to: Status
    sources: frozenset
    side: str
    label: str
    needs_reason: bool = False
    closes: bool = False


_OPEN_SENT = frozenset(OPEN_STATUSES - {Status.DRAFT})
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("submit", Status.SUBMITTED, frozenset({Status.DRAFT}), REFERRER, "Submit"),
        Action(
            "acknowledge", Status.ACKNOWLEDGED, frozenset({Status.SUBMITTED}), RECEIVER,
            "Acknowledge",
        ),
        Action("accept", Status.ACCEPTED, frozenset({Status.ACKNOWLEDGED}), RECEIVER, "Accept"),
        Action(
            "waitlist", Status.WAITING, frozenset({Status.ACCEPTED}), RECEIVER,
            "Put on the waiting list",
        ),
        Action(
            "first_contact", Status.FIRST_CONTACT, frozenset({Status.ACCEPTED, Status.WAITING}),
            RECEIVER, "Record first contact",
        ),
        Action(
            "start", Status.IN_PROGRESS, frozenset({Status.FIRST_CONTACT}), RECEIVER,
            "Start support",
        ),
        Action(
            "complete", Status.COMPLETED, frozenset({Status.IN_PROGRESS}), RECEIVER, "Complete",
            needs_reason=True, closes=True,
        ),
        Action(
            "decline", Status.DECLINED, frozenset({Status.ACKNOWLEDGED}), RECEIVER, "Decline",
            needs_reason=True, closes=True,
        ),
        Action(
            "redirect", Status.REDIRECTED, frozenset({Status.ACKNOWLEDGED}), RECEIVER,
            "Redirect to another service", needs_reason=True, closes=True,
        ),
        Action(
            "refer_to_meeting", Status.FOR_JOINT_MEETING, frozenset({Status.ACKNOWLEDGED}),
            RECEIVER, "Take to the joint referral meeting", needs_reason=True,
        ),
        Action(
            "allocate", Status.ALLOCATED, frozenset({Status.FOR_JOINT_MEETING}), COORDINATOR,
            "Allocate to a service", needs_reason=True, closes=True,
        ),
        Action(
            "withdraw", Status.WITHDRAWN, frozenset(OPEN_STATUSES), REFERRER, "Withdraw",
            needs_reason=True, closes=True,
        ),
        Action(
            "close_no_contact", Status.CLOSED_NO_CONTACT, _OPEN_SENT, RECEIVER,
            "Close without contact", needs_reason=True, closes=True,
        ),
    )
}  # fmt: skip


def next_step(referral: Referral) -> str:
    """What has to happen next to an open referral, and by when ('' once closed)."""
    steps = {
        Status.DRAFT: "The referrer submits it",
        Status.SUBMITTED: "The service acknowledges it"
        + (f" by {referral.acknowledge_by:%-d %B %Y}" if referral.acknowledge_by else ""),
        Status.ACKNOWLEDGED: "The service accepts, declines, redirects it or takes it to the "
        "joint referral meeting",
        Status.ACCEPTED: "The service makes first contact"
        + (f" by {referral.first_contact_by:%-d %B %Y}" if referral.first_contact_by else ""),
        Status.WAITING: "The service makes first contact when a place is free",
        Status.FIRST_CONTACT: "The service starts support",
        Status.IN_PROGRESS: "The service completes it with an outcome",
        Status.FOR_JOINT_MEETING: "The joint referral meeting allocates it",
    }
    return steps.get(referral.status, "")


def actions_for(referral: Referral, actor) -> list[Action]:
    """The actions `actor` may take on the referral now (for the forms on its page)."""
    return [
        action
        for action in ACTIONS.values()
        if referral.status in action.sources and _side_refusal(action, referral, actor) is None
    ]


# --- Sides and their checks ------------------------------------------------------------


def _membership(actor):
    membership = getattr(actor, "acting_membership", None)
    if membership is None or Category.REFERRAL not in categories_for(membership.role):
        raise PermissionDenied("Your role does not make or handle referrals")
    return membership


def _side_refusal(action: Action, referral: Referral, actor) -> str | None:
    if getattr(actor, "is_person_account", False):
        person_user = referral.person.portal_user_id == actor.pk
        if action.name == "withdraw" and person_user and referral.self_referral:
            return None
        return "Only the team that referred you can do this"
    membership = getattr(actor, "acting_membership", None)
    if membership is None or Category.REFERRAL not in categories_for(membership.role):
        return "Your role does not make or handle referrals"
    org = membership.organisation_id
    if action.side == REFERRER and org != referral.referring_organisation_id:
        return "Only the team that made the referral can do this"
    if action.side == RECEIVER and org != referral.owner_organisation_id:
        return "Only the team the referral was sent to can do this"
    if action.side == COORDINATOR and membership.role != Role.REFERRAL_COORDINATOR:
        return "Only a referral coordinator (at the joint referral meeting) can allocate"
    return None


# --- Creating --------------------------------------------------------------------------


def new_reference() -> str:
    return "JU-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _targets(service) -> tuple[int, int]:
    targets = ServiceTargets.objects.filter(service=service).first()
    if targets:
        return targets.acknowledge_days, targets.first_contact_days
    defaults = settings.JOINEDUP_REFERRAL_TARGETS
    return defaults["acknowledge_days"], defaults["first_contact_days"]


def _text(errors: dict, data: dict, name: str, label: str, *, required: bool) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors[name] = f"Enter {label}"
    elif len(value) > MAX_TEXT:
        errors[name] = f"{label.capitalize()} must be {MAX_TEXT:,} characters or fewer"
    return value


def clean_answers(service, answers: dict | None) -> dict:
    """The service's own questions (ServiceQuestion rows), validated like the rest."""
    answers = answers or {}
    questions = list(ServiceQuestion.objects.filter(service=service))
    errors, cleaned = {}, {}
    for q in questions:
        raw = answers.get(q.key)
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            if q.required:
                errors[f"answers.{q.key}"] = f"Answer “{q.label}”"
            continue
        if q.kind == ServiceQuestion.Kind.YES_NO:
            if value not in ("yes", "no", True, False):
                errors[f"answers.{q.key}"] = f"Answer “{q.label}” with yes or no"
                continue
            value = value in ("yes", True)
        elif q.kind == ServiceQuestion.Kind.NUMBER:
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[f"answers.{q.key}"] = f"Answer “{q.label}” with a whole number"
                continue
        elif q.kind == ServiceQuestion.Kind.CHOICE and value not in q.choices:
            errors[f"answers.{q.key}"] = f"Choose an answer to “{q.label}” from the list"
            continue
        elif not isinstance(value, str) or len(value) > q.max_length:
            errors[f"answers.{q.key}"] = (
                f"The answer to “{q.label}” must be text of {q.max_length} characters or fewer"
            )
            continue
        cleaned[q.key] = value
    unknown = set(answers) - {q.key for q in questions}
    if unknown:
        errors["answers"] = f"This service does not ask: {', '.join(sorted(unknown))}"
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass
class Created:
    referral: Referral
    replayed: bool = False


def _replay(referrer, key: str) -> Referral | None:
    if not key or referrer is None:
        return None
    return Referral.objects.filter(referrer=referrer, idempotency_key=key).first()


def referral_create(
    *,
    actor,
    person,
    service,
    data: dict[str, Any],
    needs=(),
    submit: bool = True,
    idempotency_key: str = "",
) -> Created:
    """Make a referral from the actor's team to `service` for `person` (found by the
    caller through people.selectors, so under the policy). With an idempotency key, a
    retried request returns the referral the first one made, and never makes two."""
    membership = _membership(actor)
    key = (idempotency_key or "").strip()[:100]
    if existing := _replay(actor, key):
        return Created(existing, replayed=True)
    fields = _clean_fields(service, data, professional=True)
    try:
        with transaction.atomic():
            referral = _new_referral(
                person=person,
                service=service,
                fields=fields,
                referring_organisation_id=membership.organisation_id,
                referrer=actor,
                idempotency_key=key,
            )
            referral.needs.set(needs)
            if submit:
                # One event, last in the transaction: the audit chain's lock is held
                # from the first append to the commit, so appending last keeps it short.
                _apply(actor, referral, ACTIONS["submit"], reason="", expected_version=1)
            else:
                _audit(actor, "create", referral)
    except IntegrityError:
        # The same key, at the same moment, from a retry that raced this one.
        if existing := _replay(actor, key):
            return Created(existing, replayed=True)
        raise
    return Created(Referral.objects.get(pk=referral.pk))


def _clean_fields(service, data: dict, *, professional: bool) -> dict:
    errors: dict[str, str] = {}
    if not service.accepting_referrals:
        errors["service"] = f"{service.name} is not taking referrals at the moment"
    elif professional and not service.accepts_professional_referrals:
        errors["service"] = f"{service.name} takes self-referrals only"
    elif not professional and not service.accepts_self_referrals:
        errors["service"] = f"{service.name} does not take self-referrals"
    fields = {
        "reason": _text(errors, data, "reason", "the reason for the referral", required=True),
        "what_matters": _text(errors, data, "what_matters", "what matters", required=False),
        "risk_summary": _text(errors, data, "risk_summary", "the risk summary", required=False),
    }
    urgency = data.get("urgency") or Urgency.ROUTINE
    if urgency not in Urgency.values:
        errors["urgency"] = "Choose routine, soon or urgent"
    fields["urgency"] = urgency
    fields["priority"] = PRIORITY.get(urgency, PRIORITY[Urgency.ROUTINE])
    if data.get("consent_to_share") is not True:
        errors["consent_to_share"] = (
            "Confirm the person agrees to the referral and to sharing what it says"
        )
    fields["consent_to_share"] = True
    try:
        fields["answers"] = clean_answers(service, data.get("answers"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return fields


def _new_referral(*, person, service, fields: dict, **extra) -> Referral:
    for _ in range(5):
        reference = new_reference()
        if not Referral.objects.filter(reference=reference).exists():
            break
    return Referral.objects.create(
        reference=reference,
        person=person,
        service=service,
        owner_organisation_id=service.organisation_id,
        **fields,
        **extra,
    )


# --- Moving along the lifecycle --------------------------------------------------------


@dataclass
class Outcome:
    referral: Referral
    linked: list[Referral] = field(default_factory=list)


def transition(
    *,
    actor,
    referral: Referral,
    action: str,
    expected_version: int,
    reason: str = "",
    signposting: str = "",
    to_meeting: bool = False,
    services=(),
) -> Outcome:
    """Take `action` on the referral, as it was at `expected_version`.

    Refused with PermissionDenied for the wrong side, ValidationError for a missing
    reason or destination, Conflict for an action not possible from the status or a
    version someone else has moved on. Runs in one transaction: all of it or none.
    """
    step = ACTIONS.get(action)
    if step is None:
        raise ValidationError({"action": f"There is no action “{action}”"})
    with transaction.atomic():
        return _apply(
            actor,
            referral,
            step,
            reason=reason,
            expected_version=expected_version,
            signposting=signposting,
            to_meeting=to_meeting,
            services=services,
        )


def _apply(actor, referral, step: Action, *, reason, expected_version, **extra) -> Outcome:
    refusal = _side_refusal(step, referral, actor)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    _check_destination(step, referral, reason, **extra)
    now = timezone.now()
    updates = _updates_for(step, referral, reason, now, **extra)
    # The status the actor saw: if the guarded update below succeeds, the version (which
    # every change moves on) was still theirs, so this was still the status.
    seen = (
        Referral.objects.filter(pk=referral.pk, version=expected_version)
        .values_list("status", flat=True)
        .first()
    )
    moved = Referral.objects.filter(
        pk=referral.pk, version=expected_version, status__in=step.sources
    ).update(status=step.to, version=F("version") + 1, updated_at=now, **updates)
    if not moved:
        _refuse_stale(referral, step, expected_version)
    referral.refresh_from_db()
    membership = getattr(actor, "acting_membership", None)
    outcome = Outcome(referral)
    for service in extra.get("services") or ():
        outcome.linked.append(_linked(referral, service, redirect=step.name == "redirect"))
    Transition.objects.create(
        referral=referral,
        from_status=seen,
        to_status=step.to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_organisation_id=membership.organisation_id if membership else None,
        at=now,
        reason=reason[:MAX_TEXT],
        linked_referral=outcome.linked[0] if outcome.linked else None,
    )
    _follow_access(actor, referral, step)
    _escalate(referral, step, to_meeting=extra.get("to_meeting", False))
    _audit(actor, step.name, referral, detail={"to": step.to, "version": referral.version})
    return outcome


def _check_destination(step, referral, reason, *, signposting="", to_meeting=False, services=()):
    errors = {}
    if step.needs_reason and not reason:
        errors["reason"] = {
            "complete": "Record the outcome",
            "decline": "Say why the referral is declined",
            "redirect": "Say why the referral is redirected",
            "allocate": "Record the meeting's decision",
            "withdraw": "Say why the referral is withdrawn",
            "close_no_contact": "Say why it is closed without contact",
            "refer_to_meeting": "Say what the joint meeting should decide",
        }[step.name]
    if len(reason) > MAX_TEXT:
        errors["reason"] = f"The reason must be {MAX_TEXT:,} characters or fewer"
    if step.name == "decline" and not (signposting or "").strip() and not to_meeting:
        errors["signposting"] = (
            "Nobody leaves without a destination: signpost the person elsewhere, or route "
            "the referral to the joint referral meeting"
        )
    if step.name in {"redirect", "allocate"}:
        if not services:
            errors["services"] = "Choose the service it goes to"
        for service in services:
            if service.pk == referral.service_id and step.name == "redirect":
                errors["services"] = "Redirect to a different service"
            elif not service.accepting_referrals:
                errors["services"] = f"{service.name} is not taking referrals at the moment"
    if step.name == "redirect" and len(services) > 1:
        errors["services"] = "Redirect to one service"
    if errors:
        raise ValidationError(errors)


def _updates_for(step, referral, reason, now, *, signposting="", to_meeting=False, services=()):
    updates: dict[str, Any] = {}
    if step.name == "submit":
        acknowledge_days, first_contact_days = _targets(referral.service)
        today = timezone.localdate(now)
        updates.update(
            submitted_at=now,
            acknowledge_by=workdays.add_working_days(today, acknowledge_days),
            first_contact_by=workdays.add_working_days(today, first_contact_days),
        )
    if step.closes:
        destination = {
            "decline": (signposting or "").strip()
            or "Routed to the locality's joint referral meeting",
            "redirect": ", ".join(s.name for s in services),
            "allocate": ", ".join(s.name for s in services),
        }.get(step.name, "")
        updates.update(
            closed_at=now,
            outcome=f"{reason}\n\n{destination}".strip()[:MAX_TEXT],
            signposting=(signposting or "").strip()[:MAX_TEXT],
            in_limbo=False,
        )
    if step.to in {Status.FIRST_CONTACT, Status.IN_PROGRESS}:
        updates["in_limbo"] = False
    return updates


def _refuse_stale(referral: Referral, step: Action, expected_version: int):
    current = Referral.objects.filter(pk=referral.pk).values("status", "version").first()
    if current is None:
        raise NotFound("There is no such referral")
    status_label = Status(current["status"]).label.lower()
    if current["version"] != expected_version:
        last = Transition.objects.filter(referral=referral).order_by("-at", "-pk").first()
        who = (
            (last.actor.get_full_name() or last.actor.username)
            if last and last.actor
            else "someone"
        )
        raise Conflict(
            f"{who} changed this referral a moment ago (it is now {status_label}). "
            "Your action was not applied: look at it again and decide."
        )
    raise Conflict(f"A referral that is {status_label} cannot be “{step.label.lower()}”.")


def _linked(parent: Referral, service, *, redirect: bool) -> Referral:
    """The referral a redirect or an allocation makes: same person, same story, same
    journey, the next service; submitted at once."""
    child = _new_referral(
        person=parent.person,
        service=service,
        fields={
            "reason": parent.reason,
            "what_matters": parent.what_matters,
            "risk_summary": parent.risk_summary,
            "urgency": parent.urgency,
            "priority": parent.priority,
            "consent_to_share": parent.consent_to_share,
        },
        referring_organisation_id=parent.referring_organisation_id,
        referrer=parent.referrer,
        self_referral=parent.self_referral,
        journey_id=parent.journey_id,
        parent=parent,
        bounce_count=parent.bounce_count + (1 if redirect else 0),
    )
    child.needs.set(parent.needs.all())
    acknowledge_days, first_contact_days = _targets(service)
    now = timezone.now()
    today = timezone.localdate(now)
    Referral.objects.filter(pk=child.pk).update(
        status=Status.SUBMITTED,
        version=2,
        submitted_at=now,
        acknowledge_by=workdays.add_working_days(today, acknowledge_days),
        first_contact_by=workdays.add_working_days(today, first_contact_days),
    )
    Transition.objects.create(
        referral=child,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        at=now,
        reason=f"{'Redirected' if redirect else 'Allocated'} from {parent.reference}",
    )
    child.refresh_from_db()
    people_services.relationship_start(
        actor=None,
        person=child.person,
        organisation=service.organisation,
        kind=RelationshipKind.REFERRAL,
        reason=f"Referral {child.reference}",
        source=_source(child),
    )
    return child


def _source(referral: Referral) -> str:
    return f"referral:{referral.public_id}"


def _follow_access(actor, referral: Referral, step: Action) -> None:
    """Access follows the referral: the receiving team has a care relationship from
    submission until the referral closes."""
    if step.name == "submit":
        people_services.relationship_start(
            actor=actor,
            person=referral.person,
            organisation=referral.service.organisation,
            kind=RelationshipKind.REFERRAL,
            reason=f"Referral {referral.reference}",
            source=_source(referral),
        )
    elif step.closes:
        people_services.relationship_end_by_source(
            source=_source(referral), reason=f"Referral {referral.reference} {step.to}"
        )


def bouncing(referral: Referral, *, now: datetime | None = None) -> bool:
    """The person's referrals for the same need were declined or redirected twice or
    more within 90 days (DESIGN §6)."""
    now = now or timezone.now()
    needs = list(referral.needs.values_list("pk", flat=True))
    bounced = Referral.objects.filter(
        person_id=referral.person_id,
        status__in=[Status.DECLINED, Status.REDIRECTED],
        closed_at__gte=now - BOUNCE_WINDOW,
    )
    bounced = bounced.filter(needs__in=needs) if needs else bounced.filter(needs__isnull=True)
    return bounced.values("pk").distinct().count() >= BOUNCES_TO_ESCALATE


def _locality(referral: Referral):
    return referral.service.localities.order_by("name").first()


def queue_for_meeting(referral: Referral, reason: str) -> MeetingQueueItem | None:
    """Put the referral on its locality's joint-meeting queue (once per reason)."""
    locality = _locality(referral)
    if locality is None:
        return None
    item, _ = MeetingQueueItem.objects.get_or_create(
        referral=referral, reason=reason, resolved_at=None, defaults={"locality": locality}
    )
    return item


def _escalate(referral: Referral, step: Action, *, to_meeting: bool) -> None:
    if step.name == "refer_to_meeting":
        queue_for_meeting(referral, MeetingQueueReason.REFERRED)
    if step.name == "decline" and to_meeting:
        queue_for_meeting(referral, MeetingQueueReason.DECLINED)
    if step.name in {"decline", "redirect"} and bouncing(referral):
        queue_for_meeting(referral, MeetingQueueReason.BOUNCING)
    if step.closes:
        MeetingQueueItem.objects.filter(
            referral=referral, resolved_at__isnull=True, reason=MeetingQueueReason.LIMBO
        ).update(resolved_at=timezone.now())


def _audit(actor, action: str, referral: Referral, detail: dict | None = None) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    basis = "person_self" if getattr(actor, "is_person_account", False) else "own_organisation"
    audit_record(
        actor=user,
        action=f"referral_{action}",
        obj=referral,
        person_public_id=referral.person.public_id,
        basis=basis,
        detail=detail,
    )


# --- Attachments -----------------------------------------------------------------------


def attachment_add(*, actor, referral: Referral, upload, content_type: str):
    """Keep a file with the referral, under a random name (the original name is only
    shown); the form has checked its type and size. In the caller's transaction."""
    if referral.referring_organisation_id != getattr(
        getattr(actor, "acting_membership", None), "organisation_id", None
    ):
        raise PermissionDenied("Only the team that made the referral can attach files to it")
    original = PurePath(upload.name).name[:200]
    upload.name = f"{uuid.uuid4().hex}{PurePath(original).suffix.lower()[:10]}"
    attachment = Attachment.objects.create(
        referral=referral,
        file=upload,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    _audit(actor, "attach", referral, detail={"attachment": str(attachment.public_id)})
    return attachment
