import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound, PermissionDenied
from joinedup.people import selectors, services
from joinedup.people.models import Person, RecordEntry

ALEX = {
    "given_name": "Alex",
    "family_name": "Rivers",
    "date_of_birth": dt.date(1980, 5, 1),
    "postcode": "ls1 4ap",
    "nhs_number": "943 476 5919",
}


def test_adding_a_person_gives_the_team_a_care_relationship(clinician):
    person = services.person_create(actor=clinician, data=ALEX)
    assert person.nhs_number == "9434765919"
    assert person.postcode == "LS1 4AP"
    assert selectors.person_get(user=clinician, public_id=person.public_id) == person


def test_adding_a_person_already_known_by_nhs_number_joins_their_record(
    clinician, day_centre_worker
):
    first = services.person_create(actor=clinician, data=ALEX)
    second = services.person_create(actor=day_centre_worker, data={**ALEX, "given_name": "Al"})
    assert first == second
    assert Person.objects.count() == 1


def test_a_likely_duplicate_must_be_confirmed(clinician, day_centre_worker):
    services.person_create(actor=clinician, data={**ALEX, "nhs_number": ""})
    with pytest.raises(services.PossibleDuplicate):
        services.person_create(actor=day_centre_worker, data={**ALEX, "nhs_number": ""})
    services.person_create(
        actor=day_centre_worker, data={**ALEX, "nhs_number": ""}, confirm_same_person=True
    )
    assert Person.objects.count() == 1


def test_a_malformed_nhs_number_is_refused_and_nothing_written(clinician):
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=clinician, data={**ALEX, "nhs_number": "9434765918"})
    assert "nhs_number" in error.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_volunteer_may_not_add_people(volunteer):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=volunteer, data=ALEX)


def test_an_entry_is_corrected_by_a_new_version(clinician):
    person = services.person_create(actor=clinician, data=ALEX)
    entry = services.entry_create(
        actor=clinician, person=person, category=Category.CLINICAL, title="Review", text="x"
    )
    new = services.entry_correct(
        actor=clinician, entry=entry, title="Review", text="y", reason="typo"
    )
    assert list(selectors.entry_list(user=clinician, person=person)) == [new]
    assert RecordEntry.objects.count() == 2


def test_someone_without_a_relationship_gets_not_found(clinician, outsider):
    person = services.person_create(actor=clinician, data=ALEX)
    with pytest.raises(NotFound):
        selectors.person_get(user=outsider, public_id=person.public_id)
    with pytest.raises(NotFound):
        selectors.person_get(user=outsider, public_id="not-a-uuid")


def test_viewing_a_record_is_audited(clinician):
    person = services.person_create(actor=clinician, data=ALEX)
    selectors.person_record(user=clinician, public_id=person.public_id)
    assert AuditEvent.objects.filter(action="view", person_public_id=person.public_id).exists()


def test_an_nhs_number_with_someone_elses_name_does_not_open_their_record(
    clinician, day_centre_worker
):
    services.person_create(actor=clinician, data=ALEX)
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=day_centre_worker, data={**ALEX, "family_name": "Other"})
    assert "nhs_number" in error.value.message_dict
    with pytest.raises(NotFound):
        selectors.person_get(user=day_centre_worker, public_id=Person.objects.get().public_id)
