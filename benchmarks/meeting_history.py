"""Joint referral meetings in bulk: every locality's weekly meeting since the partnership
began (`people.FOUNDED`), so that `joinedup bench joint` measures the agenda page over the
meetings, items, decisions and actions an ICS would hold (DESIGN.md §9).

`benchmarks/meetings.py` writes the demo's North meetings through `meetings.services`;
this stage writes the generated sizes' history with bulk inserts instead, each meeting one
the services could have left:

- a series per locality: weekly, on a weekday and at a time of its own, attended by the
  locality's trust, its council and one or two voluntary organisations (the demo's own —
  the trust, the city council and Riverside Mind — where they serve it), chaired by the
  trust's member of staff;
- every slot from the first after `FOUNDED` up to `people.ANCHOR`: a closed meeting with
  an attendee for each organisation, whose agenda holds what came up in the week before
  it: the locality's queue (the referrals in limbo that `benchmarks.referral_history`
  queued, each on the first meeting after it joined the queue) and the care plans whose
  next version followed a review (`benchmarks.careplan_history`); each item decided —
  a referral allocated (to one service, or to two organisations' as a joint offer: the
  linked referrals written as the referral history writes referrals, on the same
  journey, and a referral still open at its first service closed as allocated, as
  `referrals.services.MEETING_ALLOCATE` closes it), signposted or closed with no
  further action, its queue places resolved; a
  review noted — and an action for some of them, most done; the care relationships the
  meeting gave its organisations, from its agenda to its close;
- the first slot after `ANCHOR`: the next meeting, scheduled, whose agenda
  `meetings.services.agenda_build` builds — the product's own code — from what the
  history left on the queue and the care plans due for review by then.

Written where the size holds years of referral history (`Size.referrals`: the
generated sizes, or a size given referrals), deterministically from the seed (the agenda of the
next meeting follows from what was written before it). No audit events for the history;
the next meeting's agenda is audited, as the worker's would be.
"""

import datetime as dt
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from benchmarks import catalogue as cat
from benchmarks import referral_history
from benchmarks.careplan_history import Directory
from benchmarks.generator import Loaded, Partnership, new_uuid, stream
from benchmarks.people import ANCHOR, FOUNDED, _keeping_created_at
from joinedup.access.roles import Role
from joinedup.careplans.models import CarePlanVersion
from joinedup.directory.models import OrganisationKind
from joinedup.meetings import services
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
from joinedup.people.models import CareRelationship, RelationshipKind
from joinedup.referrals.models import OPEN_STATUSES, MeetingQueueItem, Referral, Status, Transition

K = OrganisationKind
DEMO_ORGANISATIONS = (cat.TRUST_SLUG, "city-council", "riverside-mind")
TIMES = (dt.time(10, 0), dt.time(13, 30), dt.time(9, 30))
PLACES = ("The community hub, first floor", "On Teams (the link is in the invitation)")
# What a meeting decides about a referral; allocations are joint offers this often.
REFERRAL_DECISIONS = (
    (DecisionKind.ALLOCATE, 0.55),
    (DecisionKind.SIGNPOST, 0.25),
    (DecisionKind.NO_FURTHER_ACTION, 0.20),
)
JOINT_OFFER_SHARE = 0.35
ACTION_SHARE = 0.3
ACTION_DONE_SHARE = 0.85
SIGNPOSTS = (
    "The Lighthouse crisis café, open till late",
    "Citizens Advice for the debt; the GP for a medication review",
    "The carers' centre's drop-in on Wednesdays",
)
ACTIONS = (
    "Ring the person to tell them what the meeting offered",
    "Send the GP a copy of the decision",
    "Ask the person's consent to share with the day centre",
    "Book a joint first visit",
)


class _Locality:
    """One locality's series, the organisations that attend it and who acts for each."""

    def __init__(self, rng, locality_id: int, d: Directory):
        self.id = locality_id
        self.slug, self.name = d.localities[locality_id]
        nearby = d.in_locality[locality_id]
        by_slug = {d.orgs[o][0]: o for kind in nearby.values() for o in kind}
        demo = [by_slug[slug] for slug in DEMO_ORGANISATIONS if slug in by_slug]
        chosen = list(demo)
        for kind, count in ((K.NHS_TRUST, 1), (K.LOCAL_AUTHORITY, 1), (K.VCSE, 2)):
            have = [o for o in chosen if d.orgs[o][1] == kind]
            options = [o for o in nearby.get(kind, []) if o not in chosen]
            while len(have) < count and options:
                pick = options.pop(rng.randrange(len(options)))
                chosen.append(pick)
                have.append(pick)
        self.organisations = chosen
        roles = (Role.REFERRAL_COORDINATOR, Role.CARE_COORDINATOR)
        self.staff = {o: d.staff(o, roles[0], locality_id, *roles[1:]) for o in self.organisations}
        statutory = [o for o in self.organisations if d.orgs[o][1] == K.NHS_TRUST]
        self.chair_org = (statutory or self.organisations or [None])[0]
        self.chair = self.staff.get(self.chair_org)
        self.services = {o: d.services.get((o, locality_id), []) for o in self.organisations}
        self.series = MeetingSeries(
            public_id=new_uuid(rng),
            locality_id=locality_id,
            name=f"{self.name} joint referral meeting",
            weekday=rng.randrange(5),
            time=TIMES[rng.randrange(len(TIMES))],
            every_weeks=1,
            starts_on=FOUNDED,
            place=PLACES[rng.randrange(len(PLACES))],
            chair_id=self.chair,
        )

    def slots(self) -> tuple[list[dt.datetime], dt.datetime]:
        """The meetings held before ANCHOR, and the next one."""
        held, after = [], dt.datetime.combine(FOUNDED, dt.time(0), tzinfo=dt.UTC)
        while (slot := services.next_slot(self.series, after=after)) <= ANCHOR:
            held.append(slot)
            after = slot
        return held, slot


class _Written:
    """What one locality's history adds, written with one insert per table."""

    def __init__(self):
        self.meetings: list[Meeting] = []
        self.organisations: list[tuple[Meeting, int]] = []
        self.attendees: list[Attendee] = []
        self.items: list[AgendaItem] = []
        self.decisions: list[tuple[AgendaItem, MeetingDecision, list[int]]] = []
        self.actions: list[tuple[Meeting, AgendaItem, MeetingAction]] = []
        self.relationships: list[CareRelationship] = []
        self.children: list[dict] = []
        self.resolved: dict[dt.datetime, list[int]] = defaultdict(list)
        # Referrals still open at their first service that the meeting allocated
        # elsewhere: closed as allocated, as `referrals.services.MEETING_ALLOCATE` does.
        self.allocated: list[dict] = []


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if not partnership.size.referrals:
        return
    d = Directory(loaded)
    rng = stream(partnership.seed, "meeting-history")
    # A locality with a series already (the demo's North, made through the services at
    # the small size) keeps its own.
    kept = set(MeetingSeries.objects.values_list("locality_id", flat=True))
    localities = [
        _Locality(rng, pk, d) for pk in d.localities if d.in_locality.get(pk) and pk not in kept
    ]
    localities = [place for place in localities if place.chair is not None]
    MeetingSeries.objects.bulk_create([place.series for place in localities])
    MeetingSeries.organisations.through.objects.bulk_create(
        MeetingSeries.organisations.through(meetingseries_id=place.series.pk, organisation_id=o)
        for place in localities
        for o in place.organisations
    )
    queue, reviews = _queue(), _reviews()
    counter = [partnership.size.referrals]
    if progress:
        from tqdm import tqdm

        localities = tqdm(localities, unit="locality")
    for place in localities:
        held, upcoming = place.slots()
        written = _Written()
        agenda = (queue.get(place.id, []), reviews.get(place.id, []))
        _history(rng, place, d, held, agenda, written, counter)
        _write(written, loaded)
        _next_meeting(rng, place, upcoming, loaded)
    loaded.counts["meeting_series"] = len(localities)


def _queue() -> dict[int, list[dict]]:
    """The unresolved queue, by locality, oldest first, with what an item needs."""
    fields = (
        "pk", "locality_id", "reason", "created_at", "referral_id", "referral__person_id",
        "referral__owner_organisation_id", "referral__journey_id", "referral__priority",
        "referral__urgency", "referral__referrer_id", "referral__referring_organisation_id",
        "referral__self_referral", "referral__service_id", "referral__public_id",
        "referral__status", "referral__version",
    )  # fmt: skip
    by_locality: dict[int, list[dict]] = defaultdict(list)
    rows = MeetingQueueItem.objects.filter(resolved_at__isnull=True).order_by("created_at", "pk")
    for row in rows.values(*fields):
        by_locality[row["locality_id"]].append(row)
    return by_locality


def _reviews() -> dict[int, list[dict]]:
    """The plans' versions made after a review (all but the first), by locality."""
    fields = (
        "created_at", "number", "plan__public_id", "plan__person_id",
        "plan__owning_organisation_id", "plan__locality_id",
    )  # fmt: skip
    by_locality: dict[int, list[dict]] = defaultdict(list)
    rows = CarePlanVersion.objects.filter(number__gt=1, plan__locality__isnull=False)
    for row in rows.order_by("created_at", "pk").values(*fields):
        by_locality[row["plan__locality_id"]].append(row)
    return by_locality


def _history(rng, place, d, held, agenda, written: _Written, counter) -> None:
    queue, reviews = agenda
    if not held:
        return
    agendas: dict[dt.datetime, list] = defaultdict(list)
    slot_index = 0
    for queued in queue:  # oldest first: the first meeting after it joined the queue
        while slot_index < len(held) and held[slot_index] <= queued["created_at"]:
            slot_index += 1
        if slot_index == len(held):
            break  # the next meeting's, built by the product
        agendas[held[slot_index]].append(("referral", queued))
    slot_index = 0
    for version in reviews:  # reviewed at the last meeting before the new version
        while slot_index + 1 < len(held) and held[slot_index + 1] <= version["created_at"]:
            slot_index += 1
        if held[slot_index] <= version["created_at"]:
            agendas[held[slot_index]].append(("review", version))
    for slot in held:
        meeting = _closed_meeting(rng, place, slot, written)
        entries = sorted(agendas.get(slot, []), key=_order)
        for position, (kind, row) in enumerate(entries, start=1):
            item = _item(meeting, position, kind, row)
            written.items.append(item)
            _decide(rng, place, d, meeting, item, kind, row, written, counter)
            for organisation_id in place.organisations:
                written.relationships.append(
                    CareRelationship(
                        person_id=item.person_id,
                        organisation_id=organisation_id,
                        kind=RelationshipKind.JOINT_MEETING,
                        since=meeting.created_at,
                        until=meeting.closed_at,
                        reason=f"On the agenda of the {place.name} joint referral meeting",
                        source=services.meeting_source(meeting),
                        created_at=meeting.created_at,
                    )
                )


def _order(entry) -> tuple:
    kind, row = entry
    if kind == "referral":
        return (REASON_ORDER[row["reason"]], row["referral__priority"], row["created_at"])
    return (REASON_ORDER[ItemReason.REVIEW], 9, row["created_at"])


def _closed_meeting(rng, place, slot: dt.datetime, written: _Written) -> Meeting:
    meeting = Meeting(
        public_id=new_uuid(rng),
        series=place.series,
        locality_id=place.id,
        starts_at=slot,
        status=MeetingStatus.CLOSED,
        place=place.series.place,
        chair_id=place.chair,
        started_at=slot,
        closed_at=slot + timedelta(minutes=place.series.duration_minutes),
        closed_by_id=place.chair,
        created_at=slot - timedelta(days=6),
        updated_at=slot + timedelta(minutes=place.series.duration_minutes),
    )
    written.meetings.append(meeting)
    for organisation_id in place.organisations:
        written.organisations.append((meeting, organisation_id))
        if place.staff.get(organisation_id):
            written.attendees.append(
                Attendee(
                    meeting=meeting,
                    user_id=place.staff[organisation_id],
                    organisation_id=organisation_id,
                    role="chair" if organisation_id == place.chair_org else "attendee",
                    created_at=slot,
                )
            )
    return meeting


def _item(meeting: Meeting, position: int, kind: str, row: dict) -> AgendaItem:
    if kind == "referral":
        return AgendaItem(
            meeting=meeting,
            position=position,
            kind=ItemKind.REFERRAL,
            reasons=[row["reason"]],
            person_id=row["referral__person_id"],
            owning_organisation_id=row["referral__owner_organisation_id"],
            referral_id=row["referral_id"],
            journey_id=row["referral__journey_id"],
            live=False,
            created_at=meeting.created_at,
        )
    return AgendaItem(
        meeting=meeting,
        position=position,
        kind=ItemKind.CARE_PLAN_REVIEW,
        reasons=[ItemReason.REVIEW],
        person_id=row["plan__person_id"],
        owning_organisation_id=row["plan__owning_organisation_id"],
        care_plan_id=row["plan__public_id"],
        review_due=timezone.localdate(meeting.starts_at),
        live=False,
        created_at=meeting.created_at,
    )


def _decide(rng, place, d, meeting, item, kind, row, written: _Written, counter) -> None:
    at = min(
        meeting.starts_at + timedelta(minutes=4 * item.position),
        meeting.closed_at - timedelta(minutes=1),
    )
    chosen: list[tuple[int, tuple]] = []
    signposting, new_referrals = "", []
    if kind == "review":
        decision_kind = DecisionKind.NO_FURTHER_ACTION
        reason = f"Reviewed with the care team; the plan is updated (version {row['number']})"
    else:
        decision_kind = referral_history._choose(rng, REFERRAL_DECISIONS)
        if decision_kind == DecisionKind.ALLOCATE:
            chosen = _allocation(rng, place, row["referral__service_id"])
            if not chosen:
                decision_kind = DecisionKind.SIGNPOST
        if decision_kind == DecisionKind.SIGNPOST:
            signposting = SIGNPOSTS[rng.randrange(len(SIGNPOSTS))]
        reason = {
            DecisionKind.ALLOCATE: "Agreed together who offers what, so nobody is bounced",
            DecisionKind.SIGNPOST: "Better met outside the partnership's services",
            DecisionKind.NO_FURTHER_ACTION: "Already supported elsewhere; the person agreed",
        }[decision_kind]
        if chosen and row["referral__status"] in OPEN_STATUSES:
            written.allocated.append(
                {
                    "row": row,
                    "at": at,
                    "actor": place.chair,
                    "organisation": place.chair_org,
                    "outcome": f"{reason}\n\n" + ", ".join(service[2] for _, service in chosen),
                    "first_child": None,
                }
            )
        for organisation_id, service in chosen:
            child = _child(rng, place, d, row, organisation_id, service, at, counter)
            if written.allocated and written.allocated[-1]["row"] is row:
                written.allocated[-1]["first_child"] = (
                    written.allocated[-1]["first_child"] or (child["public_id"])
                )
            written.children.append(child)
            new_referrals.append(
                {
                    "id": str(child["public_id"]),
                    "reference": referral_history.reference(child["index"]),
                    "service": service[2],
                    "organisation": d.orgs[organisation_id][2],
                }
            )
        written.resolved[meeting.closed_at].append(row["pk"])
    decision = MeetingDecision(
        item=item,
        kind=decision_kind,
        joint_offer=len({o for o, _ in chosen}) >= 2,
        reason=reason,
        signposting=signposting,
        new_referrals=new_referrals,
        decided_by_id=place.chair,
        decided_by_organisation_id=place.chair_org,
        decided_at=at,
        created_at=at,
    )
    written.decisions.append((item, decision, [service[0] for _, service in chosen]))
    if rng.random() < ACTION_SHARE:
        owners = [o for o in place.organisations if place.staff.get(o)]
        owner_org = owners[rng.randrange(len(owners))]
        done = rng.random() < ACTION_DONE_SHARE
        written.actions.append(
            (
                meeting,
                item,
                MeetingAction(
                    description=ACTIONS[rng.randrange(len(ACTIONS))],
                    owner_id=place.staff[owner_org],
                    organisation_id=owner_org,
                    due_on=at.date() + timedelta(days=7),
                    created_by_id=place.chair,
                    done_at=at + timedelta(days=rng.randint(1, 6)) if done else None,
                    done_by_id=place.staff[owner_org] if done else None,
                    created_at=at,
                ),
            )
        )


def _allocation(rng, place, current_service: int) -> list[tuple[int, tuple]]:
    """One service of an attending organisation, or two organisations' (a joint offer)."""
    offering = [
        o for o in place.organisations if any(s[0] != current_service for s in place.services[o])
    ]
    if not offering:
        return []
    count = 2 if len(offering) > 1 and rng.random() < JOINT_OFFER_SHARE else 1
    chosen = []
    for organisation_id in rng.sample(offering, count):
        options = [s for s in place.services[organisation_id] if s[0] != current_service]
        chosen.append((organisation_id, options[rng.randrange(len(options))]))
    return chosen


def _child(rng, place, d, row, organisation_id, service, at, counter) -> dict:
    """A referral the meeting's allocation made: linked to the one it decided on, on the
    same journey, from the same referrer — as `referrals.services._linked` makes it —
    and moved along since as the referral history's referrals are."""
    index = counter[0]
    counter[0] += 1
    age = max((ANCHOR - at).days, 0)
    is_open = rng.random() < referral_history._open_share(age)
    mix = referral_history.OPEN_MIX if is_open else referral_history.CLOSED_MIX
    status = referral_history._choose(rng, mix)
    if status == "submitted" and age > 3:
        status = "acknowledged"
    closed = None
    if not is_open:
        closed = at + timedelta(days=rng.randrange(2, max(3, min(age, 120) + 1)))
    moved = closed or at + timedelta(days=rng.randrange(0, min(age, 20) + 1))
    return {
        "index": index,
        "public_id": new_uuid(rng),
        "journey_id": row["referral__journey_id"],
        "parent_id": row["referral_id"],
        "person_id": row["referral__person_id"],
        "service_id": service[0],
        "owner_organisation_id": organisation_id,
        "referring_organisation_id": row["referral__referring_organisation_id"],
        "referrer_id": row["referral__referrer_id"],
        "self_referral": row["referral__self_referral"],
        "status": status,
        "urgency": row["referral__urgency"],
        "reason": f"Allocated at the {place.name} joint referral meeting",
        "created_at": at,
        "submitted_at": at,
        "acknowledge_by": (at + timedelta(days=3)).date(),
        "first_contact_by": (at + timedelta(days=14)).date(),
        "in_limbo": False,
        "closed_at": closed,
        "moved_at": min(moved, ANCHOR),
        "need_id": None,
        "locality_id": place.id,
        "actor_id": place.staff.get(organisation_id)
        or d.staff(organisation_id, Role.PRACTITIONER, place.id),
    }


def _write(written: _Written, loaded: Loaded) -> None:
    through = Meeting.organisations.through
    with _keeping_created_at(
        Meeting, Attendee, AgendaItem, MeetingDecision, MeetingAction, CareRelationship
    ):
        Meeting.objects.bulk_create(written.meetings, batch_size=2_000)
        through.objects.bulk_create(
            (through(meeting_id=m.pk, organisation_id=o) for m, o in written.organisations),
            batch_size=5_000,
        )
        for attendee in written.attendees:
            attendee.meeting_id = attendee.meeting.pk
        Attendee.objects.bulk_create(written.attendees, batch_size=5_000)
        for item in written.items:
            item.meeting_id = item.meeting.pk
        AgendaItem.objects.bulk_create(written.items, batch_size=5_000)
        decisions = []
        for item, decision, _ in written.decisions:
            decision.item_id = item.pk
            decisions.append(decision)
        MeetingDecision.objects.bulk_create(decisions, batch_size=5_000)
        chosen = MeetingDecision.services.through
        chosen.objects.bulk_create(
            (
                chosen(meetingdecision_id=decision.pk, service_id=service_id)
                for _, decision, service_ids in written.decisions
                for service_id in service_ids
            ),
            batch_size=5_000,
        )
        actions = []
        for meeting, item, action in written.actions:
            action.meeting_id, action.item_id = meeting.pk, item.pk
            actions.append(action)
        MeetingAction.objects.bulk_create(actions, batch_size=5_000)
        CareRelationship.objects.bulk_create(written.relationships, batch_size=5_000)
    for start in range(0, len(written.children), referral_history.BATCH):
        referral_history._write_batch(
            written.children[start : start + referral_history.BATCH], loaded
        )
    for moment, pks in written.resolved.items():
        MeetingQueueItem.objects.filter(pk__in=pks).update(resolved_at=moment)
    _close_allocated(written.allocated)
    loaded.counts.update(
        meetings=len(written.meetings),
        agenda_items=len(written.items),
        meeting_decisions=len(decisions),
        meeting_actions=len(actions),
        care_relationships=len(written.relationships),
    )


def _close_allocated(allocated: list[dict]) -> None:
    """Close each referral the meeting allocated while it was still open at its first
    service: allocated, with the outcome, a transition to its first linked referral, and
    its team's care relationship ended — what `MEETING_ALLOCATE` writes."""
    if not allocated:
        return
    children = dict(
        Referral.objects.filter(public_id__in=[a["first_child"] for a in allocated]).values_list(
            "public_id", "pk"
        )
    )
    transitions = []
    for a in allocated:
        row, at = a["row"], a["at"]
        Referral.objects.filter(pk=row["referral_id"]).update(
            status=Status.ALLOCATED,
            version=row["referral__version"] + 1,
            closed_at=at,
            outcome=a["outcome"],
            in_limbo=False,
            updated_at=at,
        )
        CareRelationship.objects.filter(
            source=f"referral:{row['referral__public_id']}", until__isnull=True
        ).update(until=at)
        transitions.append(
            Transition(
                referral_id=row["referral_id"],
                from_status=row["referral__status"],
                to_status=Status.ALLOCATED,
                actor_id=a["actor"],
                actor_organisation_id=a["organisation"],
                at=at,
                reason=a["outcome"].split("\n")[0],
                linked_referral_id=children.get(a["first_child"]),
            )
        )
    Transition.objects.bulk_create(transitions, batch_size=5_000)


def _next_meeting(rng, place, upcoming: dt.datetime, loaded: Loaded) -> None:
    """The locality's next meeting, scheduled, its agenda built by the product."""
    meeting = Meeting.objects.create(
        public_id=new_uuid(rng),
        series=place.series,
        locality_id=place.id,
        starts_at=upcoming,
        place=place.series.place,
        chair_id=place.chair,
    )
    meeting.organisations.set(place.organisations)
    items = services.agenda_build(meeting=meeting)
    loaded.counts.update(meetings=1, agenda_items=len(items))
