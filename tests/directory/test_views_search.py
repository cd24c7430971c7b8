"""The search page: public, every filter, facet counts, bad input, a fixed query count."""

import pytest
from django.urls import reverse

from joinedup.directory.models import CapacityStatus, ServiceStatus
from tests import factories as f
from tests.directory.views_data import populate, shipped_term

SEARCH = reverse("directory:search")


def names(response) -> list[str]:
    return [service.name for service in response.context["page"]]


@pytest.fixture
def south(db):
    return f.LocalityFactory(name="South", slug="south")


@pytest.fixture
def counselling(day_centre, south):
    return f.ServiceFactory(
        organisation=day_centre,
        name="Counselling",
        description="Talking therapy for adults.",
        accepts_self_referrals=False,
        minimum_age=18,
        maximum_age=65,
        waiting_time_days=42,
        taxonomy_terms=[shipped_term("talking-therapies")],
        localities=[south],
    )


def test_search_page_is_public(client, befriending):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "Befriending" in names(response)


def test_search_page_says_how_many_services_were_found(client, befriending, counselling):
    response = client.get(SEARCH)
    assert "2 services found" in response.content.decode()


def test_result_links_to_the_service_page(client, befriending):
    response = client.get(SEARCH)
    assert reverse("directory:service_detail", args=[befriending.public_id]) in (
        response.content.decode()
    )


def test_result_shows_capacity_as_a_tag(client, counselling):
    counselling.capacity_status = CapacityStatus.NO_CAPACITY
    counselling.save()
    response = client.get(SEARCH)
    assert '<strong class="nhsuk-tag nhsuk-tag--red">No capacity</strong>' in (
        response.content.decode()
    )


def test_result_shows_waiting_time_in_weeks(client, counselling):
    response = client.get(SEARCH)
    assert "42 days (about 6 weeks)" in response.content.decode()


def test_text_search_finds_services_by_their_words(client, befriending, counselling):
    response = client.get(SEARCH, {"q": "loneliness"})
    assert names(response) == ["Befriending"]


def test_text_search_ranks_a_name_match_above_a_passing_mention(client, day_centre):
    f.ServiceFactory(
        organisation=day_centre,
        name="Art group",
        description="Painting and drawing each week, with tea and a chat. " * 5
        + "Ask about befriending.",
    )
    f.ServiceFactory(organisation=day_centre, name="Telephone befriending")
    response = client.get(SEARCH, {"q": "befriending"})
    assert names(response) == ["Telephone befriending", "Art group"]


def test_without_text_results_are_in_name_order(client, befriending, counselling):
    response = client.get(SEARCH)
    assert names(response) == ["Befriending", "Counselling"]


def test_locality_filter_keeps_services_in_that_locality(client, befriending, counselling):
    response = client.get(SEARCH, {"locality": "north"})
    assert names(response) == ["Befriending"]


def test_several_localities_may_be_chosen(client, befriending, counselling):
    response = client.get(SEARCH, {"locality": ["north", "south"]})
    assert names(response) == ["Befriending", "Counselling"]


def test_need_filter_keeps_services_filed_under_that_need(client, befriending, counselling):
    response = client.get(SEARCH, {"need": "talking-therapies"})
    assert names(response) == ["Counselling"]


def test_top_level_need_includes_the_needs_under_it(client, befriending, counselling):
    response = client.get(SEARCH, {"need": "social-connection"})
    assert names(response) == ["Befriending"]


def test_self_referral_filter_keeps_self_referral_services(client, befriending, counselling):
    response = client.get(SEARCH, {"self_referral": "1"})
    assert names(response) == ["Befriending"]


def test_self_referral_zero_does_not_switch_the_filter_on(client, befriending, counselling):
    response = client.get(SEARCH, {"self_referral": "0"})
    assert names(response) == ["Befriending", "Counselling"]


def test_accepting_filter_leaves_out_services_not_accepting(client, befriending, counselling):
    counselling.accepting_referrals = False
    counselling.save()
    response = client.get(SEARCH, {"accepting": "1"})
    assert names(response) == ["Befriending"]


def test_age_filter_leaves_out_services_the_person_is_too_young_for(
    client, befriending, counselling
):
    response = client.get(SEARCH, {"age": "16"})
    assert names(response) == ["Befriending"]


def test_maximum_waiting_time_leaves_out_longer_waits(client, befriending, counselling):
    befriending.waiting_time_days = 7
    befriending.save()
    response = client.get(SEARCH, {"max_wait": "28"})
    assert names(response) == ["Befriending"]


def test_a_linked_waiting_time_not_in_the_list_stays_chosen(client, befriending):
    response = client.get(SEARCH, {"max_wait": "10"})
    assert '<option value="10" selected>10 days or less</option>' in response.content.decode()


def test_inactive_services_are_not_listed(client, befriending, counselling):
    counselling.status = ServiceStatus.TEMPORARILY_CLOSED
    counselling.save()
    assert names(client.get(SEARCH)) == ["Befriending"]


def test_locality_facet_shows_how_many_services_match(client, befriending, counselling):
    response = client.get(SEARCH)
    assert 'North <span class="joinedup-count">(1<' in response.content.decode()


def test_need_facet_shows_how_many_services_match(client, befriending, counselling):
    response = client.get(SEARCH)
    assert 'Talking therapies and counselling <span class="joinedup-count">(1<' in (
        response.content.decode()
    )


def test_facet_counts_follow_the_search(client, befriending, counselling):
    response = client.get(SEARCH, {"q": "talking therapy"})
    assert 'South <span class="joinedup-count">(1<' in response.content.decode()


def test_localities_without_matching_services_are_not_offered(client, befriending, counselling):
    response = client.get(SEARCH, {"q": "talking therapy"})
    assert 'value="north"' not in response.content.decode()


def test_a_ticked_locality_stays_offered_when_nothing_matches_in_it(
    client, befriending, counselling
):
    response = client.get(SEARCH, {"q": "talking therapy", "locality": "north"})
    assert 'value="north" checked' in response.content.decode()


def test_a_search_matching_nothing_says_no_locality_has_services(client, befriending):
    response = client.get(SEARCH, {"q": "xylophone"})
    assert "No locality has services that match this search" in response.content.decode()


def test_chosen_filters_stay_ticked(client, befriending):
    response = client.get(SEARCH, {"locality": "north", "self_referral": "1"})
    content = response.content.decode()
    assert 'value="north" checked' in content
    assert 'id="id_self_referral" checked' in content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age": "abc"}, "Enter the age as a whole number of years, like 25"),
        ({"age": "500"}, "Enter an age between 0 and 130"),
        ({"age": "-3"}, "Enter an age between 0 and 130"),
        ({"locality": "atlantis"}, "Choose localities from the list"),
        ({"need": "no-such-need"}, "Choose needs from the list"),
        ({"max_wait": "soon"}, "Choose a maximum waiting time from the list"),
        ({"q": "x" * 201}, "Search text must be 200 characters or fewer"),
    ],
)
def test_a_bad_filter_is_reported_in_the_error_summary(client, befriending, params, message):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()


def test_a_bad_filter_is_left_out_and_the_rest_still_apply(client, befriending, counselling):
    response = client.get(SEARCH, {"age": "abc", "locality": "south"})
    assert names(response) == ["Counselling"]


def test_page_that_is_not_a_number_shows_the_first_page(client, befriending):
    response = client.get(SEARCH, {"page": "abc"})
    assert response.status_code == 200
    assert names(response) == ["Befriending"]


def test_page_past_the_end_says_so(client, befriending):
    response = client.get(SEARCH, {"page": "9999"})
    assert response.status_code == 200
    assert "There is no page 9999 of these results" in response.content.decode()


def test_no_results_gives_advice(client, befriending):
    response = client.get(SEARCH, {"q": "xylophone"})
    assert "0 services found" in response.content.decode()
    assert "remove some of the filters" in response.content.decode()


def test_results_are_paginated_keeping_the_filters(client, settings, day_centre):
    settings.JOINEDUP_PAGE_SIZE = 2
    for name in ("Alpha", "Bravo", "Charlie"):
        f.ServiceFactory(organisation=day_centre, name=name, accepts_self_referrals=True)
    first = client.get(SEARCH, {"self_referral": "1"})
    assert names(first) == ["Alpha", "Bravo"]
    assert "?self_referral=1&amp;page=2" in first.content.decode()
    assert names(client.get(SEARCH, {"self_referral": "1", "page": "2"})) == ["Charlie"]


@pytest.mark.parametrize("repeated", [False, True], ids=["first", "repeated"])
@pytest.mark.parametrize("size", [3, 30])
def test_search_page_query_count_does_not_grow_with_the_directory(
    db, client, django_assert_num_queries, size, repeated
):
    north = f.LocalityFactory(name="North", slug="north")
    populate(size, localities=[north], terms=[shipped_term("befriending")])
    query = {"locality": "north", "self_referral": "0"}
    if repeated:
        client.get(SEARCH, query)
    # localities, needs, the summary (count, facets and first ids; or the check of the
    # cached one), the page's services, their localities and terms
    with django_assert_num_queries(6):
        response = client.get(SEARCH, query)
    assert response.context["results"].total == size


@pytest.mark.parametrize("repeated", [False, True], ids=["first", "repeated"])
@pytest.mark.parametrize("size", [3, 30])
def test_search_with_text_and_need_query_count_does_not_grow(
    db, client, django_assert_num_queries, size, repeated
):
    populate(size, terms=[shipped_term("befriending")])
    query = {"q": "support", "need": "social-connection"}
    if repeated:
        client.get(SEARCH, query)
    # as above, plus the need's descendants
    with django_assert_num_queries(7):
        response = client.get(SEARCH, query)
    assert response.context["results"].total == size


def test_search_page_answers_head_requests(client, befriending):
    assert client.head(SEARCH).status_code == 200


def test_search_page_refuses_post_without_an_error_page(client, befriending):
    assert client.post(SEARCH).status_code == 405
