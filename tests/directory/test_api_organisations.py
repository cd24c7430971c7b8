"""GET /api/v1/organisations, GET and PATCH /api/v1/organisations/{slug}."""

import pytest

from joinedup.directory.models import Organisation, ServiceStatus
from tests import factories as f
from tests.api_support import bearer, directory_of, problem_fields, send_json

ORGANISATIONS = "/api/v1/organisations"


def url(organisation) -> str:
    return f"{ORGANISATIONS}/{organisation.slug}"


def slugs(response) -> list[str]:
    return [o["slug"] for o in response.json()["results"]]


def test_organisations_are_listed_by_name_with_their_service_counts(client, befriending, trust):
    response = client.get(ORGANISATIONS)
    assert slugs(response) == ["city-nhs-trust", "riverside-mind"]
    counts = {o["slug"]: o["service_count"] for o in response.json()["results"]}
    assert counts == {"city-nhs-trust": 0, "riverside-mind": 1}


def test_organisations_filter_by_kind(client, day_centre, trust):
    assert slugs(client.get(ORGANISATIONS, {"kind": "nhs_trust"})) == ["city-nhs-trust"]


def test_an_unknown_kind_is_a_422_naming_it(client, db):
    response = client.get(ORGANISATIONS, {"kind": "pharmacy"})
    assert response.status_code == 422
    assert problem_fields(response) == ["kind"]


def test_organisations_are_paginated(client, db):
    for n in range(3):
        f.OrganisationFactory(name=f"Org {n}")
    body = client.get(ORGANISATIONS, {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], len(body["results"])) == (3, 2, 1)
    assert body["previous"].endswith("page=1")


def test_a_page_of_organisations_past_the_end_is_empty(client, day_centre):
    body = client.get(ORGANISATIONS, {"page": 3}).json()
    assert (body["results"], body["count"]) == ([], 1)


def test_an_organisation_shows_its_active_services(client, befriending, day_centre):
    f.ServiceFactory(organisation=day_centre, name="Old drop-in", status=ServiceStatus.DEFUNCT)
    body = client.get(url(day_centre)).json()
    assert body["charity_number"] == "1123456"
    assert [s["name"] for s in body["services"]] == ["Befriending"]
    assert body["services"][0]["id"] == str(befriending.public_id)


@pytest.mark.parametrize("slug", ["nobody", "not%20a%20slug", "nul%00byte"])
def test_an_unknown_organisation_is_a_404_problem(client, db, slug):
    response = client.get(f"{ORGANISATIONS}/{slug}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_list_queries_do_not_grow(client, db, django_assert_num_queries, size):
    directory_of(size)
    for _ in range(size):
        f.OrganisationFactory()
    with django_assert_num_queries(2):  # count, page with service counts
        response = client.get(ORGANISATIONS, {"page_size": 100})
    assert response.json()["count"] == size + 3


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_page_queries_do_not_grow(client, db, django_assert_num_queries, size):
    directory_of(size)
    organisation = Organisation.objects.order_by("pk").first()
    with django_assert_num_queries(4):  # organisation, services, contacts, locations
        response = client.get(url(organisation))
    assert response.status_code == 200


def test_staff_update_their_organisation(client, day_centre, day_centre_worker):
    response = send_json(
        client, "PATCH", url(day_centre), {"phone": "0113 496 0123"}, bearer(day_centre_worker)
    )
    assert response.status_code == 200
    day_centre.refresh_from_db()
    assert day_centre.phone == response.json()["phone"]
    assert day_centre.name == "Riverside Mind"


def test_an_invalid_charity_number_is_a_422_naming_it_and_nothing_is_written(
    client, day_centre, day_centre_worker
):
    response = send_json(
        client,
        "PATCH",
        url(day_centre),
        {"name": "Riverside", "charity_number": "12"},
        bearer(day_centre_worker),
    )
    assert response.status_code == 422
    assert problem_fields(response) == ["charity_number"]
    day_centre.refresh_from_db()
    assert (day_centre.name, day_centre.charity_number) == ("Riverside Mind", "1123456")


def test_an_nhs_trust_cannot_drop_its_ods_code(client, trust, clinician):
    response = send_json(client, "PATCH", url(trust), {"ods_code": ""}, bearer(clinician))
    assert response.status_code == 422
    assert problem_fields(response) == ["ods_code"]


def test_a_volunteer_may_not_update_their_organisation(client, day_centre, volunteer):
    response = send_json(client, "PATCH", url(day_centre), {"name": "X"}, bearer(volunteer))
    assert response.status_code == 403
    day_centre.refresh_from_db()
    assert day_centre.name == "Riverside Mind"


def test_staff_may_not_update_another_organisation(client, day_centre, clinician):
    response = send_json(client, "PATCH", url(day_centre), {"name": "X"}, bearer(clinician))
    assert response.status_code == 403


def test_a_partnership_lead_may_update_any_organisation(client, day_centre, partnership_lead):
    response = send_json(
        client, "PATCH", url(day_centre), {"reach": "national"}, bearer(partnership_lead)
    )
    assert response.status_code == 200
    day_centre.refresh_from_db()
    assert day_centre.reach == "national"


def test_updating_an_organisation_needs_a_token(client, day_centre):
    response = send_json(client, "PATCH", url(day_centre), {"name": "X"})
    assert response.status_code == 401


def test_updating_an_unknown_organisation_is_a_404(client, partnership_lead):
    response = send_json(
        client, "PATCH", f"{ORGANISATIONS}/nobody", {"name": "X"}, bearer(partnership_lead)
    )
    assert response.status_code == 404
