"""The people list: who the acting user may see, what of them, why, and the audit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from tests import factories as f
from tests.access import record_support as rs
from tests.people import people_support as ps

URL = reverse("people:list")


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_clinician_sees_the_people_on_their_team_caseload(client, clinician, world):
    ps.login(client, clinician)
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [world.person]
    assert "RIVERS, Alex" in response.text


def test_someone_without_a_relationship_sees_no_one(client, outsider, world):
    ps.login(client, outsider)
    response = client.get(URL)
    assert list(response.context["page"].object_list) == []
    assert "Rivers" not in response.text


def test_a_volunteer_sees_contact_details_but_not_the_date_of_birth(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.get(URL)
    assert "0113 496 0000" in response.text
    assert "1 May 1980" not in response.text
    assert "Date of birth" not in response.text


def test_a_clinician_sees_the_date_of_birth_and_contact_details(client, clinician, world):
    ps.login(client, clinician)
    response = client.get(URL)
    assert "1 May 1980" in response.text
    assert "0113 496 0000" in response.text


def test_each_person_says_why_they_are_visible(client, clinician, world):
    ps.login(client, clinician)
    assert "Your team's care relationship" in client.get(URL).text


def test_a_person_seen_by_break_glass_says_so_with_its_expiry(client, trust, clinician):
    person = rs.person(trust)
    now = timezone.now()
    rs.break_glass(clinician, person, started_at=now, expires_at=now + dt.timedelta(hours=4))
    ps.login(client, clinician)
    response = client.get(URL)
    assert list(response.context["page"].object_list) == [person]
    assert "Break-glass" in response.text
    expires = timezone.localtime(now + dt.timedelta(hours=4))
    assert f"until {expires:%H:%M}" in response.text


def test_search_by_name_finds_the_person(client, clinician, world):
    ps.people_on_caseload(world.person.created_by_organisation, 3)
    ps.login(client, clinician)
    response = client.post(URL, {"q": "rivers"}, follow=True)
    assert list(response.context["page"].object_list) == [world.person]


def test_search_by_nhs_number_with_spaces_finds_the_person(client, clinician, world):
    ps.people_on_caseload(world.person.created_by_organisation, 3)
    ps.login(client, clinician)
    response = client.post(URL, {"q": "401 023 2137"}, follow=True)
    assert list(response.context["page"].object_list) == [world.person]


def test_an_overlong_search_is_an_error_not_a_crash(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(URL, {"q": "x" * 500})
    assert response.status_code == 200
    assert "Search text must be 100 characters or fewer" in response.text


def test_the_page_shown_is_audited_naming_each_person(client, clinician, world):
    ps.login(client, clinician)
    client.get(URL)
    event = AuditEvent.objects.get(action="list")
    assert event.detail["people"] == [str(world.person.public_id)]
    assert event.actor_id == clinician.pk


def test_the_list_is_paginated(client, trust, clinician, settings):
    ps.people_on_caseload(trust, 52)
    ps.login(client, clinician)
    first = client.get(URL)
    second = client.get(URL, {"page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 2
    assert 'rel="next"' in first.text


def test_a_nonsense_page_number_shows_the_first_page(client, clinician, world):
    ps.login(client, clinician)
    response = client.get(URL, {"page": "'; drop table"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.IG_LEAD, Role.ADMIN, Role.PARTNERSHIP_LEAD]
)
def test_a_role_that_sees_no_records_gets_a_page_that_says_so(client, trust, world, role):
    user = f.member(trust, role, username=f"no-records-{role}")
    ps.login(client, user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "you do not see people" in response.text
    assert "Rivers" not in response.text
    assert not AuditEvent.objects.filter(action="list").exists()


def test_only_roles_that_record_are_offered_to_add_a_person(client, volunteer, clinician, world):
    ps.login(client, volunteer)
    assert reverse("people:create") not in client.get(URL).text
    ps.login(client, clinician)
    assert reverse("people:create") in client.get(URL).text


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_takes_the_same_number_of_queries_however_many_people(
    client, trust, clinician, django_assert_num_queries, size
):
    ps.people_on_caseload(trust, size)
    ps.login(client, clinician)
    client.get(URL)  # the session and first-request work are not what is measured
    audit_queries = ps.audit_append_queries(clinician)
    with django_assert_num_queries(ps.REQUEST_QUERIES + LIST_QUERIES + audit_queries):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == size


# The paginator's count, then the page (each person's basis is part of the same query).
LIST_QUERIES = 2


def test_a_search_never_puts_the_name_or_nhs_number_in_the_url(client, clinician, world):
    ps.login(client, clinician)
    for text in ("rivers", "401 023 2137"):
        response = client.post(URL, {"q": text})
        assert response.status_code == 302
        assert "rivers" not in response.url.lower()
        assert "401" not in response.url
        assert list(client.get(response.url).context["page"].object_list) == [world.person]


def test_a_search_key_from_another_session_finds_nothing_and_says_so(client, clinician, world):
    ps.login(client, clinician)
    url = client.post(URL, {"q": "rivers"}).url
    other = client.__class__()
    ps.login(other, clinician)
    response = other.get(url)
    assert "That search has ended" in response.text
    assert response.context["form"]["q"].value() == ""


def test_paging_through_a_search_keeps_the_search(client, clinician, world):
    people = ps.people_on_caseload(world.person.created_by_organisation, 60)
    ps.login(client, clinician)
    url = client.post(URL, {"q": "Example"}).url
    second = client.get(url, {"page": "2", "search": url.split("search=")[1]})
    assert second.context["page"].paginator.count == len(people)
    assert second.context["page"].number == 2
