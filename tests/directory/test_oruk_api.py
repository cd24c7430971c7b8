"""The Open Referral UK read API at /api/oruk/."""

import uuid
from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from joinedup.directory import models as d
from joinedup.directory.oruk import vocabulary as v
from tests import factories as f
from tests.directory.oruk_support import (
    ContactFactory,
    ScheduleFactory,
    add_location,
    bare_service,
    rich_service,
    schema_errors,
    shipped_term,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def get(path: str, **params):
        return client.get(f"/api/oruk/{path}", params)

    return get


def attribute_terms(body: dict) -> set[str]:
    return {a["taxonomy_term"]["term"] for a in body["attributes"]}


def vocabulary_value(body: dict, code: str) -> str | None:
    return next(a.get("value") for a in body["attributes"] if a["taxonomy_term"]["term"] == code)


# The documents ------------------------------------------------------------------------


def test_api_info_names_the_version_profile_and_openapi_document(api):
    body = api("").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith(reverse("oruk:openapi"))


def test_openapi_document_is_the_standards(api):
    assert api("openapi.json").json()["info"]["title"] == "Open Referral UK Profile"


def test_a_rich_service_is_valid_against_the_compiled_service_schema(api):
    service = rich_service()
    body = api(f"services/{service.public_id}").json()
    assert schema_errors("service", body) == []
    assert len(body["service_at_locations"]) == 2
    assert len(body["contacts"]) == 2


def test_a_bare_service_is_valid_against_the_compiled_service_schema(api):
    body = api(f"services/{bare_service().public_id}").json()
    assert schema_errors("service", body) == []


def test_a_service_nests_its_organisation_with_ods_code_as_an_identifier(api):
    service = rich_service()
    body = api(f"services/{service.public_id}").json()
    identifiers = body["organization"]["organization_identifiers"]
    code = service.organisation.ods_code
    assert [(i["identifier_scheme"], i["identifier"]) for i in identifiers] == [("GB-NHS", code)]


def test_a_charity_number_is_published_as_an_identifier(api, day_centre):
    service = f.ServiceFactory(organisation=day_centre)
    identifiers = api(f"services/{service.public_id}").json()["organization"][
        "organization_identifiers"
    ]
    assert [(i["identifier_scheme"], i["identifier"]) for i in identifiers] == [
        ("GB-CHC", "1123456")
    ]


def test_capacity_and_referral_routes_are_published_as_attributes(api):
    body = api(f"services/{rich_service().public_id}").json()
    assert {
        "capacity-status/waitlist",
        "accepting-referrals/yes",
        "accepts-self-referrals/yes",
        "accepts-professional-referrals/yes",
        "joint-offer/yes",
    } <= attribute_terms(body)


def test_eligibility_and_waiting_time_are_attribute_values(api):
    body = api(f"services/{rich_service().public_id}").json()
    assert vocabulary_value(body, "waiting-time-days") == "21"
    assert vocabulary_value(body, "eligibility-criteria").startswith("Registered with a GP")


def test_age_range_uses_the_standards_own_fields(api):
    body = api(f"services/{rich_service().public_id}").json()
    assert (body["minimum_age"], body["maximum_age"]) == (18, 65)


def test_needs_are_attributes_naming_their_taxonomy(api):
    body = api(f"services/{rich_service().public_id}").json()
    need = next(
        a for a in body["attributes"] if a["taxonomy_term"]["term"] == "community-mental-health"
    )
    assert need["taxonomy_term"]["taxonomy"] == "Mental health and wellbeing needs"
    assert need["taxonomy_term_id"] == str(shipped_term("community-mental-health").public_id)


def test_opening_hours_are_weekly_schedules(api):
    body = api(f"services/{rich_service().public_id}").json()
    assert [(s["freq"], s["byday"], s["opens_at"]) for s in body["schedules"]] == [
        ("WEEKLY", "MO", "09:00:00"),
        ("WEEKLY", "WE", "13:30:00"),
    ]


def test_localities_are_service_areas(api):
    body = api(f"services/{rich_service().public_id}").json()
    assert [a["name"] for a in body["service_areas"]] == ["Inner North", "North"]


def test_locations_carry_their_address_and_coordinates(api):
    body = api(f"services/{rich_service(locations=1).public_id}").json()
    location = body["service_at_locations"][0]["location"]
    assert (location["latitude"], location["addresses"][0]["postal_code"]) == (53.812, "LS1 4AP")


def test_every_attribute_term_of_a_service_can_be_looked_up(api):
    body = api(f"services/{rich_service().public_id}").json()
    for found in body["attributes"]:
        assert api(f"taxonomy_terms/{found['taxonomy_term_id']}").status_code == 200


def test_service_detail_takes_the_same_queries_for_more_parts(api, django_assert_num_queries):
    small = rich_service(locations=1, contacts=1)
    large = rich_service(locations=4, contacts=6)
    ScheduleFactory.create_batch(3, service=large, weekday=d.Weekday.FR)
    with django_assert_num_queries(6):
        api(f"services/{small.public_id}")
    with django_assert_num_queries(6):
        api(f"services/{large.public_id}")


# The list -----------------------------------------------------------------------------


def test_service_list_is_a_page_of_services(api):
    for n in range(3):
        f.ServiceFactory(name=f"Service {n}")
    body = api("services", per_page=2, page=2).json()
    assert {k: body[k] for k in body if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }
    assert [s["name"] for s in body["contents"]] == ["Service 2"]


def test_service_list_items_are_valid_list_services(api):
    rich_service()
    body = api("services").json()
    assert schema_errors("service_list", body["contents"][0]) == []


def test_an_empty_list_says_so(api):
    body = api("services").json()
    assert (body["total_items"], body["total_pages"], body["empty"]) == (0, 0, True)


def test_defunct_services_are_not_listed(api):
    f.ServiceFactory(name="Closed for good", status=d.ServiceStatus.DEFUNCT)
    assert api("services").json()["total_items"] == 0


def test_service_list_takes_the_same_queries_at_two_sizes(api, django_assert_num_queries):
    f.ServiceFactory()
    with django_assert_num_queries(2):
        api("services")
    f.ServiceFactory.create_batch(15)
    with django_assert_num_queries(2):
        api("services")


def test_search_finds_services_by_their_words(api, befriending):
    f.ServiceFactory(name="Employment support", description="Help into work.")
    assert [s["name"] for s in api("services", search="loneliness").json()["contents"]] == [
        "Befriending"
    ]


def test_text_is_accepted_for_search_as_older_oruk_versions_named_it(api, befriending):
    f.ServiceFactory(name="Employment support", description="Help into work.")
    assert api("services", text="loneliness").json()["total_items"] == 1


def test_a_taxonomy_term_filter_includes_narrower_terms(api):
    f.ServiceFactory(name="Crisis line", taxonomy_terms=[shipped_term("crisis")])
    f.ServiceFactory(name="Food bank", taxonomy_terms=[shipped_term("food")])
    broad = shipped_term("mental-health").public_id
    names = [s["name"] for s in api("services", taxonomy_term_id=broad).json()["contents"]]
    assert names == ["Crisis line"]


def test_a_joinedup_attribute_term_filters_on_its_value(api):
    f.ServiceFactory(name="Drop in", accepts_self_referrals=True)
    f.ServiceFactory(name="Referral only", accepts_self_referrals=False)
    term = v.TERMS_BY_CODE["accepts-self-referrals/yes"].id
    names = [s["name"] for s in api("services", taxonomy_term_id=term).json()["contents"]]
    assert names == ["Drop in"]


def test_a_taxonomy_filter_finds_services_with_any_of_its_terms(api):
    f.ServiceFactory(
        name="Walking group", taxonomy_terms=[shipped_term("be-active", "five-ways-to-wellbeing")]
    )
    f.ServiceFactory(name="Crisis line", taxonomy_terms=[shipped_term("crisis")])
    five_ways = d.Taxonomy.objects.get(slug="five-ways-to-wellbeing").public_id
    names = [s["name"] for s in api("services", taxonomy_id=five_ways).json()["contents"]]
    assert names == ["Walking group"]


def test_age_filters_follow_the_standards_reading(api):
    f.ServiceFactory(name="Young people", minimum_age=11, maximum_age=25)
    f.ServiceFactory(name="Adults", minimum_age=18, maximum_age=65)
    names = [s["name"] for s in api("services", minimum_age=16, maximum_age=70).json()["contents"]]
    assert names == ["Adults"]


def test_day_and_time_filters_find_a_slot_that_fits(api):
    early = f.ServiceFactory(name="Breakfast club")
    ScheduleFactory(service=early, weekday=d.Weekday.TU, opens_at=time(7), closes_at=time(9))
    late = f.ServiceFactory(name="Evening group")
    ScheduleFactory(service=late, weekday=d.Weekday.TU, opens_at=time(18), closes_at=time(21))
    found = api("services", day="TU", start_time="08:00", end_time="22:00").json()
    assert [s["name"] for s in found["contents"]] == ["Evening group"]


def test_organisation_filter_finds_its_services(api, day_centre, trust):
    f.ServiceFactory(name="Day centre", organisation=day_centre)
    f.ServiceFactory(name="CMHT", organisation=trust)
    found = api("services", organization_id=trust.public_id).json()
    assert [s["name"] for s in found["contents"]] == ["CMHT"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"per_page": "100000"}, "per_page"),
        ({"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ({"taxonomy_id": "42"}, "taxonomy_id"),
        ({"minimum_age": "ten"}, "minimum_age"),
        ({"maximum_age": "nan"}, "maximum_age"),
        ({"day": "someday"}, "day"),
        ({"start_time": "9am"}, "start_time"),
        ({"modified_after": "yesterday"}, "modified_after"),
    ],
)
def test_a_bad_parameter_is_a_400_problem_naming_it(api, params, field):
    response = api("services", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


def test_a_malformed_id_is_a_400_problem_naming_it(api):
    response = api("services/not-a-uuid")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "id")


@pytest.mark.parametrize(
    "kind", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
)
def test_an_unknown_id_is_a_404_problem(api, kind):
    response = api(f"{kind}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_writing_is_refused_as_the_api_is_read_only(client):
    response = client.post("/api/oruk/services", {})
    assert response.status_code == 405


def test_a_path_outside_the_standard_is_a_json_404(api):
    assert api("referrals").json()["status"] == 404


# Service at location ------------------------------------------------------------------


def test_service_at_location_detail_is_valid_and_nests_both(api):
    link = rich_service().at_locations.first()
    body = api(f"service_at_locations/{link.public_id}").json()
    assert schema_errors("service_at_location", body) == []
    assert body["service"]["id"] == str(link.service.public_id)


def test_service_at_location_list_items_are_valid(api):
    rich_service()
    body = api("service_at_locations").json()
    assert body["total_items"] == 2
    assert schema_errors("service_at_location_list", body["contents"][0]) == []


def test_proximity_finds_locations_near_a_postcode(api):
    near = f.ServiceFactory(name="Near")
    add_location(near, postcode="LS1 4AP", latitude=Decimal("53.8"), longitude=Decimal("-1.55"))
    far = f.ServiceFactory(name="Far")
    add_location(far, postcode="LS1 5AA", latitude=Decimal("53.9"), longitude=Decimal("-1.55"))
    body = api("service_at_locations", postcode="LS1 4AP", proximity=2000).json()
    assert [link["service"]["name"] for link in body["contents"]] == ["Near"]


def test_a_postcode_alone_finds_its_district(api):
    add_location(f.ServiceFactory(name="City"), postcode="LS1 4AP")
    add_location(f.ServiceFactory(name="Suburb"), postcode="LS10 1AA")
    body = api("service_at_locations", postcode="ls1 9zz").json()
    assert [link["service"]["name"] for link in body["contents"]] == ["City"]


def test_proximity_without_a_postcode_is_a_400(api):
    response = api("service_at_locations", proximity=1000)
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "postcode")


def test_a_bad_postcode_is_a_400(api):
    response = api("service_at_locations", postcode="XX1")
    assert (response.status_code, response.json()["errors"][0]["field"]) == (400, "postcode")


def test_service_at_location_list_takes_the_same_queries_at_two_sizes(
    api, django_assert_num_queries
):
    rich_service(locations=1)
    with django_assert_num_queries(2):
        api("service_at_locations")
    rich_service(locations=8)
    with django_assert_num_queries(2):
        api("service_at_locations")


# Organisations and taxonomies ---------------------------------------------------------


def test_organisation_list_items_are_valid(api, day_centre):
    body = api("organizations").json()
    assert schema_errors("organization_list", body["contents"][0]) == []


def test_organisation_detail_is_valid_and_lists_its_services(api, befriending, day_centre):
    body = api(f"organizations/{day_centre.public_id}").json()
    assert schema_errors("organization", body) == []
    assert [s["name"] for s in body["services"]] == ["Befriending"]


def test_organisation_detail_takes_the_same_queries_at_two_sizes(
    api, day_centre, django_assert_num_queries
):
    f.ServiceFactory(organisation=day_centre)
    with django_assert_num_queries(2):
        api(f"organizations/{day_centre.public_id}")
    f.ServiceFactory.create_batch(5, organisation=day_centre)
    with django_assert_num_queries(2):
        api(f"organizations/{day_centre.public_id}")


def test_organisation_kind_is_an_attribute(api, trust):
    body = api(f"organizations/{trust.public_id}").json()
    assert "organisation-kind/nhs_trust" in attribute_terms(body)


def test_taxonomies_include_joinedups_attribute_vocabulary(api):
    names = [t["name"] for t in api("taxonomies").json()["contents"]]
    assert names == [
        "Five Ways to Wellbeing",
        "Mental health and wellbeing needs",
        "joinedup attributes",
    ]


def test_a_taxonomy_is_valid_with_its_terms(api):
    needs = d.Taxonomy.objects.get(slug="joinedup-needs")
    body = api(f"taxonomies/{needs.public_id}").json()
    assert schema_errors("taxonomy", body) == []
    assert "crisis" in {t["term"] for t in body["taxonomy_terms"]}


def test_the_attribute_vocabulary_is_a_taxonomy_too(api):
    body = api(f"taxonomies/{v.TAXONOMY_ID}").json()
    assert schema_errors("taxonomy", body) == []
    assert "capacity-status/waitlist" in {t["term"] for t in body["taxonomy_terms"]}


def test_taxonomy_terms_are_paged_across_the_database_and_the_vocabulary(api):
    in_database = d.TaxonomyTerm.objects.count()
    body = api("taxonomy_terms", per_page=100, page=1).json()
    assert body["total_items"] == in_database + len(v.TERMS)
    assert all(schema_errors("taxonomy_term", t) == [] for t in body["contents"])


def test_a_taxonomy_term_names_its_parent(api):
    body = api(f"taxonomy_terms/{shipped_term('crisis').public_id}").json()
    assert body["parent_id"] == str(shipped_term("mental-health").public_id)


def test_contacts_carry_email_and_phone(api):
    service = f.ServiceFactory()
    ContactFactory(service=service, name="Alex", email="alex@example.org", phone="0113 496 0123")
    contact = api(f"services/{service.public_id}").json()["contacts"][0]
    assert (contact["email"], contact["phones"][0]["number"]) == (
        "alex@example.org",
        "0113 496 0123",
    )
