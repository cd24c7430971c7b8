"""Random worlds against the record policy (DESIGN.md §5; STYLE.md: "a property test
asserts decide(user, "view", obj) is true exactly when obj is in visible_to(user)").

Hypothesis builds small worlds — organisations in and out of partnerships, agreements
with random rules and dates, consents, objections and overrides that expire or are
withdrawn, care relationships that end, sealed and erased entries, break-glass rows
for any role — and asks the policy about them at a random moment. The list filters and
the one-object answers (`explain_entry`, `person_basis`) must never disagree, a visible
entry's person must be in the people list, and nothing §5 forbids may ever show.

Each example runs inside a transaction that is rolled back, so worlds never meet.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from joinedup.access import record
from joinedup.people.models import Person, RecordEntry
from tests import factories as f
from tests.access import record_support as rs
from tests.access.test_record_matrix import (
    CATEGORIES,
    MAY_BREAK_GLASS,
    ROLE_SEES,
    ROLES,
    SEALED_READERS,
)

LONDON = ZoneInfo("Europe/London")
# A moment in British Summer Time, so local dates and UTC dates differ near midnight.
BASE = dt.datetime(2024, 6, 15, 12, 0, tzinfo=LONDON)
STATES = ("explicit", "implied", "objection", "override")

PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _hours(h: int) -> dt.datetime:
    # In UTC, as `timezone.now()` gives it: the policy must find the local date itself.
    return (BASE + dt.timedelta(hours=h)).astimezone(dt.UTC)


def _day(d: int) -> dt.date:
    return BASE.date() + dt.timedelta(days=d)


@dataclass(frozen=True)
class Member:
    org: int
    joined: int  # days from BASE
    left_after: int | None  # days after joining, if they left


@dataclass(frozen=True)
class Agreement:
    starts: int  # days from BASE
    lasts: int | None  # days, if it ends
    rules: tuple  # (category, role, explicit consent required)


@dataclass(frozen=True)
class PartnershipSpec:
    members: tuple
    agreements: tuple


@dataclass(frozen=True)
class EntrySpec:
    person: int
    category: str
    owner: int
    sealed: bool
    erased: bool


@dataclass(frozen=True)
class ConsentSpec:
    person: int
    category: str
    state: str
    scope: tuple  # ("partnership", index) or ("organisation", index)
    recorded: int  # hours from BASE
    expires_after: int | None  # hours after recording
    withdrawn_after: int | None


@dataclass(frozen=True)
class RelationshipSpec:
    person: int
    org: int
    viewer: int | None  # the worker's own relationship, or the whole team's
    since: int  # hours from BASE
    until_after: int | None


@dataclass(frozen=True)
class BreakGlassSpec:
    viewer: int
    person: int
    started: int  # hours from BASE
    lasts: int  # hours
    ended_after: int | None


@dataclass(frozen=True)
class World:
    organisations: int
    viewers: tuple  # (organisation, role)
    people: int
    partnerships: tuple
    entries: tuple
    consents: tuple
    relationships: tuple
    break_glass: tuple
    at: dt.datetime


def _maybe(strategy):
    return st.none() | strategy


# Worlds are biased towards things happening before `at` (relationships begun, consents
# recorded, agreements started) and towards clinicians, so that a fair share of them
# show entries on every basis; every value the bias favours can also go the other way.
at_hours = st.integers(-24, 24)
start_days = st.integers(-3, 1)
lasting_hours = _maybe(st.integers(1, 96))
lasting_days = _maybe(st.integers(0, 4))
roles = st.sampled_from(
    (*ROLES, "clinician", "clinician", "care_coordinator", "practitioner", "volunteer")
)
categories_ = st.sampled_from((*CATEGORIES, "contact", "care_plan", "care_plan", "activity"))
rarely = st.sampled_from((False, False, False, False, False, True))


@st.composite
def worlds(draw) -> World:
    at = draw(at_hours)
    start_hours = st.integers(at - 48, at + 12)
    n_orgs = draw(st.integers(2, 4))
    org = st.integers(0, n_orgs - 1)
    categories = draw(st.lists(categories_, min_size=1, max_size=3, unique=True))
    category = st.sampled_from(categories)
    viewers = tuple(draw(st.lists(st.tuples(org, roles), min_size=1, max_size=3)))
    # Mostly the viewers' own teams, so that relationships matter to someone.
    team = st.sampled_from([o for o, _ in viewers] * 3 + list(range(n_orgs)))
    role = st.sampled_from(sorted({r for _, r in viewers}))
    viewer = st.integers(0, len(viewers) - 1)
    n_people = draw(st.integers(1, 2))
    person = st.integers(0, n_people - 1)

    members = st.lists(org, min_size=2, max_size=n_orgs, unique=True).flatmap(
        lambda orgs: st.tuples(
            *(st.builds(Member, st.just(o), start_days, lasting_days) for o in orgs)
        )
    )
    agreement = st.builds(
        Agreement,
        start_days,
        lasting_days,
        st.lists(
            st.tuples(category, role, st.booleans()),
            min_size=1,
            max_size=4,
            unique_by=lambda r: r[:2],
        ).map(tuple),
    )
    partnership = st.builds(
        PartnershipSpec,
        members,
        st.lists(agreement, min_size=1, max_size=2).map(tuple),
    )
    partnerships = tuple(draw(st.lists(partnership, min_size=1, max_size=2)))
    scope = st.tuples(st.just("organisation"), org) | st.tuples(
        st.just("partnership"), st.integers(0, len(partnerships) - 1)
    )

    entry = st.builds(EntrySpec, person, category, org, rarely, rarely)
    consent = st.builds(
        ConsentSpec,
        person,
        category,
        st.sampled_from(STATES),
        scope,
        start_hours,
        lasting_hours,
        lasting_hours,
    )
    relationship = st.builds(
        RelationshipSpec, person, team, _maybe(viewer), start_hours, lasting_hours
    )
    break_glass = st.builds(
        BreakGlassSpec, viewer, person, start_hours, st.integers(1, 48), lasting_hours
    )
    return World(
        organisations=n_orgs,
        viewers=viewers,
        people=n_people,
        partnerships=partnerships,
        entries=tuple(draw(st.lists(entry, min_size=1, max_size=4))),
        consents=tuple(draw(st.lists(consent, max_size=5))),
        relationships=tuple(draw(st.lists(relationship, min_size=1, max_size=5))),
        break_glass=tuple(draw(st.lists(break_glass, max_size=2))),
        at=_hours(at) + dt.timedelta(minutes=draw(st.integers(0, 59))),
    )


def _shared_world(**changes) -> World:
    """Two partners; a volunteer at the first, whose team has the person; the second
    owns a care plan entry that an agreement shares with volunteers."""
    world = World(
        organisations=2,
        viewers=((0, "volunteer"), (0, "clinician")),
        people=1,
        partnerships=(
            PartnershipSpec(
                members=(Member(0, -3, None), Member(1, -3, None)),
                agreements=(Agreement(-3, None, (("care_plan", "volunteer", False),)),),
            ),
        ),
        entries=(EntrySpec(0, "care_plan", 1, False, False),),
        consents=(),
        relationships=(RelationshipSpec(0, 0, None, -10, None),),
        break_glass=(),
        at=_hours(0),
    )
    return replace(world, **changes)


def _consent(state, *, recorded=-5, expires_after=None, withdrawn_after=None):
    return ConsentSpec(
        0, "care_plan", state, ("partnership", 0), recorded, expires_after, withdrawn_after
    )


_NEEDS_CONSENT = (
    PartnershipSpec(
        members=(Member(0, -3, None), Member(1, -3, None)),
        agreements=(Agreement(-3, None, (("care_plan", "volunteer", True),)),),
    ),
)
# Worked examples, tried on every run before the random worlds, so that each basis and
# each edge of time is exercised whatever Hypothesis happens to draw.
WORKED_EXAMPLES = (
    _shared_world(),
    _shared_world(partnerships=_NEEDS_CONSENT, consents=(_consent("explicit"),)),
    # Withdrawn at the very moment asked about: withdrawal takes effect at once.
    _shared_world(partnerships=_NEEDS_CONSENT, consents=(_consent("explicit", withdrawn_after=5),)),
    _shared_world(consents=(_consent("objection"), _consent("override", recorded=-1))),
    _shared_world(consents=(_consent("objection"),)),
    # The agreement ends today; ask a minute before and after local midnight (BST).
    _shared_world(
        partnerships=(
            PartnershipSpec(
                members=(Member(0, -3, None), Member(1, -3, None)),
                agreements=(Agreement(-3, 3, (("care_plan", "volunteer", False),)),),
            ),
        ),
        at=dt.datetime(2024, 6, 15, 23, 59, tzinfo=LONDON).astimezone(dt.UTC),
    ),
    _shared_world(
        partnerships=(
            PartnershipSpec(
                members=(Member(0, -3, None), Member(1, -3, None)),
                agreements=(Agreement(-3, 3, (("care_plan", "volunteer", False),)),),
            ),
        ),
        at=dt.datetime(2024, 6, 16, 0, 1, tzinfo=LONDON).astimezone(dt.UTC),
    ),
    # The viewers' own organisation's entries: one sealed, one erased.
    _shared_world(
        entries=(
            EntrySpec(0, "care_plan", 0, True, False),
            EntrySpec(0, "care_plan", 0, False, True),
        )
    ),
    # Roles that see no person-level record, at the organisation whose team has the person.
    _shared_world(viewers=((0, "ig_lead"), (0, "commissioner"))),
    # Break-glass rows for a clinician and a volunteer on a sealed clinical entry of an
    # organisation that shares nothing, with no relationship.
    _shared_world(
        partnerships=(),
        entries=(EntrySpec(0, "clinical", 1, True, False), EntrySpec(0, "contact", 0, True, False)),
        relationships=(),
        break_glass=(BreakGlassSpec(0, 0, -1, 2, None), BreakGlassSpec(1, 0, -1, 2, None)),
    ),
)


def _with_worked_examples(test):
    for world in WORKED_EXAMPLES:
        test = example(world=world)(test)
    return test


@dataclass
class Built:
    world: World
    orgs: list
    viewers: list
    people: list
    entries: list


def _after(start: int, offset: int | None) -> dt.datetime | None:
    return None if offset is None else _hours(start + offset)


def materialise(w: World) -> Built:
    orgs = [rs.organisation("Org") for _ in range(w.organisations)]
    viewers = [
        f.member(orgs[o], role, username=f"viewer{i}") for i, (o, role) in enumerate(w.viewers)
    ]
    people = [rs.person(orgs[0]) for _ in range(w.people)]
    partnerships = []
    for spec in w.partnerships:
        p = rs.bare_partnership(orgs[spec.members[0].org])
        for m in spec.members:
            left = None if m.left_after is None else _day(m.joined + m.left_after)
            rs.member_of(p, orgs[m.org], joined_on=_day(m.joined), left_on=left)
        for a in spec.agreements:
            ends = None if a.lasts is None else _day(a.starts + a.lasts)
            isa = rs.agreement(p, starts_on=_day(a.starts), ends_on=ends)
            for required in (False, True):
                pairs = [(c, r) for c, r, needs in a.rules if needs is required]
                rs.rules(isa, pairs, consent_required=required)
        partnerships.append(p)
    entries = []
    for e in w.entries:
        entries += rs.entries(
            people[e.person],
            orgs[e.owner],
            viewers[0],
            [e.category],
            sealed=e.sealed,
            erased_at=_hours(-100) if e.erased else None,
        )
    for c in w.consents:
        kind, index = c.scope
        rs.consents(
            people[c.person],
            [c.category],
            c.state,
            recorded_by=viewers[0],
            recorded_at=_hours(c.recorded),
            partnership_=partnerships[index] if kind == "partnership" else None,
            organisation_=orgs[index] if kind == "organisation" else None,
            expires_at=_after(c.recorded, c.expires_after),
            withdrawn_at=_after(c.recorded, c.withdrawn_after),
        )
    for r in w.relationships:
        rs.relationship(
            people[r.person],
            orgs[r.org],
            since=_hours(r.since),
            until=_after(r.since, r.until_after),
            user=None if r.viewer is None else viewers[r.viewer],
        )
    for b in w.break_glass:
        rs.break_glass(
            viewers[b.viewer],
            people[b.person],
            started_at=_hours(b.started),
            expires_at=_hours(b.started + b.lasts),
            ended_at=_after(b.started, b.ended_after),
        )
    return Built(w, orgs, viewers, people, entries)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _listed(viewer, at) -> set[int]:
    visible = record.entry_visibility(viewer, RecordEntry.objects.all(), at=at)
    return set(visible.values_list("pk", flat=True))


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(world=worlds())
@_with_worked_examples
def test_the_list_filter_and_the_decision_never_disagree(world):
    with rolled_back():
        built = materialise(world)
        disagreements, bases = [], set()
        for i, viewer in enumerate(built.viewers):
            listed = _listed(viewer, world.at)
            for j, entry in enumerate(built.entries):
                decision = record.explain_entry(viewer, entry, at=world.at)
                bases.add(decision.basis)
                if decision.allowed != (entry.pk in listed):
                    disagreements.append(
                        f"viewer {i} {world.viewers[i]}, entry {j}: listed={entry.pk in listed}"
                        f" decision={decision.allowed} ({decision.basis}: {decision.reason})"
                    )
        # Shown by --hypothesis-show-statistics: how often worlds reach each basis.
        event(f"bases: {', '.join(sorted(bases))}")
        assert not disagreements, "\n".join(disagreements)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(world=worlds())
@_with_worked_examples
def test_the_people_list_includes_everyone_whose_entries_the_viewer_sees(world):
    # Every visible entry was reached through a relationship or break-glass (rule 5 or
    # its override), so its person must be in the people list too.
    with rolled_back():
        built = materialise(world)
        missing = []
        for i, viewer in enumerate(built.viewers):
            people = record.person_visibility(viewer, Person.objects.all(), at=world.at)
            known = set(people.values_list("pk", flat=True))
            listed = _listed(viewer, world.at)
            missing += [
                f"viewer {i} {world.viewers[i]} sees entry {j} but not its person"
                for j, entry in enumerate(built.entries)
                if entry.pk in listed and entry.person_id not in known
            ]
        assert not missing, "\n".join(missing)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(world=worlds())
@_with_worked_examples
def test_the_person_basis_and_the_people_list_never_disagree(world):
    # The one-person answer (the basis the audit log records) and the people list must
    # agree, as the one-entry decision and the entry list do.
    with rolled_back():
        built = materialise(world)
        disagreements = []
        for i, viewer in enumerate(built.viewers):
            people = record.person_visibility(viewer, Person.objects.all(), at=world.at)
            known = set(people.values_list("pk", flat=True))
            for k, person in enumerate(built.people):
                basis = record.person_basis(viewer, person, at=world.at)
                if (basis != "none") != (person.pk in known):
                    disagreements.append(
                        f"viewer {i} {world.viewers[i]}, person {k}: "
                        f"listed={person.pk in known} basis={basis}"
                    )
        assert not disagreements, "\n".join(disagreements)


def _forbidden_by_section_5(w: World, viewer_index: int, entry_index: int) -> str | None:
    """Necessary conditions from §5, computed from the world's description alone: if one
    fails, the entry must not show. (Not a second copy of the policy: it says nothing
    about consent or objections, where it would need the policy's own reading.)"""
    at = w.at
    org, role = w.viewers[viewer_index]
    e = w.entries[entry_index]
    today = at.astimezone(LONDON).date()
    if e.category not in ROLE_SEES[role]:
        return "rule 1: the role does not see this category"
    if e.erased:
        return "an erased entry shows to no one"
    broke_glass = role in MAY_BREAK_GLASS and any(
        b.viewer == viewer_index
        and b.person == e.person
        and _hours(b.started) <= at < _hours(b.started + b.lasts)
        and (b.ended_after is None or at < _hours(b.started + b.ended_after))
        for b in w.break_glass
    )
    if broke_glass:
        return None
    if not any(
        r.person == e.person
        and (r.org == org if r.viewer is None else r.viewer == viewer_index)
        and _hours(r.since) <= at
        and (r.until_after is None or at < _hours(r.since + r.until_after))
        for r in w.relationships
    ):
        return "rule 5: no active care relationship"
    if e.sealed and not (e.owner == org and role in SEALED_READERS):
        return "rule 4: sealed within its author's organisation's clinicians"
    if e.owner == org:
        return None

    def member_today(spec, o):
        return any(
            m.org == o
            and _day(m.joined) <= today
            and (m.left_after is None or today <= _day(m.joined + m.left_after))
            for m in spec.members
        )

    def covers_today(a):
        in_force = _day(a.starts) <= today and (
            a.lasts is None or today <= _day(a.starts + a.lasts)
        )
        return in_force and any(c == e.category and r == role for c, r, _ in a.rules)

    if not any(
        member_today(p, org) and member_today(p, e.owner) and any(map(covers_today, p.agreements))
        for p in w.partnerships
    ):
        return "rule 2: no agreement in force of a partnership both belong to covers it"
    return None


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(world=worlds())
@_with_worked_examples
def test_no_world_shows_an_entry_section_5_forbids(world):
    with rolled_back():
        built = materialise(world)
        shown = []
        for i, viewer in enumerate(built.viewers):
            listed = _listed(viewer, world.at)
            for j, entry in enumerate(built.entries):
                why_not = _forbidden_by_section_5(world, i, j)
                if entry.pk in listed and why_not:
                    shown.append(f"viewer {i} {world.viewers[i]} sees entry {j}: {why_not}")
        assert not shown, "\n".join(shown)
