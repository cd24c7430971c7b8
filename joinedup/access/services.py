"""Break-glass: the one way past rules 2–5, for clinicians, for a stated reason, for a
limited time, logged, reviewed by the IG lead and shown to the person (DESIGN §5)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access.categories import BREAK_GLASS_ROLES
from joinedup.access.models import BreakGlass, ReviewOutcome
from joinedup.access.roles import Role
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied

DEFAULT_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(hours=12)
MIN_REASON_LENGTH = 20


@transaction.atomic
def break_glass_open(
    *, actor, person, reason: str, duration: timedelta = DEFAULT_DURATION
) -> BreakGlass:
    membership = getattr(actor, "acting_membership", None)
    if membership is None or membership.role not in BREAK_GLASS_ROLES:
        raise PermissionDenied("Only clinicians may break glass")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": "Say why you need this record now, "
                f"in at least {MIN_REASON_LENGTH} characters"
            }
        )
    if not (timedelta(minutes=5) <= duration <= MAX_DURATION):
        raise ValidationError({"duration": "Choose between 5 minutes and 12 hours"})
    now = timezone.now()
    access = BreakGlass.objects.create(
        user=actor,
        organisation_id=membership.organisation_id,
        role=membership.role,
        person=person,
        reason=reason,
        started_at=now,
        expires_at=now + duration,
    )
    audit_record(
        actor=actor,
        action="break_glass",
        obj=access,
        person_public_id=person.public_id,
        basis="break_glass",
        detail={"expires_at": access.expires_at.isoformat()},
    )
    return access


@transaction.atomic
def break_glass_end(*, actor, access: BreakGlass) -> BreakGlass:
    if access.user_id != actor.pk:
        raise NotFound("There is no such break-glass access")
    BreakGlass.objects.filter(pk=access.pk, ended_at__isnull=True).update(ended_at=timezone.now())
    access.refresh_from_db()
    return access


@transaction.atomic
def break_glass_review(*, actor, access: BreakGlass, outcome: str, note: str = "") -> BreakGlass:
    """The IG lead of the organisation whose clinician broke glass records the review."""
    membership = getattr(actor, "acting_membership", None)
    if membership is None or membership.role != Role.IG_LEAD:
        raise PermissionDenied("Only an information governance lead reviews break-glass access")
    if membership.organisation_id != access.organisation_id:
        raise NotFound("There is no such break-glass access")
    if outcome not in (ReviewOutcome.REVIEWED, ReviewOutcome.CONCERN):
        raise ValidationError({"outcome": "Choose reviewed or raise as a concern"})
    if outcome == ReviewOutcome.CONCERN and not note.strip():
        raise ValidationError({"note": "Say what the concern is"})
    locked = BreakGlass.objects.select_for_update().get(pk=access.pk)
    if locked.outcome != ReviewOutcome.PENDING:
        raise Conflict("This access has already been reviewed")
    locked.outcome = outcome
    locked.review_note = note.strip()
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.save(
        update_fields=["outcome", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="break_glass_review",
        obj=locked,
        person_public_id=locked.person.public_id,
        basis="own_organisation",
        detail={"outcome": outcome},
    )
    return locked
