"""Changing a password at /accounts/password/, under Django's validators (at least 12
characters, not common, not all digits, not like the username)."""

import pytest
from django.urls import reverse

from joinedup.accounts.models import UserSession
from tests import factories as f

URL = reverse("accounts:password_change")
STRONG = "lantern-orchard-pebble-91"


def change(client, new, again=None, old=f.DEFAULT_PASSWORD):
    return client.post(
        URL, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def test_the_password_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.url.startswith(reverse("accounts:login"))


def test_the_password_page_asks_for_the_current_and_new_password(client, volunteer):
    client.force_login(volunteer)
    page = client.get(URL).content.decode()
    assert 'for="id_old_password">Current password' in page
    assert "at least 12 characters" in page


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("short-pw", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("384729105638", "This password is entirely numeric."),
        ("volunteer.riverside-mind", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_and_the_old_one_kept(client, volunteer, weak, message):
    client.force_login(volunteer)
    response = change(client, weak)
    assert response.status_code == 200
    assert message in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.check_password(f.DEFAULT_PASSWORD)


def test_the_refusal_is_in_the_error_summary(client, volunteer):
    client.force_login(volunteer)
    response = change(client, "short-pw")
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors["new_password2"]


def test_a_wrong_current_password_changes_nothing(client, volunteer):
    client.force_login(volunteer)
    response = change(client, STRONG, old="not-my-password")
    assert "Your current password is not right" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.check_password(f.DEFAULT_PASSWORD)


def test_new_passwords_that_differ_are_refused(client, volunteer):
    client.force_login(volunteer)
    response = change(client, STRONG, again=STRONG + "x")
    assert "The new passwords do not match" in response.content.decode()


def test_a_strong_password_is_accepted(client, volunteer):
    client.force_login(volunteer)
    response = change(client, STRONG)
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.check_password(STRONG)


def test_this_session_goes_on_after_the_change(client, volunteer):
    client.force_login(volunteer)
    change(client, STRONG)
    assert client.get("/").wsgi_request.user == volunteer


def test_other_sessions_end_when_the_password_changes(client, volunteer):
    other = type(client)()
    other.force_login(volunteer)
    client.force_login(volunteer)
    change(client, STRONG)
    assert not other.get("/").wsgi_request.user.is_authenticated


def test_the_session_record_follows_the_new_session_key(client, volunteer):
    client.force_login(volunteer)
    change(client, STRONG)
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()
