"""Years of referrals, in bulk: the million referrals of an ICS (DESIGN.md §9), so that
`joinedup bench referrals` measures worklists over the history a partnership would have.

`benchmarks/referrals.py` writes the demo's dozen referrals through the state machine;
that costs milliseconds a referral, which a million cannot afford. This stage writes
`Size.referrals` referrals with bulk inserts instead, each one a state the state machine
could have left it in, with what the machine would have written beside it:

- the person (any person of the partnership), the referrer (their GP practice's or the
  team's synthetic member of staff — `benchmarks.people.author_username`), or a
  self-referral to a service that takes them; the receiving service, any active service
  taking referrals of that kind, and its organisation as the owner;
- its age: spread over the three years before `people.ANCHOR`, and its status by age —
  most referrals younger than two months are still open, most older ones closed with an
  outcome (completed, declined with signposting, redirected, withdrawn, closed without
  contact), and a few stay open for months (waiting lists);
- targets as submission sets them (2 and 10 working days, counted here in calendar
  days ×1.4 — near enough for history), `in_limbo` where an open one is past its
  acknowledge-by date unacknowledged, and one of its service's needs;
- two transitions (submitted, and the step to its status now, by the receiving
  team's member of staff); the receiving team's care relationship while it is open
  (ended at closing, as `_follow_access` does); and, for one in limbo, a place on its
  locality's joint-meeting queue (the service's locality, or of a service covering
  several the person's own, as `referrals.services._locality` chooses).

Written only when `Size.referrals` is set (the generated sizes; a rescaled size gets its
own count), deterministically from the seed like every other stage. References are
`JU-` and eight characters, unique by construction: `H` and the index in base 32 (the
product's alphabet), which
`referrals.services.new_reference`'s random ones may meet only by a chance its own
uniqueness check covers.
"""

from datetime import timedelta

from benchmarks.generator import Loaded, Partnership, new_uuid, stream
from benchmarks.people import ANCHOR, _keeping_created_at, author_username
from joinedup.access.roles import Role
from joinedup.directory.models import Service, ServiceStatus
from joinedup.people.models import CareRelationship, Person, RelationshipKind
from joinedup.referrals.models import (
    PRIORITY,
    MeetingQueueItem,
    MeetingQueueReason,
    Referral,
    Transition,
)
from joinedup.referrals.services import REFERENCE_ALPHABET

BATCH = 5_000
HISTORY_DAYS = 3 * 365
# (status, share) of referrals by age; the open ones first.
OPEN_MIX = (
    ("submitted", 0.22),
    ("acknowledged", 0.18),
    ("accepted", 0.15),
    ("waiting", 0.20),
    ("first_contact", 0.10),
    ("in_progress", 0.15),
)
CLOSED_MIX = (
    ("completed", 0.55),
    ("declined", 0.12),
    ("redirected", 0.08),
    ("withdrawn", 0.07),
    ("closed_no_contact", 0.18),
)
# The share still open, by age in days: recent referrals are mostly open.
OPEN_SHARE_BY_AGE = ((30, 0.85), (60, 0.55), (180, 0.15), (HISTORY_DAYS + 1, 0.02))
SELF_REFERRAL_SHARE = 0.12
FROM_GP_SHARE = 0.55
URGENCIES = (("routine", 0.75), ("soon", 0.2), ("urgent", 0.05))
PREVIOUS = {
    "acknowledged": "submitted",
    "accepted": "acknowledged",
    "waiting": "accepted",
    "first_contact": "accepted",
    "in_progress": "first_contact",
    "completed": "in_progress",
    "declined": "acknowledged",
    "redirected": "acknowledged",
    "withdrawn": "submitted",
    "closed_no_contact": "accepted",
}
REASONS = (
    "Low mood and isolation since losing work; would like support to get out more.",
    "Anxiety about leaving the house; the GP suggests peer support alongside treatment.",
    "Recently discharged from hospital; needs practical help with the flat and bills.",
    "Carer for a parent and struggling to cope; would value someone to talk to.",
    "Hearing voices that are distressing at night; wants to meet others who hear voices.",
)
OUTCOMES = {
    "completed": "Attended regularly and feels more connected; closed by agreement",
    "declined": "Outside what we offer; signposted",
    "redirected": "A better fit elsewhere in the partnership",
    "withdrawn": "The person decided not to go ahead",
    "closed_no_contact": "Three attempts to make contact, by phone and letter",
}


def reference(index: int) -> str:
    """`JU-H` and the index in the product's own alphabet (no 0/O or 1/I): 34 billion."""
    alphabet = REFERENCE_ALPHABET
    digits = ""
    for _ in range(7):
        index, rest = divmod(index, len(alphabet))
        digits = alphabet[rest] + digits
    return f"JU-H{digits}"


def _choose(rng, mix) -> str:
    roll, total = rng.random(), 0.0
    for value, share in mix:
        total += share
        if roll < total:
            return value
    return mix[-1][0]


def _open_share(age_days: int) -> float:
    return next(share for limit, share in OPEN_SHARE_BY_AGE if age_days < limit)


class _Catalogue:
    """What a referral is made from, read once: services and their first locality and
    needs, people and their GP practice, and the staff who act for each organisation."""

    def __init__(self, loaded: Loaded):
        services = Service.objects.filter(
            status=ServiceStatus.ACTIVE, accepting_referrals=True
        ).values_list(
            "pk", "organisation_id", "accepts_professional_referrals", "accepts_self_referrals"
        )
        self.professional, self.self_referral, self.owner = [], [], {}
        for pk, organisation_id, professional, self_ in services.order_by("pk"):
            self.owner[pk] = organisation_id
            if professional:
                self.professional.append(pk)
            if self_:
                self.self_referral.append(pk)
        self.needs: dict[int, int] = {}
        for service_id, term_id in (
            Service.taxonomy_terms.through.objects.filter(service_id__in=self.owner)
            .order_by("service_id", "taxonomyterm_id")
            .values_list("service_id", "taxonomyterm_id")
        ):
            self.needs.setdefault(service_id, term_id)
        # Each service's localities, by name; a GP practice's, where its people live.
        self.localities: dict[int, list[int]] = {}
        self.home: dict[int, int] = {}
        for service_id, locality_id, organisation_id, kind in (
            Service.localities.through.objects.order_by("service_id", "locality__name")
            .values_list(
                "service_id", "locality_id", "service__organisation_id",
                "service__organisation__kind",
            )
        ):  # fmt: skip
            if service_id in self.owner:
                self.localities.setdefault(service_id, []).append(locality_id)
            if kind == "gp_practice":
                self.home.setdefault(organisation_id, locality_id)
        self.people = list(
            Person.objects.order_by("pk").values_list(
                "pk", "gp_practice_id", "created_by_organisation_id"
            )
        )
        slugs = {pk: slug for slug, pk in loaded.organisations.items()}
        self.staff: dict[int, int] = {}
        for organisation_id, slug in slugs.items():
            for role in (Role.PRACTITIONER, Role.CLINICIAN):
                user_id = loaded.users.get(author_username(slug, role))
                if user_id:
                    self.staff[organisation_id] = user_id
                    break

    def locality(self, service_id: int, gp_id: int | None) -> int | None:
        """The locality whose meeting a referral waits for, as `referrals.services._locality`
        chooses it: the service's own; of a service covering several, the person's, where
        their GP practice is; else the first by name."""
        localities = self.localities.get(service_id) or [None]
        home = self.home.get(gp_id)
        return home if len(localities) > 1 and home in localities else localities[0]


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    total = partnership.size.referrals
    if not total:
        return
    catalogue = _Catalogue(loaded)
    if not catalogue.people or not catalogue.professional:
        return
    rng = stream(partnership.seed, "referral-history")
    indexes = range(total)
    if progress:
        from tqdm import tqdm

        indexes = tqdm(indexes, total=total, unit="referral", mininterval=2)
    batch = []
    for index in indexes:
        batch.append(_plan(rng, index, catalogue))
        if len(batch) == BATCH:
            _write_batch(batch, loaded)
            batch = []
    if batch:
        _write_batch(batch, loaded)


def _plan(rng, index: int, c: _Catalogue) -> dict:
    person_id, gp_id, team_id = c.people[rng.randrange(len(c.people))]
    self_referral = bool(c.self_referral) and rng.random() < SELF_REFERRAL_SHARE
    if self_referral:
        service_id = c.self_referral[rng.randrange(len(c.self_referral))]
        referring, referrer = None, None
    else:
        service_id = c.professional[rng.randrange(len(c.professional))]
        referring = gp_id if (gp_id and rng.random() < FROM_GP_SHARE) else team_id
        referrer = c.staff.get(referring)
        if referrer is None:
            referring = None
            self_referral = True
    age = rng.randrange(HISTORY_DAYS)
    created = ANCHOR - timedelta(days=age, minutes=rng.randrange(8 * 60))
    is_open = rng.random() < _open_share(age)
    status = _choose(rng, OPEN_MIX if is_open else CLOSED_MIX)
    urgency = _choose(rng, URGENCIES)
    acknowledge_by = (created + timedelta(days=3)).date()
    plan = {
        "index": index,
        "public_id": new_uuid(rng),
        "journey_id": new_uuid(rng),
        "person_id": person_id,
        "service_id": service_id,
        "owner_organisation_id": c.owner[service_id],
        "referring_organisation_id": referring,
        "referrer_id": referrer,
        "self_referral": self_referral,
        "status": status,
        "urgency": urgency,
        "reason": REASONS[rng.randrange(len(REASONS))],
        "created_at": created,
        "submitted_at": created,
        "acknowledge_by": acknowledge_by,
        "first_contact_by": (created + timedelta(days=14)).date(),
        "in_limbo": is_open and status == "submitted" and age > 3,
        "closed_at": None,
        "need_id": c.needs.get(service_id),
        "locality_id": c.locality(service_id, gp_id),
        "actor_id": c.staff.get(c.owner[service_id]),
    }
    if not is_open:
        plan["closed_at"] = created + timedelta(days=rng.randrange(2, max(3, min(age, 120) + 1)))
    moved = created + timedelta(days=rng.randrange(0, min(age, 20) + 1))
    plan["moved_at"] = plan["closed_at"] or moved
    return plan


def _write_batch(plans: list[dict], loaded: Loaded) -> None:
    referrals = [
        Referral(
            public_id=plan["public_id"],
            reference=reference(plan["index"]),
            person_id=plan["person_id"],
            service_id=plan["service_id"],
            owner_organisation_id=plan["owner_organisation_id"],
            referring_organisation_id=plan["referring_organisation_id"],
            referrer_id=plan["referrer_id"],
            self_referral=plan["self_referral"],
            status=plan["status"],
            version=1 if plan["status"] == "submitted" else 2,
            urgency=plan["urgency"],
            priority=PRIORITY[plan["urgency"]],
            reason=plan["reason"],
            consent_to_share=True,
            journey_id=plan["journey_id"],
            parent_id=plan.get("parent_id"),
            submitted_at=plan["submitted_at"],
            acknowledge_by=plan["acknowledge_by"],
            first_contact_by=plan["first_contact_by"],
            closed_at=plan["closed_at"],
            outcome=OUTCOMES.get(plan["status"], ""),
            signposting="The Lighthouse crisis café" if plan["status"] == "declined" else "",
            in_limbo=plan["in_limbo"],
            created_at=plan["created_at"],
            updated_at=plan["moved_at"],
        )
        for plan in plans
    ]
    with _keeping_created_at(Referral):
        Referral.objects.bulk_create(referrals)
    transitions, needs, relationships, queue = [], [], [], []
    for plan, referral in zip(plans, referrals, strict=True):
        transitions.append(
            Transition(
                referral_id=referral.pk,
                from_status="draft",
                to_status="submitted",
                actor_id=plan["referrer_id"],
                actor_organisation_id=plan["referring_organisation_id"],
                at=plan["submitted_at"],
            )
        )
        if plan["status"] != "submitted":
            transitions.append(
                Transition(
                    referral_id=referral.pk,
                    from_status=PREVIOUS[plan["status"]],
                    to_status=plan["status"],
                    actor_id=plan["actor_id"],
                    actor_organisation_id=plan["owner_organisation_id"],
                    at=plan["moved_at"],
                    reason=OUTCOMES.get(plan["status"], ""),
                )
            )
        if plan["need_id"]:
            needs.append(
                Referral.needs.through(referral_id=referral.pk, taxonomyterm_id=plan["need_id"])
            )
        relationships.append(
            CareRelationship(
                person_id=plan["person_id"],
                organisation_id=plan["owner_organisation_id"],
                kind=RelationshipKind.REFERRAL,
                since=plan["submitted_at"],
                until=plan["closed_at"],
                reason=f"Referral {referral.reference}",
                source=f"referral:{referral.public_id}",
                created_at=plan["submitted_at"],
            )
        )
        if plan["in_limbo"] and plan["locality_id"]:
            queue.append(
                MeetingQueueItem(
                    locality_id=plan["locality_id"],
                    referral_id=referral.pk,
                    reason=MeetingQueueReason.LIMBO,
                    created_at=plan["submitted_at"] + timedelta(days=3),
                )
            )
    Transition.objects.bulk_create(transitions)
    Referral.needs.through.objects.bulk_create(needs)
    with _keeping_created_at(CareRelationship, MeetingQueueItem):
        CareRelationship.objects.bulk_create(relationships)
        MeetingQueueItem.objects.bulk_create(queue)
    loaded.counts.update(
        referrals=len(referrals),
        transitions=len(transitions),
        referral_needs=len(needs),
        care_relationships=len(relationships),
        meeting_queue=len(queue),
    )
