"""Adding a person: the NHS.UK form, its checks, duplicates, and who may add."""

import datetime as dt

import pytest
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from joinedup.directory.models import OrganisationKind
from joinedup.people.models import CareRelationship, Person
from tests import factories as f
from tests.people import people_support as ps

URL = reverse("people:create")
ALEX = {
    "given_name": "Alex",
    "family_name": "Rivers",
    "date_of_birth_day": "1",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1980",
    "postcode": "ls1 4ap",
}


@pytest.fixture
def practice(db):
    return f.OrganisationFactory(
        name="Park Lane Surgery", kind=OrganisationKind.GP_PRACTICE, ods_code="B86001"
    )


def test_the_form_offers_gp_practices_and_marks_equality_questions_optional(
    client, clinician, practice, day_centre
):
    ps.login(client, clinician)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Park Lane Surgery" in response.text
    assert day_centre.name not in response.text  # not a GP practice
    assert "Ethnic group (optional)" in response.text
    assert "Prefer not to say (not stated)" in response.text


def test_adding_a_person_redirects_to_their_record(client, clinician, practice):
    ps.login(client, clinician)
    response = client.post(
        URL, {**ALEX, "nhs_number": "943 476 5919", "gp_practice": str(practice.public_id)}
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.public_id])
    assert person.nhs_number == "9434765919"
    assert person.postcode == "LS1 4AP"
    assert person.date_of_birth == dt.date(1980, 5, 1)
    assert person.gp_practice == practice


def test_equality_answers_are_saved_including_prefer_not_to_say(client, clinician):
    ps.login(client, clinician)
    client.post(
        URL,
        {**ALEX, "ethnic_category": "Z", "has_disability": "not_stated", "gender_identity": "3"},
    )
    person = Person.objects.get()
    assert person.ethnic_category == "Z"
    assert person.has_disability is None
    assert person.gender_identity == "3"


def test_the_names_are_required(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {"given_name": "", "family_name": ""})
    assert response.status_code == 200
    assert ps.form_errors(response)["family_name"] == ["Enter the person's family name"]
    assert "There is a problem" in response.text
    assert not Person.objects.exists()


def test_an_nhs_number_with_a_wrong_check_digit_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "nhs_number": "943 476 5918"})
    assert "check digit" in ps.form_errors(response)["nhs_number"][0]
    assert not Person.objects.exists()


def test_an_nhs_number_of_the_wrong_length_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "nhs_number": "12345"})
    assert ps.form_errors(response)["nhs_number"] == [
        "Enter an NHS number of 10 digits, like 943 476 5919"
    ]


def test_a_postcode_that_is_not_real_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "postcode": "QQ1 1QQ"})
    assert ps.form_errors(response)["postcode"] == ["Enter a real UK postcode, like LS1 4AP"]
    assert not Person.objects.exists()


def test_an_impossible_date_of_birth_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "date_of_birth_day": "31", "date_of_birth_month": "2"})
    assert ps.form_errors(response)["date_of_birth"] == [
        "Date of birth must be a real date, like 31 3 1980"
    ]


def test_a_date_of_birth_in_the_future_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "date_of_birth_year": "2999"})
    assert ps.form_errors(response)["date_of_birth"] == ["Date of birth must be in the past"]


def test_a_partial_date_of_birth_is_an_error(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "date_of_birth_month": ""})
    assert ps.form_errors(response)["date_of_birth"] == [
        "Date of birth must include a day, month and year"
    ]


def test_the_error_summary_links_to_the_first_box_of_the_date(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "date_of_birth_year": "2999"})
    assert 'href="#id_date_of_birth_0"' in response.text
    assert 'id="id_date_of_birth_0"' in response.text


def test_a_forged_gp_practice_is_refused_with_400(client, clinician, day_centre):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "gp_practice": str(day_centre.public_id)})
    assert response.status_code == 400
    assert ps.form_errors(response)["gp_practice"] == ["Choose a GP practice from the list"]
    assert not Person.objects.exists()


def test_a_forged_equality_code_is_refused_with_400(client, clinician):
    ps.login(client, clinician)
    response = client.post(URL, {**ALEX, "ethnic_category": "Q"})
    assert response.status_code == 400
    assert not Person.objects.exists()


def test_a_likely_duplicate_asks_for_confirmation_and_writes_nothing(
    client, clinician, day_centre_worker
):
    ps.login(client, clinician)
    client.post(URL, {**ALEX, "phone": "0113 496 0000"})
    ps.login(client, day_centre_worker)
    events = AuditEvent.objects.count()
    response = client.post(URL, ALEX)
    assert response.status_code == 409
    assert "This is the same person" in response.text
    assert "0113 496 0000" not in response.text  # nothing of the record already held
    assert Person.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_confirming_the_same_person_joins_their_record(client, clinician, day_centre_worker):
    ps.login(client, clinician)
    client.post(URL, ALEX)
    ps.login(client, day_centre_worker)
    response = client.post(URL, {**ALEX, "confirm_same_person": "on"})
    person = Person.objects.get()
    assert response["Location"] == reverse("people:detail", args=[person.public_id])
    assert CareRelationship.objects.filter(
        person=person, organisation=day_centre_worker.acting_membership.organisation
    ).exists()


def test_a_volunteer_may_not_add_a_person(client, volunteer):
    ps.login(client, volunteer)
    response = client.get(URL)
    assert response.status_code == 403
    assert "may not add to people" in response.text


def test_a_volunteer_posting_anyway_gets_403_and_nothing_written(client, volunteer):
    ps.login(client, volunteer)
    assert client.post(URL, ALEX).status_code == 403
    assert not Person.objects.exists()
