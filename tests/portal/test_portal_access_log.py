"""The person sees who has looked at or changed their record, and why."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.access import services as access_services
from joinedup.access.roles import Role
from tests import factories as f
from tests.people import people_support as ps
from tests.portal import portal_support as pp


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


@pytest.fixture
def alex(world):
    return pp.portal_account(world.person)


def log_page(client, **query):
    return client.get(reverse("portal:access_log"), query)


def test_a_clinician_opening_the_record_is_listed_with_their_organisation_and_basis(
    client, world, alex, clinician
):
    staff = client.__class__()
    ps.login(staff, clinician)
    staff.get(reverse("people:detail", args=[world.person.public_id]))

    pp.portal_login(client, alex)
    response = log_page(client)
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row.what == "Opened your record"
    assert row.role == "Clinician"
    assert row.event.organisation_name == "City NHS Trust"
    assert row.why == "Their organisation looks after you"


def test_emergency_access_shows_the_clinicians_reason(client, world, alex, trust):
    emergency = f.member(trust, Role.CLINICIAN, username="clinician.on-call")
    access_services.break_glass_open(
        actor=emergency,
        person=world.person,
        reason="Found unconscious in A&E, need current medication",
        duration=dt.timedelta(hours=1),
    )
    pp.portal_login(client, alex)
    response = log_page(client)
    assert "Found unconscious in A&amp;E, need current medication" in response.text
    assert "Awaiting review" in response.text


def test_the_persons_own_reads_are_not_listed(client, world, alex):
    pp.portal_login(client, alex)
    client.get(reverse("portal:home"))
    response = log_page(client)
    assert response.context["rows"] == []
    assert "Nobody else has looked at your record yet" in response.text


def test_another_persons_events_are_not_listed(client, world, alex, trust, clinician):
    [other] = ps.people_on_caseload(trust, 1)
    staff = client.__class__()
    ps.login(staff, clinician)
    staff.get(reverse("people:detail", args=[other.public_id]))
    pp.portal_login(client, alex)
    assert log_page(client).context["rows"] == []


def test_reading_the_log_is_itself_audited(client, world, alex):
    from joinedup.audit.models import AuditEvent

    pp.portal_login(client, alex)
    log_page(client)
    event = AuditEvent.objects.filter(actor=alex).latest("sequence")
    assert (event.action, event.basis) == ("view_access_log", "person_self")


def test_the_log_page_issues_the_same_number_of_queries_as_events_grow(
    client, world, alex, clinician
):
    staff = client.__class__()
    ps.login(staff, clinician)
    url = reverse("people:detail", args=[world.person.public_id])
    staff.get(url)
    pp.portal_login(client, alex)
    log_page(client)
    with CaptureQueriesContext(connection) as few:
        log_page(client)
    for _ in range(30):
        staff.get(url)
    with CaptureQueriesContext(connection) as many:
        response = log_page(client)
    assert len(response.context["rows"]) == 25
    assert len(many) == len(few)


def test_a_page_number_past_the_end_shows_the_last_page(client, world, alex):
    pp.portal_login(client, alex)
    assert log_page(client, page="999").status_code == 200
    assert log_page(client, page="not-a-number").status_code == 200
