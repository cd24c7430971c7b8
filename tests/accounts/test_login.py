import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.accounts.testing import force_login_verified
from tests import factories as f


@pytest.mark.django_db
def test_login_page_renders_for_a_visitor(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_login_with_the_right_password_logs_in_and_acts_as_the_membership(client, volunteer):
    response = client.post(
        reverse("accounts:login"),
        {"username": volunteer.username, "password": f.DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert "Volunteer, Riverside Mind" in home.content.decode()


def test_login_gives_a_new_session_id(client, day_centre_worker):
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    client.post(
        reverse("accounts:login"),
        {"username": day_centre_worker.username, "password": f.DEFAULT_PASSWORD},
    )
    assert client.session.session_key != before


def test_login_with_a_wrong_password_shows_the_error_summary(client, day_centre_worker):
    response = client.post(
        reverse("accounts:login"), {"username": day_centre_worker.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_disabled_account_cannot_log_in(client, day_centre_worker):
    day_centre_worker.is_active = False
    day_centre_worker.save()
    response = client.post(
        reverse("accounts:login"),
        {"username": day_centre_worker.username, "password": f.DEFAULT_PASSWORD},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_user_with_no_active_membership_acts_as_nobody(client):
    user = f.UserFactory(username="former.staff")
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response.wsgi_request.user.acting_membership is None


def test_ending_a_membership_stops_acting_as_it_on_the_next_request(client, day_centre_worker):
    client.force_login(day_centre_worker)
    client.get(reverse("core:home"))
    day_centre_worker.memberships.update(is_active=False)
    response = client.get(reverse("core:home"))
    assert response.wsgi_request.user.acting_membership is None


def test_the_header_names_the_role_and_organisation(client, trust):
    clinician = f.member(trust, Role.CLINICIAN)
    force_login_verified(client, clinician)
    response = client.get(reverse("core:home"))
    assert "Clinician, City NHS Trust" in response.content.decode()
