"""The synthetic partnership, deterministic from a seed, at four sizes (DESIGN.md §9).

`Partnership(size, seed)` plans the partnership as unsaved model instances: pure data,
no database, the same for the same size and seed down to every UUID. `load(partnership)`
writes it with bulk inserts, so the ICS size builds on PostgreSQL in minutes.

Every size holds the hand-written demo partnership (`benchmarks.catalogue`: City NHS
Mental Health Trust, Riverside Mind and the rest) at its core, so the demo accounts and
the examples in the docs work at any size; the larger sizes add generated organisations
around it until they reach their totals.

Each part of the plan draws from its own random stream (`stream(seed, part)`), so adding
a part later does not change the parts already there.

Later stages add further data — the shared record (`benchmarks.people`: 400,000 people
at ICS size, 4 million national), and later referrals (1 million / 10 million) and
contacts (10 million at ICS size) — each a function `(partnership, loaded, progress)`
in `STAGES` that plans from its own stream and writes with bulk inserts, finding what
earlier stages wrote through `Loaded`.
"""

import importlib
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import time
from itertools import islice

from django.db import transaction
from django.utils.text import slugify

from benchmarks import catalogue as cat
from joinedup.directory import taxonomy_data
from joinedup.directory.models import (
    CapacityStatus,
    Contact,
    Locality,
    Location,
    Organisation,
    OrganisationKind,
    Reach,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from joinedup.directory.services import search_document_for


@dataclass(frozen=True)
class Size:
    """How big a partnership to build. Zero organisations means the hand-written one only."""

    name: str
    organisations: int = 0
    services: int = 0
    localities: int = len(cat.LOCALITIES)
    trusts: int = 1
    gp_practices: int = len(cat.GP_PRACTICE_NAMES)
    councils: int = 1
    public_health: int = 1
    core_only_small: bool = False
    # People in the shared record (benchmarks.people): the hand-written cast, then
    # generated people up to this total.
    people: int = 60
    # Referrals written in bulk as years of history (benchmarks.referral_history); the
    # demo's own dozen are made through the state machine (benchmarks.referrals).
    referrals: int = 0
    referrals_rescaled: bool = False

    @property
    def is_generated(self) -> bool:
        return self.organisations > 0

    @property
    def label(self) -> str:
        label = self.name if not self.is_generated else f"{self.name}-{self.services}"
        return f"{label}-r{self.referrals}" if self.referrals_rescaled else label


SIZES = {
    "small": Size("small", core_only_small=True, people=8),
    "demo": Size("demo"),
    # DESIGN.md §9: an ICS has ~150 GP practices and thousands of VCSE organisations.
    "ics": Size(
        "ics",
        organisations=5_000,
        services=20_000,
        localities=40,
        trusts=2,
        gp_practices=150,
        councils=2,
        public_health=1,
        people=400_000,
        referrals=1_000_000,
    ),
    # England: about 6,300 GP practices, 50 mental health trusts, 150 councils.
    "national": Size(
        "national",
        organisations=25_000,
        services=100_000,
        localities=200,
        trusts=50,
        gp_practices=6_300,
        councils=150,
        public_health=150,
        people=4_000_000,
        referrals=10_000_000,
    ),
}


def size_named(name: str, *, services: int | None = None, referrals: int | None = None) -> Size:
    """A size by name; `services` rescales a generated size (the 10k/100k ratio scenario)
    and `referrals` sets how many referrals of history it holds (the worklist's
    1M/10k ratio)."""
    if name not in SIZES:
        raise ValueError(f"unknown size {name!r}: choose from {', '.join(SIZES)}")
    size = SIZES[name]
    if services is not None and services != size.services:
        size = _rescaled(name, size, services)
    if referrals is not None and referrals != size.referrals:
        size = replace(size, referrals=referrals, referrals_rescaled=True)
    return size


def _rescaled(name: str, size: Size, services: int) -> Size:
    if not size.is_generated:
        raise ValueError(f"the {name} size is hand-written: only ics and national rescale")
    factor = services / size.services
    demo = SIZES["demo"]

    def scaled(n: int, floor: int) -> int:
        return max(floor, round(n * factor))

    return replace(
        size,
        organisations=scaled(size.organisations, 200),
        services=services,
        localities=scaled(size.localities, demo.localities),
        trusts=scaled(size.trusts, 1),
        gp_practices=scaled(size.gp_practices, demo.gp_practices),
        councils=scaled(size.councils, 1),
        public_health=scaled(size.public_health, 1),
        people=scaled(size.people, demo.people),
        referrals=scaled(size.referrals, 0),
    )


def stream(seed: int, part: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so it is stable across runs and
    # independent of PYTHONHASHSEED.
    return random.Random(f"joinedup:{seed}:{part}")


def acting_user(username: str):
    """The user named, acting as their active membership (as a logged-in request would
    be), for stages that write through the services; None if there is no such member."""
    from joinedup.accounts.models import Membership

    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(user__username=username, is_active=True)
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    user.acting_membership = membership
    return user


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def term_names() -> dict[str, str]:
    """Code -> name of every shipped taxonomy term, read from the file migration 0003 loads."""
    names: dict[str, str] = {}

    def walk(terms):
        for term in terms:
            names[term["code"]] = term["name"]
            walk(term.get("children", []))

    for taxonomy in json.loads(taxonomy_data.DATA.read_text())["taxonomies"]:
        walk(taxonomy["terms"])
    return names


@dataclass
class LocalityPlan:
    locality: Locality
    neighbourhoods: tuple[str, ...]
    district: str

    @property
    def slug(self) -> str:
        return self.locality.slug


@dataclass
class OrganisationPlan:
    organisation: Organisation
    home: str  # locality slug
    localities: tuple[str, ...]
    offers: list[cat.OfferedService]
    locations: dict[str, Location] = field(default_factory=dict)  # by locality slug
    # The hand-written core is shown whole in the demo; generated services vary in status.
    core: bool = True

    @property
    def slug(self) -> str:
        return self.organisation.slug


@dataclass
class ServicePlan:
    service: Service
    organisation: str  # slug
    term_codes: tuple[str, ...]
    localities: tuple[str, ...]  # slugs
    partners: tuple[str, ...]  # organisation slugs
    location: tuple[str, str] | None  # (organisation slug, locality slug)
    at_location_id: uuid.UUID
    schedules: list[Schedule]
    contacts: list[Contact]


class _Identifiers:
    """Unique slugs, names and registration numbers, drawn in plan order."""

    def __init__(self, rng: random.Random, charities: int):
        self.slugs: set[str] = set()
        self.names: set[str] = set()
        self._charity_numbers = iter(rng.sample(range(1_000_000, 10_000_000), charities))
        self._gp = 0
        self._trust = 0

    def claim(self, name: str, slug: str = "") -> str:
        slug = slug or slugify(name)[:100]
        base, n = slug, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        self.names.add(name)
        return slug

    def charity_number(self) -> str:
        return str(next(self._charity_numbers))

    def gp_ods_code(self) -> str:
        # Real practice codes start with A to Y; Z marks these as synthetic.
        self._gp += 1
        return f"Z{self._gp:05d}"

    def trust_ods_code(self) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXY"
        self._trust += 1
        first, second = divmod(self._trust, len(alphabet))
        return f"R{'YXWVU'[first]}{alphabet[second]}"


def _phone(rng: random.Random, prefix: str = cat.LOCAL_PHONE_PREFIX) -> str:
    return f"{prefix}{rng.randrange(1000):03d}"


def _postcode(rng: random.Random, district: str) -> str:
    letters = cat.INWARD_LETTERS
    return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _place_names(rng: random.Random) -> list[str]:
    names = [p + s for p in cat.PLACE_PREFIXES for s in cat.PLACE_SUFFIXES]
    rng.shuffle(names)
    return names


LOCALITY_FLAVOURS = (
    "Mostly terraced streets and small shops around a busy high street.",
    "Post-war estates and new housing on the edge of town, with few local venues.",
    "A market town and the villages around it, with long journeys to services.",
    "Student flats and private rents close to the centre; people move in and out often.",
    "Suburban streets with an older population and active community groups.",
    "Former mill villages along the valley, with good green space and poor buses.",
)


def _plan_localities(size: Size, seed: int) -> list[LocalityPlan]:
    rng = stream(seed, "localities")
    plans = [
        LocalityPlan(
            Locality(
                public_id=new_uuid(rng),
                name=spec.name,
                slug=spec.slug,
                description=spec.description,
            ),
            spec.neighbourhoods,
            spec.postcode_district,
        )
        for spec in cat.LOCALITIES
    ]
    places = iter(name for name in _place_names(rng) if name not in {"Westwood", "Fairholme"})
    for index in range(len(plans), size.localities):
        name = next(places)
        neighbourhoods = (name, next(places), next(places), next(places))
        area = cat.POSTCODE_AREAS[index // 99]
        description = (
            f"{', '.join(neighbourhoods[:-1])} and {neighbourhoods[-1]}, served by the {name} "
            f"primary care network. {rng.choice(LOCALITY_FLAVOURS)}"
        )
        locality = Locality(
            public_id=new_uuid(rng), name=name, slug=slugify(name), description=description
        )
        plans.append(LocalityPlan(locality, neighbourhoods, f"{area}{index % 99 + 1}"))
    return plans


def _location(
    rng: random.Random, locality: LocalityPlan, organisation: Organisation, name: str
) -> Location:
    return Location(
        public_id=new_uuid(rng),
        organisation=organisation,
        name=name,
        address_1=f"{rng.randint(1, 240)} {rng.choice(cat.STREETS)}",
        address_2=rng.choice(locality.neighbourhoods),
        city=cat.CITY,
        region=cat.COUNTY,
        postcode=_postcode(rng, locality.district),
        accessibility=rng.choice(
            (
                "Step-free access and an accessible toilet.",
                "Ground floor; hearing loop at reception.",
                "Lift to all floors; accessible toilet; quiet room available.",
                "Steps at the front entrance; ramp at the side door.",
            )
        ),
    )


def _organisation(
    rng: random.Random,
    ids: _Identifiers,
    *,
    name: str,
    kind: str,
    description: str,
    slug: str = "",
    reach: str = Reach.LOCAL,
    ods_code: str = "",
    charity: bool = False,
) -> Organisation:
    slug = ids.claim(name, slug)
    helpline = reach == Reach.NATIONAL
    return Organisation(
        public_id=new_uuid(rng),
        name=name,
        slug=slug,
        kind=kind,
        reach=reach,
        ods_code=ods_code,
        charity_number=ids.charity_number() if charity else "",
        description=description,
        website=f"https://{slug}.example.org/",
        email=f"hello@{slug}.example.org",
        phone=_phone(rng, cat.FREEPHONE_PREFIX if helpline else cat.LOCAL_PHONE_PREFIX),
    )


def _plan_from_spec(
    rng: random.Random,
    ids: _Identifiers,
    spec: cat.OrganisationSpec,
    localities: dict[str, LocalityPlan],
    *,
    offers: Iterable[cat.OfferedService] | None = None,
    ods_code: str = "",
) -> OrganisationPlan:
    organisation = _organisation(
        rng,
        ids,
        name=spec.name,
        slug=spec.slug,
        kind=spec.kind,
        description=spec.description,
        reach=spec.reach,
        ods_code=ods_code or spec.ods_code,
        charity=spec.charity,
    )
    served = tuple(localities) if spec.reach == Reach.NATIONAL else spec.localities
    plan = OrganisationPlan(organisation, served[0], served, list(offers or spec.services))
    plan.locations[plan.home] = _location(rng, localities[plan.home], organisation, spec.name)
    return plan


def _plan_trust_hubs(rng: random.Random, plan: OrganisationPlan, localities) -> None:
    for offer in plan.offers:
        for slug in offer.localities:
            if slug not in plan.locations:
                name = f"{localities[slug].locality.name} Community Mental Health Hub"
                plan.locations[slug] = _location(rng, localities[slug], plan.organisation, name)


def _core_gp_practices(size: Size) -> tuple[tuple[str, str], ...]:
    if not size.core_only_small:
        return cat.GP_PRACTICE_NAMES
    # One practice in each of the first localities, so "small" still spans them.
    per_locality = len(cat.GP_PRACTICE_NAMES) // len(cat.LOCALITIES)
    return cat.GP_PRACTICE_NAMES[::per_locality][: cat.GP_PRACTICES_IN_SMALL]


def _gp_offers(locality: str) -> list[cat.OfferedService]:
    return [cat.OfferedService(key, localities=(locality,)) for key in cat.GP_SERVICE_TYPES]


def _plan_core(
    size: Size, rng: random.Random, ids: _Identifiers, localities: dict[str, LocalityPlan]
) -> list[OrganisationPlan]:
    """The hand-written partnership of `benchmarks.catalogue` (its `in_small` part for small)."""
    core_localities = {spec.slug: localities[spec.slug] for spec in cat.LOCALITIES}
    wanted = [cat.TRUST, cat.COUNCIL, cat.PUBLIC_HEALTH, *cat.VCSE, *cat.INDEPENDENT]
    if size.core_only_small:
        wanted = [spec for spec in wanted if spec.in_small]
    plans = []
    for spec in wanted:
        home = "south" if spec.slug == cat.TRUST_SLUG else None
        spec = replace(spec, localities=_home_first(spec, home))
        plan = _plan_from_spec(rng, ids, spec, localities)
        if spec.slug == cat.TRUST_SLUG:
            _plan_trust_hubs(rng, plan, localities)
        plans.append(plan)
    for name, locality in _core_gp_practices(size):
        spec = cat.OrganisationSpec(
            name,
            slugify(name),
            OrganisationKind.GP_PRACTICE,
            (),
            f"An NHS GP practice in {core_localities[locality].locality.name} {cat.CITY}.",
            localities=(locality,),
            charity=False,
        )
        offers = _gp_offers(locality)
        ods_code = ids.gp_ods_code()
        plans.append(_plan_from_spec(rng, ids, spec, localities, offers=offers, ods_code=ods_code))
    return plans


def _home_first(spec: cat.OrganisationSpec, home: str | None) -> tuple[str, ...]:
    if home is None or home not in spec.localities:
        return spec.localities
    return (home, *[slug for slug in spec.localities if slug != home])


def _unique_name(rng: random.Random, ids: _Identifiers, patterns, places, locality_name) -> str:
    for _ in range(5):
        name = rng.choice(patterns).format(place=rng.choice(places))
        if name not in ids.names:
            return name
    return f"{name} ({locality_name})"


def _plan_generated(
    size: Size,
    seed: int,
    ids: _Identifiers,
    localities: list[LocalityPlan],
    core: list[OrganisationPlan],
) -> list[OrganisationPlan]:
    """Organisations added around the core until the size's totals are reached."""
    rng = stream(seed, "generated-organisations")
    places = _place_names(rng)
    new_localities = localities[len(cat.LOCALITIES) :]
    by_slug = {plan.slug: plan for plan in localities}
    plans = _plan_trusts(size, rng, ids, localities, new_localities, places, core)
    plans += _plan_statutory(size, rng, ids, localities, new_localities, places, core)
    fixed = sum(len(p.offers) for p in core) + sum(len(p.offers) for p in plans)
    remaining_orgs = size.organisations - len(core) - len(plans)
    remaining_services = size.services - fixed
    if remaining_orgs <= 0 or remaining_services < remaining_orgs:
        raise ValueError(f"the {size.name} size leaves no room for voluntary organisations")
    counts = _spread(rng, remaining_orgs, remaining_services)
    weights = [a.weight for a in cat.ARCHETYPES]
    for count in counts:
        archetype = rng.choices(cat.ARCHETYPES, weights)[0]
        home = rng.choice(localities)
        plans.append(_plan_voluntary(rng, ids, archetype, count, home, localities, by_slug, places))
    for plan in plans:
        plan.core = False
    return plans


def _spread(rng: random.Random, organisations: int, services: int) -> list[int]:
    """Services per organisation: at least one each, the rest scattered, a few large."""
    counts = [1] * organisations
    for _ in range(services - organisations):
        counts[min(rng.randrange(organisations), rng.randrange(organisations))] += 1
    return counts


def _plan_trusts(size, rng, ids, localities, new_localities, places, core):
    """The extra trusts, and a community mental health team in every new locality, the new
    localities shared out between all the trusts."""
    core_trusts = [p for p in core if p.organisation.kind == OrganisationKind.NHS_TRUST]
    total = max(size.trusts, len(core_trusts))
    shares = [new_localities[i::total] for i in range(total)]
    by_slug = {p.slug: p for p in localities}
    plans = []
    for share in shares[len(core_trusts) :]:
        home = share[0] if share else rng.choice(localities)
        name = _unique_name(rng, ids, cat.TRUST_NAME_PATTERNS, places, home.locality.name)
        spec = cat.OrganisationSpec(
            name,
            "",
            OrganisationKind.NHS_TRUST,
            (),
            "An NHS trust providing community and specialist mental health services.",
            localities=(home.slug,),
            charity=False,
        )
        offers = [cat.OfferedService(key) for key in cat.TRUST_WIDE_SERVICE_TYPES]
        ods_code = ids.trust_ods_code()
        plans.append(_plan_from_spec(rng, ids, spec, by_slug, offers=offers, ods_code=ods_code))
    for trust, share in zip(core_trusts + plans, shares, strict=True):
        trust.offers += [cat.OfferedService("cmht", localities=(p.slug,)) for p in share]
        trust.localities = tuple(dict.fromkeys((*trust.localities, *(p.slug for p in share))))
        _plan_trust_hubs(rng, trust, by_slug)
    return plans


def _plan_statutory(size, rng, ids, localities, new_localities, places, core):
    """GP practices, councils and public health teams beyond the core ones; councils and
    public health teams share out the new localities."""
    plans = []
    kinds = (
        (OrganisationKind.GP_PRACTICE, size.gp_practices),
        (OrganisationKind.LOCAL_AUTHORITY, size.councils),
        (OrganisationKind.PUBLIC_HEALTH, size.public_health),
    )
    for kind, total in kinds:
        existing = sum(1 for p in core if p.organisation.kind == kind)
        extra = total - existing
        areas = new_localities or localities
        for index in range(extra):
            plans.append(
                _plan_statutory_one(rng, ids, kind, index, extra, localities, areas, places)
            )
    return plans


def _slice(localities: list, index: int, total: int) -> list:
    share = max(1, len(localities) // total)
    start = (index * share) % len(localities)
    return localities[start : start + share]


def _plan_statutory_one(rng, ids, kind, index, total, localities, areas, places):
    if kind == OrganisationKind.GP_PRACTICE:
        home = rng.choice(localities)
        name = _unique_name(rng, ids, cat.GP_NAME_PATTERNS, places, home.locality.name)
        served = (home,)
        description = f"An NHS GP practice in {home.locality.name}."
        offers = _gp_offers(home.slug)
        ods_code = ids.gp_ods_code()
    else:
        served = _slice(areas, index, total)
        home = served[0]
        council = rng.choice(places)
        template = cat.COUNCIL if kind == OrganisationKind.LOCAL_AUTHORITY else cat.PUBLIC_HEALTH
        name = f"{council} Council – Adult Social Care"
        if kind == OrganisationKind.PUBLIC_HEALTH:
            name = f"{council} Public Health"
        description = template.description
        offers = list(template.services)
        ods_code = ""
    spec = cat.OrganisationSpec(
        name, "", kind, (), description, localities=tuple(p.slug for p in served), charity=False
    )
    return _plan_from_spec(
        rng, ids, spec, {p.slug: p for p in served}, offers=offers, ods_code=ods_code
    )


def _plan_voluntary(rng, ids, archetype, count, home, localities, by_slug, places):
    name = _unique_name(rng, ids, archetype.name_patterns, places, home.locality.name)
    national = rng.random() < 0.005
    index = localities.index(home)
    served = tuple(p.slug for p in localities[index : index + rng.randint(1, 3)])
    spec = cat.OrganisationSpec(
        name,
        "",
        archetype.kind,
        (),
        archetype.description,
        localities=served,
        reach=Reach.NATIONAL if national else Reach.LOCAL,
        charity=archetype.kind == OrganisationKind.VCSE,
    )
    keys = [rng.choice(archetype.service_types) for _ in range(count)]
    offers = [cat.OfferedService(key) for key in keys]
    return _plan_from_spec(rng, ids, spec, by_slug, offers=offers)


class Partnership:
    """The whole synthetic partnership for one size and seed, planned but not written."""

    def __init__(self, size: Size, seed: int):
        self.size = size
        self.seed = seed
        self.localities = _plan_localities(size, seed)
        by_slug = {plan.slug: plan for plan in self.localities}
        rng = stream(seed, "organisations")
        charities = size.organisations or len(cat.VCSE) + len(cat.INDEPENDENT) + 10
        ids = _Identifiers(rng, charities)
        self.organisations = _plan_core(size, rng, ids, by_slug)
        if size.is_generated:
            self.organisations += _plan_generated(
                size, seed, ids, self.localities, self.organisations
            )
        self._terms = term_names()

    @property
    def service_count(self) -> int:
        return sum(len(plan.offers) for plan in self.organisations)

    def services(self) -> Iterator[ServicePlan]:
        """Every service, planned lazily (a national partnership does not fit comfortably in
        memory as objects) and identically on every call."""
        rng = stream(self.seed, "services")
        localities = {plan.slug: plan for plan in self.localities}
        names = {plan.slug: plan.organisation.name for plan in self.organisations}
        for organisation in self.organisations:
            used: set[str] = set()
            for offer in organisation.offers:
                yield _plan_service(rng, organisation, offer, localities, names, self._terms, used)


# --- one service ----------------------------------------------------------------------


def _plan_service(rng, organisation, offer, localities, org_names, terms, used) -> ServicePlan:
    kind = cat.SERVICE_TYPES[offer.type_key]
    served = offer.localities or organisation.localities
    home = localities[served[0]]
    place = rng.choice(home.neighbourhoods)
    slots = {
        "place": place,
        "locality": home.locality.name,
        "org": organisation.organisation.name,
        "city": cat.CITY,
        "day": rng.choice(cat.WEEKDAY_NAMES),
        "venue": f"{place} {rng.choice(cat.VENUE_KINDS)}",
    }
    name = _service_name(rng, kind, offer, slots, used)
    self_referral, professional = _routes(rng, kind)
    audience = cat.AUDIENCES[kind.audience]
    criteria = " ".join(x for x in (audience.criteria.format(city=cat.CITY), kind.criteria) if x)
    codes = _term_codes(rng, kind)
    org = organisation.organisation
    phone = _phone(rng, cat.FREEPHONE_PREFIX if kind.key == "helpline" else cat.LOCAL_PHONE_PREFIX)
    service = Service(
        public_id=new_uuid(rng),
        name=name,
        description=_description(rng, kind, slots),
        url=f"https://{org.slug}.example.org/{slugify(name)[:60]}",
        email=f"{slugify(kind.key)}@{org.slug}.example.org",
        phone=phone,
        status=ServiceStatus.ACTIVE if organisation.core else _status(rng),
        fees=rng.choice(kind.fees),
        minimum_age=audience.minimum_age,
        maximum_age=audience.maximum_age,
        eligibility_criteria=criteria,
        accepts_professional_referrals=professional,
        accepts_self_referrals=self_referral,
        referral_instructions=_referral_instructions(self_referral, professional, phone),
        is_joint_offer=bool(offer.joint_with),
    )
    _capacity(rng, service, kind)
    service.search_document = search_document_for(
        name=name,
        description=service.description,
        organisation_name=org.name,
        eligibility=criteria,
        terms=sorted(terms[code] for code in codes),
        localities=sorted(localities[slug].locality.name for slug in served),
    )
    location = None
    if kind.located:
        at = served[0] if served[0] in organisation.locations else organisation.home
        location = (organisation.slug, at)
    return ServicePlan(
        service=service,
        organisation=organisation.slug,
        term_codes=codes,
        localities=tuple(served),
        partners=offer.joint_with,
        location=location,
        at_location_id=new_uuid(rng),
        schedules=_schedules(rng, kind),
        contacts=_contacts(rng, org.slug),
    )


def _service_name(rng, kind, offer, slots, used: set[str]) -> str:
    name = offer.name or rng.choice(kind.names).format(**slots)
    if name in used:
        name = f"{name} – {slots['place']}"
    base, n = name, 2
    while name in used:
        name, n = f"{base} ({n})", n + 1
    used.add(name)
    return name


def _description(rng, kind, slots) -> str:
    details = rng.sample(kind.details, k=rng.randint(1, min(2, len(kind.details))))
    return " ".join([rng.choice(kind.intros), *details]).format(**slots)


def _routes(rng, kind) -> tuple[bool, bool]:
    self_referral = rng.random() < kind.self_referral
    professional = rng.random() < kind.professional or not self_referral
    return self_referral, professional


def _referral_instructions(self_referral: bool, professional: bool, phone: str) -> str:
    if self_referral and professional:
        return (
            f"Refer yourself by calling {phone}, or ask your GP, care coordinator or support "
            "worker to refer you through the partnership's common referral form."
        )
    if self_referral:
        return f"Refer yourself by calling {phone} or just come along; no referral is needed."
    return (
        "Professionals refer through the partnership's common referral form. We cannot "
        "take self-referrals: please speak to your GP or care coordinator."
    )


def _term_codes(rng, kind) -> tuple[str, ...]:
    ways = rng.sample(kind.ways, k=rng.randint(min(1, len(kind.ways)), len(kind.ways)))
    return (*kind.needs, *sorted(ways))


def _status(rng) -> str:
    roll = rng.random()
    if roll < 0.02:
        return ServiceStatus.TEMPORARILY_CLOSED
    if roll < 0.03:
        return ServiceStatus.INACTIVE
    return ServiceStatus.ACTIVE


def _capacity(rng, service: Service, kind) -> None:
    """Waiting time and capacity that agree with each other, as a referrer would expect."""
    if kind.waiting is None:
        return
    low, high = kind.waiting
    if high > 0 and rng.random() < 0.1:
        service.waiting_time_days = None  # some services publish no waiting time
    else:
        service.waiting_time_days = rng.randint(low, high)
    roll = rng.random()
    if roll < 0.05 and high > 0:
        service.capacity_status = CapacityStatus.NO_CAPACITY
        service.accepting_referrals = False
    elif (service.waiting_time_days or 0) > 42:
        service.capacity_status = CapacityStatus.WAITLIST
    elif roll < 0.1 and not service.accepts_self_referrals:
        service.capacity_status = CapacityStatus.ADDITIONAL_ASSESSMENT_REQUIRED


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
SLOTS = (
    (time(10), time(12)),
    (time(13, 30), time(15, 30)),
    (time(18, 30), time(20, 30)),
)


def _schedules(rng, kind) -> list[Schedule]:
    pattern = rng.choice(kind.hours)
    return [
        Schedule(
            public_id=new_uuid(rng), weekday=day, opens_at=opens, closes_at=closes, description=text
        )
        for day, opens, closes, text in _opening_hours(rng, pattern)
    ]


def _opening_hours(rng, pattern: str) -> list[tuple[str, time, time, str]]:
    if pattern == "office":
        return [(day, time(9), time(17), "") for day in WEEKDAYS]
    if pattern == "extended":
        return [(day, time(8), time(20), "") for day in WEEKDAYS] + [("SA", time(9), time(13), "")]
    if pattern == "day-centre":
        closed = rng.choice(WEEKDAYS)
        return [(day, time(10), time(15), "") for day in WEEKDAYS if day != closed]
    if pattern in ("weekly", "twice-weekly"):
        opens, closes = rng.choice(SLOTS)
        days = sorted(rng.sample(WEEKDAYS, 1 if pattern == "weekly" else 2), key=WEEKDAYS.index)
        return [(day, opens, closes, "") for day in days]
    if pattern == "evenings":
        return [(day, time(18), time(23), "") for day in (*WEEKDAYS, "SA", "SU")]
    if pattern == "24-7":
        return [(day, time(0), time(23, 59), "Open 24 hours") for day in (*WEEKDAYS, "SA", "SU")]
    return []


def _contacts(rng, org_slug: str) -> list[Contact]:
    if rng.random() >= 0.6:
        return []
    first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
    return [
        Contact(
            public_id=new_uuid(rng),
            name=f"{first} {last}",
            title=rng.choice(cat.CONTACT_TITLES),
            email=f"{first}.{last}@{org_slug}.example.org".lower(),
            phone=_phone(rng, rng.choice(cat.DRAMA_PHONE_PREFIXES)),
        )
    ]


# --- writing ---------------------------------------------------------------------------


@dataclass
class Loaded:
    """What the stages so far have written: database ids by natural key, and row counts."""

    localities: dict[str, int] = field(default_factory=dict)
    organisations: dict[str, int] = field(default_factory=dict)
    locations: dict[tuple[str, str], int] = field(default_factory=dict)
    terms: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # by username
    portal_accounts: list[str] = field(default_factory=list)  # usernames
    counts: Counter = field(default_factory=Counter)
    stages: dict[str, int] = field(default_factory=dict)  # name: version, as written

    @classmethod
    def found(cls) -> "Loaded":
        """What the stages of an earlier build wrote, read back by natural key: enough
        for a later stage. (Locations are left out: only the services stage uses them.)"""
        from joinedup.accounts.models import User

        return cls(
            localities=dict(Locality.objects.values_list("slug", "id")),
            organisations=dict(Organisation.objects.values_list("slug", "id")),
            terms=dict(TaxonomyTerm.objects.values_list("code", "id")),
            users=dict(User.objects.values_list("username", "id")),
        )


def _write_localities(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    rows = Locality.objects.bulk_create([plan.locality for plan in partnership.localities])
    loaded.localities = {row.slug: row.pk for row in rows}
    loaded.counts["localities"] = len(rows)


def _write_organisations(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    organisations = [plan.organisation for plan in partnership.organisations]
    for batch in _batches(organisations, 2000):
        Organisation.objects.bulk_create(batch)
    loaded.organisations = {row.slug: row.pk for row in organisations}
    keyed = [
        ((plan.slug, slug), location)
        for plan in partnership.organisations
        for slug, location in plan.locations.items()
    ]
    for key, location in keyed:
        location.organisation_id = loaded.organisations[key[0]]
    for batch in _batches([location for _, location in keyed], 2000):
        Location.objects.bulk_create(batch)
    loaded.locations = {key: location.pk for key, location in keyed}
    loaded.counts.update(organisations=len(organisations), locations=len(keyed))


def _write_services(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    loaded.terms = dict(TaxonomyTerm.objects.values_list("code", "id"))
    plans = partnership.services()
    if progress:
        from tqdm import tqdm

        plans = tqdm(plans, total=partnership.service_count, unit="service", mininterval=2)
    for batch in _batches(plans, 1000):
        _write_service_batch(batch, loaded)


def _write_service_batch(plans: list[ServicePlan], loaded: Loaded) -> None:
    for plan in plans:
        plan.service.organisation_id = loaded.organisations[plan.organisation]
    Service.objects.bulk_create([plan.service for plan in plans])
    through = _ThroughRows()
    for plan in plans:
        through.add(plan, loaded)
    through.write(loaded.counts)
    loaded.counts["services"] += len(plans)


class _ThroughRows:
    """The rows that hang off a batch of services, written with one insert per table."""

    def __init__(self):
        self.terms, self.localities, self.partners = [], [], []
        self.at_locations, self.schedules, self.contacts = [], [], []

    def add(self, plan: ServicePlan, loaded: Loaded) -> None:
        service_id = plan.service.pk
        self.terms += [
            Service.taxonomy_terms.through(service_id=service_id, taxonomyterm_id=loaded.terms[c])
            for c in plan.term_codes
        ]
        self.localities += [
            Service.localities.through(service_id=service_id, locality_id=loaded.localities[s])
            for s in plan.localities
        ]
        self.partners += [
            Service.joint_partners.through(
                service_id=service_id, organisation_id=loaded.organisations[slug]
            )
            for slug in plan.partners
        ]
        if plan.location is not None:
            self.at_locations.append(
                ServiceAtLocation(
                    public_id=plan.at_location_id,
                    service_id=service_id,
                    location_id=loaded.locations[plan.location],
                )
            )
        for row in (*plan.schedules, *plan.contacts):
            row.service_id = service_id
        self.schedules += plan.schedules
        self.contacts += plan.contacts

    def write(self, counts: Counter) -> None:
        tables = {
            "service_terms": self.terms,
            "service_localities": self.localities,
            "joint_partners": self.partners,
            "service_locations": self.at_locations,
            "schedules": self.schedules,
            "contacts": self.contacts,
        }
        for name, rows in tables.items():
            if rows:
                type(rows[0]).objects.bulk_create(rows, batch_size=5000)
            counts[name] += len(rows)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _write_staff(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    from benchmarks import people

    people.write_staff(partnership, loaded, progress)


def _write_people(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    from benchmarks import people

    people.write_people(partnership, loaded, progress)


def _write_referrals(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    from benchmarks import referrals

    referrals.write_referrals(partnership, loaded, progress)


def _write_from(module: str) -> "Stage":
    """A stage written by `benchmarks.<module>.write(partnership, loaded, progress)`,
    imported when it runs (each imports the app it writes, which needs settings)."""

    def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
        importlib.import_module(f"benchmarks.{module}").write(partnership, loaded, progress)

    write.__name__ = f"_write_{module}"
    return write


Stage = Callable[[Partnership, Loaded, bool], None]
STAGES: tuple[tuple[str, Stage], ...] = (
    ("localities", _write_localities),
    ("organisations", _write_organisations),
    ("services", _write_services),
    # The demo accounts and the staff who author the shared record (benchmarks.people).
    ("staff", _write_staff),
    # Partnerships and their agreements, people, their record, consents, care relationships.
    ("people", _write_people),
    # Referrals along the lifecycle, through the state machine (demo and small only).
    ("referrals", _write_referrals),
    # Years of referrals in bulk, `Size.referrals` of them (the generated sizes).
    ("referral_history", _write_from("referral_history")),
    # Joint working (issue 5): care plans, activity, outcome measures, then the joint
    # referral meetings, whose agendas take in what the stages before them wrote.
    ("careplans", _write_from("careplans")),
    # Care plans in bulk at the generated sizes, with their versions and care teams.
    ("careplan_history", _write_from("careplan_history")),
    ("activity", _write_from("activity")),
    ("outcomes", _write_from("outcomes")),
    ("meetings", _write_from("meetings")),
    # Every locality's weekly meetings since the partnership began, and the next one's
    # agenda (the generated sizes): after the care plans, whose reviews they take.
    ("meeting_history", _write_from("meeting_history")),
)
# A stage's version goes up when what it writes changes, so `joinedup bench` can tell a
# database built before the change (its marker records the versions) and rebuild it.
STAGE_VERSIONS: dict[str, int] = {
    "people": 1,
    "staff": 1,
    "referrals": 1,
    # 2: a referral in limbo waits at the person's own locality's meeting.
    "referral_history": 2,
    "careplans": 1,
    "activity": 1,
    "outcomes": 1,
    "meetings": 1,
    "careplan_history": 1,
    # 2: a referral in limbo allocated elsewhere closes at its first service.
    "meeting_history": 2,
}


def load(
    partnership: Partnership, *, progress: bool = False, only: Iterable[str] | None = None
) -> Loaded:
    """Write the partnership in one transaction: all of it or, on any error, none of it.

    `only` writes just those stages, over a database that holds the partnership's other
    stages already (`Loaded.found` reads back what they wrote): how a bench database
    built before a stage existed gets it without being built again.
    """
    wanted = None if only is None else set(only)
    loaded = Loaded() if wanted is None else Loaded.found()
    with transaction.atomic():
        for name, stage in STAGES:
            if wanted is None or name in wanted:
                stage(partnership, loaded, progress)
                loaded.stages[name] = STAGE_VERSIONS.get(name, 1)
    return loaded
