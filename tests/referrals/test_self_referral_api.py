"""The public self-referral API (issue 4): POST /api/v1/self-referrals and
GET /api/v1/self-referrals/{reference}, with no token; errors as problem documents
naming the field, nothing written; Idempotency-Key; 429 when rate limited."""

import datetime as dt

import pytest
import time_machine

from joinedup.people.models import Person
from joinedup.referrals import ratelimit, selectors
from joinedup.referrals.models import Referral, Status
from tests import factories as f
from tests.api_support import send_json
from tests.referrals import self_referral_support as sr

SELF_REFERRALS = "/api/v1/self-referrals"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_limits():
    sr.clear_limits()
    yield
    sr.clear_limits()


def post(client, to, headers=None, **extra):
    return send_json(client, "post", SELF_REFERRALS, sr.api_body(to, **extra), headers)


def get_status(client, reference, birth: str = sr.DATE_OF_BIRTH.isoformat()):
    return client.get(f"{SELF_REFERRALS}/{reference}", {"date_of_birth": birth})


def problem_fields(response) -> dict[str, str]:
    assert response["Content-Type"] == PROBLEM, response.content
    return {e["field"]: e["message"] for e in response.json().get("errors") or []}


def test_a_self_referral_answers_201_with_its_reference(client, befriending):
    response = post(client, befriending)
    assert response.status_code == 201, response.content
    data = response.json()
    referral = Referral.objects.get()
    assert data["reference"] == referral.reference
    assert data["service"]["name"] == "Befriending"
    assert data["acknowledge_by"] == referral.acknowledge_by.isoformat()
    assert data["next_step"].startswith("Befriending will read the referral by")
    assert (referral.self_referral, referral.status) == (True, Status.SUBMITTED)


def test_the_api_self_referral_says_it_came_through_the_api(client, befriending):
    post(client, befriending)
    step = Referral.objects.get().transitions.get()
    assert step.reason.startswith("Self-referral by the person, through the public API.")


def test_the_same_idempotency_key_twice_makes_one_referral(client, befriending):
    key = {"Idempotency-Key": "retry-42"}
    first = post(client, befriending, key)
    again = post(client, befriending, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Referral.objects.count() == 1


def test_a_service_that_does_not_take_self_referrals_is_a_422_naming_the_service(
    client, day_centre
):
    drop_in = f.ServiceFactory(
        organisation=day_centre, name="Drop-in", accepts_self_referrals=False
    )
    response = post(client, drop_in)
    assert response.status_code == 422
    assert problem_fields(response)["service"].startswith("Drop-in does not take self-referrals")
    assert Referral.objects.count() == 0


def test_a_forged_service_id_is_a_422_naming_the_service(client, befriending):
    response = post(client, befriending, service="00000000-0000-4000-8000-000000000000")
    assert response.status_code == 422
    assert problem_fields(response) == {"service": "There is no such service in the directory"}
    assert post(client, befriending, service="befriending").status_code == 422
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": None}, "given_name"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"date_of_birth": "17/05/1990"}, "date_of_birth"),
        ({"reason": None}, "reason"),
        ({"reason": ""}, "reason"),
        ({"consent_to_share": False}, "consent_to_share"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"preferred_channel": "email"}, "email"),
        ({"nhs_number": sr.BAD_NHS_NUMBER}, "nhs_number"),
        ({"postcode": "LS1 4XX9"}, "postcode"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"reason": "x" * 10_001}, "reason"),
        ({"communication_needs": "x" * 1001}, "communication_needs"),
        ({"family_name": "Oka\x00for"}, "family_name"),
        ({"answers": {"q": "Help\x00"}}, "answers"),
        ({"risk_summary": "set by the public"}, "risk_summary"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(client, befriending, change, field):
    response = post(client, befriending, **change)
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert (Referral.objects.count(), Person.objects.count()) == (0, 0)


def test_a_body_that_is_not_json_is_a_client_error(client, befriending):
    response = send_json(client, "post", SELF_REFERRALS, "{not json")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == PROBLEM


def test_the_answer_does_not_say_whether_a_record_was_joined(client, befriending, trust):
    Person.objects.create(
        given_name="Sam", family_name="Okafor", date_of_birth=sr.DATE_OF_BIRTH,
        nhs_number=sr.NHS_NUMBER, created_by_organisation=trust,
    )  # fmt: skip
    joined = post(client, befriending, nhs_number=sr.NHS_NUMBER).json()
    made = post(client, befriending, nhs_number=sr.NHS_NUMBER, given_name="Samuel").json()
    assert Person.objects.count() == 2
    assert {**joined, "reference": ""} == {**made, "reference": ""}


def test_too_many_from_one_address_is_a_429_with_retry_after(client, befriending, settings):
    sr.limits(settings, **{ratelimit.SUBMIT: (1, 600)})
    post(client, befriending)
    response = post(client, befriending)
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"].startswith("Too many referrals from this address")
    assert 0 < int(response["Retry-After"]) <= 600
    assert Referral.objects.count() == 1


def test_the_rate_limit_expires(client, befriending, settings):
    sr.limits(settings, **{ratelimit.SUBMIT: (1, 60)})
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        post(client, befriending)
        assert post(client, befriending).status_code == 429
        clock.shift(dt.timedelta(seconds=61))
        assert post(client, befriending).status_code == 201


def test_the_web_form_and_the_api_share_one_limit_per_address(client, befriending, settings):
    sr.limits(settings, **{ratelimit.SUBMIT: (1, 600)})
    client.post(f"/self-referral/{befriending.public_id}/", sr.form_data())
    assert post(client, befriending).status_code == 429


# --- The status -------------------------------------------------------------------------


def test_the_status_with_the_right_date_of_birth(client, befriending):
    sent = sr.self_refer(befriending)
    response = get_status(client, sent.reference)
    assert response.status_code == 200
    data = response.json()
    assert (data["reference"], data["status"]) == (sent.reference, "submitted")
    assert data["status_words"] == "Sent to the service"
    assert data["service"] == "Befriending"
    assert sr.REASON not in response.text


def test_a_wrong_date_of_birth_is_the_same_404_as_an_unknown_reference(client, befriending):
    sent = sr.self_refer(befriending)
    wrong = get_status(client, sent.reference, "1991-05-17")
    unknown = get_status(client, "JU-ZZZZZZZZ")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert wrong.json()["detail"] == selectors.SELF_REFERRAL_NOT_FOUND


@pytest.mark.parametrize("birth", ["", "17/05/1990", "1990-02-30"])
def test_a_date_of_birth_that_is_no_date_is_a_422_naming_it(client, befriending, birth):
    response = get_status(client, "JU-ZZZZZZZZ", birth)
    assert response.status_code == 422
    assert "date_of_birth" in problem_fields(response)


def test_a_reference_longer_than_any_is_a_422(client, db):
    assert get_status(client, "JU-" + "A" * 40).status_code == 422


def test_too_many_status_checks_are_a_429(client, befriending, settings):
    sr.limits(settings, **{ratelimit.STATUS: (2, 600)})
    sent = sr.self_refer(befriending)
    get_status(client, sent.reference)
    get_status(client, sent.reference)
    response = get_status(client, sent.reference)
    assert response.status_code == 429
    assert "Retry-After" in response


def test_the_operations_are_in_the_openapi_document_without_a_token(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    create = paths[SELF_REFERRALS]["post"]
    status = paths[f"{SELF_REFERRALS}/{{reference}}"]["get"]
    assert "security" not in create and "security" not in status
    assert "429" in create["responses"] and "422" in create["responses"]
    assert PROBLEM in create["responses"]["422"]["content"]
