"""The record page: only what the policy shows, gated summary fields, the audit, 404s."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.people.models import RelatedPerson
from tests import factories as f
from tests.access import record_support as rs
from tests.people import people_support as ps


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


def url(person) -> str:
    return reverse("people:detail", args=[person.public_id])


def test_a_clinician_of_the_owning_trust_sees_every_entry(client, clinician, world):
    ps.login(client, clinician)
    response = client.get(url(world.person))
    assert response.status_code == 200
    for entry in (world.plan, world.clinical, world.contact):
        assert entry.title in response.text


def test_a_volunteer_at_a_partner_sees_the_shared_entries_and_not_the_clinical(
    client, volunteer, world
):
    ps.login(client, volunteer)
    response = client.get(url(world.person))
    assert world.plan.title in response.text
    assert world.contact.title in response.text
    assert world.clinical.title not in response.text


def test_entries_are_grouped_by_category_in_the_record_order(client, clinician, world):
    ps.login(client, clinician)
    groups = client.get(url(world.person)).context["entry_groups"]
    assert [category for category, _, _ in groups] == [
        Category.CONTACT,
        Category.CARE_PLAN,
        Category.CLINICAL,
    ]


def test_each_entry_shows_its_organisation_author_and_date(client, clinician, trust, world):
    ps.login(client, clinician)
    response = client.get(url(world.person))
    assert trust.name in response.text
    assert clinician.get_full_name() in response.text
    assert timezone.localtime(world.plan.created_at).strftime("%-d %B %Y") in response.text


def test_a_sealed_entry_is_marked_sealed(client, clinician, trust, world):
    ps.entry(world.person, trust, clinician, Category.CLINICAL, "Private note", sealed=True)
    ps.login(client, clinician)
    assert "Sealed" in client.get(url(world.person)).text


def test_a_volunteer_does_not_see_the_date_of_birth(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.get(url(world.person))
    assert "0113 496 0000" in response.text
    assert "1 May 1980" not in response.text


def test_a_peer_worker_sees_the_date_of_birth(client, day_centre, world):
    peer = f.member(day_centre, Role.PEER_WORKER, username="peer")
    ps.login(client, peer)
    response = client.get(url(world.person))
    assert "1 May 1980" in response.text


def test_carers_are_shown_to_a_role_that_sees_contact_details(client, volunteer, world):
    RelatedPerson.objects.create(
        person=world.person,
        name="Jo Rivers",
        relationship="sister",
        is_carer=True,
        phone="0113 496 0001",
        consents_to_contact=True,
    )
    ps.login(client, volunteer)
    response = client.get(url(world.person))
    assert "Jo Rivers" in response.text
    assert "0113 496 0001" in response.text


def test_a_carer_who_has_not_agreed_to_contact_has_no_number_shown(client, clinician, world):
    RelatedPerson.objects.create(
        person=world.person, name="Jo Rivers", relationship="sister", phone="0113 496 0001"
    )
    ps.login(client, clinician)
    response = client.get(url(world.person))
    assert "Has not agreed to be contacted" in response.text
    assert "0113 496 0001" not in response.text


def test_consents_in_force_and_past_are_listed(client, clinician, world):
    now = timezone.now()
    rs.consents(
        world.person,
        [Category.CARE_PLAN],
        "explicit",
        recorded_by=clinician,
        recorded_at=now - dt.timedelta(days=2),
        partnership_=world.partnership,
    )
    rs.consents(
        world.person,
        [Category.ACTIVITY],
        "objection",
        recorded_by=clinician,
        recorded_at=now - dt.timedelta(days=3),
        partnership_=world.partnership,
        withdrawn_at=now - dt.timedelta(days=1),
    )
    ps.login(client, clinician)
    response = client.get(url(world.person))
    [in_force] = response.context["decisions_in_force"]
    [past] = response.context["decisions_past"]
    assert in_force.first.state == "explicit"
    assert past.first.state == "objection"
    assert "Withdrawn" in response.text


def test_care_relationships_are_listed_with_team_and_kind(client, clinician, day_centre, world):
    ps.login(client, clinician)
    response = client.get(url(world.person))
    assert day_centre.name in response.text
    assert "On the team&#x27;s caseload" in response.text


def test_viewing_the_record_is_audited_with_the_entries_shown(client, volunteer, world):
    ps.login(client, volunteer)
    client.get(url(world.person))
    event = AuditEvent.objects.get(action="view", person_public_id=world.person.public_id)
    assert set(event.detail["entries"]) == {str(world.plan.public_id), str(world.contact.public_id)}


def test_someone_without_a_relationship_gets_404(client, outsider, world):
    ps.login(client, outsider)
    assert client.get(url(world.person)).status_code == 404


def test_an_unknown_person_gets_the_same_404(client, outsider, world):
    ps.login(client, outsider)
    invisible = client.get(url(world.person))
    unknown = client.get(reverse("people:detail", args=[uuid.uuid4()]))
    assert unknown.status_code == invisible.status_code == 404
    assert ps.without_nonce(unknown.content) == ps.without_nonce(invisible.content)


def test_a_commissioner_gets_404_for_a_record(client, commissioner, world):
    ps.login(client, commissioner)
    assert client.get(url(world.person)).status_code == 404


def test_a_relationship_that_ended_ends_access_on_the_next_request(
    client, volunteer, day_centre, world
):
    ps.login(client, volunteer)
    assert client.get(url(world.person)).status_code == 200
    world.person.relationships.filter(organisation=day_centre).update(until=timezone.now())
    assert client.get(url(world.person)).status_code == 404


def test_the_record_links_to_add_an_entry_and_record_consent(client, clinician, world):
    ps.login(client, clinician)
    text = client.get(url(world.person)).text
    assert reverse("people:entry_create", args=[world.person.public_id]) in text
    assert reverse("people:consent_create", args=[world.person.public_id]) in text


def test_a_volunteer_is_not_offered_to_record_consent_or_break_glass(client, volunteer, world):
    ps.login(client, volunteer)
    text = client.get(url(world.person)).text
    assert reverse("people:consent_create", args=[world.person.public_id]) not in text
    assert reverse("people:break_glass") not in text


def test_the_break_glass_banner_shows_when_the_basis_is_break_glass(client, trust, clinician):
    person = rs.person(trust)
    now = timezone.now()
    expires = now + dt.timedelta(hours=1)
    rs.break_glass(clinician, person, started_at=now, expires_at=expires)
    ps.login(client, clinician)
    response = client.get(url(person))
    assert response.status_code == 200
    assert "You are seeing this record by breaking glass" in response.text
    assert f"Your access ends at {timezone.localtime(expires):%H:%M}" in response.text


def test_no_banner_with_ordinary_access(client, clinician, world):
    ps.login(client, clinician)
    assert "breaking glass" not in client.get(url(world.person)).text


def _record_with(trust, day_centre, clinician, entries: int):
    world = ps.shared_world(trust, day_centre, clinician)
    for number in range(entries):
        ps.entry(world.person, trust, clinician, Category.ACTIVITY, f"Contact {number}")
        RelatedPerson.objects.create(
            person=world.person, name=f"Carer {number}", relationship="friend"
        )
    for category in (Category.CARE_PLAN, Category.ACTIVITY):
        rs.consents(
            world.person,
            [category],
            "explicit",
            recorded_by=clinician,
            recorded_at=ps.an_hour_ago(),
            partnership_=world.partnership,
        )
    return world


# The person, their entries, the basis, consents, care relationships, carers, referrals.
RECORD_QUERIES = 7


@pytest.mark.parametrize("size", [1, 15])
def test_the_record_page_takes_the_same_number_of_queries_however_big(
    client, trust, day_centre, clinician, django_assert_num_queries, size
):
    world = _record_with(trust, day_centre, clinician, size)
    ps.login(client, clinician)
    client.get(url(world.person))
    audit_queries = ps.audit_append_queries(clinician)
    with django_assert_num_queries(ps.REQUEST_QUERIES + RECORD_QUERIES + audit_queries):
        response = client.get(url(world.person))
    shown = sum(len(entries) for _, _, entries in response.context["entry_groups"])
    assert shown == size + 3
