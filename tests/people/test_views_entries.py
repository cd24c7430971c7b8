"""Adding, reading and correcting entries through the web pages."""

import uuid

import pytest
from django.urls import reverse

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from joinedup.people.models import RecordEntry
from joinedup.people.services import MAX_ENTRY_TEXT
from tests.people import people_support as ps


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


def create_url(person) -> str:
    return reverse("people:entry_create", args=[person.public_id])


def detail_url(entry) -> str:
    return reverse("people:entry_detail", args=[entry.public_id])


def correct_url(entry) -> str:
    return reverse("people:entry_correct", args=[entry.public_id])


def test_the_form_offers_only_the_categories_the_role_may_record(client, volunteer, world):
    ps.login(client, volunteer)
    choices = dict(client.get(create_url(world.person)).context["form"].fields["category"].choices)
    assert set(choices) == {Category.CONTACT, Category.CARE_PLAN, Category.ACTIVITY}


def test_adding_an_entry_shows_it_on_the_record(client, volunteer, day_centre, world):
    ps.login(client, volunteer)
    response = client.post(
        create_url(world.person),
        {"category": Category.ACTIVITY, "title": "Coffee morning", "text": "Came along."},
    )
    entry = RecordEntry.objects.get(title="Coffee morning")
    assert response.status_code == 302
    assert response["Location"].endswith("#activity")
    assert entry.owning_organisation == day_centre
    assert "Coffee morning" in client.get(response["Location"]).text


def test_a_forged_category_the_role_may_not_record_is_400_and_nothing_written(
    client, volunteer, world
):
    ps.login(client, volunteer)
    before = RecordEntry.objects.count()
    response = client.post(
        create_url(world.person), {"category": Category.CLINICAL, "title": "Forged"}
    )
    assert response.status_code == 400
    assert ps.form_errors(response)["category"] == ["Choose a category your role may record"]
    assert RecordEntry.objects.count() == before


def test_a_volunteer_cannot_seal_even_by_posting_the_field(client, volunteer, world):
    ps.login(client, volunteer)
    client.post(
        create_url(world.person),
        {"category": Category.CARE_PLAN, "title": "Plan", "sealed": "on"},
    )
    assert RecordEntry.objects.get(title="Plan").sealed is False


def test_a_clinician_may_seal_an_entry(client, clinician, world):
    ps.login(client, clinician)
    client.post(
        create_url(world.person),
        {"category": Category.CLINICAL, "title": "Private", "sealed": "on"},
    )
    assert RecordEntry.objects.get(title="Private").sealed is True


def test_oversized_text_is_a_field_error_and_nothing_written(client, clinician, world):
    ps.login(client, clinician)
    before = RecordEntry.objects.count()
    response = client.post(
        create_url(world.person),
        {"category": Category.CLINICAL, "title": "Long", "text": "x" * (MAX_ENTRY_TEXT + 1)},
    )
    assert response.status_code == 200
    assert ps.form_errors(response)["text"] == ["The entry must be 20,000 characters or fewer"]
    assert RecordEntry.objects.count() == before


def test_a_missing_title_is_a_field_error(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(create_url(world.person), {"category": Category.CLINICAL})
    assert ps.form_errors(response)["title"] == ["Enter a title"]


def test_adding_to_a_record_you_cannot_see_is_404(client, outsider, world):
    ps.login(client, outsider)
    before = RecordEntry.objects.count()
    response = client.post(create_url(world.person), {"category": "contact", "title": "x"})
    assert response.status_code == 404
    assert RecordEntry.objects.count() == before


def test_an_entry_page_shows_the_entry_and_is_audited(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.get(detail_url(world.plan))
    assert response.status_code == 200
    assert world.plan.title in response.text
    event = AuditEvent.objects.filter(action="view").latest("sequence")
    assert event.detail["entries"] == [str(world.plan.public_id)]


def test_an_entry_the_role_may_not_see_is_404_like_an_unknown_one(client, volunteer, world):
    ps.login(client, volunteer)
    hidden = client.get(detail_url(world.clinical))
    unknown = client.get(reverse("people:entry_detail", args=[uuid.uuid4()]))
    assert hidden.status_code == unknown.status_code == 404
    assert ps.without_nonce(hidden.content) == ps.without_nonce(unknown.content)


def test_correcting_keeps_the_old_version_and_shows_both(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(
        correct_url(world.clinical),
        {"title": "Medication review", "text": "Dose 10mg", "reason": "Wrong dose typed"},
    )
    new = RecordEntry.objects.get(supersedes=world.clinical)
    assert response["Location"] == detail_url(new)
    page = client.get(detail_url(new))
    assert page.context["history"].versions == [new, world.clinical]
    assert "Corrected" in page.text
    assert "Wrong dose typed" in page.text
    assert "Earlier versions" in page.text


def test_the_old_version_leads_to_the_same_history(client, clinician, world):
    ps.login(client, clinician)
    client.post(
        correct_url(world.clinical), {"title": "Medication review", "text": "y", "reason": "typo"}
    )
    new = RecordEntry.objects.get(supersedes=world.clinical)
    assert client.get(detail_url(world.clinical)).context["entry"] == new


def test_the_record_shows_only_the_newest_version_marked_corrected(client, clinician, world):
    ps.login(client, clinician)
    client.post(
        correct_url(world.clinical), {"title": "Review (corrected)", "text": "", "reason": "x"}
    )
    text = client.get(reverse("people:detail", args=[world.person.public_id])).text
    assert "Review (corrected)" in text
    assert ">Medication review<" not in text
    assert "Corrected" in text


def test_a_correction_needs_a_reason(client, clinician, world):
    ps.login(client, clinician)
    response = client.post(correct_url(world.clinical), {"title": "T", "text": "y"})
    assert ps.form_errors(response)["reason"] == ["Say why the entry is being corrected"]
    assert not RecordEntry.objects.filter(supersedes=world.clinical).exists()


def test_correcting_an_old_version_goes_to_the_newest(client, clinician, world):
    ps.login(client, clinician)
    client.post(correct_url(world.clinical), {"title": "T", "text": "y", "reason": "typo"})
    new = RecordEntry.objects.get(supersedes=world.clinical)
    response = client.get(correct_url(world.clinical))
    assert response["Location"] == correct_url(new)


def test_a_partner_may_not_correct_an_entry_it_does_not_own(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.post(correct_url(world.plan), {"title": "T", "text": "y", "reason": "r"})
    assert response.status_code == 403
    assert "only the organisation that owns an entry may correct it" in response.text.lower()
    assert not RecordEntry.objects.filter(supersedes=world.plan).exists()


def test_correcting_an_entry_you_cannot_see_is_404(client, volunteer, world):
    ps.login(client, volunteer)
    response = client.post(correct_url(world.clinical), {"title": "T", "text": "", "reason": "r"})
    assert response.status_code == 404
