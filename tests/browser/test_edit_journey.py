"""A service's own staff log in, change the service, and see the change."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.browser import directory_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # These journeys are about editing; logging in with a second factor has its own
    # tests in tests/accounts.
    settings.JOINEDUP_2FA_REQUIRED = False


def test_staff_edit_their_service_and_see_the_change(page, day_centre, trust, day_centre_worker):
    service = directory_data.build(day_centre, trust)["befriending"]

    page.goto(reverse("directory:service_edit", args=[service.public_id]))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Username").fill(day_centre_worker.username)
    page.get_by_label("Password").fill(f.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit Home befriending")
    page.get_by_label("Current waiting time in days").fill("35")
    page.get_by_label("Description").fill("A befriender visits you at home, or calls weekly.")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your changes to Home befriending have been saved")).to_be_visible()
    expect(page.get_by_text("35 days (about 5 weeks)")).to_be_visible()
    expect(page.get_by_text("A befriender visits you at home, or calls weekly.")).to_be_visible()
    newest = page.locator("#history ~ table tbody tr").first
    expect(newest).to_contain_text(day_centre_worker.get_full_name())
    expect(newest).to_contain_text("Current waiting time in days")
    expect(newest).to_contain_text("Description")


def test_an_invalid_change_is_shown_and_can_be_put_right(
    page, day_centre, trust, day_centre_worker
):
    service = directory_data.build(day_centre, trust)["befriending"]
    page.goto(reverse("accounts:login"))
    page.get_by_label("Username").fill(day_centre_worker.username)
    page.get_by_label("Password").fill(f.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(reverse("directory:service_edit", args=[service.public_id]))
    page.get_by_label("Maximum age").fill("16")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_title("Error: Edit Home befriending – joinedup")
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Maximum age")).to_be_focused()

    page.get_by_label("Maximum age").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("have been saved")).to_be_visible()
