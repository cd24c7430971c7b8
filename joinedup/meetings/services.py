"""Every write of the joint referral meetings: the schedule, the agenda, attendance,
decisions and actions (docs/meetings.md).

Each service runs in one transaction and writes its audit event last. The meeting
creates the care relationships that access follows: while a meeting is open, each
attending organisation has one (kind `joint_meeting`, source `meeting:<id>`) with each
person on its agenda; closing the meeting ends them. Decisions are carried out on the
referrals by `referrals.services` (the state machine), never by writing referrals here.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.meetings.models import (
    REASON_ORDER,
    AgendaItem,
    Attendee,
    DecisionKind,
    ItemKind,
    ItemReason,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingSeries,
    MeetingStatus,
)
from joinedup.people import services as people_services
from joinedup.people.models import RelationshipKind
from joinedup.referrals import selectors as referral_selectors
from joinedup.referrals import services as referral_services
from joinedup.referrals.models import Status as ReferralStatus

MAX_TEXT = 10_000
MAX_ACTION = 2_000
ITEM_NOT_FOUND = "There is no such item on this meeting's agenda, or you may not see it"
ACTION_NOT_FOUND = "There is no such action of this meeting, or you may not see it"
# Who may arrange a locality's meetings (a series, the next meeting now).
ARRANGERS = frozenset({Role.REFERRAL_COORDINATOR, Role.PARTNERSHIP_LEAD})


def meeting_source(meeting: Meeting) -> str:
    """What the meeting's care relationships are started with, and ended by."""
    return f"meeting:{meeting.public_id}"


def action_source(action: MeetingAction) -> str:
    """The care relationship an action on an item gives its owner, until it is done."""
    return f"meeting-action:{action.public_id}"


def _membership(actor):
    membership = getattr(actor, "acting_membership", None)
    if membership is None:
        raise PermissionDenied("Log in as a member of staff of a partner organisation")
    return membership


def _day(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


# --- The schedule ----------------------------------------------------------------------


def next_slot(series: MeetingSeries, *, after: dt.datetime) -> dt.datetime:
    """The series' first meeting time later than `after`: the chosen weekday on or after
    `starts_on`, then every `every_weeks` weeks, at `time` in Europe/London (so 10:00
    stays 10:00 across the clock change)."""
    first = series.starts_on + dt.timedelta(days=(series.weekday - series.starts_on.weekday()) % 7)
    step = 7 * max(series.every_weeks, 1)
    local_after = timezone.localtime(after)
    skipped = max((local_after.date() - first).days // step, 0)
    day = first + dt.timedelta(days=skipped * step)
    tz = timezone.get_current_timezone()
    while True:
        slot = dt.datetime.combine(day, series.time, tzinfo=tz)
        if slot > local_after:
            return slot
        day += dt.timedelta(days=step)


def _arranger_check(actor, series: MeetingSeries | None = None) -> None:
    membership = _membership(actor)
    if membership.role not in ARRANGERS:
        raise PermissionDenied(
            "Only a referral coordinator or a partnership lead arranges joint referral meetings"
        )
    if (
        series is not None
        and membership.role == Role.REFERRAL_COORDINATOR
        and not series.organisations.filter(pk=membership.organisation_id).exists()
    ):
        raise PermissionDenied("Your organisation does not take part in these meetings")


@dataclass
class SeriesData:
    locality: object
    name: str
    weekday: int
    time: dt.time
    starts_on: dt.date
    organisations: list
    every_weeks: int = 1
    duration_minutes: int = 90
    place: str = ""
    chair: object = None


def series_create(*, actor, data: SeriesData) -> MeetingSeries:
    """A locality's recurring joint referral meeting, arranged by a referral coordinator
    or a partnership lead; the organisations that usually come (at least two: it is a
    joint meeting) and, if given, the chair, who must work for one of them."""
    _arranger_check(actor)
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "Give the meeting a name"
    elif len(name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if data.weekday not in range(7):
        errors["weekday"] = "Choose a day of the week"
    if not 1 <= data.every_weeks <= 8:
        errors["every_weeks"] = "Meet every 1 to 8 weeks"
    organisations = list(dict.fromkeys(data.organisations))
    if len(organisations) < 2:
        errors["organisations"] = "Choose at least two organisations: it is a joint meeting"
    if data.chair is not None and not _member_of_any(data.chair, organisations):
        errors["chair"] = "The chair must work for one of the organisations"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            locality=data.locality,
            name=name,
            weekday=data.weekday,
            time=data.time,
            every_weeks=data.every_weeks,
            starts_on=data.starts_on,
            duration_minutes=data.duration_minutes,
            place=(data.place or "").strip()[:250],
            chair=data.chair,
        )
        series.organisations.set(organisations)
        audit_record(
            actor=actor,
            action="meeting_series_create",
            obj=series,
            basis="partnership_role",
            detail={"locality": data.locality.slug},
        )
    return series


def _member_of_any(user, organisations) -> bool:
    from joinedup.accounts.models import Membership

    return (
        Membership.objects.active()
        .filter(user=user, organisation__in=[o.pk for o in organisations])
        .exists()
    )


def meeting_schedule_next(
    *, series: MeetingSeries, actor=None, now: dt.datetime | None = None
) -> tuple[Meeting, bool]:
    """The series' next meeting, made if it is not there yet (so running this twice, or
    from two workers at once, makes one), with its agenda built; an open one already
    there has its agenda brought up to date. (meeting, made now)."""
    if actor is not None:
        _arranger_check(actor, series)
    slot = next_slot(series, after=now or timezone.now())
    try:
        with transaction.atomic():
            meeting, created = Meeting.objects.get_or_create(
                series=series,
                starts_at=slot,
                defaults={
                    "locality_id": series.locality_id,
                    "place": series.place,
                    "chair_id": series.chair_id,
                },
            )
            if created:
                meeting.organisations.set(series.organisations.all())
            if meeting.is_open:
                meeting = _locked_open(meeting)
                _audit_agenda(actor, meeting, _agenda_build(meeting))
            if created:
                audit_record(
                    actor=actor,
                    action="meeting_schedule",
                    obj=meeting,
                    basis="partnership_role",
                    detail={"series": str(series.public_id), "starts_at": slot.isoformat()},
                )
    except IntegrityError:
        # Another worker made it a moment ago: it is the one.
        return Meeting.objects.get(series=series, starts_at=slot), False
    return meeting, created


# A meeting nobody started this long after its time was not held: it is closed, so its
# agenda is free for the next one rather than held on it for ever.
NOT_HELD_AFTER = dt.timedelta(days=1)


def _not_held_close(series: MeetingSeries, now: dt.datetime) -> int:
    """Close the series' meetings that were never started, a day after their time."""
    closed = 0
    lapsed = Meeting.objects.filter(
        series=series, status=MeetingStatus.SCHEDULED, starts_at__lt=now - NOT_HELD_AFTER
    )
    for meeting in lapsed.select_related("locality").order_by("starts_at", "pk"):
        with transaction.atomic():
            meeting = _locked_open(meeting)
            _close(meeting, actor=None, notes="Not held: what was on its agenda goes on the next")
            audit_record(
                actor=None, action="meeting_not_held", obj=meeting, basis="partnership_role"
            )
        closed += 1
    return closed


def meetings_schedule(*, now: dt.datetime | None = None) -> int:
    """The periodic task (`meetings.tasks.meetings_schedule`): a meeting never started a
    day after its time is closed as not held, and every active series has its next
    meeting, with an agenda up to date; how many meetings were made."""
    now = now or timezone.now()
    made = 0
    for series in MeetingSeries.objects.filter(active=True).order_by("pk"):
        _not_held_close(series, now)
        _, created = meeting_schedule_next(series=series, now=now)
        made += created
    return made


# --- The agenda ------------------------------------------------------------------------


def _reviews_due(locality_id: int, by: dt.date) -> list:
    """Care plans of the locality whose review is due by `by`, from the care plans app
    (`careplans.selectors.reviews_due`) once it is installed; none before."""
    if not apps.is_installed("joinedup.careplans"):
        return []
    from joinedup.careplans import selectors as careplan_selectors

    reviews_due = getattr(careplan_selectors, "reviews_due", None)
    return list(reviews_due(locality_id=locality_id, by=by)) if reviews_due else []


def _review_date(plan) -> dt.date | None:
    for name in ("review_date", "review_due", "review_on", "review_by"):
        value = getattr(plan, name, None)
        if isinstance(value, dt.date):
            return value
    return None


@dataclass
class _NewItem:
    kind: str
    reasons: list[str]
    person: object
    owning_organisation_id: int
    urgency_priority: int
    since: dt.datetime
    referral: object = None
    care_plan_id: object = None
    review_due: dt.date | None = None

    def order(self) -> tuple:
        return (REASON_ORDER[self.reasons[0]], self.urgency_priority, self.since)


def _reasons(queue_items) -> list[str]:
    reasons = {q.reason for q in queue_items}
    return sorted(reasons, key=lambda r: REASON_ORDER[r])


def _journeys(locality_id: int) -> dict:
    """The locality's queue, one entry per referral journey: [queue items], oldest first."""
    journeys: dict = {}
    for queued in referral_selectors.meeting_queue(locality_id=locality_id):
        journeys.setdefault(queued.referral.journey_id, []).append(queued)
    return journeys


def _representative(queued: list):
    """The referral of a journey the meeting decides on: one taken to the meeting if
    there is one (it must be allocated through the state machine), else the latest."""
    taken = [q.referral for q in queued if q.referral.status == ReferralStatus.FOR_JOINT_MEETING]
    return (taken or [q.referral for q in queued])[-1]


def _agenda_build(meeting: Meeting) -> list[AgendaItem]:
    """Add to an open meeting's agenda what has come up since: the locality's queue
    (referral journeys routed to the meeting, declined to it, in limbo or bouncing) and
    the care plans due for review by the meeting's day — each unless it is on an open
    meeting's agenda already. Items already there stay, decided or not; an undecided
    one has its reasons brought up to date. Starts the care relationships. In the
    caller's transaction; the caller audits."""
    journeys = _journeys(meeting.locality_id)
    live_journeys = set(
        AgendaItem.objects.filter(live=True, journey_id__in=list(journeys)).values_list(
            "journey_id", flat=True
        )
    )
    for item in AgendaItem.objects.filter(
        meeting=meeting, journey_id__in=list(journeys), decision__isnull=True
    ):
        reasons = _reasons(journeys[item.journey_id])
        if reasons != item.reasons:
            AgendaItem.objects.filter(pk=item.pk).update(reasons=reasons, updated_at=timezone.now())
    new: list[_NewItem] = []
    for journey_id, queued in journeys.items():
        if journey_id in live_journeys:
            continue
        referral = _representative(queued)
        new.append(
            _NewItem(
                kind=ItemKind.REFERRAL,
                reasons=_reasons(queued),
                person=referral.person,
                owning_organisation_id=referral.owner_organisation_id,
                urgency_priority=referral.priority,
                since=queued[0].created_at,
                referral=referral,
            )
        )
    plans = _reviews_due(meeting.locality_id, timezone.localdate(meeting.starts_at))
    live_plans = set(
        AgendaItem.objects.filter(
            live=True, care_plan_id__in=[p.public_id for p in plans]
        ).values_list("care_plan_id", flat=True)
    )
    for plan in plans:
        if plan.public_id in live_plans:
            continue
        new.append(
            _NewItem(
                kind=ItemKind.CARE_PLAN_REVIEW,
                reasons=[ItemReason.REVIEW],
                person=plan.person,
                owning_organisation_id=plan.owning_organisation_id,
                urgency_priority=9,
                since=plan.created_at,
                care_plan_id=plan.public_id,
                review_due=_review_date(plan),
            )
        )
    if not new:
        return []
    start = (AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]) or 0
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=start + number,
            kind=n.kind,
            reasons=n.reasons,
            person=n.person,
            owning_organisation_id=n.owning_organisation_id,
            referral=n.referral,
            journey_id=n.referral.journey_id if n.referral is not None else None,
            care_plan_id=n.care_plan_id,
            review_due=n.review_due,
        )
        for number, n in enumerate(sorted(new, key=_NewItem.order), start=1)
    )
    _relationships_start(meeting, [n.person for n in new], meeting.organisations.all())
    return items


def _relationships_start(meeting: Meeting, people, organisations) -> None:
    """Each organisation at the meeting may see each person on its agenda while it is
    open (DESIGN §5 rule 5), as far as the rest of the policy allows."""
    reason = f"On the agenda of the {meeting.locality.name} joint referral meeting, " + _day(
        meeting.starts_at
    )
    seen = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        for organisation in organisations:
            people_services.relationship_start(
                actor=None,
                person=person,
                organisation=organisation,
                kind=RelationshipKind.JOINT_MEETING,
                reason=reason[:250],
                source=meeting_source(meeting),
            )


def _locked_open(meeting: Meeting) -> Meeting:
    """The meeting's row, locked until the transaction ends, if it is still open."""
    locked = Meeting.objects.select_for_update().select_related("locality").get(pk=meeting.pk)
    if not locked.is_open:
        raise Conflict("This meeting is closed: its agenda and decisions are its minutes now")
    return locked


def agenda_build(*, meeting: Meeting, actor=None) -> list[AgendaItem]:
    """Bring an open meeting's agenda up to date (on demand, and whenever the schedule
    runs); the items added. Anyone at the meeting may ask; the worker does, hourly."""
    if actor is not None:
        _attendee_check(actor, meeting)
    with transaction.atomic():
        meeting = _locked_open(meeting)
        items = _agenda_build(meeting)
        _audit_agenda(actor, meeting, items)
    return items


def _audit_agenda(actor, meeting: Meeting, items: list[AgendaItem]) -> None:
    audit_record_many(
        actor=actor,
        person_public_ids=[item.person.public_id for item in items],
        action="meeting_agenda_add",
        object_type="meetings.meeting",
        basis="partnership_role",
        detail={"meeting": str(meeting.public_id)},
    )


# --- Who is there, and who decides ------------------------------------------------------


def _attending_organisation(actor, meeting: Meeting) -> int:
    membership = _membership(actor)
    if not meeting.organisations.filter(pk=membership.organisation_id).exists():
        raise NotFound("There is no such meeting, or your organisation is not at it")
    return membership.organisation_id


def _attendee_check(actor, meeting: Meeting) -> None:
    _attending_organisation(actor, meeting)
    if not Attendee.objects.filter(meeting=meeting, user=actor).exists():
        raise PermissionDenied("Say you are attending the meeting first")


def decision_refusal(*, user, attendee_user_ids) -> str | None:
    """Why `user` may not decide at the meeting (None if they may): a referral
    coordinator attending it decides; the others attend and see."""
    membership = getattr(user, "acting_membership", None)
    if membership is None or membership.role != Role.REFERRAL_COORDINATOR:
        return "Only a referral coordinator attending the meeting decides; others attend and see"
    if user.pk not in attendee_user_ids:
        return "Say you are attending the meeting first: a referral coordinator there decides"
    return None


def _decider_check(actor, meeting: Meeting) -> None:
    _attending_organisation(actor, meeting)
    attending = set(meeting.attendees.values_list("user_id", flat=True))
    refusal = decision_refusal(user=actor, attendee_user_ids=attending)
    if refusal:
        raise PermissionDenied(refusal)


def attendee_join(*, actor, meeting: Meeting) -> Attendee:
    """The actor is at the meeting, for the organisation and in the role they act as
    (their organisation must be one of the meeting's)."""
    organisation_id = _attending_organisation(actor, meeting)
    with transaction.atomic():
        _locked_open(meeting)
        attendee, created = Attendee.objects.get_or_create(
            meeting=meeting,
            user=actor,
            defaults={
                "organisation_id": organisation_id,
                "role": actor.acting_membership.role,
            },
        )
        if created:
            audit_record(
                actor=actor, action="meeting_attend", obj=meeting, basis="own_organisation"
            )
    return attendee


def meeting_organisation_add(*, actor, meeting: Meeting, organisation) -> Meeting:
    """Invite another organisation to an open meeting: from now its staff may attend,
    and it has a care relationship with each person on the agenda until the meeting
    closes."""
    _decider_check(actor, meeting)
    with transaction.atomic():
        meeting = _locked_open(meeting)
        if meeting.organisations.filter(pk=organisation.pk).exists():
            raise Conflict(f"{organisation.name} is at this meeting already")
        meeting.organisations.add(organisation)
        people = [i.person for i in meeting.items.filter(live=True).select_related("person")]
        _relationships_start(meeting, people, [organisation])
        audit_record(
            actor=actor,
            action="meeting_organisation_add",
            obj=meeting,
            basis="own_organisation",
            detail={"organisation": organisation.slug, "people": len({p.pk for p in people})},
        )
    return meeting


def meeting_start(*, actor, meeting: Meeting) -> Meeting:
    """A referral coordinator there starts the meeting; its agenda is brought up to date."""
    _decider_check(actor, meeting)
    with transaction.atomic():
        meeting = _locked_open(meeting)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise Conflict("This meeting has started already")
        now = timezone.now()
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.IN_PROGRESS, started_at=now, updated_at=now
        )
        items = _agenda_build(meeting)
        _audit_agenda(actor, meeting, items)
        audit_record(actor=actor, action="meeting_start", obj=meeting, basis="own_organisation")
    meeting.refresh_from_db()
    return meeting


def meeting_close(*, actor, meeting: Meeting, notes: str = "") -> Meeting:
    """A referral coordinator there closes the meeting: its agenda and decisions become
    its minutes, its items leave the open agendas (what was not decided goes on the
    locality's next meeting), and the care relationships it started end."""
    _decider_check(actor, meeting)
    notes = (notes or "").strip()
    if len(notes) > MAX_TEXT:
        raise ValidationError({"notes": f"The notes must be {MAX_TEXT:,} characters or fewer"})
    with transaction.atomic():
        meeting = _locked_open(meeting)
        detail = _close(meeting, actor=actor, notes=notes)
        audit_record(
            actor=actor,
            action="meeting_close",
            obj=meeting,
            basis="own_organisation",
            detail=detail,
        )
    meeting.refresh_from_db()
    return meeting


def _close(meeting: Meeting, *, actor, notes: str) -> dict:
    """Close a meeting (locked by the caller): its items leave the open agendas, the
    care relationships it started end, and the locality's next scheduled meeting takes in
    what it did not decide. In the caller's transaction; the caller audits."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CLOSED,
        closed_at=now,
        closed_by=actor,
        notes=notes or meeting.notes,
        updated_at=now,
    )
    AgendaItem.objects.filter(meeting=meeting).update(live=False, updated_at=now)
    ended = people_services.relationship_end_by_source(
        source=meeting_source(meeting), reason="The joint referral meeting closed"
    )
    undecided = meeting.items.filter(decision__isnull=True).count()
    following = (
        Meeting.objects.filter(
            locality_id=meeting.locality_id,
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=meeting.starts_at,
        )
        .select_related("locality")
        .order_by("starts_at", "pk")
        .first()
    )
    if following is not None:
        _audit_agenda(actor, following, _agenda_build(following))
    return {"relationships_ended": ended, "undecided": undecided}


# --- Decisions -------------------------------------------------------------------------


def _visible_item(actor, meeting: Meeting, item_public_id) -> AgendaItem:
    """An item of this meeting that the actor may see under the policy; NotFound for an
    item of another meeting, one that does not exist, and one out of the actor's sight."""
    from uuid import UUID

    try:
        uid = item_public_id if isinstance(item_public_id, UUID) else UUID(str(item_public_id))
    except (TypeError, ValueError) as exc:
        raise NotFound(ITEM_NOT_FOUND) from exc
    item = (
        AgendaItem.objects.filter(meeting=meeting, public_id=uid).select_related("person").first()
    )
    if item is None:
        raise NotFound(ITEM_NOT_FOUND)
    category = Category.REFERRAL if item.kind == ItemKind.REFERRAL else Category.CARE_PLAN
    seen = record.record_visibility(actor, AgendaItem.objects.filter(pk=item.pk), category=category)
    if not seen.exists():
        raise NotFound(ITEM_NOT_FOUND)
    return item


@dataclass
class ActionData:
    description: str
    owner: object  # a user
    organisation: object
    due_on: dt.date | None


@dataclass
class DecisionData:
    kind: str
    services: list
    reason: str = ""
    signposting: str = ""
    action: ActionData | None = None


def _decision_errors(item: AgendaItem, data: DecisionData) -> dict[str, str]:
    errors: dict[str, str] = {}
    reason = (data.reason or "").strip()
    if data.kind not in DecisionKind.values:
        return {"kind": "Choose what the meeting decided"}
    if len(reason) > MAX_TEXT:
        errors["reason"] = f"The reasons must be {MAX_TEXT:,} characters or fewer"
    if len(data.signposting or "") > MAX_TEXT:
        errors["signposting"] = f"The signposting must be {MAX_TEXT:,} characters or fewer"
    if data.kind == DecisionKind.ALLOCATE:
        if item.kind != ItemKind.REFERRAL:
            errors["kind"] = (
                "A care plan review is not allocated: signpost, ask for more information, "
                "or record no further action (a new referral is made from the person's record)"
            )
        elif not data.services:
            errors["services"] = "Choose the service or services it goes to"
        for service in data.services:
            if not service.accepting_referrals or service.status != "active":
                errors["services"] = f"{service.name} is not taking referrals at the moment"
        if not reason:
            errors["reason"] = "Record why the meeting allocated it"
    if data.kind == DecisionKind.SIGNPOST and not (data.signposting or "").strip():
        errors["signposting"] = "Say where the person is signposted"
    if data.kind == DecisionKind.NO_FURTHER_ACTION and not reason:
        errors["reason"] = "Say why there is no further action"
    if data.kind == DecisionKind.MORE_INFORMATION:
        if not reason:
            errors["reason"] = "Say what information the meeting needs"
        if data.action is None:
            errors["action_description"] = "Say who will find it out, and by when"
    return errors


def item_decide(*, actor, meeting: Meeting, item_public_id, data: DecisionData) -> MeetingDecision:
    """Record what the meeting decided about an item, once, and carry it out: an
    allocation makes the referrals (through referrals.services: a joint offer when the
    services are two organisations'); signposting and no further action take the journey
    off the locality's queue; more information needed keeps it there for the next
    meeting, with an action to find it out.

    NotFound for an item not on this meeting or out of the actor's sight; PermissionDenied
    for anyone but a referral coordinator attending; Conflict for a closed meeting or an
    item already decided; ValidationError naming the field. Nothing is written unless all
    of it is."""
    _attending_organisation(actor, meeting)
    if not meeting.is_open:
        raise Conflict("This meeting is closed: its decisions are its minutes now")
    item = _visible_item(actor, meeting, item_public_id)
    _decider_check(actor, meeting)
    if MeetingDecision.objects.filter(item=item).exists():
        raise Conflict("The meeting has decided this item already")
    errors = _decision_errors(item, data)
    if data.action is not None:
        errors.update(_action_errors(meeting, data.action, prefix="action_"))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            meeting = _locked_open(meeting)
            decision = _decide(actor, meeting, item, data)
    except IntegrityError as exc:
        # Two coordinators at once: the first decision stands.
        raise Conflict("The meeting has decided this item already") from exc
    return decision


def _decide(actor, meeting: Meeting, item: AgendaItem, data: DecisionData) -> MeetingDecision:
    membership = actor.acting_membership
    services = list(dict.fromkeys(data.services)) if data.kind == DecisionKind.ALLOCATE else []
    decision = MeetingDecision.objects.create(
        item=item,
        kind=data.kind,
        joint_offer=len({s.organisation_id for s in services}) >= 2,
        reason=(data.reason or "").strip(),
        signposting=(data.signposting or "").strip() if data.kind == DecisionKind.SIGNPOST else "",
        decided_by=actor,
        decided_by_organisation_id=membership.organisation_id,
        decided_at=timezone.now(),
    )
    if services:
        decision.services.set(services)
    referral = None
    if item.kind == ItemKind.REFERRAL:
        referral = referral_selectors.meeting_referrals(referral_ids=[item.referral_id])[
            item.referral_id
        ]
    if data.kind == DecisionKind.ALLOCATE:
        children = referral_services.meeting_allocate(
            actor=actor, referral=referral, services=services, reason=decision.reason
        )
        decision.new_referrals = [
            {
                "id": str(child.public_id),
                "reference": child.reference,
                "service": child.service.name,
                "organisation": child.service.organisation.name,
            }
            for child in children
        ]
        decision.save(update_fields=["new_referrals", "updated_at"])
    elif data.kind in {DecisionKind.SIGNPOST, DecisionKind.NO_FURTHER_ACTION} and referral:
        referral_services.meeting_resolve(actor=actor, referral=referral, decision=data.kind)
    action = None
    if data.action is not None:
        action = _action_create(actor, meeting, item, data.action)
    audit_record(
        actor=actor,
        action="meeting_decision",
        obj=decision,
        person_public_id=item.person.public_id,
        basis=record.person_basis(actor, item.person),
        detail={
            "meeting": str(meeting.public_id),
            "item": str(item.public_id),
            "kind": data.kind,
            "joint_offer": decision.joint_offer,
            "referrals": [r["id"] for r in decision.new_referrals],
            "action": str(action.public_id) if action else None,
        },
    )
    return decision


# --- Actions ---------------------------------------------------------------------------


def _action_errors(meeting: Meeting, data: ActionData, *, prefix: str = "") -> dict[str, str]:
    from joinedup.accounts.models import Membership

    errors: dict[str, str] = {}
    description = (data.description or "").strip()
    if not description:
        errors[f"{prefix}description"] = "Say what is to be done"
    elif len(description) > MAX_ACTION:
        errors[f"{prefix}description"] = f"The action must be {MAX_ACTION:,} characters or fewer"
    if data.due_on is None:
        errors[f"{prefix}due_on"] = "Give the date it is due"
    elif data.due_on < timezone.localdate(meeting.starts_at):
        errors[f"{prefix}due_on"] = "The due date must be on or after the meeting's day"
    if data.owner is None or data.organisation is None:
        errors[f"{prefix}owner"] = "Choose who will do it"
        return errors
    if not meeting.organisations.filter(pk=data.organisation.pk).exists():
        errors[f"{prefix}organisation"] = f"{data.organisation.name} is not at this meeting"
    elif (
        not Membership.objects.active()
        .filter(user=data.owner, organisation=data.organisation)
        .exists()
    ):
        errors[f"{prefix}owner"] = f"They do not work for {data.organisation.name}"
    return errors


def _action_create(actor, meeting: Meeting, item: AgendaItem | None, data: ActionData):
    action = MeetingAction.objects.create(
        meeting=meeting,
        item=item,
        description=data.description.strip(),
        owner=data.owner,
        organisation=data.organisation,
        due_on=data.due_on,
        created_by=actor,
    )
    if item is not None:
        # The owner needs to see the person to do it, until it is done, whether or not
        # the meeting is still open.
        people_services.relationship_start(
            actor=actor,
            person=item.person,
            organisation=data.organisation,
            user=data.owner,
            kind=RelationshipKind.JOINT_MEETING,
            reason=f"An action from the {meeting.locality.name} joint referral meeting"[:250],
            source=action_source(action),
        )
    return action


def action_add(*, actor, meeting: Meeting, data: ActionData, item_public_id=None) -> MeetingAction:
    """An action agreed at an open meeting, about one item or the meeting as a whole,
    recorded by a referral coordinator there. Its owner works for one of the meeting's
    organisations."""
    _attending_organisation(actor, meeting)
    if not meeting.is_open:
        raise Conflict("This meeting is closed: agree new actions at the next one")
    item = _visible_item(actor, meeting, item_public_id) if item_public_id else None
    _decider_check(actor, meeting)
    errors = _action_errors(meeting, data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = _locked_open(meeting)
        action = _action_create(actor, meeting, item, data)
        audit_record(
            actor=actor,
            action="meeting_action_add",
            obj=action,
            person_public_id=item.person.public_id if item else None,
            basis=record.person_basis(actor, item.person) if item else "own_organisation",
            detail={"meeting": str(meeting.public_id), "due_on": data.due_on.isoformat()},
        )
    return action


def action_done_refusal(*, user, action: MeetingAction) -> str | None:
    """Why `user` may not mark the action done (None if they may): its owner, or a
    referral coordinator of its organisation, does."""
    membership = getattr(user, "acting_membership", None)
    if action.is_done:
        return "This action is marked done already"
    if action.owner_id == user.pk:
        return None
    if (
        membership is not None
        and membership.role == Role.REFERRAL_COORDINATOR
        and membership.organisation_id == action.organisation_id
    ):
        return None
    return "Only the action's owner, or a referral coordinator of their organisation, marks it done"


def action_done(*, actor, meeting: Meeting, action_public_id) -> MeetingAction:
    """Its owner, or a referral coordinator of its organisation, marks an action done
    (after the meeting too); the owner's care relationship from it ends."""
    from uuid import UUID

    _membership(actor)
    try:
        uid = UUID(str(action_public_id))
    except (TypeError, ValueError) as exc:
        raise NotFound(ACTION_NOT_FOUND) from exc
    action = (
        MeetingAction.objects.filter(meeting=meeting, public_id=uid)
        .select_related("item__person")
        .first()
    )
    if action is None:
        raise NotFound(ACTION_NOT_FOUND)
    if action.item is not None:
        _visible_item(actor, meeting, action.item.public_id)
    refusal = action_done_refusal(user=actor, action=action)
    if action.is_done:
        raise Conflict(refusal)
    if refusal:
        raise PermissionDenied(refusal)
    person = action.item.person if action.item else None
    basis = record.person_basis(actor, person) if person else "own_organisation"
    with transaction.atomic():
        now = timezone.now()
        if not MeetingAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor, updated_at=now
        ):
            raise Conflict("This action is marked done already")
        people_services.relationship_end_by_source(
            source=action_source(action), reason="The action is done"
        )
        audit_record(
            actor=actor,
            action="meeting_action_done",
            obj=action,
            person_public_id=person.public_id if person else None,
            basis=basis,
            detail={"meeting": str(meeting.public_id)},
        )
    action.refresh_from_db()
    return action
