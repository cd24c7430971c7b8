"""A visitor finds a befriending service they can refer themselves to."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import directory_data

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback restores the taxonomy
    # that migrations ship, which the transactional flush would otherwise remove.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def results(page):
    return page.locator(".joinedup-results h3")


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_visitor_searches_filters_and_opens_a_service(browser_page, day_centre, trust, request):
    page = request.getfixturevalue(browser_page)
    directory_data.build(day_centre, trust)

    page.goto("/directory/")
    page.get_by_label("Search for a service").fill("befriending")
    page.get_by_role("checkbox", name=re.compile(r"^North")).check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="2 services found")).to_be_visible()
    expect(results(page)).to_contain_text(["Home befriending"])
    expect(results(page)).to_contain_text(["Telephone befriending"])

    page.get_by_label("Accepts self-referral").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 service found")).to_be_visible()
    expect(results(page)).to_have_text(["Home befriending"])
    expect(page).to_have_url(re.compile(r"q=befriending.*locality=north.*self_referral=1"))

    page.get_by_role("link", name="Home befriending").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Home befriending")
    for detail in (
        "Yes – people can refer themselves",
        "Phone us, or ask your GP or key worker to refer you.",
        "Waiting list",
        "21 days (about 3 weeks)",
        "18 years and over",
        "Adults who feel lonely or cut off.",
        "City NHS Trust",
        "Pat Jones",
        "0113 496 0000",
        "Step-free entrance, hearing loop and an accessible toilet.",
    ):
        expect(page.get_by_text(detail, exact=False).first).to_be_visible()


def test_a_bad_filter_shows_the_error_summary_not_an_error_page(page, day_centre, trust):
    directory_data.build(day_centre, trust)

    page.goto("/directory/?age=abc")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter the age as a whole number of years, like 25")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Age of the person")).to_be_focused()
    expect(page.get_by_role("heading", name="4 services found")).to_be_visible()
