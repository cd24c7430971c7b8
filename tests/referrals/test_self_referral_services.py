"""Self-referral by the public, at the service layer (issue 4): checked first, written in
one transaction, submitted through the state machine, the record joined only on the
strongest match, and one referral per idempotency key."""

import pytest
from django.core.exceptions import ValidationError

from joinedup.audit.models import AuditEvent
from joinedup.people.models import CareRelationship, Person
from joinedup.referrals import selectors, services
from joinedup.referrals.models import Referral, ServiceQuestion, Status, Transition
from tests import factories as f
from tests.referrals import self_referral_support as sr


@pytest.fixture(autouse=True)
def _fresh_limits():
    sr.clear_limits()
    yield
    sr.clear_limits()


def written() -> tuple[int, int, int, int]:
    return (
        Referral.objects.count(),
        Person.objects.count(),
        Transition.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(service, **extra) -> dict[str, list[str]]:
    before = written()
    with pytest.raises(ValidationError) as caught:
        sr.self_refer(service, **extra)
    assert written() == before, "a refused self-referral wrote something"
    return caught.value.message_dict


def the_referral(receipt) -> Referral:
    return Referral.objects.select_related("person").get(reference=receipt.reference)


# --- A person refers themselves, and the team sees it -----------------------------------


def test_a_person_self_refers_and_the_receiving_team_sees_it_on_its_worklist(
    befriending, day_centre
):
    receipt = sr.self_refer(befriending)
    page = selectors.worklist(user=sr.receiver(day_centre))
    assert [r.reference for r in page.rows] == [receipt.reference]
    assert page.counts["new"] == 1


def test_the_receiving_team_can_open_the_self_referral(befriending, day_centre):
    receipt = sr.self_refer(befriending)
    referral = the_referral(receipt)
    seen = selectors.referral_get(user=sr.receiver(day_centre), public_id=referral.public_id)
    assert seen.reason == sr.REASON
    assert seen.what_matters == "Meeting people again"


def test_a_self_referral_is_submitted_with_no_referrer(befriending):
    referral = the_referral(sr.self_refer(befriending))
    assert referral.self_referral is True
    assert referral.status == Status.SUBMITTED
    assert referral.referrer is None
    assert referral.referring_organisation is None
    assert referral.acknowledge_by is not None
    assert referral.reference.startswith("JU-") and len(referral.reference) == 11


def test_the_receipt_gives_the_reference_and_when_the_service_will_read_it(befriending):
    receipt = sr.self_refer(befriending)
    referral = the_referral(receipt)
    assert receipt.reference == referral.reference
    assert receipt.service_name == "Befriending"
    assert receipt.organisation_name == "Riverside Mind"
    assert receipt.acknowledge_by == referral.acknowledge_by
    assert receipt.contact_by == "a phone call"
    assert receipt.replayed is False


def test_submitting_starts_the_receiving_teams_care_relationship(befriending, day_centre):
    referral = the_referral(sr.self_refer(befriending))
    relationship = CareRelationship.objects.get(person=referral.person)
    assert relationship.organisation == day_centre
    assert relationship.until is None
    assert relationship.source == f"referral:{referral.public_id}"


def test_the_submit_step_tells_the_team_how_the_person_wants_to_be_contacted(befriending):
    referral = the_referral(sr.self_refer(befriending))
    step = Transition.objects.get(referral=referral)
    assert (step.from_status, step.to_status, step.actor) == (Status.DRAFT, Status.SUBMITTED, None)
    assert "Self-referral by the person, through the public form." in step.reason
    assert "contacted by a phone call: 07400 123456" in step.reason


def test_the_self_referral_is_audited_as_the_persons_own_act(befriending):
    referral = the_referral(sr.self_refer(befriending))
    events = AuditEvent.objects.filter(person_public_id=referral.person.public_id).order_by(
        "sequence"
    )
    assert [e.action for e in events] == ["create", "referral_create", "referral_submit"]
    assert {(e.actor_id, e.basis) for e in events} == {(None, "person_self")}
    assert events[0].detail == {"via": "self_referral"}


def test_the_new_record_is_created_for_the_receiving_team_with_the_details_given(
    befriending, day_centre
):
    person = the_referral(sr.self_refer(befriending, email="sam@example.org")).person
    assert person.created_by_organisation == day_centre
    assert (person.given_name, person.family_name) == ("Sam", "Okafor")
    assert person.date_of_birth == sr.DATE_OF_BIRTH
    assert person.phone == "07400 123456"
    assert person.preferred_channel == "phone"
    assert person.postcode == "LS1 4AP"


def test_the_services_own_questions_are_answered_and_kept(befriending):
    ServiceQuestion.objects.create(
        service=befriending, key="pets", label="Are you happy with a dog visiting?",
        kind=ServiceQuestion.Kind.YES_NO, required=True,
    )  # fmt: skip
    referral = the_referral(sr.self_refer(befriending, answers={"pets": "yes"}))
    assert referral.answers == {"pets": True}


# --- Refused, with the field named and nothing written ----------------------------------


def test_a_service_that_does_not_take_self_referrals_refuses_clearly(day_centre):
    drop_in = f.ServiceFactory(
        organisation=day_centre, name="Drop-in", accepts_self_referrals=False
    )
    errors = refused(drop_in)
    assert errors["service"][0].startswith("Drop-in does not take self-referrals")


def test_a_service_not_taking_referrals_now_refuses_clearly(befriending):
    befriending.accepting_referrals = False
    befriending.save()
    assert refused(befriending)["service"] == ["Befriending is not taking referrals at the moment"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("given_name", "Enter your first name"),
        ("family_name", "Enter your last name"),
        ("date_of_birth", "Enter your date of birth"),
        ("reason", "Tell us what you would like help with"),
        ("preferred_channel", "Choose how you would like the service to contact you"),
    ],
)
def test_a_missing_field_is_named_in_the_persons_words(befriending, field, message):
    assert refused(befriending, **{field: ""})[field] == [message]


def test_without_agreeing_to_share_nothing_is_sent(befriending):
    errors = refused(befriending, consent_to_share=False)
    assert errors["consent_to_share"][0].startswith("Confirm you agree to Riverside Mind")


def test_every_wrong_field_is_named_at_once(befriending):
    errors = refused(befriending, given_name="", reason="", nhs_number=sr.BAD_NHS_NUMBER)
    assert {"given_name", "reason", "nhs_number"} <= set(errors)


@pytest.mark.parametrize(
    ("channel", "missing", "message"),
    [
        ("phone", "phone", "Enter a phone number, so the service can call you"),
        ("sms", "phone", "Enter a mobile phone number, so the service can text you"),
        ("email", "email", "Enter an email address, so the service can email you"),
        ("letter", "address_1", "Enter the first line of your address, so the service can write"),
        ("letter", "postcode", "Enter your postcode, so the service can write to you"),
    ],
)
def test_the_way_to_be_contacted_needs_its_details(befriending, channel, missing, message):
    extra = {"preferred_channel": channel, "address_1": "1 Park Row", "email": "s@example.org"}
    errors = refused(befriending, **{**extra, missing: ""})
    assert errors[missing] == [message]


def test_a_text_message_needs_a_mobile_number(befriending):
    errors = refused(befriending, preferred_channel="sms", phone="0113 496 0000")
    assert errors["phone"] == ["Enter a mobile phone number, so the service can text you"]


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [
        ("given_name", 101, "Your first name must be 100 characters or fewer"),
        ("family_name", 101, "Your last name must be 100 characters or fewer"),
        ("communication_needs", 1001,
         "What helps you communicate must be 1,000 characters or fewer"),
        ("address_1", 251, "The first line of your address must be 250 characters or fewer"),
        ("reason", 10_001, "The reason for the referral must be 10,000 characters or fewer"),
        ("what_matters", 10_001, "What matters must be 10,000 characters or fewer"),
    ],
)  # fmt: skip
def test_oversized_text_is_refused(befriending, field, length, message):
    assert refused(befriending, **{field: "x" * length})[field] == [message]


def test_an_oversized_answer_to_a_services_question_is_refused(befriending):
    ServiceQuestion.objects.create(
        service=befriending, key="hobbies", label="What do you enjoy?", max_length=50
    )
    errors = refused(befriending, answers={"hobbies": "x" * 51})
    assert errors["answers.hobbies"] == [
        "The answer to “What do you enjoy?” must be text of 50 characters or fewer"
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nhs_number": sr.BAD_NHS_NUMBER}, "nhs_number",
         "This is not a valid NHS number: check the digits, the last one is a check digit"),
        ({"nhs_number": "12345"}, "nhs_number",
         "Enter an NHS number of 10 digits, like 943 476 5919"),
        ({"postcode": "LS1 4XX9"}, "postcode", "Enter a real UK postcode, like LS1 4AP"),
        ({"email": "sam-at-example"}, "email", "Enter an email address, like name@example.org"),
        ({"phone": "12"}, "phone", "Enter a telephone number, like 0113 496 0000"),
        ({"date_of_birth": "2990-01-01"}, "date_of_birth",
         "Your date of birth must be in the past"),
        ({"date_of_birth": "17/05/1990"}, "date_of_birth",
         "Enter your date of birth as a real date, like 1980-03-27"),
        ({"urgency": "yesterday"}, "urgency", "Choose routine, soon or urgent"),
        ({"risk_summary": "set by the public"}, "risk_summary", "This field cannot be set"),
        ({"reason": "Help\x00"}, "reason",
         "What you would like help with must not contain NUL characters"),
        ({"given_name": "S\x00m"}, "given_name", "Your first name must not contain NUL characters"),
    ],
)  # fmt: skip
def test_a_wrong_value_is_refused_naming_the_field(befriending, change, field, message):
    assert refused(befriending, **change)[field] == [message]


def test_an_unanswered_required_question_of_the_service_is_named(befriending):
    ServiceQuestion.objects.create(
        service=befriending, key="area", label="Which area do you live in?", required=True
    )
    assert refused(befriending)["answers.area"] == ["Answer “Which area do you live in?”"]


def test_the_nhs_number_and_postcode_are_kept_in_their_usual_form(befriending):
    receipt = sr.self_refer(befriending, nhs_number="943 476 5919", postcode="ls14ap")
    person = the_referral(receipt).person
    assert (person.nhs_number, person.postcode) == (sr.NHS_NUMBER, "LS1 4AP")


# --- Whose record it goes on ------------------------------------------------------------


@pytest.fixture
def known(trust):
    """Sam, already known to the trust, with an NHS number and older contact details."""
    return Person.objects.create(
        given_name="Sam", family_name="Okafor", date_of_birth=sr.DATE_OF_BIRTH,
        nhs_number=sr.NHS_NUMBER, postcode="LS1 4AP", phone="0113 496 0000",
        created_by_organisation=trust,
    )  # fmt: skip


def test_the_record_is_joined_when_nhs_number_name_and_birth_date_all_agree(befriending, known):
    referral = the_referral(sr.self_refer(befriending, nhs_number="943 476 5919"))
    assert referral.person == known
    assert Person.objects.count() == 1


def test_joining_a_record_changes_none_of_its_details(befriending, known):
    sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER, phone="07400 654321")
    known.refresh_from_db()
    assert known.phone == "0113 496 0000"


def test_joining_is_audited_as_a_link_made_by_a_self_referral(befriending, known):
    sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER)
    link = AuditEvent.objects.get(action="link", person_public_id=known.public_id)
    assert (link.actor_id, link.basis, link.detail) == (
        None,
        "person_self",
        {"via": "self_referral"},
    )


def test_name_birth_date_and_postcode_alone_make_a_new_record(befriending, known):
    referral = the_referral(sr.self_refer(befriending))  # no NHS number given
    assert referral.person != known
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [{"date_of_birth": sr.DATE_OF_BIRTH.replace(year=1991)}, {"given_name": "Samuel"},
     {"family_name": "Okafor-Smith"}],
)  # fmt: skip
def test_an_nhs_number_with_other_details_does_not_open_that_record(befriending, known, change):
    referral = the_referral(sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER, **change))
    assert referral.person != known
    assert referral.person.nhs_number == ""  # one number, one record
    known.refresh_from_db()
    assert known.nhs_number == sr.NHS_NUMBER


def test_the_team_is_told_to_check_an_nhs_number_held_on_another_record(befriending, known):
    receipt = sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER, given_name="Samuel")
    step = Transition.objects.get(referral__reference=receipt.reference)
    assert "The NHS number they gave (9434765919) is on another record" in step.reason


def test_the_receipt_is_the_same_whether_a_record_was_joined_or_made(befriending, known):
    joined = sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER)
    made = sr.self_refer(befriending, nhs_number=sr.NHS_NUMBER, given_name="Samuel")
    assert the_referral(joined).person == known and the_referral(made).person != known
    assert {**vars(joined), "reference": ""} == {**vars(made), "reference": ""}


def test_names_are_matched_whatever_their_case_and_spacing(befriending, known):
    referral = the_referral(
        sr.self_refer(
            befriending, nhs_number=sr.NHS_NUMBER, given_name=" sam ", family_name="OKAFOR"
        )
    )
    assert referral.person == known


# --- One referral per idempotency key ---------------------------------------------------


def test_the_same_key_twice_makes_one_referral(befriending):
    first = sr.self_refer(befriending, key="form-7")
    again = sr.self_refer(befriending, key="form-7")
    assert again.reference == first.reference
    assert (first.replayed, again.replayed) == (False, True)
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_two_people_using_the_same_weak_key_each_get_their_own_referral(befriending):
    sam = sr.self_refer(befriending, key="1")
    alex = sr.self_refer(befriending, key="1", given_name="Alex", family_name="Rivers")
    assert sam.reference != alex.reference
    assert Referral.objects.count() == 2


def test_without_a_key_each_submission_is_a_new_referral(befriending):
    sr.self_refer(befriending)
    sr.self_refer(befriending)
    assert Referral.objects.count() == 2


# --- The state machine lets the public do one thing -----------------------------------


def test_the_public_cannot_take_any_other_step(befriending):
    referral = the_referral(sr.self_refer(befriending))
    for action in ("acknowledge", "withdraw", "close_no_contact"):
        assert services._side_refusal(services.ACTIONS[action], referral, services.SELF_REFERRER)
