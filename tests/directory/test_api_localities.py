"""GET /api/v1/localities, /api/v1/localities/{slug} and /api/v1/taxonomy-terms."""

import pytest

from joinedup.directory.models import ServiceStatus
from tests import factories as f
from tests.api_support import directory_of, term

LOCALITIES = "/api/v1/localities"


def test_localities_are_listed_with_their_active_service_counts(client, befriending, day_centre):
    f.LocalityFactory(name="East", slug="east")
    closed = f.ServiceFactory(organisation=day_centre, status=ServiceStatus.DEFUNCT)
    closed.localities.add(befriending.localities.get())
    results = client.get(LOCALITIES).json()["results"]
    assert [(loc["slug"], loc["service_count"]) for loc in results] == [("east", 0), ("north", 1)]


def test_a_locality_shows_its_offer_grouped_by_top_level_need(client, befriending, day_centre):
    north = befriending.localities.get()
    f.ServiceFactory(
        organisation=day_centre,
        name="Crisis café",
        taxonomy_terms=[term("crisis")],
        localities=[north],
    )
    body = client.get(f"{LOCALITIES}/north").json()
    offer = {
        group["need"]["code"]: [s["name"] for s in group["services"]] for group in body["offer"]
    }
    assert offer == {"mental-health": ["Crisis café"], "social-connection": ["Befriending"]}


def test_services_with_no_need_are_offered_last_under_no_need(client, befriending, day_centre):
    f.ServiceFactory(
        organisation=day_centre, name="Drop-in", localities=befriending.localities.all()
    )
    offer = client.get(f"{LOCALITIES}/north").json()["offer"]
    assert offer[-1]["need"] is None
    assert [s["name"] for s in offer[-1]["services"]] == ["Drop-in"]


def test_an_offered_service_names_its_organisation(client, befriending):
    service = client.get(f"{LOCALITIES}/north").json()["offer"][0]["services"][0]
    assert service["organisation"]["slug"] == "riverside-mind"


@pytest.mark.parametrize("slug", ["atlantis", "a.b"])
def test_an_unknown_locality_is_a_404_problem(client, db, slug):
    response = client.get(f"{LOCALITIES}/{slug}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("size", [3, 30])
def test_locality_offer_queries_do_not_grow(client, db, django_assert_num_queries, size):
    directory_of(size)
    # locality, its services, their terms, the top-level needs, the needs' parents
    with django_assert_num_queries(5):
        response = client.get(f"{LOCALITIES}/seacroft")
    assert sum(len(g["services"]) for g in response.json()["offer"]) == size


@pytest.mark.parametrize("size", [3, 30])
def test_locality_list_queries_do_not_grow(client, db, django_assert_num_queries, size):
    for n in range(size):
        f.LocalityFactory(name=f"Ward {n}")
    with django_assert_num_queries(2):  # count, page with service counts
        response = client.get(LOCALITIES, {"page_size": 100})
    assert response.json()["count"] == size


# --- taxonomy


def test_the_needs_come_as_a_tree_for_a_picker(client, db):
    needs = client.get("/api/v1/taxonomy-terms").json()["needs"]
    mental_health = next(n for n in needs if n["code"] == "mental-health")
    assert "crisis" in [child["code"] for child in mental_health["children"]]
    assert all(n["taxonomy"] == "joinedup-needs" for n in needs)


def test_the_five_ways_to_wellbeing_come_as_tags(client, db):
    tags = client.get("/api/v1/taxonomy-terms").json()["tags"]
    assert {t["code"] for t in tags} == {
        "connect",
        "be-active",
        "take-notice",
        "keep-learning",
        "give",
    }


def test_the_taxonomy_is_read_in_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/api/v1/taxonomy-terms")
