"""Localities: the list with service counts, and what is on offer in each."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.directory.views_data import populate, shipped_term

LOCALITIES = reverse("directory:locality_list")


def offer_page(slug: str) -> str:
    return reverse("directory:locality_detail", args=[slug])


def test_locality_list_is_public(client, befriending):
    response = client.get(LOCALITIES)
    assert response.status_code == 200
    assert offer_page("north") in response.content.decode()


def test_locality_list_counts_each_locality_s_services(client, befriending):
    f.ServiceFactory(localities=[befriending.localities.get()])
    assert "2 services" in client.get(LOCALITIES).content.decode()


def test_locality_page_is_public(client, befriending):
    assert client.get(offer_page("north")).status_code == 200


def test_locality_page_groups_services_by_top_level_need(client, befriending):
    response = client.get(offer_page("north"))
    groups = response.context["offer"]
    assert [(g.term.code, [s.name for s in g.services]) for g in groups] == [
        ("social-connection", ["Befriending"])
    ]
    assert '<h2 id="need-social-connection">Social connection</h2>' in response.content.decode()


def test_locality_page_links_each_service_to_its_page(client, befriending):
    content = client.get(offer_page("north")).content.decode()
    assert reverse("directory:service_detail", args=[befriending.public_id]) in content


def test_locality_page_highlights_joint_offers(client, befriending):
    befriending.is_joint_offer = True
    befriending.save()
    content = client.get(offer_page("north")).content.decode()
    assert "Joint offers in North" in content


def test_locality_page_without_joint_offers_has_no_joint_offer_panel(client, befriending):
    assert "Joint offers in North" not in client.get(offer_page("north")).content.decode()


def test_locality_page_links_to_a_search_within_the_locality(client, befriending):
    content = client.get(offer_page("north")).content.decode()
    assert f'href="{reverse("directory:search")}?locality=north"' in content


def test_unknown_locality_is_not_found(client, db):
    assert client.get(offer_page("atlantis")).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_locality_list_query_count_does_not_grow(db, client, django_assert_num_queries, size):
    populate(size, localities=[f.LocalityFactory(name="North", slug="north")])
    with django_assert_num_queries(1):
        assert client.get(LOCALITIES).status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_locality_page_query_count_does_not_grow(db, client, django_assert_num_queries, size):
    north = f.LocalityFactory(name="North", slug="north")
    populate(size, localities=[north], terms=[shipped_term("befriending")])
    # the locality; its services, their terms; the needs; the needs' parents
    with django_assert_num_queries(5):
        response = client.get(offer_page("north"))
    assert len(response.context["offer"][0].services) == size
