"""A person's own account logs in at the portal, and only there; staff only at theirs."""

from django.urls import reverse

from joinedup.access.roles import Role
from tests.factories import DEFAULT_PASSWORD
from tests.people import people_support as ps
from tests.portal import portal_support as pp


def test_a_person_logs_in_at_the_portal_and_lands_on_their_record(
    client, trust, day_centre, clinician
):
    world = ps.shared_world(trust, day_centre, clinician)
    alex = pp.portal_account(world.person)
    response = client.post(
        reverse("portal:login"), {"username": alex.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_a_staff_account_is_refused_at_the_portal_login(client, clinician):
    response = client.post(
        reverse("portal:login"), {"username": clinician.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "This is a staff account" in response.text
    assert "_auth_user_id" not in client.session


def test_a_person_account_is_refused_at_the_staff_login(client, trust, day_centre, clinician):
    world = ps.shared_world(trust, day_centre, clinician)
    alex = pp.portal_account(world.person)
    response = client.post(
        reverse("accounts:login"), {"username": alex.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "your own account for your record" in response.text
    assert "_auth_user_id" not in client.session


def test_a_person_account_cannot_be_given_a_membership(trust, day_centre, clinician):
    import pytest
    from django.core.exceptions import ValidationError

    from joinedup.accounts.services import membership_create

    world = ps.shared_world(trust, day_centre, clinician)
    alex = pp.portal_account(world.person)
    with pytest.raises(ValidationError):
        membership_create(user=alex, organisation=trust, role=Role.CLINICIAN)
    assert not alex.memberships.exists()


def test_an_idle_portal_session_is_sent_back_to_the_portal_login(
    client, trust, day_centre, clinician, settings
):
    import time

    from joinedup.accounts import session_keys

    world = ps.shared_world(trust, day_centre, clinician)
    alex = pp.portal_account(world.person)
    pp.portal_login(client, alex)
    session = client.session
    session[session_keys.LAST_SEEN_AT] = int(time.time()) - settings.JOINEDUP_SESSION_IDLE_SECONDS
    session.save()
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))
