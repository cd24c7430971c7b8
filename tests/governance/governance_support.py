"""The IG lead's world: an IG lead at the trust (conftest's), a clinician who broke glass."""

import pytest

from joinedup.access import services as access_services
from joinedup.access.roles import Role
from joinedup.people.models import Person
from tests import factories as f

REASON = "Seen in the emergency department in crisis tonight; need the risk history"


@pytest.fixture
def ig_lead(trust):
    return f.member(trust, Role.IG_LEAD)


@pytest.fixture
def other_ig_lead(db):
    other = f.NhsTrustFactory(name="Moorside Trust", slug="moorside")
    return f.member(other, Role.IG_LEAD)


def person(organisation, *, nhs_number: str = "", given_name: str = "Kit") -> Person:
    return Person.objects.create(
        given_name=given_name,
        family_name="Marsh",
        nhs_number=nhs_number,
        created_by_organisation=organisation,
    )


def break_glass(clinician, someone, reason: str = REASON):
    return access_services.break_glass_open(actor=clinician, person=someone, reason=reason)
