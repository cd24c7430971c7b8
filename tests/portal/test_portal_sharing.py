"""The person gives, refuses and withdraws permission to share, and it applies at once."""

import uuid

import pytest
from django.urls import reverse

from joinedup.access.categories import Category
from joinedup.people.models import Consent
from tests.people import people_support as ps
from tests.portal import portal_support as pp


@pytest.fixture
def world(trust, day_centre, clinician):
    # The ISA shares with volunteers only with the person's explicit consent.
    return ps.shared_world(trust, day_centre, clinician, consent_required=True)


@pytest.fixture
def alex(world):
    return pp.portal_account(world.person)


def record_url(person) -> str:
    return reverse("people:detail", args=[person.public_id])


def share_with_partnership(world, state: str = "explicit") -> dict:
    return {
        "scope": f"partnership:{world.partnership.public_id}",
        "categories": [Category.CONTACT, Category.CARE_PLAN, Category.ACTIVITY],
        "state": state,
    }


def test_the_page_offers_the_partnership_that_looks_after_the_person(client, world, alex):
    pp.portal_login(client, alex)
    response = client.get(reverse("portal:sharing"))
    assert response.status_code == 200
    assert world.partnership.name in response.text


def test_saying_yes_online_lets_the_volunteer_see_the_plan_on_their_next_request(
    client, world, alex, volunteer
):
    staff = client.__class__()
    ps.login(staff, volunteer)
    assert world.plan.title not in staff.get(record_url(world.person)).text

    pp.portal_login(client, alex)
    response = client.post(reverse("portal:sharing"), share_with_partnership(world))
    assert response.status_code == 302
    rows = Consent.objects.filter(person=world.person, state="explicit")
    assert {r.how_given for r in rows} == {"online"}
    assert {r.recorded_by_id for r in rows} == {alex.pk}

    assert world.plan.title in staff.get(record_url(world.person)).text


def test_withdrawing_in_the_portal_hides_the_plan_from_the_volunteer_at_once(
    client, world, alex, volunteer, clinician
):
    [row, *_] = ps.explicit_consent(world, clinician)
    staff = client.__class__()
    ps.login(staff, volunteer)
    assert world.plan.title in staff.get(record_url(world.person)).text

    pp.portal_login(client, alex)
    url = reverse("portal:sharing_withdraw", args=[row.decision_id])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302

    assert world.plan.title not in staff.get(record_url(world.person)).text


def test_an_objection_blocks_sharing_even_without_consent_being_required(
    client, trust, day_centre, clinician, volunteer
):
    world = ps.shared_world(trust, day_centre, clinician, consent_required=False)
    alex = pp.portal_account(world.person)
    staff = client.__class__()
    ps.login(staff, volunteer)
    assert world.plan.title in staff.get(record_url(world.person)).text

    pp.portal_login(client, alex)
    response = client.post(reverse("portal:sharing"), share_with_partnership(world, "objection"))
    assert response.status_code == 302

    assert world.plan.title not in staff.get(record_url(world.person)).text


def test_an_override_cannot_be_posted_by_the_person(client, world, alex):
    pp.portal_login(client, alex)
    response = client.post(reverse("portal:sharing"), share_with_partnership(world, "override"))
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_a_forged_scope_is_refused_and_nothing_is_written(client, world, alex):
    from tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory(name="Not looking after Alex")
    pp.portal_login(client, alex)
    data = {**share_with_partnership(world), "scope": f"organisation:{elsewhere.public_id}"}
    response = client.post(reverse("portal:sharing"), data)
    assert response.status_code == 400
    assert "Choose a partnership or organisation from the list" in response.text
    assert not Consent.objects.exists()


def test_no_categories_gives_a_clear_error(client, world, alex):
    pp.portal_login(client, alex)
    data = {**share_with_partnership(world), "categories": []}
    response = client.post(reverse("portal:sharing"), data)
    assert response.status_code == 200
    assert "Choose at least one part of the record" in response.text
    assert not Consent.objects.exists()


def test_another_persons_decision_cannot_be_withdrawn(client, world, alex, trust, clinician):
    [other] = ps.people_on_caseload(trust, 1)
    row = Consent.objects.create(
        person=other,
        partnership=world.partnership,
        category=Category.CARE_PLAN,
        state="explicit",
        how_given="in_person",
        recorded_by=clinician,
        recorded_at=ps.an_hour_ago(),
    )
    pp.portal_login(client, alex)
    response = client.post(reverse("portal:sharing_withdraw", args=[row.decision_id]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.withdrawn_at is None


def test_implied_consent_recorded_by_staff_is_not_the_persons_to_withdraw(
    client, world, alex, clinician
):
    row = Consent.objects.create(
        person=world.person,
        partnership=world.partnership,
        category=Category.CARE_PLAN,
        state="implied",
        how_given="in_person",
        recorded_by=clinician,
        recorded_at=ps.an_hour_ago(),
    )
    pp.portal_login(client, alex)
    page = client.get(reverse("portal:sharing"))
    assert str(row.decision_id) not in page.text
    response = client.post(reverse("portal:sharing_withdraw", args=[row.decision_id]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.withdrawn_at is None


def test_an_unknown_decision_is_not_found(client, world, alex):
    pp.portal_login(client, alex)
    response = client.get(reverse("portal:sharing_withdraw", args=[uuid.UUID(int=7)]))
    assert response.status_code == 404
