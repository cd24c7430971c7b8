"""Directory data for the web page tests: services with everything a page shows filled
in, so that a page that fetched any of it one row at a time would be caught by the
query-count tests."""

import datetime

from joinedup.directory.models import (
    CapacityStatus,
    Contact,
    Schedule,
    ServiceAtLocation,
    TaxonomyTerm,
)
from tests import factories as f


def shipped_term(code: str) -> TaxonomyTerm:
    """A term of the taxonomy joinedup ships (loaded by migration 0003)."""
    return TaxonomyTerm.objects.get(taxonomy__slug="joinedup-needs", code=code)


def five_ways_tag() -> TaxonomyTerm:
    return TaxonomyTerm.objects.filter(taxonomy__is_tag_set=True).order_by("name").first()


def full_service(*, organisation=None, name=None, localities=(), terms=(), **fields):
    """A service with contacts, opening hours, a location and a joint partner."""
    organisation = organisation or f.OrganisationFactory()
    service = f.ServiceFactory(
        organisation=organisation,
        **({"name": name} if name else {}),
        localities=list(localities),
        taxonomy_terms=list(terms),
        **fields,
    )
    service.joint_partners.add(f.OrganisationFactory())
    Contact.objects.create(service=service, name="Alex Duty", title="Referrals lead")
    Schedule.objects.create(
        service=service,
        weekday="MO",
        opens_at=datetime.time(9),
        closes_at=datetime.time(17),
    )
    location = f.LocationFactory(organisation=organisation)
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def populate(count: int, *, localities=(), terms=()) -> list:
    """`count` full services shared among a few organisations, all in `localities`."""
    organisations = [f.OrganisationFactory() for _ in range(3)]
    return [
        full_service(
            organisation=organisations[i % 3],
            localities=localities,
            terms=terms,
            capacity_status=CapacityStatus.WAITLIST,
            waiting_time_days=7 * (i % 5),
            is_joint_offer=i % 2 == 0,
        )
        for i in range(count)
    ]
