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

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
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
# The joint meeting allocating a journey whose referral is still open at its first service
# (in limbo, say): that referral closes as allocated, its linked referrals made, as one
# taken to the meeting does. Not a step a referral's page offers: only `meeting_allocate`
# takes it, for the meeting's decision.
MEETING_ALLOCATE = Action(
    "allocate", Status.ALLOCATED, _OPEN_SENT - {Status.FOR_JOINT_MEETING}, COORDINATOR,
    "Allocate to a service", needs_reason=True, closes=True,
)  # fmt: skip


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
    if actor is SELF_REFERRER:  # the public form or API: submitting their own, only
        submit = action.name == "submit" and referral.self_referral
        return None if submit else "Only the service, or your own account, can do this"
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


def _submitted(service, now: datetime) -> dict:
    """What submission sets: when, and the targets' dates in working days from today."""
    acknowledge_days, first_contact_days = _targets(service)
    today = timezone.localdate(now)
    return {
        "submitted_at": now,
        "acknowledge_by": workdays.add_working_days(today, acknowledge_days),
        "first_contact_by": workdays.add_working_days(today, first_contact_days),
    }


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
    # Only what the update wrote: the person, service and organisations the caller
    # loaded stay as they were (no transition changes them), so nothing is read twice.
    referral.refresh_from_db(fields=["status", "version", "updated_at", *updates])
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
    # The closed loop: whom it concerns is told by the worker, once this has committed.
    pk, name = referral.pk, step.name
    transaction.on_commit(lambda: _notice_after_commit(pk, name), robust=True)
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
        updates.update(_submitted(referral.service, now))
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
    now = timezone.now()
    Referral.objects.filter(pk=child.pk).update(
        status=Status.SUBMITTED, version=2, **_submitted(service, now)
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
    """The locality whose joint meeting the referral waits for: the service's, or — for a
    service that covers several — the person's own, where their GP practice is (a
    locality is a primary care network's neighbourhood); else the first by name."""
    localities = list(referral.service.localities.order_by("name"))
    if len(localities) > 1 and referral.person.gp_practice_id:
        from joinedup.directory.models import Locality

        home = (
            Locality.objects.filter(
                pk__in=[locality.pk for locality in localities],
                services__organisation_id=referral.person.gp_practice_id,
            )
            .order_by("name")
            .first()
        )
        if home is not None:
            return home
    return localities[0] if localities else None


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


# --- Telling people, and escalating what is stuck (DESIGN §6) -------------------------
#
# The closed loop: once a transition commits, the worker tells the referrer, the
# receiving team and the person what happened to them (`transition_notify`, queued by
# `_apply`). Every hour it finds referrals past a target (limbo) and people bouncing
# between services (`escalations_check`), flags them, puts them on the locality's
# joint-meeting queue and tells the service lead and the referrer — once.
#
# What they are told is what happened, the reference and where to look. Never the
# reason, the risk, what matters to the person or a note: notifications are emailed.

# Which steps the person hears of (the way they prefer), and which the referrer does.
PERSON_TOLD = {
    # action: (to the person, for the team to pass on)
    "submit": (
        "Your referral {ref} has been sent to the service. They will be in touch.",
        "their referral has been sent to the service",
    ),
    "accept": (
        "The service has accepted your referral {ref}. They will contact you.",
        "the service has accepted their referral",
    ),
    "decline": (
        "The service could not take your referral {ref}. You will be told where else you "
        "can get support.",
        "the service could not take their referral, and where else they can get support",
    ),
    "redirect": (
        "Your referral {ref} has been passed on to another service that may suit you "
        "better. They will be in touch.",
        "their referral has been passed on to another service",
    ),
    "complete": (
        "Your support under referral {ref} is complete.",
        "their support under this referral is complete",
    ),
}
REFERRER_TOLD = {
    "acknowledge": "The service has acknowledged referral {ref}.",
    "accept": "The service has accepted referral {ref}.",
    "decline": "The service has declined referral {ref}.",
    "redirect": "The service has redirected referral {ref} to another service.",
    "allocate": "The joint referral meeting has allocated referral {ref} to a service.",
    "complete": "The service has completed referral {ref} and recorded the outcome.",
    "close_no_contact": "The service has closed referral {ref} without making contact.",
}
# The person prefers to hear this way, which joinedup cannot do itself: the team does.
TEAM_CHANNELS = {"phone": "a phone call", "sms": "a text message", "letter": "a letter"}
LIMBO_TARGETS = {"acknowledge": "been acknowledged", "first_contact": "had its first contact"}


def _notice_after_commit(referral_id: int, action: str) -> None:
    """Queue the closed loop's notices for the worker (`_apply` calls it on commit)."""
    from joinedup.referrals.tasks import transition_notices_send

    transition_notices_send.enqueue(referral_id, action)


def referral_path(referral: Referral) -> str:
    """The referral's page (staff), where what the notification leaves out is shown
    under the access policy."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("referrals:detail", kwargs={"public_id": referral.public_id})
    except NoReverseMatch:
        return f"/referrals/{referral.public_id}/"


def team_leads(organisation_id: int) -> list:
    """Who leads a team's referrals (the "service lead"): its referral coordinators, or
    its practitioners if it has none; active members only."""
    from joinedup.accounts.models import Membership

    for role in (Role.REFERRAL_COORDINATOR, Role.PRACTITIONER):
        leads = [
            membership.user
            for membership in Membership.objects.active()
            .filter(organisation_id=organisation_id, role=role)
            .select_related("user")
            .order_by("user__username")
        ]
        if leads:
            return leads
    return []


def _tell_users(users, *, subject: str, body: str, link: str, key: str = "") -> int:
    from joinedup.notifications.services import notify

    told, seen = 0, set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        told += notify(user=user, subject=subject, body=body, link=link, key=key) is not None
    return told


def _tell_referrer(referral: Referral, action: str) -> int:
    body = REFERRER_TOLD[action].format(ref=referral.reference)
    if action == "decline":
        body += (
            " It has signposted the person to other support: see the referral for where."
            if referral.signposting
            else " It has routed the referral to the locality's joint referral meeting."
        )
    if action in {"redirect", "allocate"}:
        onward = ", ".join(child.reference for child in referral.children.order_by("pk"))
        body += f" It continues as referral {onward}." if onward else ""
    return _tell_users(
        [referral.referrer],
        subject=f"Referral {referral.reference}: {Status(ACTIONS[action].to).label.lower()}",
        body=body,
        link=referral_path(referral),
    )


def _tell_team_new(referral: Referral) -> int:
    due = referral.acknowledge_by
    due = f" Acknowledge it by {due:%-d %B %Y}." if due else ""
    return _tell_users(
        team_leads(referral.owner_organisation_id),
        subject=f"New referral {referral.reference}",
        body=f"Your team has a new referral, {referral.reference}.{due}",
        link=referral_path(referral),
    )


def _tell_team_allocated(referral: Referral) -> int:
    """The closed loop for the team the referral was with: the meeting decided where the
    person goes, so it is closed there (it may have been waiting in limbo)."""
    children = list(referral.children.select_related("service").order_by("pk"))
    where = ", ".join(f"{c.service.name} (referral {c.reference})" for c in children)
    return _tell_users(
        team_leads(referral.owner_organisation_id),
        subject=f"Referral {referral.reference}: allocated by the joint meeting",
        body=f"The joint referral meeting has allocated referral {referral.reference} to "
        f"{where or 'another service'}. It is closed at your team.",
        link=referral_path(referral),
    )


def _tell_team_to_tell(referral: Referral, what: str, channel: str) -> int:
    how = TEAM_CHANNELS.get(channel)
    ask = (
        f"The person referred in {referral.reference} would like to hear from you by {how}."
        if how
        else f"joinedup has no way to tell the person referred in {referral.reference}: "
        "tell them the way that suits them."
    )
    return _tell_users(
        team_leads(referral.owner_organisation_id),
        subject=f"Tell the person: referral {referral.reference}",
        body=f"{ask} Please tell them that {what}.",
        link=referral_path(referral),
    )


def _tell_person(referral: Referral, action: str) -> int:
    """The person, the way they prefer: their own inbox if they have a portal account
    (with an email copy unless they prefer a call, a text or a letter), an email if they
    prefer email; a call, a text or a letter — or no way recorded — is the team's to do,
    and the team is asked to."""
    from django.urls import reverse

    from joinedup.notifications.services import email_only, notify
    from joinedup.people.models import PreferredChannel

    person = referral.person
    to_person, to_team = PERSON_TOLD[action]
    subject = f"Your referral {referral.reference}"
    body = to_person.format(ref=referral.reference)
    channel = person.preferred_channel
    account = person.portal_user if person.portal_user_id else None
    account = account if account is not None and account.is_active else None
    by_team = channel in TEAM_CHANNELS
    address = person.email if channel == PreferredChannel.EMAIL and person.email else None
    told = 0
    if account is not None:
        link = reverse("portal:home")
        email = "" if by_team else address  # None: the account's own address
        told += notify(user=account, subject=subject, body=body, link=link, email=email) is not None
    elif address and not by_team:
        email_only(
            to=address,
            subject=subject,
            body=body,
            name=person.preferred_name or person.given_name,
        )
        told += 1
    if by_team or not told:
        told += _tell_team_to_tell(referral, to_team, channel)
    return told


def transition_notify(*, referral_id: int, action: str) -> int:
    """Tell whom it concerns that `action` was taken on the referral (run by the worker
    once the transition has committed); how many were told. The referrer hears of each
    step of theirs that matters, the receiving team of a new referral (and of one
    withdrawn), the person of theirs; a decline or redirect that leaves the person
    bouncing is escalated to the service lead and the referrer."""
    referral = (
        Referral.objects.select_related("person__portal_user", "referrer")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or action not in ACTIONS:
        return 0
    told = 0
    with transaction.atomic():
        if action in REFERRER_TOLD:
            told += _tell_referrer(referral, action)
        if action == "submit":
            told += _tell_team_new(referral)
        if action in {"redirect", "allocate"}:
            for child in referral.children.order_by("pk"):
                told += _tell_team_new(child)
        if action == "allocate":
            told += _tell_team_allocated(referral)
        if action == "withdraw":
            told += _tell_users(
                team_leads(referral.owner_organisation_id),
                subject=f"Referral {referral.reference}: withdrawn",
                body=f"The referrer has withdrawn referral {referral.reference}.",
                link=referral_path(referral),
            )
        if action in PERSON_TOLD:
            told += _tell_person(referral, action)
        if action in {"decline", "redirect"}:
            item = referral.queue_items.filter(
                reason=MeetingQueueReason.BOUNCING, resolved_at__isnull=True
            ).first()
            if item is not None:
                told += _tell_bouncing(referral, item)
    return told


def _agenda(item: MeetingQueueItem | None) -> str:
    if item is None:
        return "Take it to the next joint referral meeting."
    return f"It is on the agenda of the next joint referral meeting for {item.locality.name}."


def _tell_escalation(referral: Referral, *, subject: str, body: str, key: str) -> int:
    users = [*team_leads(referral.owner_organisation_id), referral.referrer]
    return _tell_users(users, subject=subject, body=body, link=referral_path(referral), key=key)


def _late(today):
    """Past a target (DESIGN §6): still not acknowledged after the day it was due, or
    acknowledged, accepted or on the waiting list with no first contact after its day.
    The targets are working days, set at submission; a day is past once it is over."""
    from django.db.models import Q

    return Q(status=Status.SUBMITTED, acknowledge_by__lt=today) | Q(
        status__in=[Status.ACKNOWLEDGED, Status.ACCEPTED, Status.WAITING],
        first_contact_by__lt=today,
    )


def _limbo_flag(pk: int, late) -> bool:
    """Flag one late referral, queue it for the meeting and tell its lead and referrer:
    only the run that moves the flag from off to on does so, so they are told once."""
    with transaction.atomic():
        if not Referral.objects.filter(late, pk=pk, in_limbo=False).update(in_limbo=True):
            return False  # moved on, or flagged by another worker, since it was read
        referral = Referral.objects.select_related("person", "referrer").get(pk=pk)
        target = "acknowledge" if referral.status == Status.SUBMITTED else "first_contact"
        due = referral.acknowledge_by if target == "acknowledge" else referral.first_contact_by
        item = queue_for_meeting(referral, MeetingQueueReason.LIMBO)
        _tell_escalation(
            referral,
            subject=f"Referral {referral.reference} is in limbo",
            body=(
                f"Referral {referral.reference} has not {LIMBO_TARGETS[target]} by its "
                f"target date, {due:%-d %B %Y}. {_agenda(item)}"
            ),
            key=f"limbo:{referral.pk}:{target}",
        )
        _audit(None, "limbo", referral, detail={"target": target})
    return True


def limbo_check(*, now: datetime | None = None) -> tuple[int, int]:
    """Flag the referrals past a target today (Europe/London) and clear the flag of
    those that have moved on; (flagged, cleared)."""
    now = now or timezone.now()
    late = _late(timezone.localdate(now))
    flagged = 0
    for pk in list(Referral.objects.filter(late, in_limbo=False).values_list("pk", flat=True)):
        flagged += _limbo_flag(pk, late)
    cleared = Referral.objects.filter(in_limbo=True).exclude(late).update(in_limbo=False)
    # Off the agenda once it has moved on (whether this check or a transition cleared
    # the flag): a referral that is no longer stuck needs no meeting about being stuck.
    MeetingQueueItem.objects.filter(
        reason=MeetingQueueReason.LIMBO, resolved_at__isnull=True, referral__in_limbo=False
    ).update(resolved_at=now, updated_at=now)
    return flagged, cleared


def _bounced():
    from django.db.models import Q

    return Q(status__in=[Status.DECLINED, Status.REDIRECTED])


def _latest_bounce(referral: Referral) -> bool:
    """No later decline or redirect of the person for a need of this referral: the
    latest bounce is where an escalation is recorded, so one episode is queued once."""
    from django.db.models import Q

    needs = list(referral.needs.values_list("pk", flat=True))
    later = Referral.objects.filter(_bounced(), person_id=referral.person_id).filter(
        Q(closed_at__gt=referral.closed_at) | Q(closed_at=referral.closed_at, pk__gt=referral.pk)
    )
    later = later.filter(needs__in=needs) if needs else later.filter(needs__isnull=True)
    return not later.exists()


def _tell_bouncing(referral: Referral, item: MeetingQueueItem | None) -> int:
    return _tell_escalation(
        referral,
        subject=f"Referral {referral.reference}: bounced between services",
        body=(
            f"The person referred in {referral.reference} has had referrals for the same "
            f"need declined or redirected {BOUNCES_TO_ESCALATE} times or more in "
            f"{BOUNCE_WINDOW_DAYS} days. {_agenda(item)}"
        ),
        key=f"bouncing:{referral.pk}",
    )


def bouncing_check(*, now: datetime | None = None) -> int:
    """Escalate each person bouncing (`bouncing`) whose latest bounce is not yet on the
    joint-meeting queue — a decline or redirect escalates at once (`_escalate`), this
    catches what it could not; how many were escalated."""
    from django.db.models import Count

    now = now or timezone.now()
    recent = Referral.objects.filter(_bounced(), closed_at__gte=now - BOUNCE_WINDOW)
    people = (
        recent.values("person_id")
        .annotate(bounces=Count("pk"))
        .filter(bounces__gte=BOUNCES_TO_ESCALATE)
        .values("person_id")
    )
    candidates = (
        recent.filter(person_id__in=people)
        .exclude(queue_items__reason=MeetingQueueReason.BOUNCING)
        .order_by("closed_at", "pk")
    )
    escalated = 0
    for referral in candidates.select_related("referrer"):
        if not (bouncing(referral, now=referral.closed_at) and _latest_bounce(referral)):
            continue
        with transaction.atomic():
            item = queue_for_meeting(referral, MeetingQueueReason.BOUNCING)
            _tell_bouncing(referral, item)
        escalated += 1
    return escalated


@dataclass(frozen=True)
class EscalationReport:
    limbo_flagged: int
    limbo_cleared: int
    bouncing: int


def escalations_check(*, now: datetime | None = None) -> EscalationReport:
    """The hourly check (`referrals.tasks.escalations_check`): limbo, then bouncing."""
    now = now or timezone.now()
    flagged, cleared = limbo_check(now=now)
    return EscalationReport(flagged, cleared, bouncing_check(now=now))


# --- Self-referral by the public (issue 4) ---------------------------------------------
#
# A person refers themselves, without a GP, to a service that takes self-referrals:
# through the public form (`referrals.public_views`) or POST /api/v1/self-referrals.
# Everything is checked first and nothing is written if anything is wrong; then, in one
# transaction, their record is made or joined (the rule is people.services'), the
# referral made and submitted through the state machine like any other — so the
# receiving team's care relationship starts and the closed loop's notices go — and the
# reference returned. They follow it with the reference and their date of birth
# (`referrals.selectors.self_referral_status`). An idempotency key (the form's token, an
# API client's Idempotency-Key) makes a double submission or a retry one referral.


class _SelfReferrer:
    """Who acts when the public self-refers: no user, no member of staff, the person
    themselves (so the audit has no actor and the basis person_self). The state machine
    lets it do one thing: submit the self-referral just made (`_side_refusal`)."""

    is_authenticated = False
    is_person_account = True
    acting_membership = None
    pk = None

    def __repr__(self) -> str:
        return "SELF_REFERRER"


SELF_REFERRER = _SelfReferrer()
SELF_REFERRAL_FIELDS = frozenset(
    {"reason", "what_matters", "urgency", "consent_to_share", "answers"}
)
CONTACT_WORDS = {
    "phone": "a phone call",
    "sms": "a text message",
    "email": "an email",
    "letter": "a letter",
}


def self_referral_refusal(*, service) -> str | None:
    """Why `service` cannot take a self-referral now (None if it can), in the person's
    words: the public pages ask before they show the form; self_referral_create checks."""
    if service.status != "active" or not service.accepting_referrals:
        return f"{service.name} is not taking referrals at the moment"
    if not service.accepts_self_referrals:
        return (
            f"{service.name} does not take self-referrals. Ask a professional who supports "
            "you (a GP, a social worker or a support worker) to refer you, or contact the "
            "service"
        )
    return None


@dataclass(frozen=True)
class SelfReferralReceipt:
    """What the person is told once their self-referral is sent (nothing clinical)."""

    reference: str
    service_name: str
    organisation_name: str
    acknowledge_by: date | None
    contact_by: str
    replayed: bool = False


def _first_messages(exc: ValidationError) -> dict[str, str]:
    return {name: messages[0] for name, messages in exc.message_dict.items()}


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _in_their_words(service, data: dict, errors: dict) -> dict[str, str]:
    """The common checks speak to a referrer about "the person"; here it is the person."""
    words: dict[str, str] = {}
    refusal = self_referral_refusal(service=service)
    if refusal:
        words["service"] = refusal
    if "reason" in errors and not str(data.get("reason") or "").strip():
        words["reason"] = "Tell us what you would like help with"
    if "consent_to_share" in errors:
        words["consent_to_share"] = (
            f"Confirm you agree to {service.organisation.name} receiving your referral and "
            "keeping what you have written"
        )
    labels = {
        "reason": "What you would like help with",
        "what_matters": "What matters to you",
        "answers": "Your answers",
    }
    for name, label in labels.items():
        if _has_nul(data.get(name)):
            words[name] = f"{label} must not contain NUL characters"
    return words


def _self_referral_clean(service, data: dict) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    person_data = {k: v for k, v in data.items() if k not in SELF_REFERRAL_FIELDS}
    referral_data = {k: v for k, v in data.items() if k in SELF_REFERRAL_FIELDS}
    details: dict = {}
    fields: dict = {}
    try:
        details = people_services.self_referral_person_clean(person_data)
    except ValidationError as exc:
        errors.update(_first_messages(exc))
    if not _has_nul(referral_data):
        try:
            fields = _clean_fields(service, referral_data, professional=False)
        except ValidationError as exc:
            errors.update(_first_messages(exc))
    errors.update(_in_their_words(service, referral_data, errors))
    if errors:
        raise ValidationError(errors)
    return details, fields


def _self_referral_key(raw: str, service, details: dict) -> str:
    """The key kept on the referral: the client's key bound to the service and to who is
    referred, so a weak key ("1") reused by two people never gives one the other's
    referral; a retry of the same request finds the same key."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    parts = [
        raw[:200],
        str(service.public_id),
        " ".join(details["given_name"].split()).casefold(),
        " ".join(details["family_name"].split()).casefold(),
        details["date_of_birth"].isoformat(),
    ]
    return "self:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _self_referral_lock(key: str) -> None:
    """Let one transaction at a time look for and make the referral of a key: a public
    referral has no referrer, so the unique (referrer, key) constraint cannot serve.
    SQLite begins every transaction IMMEDIATE, which serialises writers already."""
    from django.db import connection

    if connection.vendor == "postgresql":
        lock_id = int.from_bytes(bytes.fromhex(key[5:21]), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _contact_note(details: dict) -> str:
    channel = details["preferred_channel"]
    where = {
        "phone": details["phone"],
        "sms": details["phone"],
        "email": details["email"],
        "letter": ", ".join(
            part for part in (details["address_1"], details["city"], details["postcode"]) if part
        ),
    }[channel]
    return f"They would like to be contacted by {CONTACT_WORDS[channel]}: {where}."


def _submit_note(details: dict, placed, channel: str) -> str:
    lines = [
        "Self-referral by the person, through the public "
        + ("API." if channel == "api" else "form."),
        _contact_note(details),
    ]
    if details["communication_needs"]:
        lines.append(f"What helps them communicate: {details['communication_needs']}")
    if placed.note:
        lines.append(placed.note)
    return "\n".join(lines)


def _self_referral_write(service, details: dict, fields: dict, key: str, channel: str):
    placed = people_services.self_referral_person_record(
        details=details, organisation=service.organisation
    )
    referral = _new_referral(
        person=placed.person,
        service=service,
        fields=fields,
        self_referral=True,
        idempotency_key=key,
    )
    _audit(SELF_REFERRER, "create", referral, detail={"channel": channel})
    _apply(
        SELF_REFERRER,
        referral,
        ACTIONS["submit"],
        reason=_submit_note(details, placed, channel),
        expected_version=1,
    )
    return referral


def _receipt(referral: Referral, details: dict, *, replayed: bool = False) -> SelfReferralReceipt:
    return SelfReferralReceipt(
        reference=referral.reference,
        service_name=referral.service.name,
        organisation_name=referral.service.organisation.name,
        acknowledge_by=referral.acknowledge_by,
        contact_by=CONTACT_WORDS.get(details["preferred_channel"], ""),
        replayed=replayed,
    )


def self_referral_create(
    *, service, data: dict[str, Any], idempotency_key: str = "", channel: str = "web"
) -> SelfReferralReceipt:
    """A person refers themselves to `service` (found by the caller in the directory).

    `data` holds their details (people.services.SELF_REFERRAL_PERSON_FIELDS) and the
    referral's (SELF_REFERRAL_FIELDS). Raises ValidationError naming every field that is
    wrong, in the person's words, writing nothing. With an idempotency key, the same
    request again returns the first one's receipt (`replayed`) and makes nothing.
    """
    details, fields = _self_referral_clean(service, data)
    key = _self_referral_key(idempotency_key, service, details)
    try:
        return _self_referral_once(service, details, fields, key, channel)
    except IntegrityError:
        # Two self-referrals gave the same new NHS number at once: the second try finds
        # the record the first one made, and follows the rule with it.
        return _self_referral_once(service, details, fields, key, channel)


def _self_referral_once(service, details: dict, fields: dict, key: str, channel: str):
    with transaction.atomic():
        if key:
            _self_referral_lock(key)
            existing = (
                Referral.objects.filter(
                    self_referral=True, referrer__isnull=True, idempotency_key=key
                )
                .select_related("service__organisation")
                .first()
            )
            if existing is not None:
                return _receipt(existing, details, replayed=True)
        referral = _self_referral_write(service, details, fields, key, channel)
    return _receipt(referral, details)


# --- The joint referral meeting's decisions (issue 5) ----------------------------------
#
# A locality's joint referral meeting (joinedup/meetings) decides about a journey on its
# agenda: a referral taken to the meeting, declined to it, bouncing or in limbo. These
# carry its decisions out on the referrals, in the caller's transaction (the meeting's
# service holds it and writes its own audit event last). The decider is a referral
# coordinator — the side `allocate` names.


def _meeting_referral(referral: Referral) -> Referral:
    """The referral of the journey the meeting acts on now: one taken to the meeting
    (for_joint_meeting) if the journey has one — it must be allocated through the state
    machine — else the one on the agenda, as it is now."""
    taken = (
        Referral.objects.select_related("person", "service__organisation")
        .filter(journey_id=referral.journey_id, status=Status.FOR_JOINT_MEETING)
        .order_by("-created_at", "-pk")
        .first()
    )
    return taken or Referral.objects.select_related("person", "service__organisation").get(
        pk=referral.pk
    )


def _coordinator_check(actor, referral: Referral) -> None:
    refusal = _side_refusal(ACTIONS["allocate"], referral, actor)
    if refusal:
        raise PermissionDenied(refusal)


def _meeting_queue_resolve(journey_id, now: datetime) -> int:
    """Resolve every waiting queue item of the journey: the meeting has decided it."""
    return MeetingQueueItem.objects.filter(
        referral__journey_id=journey_id, resolved_at__isnull=True
    ).update(resolved_at=now, updated_at=now)


def meeting_allocate(*, actor, referral: Referral, services, reason: str) -> list[Referral]:
    """The meeting allocates the journey of `referral` to `services` (one or more; two
    organisations' services make a joint offer). A referral still open — taken to the
    meeting, or waiting at its first service (in limbo) — is allocated through the state
    machine (`allocate`, or `MEETING_ALLOCATE`): it closes, its linked referrals made, and
    its team is told; one that is closed (declined, redirected) gets a linked referral to
    each service, on the same journey, submitted at once. The journey's queue items are
    resolved. The new referrals, in the order of `services`."""
    current = _meeting_referral(referral)
    _coordinator_check(actor, current)
    reason = (reason or "").strip()
    services = list(services)
    errors: dict[str, str] = {}
    if len({s.pk for s in services}) != len(services):
        errors["services"] = "Choose each service once"
    for service in services:
        if service.status != "active":
            errors["services"] = f"{service.name} is not an active service"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if current.status in _OPEN_SENT:
        # Taken to the meeting, or still open at its first service (in limbo): either
        # way it closes as allocated, and its team is told where it went.
        taken = current.status == Status.FOR_JOINT_MEETING
        outcome = _apply(
            actor,
            current,
            ACTIONS["allocate"] if taken else MEETING_ALLOCATE,
            reason=reason,
            expected_version=current.version,
            services=services,
        )
        children = outcome.linked
    else:
        _check_destination(ACTIONS["allocate"], current, reason, services=services)
        children = [_linked(current, service, redirect=False) for service in services]
        _audit(
            actor,
            "meeting_allocate",
            current,
            detail={"referrals": [str(child.public_id) for child in children]},
        )
        for child in children:
            pk = child.pk
            transaction.on_commit(lambda pk=pk: _notice_after_commit(pk, "submit"), robust=True)
    _meeting_queue_resolve(current.journey_id, now)
    return children


def meeting_resolve(*, actor, referral: Referral, decision: str) -> int:
    """The meeting signposted the person elsewhere, or decided no further action: the
    journey leaves the queue. A referral taken to the meeting (for_joint_meeting) must be
    allocated, or wait for more information; only its referring team can withdraw it."""
    current = _meeting_referral(referral)
    _coordinator_check(actor, current)
    if current.status == Status.FOR_JOINT_MEETING:
        raise Conflict(
            f"Referral {current.reference} was taken to the meeting to be allocated: "
            "allocate it, or ask for more information (the team that made it can withdraw it)"
        )
    resolved = _meeting_queue_resolve(current.journey_id, timezone.now())
    _audit(actor, f"meeting_{decision}", current, detail={"resolved": resolved})
    return resolved
