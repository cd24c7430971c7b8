"""Every read of referrals, through the access policy (`record.referral_visibility`),
and audited as a read of person-level data.

A referral the viewer may not see is NotFound, exactly as one that does not exist.
"""

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from joinedup.access import record
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.core.exceptions import NotFound
from joinedup.referrals.models import (
    BOUNCES_TO_ESCALATE,
    OPEN_STATUSES,
    Attachment,
    MeetingQueueItem,
    MeetingQueueReason,
    Referral,
    ServiceQuestion,
    Status,
    Transition,
)

NOT_FOUND = "There is no such referral, or you may not see it"
WORKLIST_PAGE = 25
INCOMING, OUTGOING = "incoming", "outgoing"


def _as_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


def _basis(user) -> str:
    return "person_self" if getattr(user, "is_person_account", False) else "own_organisation"


def visible(user) -> QuerySet:
    return record.referral_visibility(user, Referral.objects.all())


def referral_get(*, user, public_id, audit: bool = True) -> Referral:
    uid = _as_uuid(public_id)
    referral = (
        visible(user)
        .select_related(
            "person", "service__organisation", "owner_organisation", "referring_organisation",
            "referrer", "owner_user", "parent",
        )
        .filter(public_id=uid)
        .first()
        if uid
        else None
    )  # fmt: skip
    if referral is None:
        raise NotFound(NOT_FOUND)
    if audit:
        audit_record(
            actor=user,
            action="view",
            obj=referral,
            person_public_id=referral.person.public_id,
            basis=_basis(user),
        )
    return referral


@dataclass
class ReferralView:
    """A referral's page: the referral, its steps, its journey and what the viewer may do."""

    referral: Referral
    transitions: list[Transition]
    journey: list[Referral]
    needs: list
    questions: list[tuple[str, object]]

    @property
    def bouncing(self) -> bool:
        return self.referral.bounce_count >= BOUNCES_TO_ESCALATE


def referral_view(*, user, public_id) -> ReferralView:
    referral = referral_get(user=user, public_id=public_id)
    transitions = list(
        referral.transitions.select_related("actor", "actor_organisation", "linked_referral")
    )
    journey = list(
        visible(user)
        .filter(journey_id=referral.journey_id)
        .select_related("service__organisation")
        .order_by("created_at", "pk")
    )
    labels = {
        q.key: q.label for q in ServiceQuestion.objects.filter(service_id=referral.service_id)
    }
    return ReferralView(
        referral=referral,
        transitions=transitions,
        journey=journey,
        needs=list(referral.needs.order_by("name")),
        questions=[(labels.get(k, k), v) for k, v in referral.answers.items()],
    )


# --- Worklists -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: keyset pagination, so page 400 costs what page 1 does."""

    priority: int
    created_at: dt.datetime
    pk: int

    def encode(self) -> str:
        return f"{self.priority}.{self.created_at.timestamp():.6f}.{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> "Cursor | None":
        try:
            priority, seconds, micros, pk = (raw or "").split(".")
            moment = dt.datetime.fromtimestamp(float(f"{seconds}.{micros}"), tz=dt.UTC)
            return cls(int(priority), moment, int(pk))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass
class Worklist:
    rows: list[Referral]
    next_cursor: str
    counts: dict[str, int]


FLAGS = ("new", "limbo", "bouncing")


def _bouncing() -> Q:
    queued = MeetingQueueItem.objects.filter(
        referral__person_id=OuterRef("person_id"),
        reason=MeetingQueueReason.BOUNCING,
        resolved_at__isnull=True,
    )
    return Q(bounce_count__gte=BOUNCES_TO_ESCALATE) | Q(Exists(queued))


def _flag_filter(flag: str) -> Q:
    return {
        "new": Q(status=Status.SUBMITTED),
        "limbo": Q(in_limbo=True),
        "bouncing": _bouncing(),
    }[flag]


def worklist(
    *,
    user,
    direction: str = INCOMING,
    flag: str = "",
    status: str = "",
    after: str | None = None,
    size: int = WORKLIST_PAGE,
) -> Worklist:
    """The open referrals of the viewer's team: sent to it (incoming) or made by it
    (outgoing), urgent first then oldest, a page at a time; with the counts of new, in
    limbo and bouncing. One audit event names the people on the page."""
    membership = getattr(user, "acting_membership", None)
    referrals = visible(user).filter(closed_at__isnull=True)
    if membership is None:
        referrals = referrals.none()
    elif direction == OUTGOING:
        referrals = referrals.filter(referring_organisation_id=membership.organisation_id)
    else:
        referrals = referrals.filter(owner_organisation_id=membership.organisation_id).exclude(
            status=Status.DRAFT
        )
    counts = referrals.aggregate(
        new=Count("pk", filter=_flag_filter("new")),
        limbo=Count("pk", filter=_flag_filter("limbo")),
        bouncing=Count("pk", filter=_flag_filter("bouncing")),
        total=Count("pk"),
    )
    if flag in FLAGS:
        referrals = referrals.filter(_flag_filter(flag))
    if status in Status.values:
        referrals = referrals.filter(status=status)
    cursor = Cursor.decode(after)
    if cursor:
        referrals = referrals.filter(
            Q(priority__gt=cursor.priority)
            | Q(priority=cursor.priority, created_at__gt=cursor.created_at)
            | Q(priority=cursor.priority, created_at=cursor.created_at, pk__gt=cursor.pk)
        )
    rows = list(
        referrals.select_related(
            "person", "service", "owner_organisation", "referring_organisation", "parent"
        )
        .annotate(is_bouncing=_bouncing())
        .order_by("priority", "created_at", "pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    audit_record_many(
        actor=user,
        person_public_ids=[r.person.public_id for r in rows],
        object_type="referrals.referral",
        basis=_basis(user),
    )
    return Worklist(
        rows=rows,
        next_cursor=Cursor(last.priority, last.created_at, last.pk).encode() if more else "",
        counts=counts,
    )


def person_referrals(*, user, person, audit: bool = True) -> list[Referral]:
    """A person's referrals the viewer may see, newest first (the record page, the
    person's own portal)."""
    referrals = list(
        visible(user)
        .filter(person=person)
        .select_related(
            "person",
            "service__organisation",
            "owner_organisation",
            "referring_organisation",
            "parent",
        )
        .order_by("-created_at", "-pk")[:100]
    )
    if audit and referrals:
        audit_record(
            actor=user,
            action="view",
            obj=person,
            person_public_id=person.public_id,
            basis=_basis(user),
            detail={"referrals": [str(r.public_id) for r in referrals]},
        )
    return referrals


def service_questions(*, service) -> list[ServiceQuestion]:
    """The questions a service adds to the common form (directory data: public)."""
    return list(ServiceQuestion.objects.filter(service=service))


OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES if s != Status.DRAFT)


def attachment_get(*, user, public_id) -> Attachment:
    """A file of a referral the viewer may see; audited as a read of the referral."""
    uid = _as_uuid(public_id)
    attachment = (
        Attachment.objects.filter(public_id=uid, referral__in=visible(user))
        .select_related("referral__person")
        .first()
        if uid
        else None
    )
    if attachment is None:
        raise NotFound("There is no such file, or you may not see it")
    audit_record(
        actor=user,
        action="view",
        obj=attachment.referral,
        person_public_id=attachment.referral.person.public_id,
        basis=_basis(user),
        detail={"attachment": str(attachment.public_id)},
    )
    return attachment


def referral_for_idempotency_key(*, user, idempotency_key: str) -> Referral | None:
    """The referral `user` already made with this idempotency key (a retried request),
    if they may still see it: checked before anything else of the retry is written."""
    key = (idempotency_key or "").strip()[:100]
    if not key or not getattr(user, "is_authenticated", False):
        return None
    return visible(user).filter(referrer=user, idempotency_key=key).first()
