"""The person's own portal in a real browser: withdrawing consent changes what a partner
sees at once, and the portal's pages pass axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe_support import blocking_violations
from tests.factories import DEFAULT_PASSWORD
from tests.people import people_support as ps
from tests.portal import portal_support as pp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def world(trust, day_centre, clinician):
    # Volunteers see the care plan only with the person's explicit consent, given here.
    world = ps.shared_world(trust, day_centre, clinician, consent_required=True)
    ps.explicit_consent(world, clinician)
    return world


@pytest.fixture
def alex(world):
    return pp.portal_account(world.person)


def portal_log_in(page, user) -> None:
    page.goto(reverse("portal:login"))
    expect(page.get_by_role("heading", name="Log in to see your record")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your record")


def test_a_person_withdraws_consent_and_the_volunteers_view_changes_at_once(
    browser, live_server, page, world, alex, volunteer
):
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    ps.browser_log_in(staff, volunteer)
    record = reverse("people:detail", args=[world.person.public_id])
    staff.goto(record)
    expect(staff.get_by_role("heading", name=world.plan.title)).to_be_visible()

    portal_log_in(page, alex)
    expect(page.get_by_role("heading", name=world.plan.title)).to_be_visible()
    page.get_by_role("link", name="Who may share it").click()
    page.get_by_role("link", name="Withdraw this decision").click()
    expect(page.get_by_role("heading", name="Withdraw your decision?")).to_be_visible()
    page.get_by_role("button", name="Withdraw my decision").click()
    expect(page.get_by_text("Your decision has been withdrawn")).to_be_visible()

    staff.reload()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Alex RIVERS")
    expect(staff.get_by_role("heading", name=world.plan.title)).to_have_count(0)
    staff_context.close()


def test_the_person_sees_who_opened_their_record(
    browser, live_server, page, world, alex, volunteer
):
    staff_context = browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    ps.browser_log_in(staff, volunteer)
    staff.goto(reverse("people:detail", args=[world.person.public_id]))
    staff_context.close()

    portal_log_in(page, alex)
    page.get_by_role("link", name="Who has looked at it").click()
    log = page.get_by_test_id("access-log")
    expect(log).to_contain_text("Opened your record")
    expect(log).to_contain_text("Riverside Mind")
    expect(log).to_contain_text("Volunteer")


@pytest.mark.parametrize("url_name", ["portal:home", "portal:sharing", "portal:access_log"])
def test_portal_pages_have_no_serious_accessibility_violations(page, world, alex, url_name):
    portal_log_in(page, alex)
    page.goto(reverse(url_name))
    violations = blocking_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]


def test_the_portal_login_page_has_no_serious_accessibility_violations(page, db):
    page.goto(reverse("portal:login"))
    violations = blocking_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
