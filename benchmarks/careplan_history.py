"""Care plans in bulk: the plans of an ICS's people (DESIGN.md §9), so that `joinedup
bench joint` measures the care plan page, and the agendas that take in reviews due, over
the plans a partnership would hold.

`benchmarks/careplans.py` writes the demo's three plans through `careplans.services`;
that costs tens of queries a plan, which tens of thousands cannot afford. This stage
writes plans with bulk inserts instead, each one `careplans.services` could have made,
with what the services would have written beside it:

- whose: a share of the people on a team's caseload (or allocated to it, or in its care
  team) — the trust's `PLAN_SHARE`, fewer of the council's and of a voluntary
  organisation's — one plan each, owned by that team's organisation and written by its
  member of staff (`benchmarks.people.author_username`); its locality that of the
  person's GP practice, as `careplans.selectors.default_locality_id` gives it;
- what: what matters, goals, strengths and a crisis plan from short pools of words;
  offers of the owning team's service in the locality, and of a second organisation's;
- the care team: the owning team and a second organisation the person already knows (or
  a voluntary organisation of the locality), with a single point of contact, and a care
  coordinator under the partnership's default rule — statutory staff only, so a plan a
  voluntary organisation owns has the locality's trust's care coordinator; each
  organisation in the team but the owner has its `care_team` care relationship (source
  `careplans.services.source`), as `_start_access` gives it;
- versions: one to three, each a snapshot in the services' shape with the sections it
  changed (`careplans.diffs.changed_sections`), reviewed every few months; most versions
  agreed verbally with the coordinator, the latest one not always;
- review dates: spread over the nine months after `people.ANCHOR`, a few overdue, so a
  locality's weekly joint meeting has a week's reviews on its agenda (the meetings'
  history, `benchmarks.meeting_history`, reviews the plans' earlier versions).

Written where the size holds years of referral history (`Size.referrals`: the
generated sizes, or a size given referrals), deterministically from the seed. No audit events:
like the referral history, it is the past, not actions taken today.
"""

from collections import defaultdict
from datetime import timedelta

from benchmarks.generator import Loaded, Partnership, new_uuid, stream
from benchmarks.people import ANCHOR, _keeping_created_at, author_username
from joinedup.access.roles import Role
from joinedup.accounts.models import User
from joinedup.careplans import diffs
from joinedup.careplans.models import (
    AgreementHow,
    CarePlan,
    CarePlanAgreement,
    CarePlanOffer,
    CarePlanVersion,
    CareTeamMember,
)
from joinedup.careplans.services import source
from joinedup.directory.models import (
    STATUTORY_KINDS,
    Locality,
    Organisation,
    OrganisationKind,
    Service,
    ServiceStatus,
)
from joinedup.people.models import CareRelationship, Person, RelationshipKind

K = OrganisationKind
BATCH = 2_000
# The share of a team's people (caseload, allocation, care team) with a plan it owns.
PLAN_SHARE = {K.NHS_TRUST: 0.10, K.LOCAL_AUTHORITY: 0.05, K.VCSE: 0.03}
OWNER_ORDER = (K.NHS_TRUST, K.LOCAL_AUTHORITY, K.VCSE)
# Who writes and who coordinates, by the owning organisation's kind.
WRITER_ROLES = {K.NHS_TRUST: Role.CLINICIAN, K.LOCAL_AUTHORITY: Role.PRACTITIONER}
COORDINATOR_ROLES = {K.NHS_TRUST: Role.CARE_COORDINATOR, K.LOCAL_AUTHORITY: Role.PRACTITIONER}
OVERDUE_SHARE = 0.03
REVIEW_AHEAD_DAYS = 270
VERSIONS = (1, 1, 2, 2, 2, 3)
LATEST_AGREED_SHARE = 0.75
WHAT_MATTERS = (
    "“Getting out of the flat most days.” “Being listened to.”",
    "“Seeing my grandchildren at weekends.” “Not having to repeat my story.”",
    "“Keeping my job.” “Sleeping through the night.”",
    "“Looking after my dad without falling apart myself.”",
    "“Getting back to the football on Saturdays.” “Cooking for myself again.”",
    "“Feeling safe at home.” “Having someone to ring when it gets bad.”",
)
GOALS = (
    "“To walk to the shops and back on my own.”",
    "“To go to the peer support group every week.” “To cut down on drinking.”",
    "“To get my benefits sorted.” “To see my GP about my medication.”",
    "“To try the day centre's cooking group.” “To sleep better.”",
    "“To volunteer one morning a week.”",
    "“To have one afternoon a week that is mine.”",
)
STRENGTHS = (
    "A close family; keeps going on bad days.",
    "Good with people; knows the area well.",
    "Loves music and plays the guitar.",
    "",
    "A long friendship with a neighbour who checks in.",
)
CRISIS_PLANS = (
    "Early signs: not sleeping, not answering the phone. Then: call the single point of "
    "contact in the day; out of hours, the crisis line.",
    "If I feel I cannot keep myself safe I will ring the crisis line or go to A&E. My "
    "care coordinator will see me within a day of a crisis.",
    "What helps: a walk, my sister, quiet. If the day centre is closed, the crisis café "
    "is open till late.",
)
FREQUENCIES = ("Weekly", "Fortnightly", "Monthly review", "Tuesdays and Thursdays", "As needed")
ROLES = {
    K.NHS_TRUST: "Community mental health team",
    K.LOCAL_AUTHORITY: "Adult social care",
    K.VCSE: "Support worker",
    K.PUBLIC_HEALTH: "Public health",
    K.GP_PRACTICE: "GP practice",
    K.INDEPENDENT: "Support provider",
}


class Directory:
    """The partnership as the history stages need it, read once: organisations,
    localities and the services each organisation offers in each, GP practices'
    localities, and the staff who act for each organisation."""

    def __init__(self, loaded: Loaded):
        self.users = {
            pk: (f"{first} {last}".strip() or username)
            for pk, first, last, username in User.objects.values_list(
                "pk", "first_name", "last_name", "username"
            )
        }
        self.user_ids = loaded.users or dict(User.objects.values_list("username", "pk"))
        self.orgs = {
            pk: (slug, kind, name)
            for pk, slug, kind, name in Organisation.objects.values_list(
                "pk", "slug", "kind", "name"
            )
        }
        self.localities = {
            pk: (slug, name)
            for pk, slug, name in Locality.objects.order_by("name").values_list(
                "pk", "slug", "name"
            )
        }
        self.services: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        self.in_locality: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.gp_locality: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        rows = (
            Service.localities.through.objects.filter(service__status=ServiceStatus.ACTIVE)
            .order_by("locality__name", "service_id")
            .values_list(
                "locality_id",
                "service_id",
                "service__public_id",
                "service__name",
                "service__organisation_id",
            )
        )
        for locality_id, service_id, public_id, name, organisation_id in rows:
            self.services[(organisation_id, locality_id)].append((service_id, public_id, name))
            kind = self.orgs[organisation_id][1]
            if kind == K.GP_PRACTICE:
                self.gp_locality.setdefault(organisation_id, locality_id)
            if (organisation_id, locality_id) not in seen:
                seen.add((organisation_id, locality_id))
                self.in_locality[locality_id][kind].append(organisation_id)

    def staff(
        self, organisation_id: int, role: Role, locality_id: int | None, *fallbacks: Role
    ) -> int | None:
        """The member of staff acting for an organisation in a role (or the first of the
        fallbacks it has): the trust's locality team for the demo's own localities, a
        demo account, else its synthetic member."""
        slug = self.orgs[organisation_id][0]
        locality = self.localities[locality_id][0] if locality_id else ""
        for candidate in (role, *fallbacks, Role.PRACTITIONER, Role.CLINICIAN):
            user_id = self.user_ids.get(author_username(slug, candidate, locality=locality))
            if user_id:
                return user_id
        return None

    def service(self, rng, organisation_id: int, locality_id: int) -> tuple | None:
        options = self.services.get((organisation_id, locality_id))
        return options[rng.randrange(len(options))] if options else None


class _Catalogue(Directory):
    """The directory, and the people: their GP practices and the teams that know them."""

    def __init__(self, loaded: Loaded):
        super().__init__(loaded)
        self.people = dict(Person.objects.values_list("pk", "gp_practice_id"))
        # Plans made already (the demo's, through the services): one per owner and person.
        self.planned = set(CarePlan.objects.values_list("person_id", "owning_organisation_id"))
        self.known: dict[int, list[int]] = defaultdict(list)
        for person_id, organisation_id in (
            CareRelationship.objects.filter(
                until__isnull=True,
                kind__in=[
                    RelationshipKind.CASELOAD,
                    RelationshipKind.ALLOCATION,
                    RelationshipKind.CARE_TEAM,
                ],
            )
            .order_by("person_id", "pk")
            .values_list("person_id", "organisation_id")
        ):
            if organisation_id not in self.known[person_id]:
                self.known[person_id].append(organisation_id)


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if not partnership.size.referrals:
        return
    c = _Catalogue(loaded)
    rng = stream(partnership.seed, "careplan-history")
    people = sorted(c.known)
    if progress:
        from tqdm import tqdm

        people = tqdm(people, unit="person", mininterval=2)
    batch = []
    for person_id in people:
        plan = _plan(rng, person_id, c)
        if plan is None:
            continue
        batch.append(plan)
        if len(batch) == BATCH:
            _write_batch(batch, loaded, c)
            batch = []
    if batch:
        _write_batch(batch, loaded, c)


def _owner(rng, person_id: int, c: _Catalogue) -> int | None:
    known = c.known[person_id]
    for kind in OWNER_ORDER:
        for organisation_id in known:
            if c.orgs[organisation_id][1] == kind:
                return organisation_id if rng.random() < PLAN_SHARE[kind] else None
    return None


def _plan(rng, person_id: int, c: _Catalogue) -> dict | None:
    owner = _owner(rng, person_id, c)
    locality_id = c.gp_locality.get(c.people.get(person_id))
    if owner is None or locality_id is None or (person_id, owner) in c.planned:
        return None
    owner_kind = c.orgs[owner][1]
    writer = c.staff(owner, WRITER_ROLES.get(owner_kind, Role.PRACTITIONER), locality_id)
    if writer is None:
        return None
    # The care team: the owner, and a second organisation the person knows, or a
    # voluntary organisation of the locality (a statutory one, where a voluntary
    # organisation owns the plan: the coordinator must be statutory staff).
    nearby = c.in_locality[locality_id]
    if owner_kind in STATUTORY_KINDS:
        others = [o for o in c.known[person_id] if o != owner and c.orgs[o][1] == K.VCSE]
        others = others or nearby.get(K.VCSE, [])
        coordinator_org = owner
    else:
        others = nearby.get(K.NHS_TRUST, []) or nearby.get(K.LOCAL_AUTHORITY, [])
        coordinator_org = others[0] if others else None
    second = others[rng.randrange(len(others))] if others else None
    if coordinator_org is not None and coordinator_org != owner:
        second = coordinator_org
    coordinator = None
    if coordinator_org is not None:
        kind = c.orgs[coordinator_org][1]
        coordinator = c.staff(
            coordinator_org, COORDINATOR_ROLES.get(kind, Role.PRACTITIONER), locality_id
        )
    second_worker = c.staff(second, Role.PRACTITIONER, locality_id) if second is not None else None
    team = [
        {
            "organisation_id": owner,
            "user_id": (coordinator or writer) if coordinator_org == owner else writer,
            "role": ROLES.get(owner_kind, "Care team"),
            "care_coordinator": coordinator_org == owner and coordinator is not None,
        }
    ]
    if second is not None and second != owner:
        is_coordinator = second == coordinator_org and coordinator is not None
        team.append(
            {
                "organisation_id": second,
                "user_id": coordinator if is_coordinator else second_worker,
                "role": "Care coordinator" if is_coordinator else ROLES[c.orgs[second][1]],
                "care_coordinator": is_coordinator,
            }
        )
    if team[0]["care_coordinator"]:
        team[0]["role"] = "Care coordinator"
    contact = rng.randrange(len(team))
    for number, member in enumerate(team):
        member["single_point_of_contact"] = number == contact
    offers = []
    for organisation_id in dict.fromkeys(m["organisation_id"] for m in team):
        found = c.service(rng, organisation_id, locality_id)
        if found is not None:
            worker = next(m["user_id"] for m in team if m["organisation_id"] == organisation_id)
            offers.append(
                {
                    "service": found,
                    "organisation_id": organisation_id,
                    "worker_id": worker if rng.random() < 0.6 else None,
                    "frequency": FREQUENCIES[rng.randrange(len(FREQUENCIES))],
                }
            )
    created = ANCHOR - timedelta(days=rng.randint(30, 720), minutes=rng.randrange(480))
    count = VERSIONS[rng.randrange(len(VERSIONS))]
    span = (ANCHOR - timedelta(days=7) - created) / count
    dates = [created + span * number for number in range(count)]
    if rng.random() < OVERDUE_SHARE:
        review = (ANCHOR - timedelta(days=rng.randint(1, 28))).date()
    else:
        review = (ANCHOR + timedelta(days=rng.randint(1, REVIEW_AHEAD_DAYS))).date()
    return {
        "public_id": new_uuid(rng),
        "person_id": person_id,
        "owner": owner,
        "locality_id": locality_id,
        "writer": writer,
        "coordinator": coordinator,
        "team": team,
        "offers": offers,
        "dates": dates,
        "review": review,
        "texts": [
            {
                "what_matters": WHAT_MATTERS[rng.randrange(len(WHAT_MATTERS))],
                "goals": GOALS[rng.randrange(len(GOALS))],
                "strengths": STRENGTHS[rng.randrange(len(STRENGTHS))],
                "crisis_plan": CRISIS_PLANS[rng.randrange(len(CRISIS_PLANS))],
            }
            for _ in range(count)
        ],
        "agreed": [
            rng.random() < (LATEST_AGREED_SHARE if n == count - 1 else 0.95) for n in range(count)
        ],
    }


def _snapshot(plan: dict, number: int, c: _Catalogue) -> dict:
    """Version `number` of the plan, in the shape `careplans.services._snapshot` keeps."""
    reviews = [d.date() for d in plan["dates"][1:]] + [plan["review"]]
    return {
        **plan["texts"][number],
        "review_date": reviews[number].isoformat(),
        "locality": c.localities[plan["locality_id"]][1],
        "offers": [
            {
                "service_id": str(offer["service"][1]),
                "service": offer["service"][2],
                "organisation": c.orgs[offer["organisation_id"]][2],
                "worker": c.users.get(offer["worker_id"], ""),
                "frequency": offer["frequency"],
            }
            for offer in plan["offers"]
        ],
        "care_team": [
            {
                "organisation": c.orgs[m["organisation_id"]][2],
                "worker": c.users.get(m["user_id"], ""),
                "role": m["role"],
                "single_point_of_contact": m["single_point_of_contact"],
                "care_coordinator": m["care_coordinator"],
            }
            for m in plan["team"]
        ],
    }


def _write_batch(plans: list[dict], loaded: Loaded, c: _Catalogue) -> None:
    rows = []
    for plan in plans:
        latest = plan["texts"][-1]
        rows.append(
            CarePlan(
                public_id=plan["public_id"],
                person_id=plan["person_id"],
                owning_organisation_id=plan["owner"],
                locality_id=plan["locality_id"],
                version=len(plan["dates"]),
                review_date=plan["review"],
                created_by_id=plan["writer"],
                created_at=plan["dates"][0],
                updated_at=plan["dates"][-1],
                **latest,
            )
        )
    with _keeping_created_at(CarePlan):
        CarePlan.objects.bulk_create(rows)
    versions, offers, team, relationships = [], [], [], []
    for plan, row in zip(plans, rows, strict=True):
        previous = None
        for number, at in enumerate(plan["dates"]):
            content = _snapshot(plan, number, c)
            versions.append(
                CarePlanVersion(
                    plan_id=row.pk,
                    number=number + 1,
                    content=content,
                    created_at=at,
                    created_by_id=plan["writer"],
                    created_by_organisation_id=plan["owner"],
                    changed=diffs.changed_sections(previous, content),
                )
            )
            previous = content
        offers += [
            CarePlanOffer(
                plan_id=row.pk,
                service_id=offer["service"][0],
                organisation_id=offer["organisation_id"],
                worker_id=offer["worker_id"],
                frequency=offer["frequency"],
                order=order,
                created_at=plan["dates"][0],
            )
            for order, offer in enumerate(plan["offers"])
        ]
        for member in plan["team"]:
            team.append(
                CareTeamMember(
                    plan_id=row.pk,
                    organisation_id=member["organisation_id"],
                    user_id=member["user_id"],
                    role=member["role"],
                    is_single_point_of_contact=member["single_point_of_contact"],
                    is_care_coordinator=member["care_coordinator"],
                    added_by_id=plan["writer"],
                    created_at=plan["dates"][0],
                )
            )
            if member["organisation_id"] != plan["owner"]:
                relationships.append(
                    CareRelationship(
                        person_id=plan["person_id"],
                        organisation_id=member["organisation_id"],
                        kind=RelationshipKind.CARE_TEAM,
                        since=plan["dates"][0],
                        reason="In the care team of a care plan",
                        source=source(row),
                        created_at=plan["dates"][0],
                    )
                )
    CarePlanVersion.objects.bulk_create(versions, batch_size=5_000)
    agreements = []
    by_plan = {row.pk: plan for plan, row in zip(plans, rows, strict=True)}
    for version in versions:
        plan = by_plan[version.plan_id]
        agreer = plan["coordinator"] or plan["writer"]
        if not plan["agreed"][version.number - 1]:
            continue
        agreements.append(
            CarePlanAgreement(
                version_id=version.pk,
                how=AgreementHow.VERBAL,
                agreed_at=version.created_at + timedelta(days=2),
                recorded_by_id=agreer,
                recorded_by_organisation_id=_organisation_of(plan, agreer),
                note="Read through together; agreed",
                created_at=version.created_at + timedelta(days=2),
            )
        )
    with _keeping_created_at(CarePlanOffer, CareTeamMember, CarePlanAgreement, CareRelationship):
        CarePlanOffer.objects.bulk_create(offers, batch_size=5_000)
        CareTeamMember.objects.bulk_create(team, batch_size=5_000)
        CarePlanAgreement.objects.bulk_create(agreements, batch_size=5_000)
        CareRelationship.objects.bulk_create(relationships, batch_size=5_000)
    loaded.counts.update(
        care_plans=len(rows),
        care_plan_versions=len(versions),
        care_plan_offers=len(offers),
        care_team_members=len(team),
        care_plan_agreements=len(agreements),
        care_relationships=len(relationships),
    )


def _organisation_of(plan: dict, user_id: int) -> int:
    """The organisation a member of the care team acts for (the owner's, by default)."""
    for member in plan["team"]:
        if member["user_id"] == user_id:
            return member["organisation_id"]
    return plan["owner"]
