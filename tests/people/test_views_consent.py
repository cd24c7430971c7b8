"""Recording and withdrawing consent through the web pages, and its effect at once."""

import uuid

import pytest
from django.urls import reverse

from joinedup.access.categories import Category
from joinedup.people.models import Consent
from tests import factories as f
from tests.people import people_support as ps


@pytest.fixture
def world(trust, day_centre, clinician):
    # The ISA shares with volunteers only with the person's explicit consent.
    return ps.shared_world(trust, day_centre, clinician, consent_required=True)


def record_url(person) -> str:
    return reverse("people:detail", args=[person.public_id])


def create_url(person) -> str:
    return reverse("people:consent_create", args=[person.public_id])


def withdraw_url(person, decision_id) -> str:
    return reverse("people:consent_withdraw", args=[person.public_id, decision_id])


def explicit_for_partnership(world, **extra) -> dict:
    return {
        "scope": f"partnership:{world.partnership.public_id}",
        "categories": [Category.CONTACT, Category.CARE_PLAN, Category.ACTIVITY],
        "state": "explicit",
        "how_given": "in_person",
        **extra,
    }


def test_the_form_offers_the_partnerships_of_the_acting_organisation(client, clinician, world):
    outside = f.OrganisationFactory(name="Not A Partner")
    ps.login(client, clinician)
    response = client.get(create_url(world.person))
    assert response.status_code == 200
    assert world.partnership.name in response.text
    assert outside.name not in response.text


def test_recording_explicit_consent_lets_the_volunteer_see_the_shared_plan(
    client, clinician, volunteer, world
):
    ps.login(client, volunteer)
    assert world.plan.title not in client.get(record_url(world.person)).text
    ps.login(client, clinician)
    response = client.post(create_url(world.person), explicit_for_partnership(world))
    assert response.status_code == 302
    assert Consent.objects.filter(person=world.person, state="explicit").count() == 3
    ps.login(client, volunteer)
    assert world.plan.title in client.get(record_url(world.person)).text


def test_withdrawal_takes_effect_on_the_volunteers_very_next_request(
    client, clinician, volunteer, world
):
    [row, *_] = ps.explicit_consent(world, clinician)
    volunteer_client = client.__class__()
    ps.login(volunteer_client, volunteer)
    assert world.plan.title in volunteer_client.get(record_url(world.person)).text

    ps.login(client, clinician)
    response = client.post(withdraw_url(world.person, row.decision_id))
    assert response.status_code == 302

    assert world.plan.title not in volunteer_client.get(record_url(world.person)).text


def test_withdrawing_asks_for_confirmation_first(client, clinician, world):
    [row, *_] = ps.explicit_consent(world, clinician)
    ps.login(client, clinician)
    response = client.get(withdraw_url(world.person, row.decision_id))
    assert response.status_code == 200
    assert "Withdraw this decision?" in response.text
    assert Consent.objects.active_at(row.recorded_at).filter(decision_id=row.decision_id).count()
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_withdrawing_another_persons_decision_is_404_and_changes_nothing(
    client, trust, clinician, world
):
    other = ps.people_on_caseload(trust, 1)[0]
    [row, *_] = ps.explicit_consent(world, clinician)
    ps.login(client, clinician)
    response = client.post(withdraw_url(other, row.decision_id))
    assert response.status_code == 404
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_withdrawing_an_unknown_decision_is_404(client, clinician, world):
    ps.login(client, clinician)
    assert client.post(withdraw_url(world.person, uuid.uuid4())).status_code == 404


def test_a_volunteer_may_not_record_consent(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.post(create_url(world.person), explicit_for_partnership(world))
    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_a_volunteer_may_not_withdraw_consent(client, clinician, volunteer, world):
    [row, *_] = ps.explicit_consent(world, clinician)
    ps.login(client, volunteer)
    assert client.post(withdraw_url(world.person, row.decision_id)).status_code == 403
    assert not Consent.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_forged_scope_of_another_organisation_is_400_and_nothing_written(
    client, clinician, world
):
    outside = f.OrganisationFactory(name="Not A Partner")
    ps.login(client, clinician)
    response = client.post(
        create_url(world.person),
        explicit_for_partnership(world, scope=f"organisation:{outside.public_id}"),
    )
    assert response.status_code == 400
    assert ps.form_errors(response)["scope"] == [
        "Choose a partnership or organisation from the list"
    ]
    assert not Consent.objects.exists()


def test_a_forged_category_is_400_and_nothing_written(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(
        create_url(world.person), explicit_for_partnership(world, categories=["secrets"])
    )
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_an_override_needs_a_note(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(
        create_url(world.person), explicit_for_partnership(world, state="override")
    )
    assert response.status_code == 200
    assert ps.form_errors(response)["note"] == ["An override needs the reason it was decided"]
    assert not Consent.objects.exists()


def test_an_expiry_in_the_past_is_an_error(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(
        create_url(world.person),
        explicit_for_partnership(
            world, expires_on_day="1", expires_on_month="1", expires_on_year="2001"
        ),
    )
    assert ps.form_errors(response)["expires_on"] == ["Expiry date must be in the future"]
    assert not Consent.objects.exists()


def test_an_expiry_is_saved_as_the_end_of_that_day(client, clinician, world):
    ps.login(client, clinician)
    client.post(
        create_url(world.person),
        explicit_for_partnership(
            world, expires_on_day="31", expires_on_month="12", expires_on_year="2099"
        ),
    )
    from django.utils import timezone

    expires = timezone.localtime(Consent.objects.first().expires_at)
    assert (expires.year, expires.month, expires.day, expires.hour) == (2100, 1, 1, 0)


def test_recording_consent_for_someone_you_cannot_see_is_404(client, outsider, world):
    ps.login(client, outsider)
    assert client.get(create_url(world.person)).status_code == 404
