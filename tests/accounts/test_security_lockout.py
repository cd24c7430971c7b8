"""Lockout after repeated wrong passwords for a username (django-axes), on the web login
and on the token endpoint, with a page that says when to try again."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from joinedup.accounts.models import ApiToken
from tests import factories as f
from tests.api_support import send_json

TOKEN = "/api/v1/auth/token"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 09:00 in London, still on GMT


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def log_in(client, username, password=f.DEFAULT_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail(client, username, times):
    for _ in range(times):
        response = log_in(client, username, password="not-the-password")
    return response


def ask_token(client, username, password=f.DEFAULT_PASSWORD):
    return send_json(client, "POST", TOKEN, {"username": username, "password": password})


def test_four_wrong_passwords_still_allow_the_right_one(client, volunteer):
    fail(client, volunteer.username, 4)
    assert log_in(client, volunteer.username).status_code == 302


def test_the_fifth_wrong_password_locks_the_username(client, volunteer):
    response = fail(client, volunteer.username, 5)
    assert response.status_code == 429
    assert "You cannot log in for now" in response.content.decode()


def test_the_locked_page_says_when_to_try_again(client, volunteer):
    response = fail(client, volunteer.username, 5)
    assert "You can try again after 09:30 on 2 March 2026 (in 30 minutes)" in (
        response.content.decode()
    )


def test_a_locked_username_is_refused_even_with_the_right_password(client, volunteer):
    fail(client, volunteer.username, 5)
    response = log_in(client, volunteer.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_trying_during_the_lockout_does_not_extend_it(client, volunteer, clock):
    fail(client, volunteer.username, 5)
    clock.shift(dt.timedelta(minutes=20))
    response = fail(client, volunteer.username, 1)
    assert "try again after 09:30" in response.content.decode()


def test_after_the_cool_off_the_right_password_works(client, volunteer, clock):
    fail(client, volunteer.username, 5)
    clock.shift(dt.timedelta(minutes=31))
    assert log_in(client, volunteer.username).status_code == 302


def test_a_successful_login_resets_the_count(client, volunteer):
    fail(client, volunteer.username, 4)
    log_in(client, volunteer.username)
    client.post(reverse("accounts:logout"))
    assert fail(client, volunteer.username, 4).status_code == 200


def test_the_lock_is_per_username(client, volunteer, day_centre_worker, settings):
    settings.JOINEDUP_2FA_REQUIRED = False
    fail(client, volunteer.username, 5)
    assert log_in(client, day_centre_worker.username).status_code == 302


def test_an_unknown_username_is_locked_the_same_way(client, db):
    response = fail(client, "nobody.here", 5)
    assert response.status_code == 429


def test_the_cool_off_is_configurable(client, volunteer, settings, clock):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=5)
    fail(client, volunteer.username, 5)
    clock.shift(dt.timedelta(minutes=6))
    assert log_in(client, volunteer.username).status_code == 302


def test_the_failure_limit_is_configurable(client, volunteer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    assert fail(client, volunteer.username, 3).status_code == 429


def test_force_login_still_works_with_the_lockout_backend_first(client, volunteer):
    client.force_login(volunteer)
    assert client.get("/").wsgi_request.user == volunteer


# --- the token endpoint


def test_the_token_endpoint_locks_after_five_wrong_passwords(client, volunteer):
    for _ in range(5):
        response = ask_token(client, volunteer.username, password="not-the-password")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == (
        "Too many wrong passwords for this username: try again after 2026-03-02T09:30+00:00"
    )


def test_the_locked_token_endpoint_says_when_to_retry_in_a_header(client, volunteer):
    for _ in range(5):
        response = ask_token(client, volunteer.username, password="not-the-password")
    assert response["Retry-After"] == "1800"


def test_a_locked_username_gets_no_token_with_the_right_password(client, volunteer):
    for _ in range(5):
        ask_token(client, volunteer.username, password="not-the-password")
    assert ask_token(client, volunteer.username).status_code == 429
    assert not ApiToken.objects.exists()


def test_wrong_passwords_on_the_web_lock_the_api_too(client, volunteer):
    fail(client, volunteer.username, 5)
    assert ask_token(client, volunteer.username).status_code == 429
