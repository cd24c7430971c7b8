"""Every read of referrals, through the access policy (`record.referral_visibility`),
and audited as a read of person-level data.

A referral the viewer may not see is NotFound, exactly as one that does not exist.
"""

import datetime as dt
import re
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, QuerySet

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


def referral_view(*, user, public_id, audit: bool = True) -> ReferralView:
    referral = referral_get(user=user, public_id=public_id, audit=audit)
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


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
# How a worklist may be sorted: the columns of its order, all ascending or descending.
SORTS = {
    "urgency": (("priority", "created_at", "pk"), False),
    "oldest": (("created_at", "pk"), False),
    "newest": (("created_at", "pk"), True),
}


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: keyset pagination, so page 400 costs what page 1 does.
    Times travel as whole microseconds, so the boundary row compares exactly."""

    sort: str
    priority: int
    created_at: dt.datetime
    pk: int

    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // _MICROSECOND
        return f"{self.sort}.{self.priority}.{micros}.{self.pk}"

    @classmethod
    def decode(cls, raw: str | None, sort: str) -> "Cursor | None":
        try:
            name, priority, micros, pk = (raw or "").split(".")
            if name != sort:
                return None
            return cls(sort, int(priority), _EPOCH + int(micros) * _MICROSECOND, int(pk))
        except (ValueError, OverflowError):
            return None

    def after(self) -> Q:
        """The rows past this one in the sort's order."""
        columns, descending = SORTS[self.sort]
        values = {"priority": self.priority, "created_at": self.created_at, "pk": self.pk}
        beyond = "lt" if descending else "gt"
        condition = Q(pk__in=[])
        for i, column in enumerate(columns):
            equal = {c: values[c] for c in columns[:i]}
            condition |= Q(**equal, **{f"{column}__{beyond}": values[column]})
        return condition


@dataclass
class Worklist:
    rows: list[Referral]
    next_cursor: str
    counts: dict[str, int]


FLAGS = ("new", "limbo", "bouncing")


def _bouncing() -> Q:
    """Bounced twice on this journey, or the person waits on a meeting's queue for
    bouncing: the people waiting are one set the database makes once per query (a
    hashed subplan), not a probe for each of a team's open referrals."""
    waiting = MeetingQueueItem.objects.filter(
        reason=MeetingQueueReason.BOUNCING, resolved_at__isnull=True
    ).values("referral__person_id")
    return Q(bounce_count__gte=BOUNCES_TO_ESCALATE) | Q(person_id__in=waiting)


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
    sort: str = "urgency",
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
    sort = sort if sort in SORTS else "urgency"
    cursor = Cursor.decode(after, sort)
    if cursor:
        referrals = referrals.filter(cursor.after())
    columns, descending = SORTS[sort]
    order = [f"-{c}" if descending else c for c in columns]
    # The page's ids first, from the referrals alone (the partial index, sorted, cut to a
    # page), then the page joined to what it shows: a team with thousands of open
    # referrals joins a page of them, whatever the planner guesses of the team's size.
    page = referrals.order_by(*order).values("pk")[: size + 1]
    rows = list(
        Referral.objects.filter(pk__in=page)
        .select_related(
            "person", "service", "owner_organisation", "referring_organisation", "parent"
        )
        .annotate(is_bouncing=_bouncing())
        .order_by(*order)
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
        next_cursor=Cursor(sort, last.priority, last.created_at, last.pk).encode() if more else "",
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


# --- A self-referral's status, for the person (issue 4) --------------------------------
#
# The person who referred themselves follows their referral with its reference and their
# date of birth, without an account. They are told where it is, what happens next and
# how to reach the service: nothing clinical, nothing anyone wrote about them. A wrong
# date of birth is the same "not found" as an unknown reference, and every lookup is
# audited (a wrong one naming the person whose reference it was, for the IG lead).

SELF_REFERRAL_NOT_FOUND = (
    "No referral matches this reference and date of birth. Check both and try again"
)
REFERENCE_SHAPE = re.compile(r"^JU-[A-Z0-9]{8}$")
# What each status means to the person, in plain words.
PUBLIC_STATUS = {
    Status.SUBMITTED: "Sent to the service",
    Status.ACKNOWLEDGED: "The service is looking at it",
    Status.ACCEPTED: "Accepted",
    Status.WAITING: "On the waiting list",
    Status.FIRST_CONTACT: "The service has been in touch",
    Status.IN_PROGRESS: "You are getting support",
    Status.COMPLETED: "Finished",
    Status.DECLINED: "Not accepted",
    Status.REDIRECTED: "Passed to another service",
    Status.FOR_JOINT_MEETING: "To be discussed at a meeting of local services",
    Status.ALLOCATED: "Passed to another service",
    Status.WITHDRAWN: "Withdrawn",
    Status.CLOSED_NO_CONTACT: "Closed",
}


@dataclass(frozen=True)
class SelfReferralStatus:
    reference: str
    status: str
    status_words: str
    next_step: str
    service_name: str
    organisation_name: str
    phone: str
    email: str
    website: str


def normalise_reference(value: str) -> str:
    """'ju 4kq7 mz2p' or '4KQ7MZ2P' -> 'JU-4KQ7MZ2P' (as read out on the phone)."""
    compact = re.sub(r"[\s-]", "", str(value or "")).upper()
    if compact.startswith("JU") and len(compact) == 10:
        compact = compact[2:]
    return f"JU-{compact}"


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _public_next_step(referral: Referral, onward: Referral | None) -> str:
    service = referral.service.name
    by = _day(referral.acknowledge_by)
    contact_by = _day(referral.first_contact_by)
    if referral.status in {Status.REDIRECTED, Status.ALLOCATED} and onward is not None:
        return (
            f"Your referral has been passed to {onward.service.name}, which will contact "
            f"you. Its new reference is {onward.reference}: use it to check it from now on."
        )
    steps = {
        Status.DRAFT: f"{service} will look at your referral.",
        Status.SUBMITTED: f"{service} will look at your referral" + (f" by {by}." if by else "."),
        Status.ACKNOWLEDGED: f"{service} is deciding whether they can help you, or who can. "
        "They will contact you.",
        Status.ACCEPTED: f"{service} can help you and will contact you"
        + (f" by {contact_by}." if contact_by else "."),
        Status.WAITING: f"{service} will contact you when a place is free.",
        Status.FIRST_CONTACT: f"You are in touch with {service}. Contact them if you have "
        "any questions.",
        Status.IN_PROGRESS: f"You are getting support from {service}. Contact them if you "
        "have any questions.",
        Status.FOR_JOINT_MEETING: "Local services will meet to find the right support for "
        "you. Someone will contact you after the meeting.",
        Status.COMPLETED: f"Your support from {service} has finished. You can refer "
        "yourself again if you need to.",
        Status.DECLINED: f"{service} cannot help you this time. They will tell you where "
        "else you can get support.",
        Status.REDIRECTED: "Your referral has been passed to another service, which will "
        "contact you.",
        Status.ALLOCATED: "Your referral has been passed to another service, which will "
        "contact you.",
        Status.WITHDRAWN: "Your referral was withdrawn. You can refer yourself again if "
        "you need to.",
        Status.CLOSED_NO_CONTACT: f"{service} closed your referral because they could not "
        "reach you. Contact them, or refer yourself again.",
    }
    return steps[referral.status]


def self_referral_status(*, reference: str, date_of_birth) -> SelfReferralStatus:
    """The status of the self-referral with this reference, if `date_of_birth` is the
    referred person's; NotFound, the same either way, if not."""
    reference = normalise_reference(reference)
    if not REFERENCE_SHAPE.match(reference):
        reference = ""  # not one joinedup makes: looked up as nothing, audited as such
    referral = (
        Referral.objects.filter(reference=reference, self_referral=True)
        .select_related("person", "service__organisation")
        .first()
        if reference
        else None
    )
    if referral is None or date_of_birth is None or referral.person.date_of_birth != date_of_birth:
        audit_record(
            actor=None,
            action="self_referral_status_refused",
            obj=referral,
            person_public_id=referral.person.public_id if referral else None,
            basis="none",
            detail={"reference": reference or "not a reference"},
        )
        raise NotFound(SELF_REFERRAL_NOT_FOUND)
    onward = None
    if referral.status in {Status.REDIRECTED, Status.ALLOCATED}:
        onward = referral.children.select_related("service").order_by("created_at", "pk").first()
    audit_record(
        actor=None,
        action="self_referral_status",
        obj=referral,
        person_public_id=referral.person.public_id,
        basis="person_self",
    )
    service = referral.service
    return SelfReferralStatus(
        reference=referral.reference,
        status=referral.status,
        status_words=PUBLIC_STATUS.get(referral.status, Status(referral.status).label),
        next_step=_public_next_step(referral, onward),
        service_name=service.name,
        organisation_name=service.organisation.name,
        phone=service.phone,
        email=service.email,
        website=service.url,
    )


def table_counts() -> dict[str, int]:
    """How many referrals are held: a count, nothing of any referral (the demo's check
    that a database holds only demo data reads it)."""
    return {"referrals": Referral.objects.count()}


# --- For the joint referral meetings (issue 5) -----------------------------------------
#
# A meeting's agenda is built from its locality's queue, and the meeting shows each
# referral on it to the attendees the access policy lets see it: the meetings app asks
# `record.record_visibility` of its own agenda items (category referral, owned by the
# referral's owner) and only then reads the referrals it may show through
# `meeting_referrals`. These two reads are system-level for that reason: they show
# nobody anything themselves, and the meetings app audits what it shows.


def meeting_queue(*, locality_id: int) -> list[MeetingQueueItem]:
    """The locality's referrals waiting for its joint referral meeting (unresolved queue
    items, oldest first), each with its referral and person: the agenda builder's input."""
    return list(
        MeetingQueueItem.objects.filter(locality_id=locality_id, resolved_at__isnull=True)
        .select_related("referral__person")
        .order_by("created_at", "pk")
    )


def meeting_referrals(*, referral_ids) -> dict[int, Referral]:
    """The referrals of a meeting's agenda items that the viewer may see (the caller has
    asked the policy which), by id, with what the agenda shows of them."""
    return (
        Referral.objects.filter(pk__in=list(referral_ids))
        .select_related("service__organisation", "owner_organisation", "referring_organisation")
        .prefetch_related("needs")
        .in_bulk()
    )


def referral_ids_visible(*, user, referral_ids) -> set[int]:
    """Which of these referrals `user` may open on the referral's own page."""
    ids = list(referral_ids)
    if not ids:
        return set()
    return set(visible(user).filter(pk__in=ids).values_list("pk", flat=True))
