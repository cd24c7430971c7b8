"""Breaking glass through the web pages: clinicians only, a reason, a duration, logged."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.access.models import BreakGlass
from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.people.models import Person
from tests import factories as f
from tests.people import people_support as ps

URL = reverse("people:break_glass")
REASON = "Seen in A&E in crisis tonight; need the risk history and the care plan"


@pytest.fixture
def elsewhere_person(db):
    # Known to the partnership, but to no team of the clinician's.
    other = f.OrganisationFactory(name="Far Away Trust")
    return Person.objects.create(
        given_name="Kit",
        family_name="Marsh",
        nhs_number=ps.ALEX_NHS_NUMBER,
        created_by_organisation=other,
    )


@pytest.fixture
def other_clinician(db):
    other = f.NhsTrustFactory(name="Moorside Trust", slug="moorside")
    return f.member(other, Role.CLINICIAN)


def form(nhs_number: str = ps.ALEX_NHS_NUMBER, **extra) -> dict:
    return {"nhs_number": nhs_number, "reason": REASON, "duration": "4", "confirm": "on", **extra}


def test_the_form_warns_the_access_is_logged_reviewed_and_shown(client, clinician):
    ps.login(client, clinician)
    response = client.get(URL)
    assert response.status_code == 200
    assert "it is logged" in response.text
    assert "information governance lead reviews it" in response.text
    assert "the person can see" in response.text


def test_breaking_glass_opens_the_record_with_the_banner(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    record = reverse("people:detail", args=[elsewhere_person.public_id])
    assert client.get(record).status_code == 404
    response = client.post(URL, form(nhs_number="401 023 2137"))
    assert response["Location"] == record
    page = client.get(record)
    assert page.status_code == 200
    assert "You are seeing this record by breaking glass" in page.text


def test_the_access_lasts_the_duration_chosen_and_is_audited(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    client.post(URL, form(duration="12"))
    access = BreakGlass.objects.get()
    assert access.expires_at - access.started_at == dt.timedelta(hours=12)
    assert access.reason == REASON
    assert AuditEvent.objects.filter(action="break_glass", basis="break_glass").exists()


def test_the_access_ends_when_it_expires(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    client.post(URL, form(duration="1"))
    BreakGlass.objects.update(expires_at=timezone.now())
    record = reverse("people:detail", args=[elsewhere_person.public_id])
    assert client.get(record).status_code == 404


def test_a_short_reason_is_an_error_and_nothing_opens(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    response = client.post(URL, form(reason="emergency"))
    assert response.status_code == 200
    assert ps.form_errors(response)["reason"] == [
        "Say why you need this record now, in at least 20 characters"
    ]
    assert not BreakGlass.objects.exists()


def test_the_warning_must_be_confirmed(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    data = form()
    del data["confirm"]
    response = client.post(URL, data)
    assert "confirm" in ps.form_errors(response)
    assert not BreakGlass.objects.exists()


def test_a_forged_duration_is_400(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    response = client.post(URL, form(duration="9999"))
    assert response.status_code == 400
    assert not BreakGlass.objects.exists()


def test_a_malformed_nhs_number_is_an_error(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    response = client.post(URL, form(nhs_number="401 023 2138"))
    assert "check digit" in ps.form_errors(response)["nhs_number"][0]
    assert not BreakGlass.objects.exists()


def test_an_nhs_number_no_one_has_is_an_error(client, clinician, elsewhere_person):
    ps.login(client, clinician)
    response = client.post(URL, form(nhs_number="943 476 5919"))
    assert ps.form_errors(response)["nhs_number"] == [
        "No one with this NHS number is known to the partnership"
    ]
    assert not BreakGlass.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "commissioner", "day_centre_worker"])
def test_only_clinicians_may_break_glass(client, request, persona, elsewhere_person):
    user = request.getfixturevalue(persona)
    ps.login(client, user)
    assert client.get(URL).status_code == 403
    response = client.post(URL, form())
    assert response.status_code == 403
    assert "only clinicians may" in response.text
    assert not BreakGlass.objects.exists()


def test_the_people_list_offers_break_glass_to_clinicians(client, clinician):
    ps.login(client, clinician)
    assert URL in client.get(reverse("people:list")).text


def test_another_clinicians_break_glass_does_not_open_the_record(
    client, clinician, other_clinician, elsewhere_person
):
    ps.login(client, other_clinician)
    client.post(URL, form())
    ps.login(client, clinician)
    record = reverse("people:detail", args=[elsewhere_person.public_id])
    assert client.get(record).status_code == 404
