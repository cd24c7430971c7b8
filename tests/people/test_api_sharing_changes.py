"""A change to what allows sharing takes effect on the very next API request (issue 3):
a consent withdrawn, an objection recorded, an agreement ended, a care relationship
ended. Each test reads as the partner's volunteer before and after the change."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.partnerships.models import InformationSharingAgreement
from joinedup.people import services
from joinedup.people.models import CareRelationship
from tests.api_support import bearer, send_json
from tests.people import people_support as ps

CONSENT = {"categories": ["contact", "care_plan"], "state": "explicit", "how_given": "in_person"}


def entries_url(person) -> str:
    return f"/api/v1/people/{person.public_id}/entries"


def shared_titles(client, user, person) -> list[str]:
    response = client.get(entries_url(person), headers=bearer(user))
    assert response.status_code == 200, response.content
    return sorted(e["title"] for e in response.json()["results"])


@pytest.fixture
def by_consent(trust, day_centre, clinician):
    """The agreement shares with volunteers only with the person's explicit consent."""
    return ps.shared_world(trust, day_centre, clinician, consent_required=True)


@pytest.fixture
def for_direct_care(trust, day_centre, clinician):
    """The agreement shares with volunteers for direct care, without asking."""
    return ps.shared_world(trust, day_centre, clinician)


def test_a_volunteer_sees_nothing_shared_by_consent_until_it_is_given(
    client, clinician, volunteer, by_consent
):
    assert shared_titles(client, volunteer, by_consent.person) == []
    url = f"/api/v1/people/{by_consent.person.public_id}/consents"
    body = {**CONSENT, "partnership": by_consent.partnership.slug}
    assert send_json(client, "post", url, body, bearer(clinician)).status_code == 201
    assert shared_titles(client, volunteer, by_consent.person) == [
        "Best time to call",
        "Shared care plan",
    ]


def test_a_withdrawal_of_consent_hides_the_entries_on_the_next_request(
    client, clinician, volunteer, by_consent
):
    url = f"/api/v1/people/{by_consent.person.public_id}/consents"
    body = {**CONSENT, "partnership": by_consent.partnership.slug}
    decision = send_json(client, "post", url, body, bearer(clinician)).json()
    assert "Shared care plan" in shared_titles(client, volunteer, by_consent.person)

    withdrawn = send_json(client, "post", f"{url}/{decision['id']}/withdraw", {}, bearer(clinician))
    assert withdrawn.status_code == 200
    assert shared_titles(client, volunteer, by_consent.person) == []


def test_an_objection_hides_entries_shared_for_direct_care_on_the_next_request(
    client, clinician, volunteer, for_direct_care
):
    assert "Shared care plan" in shared_titles(client, volunteer, for_direct_care.person)
    url = f"/api/v1/people/{for_direct_care.person.public_id}/consents"
    body = {**CONSENT, "state": "objection", "partnership": for_direct_care.partnership.slug}
    assert send_json(client, "post", url, body, bearer(clinician)).status_code == 201
    assert shared_titles(client, volunteer, for_direct_care.person) == []


def test_an_agreement_that_ended_yesterday_shares_nothing_on_the_next_request(
    client, volunteer, for_direct_care
):
    assert "Shared care plan" in shared_titles(client, volunteer, for_direct_care.person)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    InformationSharingAgreement.objects.filter(partnership=for_direct_care.partnership).update(
        ends_on=yesterday
    )
    assert shared_titles(client, volunteer, for_direct_care.person) == []


def test_an_ended_care_relationship_hides_the_person_on_the_next_request(
    client, volunteer, day_centre_worker, day_centre, for_direct_care
):
    person = for_direct_care.person
    assert client.get(entries_url(person), headers=bearer(volunteer)).status_code == 200
    relationship = CareRelationship.objects.get(person=person, organisation=day_centre)
    services.relationship_end(actor=day_centre_worker, relationship=relationship, reason="closed")

    assert client.get(entries_url(person), headers=bearer(volunteer)).status_code == 404
    listed = client.get("/api/v1/people", headers=bearer(volunteer)).json()["results"]
    assert listed == []
