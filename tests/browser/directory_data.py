"""A small directory for the browser journeys: two localities, befriending offered in
both, one service of each referral route, and every detail a service page shows."""

import datetime

from joinedup.directory.models import (
    CapacityStatus,
    Contact,
    Schedule,
    ServiceAtLocation,
    TaxonomyTerm,
)
from tests import factories as f


def _term(code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__slug="joinedup-needs", code=code)


def _five_ways(name: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__is_tag_set=True, name=name)


def build(day_centre, trust) -> dict:
    north = f.LocalityFactory(name="North", slug="north")
    south = f.LocalityFactory(name="South", slug="south")
    befriending = f.ServiceFactory(
        organisation=day_centre,
        name="Home befriending",
        description="A trained volunteer befriender visits you at home every week.",
        accepts_self_referrals=True,
        minimum_age=18,
        eligibility_criteria="Adults who feel lonely or cut off.",
        referral_instructions="Phone us, or ask your GP or key worker to refer you.",
        capacity_status=CapacityStatus.WAITLIST,
        waiting_time_days=21,
        is_joint_offer=True,
        phone="0113 496 0000",
        email="befriending@riverside.example.org",
        taxonomy_terms=[_term("befriending"), _five_ways("Connect")],
        localities=[north],
    )
    befriending.joint_partners.add(trust)
    Contact.objects.create(service=befriending, name="Pat Jones", title="Coordinator")
    for weekday in ("MO", "WE", "FR"):
        Schedule.objects.create(
            service=befriending,
            weekday=weekday,
            opens_at=datetime.time(9),
            closes_at=datetime.time(17),
        )
    centre = f.LocationFactory(
        organisation=day_centre,
        name="Riverside Centre",
        accessibility="Step-free entrance, hearing loop and an accessible toilet.",
    )
    ServiceAtLocation.objects.create(service=befriending, location=centre)
    f.ServiceFactory(
        organisation=day_centre,
        name="Telephone befriending",
        description="A weekly befriending phone call, for people referred by a professional.",
        accepts_self_referrals=False,
        taxonomy_terms=[_term("befriending")],
        localities=[north],
    )
    f.ServiceFactory(
        organisation=day_centre,
        name="Befriending in the South",
        description="Befriending visits for people in the south of the city.",
        accepts_self_referrals=True,
        taxonomy_terms=[_term("befriending")],
        localities=[south],
    )
    f.ServiceFactory(
        organisation=trust,
        name="North community mental health team",
        description="Assessment and care for adults with severe mental illness.",
        taxonomy_terms=[_term("community-mental-health")],
        localities=[north],
    )
    return {"north": north, "south": south, "befriending": befriending}
