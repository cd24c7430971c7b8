"""The public self-referral pages (issue 4), with nobody logged in: the link from the
service page, the form and its errors, the confirmation, checking the status, the
honeypot and the rate limits."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from joinedup.people.models import Person
from joinedup.referrals import ratelimit
from joinedup.referrals.models import Referral, ServiceQuestion, Status
from tests import factories as f
from tests.referrals import self_referral_support as sr

CHECK = "/self-referral/check/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    sr.clear_limits()
    yield
    sr.clear_limits()


@pytest.fixture
def drop_in(day_centre):
    return f.ServiceFactory(organisation=day_centre, name="Drop-in", accepts_self_referrals=False)


def form_url(service) -> str:
    return reverse("self_referral:start", args=[service.public_id])


def send(client, service, **extra):
    return client.post(form_url(service), sr.form_data(**extra))


def check(client, reference, birth=sr.DATE_OF_BIRTH):
    return client.post(
        CHECK,
        {
            "reference": reference,
            "date_of_birth_0": str(birth.day),
            "date_of_birth_1": str(birth.month),
            "date_of_birth_2": str(birth.year),
        },
    )


def error_summary(response) -> str:
    match = re.search(r'<div class="nhsuk-error-summary".*?</ul>', response.text, re.S)
    return match.group(0) if match else ""


# --- From the service page to the confirmation ------------------------------------------


def test_the_service_page_offers_refer_yourself_when_the_service_takes_self_referrals(
    client, befriending
):
    page = client.get(reverse("directory:service_detail", args=[befriending.public_id]))
    assert f'href="{form_url(befriending)}"' in page.text
    assert "Refer yourself to Befriending" in page.text


def test_the_service_page_does_not_offer_it_when_the_service_does_not(client, drop_in):
    page = client.get(reverse("directory:service_detail", args=[drop_in.public_id]))
    assert "Refer yourself" not in page.text


def test_the_form_is_public_and_in_plain_english(client, befriending):
    page = client.get(form_url(befriending))
    assert page.status_code == 200
    assert "Refer yourself to Befriending" in page.text
    assert "You do not need a GP to refer yourself" in page.text
    assert "If you need help now" in page.text
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_form_asks_the_services_own_questions(client, befriending):
    ServiceQuestion.objects.create(service=befriending, key="dog", label="Do you like dogs?")
    assert "Do you like dogs?" in client.get(form_url(befriending)).text


def test_sending_the_form_makes_the_referral_and_shows_its_reference(client, befriending):
    response = send(client, befriending)
    assert response.status_code == 302
    assert response["Location"] == reverse("self_referral:sent")
    referral = Referral.objects.get()
    assert (referral.self_referral, referral.status) == (True, Status.SUBMITTED)
    page = client.get(response["Location"])
    assert referral.reference in page.text
    assert f"by {referral.acknowledge_by:%-d %B %Y}" in page.text
    assert "by a phone call" in page.text


def test_the_services_answers_go_with_the_referral(client, befriending):
    ServiceQuestion.objects.create(
        service=befriending, key="dog", label="Do you like dogs?", kind="yes_no", required=True
    )
    send(client, befriending, q_dog="no")
    assert Referral.objects.get().answers == {"dog": False}


def test_the_confirmation_page_without_a_referral_sends_you_to_check(client, db):
    response = client.get(reverse("self_referral:sent"))
    assert response.status_code == 302
    assert response["Location"] == CHECK


def test_the_same_form_sent_twice_makes_one_referral(client, befriending):
    first = send(client, befriending, idempotency_key="double-click")
    again = send(client, befriending, idempotency_key="double-click")
    assert first.status_code == again.status_code == 302
    assert Referral.objects.count() == 1


# --- Refused, clearly, with nothing written ---------------------------------------------


def test_a_service_that_does_not_take_self_referrals_says_so(client, drop_in):
    page = client.get(form_url(drop_in))
    assert page.status_code == 200
    assert "You cannot refer yourself to Drop-in" in page.text
    assert "Drop-in does not take self-referrals" in page.text
    assert 'data-testid="self-referral-form"' not in page.text


def test_sending_to_a_service_that_does_not_take_self_referrals_writes_nothing(client, drop_in):
    response = send(client, drop_in)
    assert response.status_code == 200
    assert "Drop-in does not take self-referrals" in error_summary(response)
    assert (Referral.objects.count(), Person.objects.count()) == (0, 0)


def test_a_forged_service_id_is_not_found_and_writes_nothing(client, befriending):
    response = client.post("/self-referral/00000000-0000-4000-8000-000000000000/", sr.form_data())
    assert response.status_code == 404
    assert client.post("/self-referral/not-a-uuid/", sr.form_data()).status_code == 404
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("missing", "message", "anchor"),
    [
        ({"given_name": ""}, "Enter your first name", "id_given_name"),
        ({"date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""},
         "Enter your date of birth", "id_date_of_birth_0"),
        ({"date_of_birth_1": ""}, "Your date of birth must include a month", "id_date_of_birth_0"),
        ({"date_of_birth_1": "13"}, "Your date of birth must be a real date", "id_date_of_birth_0"),
        ({"preferred_channel": ""}, "Choose how you would like the service to contact you",
         "id_preferred_channel_0"),
        ({"reason": ""}, "Tell us what you would like help with", "id_reason"),
        ({"consent_to_share": None}, "Confirm you agree, so that the service can help you",
         "id_consent_to_share"),
    ],
)  # fmt: skip
def test_a_missing_answer_is_named_in_the_error_summary(
    client, befriending, missing, message, anchor
):
    response = send(client, befriending, **missing)
    summary = error_summary(response)
    assert response.status_code == 200
    assert f'<a href="#{anchor}">{message}</a>' in summary
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nhs_number": sr.BAD_NHS_NUMBER},
         "This is not a valid NHS number: check the digits, the last one is a check digit"),
        ({"postcode": "ZZ9 9ZZZ"}, "Enter a real UK postcode, like LS1 4AP"),
        ({"date_of_birth_2": "2990"}, "Your date of birth must be in the past"),
        ({"preferred_channel": "email"}, "Enter an email address, so the service can email you"),
    ],
)  # fmt: skip
def test_the_services_checks_are_shown_beside_the_field(client, befriending, change, message):
    response = send(client, befriending, **change)
    assert message in error_summary(response)
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [
        ("given_name", 101, "Your first name must be 100 characters or fewer"),
        ("reason", 10_001, "What you would like help with must be 10,000 characters or fewer"),
        ("communication_needs", 1001,
         "What helps you communicate must be 1,000 characters or fewer"),
    ],
)  # fmt: skip
def test_oversized_text_is_refused_by_the_form(client, befriending, field, length, message):
    response = send(client, befriending, **{field: "x" * length})
    assert message in error_summary(response)
    assert Referral.objects.count() == 0


def test_what_was_typed_is_kept_when_the_form_comes_back_with_errors(client, befriending):
    response = send(client, befriending, given_name="", what_matters="Walks by the river")
    assert "Walks by the river" in response.text
    assert 'value="1990"' in response.text
    assert 'name="idempotency_key" value="form-token-1"' in response.text


def test_a_filled_honeypot_is_refused_quietly_and_writes_nothing(client, befriending):
    response = send(client, befriending, website="http://spam.example")
    assert response.status_code == 400
    assert "Your referral was not sent" in response.text
    assert "honeypot" not in response.text.lower() and "robot" not in response.text.lower()
    assert (Referral.objects.count(), Person.objects.count()) == (0, 0)


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, befriending):
    page = client.get(form_url(befriending)).text
    hidden = re.search(r"<div hidden>(.*?)</div>", page, re.S).group(1)
    assert 'name="website"' in hidden
    assert 'tabindex="-1"' in hidden


# --- Rate limits ------------------------------------------------------------------------


def test_too_many_referrals_from_one_address_is_a_429_saying_when_to_try_again(
    client, befriending, settings
):
    sr.limits(settings, **{ratelimit.SUBMIT: (2, 600)})
    send(client, befriending, idempotency_key="a")
    send(client, befriending, idempotency_key="b")
    response = send(client, befriending, idempotency_key="c")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "You can try again after" in response.text
    assert "Your referral has not been sent yet" in response.text
    assert Referral.objects.count() == 2


def test_the_limit_is_per_address(client, befriending, settings):
    sr.limits(settings, **{ratelimit.SUBMIT: (1, 600)})
    send(client, befriending, idempotency_key="a")
    other = client.post(
        form_url(befriending), sr.form_data(idempotency_key="b"), REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 302


def test_the_limit_expires_by_itself(client, befriending, settings):
    sr.limits(settings, **{ratelimit.SUBMIT: (1, 600)})
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        send(client, befriending, idempotency_key="a")
        assert send(client, befriending, idempotency_key="b").status_code == 429
        clock.shift(dt.timedelta(seconds=601))
        assert send(client, befriending, idempotency_key="b").status_code == 302
    assert Referral.objects.count() == 2


def test_one_mistake_does_not_lock_anyone_out(client, befriending):
    for _ in range(3):
        send(client, befriending, given_name="")
    assert send(client, befriending).status_code == 302


# --- Checking where it is ---------------------------------------------------------------


def test_the_check_page_is_public(client, db):
    page = client.get(CHECK)
    assert page.status_code == 200
    assert "Check where your referral is" in page.text


def test_the_reference_and_date_of_birth_show_the_status(client, befriending):
    sent = sr.self_refer(befriending)
    page = check(client, sent.reference)
    assert page.status_code == 200
    assert "Sent to the service" in page.text
    assert "Befriending will look at your referral by" in page.text
    assert sr.REASON not in page.text


def test_a_wrong_date_of_birth_says_no_referral_matches(client, befriending):
    sent = sr.self_refer(befriending)
    wrong = check(client, sent.reference, sr.DATE_OF_BIRTH.replace(year=1991))
    unknown = check(client, "JU-ZZZZZZZZ")
    message = "No referral matches this reference and date of birth"
    assert message in error_summary(wrong)
    assert error_summary(wrong) == error_summary(unknown)


def test_too_many_wrong_dates_of_birth_for_a_reference_pause_it_from_any_address(
    client, befriending, settings
):
    sr.limits(settings, **{ratelimit.REFERENCE: (3, 3600)})
    sent = sr.self_refer(befriending)
    for year in (1980, 1981, 1982):
        check(client, sent.reference, sr.DATE_OF_BIRTH.replace(year=year))
    client.defaults["REMOTE_ADDR"] = "198.51.100.9"
    response = check(client, sent.reference)
    assert response.status_code == 429
    assert "This reference was checked with a wrong date of birth many times" in response.text


def test_too_many_checks_from_one_address_is_a_429(client, befriending, settings):
    sr.limits(settings, **{ratelimit.STATUS: (2, 600)})
    sent = sr.self_refer(befriending)
    check(client, sent.reference)
    check(client, sent.reference)
    assert check(client, sent.reference).status_code == 429


# --- A bounded number of queries, whatever the size of the data -------------------------


@pytest.mark.parametrize("others", [1, 10])
def test_the_form_and_sending_it_take_a_fixed_number_of_queries(
    client, befriending, django_assert_max_num_queries, others
):
    for n in range(others):
        sr.self_refer(befriending, given_name=f"Other{n}")
    with django_assert_max_num_queries(10):
        client.get(form_url(befriending))
    with django_assert_max_num_queries(40):
        assert send(client, befriending).status_code == 302


@pytest.mark.parametrize("others", [1, 10])
def test_checking_takes_a_fixed_number_of_queries(
    client, befriending, django_assert_max_num_queries, others
):
    for n in range(others):
        sr.self_refer(befriending, given_name=f"Other{n}")
    sent = sr.self_refer(befriending)
    with django_assert_max_num_queries(6):
        assert "Sent to the service" in check(client, sent.reference).text
