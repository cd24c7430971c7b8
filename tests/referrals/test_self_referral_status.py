"""A self-referral's status for the person (issue 4): the reference and their date of
birth give the status, the next step in plain words and the service's contact —
nothing clinical — and a wrong pair is the same "not found" as an unknown reference."""

import dataclasses

import pytest

from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound
from joinedup.referrals import selectors
from joinedup.referrals.models import Referral, Status
from tests import factories as f
from tests.referrals import referral_support as rs
from tests.referrals import self_referral_support as sr


@pytest.fixture(autouse=True)
def _fresh_limits():
    sr.clear_limits()
    yield
    sr.clear_limits()


@pytest.fixture
def sent(befriending):
    befriending.phone = "0113 496 0000"
    befriending.email = "befriending@example.org"
    befriending.save()
    return sr.self_refer(befriending)


def status(reference, date_of_birth=sr.DATE_OF_BIRTH):
    return selectors.self_referral_status(reference=reference, date_of_birth=date_of_birth)


def not_found_message(reference, date_of_birth=sr.DATE_OF_BIRTH) -> str:
    with pytest.raises(NotFound) as caught:
        status(reference, date_of_birth)
    return caught.value.message


def test_the_reference_and_date_of_birth_give_the_status_and_next_step(sent):
    found = status(sent.reference)
    referral = Referral.objects.get(reference=sent.reference)
    assert found.status == Status.SUBMITTED
    assert found.status_words == "Sent to the service"
    assert found.next_step == (
        f"Befriending will look at your referral by {referral.acknowledge_by:%-d %B %Y}."
    )


def test_the_status_gives_the_services_name_and_contact(sent):
    found = status(sent.reference)
    assert (found.service_name, found.organisation_name) == ("Befriending", "Riverside Mind")
    assert (found.phone, found.email) == ("0113 496 0000", "befriending@example.org")


def test_the_status_says_nothing_clinical(sent):
    said = " ".join(str(v) for v in dataclasses.asdict(status(sent.reference)).values())
    for private in (sr.REASON, "Meeting people again", "Okafor", "07400 123456"):
        assert private not in said


def test_a_wrong_date_of_birth_is_the_same_not_found_as_an_unknown_reference(sent):
    wrong_birth = not_found_message(sent.reference, sr.DATE_OF_BIRTH.replace(year=1991))
    unknown = not_found_message("JU-ZZZZZZZZ")
    assert wrong_birth == unknown == selectors.SELF_REFERRAL_NOT_FOUND


def test_a_reference_is_found_however_it_is_typed(sent):
    code = sent.reference.removeprefix("JU-")
    for typed in (sent.reference.lower(), code, f"ju {code[:4]} {code[4:]}"):
        assert status(typed).reference == sent.reference


def test_a_referral_made_by_staff_is_not_found_here(trust, day_centre, clinician, befriending):
    w = rs.world(trust, day_centre, clinician, befriending)
    w.person.date_of_birth = sr.DATE_OF_BIRTH
    w.person.save()
    referral = rs.refer(w, clinician)
    assert not_found_message(referral.reference) == selectors.SELF_REFERRAL_NOT_FOUND


def test_nothing_is_found_without_a_date_of_birth(sent):
    assert not_found_message(sent.reference, None) == selectors.SELF_REFERRAL_NOT_FOUND


def test_each_lookup_is_audited_as_the_persons_own(sent):
    status(sent.reference)
    referral = Referral.objects.get(reference=sent.reference)
    event = AuditEvent.objects.get(action="self_referral_status")
    assert (event.actor_id, event.basis) == (None, "person_self")
    assert event.person_public_id == referral.person.public_id


def test_a_wrong_date_of_birth_is_audited_against_the_person_whose_reference_it_was(sent):
    not_found_message(sent.reference, sr.DATE_OF_BIRTH.replace(day=18))
    referral = Referral.objects.get(reference=sent.reference)
    event = AuditEvent.objects.get(action="self_referral_status_refused")
    assert (event.basis, event.person_public_id) == ("none", referral.person.public_id)
    assert event.detail == {"reference": sent.reference}


def test_an_unknown_reference_is_audited_naming_nobody(db):
    not_found_message("not a reference\x00")
    event = AuditEvent.objects.get(action="self_referral_status_refused")
    assert event.person_public_id is None
    assert event.detail == {"reference": "not a reference"}


def test_after_a_redirect_the_person_is_told_where_it_went_and_its_new_reference(
    sent, befriending, day_centre
):
    counselling = f.ServiceFactory(name="Counselling")
    referral = Referral.objects.get(reference=sent.reference)
    receiver = sr.receiver(day_centre)
    rs.act(receiver, referral, "acknowledge")
    rs.act(
        receiver, referral, "redirect", reason="Counselling suits better", services=[counselling]
    )
    onward = referral.children.get()
    found = status(sent.reference)
    assert found.status_words == "Passed to another service"
    assert found.next_step == (
        f"Your referral has been passed to Counselling, which will contact you. Its new "
        f"reference is {onward.reference}: use it to check it from now on."
    )
    assert status(onward.reference).service_name == "Counselling"


@pytest.mark.parametrize(
    ("actions", "words"),
    [
        (["acknowledge"], "The service is looking at it"),
        (["acknowledge", "accept"], "Accepted"),
        (["acknowledge", "accept", "waitlist"], "On the waiting list"),
    ],
)
def test_each_step_is_told_in_plain_words(sent, day_centre, actions, words):
    referral = Referral.objects.get(reference=sent.reference)
    receiver = sr.receiver(day_centre)
    for action in actions:
        rs.act(receiver, referral, action)
    assert status(sent.reference).status_words == words
