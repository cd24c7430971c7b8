"""A small world for referral tests: the trust's clinician refers Alex to the day
centre's befriending service (North locality); a counselling service elsewhere is where
a redirect goes."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.access.roles import Role
from joinedup.people.models import Person
from joinedup.referrals import services
from tests import factories as f
from tests.access import record_support as rs

REASON = "Lonely since moving flats; would like company once a week"


@dataclass
class World:
    person: Person
    befriending: object
    counselling: object
    receiver: object  # a practitioner at the day centre
    coordinator: object  # a referral coordinator at the day centre


def world(trust, day_centre, clinician, befriending) -> World:
    person = Person.objects.create(
        given_name="Alex",
        family_name="Rivers",
        nhs_number="4010232137",
        created_by_organisation=trust,
    )
    rs.relationship(person, trust, since=timezone.now() - dt.timedelta(days=30))
    counselling_org = f.OrganisationFactory(name="Oakwood Counselling", slug="oakwood")
    counselling = f.ServiceFactory(
        organisation=counselling_org,
        name="Counselling",
        taxonomy_terms=list(befriending.taxonomy_terms.all()),
        localities=list(befriending.localities.all()),
    )
    return World(
        person=person,
        befriending=befriending,
        counselling=counselling,
        receiver=f.member(day_centre, Role.PRACTITIONER),
        coordinator=f.member(day_centre, Role.REFERRAL_COORDINATOR),
    )


def data(**extra) -> dict:
    return {
        "reason": REASON,
        "what_matters": "Getting out of the flat",
        "urgency": "routine",
        "consent_to_share": True,
        **extra,
    }


def refer(w: World, clinician, *, service=None, **extra):
    service = service or w.befriending
    return services.referral_create(
        actor=clinician,
        person=w.person,
        service=service,
        data=data(**extra),
        needs=list(service.taxonomy_terms.all()),
    ).referral


def act(actor, referral, action: str, **kwargs):
    referral.refresh_from_db()
    return services.transition(
        actor=actor,
        referral=referral,
        action=action,
        expected_version=referral.version,
        **kwargs,
    )
