"""The synthetic partnership's joint referral meetings (issue 5): North's weekly meeting
of the trust, the council and Riverside Mind — last week's, closed, with its minutes (a
joint offer for someone bounced twice), and the next one, whose agenda holds North's
referrals routed to the meeting or in limbo, and any care plan due for review.

North's referrals are made here, through the referral services, for people registered
with a North GP practice: a referral to a city-wide service waits for the meeting of the
person's own locality (`referrals.services._locality`), and the referrals stage's people
live all over the city.

Written through `joinedup.meetings.services` as the demo accounts, like the referrals
before them, so the agenda, the care relationships, the decisions and the referrals a
joint offer makes are the product's own. Demo and small sizes only: the larger sizes'
meetings would need a bulk writer of their own.
"""

import datetime as dt

from django.utils import timezone

from benchmarks import catalogue as cat
from benchmarks.generator import Loaded, Partnership, acting_user, stream
from joinedup.core.exceptions import DomainError
from joinedup.directory.models import Locality, Organisation, Service
from joinedup.meetings import services
from joinedup.meetings.models import AgendaItem, ItemReason
from joinedup.referrals import services as referral_services

SIZES = ("demo", "small")
LOCALITY = "north"
ORGANISATIONS = (cat.TRUST_SLUG, "city-council", "riverside-mind")
ARRANGER = f"referral_coordinator.{cat.TRUST_SLUG}"
COORDINATOR = "referral_coordinator.riverside-mind"
# Who comes: the trust's North team, the council and Riverside Mind (DESIGN §1).
ATTENDING = (COORDINATOR, "clinician.north-cmht", "practitioner.city-council")
REFERRER = "clinician.north-cmht"
GP_REFERRER = "practitioner.highfield-medical-practice"
BOUNCERS = ("practitioner.riverside-mind", "practitioner.city-council")


def _service(slug: str, *, name_has: str = "") -> Service | None:
    services_ = Service.objects.filter(
        organisation__slug=slug,
        status="active",
        accepting_referrals=True,
        accepts_professional_referrals=True,
    ).order_by("name")
    if name_has:
        named = services_.filter(name__icontains=name_has)
        north = named.filter(localities__slug=LOCALITY)
        return north.first() or named.first()
    return services_.filter(localities__slug=LOCALITY).first() or services_.first()


def _transition(actor, referral, action: str, **extra):
    referral.refresh_from_db()
    return referral_services.transition(
        actor=actor,
        referral=referral,
        action=action,
        expected_version=referral.version,
        reason=extra.pop("reason", ""),
        **extra,
    )


def _refer(referrer, person, service, reason: str, matters: str, urgency: str = "routine"):
    return referral_services.referral_create(
        actor=referrer,
        person=person,
        service=service,
        data={
            "reason": reason,
            "what_matters": matters,
            "urgency": urgency,
            "consent_to_share": True,
        },
        needs=list(service.taxonomy_terms.all()[:1]),
    ).referral


def _north_people(referrer) -> list:
    """People on the referrer's caseload registered with a North GP practice, whose
    referrals to city-wide services wait for North's meeting (anyone, if none is)."""
    from joinedup.people import selectors as people_selectors

    practices = set(
        Organisation.objects.filter(
            kind="gp_practice", services__localities__slug=LOCALITY
        ).values_list("pk", flat=True)
    )
    people = list(people_selectors.person_list(user=referrer)[:60])
    return [p for p in people if p.gp_practice_id in practices] or people


def _north_referrals(rng, referrer) -> None:
    """What North's meeting takes: a person bounced twice (befriending redirected them to
    the council's mental health social work, which declined), a referral the day centre
    takes to the meeting, and one nobody has acknowledged for a fortnight (in limbo)."""
    from joinedup.referrals.models import Referral

    first_team, second_team = (acting_user(u) for u in BOUNCERS)
    befriending = _service("riverside-mind", name_has="befriending")
    day_centre = _service("riverside-mind", name_has="day centre")
    social_work = _service("city-council", name_has="social work")
    people = _north_people(referrer)
    if None in (first_team, second_team, befriending, day_centre, social_work) or not people:
        return
    bouncing, taken = (people[n % len(people)] for n in range(2))
    referral = _refer(
        referrer,
        bouncing,
        befriending,
        "Isolated since a long admission; the flat feels like a cell.",
        "Seeing people again, and getting back to the allotment",
        "soon",
    )
    _transition(first_team, referral, "acknowledge")
    onward = _transition(
        first_team,
        referral,
        "redirect",
        reason="Needs a social worker first: the tenancy is at risk",
        services=[social_work],
    ).linked[0]
    _transition(second_team, onward, "acknowledge")
    _transition(
        second_team,
        onward,
        "decline",
        reason="Does not meet the threshold for a Care Act assessment",
        signposting="The Lighthouse crisis café",
    )
    referral = _refer(
        referrer,
        taken,
        day_centre,
        "Finding the days long since stopping work; wants a routine and company.",
        "Something to get up for",
    )
    _transition(first_team, referral, "acknowledge")
    _transition(
        first_team,
        referral,
        "refer_to_meeting",
        reason="Needs more than the day centre: housing and money worries too. A joint offer?",
    )
    # A North GP's social prescribing referral (the North team's own referrals have their
    # one in limbo already, from the referrals stage).
    gp = acting_user(GP_REFERRER)
    waiting = next(iter(_north_people(gp)), None) if gp is not None else None
    if waiting is None:
        return
    referral = _refer(
        gp,
        waiting,
        befriending,
        "Lives alone; would value a weekly visit.",
        rng.choice(["Company", "Someone to talk to about the garden"]),
    )
    past = timezone.now() - dt.timedelta(days=14)
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=past,
        acknowledge_by=timezone.localdate(past) + dt.timedelta(days=2),
        first_contact_by=timezone.localdate(past) + dt.timedelta(days=14),
    )
    referral_services.limbo_check()


def _series(partnership: Partnership):
    arranger = acting_user(ARRANGER)
    locality = Locality.objects.filter(slug=LOCALITY).first()
    organisations = list(Organisation.objects.filter(slug__in=ORGANISATIONS).order_by("name"))
    if arranger is None or locality is None or len(organisations) < 2:
        return None
    chair = acting_user(COORDINATOR)
    return services.series_create(
        actor=arranger,
        data=services.SeriesData(
            locality=locality,
            name="North joint referral meeting",
            weekday=1,  # Tuesdays
            time=dt.time(10, 0),
            starts_on=dt.date(2024, 1, 2),
            organisations=organisations,
            place="North Hub, Moorside Road (and online)",
            chair=chair,
        ),
    )


def _attend(meeting, users) -> None:
    for user in users:
        services.attendee_join(actor=user, meeting=meeting)


def _decide_last_week(meeting, coordinator, attending) -> None:
    """The bouncing person gets a joint offer from the trust's North team and Riverside
    Mind's day centre; the GP is to be told. The rest waits for this week's meeting."""
    nhs_team = _service(cat.TRUST_SLUG, name_has="community mental health")
    day_centre = _service("riverside-mind", name_has="day centre")
    trust_attendee = next((u for u in attending if u.username == REFERRER), None)
    items = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    bouncing = next((i for i in items if ItemReason.BOUNCING in i.reasons), None)
    if bouncing is None or nhs_team is None or day_centre is None:
        return
    try:
        services.item_decide(
            actor=coordinator,
            meeting=meeting,
            item_public_id=bouncing.public_id,
            data=services.DecisionData(
                kind="allocate",
                services=[nhs_team, day_centre],
                reason="Declined twice already: a joint offer, therapy with the North team "
                "and the day centre for company in the week",
            ),
        )
        if trust_attendee is not None:
            services.action_add(
                actor=coordinator,
                meeting=meeting,
                item_public_id=bouncing.public_id,
                data=services.ActionData(
                    description="Tell the GP about the joint offer, and who the contacts are",
                    owner=trust_attendee,
                    organisation=trust_attendee.acting_membership.organisation,
                    due_on=timezone.localdate(meeting.starts_at) + dt.timedelta(days=7),
                ),
            )
    except DomainError:
        # The policy may keep an item from the coordinator in a partnership that shares
        # less: the demo then shows an undecided item rather than stopping.
        return


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if partnership.size.name not in SIZES:
        return
    referrer = acting_user(REFERRER)
    coordinator = acting_user(COORDINATOR)
    attending = [u for u in (acting_user(name) for name in ATTENDING) if u is not None]
    if referrer is None or coordinator is None:
        return
    _north_referrals(stream(partnership.seed, "meetings"), referrer)
    series = _series(partnership)
    if series is None:
        return
    now = timezone.now()
    last_week, _ = services.meeting_schedule_next(series=series, now=now - dt.timedelta(days=7))
    _attend(last_week, attending)
    services.meeting_start(actor=coordinator, meeting=last_week)
    _decide_last_week(last_week, coordinator, attending)
    this_week, _ = services.meeting_schedule_next(series=series, now=now)
    last_week.refresh_from_db()
    services.meeting_close(
        actor=coordinator,
        meeting=last_week,
        notes="Agreed to invite the GP practices' mental health practitioners next time.",
    )
    _attend(this_week, attending)
    loaded.counts["joint referral meetings"] = 2
