"""A small world for the joint referral meeting tests.

The North locality has four partners in one partnership whose information-sharing
agreement lets staff who handle referrals see referrals and care plans (so a meeting's
attendees may see what the policy lets them): City NHS Trust (its North community team,
an NHS team), Riverside Mind (befriending, and a day centre: VCSE), Oakwood Counselling,
and a council. Alex is on the trust's caseload. A referral "bounced twice" is declined or
redirected twice, so it waits on North's queue as bouncing.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.meetings import services
from joinedup.meetings.models import Meeting
from joinedup.people.models import Person
from tests import factories as f
from tests.access import record_support as rs
from tests.people import people_support as ps
from tests.referrals import referral_support as refs

SHARED_CATEGORIES = (Category.REFERRAL, Category.CARE_PLAN, Category.CONTACT)
SHARED_ROLES = (Role.REFERRAL_COORDINATOR, Role.PRACTITIONER, Role.CLINICIAN)


@dataclass
class World:
    north: object
    trust: object
    day_centre: object
    oakwood: object
    council: object
    partnership: object
    person: Person
    befriending: object
    counselling: object
    nhs_team: object  # the trust's North community mental health team
    vcse_day_centre: object  # Riverside Mind's day centre
    closed_service: object  # not taking referrals
    referrer: object  # a clinician at the trust
    day_centre_worker: object
    counselling_worker: object
    trust_worker: object
    coordinator: object  # a referral coordinator at the day centre
    trust_coordinator: object
    council_worker: object
    refs_world: refs.World


def world(trust, day_centre, clinician, befriending) -> World:
    north = befriending.localities.get()
    needs = list(befriending.taxonomy_terms.all())
    w = refs.world(trust, day_centre, clinician, befriending)
    oakwood = w.counselling.organisation
    council = f.OrganisationFactory(
        name="City Council", slug="city-council", kind="local_authority"
    )
    partnership = rs.partnership(trust, day_centre, oakwood, council)
    rs.rules(rs.agreement(partnership), [(c, r) for c in SHARED_CATEGORIES for r in SHARED_ROLES])
    return World(
        north=north,
        trust=trust,
        day_centre=day_centre,
        oakwood=oakwood,
        council=council,
        partnership=partnership,
        person=w.person,
        befriending=befriending,
        counselling=w.counselling,
        nhs_team=f.ServiceFactory(
            organisation=trust,
            name="North Community Mental Health Team",
            taxonomy_terms=needs,
            localities=[north],
        ),
        vcse_day_centre=f.ServiceFactory(
            organisation=day_centre,
            name="Riverside Day Centre",
            taxonomy_terms=needs,
            localities=[north],
        ),
        closed_service=f.ServiceFactory(
            organisation=council,
            name="Housing Support",
            accepting_referrals=False,
            localities=[north],
        ),
        referrer=clinician,
        day_centre_worker=w.receiver,
        counselling_worker=f.member(oakwood, Role.PRACTITIONER),
        trust_worker=f.member(trust, Role.PRACTITIONER),
        coordinator=w.coordinator,
        trust_coordinator=f.member(trust, Role.REFERRAL_COORDINATOR),
        council_worker=f.member(council, Role.PRACTITIONER),
        refs_world=w,
    )


def another_person(w: World, name: str = "Sam") -> Person:
    number = Person.objects.count() + 1
    person = Person.objects.create(
        given_name=name,
        family_name=f"Example{number}",
        nhs_number=ps.valid_nhs_number(number + 500),
        created_by_organisation=w.trust,
    )
    rs.relationship(person, w.trust, since=timezone.now() - dt.timedelta(days=30))
    return person


def refer(w: World, person=None, service=None):
    """A referral by the trust's clinician (to befriending unless told)."""
    service = service or w.befriending
    original = w.refs_world.person
    if person is not None:
        w.refs_world.person = person
    try:
        return refs.refer(w.refs_world, w.referrer, service=service)
    finally:
        w.refs_world.person = original


def in_limbo(w: World, person=None):
    """Referred to befriending and never acknowledged: a fortnight on, the hourly check
    puts it in limbo, on North's queue. The referral, still open at befriending."""
    from joinedup.referrals import services as referral_services

    referral = refer(w, person)
    referral_services.limbo_check(now=timezone.now() + dt.timedelta(days=14))
    referral.refresh_from_db()
    assert referral.in_limbo
    return referral


def bounced_twice(w: World, person=None):
    """Referred to befriending, redirected to counselling, declined there: bouncing. The
    declined referral, which waits on North's queue."""
    first = refer(w, person)
    refs.act(w.day_centre_worker, first, "acknowledge")
    outcome = refs.act(
        w.day_centre_worker,
        first,
        "redirect",
        reason="Needs talking therapy first",
        services=[w.counselling],
    )
    second = outcome.linked[0]
    refs.act(w.counselling_worker, second, "acknowledge")
    refs.act(
        w.counselling_worker,
        second,
        "decline",
        reason="No places until the spring",
        signposting="The Lighthouse crisis café",
    )
    second.refresh_from_db()
    return second


def taken_to_meeting(w: World, person=None):
    """A referral the day centre takes to the joint meeting (for_joint_meeting)."""
    referral = refer(w, person)
    refs.act(w.day_centre_worker, referral, "acknowledge")
    refs.act(
        w.day_centre_worker,
        referral,
        "refer_to_meeting",
        reason="Needs more than one partner: a joint offer?",
    )
    referral.refresh_from_db()
    return referral


def series(w: World, *, arranger=None, weekday: int = 1, every_weeks: int = 1):
    return services.series_create(
        actor=arranger or w.coordinator,
        data=services.SeriesData(
            locality=w.north,
            name="North joint referral meeting",
            weekday=weekday,
            time=dt.time(10, 0),
            starts_on=dt.date(2026, 1, 5),
            every_weeks=every_weeks,
            organisations=[w.trust, w.day_centre, w.oakwood],
            place="North Hub, room 2",
        ),
    )


def next_meeting(w: World, *, attending=()) -> Meeting:
    """The series' next meeting (made now), with `attending` recorded as there."""
    meeting, _ = services.meeting_schedule_next(series=series(w))
    for user in attending:
        services.attendee_join(actor=user, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def allocation(*chosen, reason: str = "A joint offer: the team and the day centre"):
    return services.DecisionData(kind="allocate", services=list(chosen), reason=reason)


def action_data(owner, organisation, *, days: int = 7, description: str = "Call Alex"):
    return services.ActionData(
        description=description,
        owner=owner,
        organisation=organisation,
        due_on=timezone.localdate() + dt.timedelta(days=days),
    )
