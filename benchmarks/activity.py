"""The demo partnership's activity (issue 5): Riverside Mind's day centre runs a weekly
session and a weekly walk, each with its register taken; its volunteer befriender
visits; the trust's North community mental health team holds one-to-one appointments,
some missed. So the activity page shows a day centre's group work and a clinic's
appointments counted on one scale (the built-in framework, which the demo partnership
uses as it records none of its own), and people see their appointments in the portal.

Written through `joinedup.activity.services`, as the demo accounts, so every contact is
one the product could have recorded, with its audit events: right for the demo and the
small size. The larger sizes' 10 million contacts (DESIGN §9) need bulk inserts and the
rollups of the KPI dashboard, and come with that issue; they write none here.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from benchmarks.generator import Loaded, Partnership, acting_user, stream
from joinedup.activity import selectors, services
from joinedup.directory.models import Service
from joinedup.people import selectors as people_selectors

SIZES = ("demo", "small")
DAY_CENTRE = "riverside-mind"
DAY_CENTRE_WORKER = "practitioner.riverside-mind"
BEFRIENDER = "volunteer.riverside-mind"
CMHT_CLINICIAN = "clinician.north-cmht"
TRUST = "city-nhs-trust"
WEEKS = 4
# (service name, session kind, title, weekday (Monday 0), hour, minutes)
GROUPS = (
    ("Riverside Mind Day Centre", "day_centre", "Wednesday drop-in and lunch club", 2, 10, 180),
    ("Riverside Wellbeing Walks", "group", "Friday wellbeing walk", 4, 11, 90),
)
# How people turn out for a group session: mostly there.
TURNOUT = (
    ("attended", 70),
    ("did_not_attend", 15),
    ("cancelled_by_person", 10),
    ("cancelled_by_service", 5),
)


def _service(organisation_slug: str, name: str) -> Service | None:
    return (
        Service.objects.filter(organisation__slug=organisation_slug, name__icontains=name)
        .order_by("name")
        .first()
    )


def _local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _last(weekday: int, weeks_back: int):
    """The date of the `weekday` `weeks_back` weeks ago (0 = the latest one before today)."""
    today = timezone.localdate()
    back = (today.weekday() - weekday - 1) % 7 + 1
    return today - timedelta(days=back + 7 * weeks_back)


def _weighted(rng, choices) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _groups(rng) -> None:
    worker = acting_user(DAY_CENTRE_WORKER)
    if worker is None:
        return
    members = list(people_selectors.person_list(user=worker)[:10])
    befriender = acting_user(BEFRIENDER)
    for service_name, kind, title, weekday, hour, minutes in GROUPS:
        service = _service(DAY_CENTRE, service_name)
        if service is None or not members:
            continue
        regulars = members[: 8 if kind == "day_centre" else 5]
        for weeks_back in reversed(range(WEEKS)):
            session = services.group_session_create(
                actor=worker,
                service=service,
                kind=kind,
                title=title,
                starts_at=_local(_last(weekday, weeks_back), hour),
                duration_minutes=minutes,
                facilitators=[befriender.username] if befriender else [],
            )
            services.register_save(
                actor=worker,
                session=session,
                marks={str(p.public_id): _weighted(rng, TURNOUT) for p in regulars},
            )


def _befriending(rng) -> None:
    volunteer = acting_user(BEFRIENDER)
    service = _service(DAY_CENTRE, "Befriending")
    if volunteer is None or service is None:
        return
    for person in people_selectors.person_list(user=volunteer)[:2]:
        for weeks_back in range(WEEKS):
            services.contact_record(
                actor=volunteer,
                person=person,
                service=service,
                kind="befriending",
                starts_at=_local(_last(1, weeks_back), 14),
                duration_minutes=rng.choice([60, 90, 120]),
                attendance=_weighted(rng, (("attended", 85), ("cancelled_by_person", 15))),
                note="Walk and a cup of tea",
            )


def _appointments(rng) -> None:
    clinician = acting_user(CMHT_CLINICIAN)
    service = _service(TRUST, "North Community Mental Health Team")
    if clinician is None or service is None:
        return
    for index, person in enumerate(people_selectors.person_list(user=clinician)[:8]):
        for weeks_back in range(0, WEEKS, 2):
            day = _last(index % 5, weeks_back)
            services.contact_record(
                actor=clinician,
                person=person,
                service=service,
                kind="one_to_one",
                starts_at=_local(day, 9 + index % 7),
                duration_minutes=rng.choice([45, 60, 60, 90]),
                # About one in five missed, and one the team had to cancel.
                attendance="did_not_attend"
                if (index + weeks_back) % 5 == 3
                else "cancelled_by_service"
                if (index, weeks_back) == (6, 0)
                else "attended",
            )
        if index % 3 == 0:
            services.contact_record(
                actor=clinician,
                person=person,
                service=service,
                kind="phone",
                starts_at=_local(_last(3, 0), 15),
                duration_minutes=20,
                attendance="attended",
            )


def write(partnership: Partnership, loaded: Loaded, progress: bool) -> None:
    if partnership.size.name not in SIZES:
        return
    rng = stream(partnership.seed, "activity")
    _groups(rng)
    _befriending(rng)
    _appointments(rng)
    loaded.counts.update(selectors.table_counts())
