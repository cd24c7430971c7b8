"""GET /api/v1/services (the directory search) and GET /api/v1/services/{id}."""

import pytest

from joinedup.directory.models import Service
from tests import factories as f
from tests.api_support import bearer, directory_of, problem_fields, term, well_described_service

SEARCH = "/api/v1/services"


def detail_url(service) -> str:
    return f"/api/v1/services/{service.public_id}"


def names(response) -> list[str]:
    return [s["name"] for s in response.json()["results"]]


@pytest.fixture
def employment(trust):
    return f.ServiceFactory(
        organisation=trust,
        name="Employment support",
        description="Help into work.",
        minimum_age=18,
        maximum_age=65,
        waiting_time_days=10,
        accepting_referrals=False,
        taxonomy_terms=[term("employment")],
        localities=[f.LocalityFactory(name="South", slug="south")],
    )


# --- search


def test_search_is_public(client, befriending):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert names(response) == ["Befriending"]


def test_search_result_says_who_offers_it_where_and_for_what(client, befriending):
    result = client.get(SEARCH).json()["results"][0]
    assert result["id"] == str(befriending.public_id)
    assert result["organisation"]["slug"] == "riverside-mind"
    assert [loc["slug"] for loc in result["localities"]] == ["north"]
    assert [need["code"] for need in result["needs"]] == ["loneliness"]
    assert result["accepts_self_referrals"] is True


def test_search_separates_needs_from_five_ways_tags(client, befriending):
    befriending.taxonomy_terms.add(term("connect"))
    result = client.get(SEARCH).json()["results"][0]
    assert [need["code"] for need in result["needs"]] == ["loneliness"]
    assert [tag["code"] for tag in result["tags"]] == ["connect"]


def test_search_finds_services_by_a_word_of_their_description(client, befriending, employment):
    assert names(client.get(SEARCH, {"q": "befriender visits"})) == ["Befriending"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"locality": "north"}, ["Befriending"]),
        ({"locality": ["north", "south"]}, ["Befriending", "Employment support"]),
        ({"need": "social-connection"}, ["Befriending"]),
        ({"need": "employment"}, ["Employment support"]),
        ({"self_referral": "true"}, ["Befriending"]),
        ({"accepting": "false"}, ["Employment support"]),
        ({"age": "70"}, ["Befriending"]),
        ({"max_wait": "14"}, ["Employment support"]),
        ({"organisation": "city-nhs-trust"}, ["Employment support"]),
    ],
)
def test_each_search_filter_narrows_the_results(client, befriending, employment, query, expected):
    assert names(client.get(SEARCH, query)) == expected


def test_search_pages_with_links_to_next_and_previous(client, day_centre):
    for name in ("A", "B", "C"):
        f.ServiceFactory(organisation=day_centre, name=name)
    first = client.get(SEARCH, {"page_size": 2}).json()
    second = client.get(SEARCH, {"page_size": 2, "page": 2}).json()
    assert (first["count"], first["pages"], first["previous"]) == (3, 2, None)
    assert first["next"] == "http://testserver/api/v1/services?page_size=2&page=2"
    assert [s["name"] for s in second["results"]] == ["C"]
    assert (second["next"], second["previous"]) == (
        None,
        "http://testserver/api/v1/services?page_size=2&page=1",
    )


def test_a_page_past_the_end_is_empty_but_keeps_the_count(client, befriending):
    body = client.get(SEARCH, {"page": 5}).json()
    assert (body["results"], body["count"], body["page"], body["next"]) == ([], 1, 5, None)


def test_facets_count_all_matches_by_locality_need_and_tag(client, befriending, employment):
    befriending.taxonomy_terms.add(term("connect"))
    facets = client.get(SEARCH, {"facets": "true", "page_size": 1}).json()["facets"]
    assert {row["value"]: row["count"] for row in facets["localities"]} == {"north": 1, "south": 1}
    assert {row["value"] for row in facets["needs"]} == {"loneliness", "employment"}
    assert facets["tags"] == [{"value": "connect", "name": "Connect", "count": 1}]


def test_facets_are_null_unless_asked_for(client, befriending):
    assert client.get(SEARCH).json()["facets"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"age": "-1"}, "age"),
        ({"age": "131"}, "age"),
        ({"age": "old"}, "age"),
        ({"max_wait": "-2"}, "max_wait"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"self_referral": "perhaps"}, "self_referral"),
        ({"locality": "not a slug"}, "locality.0"),
        ({"organisation": "a/b"}, "organisation"),
        ({"q": "nul\x00byte"}, "q"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_search_parameter_is_a_422_problem_naming_it(client, query, field):
    response = client.get(SEARCH, query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert problem_fields(response) == [field]


def test_search_accepts_a_valid_token(client, befriending, volunteer):
    assert client.get(SEARCH, headers=bearer(volunteer)).status_code == 200


def test_search_refuses_a_bad_token_though_it_is_public(client, befriending):
    response = client.get(SEARCH, headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("size", [3, 30])
def test_search_queries_do_not_grow_with_the_directory(client, db, django_assert_num_queries, size):
    directory_of(size)
    # the summary (count and first ids), the page's services, localities, terms with taxonomy
    with django_assert_num_queries(4):
        response = client.get(SEARCH, {"page_size": 100})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [3, 30])
def test_faceted_text_search_queries_do_not_grow_with_the_directory(
    client, db, django_assert_num_queries, size
):
    directory_of(size)
    # the above (the count with the facets in one statement), descendant terms of the
    # need, and the facets' labels
    with django_assert_num_queries(7):
        response = client.get(
            SEARCH,
            {"q": "community", "need": "social-connection", "facets": "true", "page_size": 100},
        )
    assert response.json()["count"] == size


# --- one service


def test_service_page_has_everything_a_referrer_needs(client, day_centre, trust):
    north = f.LocalityFactory(name="North", slug="north")
    service = well_described_service(day_centre, locality=north, partner=trust)
    body = client.get(detail_url(service)).json()
    assert body["organisation"] == {
        "id": str(day_centre.public_id),
        "slug": "riverside-mind",
        "name": "Riverside Mind",
        "kind": "vcse",
    }
    assert [p["slug"] for p in body["joint_partners"]] == ["city-nhs-trust"]
    assert body["is_joint_offer"] is True
    assert [c["name"] for c in body["contacts"]] == ["Duty worker"]
    assert body["locations"][0]["postcode"] == "LS1 4AP"
    assert [n["code"] for n in body["needs"]] == ["befriending"]
    assert [t["code"] for t in body["tags"]] == ["connect"]
    assert {"eligibility_criteria", "referral_instructions", "capacity_status", "updated_at"} <= (
        body.keys()
    )


def test_service_opening_hours_are_in_weekday_order(client, day_centre, trust):
    north = f.LocalityFactory(name="North", slug="north")
    service = well_described_service(day_centre, locality=north, partner=trust)
    body = client.get(detail_url(service)).json()
    assert [(s["weekday"], s["opens_at"]) for s in body["schedules"]] == [
        ("MO", "10:00:00"),
        ("WE", "09:00:00"),
    ]


@pytest.mark.parametrize("service_id", ["0d4c0c8e-1b5e-4c55-8f51-94f7e1d0c3a2", "not-a-uuid", "1"])
def test_an_unknown_or_malformed_service_id_is_a_404_problem(client, db, service_id):
    response = client.get(f"/api/v1/services/{service_id}")
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize("size", [3, 30])
def test_service_page_queries_do_not_grow_with_the_directory(
    client, db, django_assert_num_queries, size
):
    directory_of(size)
    service = Service.objects.order_by("pk").last()
    # service with organisation, then localities, partners, contacts, terms, hours, locations
    with django_assert_num_queries(7):
        response = client.get(detail_url(service))
    assert response.status_code == 200
