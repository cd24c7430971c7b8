"""Helpers for tests of the JSON API: bearer tokens, JSON requests, directories of a size.

Plain functions rather than fixtures, so test modules can use them with the personas
of tests/conftest.py without importing fixtures across modules.
"""

import json
from datetime import time, timedelta

from django.utils import timezone

from joinedup.accounts.models import ApiToken
from joinedup.directory import models as d
from tests import factories as f


def token_for(user, *, expires_in: timedelta = timedelta(hours=1)) -> tuple[str, ApiToken]:
    """A raw bearer token acting as the user's membership, and its stored row."""
    raw, digest = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        membership=user.acting_membership,
        token_hash=digest,
        expires_at=timezone.now() + expires_in,
    )
    return raw, token


def bearer(user) -> dict[str, str]:
    raw, _ = token_for(user)
    return {"Authorization": f"Bearer {raw}"}


def send_json(client, method: str, url: str, body, headers: dict | None = None):
    """A request with a JSON body (PATCH and POST alike)."""
    return getattr(client, method.lower())(
        url,
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        headers=headers or {},
    )


def problem_fields(response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


def term(code: str) -> d.TaxonomyTerm:
    """A term of the taxonomies joinedup ships (loaded by migration)."""
    return d.TaxonomyTerm.objects.get(code=code)


def well_described_service(organisation, *, locality, partner, name=None) -> d.Service:
    """A service with every kind of related row a service page shows."""
    service = f.ServiceFactory(
        organisation=organisation,
        taxonomy_terms=[term("befriending"), term("connect")],
        localities=[locality],
        is_joint_offer=True,
        **({"name": name} if name else {}),
    )
    service.joint_partners.set([partner])
    d.Contact.objects.create(service=service, name="Duty worker", phone="0113 496 0000")
    d.Schedule.objects.create(service=service, weekday="WE", opens_at=time(9), closes_at=time(17))
    d.Schedule.objects.create(service=service, weekday="MO", opens_at=time(10), closes_at=time(16))
    location = f.LocationFactory(organisation=organisation)
    d.ServiceAtLocation.objects.create(service=service, location=location)
    return service


def directory_of(size: int) -> d.Locality:
    """`size` fully described services across a few organisations, all in one locality."""
    locality = f.LocalityFactory(name="Seacroft", slug="seacroft")
    organisations = [f.OrganisationFactory() for _ in range(3)]
    for n in range(size):
        organisation = organisations[n % 3]
        partner = organisations[(n + 1) % 3]
        well_described_service(organisation, locality=locality, partner=partner)
    return locality
