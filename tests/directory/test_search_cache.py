"""The search cache: what a search matches is kept under the directory's version stamp,
which every write to the directory changes, whoever makes it."""

import dataclasses

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from joinedup.directory import models as d
from joinedup.directory import selectors, services
from joinedup.directory.search import STAMP_ROWS_KEPT, directory_stamp
from joinedup.directory.selectors import ServiceSearch, service_search
from tests import factories as f
from tests.directory.oruk_support import import_file, record, write_json
from tests.directory.views_data import shipped_term

SEARCH = reverse("directory:search")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.JOINEDUP_2FA_REQUIRED = False


@pytest.fixture
def south(db):
    return f.LocalityFactory(name="South", slug="south")


def search(**params):
    return service_search(params=ServiceSearch(**params), with_facets=True)


def cached_summary(params: ServiceSearch) -> selectors.MatchSummary | None:
    return cache.get(selectors._cache_key(params))


def new_service_data(**changes) -> dict:
    return {
        "name": "Walking group",
        "description": "A weekly walk for anyone feeling low.",
        "accepts_self_referrals": True,
        **changes,
    }


# --- a write shows on the very next search ---------------------------------------------


def test_a_service_added_through_services_is_counted_by_the_next_search(
    befriending, day_centre, day_centre_worker
):
    north = befriending.localities.get()
    assert search(self_referral=True).total == 1

    services.service_create(
        actor=day_centre_worker, organisation=day_centre, data=new_service_data(localities=[north])
    )

    results = search(self_referral=True)
    assert results.total == 2
    assert results.locality_counts[north.pk] == 2


def test_a_service_moved_to_another_locality_moves_in_the_facet_counts(
    befriending, south, day_centre_worker
):
    north = befriending.localities.get()
    assert search().locality_counts == {north.pk: 1}

    services.service_update(
        actor=day_centre_worker, service=befriending, data={"localities": [south]}
    )

    assert search().locality_counts == {south.pk: 1}


def test_a_new_service_appears_on_the_search_page_at_once(
    client, befriending, day_centre, day_centre_worker
):
    assert "1 service found" in client.get(SEARCH).content.decode()

    services.service_create(
        actor=day_centre_worker, organisation=day_centre, data=new_service_data()
    )

    content = client.get(SEARCH).content.decode()
    assert "2 services found" in content
    assert "Walking group" in content


def test_a_deleted_service_leaves_the_totals(befriending, day_centre):
    other = f.ServiceFactory(organisation=day_centre, name="Art group")
    assert search().total == 2

    other.delete()

    assert search().total == 1


def test_a_service_changed_with_a_bulk_update_is_searched_as_changed(befriending):
    assert search(self_referral=True).total == 1

    d.Service.objects.filter(pk=befriending.pk).update(accepts_self_referrals=False)

    assert search(self_referral=True).total == 0


def test_an_imported_service_is_counted_by_the_next_search(tmp_path, befriending):
    assert search().total == 1

    outcome = import_file(write_json(tmp_path, [record()]))

    assert outcome.error is None, outcome.message
    assert search().total == 2


def test_a_locality_added_in_the_admin_changes_the_stamp(client, db):
    admin = f.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    before = directory_stamp()

    response = client.post(
        reverse("admin:directory_locality_add"),
        {"name": "East", "slug": "east", "description": ""},
    )

    assert response.status_code == 302
    assert d.Locality.objects.filter(slug="east").exists()
    assert directory_stamp() != before


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda s: f.OrganisationFactory(), id="organisation created"),
        pytest.param(
            lambda s: d.Organisation.objects.filter(pk=s.organisation_id).update(name="Renamed"),
            id="organisation updated",
        ),
        pytest.param(lambda s: f.LocationFactory(organisation=s.organisation), id="location"),
        pytest.param(lambda s: s.localities.get().delete(), id="locality deleted"),
        pytest.param(lambda s: s.taxonomy_terms.clear(), id="service's needs cleared"),
        pytest.param(lambda s: f.TaxonomyTermFactory(), id="taxonomy term created"),
        pytest.param(
            lambda s: d.Taxonomy.objects.update(description="Changed"), id="taxonomy updated"
        ),
    ],
)
def test_every_write_to_the_directory_changes_the_stamp(befriending, write):
    before = directory_stamp()

    write(befriending)

    assert directory_stamp() != before


def test_each_write_of_a_transaction_changes_the_stamp_again(befriending, day_centre):
    with transaction.atomic():
        f.ServiceFactory(organisation=day_centre, name="Art group")
        after_first = directory_stamp()
        f.ServiceFactory(organisation=day_centre, name="Walking group")

        assert directory_stamp() != after_first


def test_reading_the_directory_leaves_the_stamp_alone(befriending):
    before = directory_stamp()

    search(text="befriending")
    list(d.Service.objects.all())

    assert directory_stamp() == before


# --- what is cached and when it is used ------------------------------------------------


def test_a_repeated_search_is_answered_from_the_cache(befriending):
    params = ServiceSearch(text="befriending")
    search(text="befriending")
    cached = cached_summary(params)
    # A summary the database could not have produced shows where the answer came from.
    cache.set(selectors._cache_key(params), dataclasses.replace(cached, total=99))

    assert search(text="befriending").total == 99


def test_a_cached_summary_from_before_a_write_is_not_used(befriending, day_centre):
    params = ServiceSearch()
    search()
    cached = cached_summary(params)
    cache.set(selectors._cache_key(params), dataclasses.replace(cached, total=99))

    f.ServiceFactory(organisation=day_centre, name="Art group")

    assert search().total == 2
    assert cached_summary(params).total == 2


def test_searches_that_differ_only_in_case_spacing_or_order_share_an_entry(befriending, south):
    first = ServiceSearch(text="Befriending  visits", localities=("south", "north"))
    same = ServiceSearch(text=" befriending visits ", localities=("north", "south", "north"))

    assert selectors._cache_key(first) == selectors._cache_key(same)


def test_searches_with_different_filters_do_not_share_an_entry(befriending):
    assert selectors._cache_key(ServiceSearch(age=30)) != selectors._cache_key(
        ServiceSearch(age=31)
    )


def test_a_search_without_facets_then_with_them_counts_the_facets(befriending):
    north = befriending.localities.get()
    service_search(params=ServiceSearch(), with_facets=False)

    assert search().locality_counts == {north.pk: 1}


def test_nothing_is_cached_while_the_stamp_is_unknown(befriending):
    d.DirectoryChange.objects.all().delete()

    search()

    assert cached_summary(ServiceSearch()) is None


# --- pages beyond the ids a summary keeps ----------------------------------------------


@pytest.mark.parametrize("cached", [False, True], ids=["cold", "warm"])
def test_pages_beyond_the_kept_ids_come_in_the_same_order(day_centre, monkeypatch, cached):
    monkeypatch.setattr(selectors, "RANKED_IDS_KEPT", 3)
    for name in ("Echo", "Alpha", "Delta", "Foxtrot", "Bravo", "Charlie"):
        f.ServiceFactory(organisation=day_centre, name=name, description="Peer support.")
    if cached:
        service_search(params=ServiceSearch(), page=1, page_size=2)

    pages = [
        [s.name for s in service_search(params=ServiceSearch(), page=n, page_size=2).page]
        for n in (1, 2, 3)
    ]

    assert pages == [["Alpha", "Bravo"], ["Charlie", "Delta"], ["Echo", "Foxtrot"]]


# --- counts agree with the services themselves -----------------------------------------


def test_facet_counts_are_the_number_of_matching_services_in_each(day_centre, south):
    north = f.LocalityFactory(name="North", slug="north")
    befriending, counselling = shipped_term("befriending"), shipped_term("talking-therapies")
    f.ServiceFactory(organisation=day_centre, localities=[north], taxonomy_terms=[befriending])
    f.ServiceFactory(
        organisation=day_centre, localities=[north, south], taxonomy_terms=[befriending]
    )
    f.ServiceFactory(organisation=day_centre, localities=[south], taxonomy_terms=[counselling])
    f.ServiceFactory(organisation=day_centre, localities=[south], status="inactive")

    results = search()

    assert results.total == 3
    assert results.locality_counts == {north.pk: 2, south.pk: 2}
    assert results.term_counts == {befriending.pk: 2, counselling.pk: 1}


# Serialised rollback: a plain transactional test's flush re-creates content types, which
# then collide with the serialised restore of a later test in the same worker.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps a single row by design")
def test_the_stamp_table_stays_small_however_many_writes():
    stamps = set()
    for n in range(STAMP_ROWS_KEPT + 10):
        f.LocalityFactory(name=f"Locality {n}", slug=f"locality-{n}")
        stamps.add(directory_stamp())

    assert d.DirectoryChange.objects.count() <= STAMP_ROWS_KEPT + 1
    assert len(stamps) == STAMP_ROWS_KEPT + 10
