"""TOTP two-factor authentication: required for roles that see clinical data, decided per
acting membership, on the web and for API tokens; anyone else may opt in."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.access.roles import Role
from joinedup.accounts import selectors, session_keys
from joinedup.accounts.models import ApiToken
from joinedup.accounts.testing import force_login_verified, totp_code, totp_device_for
from tests import factories as f
from tests.api_support import bearer, send_json

TOKEN = "/api/v1/auth/token"
HOME = "/"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

NEEDS_TWO_FACTOR = {
    Role.PRACTITIONER,
    Role.CLINICIAN,
    Role.CARE_COORDINATOR,
    Role.SAFEGUARDING_LEAD,
    Role.REFERRAL_COORDINATOR,
}


@pytest.fixture(autouse=True)
def _two_factor_on(settings):
    settings.JOINEDUP_2FA_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def log_in(client, user):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": f.DEFAULT_PASSWORD}
    )


def ask_token(client, user, **extra):
    body = {"username": user.username, "password": f.DEFAULT_PASSWORD, **extra}
    return send_json(client, "POST", TOKEN, body)


def setup_key(client) -> str:
    """The secret the setup page offers, read back from the session."""
    client.get(reverse("accounts:two_factor_setup"))
    return client.session[session_keys.TWO_FACTOR_SETUP_KEY]


# --- which roles


@pytest.mark.parametrize("role", list(Role))
def test_two_factor_is_required_exactly_for_roles_that_see_clinical_data(role):
    assert selectors.role_needs_two_factor(role) == (role in NEEDS_TWO_FACTOR)


def test_a_role_that_needs_no_second_factor_goes_straight_in(client, volunteer):
    log_in(client, volunteer)
    response = client.get(HOME)
    assert response.status_code == 200


def test_a_superuser_needs_a_second_factor(client, db):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    response = client.get(HOME)
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


def test_turning_the_requirement_off_lets_a_clinician_in_without_a_code(
    client, clinician, settings
):
    settings.JOINEDUP_2FA_REQUIRED = False
    client.force_login(clinician)
    assert client.get(HOME).status_code == 200


# --- the web: setting up


def test_a_clinician_without_an_app_is_sent_to_set_one_up(client, clinician):
    log_in(client, clinician)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:two_factor_setup')}?next=%2F"


def test_the_setup_page_shows_the_secret_as_text_an_otpauth_link_and_a_qr_code(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("accounts:two_factor_setup"))
    page = response.content.decode()
    uri = response.context["otpauth_uri"]
    assert uri.startswith("otpauth://totp/joinedup%3Aclinician.city-nhs-trust?secret=")
    assert parse_qs(urlparse(uri).query)["secret"][0] in response.context["secret"].replace(" ", "")
    assert response.context["secret"] in page
    assert 'src="data:image/svg+xml;base64,' in page


def test_the_setup_page_is_not_cached(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert "no-store" in response["Cache-Control"]


def test_the_first_right_code_keeps_the_app_and_verifies_the_session(client, clinician, clock):
    client.force_login(clinician)
    key = setup_key(client)
    response = client.post(
        reverse("accounts:two_factor_setup"), {"code": totp_code(key), "next": "/"}
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=clinician).confirmed
    assert client.get(HOME).status_code == 200


def test_a_wrong_first_code_keeps_nothing_and_says_so(client, clinician):
    client.force_login(clinician)
    setup_key(client)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_code_that_is_not_six_digits_is_refused_by_the_form(client, clinician):
    client.force_login(clinician)
    setup_key(client)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "12ab"})
    assert "Enter the security code as 6 digits" in response.content.decode()


def test_the_secret_stays_the_same_until_it_is_confirmed(client, clinician):
    client.force_login(clinician)
    assert setup_key(client) == setup_key(client)


# --- the web: verifying


def test_a_clinician_with_an_app_is_asked_for_a_code(client, clinician):
    totp_device_for(clinician)
    log_in(client, clinician)
    response = client.get(HOME)
    assert response.url == f"{reverse('accounts:two_factor_verify')}?next=%2F"


def test_the_right_code_verifies_the_session_and_goes_on(client, clinician, clock):
    device = totp_device_for(clinician)
    log_in(client, clinician)
    response = client.post(
        reverse("accounts:two_factor_verify"), {"code": totp_code(device), "next": "/switch-me"}
    )
    assert response.url == "/switch-me"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(HOME).status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, clinician, clock):
    totp_device_for(clinician)
    log_in(client, clinician)
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_after_a_wrong_code_even_the_right_one_waits(client, clinician, clock):
    device = totp_device_for(clinician)
    log_in(client, clinician)
    client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    assert "Too many wrong codes: wait 1 second" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_wait_doubles_with_each_wrong_code(client, clinician, clock):
    totp_device_for(clinician)
    log_in(client, clinician)
    for _ in range(3):
        clock.shift(dt.timedelta(minutes=1))
        client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert "wait 4 seconds" in response.content.decode()


def test_once_the_wait_is_over_the_right_code_works(client, clinician, clock):
    device = totp_device_for(clinician)
    log_in(client, clinician)
    client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    clock.shift(dt.timedelta(seconds=2))
    client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    assert client.get(HOME).status_code == 200


def test_a_code_cannot_be_used_twice(client, clinician, clock):
    device = totp_device_for(clinician)
    code = totp_code(device)
    log_in(client, clinician)
    client.post(reverse("accounts:two_factor_verify"), {"code": code})
    other = type(client)()
    log_in(other, clinician)
    response = other.post(reverse("accounts:two_factor_verify"), {"code": code})
    assert "The code is not right" in response.content.decode()


def test_verifying_does_not_follow_a_next_to_another_site(client, clinician, clock):
    device = totp_device_for(clinician)
    log_in(client, clinician)
    response = client.post(
        reverse("accounts:two_factor_verify"),
        {"code": totp_code(device), "next": "https://evil.example/"},
    )
    assert response.url == reverse("core:home")


# --- what stays open before the second factor


@pytest.mark.parametrize(
    "url",
    [
        reverse("directory:search"),
        reverse("directory:organisation_list"),
        reverse("directory:locality_list"),
        reverse("core:healthz"),
        reverse("accounts:two_factor_setup"),
    ],
)
def test_public_and_two_factor_pages_stay_open_before_the_second_factor(client, clinician, url):
    client.force_login(clinician)
    assert client.get(url).status_code == 200


def test_logging_out_stays_open_before_the_second_factor(client, clinician):
    client.force_login(clinician)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_staff_page_is_closed_before_the_second_factor(client, clinician, befriending):
    client.force_login(clinician)
    response = client.get(reverse("directory:service_edit", args=[befriending.public_id]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two_factor_setup"))


# --- switching membership


@pytest.fixture
def volunteer_and_clinician(day_centre, trust):
    """A volunteer at the day centre who is also a clinician at the trust."""
    user = f.member(day_centre, Role.VOLUNTEER, username="sam.two-hats")
    f.MembershipFactory(user=user, organisation=trust, role=Role.CLINICIAN)
    return user


def test_switching_to_a_role_that_needs_none_asks_for_no_code(client, volunteer_and_clinician):
    log_in(client, volunteer_and_clinician)
    volunteering = volunteer_and_clinician.memberships.get(role=Role.VOLUNTEER)
    client.post(reverse("accounts:switch"), {"membership": str(volunteering.pk)})
    assert client.get(HOME).status_code == 200


def test_switching_to_a_clinical_role_asks_for_the_code(client, volunteer_and_clinician):
    totp_device_for(volunteer_and_clinician)
    log_in(client, volunteer_and_clinician)
    clinical = volunteer_and_clinician.memberships.get(role=Role.CLINICIAN)
    client.post(reverse("accounts:switch"), {"membership": str(clinical.pk)})
    response = client.get(HOME)
    assert response.url == f"{reverse('accounts:two_factor_verify')}?next=%2F"


def test_switching_back_after_verifying_asks_for_no_code_again(
    client, volunteer_and_clinician, clock
):
    device = totp_device_for(volunteer_and_clinician)
    log_in(client, volunteer_and_clinician)
    clinical = volunteer_and_clinician.memberships.get(role=Role.CLINICIAN)
    volunteering = volunteer_and_clinician.memberships.get(role=Role.VOLUNTEER)
    client.post(reverse("accounts:switch"), {"membership": str(clinical.pk)})
    client.post(reverse("accounts:two_factor_verify"), {"code": totp_code(device)})
    client.post(reverse("accounts:switch"), {"membership": str(volunteering.pk)})
    client.post(reverse("accounts:switch"), {"membership": str(clinical.pk)})
    assert client.get(HOME).status_code == 200


def test_the_switch_page_stays_open_to_choose_a_role_that_needs_no_code(
    client, volunteer_and_clinician
):
    client.force_login(volunteer_and_clinician)
    clinical = volunteer_and_clinician.memberships.get(role=Role.CLINICIAN)
    session = client.session
    session[session_keys.ACTING_MEMBERSHIP] = clinical.pk
    session.save()
    assert client.get(reverse("accounts:switch")).status_code == 200


# --- opting in and out


def test_a_volunteer_may_opt_in(client, volunteer, clock):
    client.force_login(volunteer)
    key = setup_key(client)
    client.post(reverse("accounts:two_factor_setup"), {"code": totp_code(key)})
    assert selectors.user_has_two_factor(user=volunteer)


def test_an_opted_in_volunteer_is_asked_for_the_code_at_the_next_login(client, volunteer):
    totp_device_for(volunteer)
    log_in(client, volunteer)
    response = client.get(HOME)
    assert response.url.startswith(reverse("accounts:two_factor_verify"))


def test_a_volunteer_may_turn_it_off_again(client, volunteer):
    force_login_verified(client, volunteer)
    client.post(reverse("accounts:two_factor_remove"))
    assert not TOTPDevice.objects.filter(user=volunteer).exists()


def test_a_clinician_may_not_turn_it_off(client, clinician):
    force_login_verified(client, clinician)
    response = client.post(reverse("accounts:two_factor_remove"), follow=True)
    assert "Clinician needs two-factor authentication" in response.content.decode()
    assert TOTPDevice.objects.filter(user=clinician).exists()


def test_the_header_links_to_the_two_factor_page(client, volunteer):
    client.force_login(volunteer)
    page = client.get(HOME).content.decode()
    assert f'href="{reverse("accounts:two_factor")}"' in page


# --- the API


def test_a_token_for_a_clinical_role_needs_the_code(client, clinician):
    totp_device_for(clinician)
    response = ask_token(client, clinician)
    assert response.status_code == 401
    assert response.json()["errors"] == [
        {"field": "otp", "message": "Enter the 6-digit code from your authenticator app"}
    ]
    assert not ApiToken.objects.exists()


def test_a_token_for_a_clinical_role_is_issued_with_the_right_code(client, clinician, clock):
    device = totp_device_for(clinician)
    response = ask_token(client, clinician, otp=totp_code(device))
    assert response.status_code == 200
    assert ApiToken.objects.get().membership.user == clinician


def test_a_wrong_code_gets_no_token(client, clinician, clock):
    totp_device_for(clinician)
    response = ask_token(client, clinician, otp="000000")
    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "otp"
    assert not ApiToken.objects.exists()


def test_wrong_codes_to_the_api_are_throttled_too(client, clinician, clock):
    device = totp_device_for(clinician)
    ask_token(client, clinician, otp="000000")
    response = ask_token(client, clinician, otp=totp_code(device))
    assert response.status_code == 429
    assert "Too many wrong codes" in response.json()["detail"]


def test_a_clinical_role_without_an_app_is_told_to_set_it_up_in_the_web(client, clinician):
    response = ask_token(client, clinician, otp="123456")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "log in to joinedup in a browser to set up" in response.json()["detail"]


def test_a_role_that_needs_none_gets_a_token_without_a_code(client, volunteer):
    assert ask_token(client, volunteer).status_code == 200


def test_an_opted_in_volunteer_needs_the_code_for_a_token(client, volunteer):
    totp_device_for(volunteer)
    assert ask_token(client, volunteer).status_code == 401


def test_the_code_is_decided_by_the_membership_chosen(client, volunteer_and_clinician):
    totp_device_for(volunteer_and_clinician)
    volunteering = ask_token(client, volunteer_and_clinician, organisation="riverside-mind")
    clinical = ask_token(client, volunteer_and_clinician, organisation="city-nhs-trust")
    assert (volunteering.status_code, clinical.status_code) == (401, 401)


def test_a_role_that_needs_none_of_a_user_without_an_app_needs_no_code(
    client, volunteer_and_clinician
):
    response = ask_token(client, volunteer_and_clinician, organisation="riverside-mind")
    assert response.status_code == 200


def test_a_malformed_code_is_a_422_naming_otp(client, clinician):
    response = ask_token(client, clinician, otp="12ab56")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "otp"


def test_a_bearer_token_works_for_a_session_that_has_not_proved_its_second_factor(
    client, clinician, day_centre_worker, befriending
):
    client.force_login(clinician)
    response = send_json(
        client,
        "PATCH",
        f"/api/v1/services/{befriending.public_id}",
        {"fees": "Free"},
        bearer(day_centre_worker),
    )
    assert response.status_code == 200


def test_the_api_refuses_a_session_that_has_not_proved_its_second_factor(
    client, clinician, befriending
):
    client.force_login(clinician)
    response = send_json(client, "PATCH", f"/api/v1/services/{befriending.public_id}", {})
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]
