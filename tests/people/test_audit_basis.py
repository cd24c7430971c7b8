"""What the audit log says about break-glass: every lookup, and the basis of each list."""

import pytest
from django.urls import reverse

from joinedup.access import services as access_services
from joinedup.audit.models import AuditEvent
from joinedup.people.models import Person
from tests import factories as f
from tests.people import people_support as ps

REASON = "Seen in A&E in crisis tonight; need the risk history and the care plan"
UNKNOWN_NHS_NUMBER = ps.valid_nhs_number(4242)


@pytest.fixture
def elsewhere_person(db):
    other = f.OrganisationFactory(name="Far Away Trust")
    return Person.objects.create(
        given_name="Kit",
        family_name="Marsh",
        nhs_number=ps.valid_nhs_number(4243),
        created_by_organisation=other,
    )


def test_a_break_glass_lookup_that_finds_no_one_is_audited(client, clinician):
    ps.login(client, clinician)
    form = {"nhs_number": UNKNOWN_NHS_NUMBER, "reason": REASON, "duration": "1", "confirm": "on"}
    response = client.post(reverse("people:break_glass"), form)
    assert "No one with this NHS number is known" in response.text
    event = AuditEvent.objects.get(action="break_glass_not_found")
    assert event.actor_id == clinician.pk
    assert event.basis == "none"
    assert event.detail == {"nhs_number": UNKNOWN_NHS_NUMBER}


def test_people_seen_only_through_break_glass_are_listed_under_that_basis(
    client, trust, day_centre, clinician, elsewhere_person
):
    world = ps.shared_world(trust, day_centre, clinician)
    access_services.break_glass_open(actor=clinician, person=elsewhere_person, reason=REASON)
    ps.login(client, clinician)
    client.get(reverse("people:list"))
    events = {e.basis: e.detail["people"] for e in AuditEvent.objects.filter(action="list")}
    assert events == {
        "own_organisation": [str(world.person.public_id)],
        "break_glass": [str(elsewhere_person.public_id)],
    }
