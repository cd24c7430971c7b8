"""Self-referral in a real browser (issue 4): a person refers themselves from the
service page without logging in — with JavaScript and without — gets a reference, and
follows the status with it and their date of birth; axe-core finds no serious or
critical violation on the form, the confirmation and the status pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.referrals.models import Referral, Status
from tests.browser.axe_support import blocking_violations
from tests.referrals import self_referral_support as sr

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture(autouse=True)
def _fresh_limits():
    sr.clear_limits()
    yield
    sr.clear_limits()


def no_blocking_violations(page) -> None:
    violations = blocking_violations(page)
    assert violations == [], [(v["id"], v["help"], page.url) for v in violations]


def fill_date_of_birth(page) -> None:
    page.get_by_label("Day", exact=True).fill(str(sr.DATE_OF_BIRTH.day))
    page.get_by_label("Month", exact=True).fill(str(sr.DATE_OF_BIRTH.month))
    page.get_by_label("Year", exact=True).fill(str(sr.DATE_OF_BIRTH.year))


def open_the_form_from_the_service_page(page, service) -> None:
    page.goto(reverse("directory:service_detail", args=[service.public_id]))
    page.get_by_role("button", name=f"Refer yourself to {service.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Refer yourself to {service.name}"
    )


def fill_the_form(page) -> None:
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    fill_date_of_birth(page)
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07400 123456")
    page.get_by_label("Postcode").fill("LS1 4AP")
    page.get_by_label("What would you like help with?").fill(sr.REASON)
    page.get_by_label("I agree to Riverside Mind").check()


def check_the_status(page, reference: str) -> None:
    page.get_by_label("Your referral reference").fill(reference)
    fill_date_of_birth(page)
    page.get_by_role("button", name="Check my referral").click()


@pytest.mark.parametrize("browser_page", ["page", "page_without_javascript"])
def test_a_person_self_refers_from_the_service_page_and_follows_the_status(
    request, befriending, browser_page
):
    page = request.getfixturevalue(browser_page)
    open_the_form_from_the_service_page(page, befriending)
    fill_the_form(page)
    page.get_by_role("button", name="Send my referral").click()

    expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    reference = page.get_by_test_id("reference").inner_text().strip()
    referral = Referral.objects.get(reference=reference)
    assert (referral.self_referral, referral.status) == (True, Status.SUBMITTED)

    page.get_by_role("link", name="check where your referral is").click()
    expect(page.get_by_role("heading", name="Check where your referral is")).to_be_visible()
    check_the_status(page, reference)
    expect(page.get_by_test_id("status")).to_have_text("Sent to the service")
    expect(page.get_by_test_id("next-step")).to_contain_text("Befriending will look at")
    assert page.csp_violations == []


def test_a_mistake_is_shown_in_the_error_summary_and_nothing_is_sent(page, befriending):
    open_the_form_from_the_service_page(page, befriending)
    fill_the_form(page)
    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Send my referral").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter your first name")
    summary.get_by_role("link", name="Enter your first name").click()
    expect(page.get_by_label("First name")).to_be_focused()
    assert Referral.objects.count() == 0


def test_the_form_confirmation_and_status_pages_pass_axe(page, befriending):
    open_the_form_from_the_service_page(page, befriending)
    no_blocking_violations(page)

    page.get_by_role("button", name="Send my referral").click()  # empty: every error shown
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    no_blocking_violations(page)

    fill_the_form(page)
    page.get_by_role("button", name="Send my referral").click()
    expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
    no_blocking_violations(page)
    reference = page.get_by_test_id("reference").inner_text().strip()

    page.goto(reverse("self_referral:check"))
    no_blocking_violations(page)
    check_the_status(page, reference)
    expect(page.get_by_test_id("status")).to_be_visible()
    no_blocking_violations(page)
