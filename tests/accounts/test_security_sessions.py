"""Idle and absolute session timeouts measured on the server, a new session id at login,
and the record of each login's session that lets it be ended from elsewhere."""

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from joinedup.accounts.models import UserSession
from tests import factories as f

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOME = "/"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def log_in(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": f.DEFAULT_PASSWORD}
    )


def session_exists(key) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


# --- idle timeout


def test_a_session_idle_for_the_limit_is_logged_out(client, volunteer, clock):
    log_in(client, volunteer)
    clock.shift(dt.timedelta(minutes=30))
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next=/"
    assert "_auth_user_id" not in client.session


def test_the_login_page_says_the_session_ended_for_inactivity(client, volunteer, clock):
    log_in(client, volunteer)
    clock.shift(dt.timedelta(minutes=31))
    response = client.get(HOME, follow=True)
    assert "Your session ended after 30 minutes without activity" in response.content.decode()


def test_activity_keeps_a_session_alive(client, volunteer, clock):
    log_in(client, volunteer)
    for _ in range(4):
        clock.shift(dt.timedelta(minutes=20))
        response = client.get(HOME)
    assert response.status_code == 200
    assert response.wsgi_request.user == volunteer


def test_the_idle_limit_is_configurable(client, volunteer, clock, settings):
    settings.JOINEDUP_SESSION_IDLE_SECONDS = 5 * 60
    log_in(client, volunteer)
    clock.shift(dt.timedelta(minutes=6))
    response = client.get(HOME, follow=True)
    assert "Your session ended after 5 minutes without activity" in response.content.decode()


# --- absolute timeout


def test_a_session_ends_at_the_absolute_limit_however_active(client, volunteer, clock, settings):
    settings.SESSION_COOKIE_AGE = 3600
    log_in(client, volunteer)
    for _ in range(3):
        clock.shift(dt.timedelta(minutes=20))
        response = client.get(HOME, follow=True)
    assert "_auth_user_id" not in client.session
    assert "Your session ended 1 hour after you logged in" in response.content.decode()


def test_the_absolute_limit_is_enforced_though_the_stored_session_lives_on(
    client, volunteer, clock, settings
):
    # Django moves a stored session's expiry forward on each save: only the login time
    # recorded in it ends it on time.
    settings.SESSION_COOKIE_AGE = 3600
    log_in(client, volunteer)
    for _ in range(2):
        clock.shift(dt.timedelta(minutes=25))
        client.get(HOME)
    key = client.session.session_key
    clock.shift(dt.timedelta(minutes=11))
    assert session_exists(key)
    assert client.get(HOME).status_code == 302


def test_a_session_just_inside_both_limits_goes_on(client, volunteer, clock):
    log_in(client, volunteer)
    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert client.get(HOME).status_code == 200


# --- a new session at login


def test_login_replaces_the_session_and_deletes_the_old_one(client, volunteer):
    client.get(reverse("accounts:login"))
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    log_in(client, volunteer)
    assert client.session.session_key != before
    assert not session_exists(before)


def test_login_records_the_session_against_the_user(client, volunteer):
    log_in(client, volunteer)
    assert list(UserSession.objects.values_list("user", "session_key")) == [
        (volunteer.pk, client.session.session_key)
    ]


def test_logout_forgets_the_session(client, volunteer):
    log_in(client, volunteer)
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.exists()


def test_a_new_login_forgets_the_users_sessions_past_the_absolute_limit(client, volunteer, clock):
    log_in(client, volunteer)
    clock.shift(dt.timedelta(hours=9))
    other = type(client)()
    log_in(other, volunteer)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        other.session.session_key
    ]


# --- a user who can no longer log in


def test_a_user_disabled_behind_the_services_back_is_logged_out_next_request(client, volunteer):
    log_in(client, volunteer)
    type(volunteer).objects.filter(pk=volunteer.pk).update(is_active=False)
    response = client.get(HOME)
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session
