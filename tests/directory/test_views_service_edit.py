"""Editing and adding services in the browser: who may, what is saved, and that a
refused or invalid change writes nothing."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from joinedup.directory import services
from joinedup.directory.models import Schedule, Service
from tests.directory.views_data import five_ways_tag, shipped_term


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # force_login proves no second factor, and the roles that edit may need one; the
    # second factor has its own tests in tests/accounts.
    settings.JOINEDUP_2FA_REQUIRED = False


def edit_url(service) -> str:
    return reverse("directory:service_edit", args=[service.public_id])


def create_url(organisation) -> str:
    return reverse("directory:service_create", args=[organisation.slug])


def form_data(service: Service, **changes) -> dict:
    """What the edit form posts for `service` as it stands, with `changes` applied."""
    terms = list(service.taxonomy_terms.all()) if service.pk else []
    localities = list(service.localities.all()) if service.pk else []
    data = {
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "needs": [t.public_id for t in terms if not t.taxonomy.is_tag_set],
        "minimum_age": service.minimum_age or "",
        "maximum_age": service.maximum_age or "",
        "eligibility_criteria": service.eligibility_criteria,
        "localities": [loc.slug for loc in localities],
        "referral_instructions": service.referral_instructions,
        "capacity_status": service.capacity_status,
        "waiting_time_days": service.waiting_time_days or "",
        "url": service.url,
        "email": service.email,
        "phone": service.phone,
        "fees": service.fees,
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "50",
    }
    for flag in ("accepts_professional_referrals", "accepts_self_referrals", "accepting_referrals"):
        if getattr(service, flag):
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_visitors_are_sent_to_log_in(client, befriending):
    response = client.get(edit_url(befriending))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_visitors_cannot_post_a_change(client, befriending):
    client.post(edit_url(befriending), form_data(befriending, name="Hijacked"))
    befriending.refresh_from_db()
    assert befriending.name == "Befriending"


def test_own_staff_see_the_edit_form(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.get(edit_url(befriending))
    assert response.status_code == 200
    assert 'value="Befriending"' in response.content.decode()


def test_own_staff_save_a_change(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    client.post(
        edit_url(befriending),
        form_data(befriending, waiting_time_days="35", description="Weekly visits at home."),
    )
    befriending.refresh_from_db()
    assert (befriending.waiting_time_days, befriending.description) == (
        35,
        "Weekly visits at home.",
    )


def test_saving_returns_to_the_service_page_with_a_message(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(
        edit_url(befriending), form_data(befriending, waiting_time_days="35"), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "directory:service_detail", args=[befriending.public_id]
    )
    assert "Your changes to Befriending have been saved" in response.content.decode()


def test_a_saved_change_appears_in_the_change_history(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(
        edit_url(befriending), form_data(befriending, waiting_time_days="35"), follow=True
    )
    history = response.context["history"]
    assert history[0]["record"].history_user == day_centre_worker
    assert "Current waiting time in days" in history[0]["changed_fields"]


def test_needs_and_five_ways_tags_are_saved_together(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    tag = five_ways_tag()
    client.post(
        edit_url(befriending),
        form_data(
            befriending,
            needs=[shipped_term("befriending").public_id],
            wellbeing_tags=[tag.public_id],
        ),
    )
    assert set(befriending.taxonomy_terms.values_list("code", flat=True)) == {
        "befriending",
        tag.code,
    }


def test_opening_times_are_saved(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    client.post(
        edit_url(befriending),
        form_data(
            befriending,
            **{"hours-0-weekday": "TU", "hours-0-opens_at": "10:00", "hours-0-closes_at": "12:30"},
        ),
    )
    assert [str(s) for s in befriending.schedules.all()] == ["Tuesday 10:00–12:30"]


def test_an_opening_time_can_be_removed(client, befriending, day_centre_worker):
    Schedule.objects.create(service=befriending, weekday="MO", opens_at="09:00", closes_at="17:00")
    client.force_login(day_centre_worker)
    client.post(
        edit_url(befriending),
        form_data(
            befriending,
            **{
                "hours-INITIAL_FORMS": "1",
                "hours-0-weekday": "MO",
                "hours-0-opens_at": "09:00",
                "hours-0-closes_at": "17:00",
                "hours-0-DELETE": "on",
            },
        ),
    )
    assert not befriending.schedules.exists()


def test_closing_before_opening_is_refused(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(
        edit_url(befriending),
        form_data(
            befriending,
            **{"hours-0-weekday": "TU", "hours-0-opens_at": "14:00", "hours-0-closes_at": "09:00"},
        ),
    )
    assert "The closing time must be after the opening time" in response.content.decode()
    assert not befriending.schedules.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"minimum_age": "40", "maximum_age": "30"},
            "maximum_age",
            "The maximum age must be the same as or more than the minimum age",
        ),
        (
            {"accepts_professional_referrals": None, "accepts_self_referrals": None},
            "accepting_referrals",
            "needs at least one referral route",
        ),
        ({"phone": "12345"}, "phone", "Enter a telephone number, like 0113 496 0000"),
        ({"name": ""}, "name", "Enter the service&#x27;s name"),
        ({"waiting_time_days": "soon"}, "waiting_time_days", "whole number of days"),
    ],
)
def test_invalid_change_is_shown_beside_its_field(
    client, befriending, day_centre_worker, changes, field, message
):
    client.force_login(day_centre_worker)
    response = client.post(edit_url(befriending), form_data(befriending, **changes))
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert f'id="id_{field}_error"' in content
    assert message in content


def test_invalid_change_writes_nothing(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    client.post(
        edit_url(befriending),
        form_data(befriending, description="Changed", minimum_age="40", maximum_age="30"),
    )
    befriending.refresh_from_db()
    assert befriending.description.startswith("A volunteer befriender")
    assert befriending.history.count() == 3


def test_the_page_title_says_there_is_an_error(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(edit_url(befriending), form_data(befriending, name=""))
    assert "<title>Error: Edit Befriending" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "reason"),
    [
        ("volunteer", "A volunteer may not edit directory entries"),
        ("outsider", "Only staff of Riverside Mind may edit its entries"),
        ("commissioner", "A commissioner may not edit directory entries"),
    ],
)
def test_staff_who_may_not_edit_are_refused_with_the_reason(
    client, befriending, persona, reason, request
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(edit_url(befriending))
    assert response.status_code == 403
    assert reason in response.content.decode()


def test_a_refused_post_writes_nothing(client, befriending, outsider):
    client.force_login(outsider)
    response = client.post(edit_url(befriending), form_data(befriending, name="Hijacked"))
    befriending.refresh_from_db()
    assert (response.status_code, befriending.name) == (403, "Befriending")


def test_partnership_lead_may_edit_any_service(client, befriending, partnership_lead):
    client.force_login(partnership_lead)
    client.post(edit_url(befriending), form_data(befriending, waiting_time_days="7"))
    befriending.refresh_from_db()
    assert befriending.waiting_time_days == 7


def test_editing_an_unknown_service_is_not_found(client, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.get(reverse("directory:service_edit", args=[uuid.uuid4()]))
    assert response.status_code == 404


def _new_service_data(**changes) -> dict:
    return form_data(
        Service(name="Peer support group", description="Meet others who have been there."),
        **changes,
    )


def test_own_staff_add_a_service(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(create_url(day_centre), _new_service_data())
    service = day_centre.services.get(name="Peer support group")
    assert response.url == reverse("directory:service_detail", args=[service.public_id])


def test_adding_a_service_records_who_added_it(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    client.post(create_url(day_centre), _new_service_data())
    record = day_centre.services.get(name="Peer support group").history.earliest()
    assert record.history_user == day_centre_worker


def test_visitors_are_sent_to_log_in_to_add_a_service(client, day_centre):
    response = client.get(create_url(day_centre))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_volunteers_may_not_add_a_service(client, day_centre, volunteer):
    client.force_login(volunteer)
    response = client.post(create_url(day_centre), _new_service_data())
    assert response.status_code == 403
    assert not day_centre.services.exists()


def test_adding_an_invalid_service_writes_nothing(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(create_url(day_centre), _new_service_data(phone="not a phone"))
    assert "Enter a telephone number" in response.content.decode()
    assert not day_centre.services.exists()


def test_adding_a_service_to_an_unknown_organisation_is_not_found(client, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.get(reverse("directory:service_create", args=["nowhere"]))
    assert response.status_code == 404


def test_a_rule_only_the_service_layer_knows_is_shown_beside_its_field(
    client, befriending, day_centre_worker, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError({"taxonomy_terms": "Choose needs that are still in use"})

    monkeypatch.setattr(services, "service_update", refuse)
    client.force_login(day_centre_worker)
    response = client.post(edit_url(befriending), form_data(befriending))
    assert 'id="id_needs_error"' in response.content.decode()
    assert "Choose needs that are still in use" in response.content.decode()


def test_a_service_layer_error_about_no_field_of_the_form_is_shown_at_the_top(
    client, befriending, day_centre_worker, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError({"opens_at": "Opening times overlap"})

    monkeypatch.setattr(services, "service_update", refuse)
    client.force_login(day_centre_worker)
    response = client.post(edit_url(befriending), form_data(befriending))
    assert "<li>Opening times overlap</li>" in response.content.decode()


def test_edit_form_ticks_the_service_s_needs_by_public_id(client, befriending, day_centre_worker):
    client.force_login(day_centre_worker)
    content = client.get(edit_url(befriending)).content.decode()
    term = befriending.taxonomy_terms.get()
    tag = content[content.index(f'value="{term.public_id}"') :].split(">", 1)[0]
    assert tag.endswith("checked")
