"""POST /api/v1/auth/token: a bearer token bound to one membership."""

import pytest

from joinedup.access.roles import Role
from joinedup.accounts.models import ApiToken
from tests import factories as f
from tests.api_support import problem_fields, send_json

TOKEN = "/api/v1/auth/token"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # These are about the token; asking for one with a code is test_security_two_factor's.
    settings.JOINEDUP_2FA_REQUIRED = False


def ask(client, username, password=f.DEFAULT_PASSWORD, **extra):
    return send_json(client, "POST", TOKEN, {"username": username, "password": password, **extra})


@pytest.fixture
def two_hats(day_centre, trust):
    """A worker at the day centre who is also a volunteer with the trust."""
    user = f.member(day_centre, Role.PRACTITIONER, username="two.hats")
    f.MembershipFactory(user=user, organisation=trust, role=Role.VOLUNTEER)
    return user


def test_the_right_password_gets_a_token_for_the_only_membership(client, day_centre_worker):
    response = ask(client, day_centre_worker.username)
    assert response.status_code == 200
    body = response.json()
    assert (body["organisation"], body["role"], body["token_type"]) == (
        "riverside-mind",
        "practitioner",
        "Bearer",
    )


def test_the_token_is_stored_only_as_its_hash(client, day_centre_worker):
    raw = ask(client, day_centre_worker.username).json()["token"]
    assert ApiToken.objects.get().token_hash == ApiToken.hash(raw)
    assert not ApiToken.objects.filter(token_hash=raw).exists()


def test_the_token_acts_as_its_membership(client, befriending, day_centre_worker):
    raw = ask(client, day_centre_worker.username).json()["token"]
    response = send_json(
        client,
        "PATCH",
        f"/api/v1/services/{befriending.public_id}",
        {"fees": "Free"},
        {"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 200


def test_a_wrong_password_is_a_401_problem_and_issues_nothing(client, day_centre_worker):
    response = ask(client, day_centre_worker.username, password="wrong-password-entirely")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The username or password is wrong"
    assert not ApiToken.objects.exists()


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client, db):
    response = ask(client, "nobody")
    assert response.status_code == 401
    assert response.json()["detail"] == "The username or password is wrong"


def test_several_memberships_need_the_organisation_named(client, two_hats):
    response = ask(client, "two.hats")
    assert response.status_code == 400
    assert problem_fields(response) == ["organisation"]
    assert not ApiToken.objects.exists()


def test_naming_the_organisation_chooses_the_membership(client, two_hats):
    response = ask(client, "two.hats", organisation="city-nhs-trust")
    assert (response.json()["organisation"], response.json()["role"]) == (
        "city-nhs-trust",
        "volunteer",
    )


def test_a_user_whose_only_membership_ended_gets_no_token(client, day_centre_worker):
    day_centre_worker.memberships.update(is_active=False)
    response = ask(client, day_centre_worker.username)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "someone"}, "password"),
        ({"password": "x"}, "username"),
        ({"username": "nul\x00", "password": "x"}, "username"),
        ({"username": "a", "password": "x", "organization": "riverside-mind"}, "organization"),
    ],
)
def test_a_malformed_request_is_a_422_naming_the_field(client, db, body, field):
    response = send_json(client, "POST", TOKEN, body)
    assert response.status_code == 422
    assert problem_fields(response) == [field]
