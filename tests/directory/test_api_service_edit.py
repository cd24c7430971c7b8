"""POST /api/v1/services and PATCH /api/v1/services/{id}: writes through the services,
decided by the access policy, all-or-nothing."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from joinedup.directory.models import Schedule, Service
from tests import factories as f
from tests.api_support import bearer, problem_fields, send_json, term, token_for

SERVICES = "/api/v1/services"


def url(service) -> str:
    return f"/api/v1/services/{service.public_id}"


def patch(client, service, body, user=None, headers=None):
    return send_json(client, "PATCH", url(service), body, headers or (user and bearer(user)))


def codes(service) -> set[str]:
    return {t.code for t in service.taxonomy_terms.all()}


@pytest.fixture
def new_service():
    return {
        "organisation": "riverside-mind",
        "name": "Peer support group",
        "description": "A weekly group run by people with lived experience.",
        "localities": ["north"],
        "needs": ["peer-support"],
        "tags": ["connect"],
        "accepts_self_referrals": True,
        "schedules": [{"weekday": "TH", "opens_at": "18:00", "closes_at": "20:00"}],
    }


@pytest.fixture
def north(db):
    return f.LocalityFactory(name="North", slug="north")


# --- adding a service


def test_staff_add_a_service_to_their_organisation(client, day_centre_worker, north, new_service):
    response = send_json(client, "POST", SERVICES, new_service, bearer(day_centre_worker))
    assert response.status_code == 201
    service = Service.objects.get(name="Peer support group")
    assert response["Location"] == f"http://testserver{url(service)}"
    assert codes(service) == {"peer-support", "connect"}
    assert [loc.slug for loc in service.localities.all()] == ["north"]
    assert response.json()["schedules"][0]["weekday"] == "TH"


def test_adding_a_service_needs_a_token(client, day_centre, north, new_service):
    response = send_json(client, "POST", SERVICES, new_service)
    assert response.status_code == 401
    assert not Service.objects.exists()


def test_a_volunteer_may_not_add_a_service(client, volunteer, north, new_service):
    response = send_json(client, "POST", SERVICES, new_service, bearer(volunteer))
    assert response.status_code == 403
    assert response.json()["detail"] == "a volunteer may not edit directory entries"
    assert not Service.objects.exists()


def test_staff_may_not_add_a_service_to_another_organisation(
    client, clinician, day_centre, north, new_service
):
    response = send_json(client, "POST", SERVICES, new_service, bearer(clinician))
    assert response.status_code == 403
    assert "only staff of Riverside Mind" in response.json()["detail"]
    assert not Service.objects.exists()


def test_a_partnership_lead_may_add_a_service_to_any_organisation(
    client, partnership_lead, day_centre, north, new_service
):
    response = send_json(client, "POST", SERVICES, new_service, bearer(partnership_lead))
    assert response.status_code == 201
    assert Service.objects.get().organisation == day_centre


def test_adding_a_service_to_an_unknown_organisation_is_a_422_naming_it(
    client, partnership_lead, north, new_service
):
    new_service["organisation"] = "nobody-here"
    response = send_json(client, "POST", SERVICES, new_service, bearer(partnership_lead))
    assert response.status_code == 422
    assert problem_fields(response) == ["organisation"]
    assert "nobody-here" in response.json()["detail"]


def test_a_new_service_needs_a_name(client, day_centre_worker, north, new_service):
    del new_service["name"]
    response = send_json(client, "POST", SERVICES, new_service, bearer(day_centre_worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["name"]


def test_an_unknown_need_is_a_422_naming_it_and_nothing_is_written(
    client, day_centre_worker, north, new_service
):
    new_service["needs"] = ["peer-support", "astrology"]
    response = send_json(client, "POST", SERVICES, new_service, bearer(day_centre_worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["needs"]
    assert "astrology" in response.json()["detail"]
    assert not Service.objects.exists()


def test_a_tag_is_not_accepted_as_a_need(client, day_centre_worker, north, new_service):
    new_service["needs"] = ["connect"]
    response = send_json(client, "POST", SERVICES, new_service, bearer(day_centre_worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["needs"]


def test_an_invalid_new_service_is_refused_whole(client, day_centre_worker, north, new_service):
    new_service.update(minimum_age=65, maximum_age=18)
    response = send_json(client, "POST", SERVICES, new_service, bearer(day_centre_worker))
    assert response.status_code == 422
    assert problem_fields(response) == ["maximum_age"]
    assert not Service.objects.exists()
    assert not Schedule.objects.exists()


# --- changing a service


def test_a_patch_changes_only_the_fields_sent(client, befriending, day_centre_worker):
    response = patch(client, befriending, {"waiting_time_days": 21}, day_centre_worker)
    assert response.status_code == 200
    befriending.refresh_from_db()
    assert befriending.waiting_time_days == 21
    assert befriending.name == "Befriending"
    assert codes(befriending) == {"loneliness"}
    assert [loc.slug for loc in befriending.localities.all()] == ["north"]


def test_a_patch_answers_with_the_changed_service(client, befriending, day_centre_worker):
    response = patch(client, befriending, {"capacity_status": "waitlist"}, day_centre_worker)
    assert response.json()["capacity_status"] == "waitlist"


def test_a_patch_sets_localities_by_slug(client, befriending, day_centre_worker):
    f.LocalityFactory(name="South", slug="south")
    patch(client, befriending, {"localities": ["south", "north"]}, day_centre_worker)
    assert {loc.slug for loc in befriending.localities.all()} == {"north", "south"}


def test_a_patch_of_needs_keeps_the_tags(client, befriending, day_centre_worker):
    befriending.taxonomy_terms.add(term("connect"))
    patch(client, befriending, {"needs": ["befriending"]}, day_centre_worker)
    assert codes(befriending) == {"befriending", "connect"}


def test_a_patch_of_tags_keeps_the_needs(client, befriending, day_centre_worker):
    patch(client, befriending, {"tags": ["give", "connect"]}, day_centre_worker)
    assert codes(befriending) == {"loneliness", "give", "connect"}


def test_a_patch_of_opening_hours_replaces_them_all(client, befriending, day_centre_worker):
    Schedule.objects.create(service=befriending, weekday="MO", opens_at=time(9), closes_at=time(17))
    hours = [{"weekday": "FR", "opens_at": "10:00", "closes_at": "12:00", "description": "Drop-in"}]
    patch(client, befriending, {"schedules": hours}, day_centre_worker)
    assert [(s.weekday, s.description) for s in befriending.schedules.all()] == [("FR", "Drop-in")]


def test_a_patch_may_clear_a_nullable_field(client, befriending, day_centre_worker):
    Service.objects.filter(pk=befriending.pk).update(waiting_time_days=5)
    patch(client, befriending, {"waiting_time_days": None}, day_centre_worker)
    befriending.refresh_from_db()
    assert befriending.waiting_time_days is None


def test_a_backwards_age_range_is_a_422_naming_maximum_age_and_nothing_is_written(
    client, befriending, day_centre_worker
):
    response = patch(
        client,
        befriending,
        {"name": "Renamed", "minimum_age": 65, "maximum_age": 18},
        day_centre_worker,
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["maximum_age"]
    befriending.refresh_from_db()
    assert (befriending.name, befriending.minimum_age) == ("Befriending", None)


def test_an_unknown_locality_is_a_422_naming_it_and_nothing_is_written(
    client, befriending, day_centre_worker
):
    response = patch(
        client, befriending, {"name": "Renamed", "localities": ["atlantis"]}, day_centre_worker
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["localities"]
    assert "atlantis" in response.json()["detail"]
    befriending.refresh_from_db()
    assert befriending.name == "Befriending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"minimum_age": -1}, "minimum_age"),
        ({"minimum_age": 131}, "minimum_age"),
        ({"waiting_time_days": 10**12}, "waiting_time_days"),
        ({"capacity_status": "full"}, "capacity_status"),
        ({"url": "not a url"}, "url"),
        ({"email": "nobody"}, "email"),
        ({"localities": "north"}, "localities"),
    ],
)
def test_bad_data_is_a_422_naming_the_field(client, befriending, day_centre_worker, body, field):
    response = patch(client, befriending, body, day_centre_worker)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert problem_fields(response) == [field]


def test_a_misspelt_field_is_a_422_naming_it_not_ignored(client, befriending, day_centre_worker):
    response = patch(client, befriending, {"nmae": "Renamed"}, day_centre_worker)
    assert response.status_code == 422
    assert problem_fields(response) == ["nmae"]


def test_a_service_accepting_referrals_needs_a_route(client, befriending, day_centre_worker):
    response = patch(
        client,
        befriending,
        {"accepts_self_referrals": False, "accepts_professional_referrals": False},
        day_centre_worker,
    )
    assert problem_fields(response) == ["accepting_referrals"]


def test_an_unknown_weekday_is_named_with_its_place_in_the_list(
    client, befriending, day_centre_worker
):
    hours = [{"weekday": "XX", "opens_at": "09:00", "closes_at": "10:00"}]
    response = patch(client, befriending, {"schedules": hours}, day_centre_worker)
    assert problem_fields(response) == ["schedules.0.weekday"]


def test_closing_before_opening_is_named(client, befriending, day_centre_worker):
    hours = [{"weekday": "MO", "opens_at": "17:00", "closes_at": "09:00"}]
    response = patch(client, befriending, {"schedules": hours}, day_centre_worker)
    assert problem_fields(response) == ["schedules.0.closes_at"]


def test_a_body_that_is_not_json_is_a_400_problem(client, befriending, day_centre_worker):
    response = patch(client, befriending, "{not json", day_centre_worker)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_volunteer_may_not_change_a_service(client, befriending, volunteer):
    response = patch(client, befriending, {"name": "Renamed"}, volunteer)
    assert response.status_code == 403
    assert response.json()["detail"] == "a volunteer may not edit directory entries"
    befriending.refresh_from_db()
    assert befriending.name == "Befriending"


def test_staff_of_another_organisation_may_not_change_a_service(client, befriending, outsider):
    response = patch(client, befriending, {"name": "Renamed"}, outsider)
    assert response.status_code == 403
    assert response.json()["detail"] == "only staff of Riverside Mind may edit its entries"


def test_a_partnership_lead_may_change_any_service(client, befriending, partnership_lead):
    response = patch(client, befriending, {"name": "Befriending at home"}, partnership_lead)
    assert response.status_code == 200
    befriending.refresh_from_db()
    assert befriending.name == "Befriending at home"


def test_changing_a_service_needs_a_token(client, befriending):
    response = patch(client, befriending, {"name": "Renamed"}, headers={})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_refused(client, befriending, day_centre_worker):
    raw, token = token_for(day_centre_worker)
    token.revoked_at = timezone.now()
    token.save()
    response = patch(client, befriending, {"name": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_an_expired_token_is_refused(client, befriending, day_centre_worker):
    raw, _ = token_for(day_centre_worker, expires_in=timedelta(seconds=-1))
    response = patch(client, befriending, {"name": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_a_token_stops_working_when_its_membership_ends(client, befriending, day_centre_worker):
    raw, token = token_for(day_centre_worker)
    token.membership.is_active = False
    token.membership.save()
    response = patch(client, befriending, {"name": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_a_token_stops_working_when_its_account_is_disabled(client, befriending, day_centre_worker):
    raw, _ = token_for(day_centre_worker)
    day_centre_worker.is_active = False
    day_centre_worker.save()
    response = patch(client, befriending, {"name": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_changing_an_unknown_service_is_a_404(client, day_centre_worker, db):
    response = send_json(
        client,
        "PATCH",
        "/api/v1/services/00000000-0000-0000-0000-000000000000",
        {"name": "x"},
        bearer(day_centre_worker),
    )
    assert response.status_code == 404


def test_a_change_is_recorded_in_the_history_as_the_token_holder(
    client, befriending, day_centre_worker
):
    patch(client, befriending, {"fees": "£2 a session"}, day_centre_worker)
    assert befriending.history.latest().history_user == day_centre_worker
