"""Subject access requests: everything held about a person, for the IG lead, audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.people import selectors as people_selectors
from joinedup.people.models import CareRelationship, RecordEntry, RelatedPerson
from tests import factories as f
from tests.governance import governance_support as gs
from tests.people import people_support as ps

URL = reverse("governance:subject_access")
NHS_NUMBER = ps.ALEX_NHS_NUMBER


@pytest.fixture
def alex(trust, clinician):
    someone = gs.person(trust, nhs_number=NHS_NUMBER, given_name="Alex")
    CareRelationship.objects.create(
        person=someone, organisation=trust, kind="caseload", since=timezone.now(), reason="CMHT"
    )
    RelatedPerson.objects.create(person=someone, name="Jo Marsh", relationship="Sister")
    first = ps.entry(someone, trust, clinician, Category.CLINICAL, "Assessment", text="First")
    second = ps.entry(someone, trust, clinician, Category.CLINICAL, "Assessment", text="Second")
    RecordEntry.objects.filter(pk=second.pk).update(supersedes=first)
    ps.entry(someone, trust, clinician, Category.RISK, "Sealed note", sealed=True)
    audit_record(
        actor=clinician,
        action="view",
        obj=someone,
        person_public_id=someone.public_id,
        basis="own_organisation",
    )
    return someone


def test_finds_by_nhs_number_and_shows_everything_held(client, ig_lead, alex):
    ps.login(client, ig_lead)
    response = client.get(URL, {"identifier": "401 023 2137"})
    assert response.status_code == 200
    text = response.text
    assert "Review and redact before release" in text
    assert "Jo Marsh" in text
    assert "First" in text and "Second" in text  # every version
    assert "Sealed note" in text
    assert "Clinician to review before release" in text
    assert "CMHT" in text
    assert "clinician.city-nhs-trust" in text  # the access log


def test_finds_by_person_id(client, ig_lead, alex):
    ps.login(client, ig_lead)
    response = client.get(URL, {"identifier": str(alex.public_id)})
    assert response.status_code == 200
    assert str(alex.public_id) in response.text


def test_the_request_is_audited_as_an_export(client, ig_lead, alex):
    ps.login(client, ig_lead)
    client.get(URL, {"identifier": str(alex.public_id)})
    event = AuditEvent.objects.get(actor=ig_lead, action="export")
    assert event.person_public_id == alex.public_id
    assert event.basis == "own_organisation"
    assert event.purpose == "subject_access"


def test_json_download_is_machine_readable(client, ig_lead, alex):
    ps.login(client, ig_lead)
    response = client.get(URL, {"identifier": str(alex.public_id), "format": "json"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.json()
    assert body["person"]["nhs_number"] == NHS_NUMBER
    assert len(body["entries"]) == 3
    assert [e["needs_clinician_review"] for e in body["entries"] if e["sealed"]] == [True]
    assert body["carers_and_relatives"][0]["name"] == "Jo Marsh"
    assert body["access_log"]
    assert "redact" in body["notice"]


def test_the_empty_form_shows(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(URL)
    assert response.status_code == 200
    assert "NHS number or joinedup person id" in response.text


def test_a_person_not_held_by_the_organisation_is_not_found(client, ig_lead):
    elsewhere = gs.person(f.OrganisationFactory(slug="far"), nhs_number=NHS_NUMBER)
    ps.login(client, ig_lead)
    response = client.get(URL, {"identifier": str(elsewhere.public_id)})
    assert response.status_code == 404
    assert "There is no such person held by your organisation" in response.text
    assert not AuditEvent.objects.filter(action="export").exists()


def test_nonsense_is_not_found_not_a_500(client, ig_lead):
    ps.login(client, ig_lead)
    assert client.get(URL, {"identifier": "<script>"}).status_code == 404


def test_an_empty_identifier_is_a_form_error(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(URL, {"identifier": ""})
    assert response.status_code == 400
    assert "Enter an NHS number or a joinedup person id" in response.text


def test_a_clinician_is_refused_with_a_reason(client, clinician, alex):
    ps.login(client, clinician)
    response = client.get(URL, {"identifier": str(alex.public_id)})
    assert response.status_code == 403
    assert "information governance lead" in response.text


def test_the_selector_refuses_other_roles(clinician, alex):
    with pytest.raises(PermissionDenied):
        people_selectors.person_subject_access(actor=clinician, public_id=alex.public_id)


def test_the_selector_hides_other_organisations_people(other_ig_lead, alex):
    with pytest.raises(NotFound):
        people_selectors.person_subject_access(actor=other_ig_lead, public_id=alex.public_id)


def test_a_person_reached_by_break_glass_is_held(ig_lead, clinician):
    someone = gs.person(f.OrganisationFactory(slug="far"))
    gs.break_glass(clinician, someone)
    found = people_selectors.person_subject_access(actor=ig_lead, public_id=someone.public_id)
    assert [b.reason for b in found.break_glass] == [gs.REASON]
