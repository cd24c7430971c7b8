"""The shared record of the synthetic partnership: partnerships and their information-
sharing agreements, people, their record, consents and care relationships (DESIGN.md §5).

Two stages of `generator.STAGES` write it:

- `write_staff`: the demo accounts of DESIGN.md §8 (with no usable password until
  `joinedup demo` gives them one) and, for every other organisation, one synthetic member
  of staff per role that writes in people's records (`staff-ROLE.ORG-SLUG`, never a
  usable password), so every entry has an author who is a member in that role;
- `write_people`: for each trust's footprint, two partnerships and their agreements
  (below), then the people — a hand-written cast first, present at every size, then
  generated people up to `Size.people` — each with their GP practice, care
  relationships, record entries, consents, carers and relatives; a few of the cast
  have a portal account (`person.GIVEN-FAMILY`).

**Partnerships and agreements** (the choices, from DESIGN.md §5 and seed 000's
questions — can voluntary-sector staff see what statutory staff see? can volunteers?):

- *Brackenford Mental Health Partnership* (`brackenford`): the trust, the GP practices,
  the council, public health and the voluntary organisations. Its direct-care agreement
  shares, on implied consent (direct care; Caldicott principle 7), what each role needs
  to work together: contact details, the care plan and activity with everyone who
  sees them (volunteers and peer workers included); demographics, referrals and
  outcomes with practitioners and clinical roles. What is sensitive goes to the
  voluntary sector only with the person's explicit consent: risk for practitioners and
  referral coordinators, demographics and outcome scores for peer workers. Clinical
  notes are never shared through it. A second agreement, for safeguarding (legal
  obligation), lets safeguarding leads see each other's safeguarding and risk entries.
- *Brackenford Statutory Care Partnership* (`brackenford-statutory`): the trust, the GP
  practices and the council only. Its agreement shares clinical notes and risk with
  clinicians and care coordinators, and risk with practitioners (social workers, GP
  mental health practitioners), on implied consent. The independent domain of the
  CHOICE model: the voluntary members are not in it, so a voluntary organisation's
  clinician (a counsellor) does not see the trust's clinical notes.

Independent providers belong to neither: they see only their own records. The larger
sizes give each generated trust the same pair of partnerships for its own localities;
GP practices and voluntary organisations join the pair of their home locality,
councils and public health teams every pair whose localities they serve.

Consents: explicit consent to share the sensitive categories with the partnership
(some expired, some withdrawn), implied consent recorded at assessment, a few
objections (to the partnership, or to one organisation) and the odd override.
Dates are fixed relative to `ANCHOR`, not to the day of the build, so the data is the
same whenever it is built.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, islice

from django.contrib.auth.hashers import make_password
from django.db.models.base import ModelState
from django.utils.text import slugify

from benchmarks import catalogue as cat
from benchmarks.generator import (
    Loaded,
    OrganisationPlan,
    Partnership,
    _postcode,
    new_uuid,
    stream,
)
from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.accounts.models import Membership, User
from joinedup.directory.models import OrganisationKind
from joinedup.partnerships.models import (
    InformationSharingAgreement,
    LawfulBasis,
    PartnershipMember,
    PartnershipModel,
    Purpose,
    SharingRule,
)
from joinedup.partnerships.models import Partnership as PartnershipRow
from joinedup.people.models import (
    CareRelationship,
    Consent,
    ConsentState,
    EthnicCategory,
    GenderIdentity,
    HowGiven,
    Person,
    PreferredChannel,
    RecordEntry,
    RelatedPerson,
    RelationshipKind,
    SexualOrientation,
)

# Every date is relative to this moment, so a build on any day gives the same data.
ANCHOR = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
FOUNDED = date(2024, 4, 1)
BATCH = 2_000  # people planned and written at a time

K = OrganisationKind
C = Category
# The roles that write in each kind of organisation's records (services.RECORDING_ROLES).
AUTHOR_ROLES: dict[str, tuple[Role, ...]] = {
    K.NHS_TRUST: (Role.CLINICIAN, Role.CARE_COORDINATOR, Role.PRACTITIONER),
    K.GP_PRACTICE: (Role.CLINICIAN, Role.PRACTITIONER),
    K.LOCAL_AUTHORITY: (Role.PRACTITIONER, Role.SAFEGUARDING_LEAD),
    K.PUBLIC_HEALTH: (Role.PRACTITIONER,),
    K.VCSE: (Role.PRACTITIONER,),
    K.INDEPENDENT: (Role.PRACTITIONER, Role.CLINICIAN),
}
# What each kind of organisation writes, by whom, how often (relative weights).
WRITES: dict[str, tuple[tuple[str, Role, float], ...]] = {
    K.NHS_TRUST: (
        (C.CLINICAL, Role.CLINICIAN, 3),
        (C.RISK, Role.CLINICIAN, 2),
        (C.CARE_PLAN, Role.CARE_COORDINATOR, 3),
        (C.ACTIVITY, Role.PRACTITIONER, 3),
        (C.OUTCOMES, Role.CARE_COORDINATOR, 1),
        (C.REFERRAL, Role.CARE_COORDINATOR, 1),
        (C.CONTACT, Role.PRACTITIONER, 0.7),
        (C.DEMOGRAPHICS, Role.PRACTITIONER, 0.3),
    ),
    K.GP_PRACTICE: (
        (C.CLINICAL, Role.CLINICIAN, 4),
        (C.REFERRAL, Role.CLINICIAN, 2),
        (C.ACTIVITY, Role.PRACTITIONER, 2),
    ),
    K.LOCAL_AUTHORITY: (
        (C.CARE_PLAN, Role.PRACTITIONER, 3),
        (C.ACTIVITY, Role.PRACTITIONER, 2),
        (C.RISK, Role.PRACTITIONER, 1),
        (C.SAFEGUARDING, Role.SAFEGUARDING_LEAD, 0.6),
    ),
    K.PUBLIC_HEALTH: ((C.ACTIVITY, Role.PRACTITIONER, 2), (C.OUTCOMES, Role.PRACTITIONER, 1)),
    K.VCSE: (
        (C.ACTIVITY, Role.PRACTITIONER, 5),
        (C.CARE_PLAN, Role.PRACTITIONER, 2),
        (C.CONTACT, Role.PRACTITIONER, 1),
        (C.OUTCOMES, Role.PRACTITIONER, 1.5),
        (C.RISK, Role.PRACTITIONER, 0.5),
    ),
    K.INDEPENDENT: (
        (C.CLINICAL, Role.CLINICIAN, 2),
        (C.ACTIVITY, Role.PRACTITIONER, 3),
        (C.OUTCOMES, Role.CLINICIAN, 1),
    ),
}

# --- the agreements ---------------------------------------------------------------------

_IMPLIED, _EXPLICIT = LawfulBasis.DIRECT_CARE, LawfulBasis.EXPLICIT_CONSENT
_PLAN_ACTIVITY = (C.CONTACT, C.CARE_PLAN, C.ACTIVITY)
_WORKING = (C.CONTACT, C.DEMOGRAPHICS, C.REFERRAL, C.CARE_PLAN, C.ACTIVITY, C.OUTCOMES)
# (title, purpose, [(roles, categories, lawful basis)]) for the partnership of all members.
SHARED_PLAN_AGREEMENTS = (
    (
        "Direct care: the shared plan",
        Purpose.DIRECT_CARE,
        (
            ((Role.VOLUNTEER, Role.PEER_WORKER), _PLAN_ACTIVITY, _IMPLIED),
            ((Role.PEER_WORKER,), (C.DEMOGRAPHICS, C.OUTCOMES), _EXPLICIT),
            ((Role.PRACTITIONER,), _WORKING, _IMPLIED),
            ((Role.REFERRAL_COORDINATOR,), (C.CONTACT, C.DEMOGRAPHICS, C.REFERRAL), _IMPLIED),
            ((Role.REFERRAL_COORDINATOR,), (C.CARE_PLAN,), _IMPLIED),
            ((Role.PRACTITIONER, Role.REFERRAL_COORDINATOR), (C.RISK,), _EXPLICIT),
            ((Role.CLINICIAN, Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD), _WORKING, _IMPLIED),
        ),
    ),
    (
        "Safeguarding adults",
        Purpose.SAFEGUARDING,
        (((Role.SAFEGUARDING_LEAD,), (C.SAFEGUARDING, C.RISK), LawfulBasis.LEGAL_OBLIGATION),),
    ),
)
STATUTORY_AGREEMENTS = (
    (
        "Direct care: clinical and risk information",
        Purpose.DIRECT_CARE,
        (
            ((Role.CLINICIAN, Role.CARE_COORDINATOR), (C.CLINICAL, C.RISK), _IMPLIED),
            ((Role.PRACTITIONER,), (C.RISK,), _IMPLIED),
        ),
    ),
)
# The categories the shared-plan agreement asks explicit consent for, and those it
# shares on implied consent with everyone: what consents are recorded about.
EXPLICIT_CATEGORIES = (C.DEMOGRAPHICS, C.OUTCOMES, C.RISK)
STATUTORY_KINDS = frozenset({K.NHS_TRUST, K.GP_PRACTICE, K.LOCAL_AUTHORITY})
RESPONSIBILITIES = {
    K.NHS_TRUST: "Leads the partnership; community mental health teams in each locality; "
    "care coordination; the crisis pathway.",
    K.GP_PRACTICE: "Primary care; mental health practitioner clinics; physical health "
    "checks for people with severe mental illness; social prescribing.",
    K.LOCAL_AUTHORITY: "Care Act assessments, mental health social work, carers' "
    "assessments and safeguarding adults enquiries.",
    K.PUBLIC_HEALTH: "Prevention: health checks, stop smoking, suicide prevention training.",
    K.VCSE: "Community support offered through the integrated local team meeting.",
}


@dataclass
class PartnershipPlan:
    partnership: PartnershipRow
    lead: str  # organisation slug
    members: list[tuple[str, str]] = field(default_factory=list)  # (slug, responsibilities)
    agreements: list[tuple[InformationSharingAgreement, list[SharingRule]]] = field(
        default_factory=list
    )


@dataclass
class Footprint:
    """A trust's localities and the pair of partnerships that works in them."""

    trust: str
    shared: PartnershipPlan  # every member
    statutory: PartnershipPlan  # trust, GP practices, councils


def _agreements(rng, plan: PartnershipPlan, specs) -> None:
    for title, purpose, rules in specs:
        agreement = InformationSharingAgreement(
            public_id=new_uuid(rng),
            title=f"{title} ({plan.partnership.name})",
            purpose=purpose,
            starts_on=FOUNDED,
            approved_by="The Caldicott guardians and information governance leads of the "
            "partners, at the partnership board",
        )
        rows = [
            SharingRule(
                public_id=new_uuid(rng),
                category=category,
                role=role,
                lawful_basis=basis,
                explicit_consent_required=basis == _EXPLICIT,
            )
            for roles, categories, basis in rules
            for role in roles
            for category in categories
        ]
        plan.agreements.append((agreement, rows))


def _area_name(trust: OrganisationPlan) -> str:
    if trust.slug == cat.TRUST_SLUG:
        return cat.CITY
    return trust.organisation.name.split(" NHS")[0]


def plan_footprints(partnership: Partnership) -> tuple[list[Footprint], dict[str, Footprint]]:
    """The partnerships of every trust's footprint, and the footprint of each locality."""
    rng = stream(partnership.seed, "partnerships")
    trusts = [p for p in partnership.organisations if p.organisation.kind == K.NHS_TRUST]
    footprints, by_locality, slugs = [], {}, set()
    for trust in trusts:
        area = _area_name(trust)
        pair = []
        for name, suffix, model, aim in (
            (
                f"{area} Mental Health Partnership",
                "",
                PartnershipModel.MULTI_AGENCY,
                f"Nobody in {area} is bounced between services or left in limbo: people "
                "tell their story once, and every partner sees what the others are doing, "
                "as far as consent and our agreements allow.",
            ),
            (
                f"{area} Statutory Care Partnership",
                "-statutory",
                PartnershipModel.CONSORTIUM,
                "The statutory partners' shared clinical record for direct care.",
            ),
        ):
            slug = slugify(area) + suffix
            while slug in slugs:
                slug += "-2"
            slugs.add(slug)
            row = PartnershipRow(
                public_id=new_uuid(rng),
                name=name,
                slug=slug,
                model=model,
                aim=aim,
                review_date=date(2027, 3, 31),
            )
            pair.append(PartnershipPlan(row, lead=trust.slug))
        footprint = Footprint(trust.slug, *pair)
        _agreements(rng, footprint.shared, SHARED_PLAN_AGREEMENTS)
        _agreements(rng, footprint.statutory, STATUTORY_AGREEMENTS)
        footprints.append(footprint)
        for slug in trust.localities:
            by_locality.setdefault(slug, footprint)
    fallback = footprints[0]
    for plan in partnership.organisations:
        kind = plan.organisation.kind
        if kind == K.INDEPENDENT:
            continue
        if kind in (K.LOCAL_AUTHORITY, K.PUBLIC_HEALTH):
            served = (by_locality.get(slug, fallback) for slug in plan.localities)
            joins = list({footprint.trust: footprint for footprint in served}.values())
        else:
            joins = [by_locality.get(plan.home, fallback)]
        for footprint in joins:
            text = RESPONSIBILITIES.get(kind, "")
            footprint.shared.members.append((plan.slug, text))
            if kind in STATUTORY_KINDS:
                footprint.statutory.members.append((plan.slug, text))
    return footprints, by_locality


# --- staff ------------------------------------------------------------------------------

STAFF_PREFIX = "staff-"


def author_username(organisation: str, role: Role, *, locality: str = "") -> str:
    """Who writes an entry for `organisation` in `role`: a demo account where there is
    one (the trust's locality team for its own localities), else the synthetic member."""
    from joinedup.demo.accounts import REPRESENTATIVES, TEAM_ROLES

    if organisation == cat.TRUST_SLUG and role in TEAM_ROLES and locality in _CORE_LOCALITIES:
        return f"{role}.{locality}-cmht"
    if organisation in REPRESENTATIVES.values():
        return f"{role}.{organisation}"
    return f"{STAFF_PREFIX}{role}.{organisation}"


_CORE_LOCALITIES = frozenset(spec.slug for spec in cat.LOCALITIES)


def write_staff(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    """The demo accounts, then one synthetic author per role and organisation."""
    from joinedup.demo.accounts import REPRESENTATIVES, demo_accounts_create

    demo_accounts_create()
    rng = stream(partnership.seed, "staff")
    unusable = make_password(None)
    representatives = set(REPRESENTATIVES.values())
    users, roles = [], []
    for plan in partnership.organisations:
        if plan.slug in representatives:
            continue
        for role in AUTHOR_ROLES.get(plan.organisation.kind, ()):
            username = f"{STAFF_PREFIX}{role}.{plan.slug}"
            users.append(
                User(
                    username=username,
                    password=unusable,
                    first_name=rng.choice(GIVEN_NAMES),
                    last_name=rng.choice(FAMILY_NAMES),
                    email=f"{username}@example.org",
                )
            )
            roles.append((plan.slug, role))
    for batch in _batches(users, 5000):
        User.objects.bulk_create(batch)
    Membership.objects.bulk_create(
        [
            Membership(user_id=user.pk, organisation_id=loaded.organisations[slug], role=role)
            for user, (slug, role) in zip(users, roles, strict=True)
        ],
        batch_size=5000,
    )
    loaded.users = dict(User.objects.values_list("username", "id"))
    loaded.counts["staff_accounts"] = len(users)


# --- names and places -------------------------------------------------------------------

GIVEN_NAMES = (
    *cat.FIRST_NAMES,
    "Abdul",
    "Adaeze",
    "Agnieszka",
    "Ali",
    "Andrea",
    "Ben",
    "Carl",
    "Carmen",
    "Craig",
    "Dawn",
    "Dylan",
    "Ebony",
    "Eilidh",
    "Femi",
    "Gemma",
    "Hamza",
    "Helen",
    "Ian",
    "Jas",
    "Kai",
    "Kelly",
    "Kofi",
    "Lauren",
    "Leon",
    "Maisie",
    "Mandeep",
    "Mark",
    "Mia",
    "Nathan",
    "Noor",
    "Owen",
    "Paula",
    "Reece",
    "Ruth",
    "Saima",
    "Sean",
    "Simone",
    "Stacey",
    "Steve",
    "Tanya",
    "Theo",
    "Una",
    "Vikram",
    "Zainab",
    "Zak",
)
FAMILY_NAMES = (
    *cat.LAST_NAMES,
    "Asante",
    "Bailey",
    "Barker",
    "Bibi",
    "Booth",
    "Carter",
    "Chowdhury",
    "Coates",
    "Dhillon",
    "Dunn",
    "Evans",
    "Fenwick",
    "Fletcher",
    "Gallagher",
    "Haigh",
    "Holroyd",
    "Ibrahim",
    "Jagger",
    "Kelly",
    "Kumar",
    "Lee",
    "Malik",
    "Moss",
    "Nowak",
    "O'Brien",
    "Oldroyd",
    "Parkin",
    "Pearson",
    "Qureshi",
    "Rhodes",
    "Robinson",
    "Sandhu",
    "Shaw",
    "Smith",
    "Stead",
    "Taylor",
    "Thompson",
    "Ward",
    "Wilson",
    "Wright",
    "Zielinski",
)
RELATIONSHIPS = ("mother", "father", "partner", "wife", "husband", "daughter", "son",
                 "sister", "brother", "friend", "neighbour")  # fmt: skip
LANGUAGES = ("Urdu", "Punjabi", "Polish", "Bengali", "Arabic", "Romanian", "Kurdish")
ETHNIC_WEIGHTS = (
    (EthnicCategory.A, 70),
    (EthnicCategory.C, 5),
    (EthnicCategory.J, 8),
    (EthnicCategory.H, 3),
    (EthnicCategory.K, 2),
    (EthnicCategory.N, 2),
    (EthnicCategory.M, 1),
    (EthnicCategory.D, 2),
    (EthnicCategory.S, 1),
    (EthnicCategory.Z, 6),
)
_ETHNIC = [category for category, _ in ETHNIC_WEIGHTS]
_ETHNIC_CUMULATIVE = list(accumulate(weight for _, weight in ETHNIC_WEIGHTS))
_CUMULATIVE_WRITES = {
    kind: list(accumulate(weight for _, _, weight in writes)) for kind, writes in WRITES.items()
}
MOBILE_PREFIX = "07700 900"  # Ofcom's drama range for mobiles


class NhsNumbers:
    """Distinct, valid NHS numbers from the 9 range, which is never issued (test and
    synthetic patients): a seeded stride through it, skipping check digit 10."""

    def __init__(self, rng: random.Random):
        self._next = rng.randrange(100_000_000)
        self._stride = 7_919_317  # odd, not a multiple of 5: coprime to 10^8

    def __next__(self) -> str:
        while True:
            digits = f"9{self._next:08d}"
            self._next = (self._next + self._stride) % 100_000_000
            check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
            if check == 11:
                check = 0
            if check != 10:
                return f"{digits}{check}"


# --- the record's text ------------------------------------------------------------------

# (title, text) by (kind of organisation or "", category): {given} is the person's name.
TEXTS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    (K.NHS_TRUST, C.CLINICAL): (
        ("Assessment by the community mental health team",
         "Seen at home. {given} describes low mood for several months, poor sleep and "
         "withdrawing from friends. No psychotic symptoms. Plan: allocate a care "
         "coordinator; review medication with the GP; offer befriending."),
        ("Medication review",
         "Sertraline increased to 100 mg daily after discussing side effects with {given}. "
         "Review in four weeks; bloods requested through the GP."),
        ("Psychiatric outpatient review",
         "{given} reports fewer intrusive thoughts since starting the group. Mental state "
         "stable. Continue current treatment; next review in three months."),
        ("Early intervention assessment",
         "First episode of psychosis suspected: hearing voices for six weeks, not sleeping. "
         "Accepted by early intervention; care coordinator to visit twice weekly."),
    ),
    (K.NHS_TRUST, C.RISK): (
        ("Risk assessment and safety plan",
         "No current intent to act on thoughts of self-harm. Protective factors: sister, "
         "dog, allotment. Safety plan agreed with {given}; crisis line number given."),
        ("Risk review after contact with the crisis team",
         "Called the crisis line at night, distressed after an argument at home. Home "
         "treatment visited next morning; risk reduced. Review in one week."),
    ),
    (K.NHS_TRUST, C.CARE_PLAN): (
        ("Care plan: what matters to me",
         "In {given}'s words: 'to get back to the allotment', 'to sleep through the "
         "night'. Offers: weekly contact with the care coordinator, befriending at "
         "Riverside Mind, employment support. Crisis plan: call the crisis line or the "
         "care coordinator; the café is open evenings. Review in three months."),
        ("Care plan review",
         "Reviewed with {given} and their sister. Goals partly met; befriending continues; "
         "added a peer support group on Thursdays."),
    ),
    (K.NHS_TRUST, C.ACTIVITY): (
        ("Home visit", "Visited {given} at home; shopping done, mood brighter. Next visit "
         "in a week."),
        ("Phone call", "Called {given} to check on the new medication; no side effects."),
        ("Group session: managing anxiety", "{given} attended session 3 of 6."),
    ),
    (K.NHS_TRUST, C.OUTCOMES): (
        ("DIALOG scores", "DIALOG mean 3.9 (was 3.1 at referral). Biggest change: "
         "'friendships'."),
        ("ReQoL-10", "ReQoL-10 score 21 (was 14 at the start of treatment)."),
    ),
    (K.NHS_TRUST, C.REFERRAL): (
        ("Referral to befriending", "Referred {given} to Riverside Mind's befriending "
         "service, with their agreement, for company and confidence outside the house."),
        ("Referral to employment support", "Referred to the IPS employment service: "
         "{given} wants to return to work in a warehouse, part time."),
    ),
    (K.NHS_TRUST, C.CONTACT): (
        ("Best way to get in touch", "Prefers a text before a call; not before 10am. "
         "Letters to go to the home address, not to work."),
    ),
    (K.NHS_TRUST, C.DEMOGRAPHICS): (
        ("Equality monitoring updated", "Updated with {given} at the review."),
    ),
    (K.GP_PRACTICE, C.CLINICAL): (
        ("GP consultation: low mood", "{given} attended with low mood and poor sleep. "
         "PHQ-9 17. Discussed options; referred to talking therapies and started "
         "sertraline 50 mg."),
        ("Physical health check (severe mental illness)", "BP 128/82, BMI 29, HbA1c 41. "
         "Smokes 10 a day: referred to the stop smoking service."),
        ("Medication review", "Repeat prescription reviewed; no changes."),
    ),
    (K.GP_PRACTICE, C.REFERRAL): (
        ("Referral to the community mental health team", "Referred {given} for "
         "assessment: worsening mood despite treatment, not working, isolated."),
        ("Social prescribing referral", "Referred to the practice's social prescribing "
         "link worker for help with loneliness and debt."),
    ),
    (K.GP_PRACTICE, C.ACTIVITY): (
        ("Social prescribing appointment", "Met {given} for 45 minutes. Agreed to try "
         "the walking group and to see Money Matters about council tax arrears."),
        ("Mental health practitioner clinic", "Follow-up in the practice clinic; {given} "
         "is sleeping better."),
    ),
    (K.LOCAL_AUTHORITY, C.CARE_PLAN): (
        ("Care Act assessment and support plan", "{given} is eligible for support with "
         "daily living. Plan: reablement for six weeks, then a personal budget for a "
         "support worker two mornings a week."),
        ("Carer's support plan", "Carer's assessment completed with {given}'s mother: "
         "a break every other weekend through Shared Lives."),
    ),
    (K.LOCAL_AUTHORITY, C.ACTIVITY): (
        ("Social work visit", "Visited {given} with the housing officer about the "
         "repairs; landlord contacted."),
        ("Review meeting", "Six-week review of reablement with {given}."),
    ),
    (K.LOCAL_AUTHORITY, C.RISK): (
        ("Social care risk assessment", "Risk of self-neglect: not eating regularly "
         "when low. Daily welfare call arranged for two weeks."),
    ),
    (K.LOCAL_AUTHORITY, C.SAFEGUARDING): (
        ("Safeguarding concern: section 42 enquiry", "Concern raised by the befriender "
         "about financial abuse by a lodger. Enquiry opened; police informed with "
         "{given}'s agreement."),
        ("Safeguarding enquiry closed", "Lodger has left; {given} has a new bank card "
         "and an appointee arrangement. No further action."),
    ),
    (K.PUBLIC_HEALTH, C.ACTIVITY): (
        ("Stop smoking session", "Week 4 of 12: {given} has cut down to 3 a day with "
         "patches."),
    ),
    (K.PUBLIC_HEALTH, C.OUTCOMES): (
        ("NHS Health Check", "Cardiovascular risk 8% over ten years; advice on activity "
         "and alcohol given."),
    ),
    (K.VCSE, C.ACTIVITY): (
        ("Befriending visit", "Walked to the park and had a coffee. {given} talked about "
         "their sister's visit and laughed a lot."),
        ("Day centre", "{given} came to the day centre for lunch and stayed for the art "
         "group."),
        ("Peer support group", "{given} attended the Thursday group and spoke for the "
         "first time."),
        ("Phone call", "Called {given} to arrange the next visit; all well."),
    ),
    (K.VCSE, C.CARE_PLAN): (
        ("Our part in the care plan", "Weekly befriending for six months, then a "
         "volunteer role at the café if {given} wants it."),
    ),
    (K.VCSE, C.CONTACT): (
        ("Contact preferences", "Text first; {given} does not answer unknown numbers."),
    ),
    (K.VCSE, C.OUTCOMES): (
        ("Wellbeing score (SWEMWBS)", "SWEMWBS 21.5 (was 18.6 at referral)."),
    ),
    (K.VCSE, C.RISK): (
        ("Concern passed to the care coordinator", "{given} said they felt 'at the end "
         "of my rope' during the visit. Followed the risk procedure: called the care "
         "coordinator, who is visiting today."),
    ),
    (K.INDEPENDENT, C.CLINICAL): (
        ("Counselling assessment", "Bereavement and low mood since a parent died last "
         "year. Agreed 12 sessions of person-centred counselling."),
    ),
    (K.INDEPENDENT, C.ACTIVITY): (
        ("Counselling session", "Session {n} of 12 with {given}."),
    ),
    (K.INDEPENDENT, C.OUTCOMES): (("CORE-10", "CORE-10 score 14 (was 22 at assessment)."),),
}  # fmt: skip
SEALED_TEXT = (
    "Disclosure about a family member",
    "{given} disclosed information about a relative's health, in confidence. Recorded for "
    "the treating team only.",
)


# --- the plan of one person ---------------------------------------------------------------


@dataclass
class EntryPlan:
    entry: RecordEntry
    organisation: str  # slug
    author: str  # username
    corrects: int | None = None  # index of the entry this one corrects, in the person's list


@dataclass
class ConsentPlan:
    consents: list[Consent]  # one decision, one row per category
    partnership: str | None  # slug
    organisation: str | None  # slug
    recorded_by: str  # username


@dataclass
class RelationshipPlan:
    relationship: CareRelationship
    organisation: str
    user: str | None = None


@dataclass
class PersonPlan:
    person: Person
    locality: str
    gp: str | None
    created_by: str
    relationships: list[RelationshipPlan] = field(default_factory=list)
    entries: list[EntryPlan] = field(default_factory=list)
    consents: list[ConsentPlan] = field(default_factory=list)
    related: list[RelatedPerson] = field(default_factory=list)
    portal_username: str = ""


@dataclass(frozen=True)
class CastMember:
    """One of the hand-written people present at every size (the first ones at small)."""

    given: str
    family: str
    born: date
    locality: str
    gp: str
    # (organisation slug, relationship kind, the worker's own username or "")
    cares: tuple[tuple[str, str, str], ...]
    story: tuple[tuple[str, str, str, str], ...] = ()  # (org, category, title, text)
    preferred: str = ""
    pronouns: str = ""
    carer: tuple[str, str] = ("", "")  # (name, relationship)
    consent: str = ""  # "explicit", "objection", "expired", "withdrawn"
    portal: bool = False


_CARE, _CASE, _REF, _ALLOC = (
    RelationshipKind.CARE_TEAM,
    RelationshipKind.CASELOAD,
    RelationshipKind.REFERRAL,
    RelationshipKind.ALLOCATION,
)
TRUST = cat.TRUST_SLUG
CAST = (
    CastMember(
        "Alex",
        "Carter",
        date(1986, 3, 14),
        "north",
        "highfield-medical-practice",
        (
            (TRUST, _CASE, ""),
            (TRUST, _CARE, "care_coordinator.north-cmht"),
            ("riverside-mind", _CASE, ""),
            ("highfield-medical-practice", _CASE, ""),
        ),
        story=(
            (
                "riverside-mind",
                C.ACTIVITY,
                "Befriending: first visit",
                "Met Alex at home with the care coordinator. Agreed weekly visits on "
                "Tuesdays; Alex would like to try the allotment group.",
            ),
            (
                TRUST,
                C.CARE_PLAN,
                "Care plan: what matters to Alex",
                "In Alex's words: 'get back to the allotment', 'see my sister more'. Offers: "
                "care coordinator weekly; Riverside Mind befriending; IPS employment support "
                "later. Crisis plan: the crisis line, then the Lighthouse café.",
            ),
        ),
        pronouns="they/them",
        carer=("Jo Carter", "sister"),
        consent="explicit",
        portal=True,
    ),
    CastMember(
        "Bilal",
        "Hussain",
        date(1979, 11, 2),
        "south",
        "southbank-surgery",
        (
            (TRUST, _CASE, ""),
            ("riverside-mind", _CASE, ""),
            ("city-council", _ALLOC, ""),
            ("southbank-surgery", _CASE, ""),
        ),
        story=(
            (
                "city-council",
                C.CARE_PLAN,
                "Care Act assessment and support plan",
                "Bilal is eligible for support with managing money and keeping his flat. "
                "Plan: a support worker two mornings a week; Riverside Mind day centre.",
            ),
        ),
        carer=("Samina Hussain", "wife"),
        consent="objection",
    ),
    CastMember(
        "Niamh",
        "Walsh",
        date(1994, 6, 21),
        "east",
        "eastgate-medical-practice",
        (
            (TRUST, _CASE, ""),
            ("listening-ear", _CASE, ""),
            ("city-council", _ALLOC, ""),
            ("eastgate-medical-practice", _CASE, ""),
        ),
        story=(
            (
                TRUST,
                C.CLINICAL,
                "Perinatal mental health assessment",
                "Seen eight weeks after the birth of her son. Low mood, intrusive worries "
                "about the baby's safety. Accepted by the perinatal team.",
            ),
            (
                "city-council",
                C.SAFEGUARDING,
                "Safeguarding: information from a third party",
                "Information received from a relative about the baby's father. Shared with "
                "the perinatal team; not to be shown to Niamh (third-party information).",
            ),
        ),
        pronouns="she/her",
        consent="explicit",
        portal=True,
    ),
    CastMember(
        "Tom",
        "Greenwood",
        date(1958, 1, 30),
        "north",
        "highfield-medical-practice",
        (("highfield-medical-practice", _CASE, ""), ("riverside-mind", _REF, "")),
        story=(
            (
                "highfield-medical-practice",
                C.REFERRAL,
                "Social prescribing referral",
                "Tom has been on his own since his wife died; referred to Riverside Mind's "
                "befriending and the men's shed.",
            ),
        ),
        preferred="Tommy",
        portal=True,
    ),
    CastMember(
        "Grace",
        "Okafor",
        date(2001, 9, 9),
        "south",
        "southbank-surgery",
        (
            (TRUST, _CASE, ""),
            ("northern-lights-peer-support", _CASE, ""),
            ("pathways-employment", _CASE, ""),
            ("southbank-surgery", _CASE, ""),
        ),
        story=(
            (
                TRUST,
                C.CLINICAL,
                "Early intervention in psychosis: assessment",
                "Hearing voices for two months, stopped going to college. Accepted by early "
                "intervention; care coordinator and peer support worker allocated.",
            ),
        ),
        pronouns="she/her",
        consent="explicit",
    ),
    CastMember(
        "Marek",
        "Novak",
        date(1971, 4, 17),
        "east",
        "eastgate-medical-practice",
        (
            (TRUST, _REF, ""),
            ("keystone-housing", _CASE, ""),
            ("city-council", _CASE, ""),
            ("eastgate-medical-practice", _CASE, ""),
        ),
        story=(
            (
                "keystone-housing",
                C.ACTIVITY,
                "Tenancy support visit",
                "Helped Marek fill in the housing benefit review; gas meter topped up.",
            ),
        ),
        consent="withdrawn",
    ),
    CastMember(
        "Rosa",
        "Lindqvist",
        date(1990, 12, 5),
        "south",
        "southbank-surgery",
        (("oakwood-counselling", _CASE, ""), ("southbank-surgery", _CASE, "")),
        pronouns="she/her",
    ),
    CastMember(
        "Yusuf",
        "Rahman",
        date(1966, 7, 23),
        "north",
        "highfield-medical-practice",
        (
            (TRUST, _CASE, ""),
            ("brackenford-carers", _CASE, ""),
            ("city-public-health", _CASE, ""),
            ("highfield-medical-practice", _CASE, ""),
        ),
        carer=("Amina Rahman", "mother"),
        consent="expired",
    ),
    CastMember(
        "Chloe",
        "Sutcliffe",
        date(1998, 2, 11),
        "west",
        "westwood-surgery",
        (
            (TRUST, _CASE, ""),
            ("hearing-voices-brackenford", _CASE, ""),
            ("canvas-arts", _CASE, ""),
            ("westwood-surgery", _CASE, ""),
        ),
        pronouns="she/her",
        consent="explicit",
    ),
    CastMember(
        "Wendy",
        "Naylor",
        date(1947, 8, 3),
        "west",
        "the-park-surgery",
        (
            (TRUST, _CASE, ""),
            ("age-well", _CASE, ""),
            ("city-council", _CASE, ""),
            ("the-park-surgery", _CASE, ""),
        ),
        carer=("Ian Naylor", "son"),
    ),
    CastMember(
        "Jamie",
        "Thornton",
        date(2006, 5, 29),
        "east",
        "thornbury-surgery",
        (
            ("youth-space", _CASE, ""),
            ("riverside-mind", _CASE, ""),
            ("thornbury-surgery", _CASE, ""),
        ),
        pronouns="he/him",
    ),
    CastMember(
        "Fatima",
        "Begum",
        date(1983, 10, 12),
        "south",
        "riverside-practice",
        (
            (TRUST, _CASE, ""),
            ("safe-haven-womens-aid", _CASE, ""),
            ("city-council", _ALLOC, ""),
            ("riverside-practice", _CASE, ""),
        ),
        pronouns="she/her",
        consent="explicit",
    ),
)


class _World:
    """What planning a person needs to know of the partnership, by locality."""

    def __init__(self, partnership: Partnership, by_locality: dict[str, Footprint]):
        self.localities = {plan.slug: plan for plan in partnership.localities}
        self.kinds = {p.slug: p.organisation.kind for p in partnership.organisations}
        self.footprint = by_locality
        self.fallback = next(iter(by_locality.values()))
        near: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for plan in partnership.organisations:
            kind = plan.organisation.kind
            served = plan.localities if kind != K.GP_PRACTICE else (plan.home,)
            for slug in served:
                near[slug][kind].append(plan.slug)
        self.near = near
        self.trust_of = {slug: fp.trust for slug, fp in by_locality.items()}
        self.slugs = list(self.localities)
        # A GP practice for every locality, the nearest that exists (small has three).
        all_gps = [
            p.slug for p in partnership.organisations if p.organisation.kind == K.GP_PRACTICE
        ]
        self.gps = {slug: near[slug][K.GP_PRACTICE] or all_gps for slug in self.slugs}

    def shared_of(self, locality: str) -> PartnershipPlan:
        return self.footprint.get(locality, self.fallback).shared


_TEMPLATES: dict[type, dict] = {}


def _new(model, **values):
    """An unsaved instance for bulk_create, made without Model.__init__, which is the
    most of planning's time at ICS size: every concrete field starts at its default
    (callable defaults are always given here, apart from JSON's empty dict, which
    nothing changes), then takes `values`."""
    template = _TEMPLATES.get(model)
    if template is None:
        template = {f.attname: f.get_default() for f in model._meta.concrete_fields}
        _TEMPLATES[model] = template
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(template)
    instance.__dict__.update(values)
    return instance


def _when(rng: random.Random, earliest: datetime, latest: datetime = ANCHOR) -> datetime:
    span = max(1, int((latest - earliest).total_seconds()))
    moment = earliest + timedelta(seconds=rng.randrange(span))
    return moment.replace(microsecond=0)


def _phone(rng) -> str:
    return f"{MOBILE_PREFIX}{rng.randrange(1000):03d}"


def _person(rng, world: _World, nhs: NhsNumbers, *, given, family, born, locality, gp, **extra):
    plan = world.localities[locality]
    channel = rng.choice(
        (
            PreferredChannel.PHONE,
            PreferredChannel.SMS,
            PreferredChannel.SMS,
            PreferredChannel.EMAIL,
            PreferredChannel.LETTER,
            "",
        )
    )
    language = rng.choice(LANGUAGES) if rng.random() < 0.06 else ""
    person = _new(
        Person,
        public_id=new_uuid(rng),
        nhs_number=next(nhs) if rng.random() < 0.97 else "",
        given_name=given,
        family_name=family,
        date_of_birth=born,
        phone=_phone(rng) if rng.random() < 0.9 else "",
        email=f"{given}.{family}{rng.randrange(100)}@example.org".lower().replace("'", "")
        if rng.random() < 0.4
        else "",
        preferred_channel=channel,
        address_1=f"{rng.randint(1, 240)} {rng.choice(cat.STREETS)}",
        address_2=rng.choice(plan.neighbourhoods),
        city=cat.CITY,
        postcode=_postcode(rng, plan.district),
        preferred_language=language,
        interpreter_required=bool(language) and rng.random() < 0.5,
        communication_needs="Easy read letters, please." if rng.random() < 0.03 else "",
        ethnic_category=rng.choices(_ETHNIC, cum_weights=_ETHNIC_CUMULATIVE)[0],
        gender_identity=rng.choice(
            (GenderIdentity.MALE, GenderIdentity.FEMALE) * 9
            + (GenderIdentity.NON_BINARY, GenderIdentity.NOT_STATED)
        ),
        sexual_orientation=rng.choice(
            (SexualOrientation.HETEROSEXUAL,) * 8
            + (
                SexualOrientation.GAY_LESBIAN,
                SexualOrientation.BISEXUAL,
                SexualOrientation.NOT_STATED,
            )
        ),
        has_disability=rng.random() < 0.25,
        **extra,
    )
    return PersonPlan(person, locality=locality, gp=gp, created_by=gp or "")


def _relationship(rng, plan: PersonPlan, organisation: str, kind: str, user: str = "") -> None:
    since = _when(rng, ANCHOR - timedelta(days=3 * 365), ANCHOR - timedelta(days=14))
    until = None
    if kind == RelationshipKind.REFERRAL and rng.random() < 0.1:
        until = _when(rng, since, ANCHOR)  # a referral that ended
    reasons = {
        RelationshipKind.REFERRAL: "Referred to the team",
        RelationshipKind.ALLOCATION: "Allocated at the integrated local team meeting",
        RelationshipKind.CASELOAD: "On the team's caseload",
        RelationshipKind.CARE_TEAM: "Named worker in the care team",
    }
    plan.relationships.append(
        RelationshipPlan(
            _new(
                CareRelationship,
                public_id=new_uuid(rng),
                kind=kind,
                since=since,
                until=until,
                reason=reasons[kind],
            ),
            organisation,
            user or None,
        )
    )


def _write_entries(rng, world: _World, plan: PersonPlan, organisation: str, count: int) -> None:
    kind = world.kinds[organisation]
    writes = WRITES.get(kind, ())
    if not writes:
        return
    since = min(r.relationship.since for r in plan.relationships if r.organisation == organisation)
    cumulative = _CUMULATIVE_WRITES[kind]
    for _ in range(count):
        category, role, _ = rng.choices(writes, cum_weights=cumulative)[0]
        title, text = rng.choice(TEXTS[(kind, category)])
        sealed = category == C.CLINICAL and rng.random() < 0.04
        if sealed:
            title, text = SEALED_TEXT
        _add_entry(
            rng,
            plan,
            organisation,
            category,
            role,
            title,
            text,
            since,
            sealed=sealed,
            withheld=sealed or category == C.SAFEGUARDING,
        )


def _add_entry(rng, plan, organisation, category, role, title, text, since, **flags) -> None:
    author = author_username(organisation, role, locality=plan.locality)
    text = text.format(
        given=plan.person.preferred_name or plan.person.given_name, n=rng.randint(2, 11)
    )
    entry = _new(
        RecordEntry,
        public_id=new_uuid(rng),
        category=category,
        author_role=role,
        title=title,
        text=text,
        sealed=flags.get("sealed", False),
        withheld_from_person=flags.get("withheld", False),
        created_at=_when(rng, since),
    )
    plan.entries.append(EntryPlan(entry, organisation, author))


def _correction(rng, plan: PersonPlan) -> None:
    """A later version of one of the person's entries, as `entry_correct` makes."""
    index = rng.randrange(len(plan.entries))
    original = plan.entries[index]
    if original.corrects is not None:
        return
    entry = original.entry
    plan.entries.append(
        EntryPlan(
            _new(
                RecordEntry,
                public_id=new_uuid(rng),
                category=entry.category,
                author_role=entry.author_role,
                title=entry.title,
                text=entry.text + " (Corrected: the date of the next review is a month later.)",
                sealed=entry.sealed,
                withheld_from_person=entry.withheld_from_person,
                correction_reason="Wrong review date",
                created_at=_when(rng, entry.created_at),
            ),
            original.organisation,
            original.author,
            corrects=index,
        )
    )


def _recorder(plan: PersonPlan, world: _World) -> tuple[str, str]:
    """(organisation, username) of whoever records the person's consent: their care
    coordinator's team if they have one, else the first team that cares for them."""
    caring = [r.organisation for r in plan.relationships]
    chosen = next((o for o in caring if world.kinds[o] == K.NHS_TRUST), caring[0])
    role = Role.CARE_COORDINATOR if world.kinds[chosen] == K.NHS_TRUST else Role.PRACTITIONER
    if role not in AUTHOR_ROLES[world.kinds[chosen]]:
        role = AUTHOR_ROLES[world.kinds[chosen]][0]
    return chosen, author_username(chosen, role, locality=plan.locality)


def _decision(rng, plan, world, state, categories, *, organisation=None, note="", **times):
    _, recorder = _recorder(plan, world)
    earliest = min(r.relationship.since for r in plan.relationships)
    recorded_at = times.get("recorded_at") or _when(rng, earliest)
    decision_id = new_uuid(rng)
    how = rng.choice((HowGiven.IN_PERSON, HowGiven.IN_PERSON, HowGiven.WRITTEN, HowGiven.PHONE))
    rows = [
        _new(
            Consent,
            public_id=new_uuid(rng),
            decision_id=decision_id,
            category=category,
            state=state,
            how_given=how,
            recorded_at=recorded_at,
            expires_at=times.get("expires_at"),
            withdrawn_at=times.get("withdrawn_at"),
            note=note,
        )
        for category in categories
    ]
    scope = None if organisation else world.shared_of(plan.locality).partnership.slug
    plan.consents.append(ConsentPlan(rows, scope, organisation, recorder))
    return recorded_at


def _consents(rng, plan: PersonPlan, world: _World, choice: str) -> None:
    if choice == "implied" or rng.random() < 0.3:
        _decision(
            rng,
            plan,
            world,
            ConsentState.IMPLIED,
            _PLAN_ACTIVITY,
            note="Sharing for direct care explained at assessment; no objection.",
        )
    if choice in ("explicit", "expired", "withdrawn"):
        times = {}
        if choice == "expired":
            recorded = _when(rng, ANCHOR - timedelta(days=3 * 365), ANCHOR - timedelta(days=400))
            times = {"recorded_at": recorded, "expires_at": recorded + timedelta(days=365)}
        recorded = _decision(
            rng,
            plan,
            world,
            ConsentState.EXPLICIT,
            EXPLICIT_CATEGORIES,
            note="Agreed that the partners' support workers may see risk, demographics "
            "and wellbeing scores.",
            **times,
        )
        if choice == "withdrawn":
            withdrawn = _when(rng, recorded)
            for row in plan.consents[-1].consents:
                row.withdrawn_at = withdrawn
    elif choice == "objection":
        vcse = [r.organisation for r in plan.relationships if world.kinds[r.organisation] == K.VCSE]
        if vcse and rng.random() < 0.5:
            _decision(
                rng,
                plan,
                world,
                ConsentState.OBJECTION,
                list(_WORKING),
                organisation=vcse[0],
                note="Does not want this organisation to see the rest of the record.",
            )
        else:
            _decision(
                rng,
                plan,
                world,
                ConsentState.OBJECTION,
                (C.CARE_PLAN, C.ACTIVITY),
                note="Does not want the care plan shared beyond the team that wrote it.",
            )
    elif choice == "override":
        _decision(
            rng,
            plan,
            world,
            ConsentState.OVERRIDE,
            (C.RISK,),
            note="Override: serious risk to others; decided by the Caldicott guardian.",
        )


def _related(rng, plan: PersonPlan, name: str = "", relationship: str = "") -> None:
    relationship = relationship or rng.choice(RELATIONSHIPS)
    name = name or f"{rng.choice(GIVEN_NAMES)} {plan.person.family_name}"
    agrees = rng.random() < 0.7
    plan.related.append(
        _new(
            RelatedPerson,
            public_id=new_uuid(rng),
            name=name,
            relationship=relationship,
            is_carer=relationship not in ("friend", "neighbour") and rng.random() < 0.6,
            phone=_phone(rng),
            consents_to_contact=agrees,
            consent_recorded_on=_when(rng, ANCHOR - timedelta(days=700)).date() if agrees else None,
        )
    )


def _plan_cast(rng, world: _World, nhs: NhsNumbers, member: CastMember, rich: bool):
    gp = member.gp if member.gp in world.kinds else world.gps[member.locality][0]
    plan = _person(
        rng,
        world,
        nhs,
        given=member.given,
        family=member.family,
        born=member.born,
        locality=member.locality,
        gp=gp,
        preferred_name=member.preferred,
        pronouns=member.pronouns,
    )
    for organisation, kind, user in member.cares:
        if organisation not in world.kinds:
            continue
        organisation = gp if world.kinds[organisation] == K.GP_PRACTICE else organisation
        _relationship(rng, plan, organisation, kind, user)
    plan.created_by = plan.relationships[0].organisation
    for organisation in dict.fromkeys(r.organisation for r in plan.relationships):
        _write_entries(rng, world, plan, organisation, rng.randint(2, 4) if rich else 2)
    for organisation, category, title, text in member.story:
        if organisation in world.kinds:
            role = next(r for c, r, _ in WRITES[world.kinds[organisation]] if c == category)
            since = plan.relationships[0].relationship.since
            withheld = category == C.SAFEGUARDING
            _add_entry(
                rng, plan, organisation, category, role, title, text, since, withheld=withheld
            )
    _correction(rng, plan)
    _consents(rng, plan, world, member.consent or "implied")
    if member.carer[0]:
        _related(rng, plan, *member.carer)
    if member.portal:
        plan.portal_username = f"person.{member.given}-{member.family}".lower()
    return plan


def _pick(rng, options: list[str], favourite: str = "", share: float = 0.0) -> str:
    if favourite in options and rng.random() < share:
        return favourite
    return rng.choice(options)


def _plan_generated(rng, world: _World, nhs: NhsNumbers, rich: bool) -> PersonPlan:
    locality = rng.choice(world.slugs)
    near = world.near[locality]
    gps = world.gps[locality]
    gp = rng.choice(gps)
    age = min(95, max(18, int(rng.gauss(44, 17))))
    born = (ANCHOR - timedelta(days=age * 365 + rng.randrange(365))).date()
    plan = _person(
        rng,
        world,
        nhs,
        given=rng.choice(GIVEN_NAMES),
        family=rng.choice(FAMILY_NAMES),
        born=born,
        locality=locality,
        gp=gp,
    )
    if rng.random() < 0.75:
        _relationship(rng, plan, gp, _CASE)
    trust = world.trust_of.get(locality)
    if trust and rng.random() < 0.55:
        roll = rng.random()
        _relationship(rng, plan, trust, _REF if roll < 0.15 else _ALLOC if roll < 0.3 else _CASE)
    vcse = near.get(K.VCSE, [])
    if vcse and rng.random() < 0.4:
        first = _pick(rng, vcse, "riverside-mind", 0.3)
        _relationship(rng, plan, first, rng.choice((_CASE, _CASE, _REF, _CARE)))
        if rng.random() < 0.3:
            second = rng.choice(vcse)
            if second != first:
                _relationship(rng, plan, second, _CASE)
    for kind, share in ((K.LOCAL_AUTHORITY, 0.12), (K.PUBLIC_HEALTH, 0.03), (K.INDEPENDENT, 0.04)):
        options = near.get(kind, [])
        if options and rng.random() < share:
            _relationship(rng, plan, rng.choice(options), _CASE)
    if not plan.relationships:
        _relationship(rng, plan, gp, _CASE)
    plan.created_by = plan.relationships[0].organisation
    for organisation in dict.fromkeys(r.organisation for r in plan.relationships):
        count = rng.randint(2, 5) if rich else rng.choice((0, 1, 1, 1, 2, 2, 3))
        _write_entries(rng, world, plan, organisation, count)
    if plan.entries and rng.random() < (0.1 if rich else 0.005):
        _correction(rng, plan)
    roll = rng.random()
    choice = (
        "objection"
        if roll < 0.02
        else "override"
        if roll < 0.023
        else "expired"
        if roll < 0.04
        else "withdrawn"
        if roll < 0.055
        else "explicit"
        if roll < 0.25
        else ""
    )
    _consents(rng, plan, world, choice)
    if rng.random() < 0.15:
        _related(rng, plan)
    return plan


def plan_people(partnership: Partnership, by_locality: dict[str, Footprint]) -> Iterator:
    """Every person of the partnership, planned lazily and identically on every call:
    the cast first (as many as the size holds), then generated people."""
    rng = stream(partnership.seed, "people")
    world = _World(partnership, by_locality)
    nhs = NhsNumbers(rng)
    total = partnership.size.people
    rich = total <= 1_000
    for member in CAST[:total]:
        yield _plan_cast(rng, world, nhs, member, rich)
    for _ in range(total - min(total, len(CAST))):
        yield _plan_generated(rng, world, nhs, rich)


# --- writing ------------------------------------------------------------------------------


@contextmanager
def _keeping_created_at(*models):
    """Let bulk_create keep the planned `created_at` (a record written over years),
    which `auto_now_add` would otherwise replace with the moment of the load."""
    fields = [model._meta.get_field("created_at") for model in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def write_people(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    footprints, by_locality = plan_footprints(partnership)
    partnerships = _write_partnerships(footprints, loaded)
    plans = plan_people(partnership, by_locality)
    if progress:
        from tqdm import tqdm

        plans = tqdm(plans, total=partnership.size.people, unit="person", mininterval=2)
    with _keeping_created_at(Person, RecordEntry):
        for batch in _batches(plans, BATCH):
            _write_batch(batch, loaded, partnerships)


def _write_partnerships(footprints: list[Footprint], loaded: Loaded) -> dict[str, int]:
    plans = [p for fp in footprints for p in (fp.shared, fp.statutory)]
    for plan in plans:
        plan.partnership.lead_organisation_id = loaded.organisations[plan.lead]
    PartnershipRow.objects.bulk_create([p.partnership for p in plans])
    members, agreements, rules = [], [], []
    for plan in plans:
        members += [
            PartnershipMember(
                partnership_id=plan.partnership.pk,
                organisation_id=loaded.organisations[slug],
                responsibilities=text,
                joined_on=FOUNDED,
            )
            for slug, text in plan.members
        ]
        for agreement, _ in plan.agreements:
            agreement.partnership_id = plan.partnership.pk
            agreements.append(agreement)
    PartnershipMember.objects.bulk_create(members, batch_size=5000)
    InformationSharingAgreement.objects.bulk_create(agreements)
    for plan in plans:
        for agreement, rows in plan.agreements:
            for row in rows:
                row.agreement_id = agreement.pk
            rules += rows
    SharingRule.objects.bulk_create(rules)
    loaded.counts.update(
        partnerships=len(plans),
        partnership_members=len(members),
        agreements=len(agreements),
        sharing_rules=len(rules),
    )
    return {p.partnership.slug: p.partnership.pk for p in plans}


def _write_batch(plans: list[PersonPlan], loaded: Loaded, partnerships: dict[str, int]) -> None:
    orgs, users = loaded.organisations, loaded.users
    for plan in plans:
        plan.person.gp_practice_id = orgs[plan.gp] if plan.gp else None
        plan.person.created_by_organisation_id = orgs[plan.created_by]
        plan.person.created_at = min(r.relationship.since for r in plan.relationships)
        if plan.portal_username:
            plan.person.portal_user_id = _portal_account(plan, users)
            loaded.portal_accounts.append(plan.portal_username)
    Person.objects.bulk_create([plan.person for plan in plans])
    related, relationships, originals, corrections, consents = [], [], [], [], []
    for plan in plans:
        person_id = plan.person.pk
        for row in plan.related:
            row.person_id = person_id
        related += plan.related
        for r in plan.relationships:
            r.relationship.person_id = person_id
            r.relationship.organisation_id = orgs[r.organisation]
            r.relationship.user_id = users[r.user] if r.user else None
            relationships.append(r.relationship)
        for e in plan.entries:
            e.entry.person_id = person_id
            e.entry.owning_organisation_id = orgs[e.organisation]
            e.entry.author_id = users[e.author]
            (originals if e.corrects is None else corrections).append(e)
        for decision in plan.consents:
            for row in decision.consents:
                row.person_id = person_id
                row.partnership_id = (
                    partnerships[decision.partnership] if decision.partnership else None
                )
                row.organisation_id = orgs[decision.organisation] if decision.organisation else None
                row.recorded_by_id = users[decision.recorded_by]
                if row.withdrawn_at:
                    row.withdrawn_by_id = row.recorded_by_id
                consents.append(row)
    RelatedPerson.objects.bulk_create(related, batch_size=5000)
    CareRelationship.objects.bulk_create(relationships, batch_size=5000)
    RecordEntry.objects.bulk_create([e.entry for e in originals], batch_size=5000)
    for plan in plans:
        for e in plan.entries:
            if e.corrects is not None:
                e.entry.supersedes_id = plan.entries[e.corrects].entry.pk
    RecordEntry.objects.bulk_create([e.entry for e in corrections], batch_size=5000)
    Consent.objects.bulk_create(consents, batch_size=5000)
    loaded.counts.update(
        people=len(plans),
        related_people=len(related),
        care_relationships=len(relationships),
        record_entries=len(originals) + len(corrections),
        consents=len(consents),
    )


def _portal_account(plan: PersonPlan, users: dict[str, int]) -> int:
    """The person's own account: no membership, no usable password until `joinedup
    demo` gives the demo's accounts theirs."""
    user = User.objects.create(
        username=plan.portal_username,
        password=make_password(None),
        first_name=plan.person.given_name,
        last_name=plan.person.family_name,
        email=f"{plan.portal_username}@example.org",
        is_person_account=True,
    )
    users[user.username] = user.pk
    return user.pk


def _batches(items, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def plan_summary(partnership: Partnership, limit: int | None = None) -> Counter:
    """Rows the people stage would write for the first `limit` people (no database)."""
    _, by_locality = plan_footprints(partnership)
    counts: Counter = Counter()
    for plan in islice(plan_people(partnership, by_locality), limit):
        counts.update(
            people=1,
            record_entries=len(plan.entries),
            consents=sum(len(d.consents) for d in plan.consents),
            care_relationships=len(plan.relationships),
            related_people=len(plan.related),
        )
    return counts
