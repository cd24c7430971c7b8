"""Organisations: the list and its filter, an organisation's page, and editing it."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.directory.views_data import populate


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # force_login proves no second factor, and the roles that edit may need one; the
    # second factor has its own tests in tests/accounts.
    settings.JOINEDUP_2FA_REQUIRED = False


ORGANISATIONS = reverse("directory:organisation_list")


def page_of(organisation) -> str:
    return reverse("directory:organisation_detail", args=[organisation.slug])


def edit_url(organisation) -> str:
    return reverse("directory:organisation_edit", args=[organisation.slug])


def listed(response) -> list[str]:
    return [organisation.name for organisation in response.context["page"]]


def form_data(organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "reach": organisation.reach,
        "ods_code": organisation.ods_code,
        "charity_number": organisation.charity_number,
        "description": organisation.description,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
    }
    data.update(changes)
    return data


def test_organisation_list_is_public(client, day_centre, trust):
    response = client.get(ORGANISATIONS)
    assert response.status_code == 200
    assert listed(response) == ["City NHS Trust", "Riverside Mind"]


def test_organisation_list_filters_by_kind(client, day_centre, trust):
    assert listed(client.get(ORGANISATIONS, {"kind": "nhs_trust"})) == ["City NHS Trust"]


def test_unknown_kind_is_reported_and_the_list_left_unfiltered(client, day_centre, trust):
    response = client.get(ORGANISATIONS, {"kind": "spaceport"})
    assert response.status_code == 200
    assert "Choose a kind of organisation from the list" in response.content.decode()
    assert listed(response) == ["City NHS Trust", "Riverside Mind"]


def test_organisation_list_page_that_is_not_a_number_shows_the_first(client, day_centre):
    response = client.get(ORGANISATIONS, {"page": "abc"})
    assert (response.status_code, listed(response)) == (200, ["Riverside Mind"])


def test_organisation_list_counts_active_services(client, befriending):
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">1</td>' in (
        client.get(ORGANISATIONS).content.decode()
    )


def test_organisation_page_is_public(client, day_centre):
    assert client.get(page_of(day_centre)).status_code == 200


@pytest.mark.parametrize(
    "expected", ["Riverside Mind", "Voluntary, community or social enterprise", "1123456"]
)
def test_organisation_page_shows_its_details(client, day_centre, expected):
    assert expected in client.get(page_of(day_centre)).content.decode()


def test_nhs_organisation_page_shows_its_ods_code(client, trust):
    assert "RX4" in client.get(page_of(trust)).content.decode()


def test_organisation_page_lists_its_services(client, befriending):
    content = client.get(page_of(befriending.organisation)).content.decode()
    assert reverse("directory:service_detail", args=[befriending.public_id]) in content


def test_unknown_organisation_is_not_found(client, db):
    assert client.get(reverse("directory:organisation_detail", args=["nowhere"])).status_code == 404


def test_own_staff_see_edit_and_add_links(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    content = client.get(page_of(day_centre)).content.decode()
    assert edit_url(day_centre) in content
    assert reverse("directory:service_create", args=[day_centre.slug]) in content


def test_visitors_see_no_edit_link(client, day_centre):
    assert edit_url(day_centre) not in client.get(page_of(day_centre)).content.decode()


def test_visitors_are_sent_to_log_in_to_edit(client, day_centre):
    response = client.get(edit_url(day_centre))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_own_staff_save_a_change(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(edit_url(day_centre), form_data(day_centre, phone="0113 496 0123"))
    day_centre.refresh_from_db()
    assert response.url == page_of(day_centre)
    assert day_centre.phone == "0113 496 0123"


@pytest.mark.parametrize(
    ("persona", "reason"),
    [
        ("volunteer", "A volunteer may not edit directory entries"),
        ("outsider", "Only staff of Riverside Mind may edit its entries"),
    ],
)
def test_staff_who_may_not_edit_are_refused_with_the_reason(
    client, day_centre, persona, reason, request
):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(edit_url(day_centre), form_data(day_centre, name="Hijacked"))
    day_centre.refresh_from_db()
    assert (response.status_code, day_centre.name) == (403, "Riverside Mind")
    assert reason in response.content.decode()


def test_partnership_lead_may_edit_any_organisation(client, day_centre, partnership_lead):
    client.force_login(partnership_lead)
    client.post(edit_url(day_centre), form_data(day_centre, description="A day centre."))
    day_centre.refresh_from_db()
    assert day_centre.description == "A day centre."


def test_nhs_organisation_without_ods_code_is_refused_and_nothing_written(
    client, day_centre, partnership_lead
):
    client.force_login(partnership_lead)
    response = client.post(
        edit_url(day_centre), form_data(day_centre, kind="nhs_trust", name="Renamed")
    )
    day_centre.refresh_from_db()
    assert "An NHS organisation needs its ODS code" in response.content.decode()
    assert 'id="id_ods_code_error"' in response.content.decode()
    assert (day_centre.kind, day_centre.name) == ("vcse", "Riverside Mind")


def test_bad_charity_number_is_shown_beside_its_field(client, day_centre, day_centre_worker):
    client.force_login(day_centre_worker)
    response = client.post(edit_url(day_centre), form_data(day_centre, charity_number="12"))
    assert 'id="id_charity_number_error"' in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_list_query_count_does_not_grow(db, client, django_assert_num_queries, size):
    populate(size)
    # count, page
    with django_assert_num_queries(2):
        assert client.get(ORGANISATIONS).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_page_query_count_does_not_grow(db, client, django_assert_num_queries, size):
    organisation = f.OrganisationFactory()
    populate(size)
    for _ in range(size):
        f.ServiceFactory(organisation=organisation)
    # the organisation, its services, contacts, locations
    with django_assert_num_queries(4):
        response = client.get(page_of(organisation))
    assert len(response.context["organisation"].services.all()) == size
