"""The person reads their own record in the portal, apart from what is withheld."""

import pytest
from django.urls import reverse

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from tests.people import people_support as ps
from tests.portal import portal_support as pp


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


@pytest.fixture
def alex(world):
    return pp.portal_account(world.person)


def home(client):
    return client.get(reverse("portal:home"))


def test_the_person_sees_their_own_entries_of_every_shared_category(client, world, alex):
    pp.portal_login(client, alex)
    response = home(client)
    assert response.status_code == 200
    for entry in (world.plan, world.clinical, world.contact):
        assert entry.title in response.text


def test_an_entry_withheld_as_third_party_information_is_not_shown(
    client, world, alex, trust, clinician
):
    withheld = ps.entry(world.person, trust, clinician, Category.CLINICAL, "What her sister said")
    withheld.withheld_from_person = True
    withheld.save()
    pp.portal_login(client, alex)
    assert withheld.title not in home(client).text


def test_safeguarding_entries_are_never_shown_to_the_person(client, world, alex, trust, clinician):
    ps.entry(world.person, trust, clinician, Category.SAFEGUARDING, "Strategy meeting outcome")
    pp.portal_login(client, alex)
    assert "Strategy meeting outcome" not in home(client).text


def test_only_the_current_version_of_a_corrected_entry_is_shown(
    client, world, alex, trust, clinician
):
    from joinedup.people import services

    services.entry_correct(
        actor=clinician, entry=world.plan, title="Shared care plan, v2", text="", reason="update"
    )
    pp.portal_login(client, alex)
    text = home(client).text
    assert "Shared care plan, v2" in text
    assert "Shared care plan</h4>" not in text


def test_another_persons_entries_never_appear(client, world, alex, trust, clinician):
    [other] = ps.people_on_caseload(trust, 1)
    ps.entry(other, trust, clinician, Category.CARE_PLAN, "Someone else's plan")
    pp.portal_login(client, alex)
    assert "Someone else's plan" not in home(client).text


def test_reading_the_record_is_audited_as_the_persons_own_view(client, world, alex):
    pp.portal_login(client, alex)
    home(client)
    event = AuditEvent.objects.filter(actor=alex, action="view").latest("sequence")
    assert event.basis == "person_self"
    assert event.person_public_id == world.person.public_id
    assert event.detail["entry_count"] == 3


def test_a_visitor_is_sent_to_the_portal_login(client, world):
    response = home(client)
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_a_staff_account_is_refused_the_portal_page(client, world, clinician):
    ps.login(client, clinician)
    response = home(client)
    assert response.status_code == 403
    assert world.plan.title not in response.text


def test_an_account_without_a_record_is_told_so(client, db):
    from tests.factories import UserFactory

    orphan = UserFactory(username="nobody@example.org", is_person_account=True)
    pp.portal_login(client, orphan)
    response = home(client)
    assert response.status_code == 404
    assert "not linked to a record" in response.text


def test_a_person_account_sees_no_one_in_the_staff_people_list(client, world, alex):
    pp.portal_login(client, alex)
    response = client.get(reverse("people:list"))
    assert response.templates[0].name == "people/no_person_data.html"
    assert world.person.nhs_number not in response.text


def test_the_record_page_issues_the_same_number_of_queries_with_more_entries(
    client, world, alex, trust, clinician
):
    pp.portal_login(client, alex)
    home(client)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        home(client)
    for n in range(20):
        ps.entry(world.person, trust, clinician, Category.ACTIVITY, f"Visit {n}")
    with CaptureQueriesContext(connection) as many:
        assert "Visit 19" in home(client).text
    assert len(many) == len(few)
