"""A small world for activity: Riverside Mind (conftest's day centre) runs a day centre
and a weekly group; the trust's clinic holds one-to-one appointments. The two are
partners, and their information-sharing agreement shares activity with each other's
practitioners and volunteers (not with clinicians, to show the agreement decides).

Contacts are written directly here (not through the services) where a test needs rows
the services would refuse or needs many of them fast; the services' own tests make
theirs through the services.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.activity.models import Contact, GroupSession
from joinedup.partnerships.models import Partnership
from tests import factories as f
from tests.access import record_support as rs
from tests.people import people_support as ps


@dataclass
class World:
    partnership: Partnership
    day_centre: object  # the organisation
    trust: object
    day_centre_service: object
    clinic: object  # the trust's outpatient clinic (a service)
    people: list  # on the day centre's caseload (and the trust's)
    worker: object  # a practitioner at the day centre
    volunteer: object
    clinician: object


def world(trust, day_centre, day_centre_worker, volunteer, clinician, *, people: int = 3) -> World:
    partnership = rs.partnership(trust, day_centre)
    rs.rules(
        rs.agreement(partnership),
        [
            (Category.ACTIVITY, role)
            for role in (Role.PRACTITIONER, Role.VOLUNTEER, Role.PEER_WORKER)
        ],
    )
    service = f.ServiceFactory(organisation=day_centre, name="Riverside Mind Day Centre")
    clinic = f.ServiceFactory(organisation=trust, name="Outpatient clinic")
    members = ps.people_on_caseload(day_centre, people)
    for person in members:
        rs.relationship(person, trust, since=ps.an_hour_ago())
    return World(
        partnership=partnership,
        day_centre=day_centre,
        trust=trust,
        day_centre_service=service,
        clinic=clinic,
        people=members,
        worker=day_centre_worker,
        volunteer=volunteer,
        clinician=clinician,
    )


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """`days` ago at `hour` o'clock, local time."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def session(world: World, *, title: str = "Wednesday wellbeing group", when=None, minutes=180):
    return GroupSession.objects.create(
        owning_organisation=world.day_centre,
        service=world.day_centre_service,
        kind="day_centre",
        title=title,
        starts_at=when or days_ago(2),
        duration_minutes=minutes,
        created_by=world.worker,
    )


def contacts(person, organisation, worker, *, n: int = 1, **fields) -> list[Contact]:
    """`n` contacts written directly (fields: kind, attendance, duration_minutes …)."""
    defaults = {
        "kind": "one_to_one",
        "attendance": "attended",
        "duration_minutes": 60,
        "starts_at": days_ago(3),
    }
    return Contact.objects.bulk_create(
        Contact(
            person=person,
            owning_organisation=organisation,
            worker=worker,
            **{**defaults, **fields},
        )
        for _ in range(n)
    )
