"""The inbox in a real browser: the header's count, marking a message read, and axe-core
finding nothing serious."""

import pytest
from playwright.sync_api import expect

from joinedup.access.roles import Role
from joinedup.notifications import services
from tests import factories as f
from tests.browser.axe_support import blocking_violations
from tests.people import people_support as ps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def coordinator(day_centre, settings):
    settings.JOINEDUP_2FA_REQUIRED = False
    user = f.member(day_centre, Role.REFERRAL_COORDINATOR)
    for reference in ("JU-ABCD2345", "JU-EFGH6789"):
        services.notify(
            user=user,
            subject=f"New referral {reference}",
            body=f"Your team has a new referral, {reference}.",
            link="/referrals/",
            email="",
        )
    return user


def test_marking_a_message_read_moves_the_count_in_the_header(page, coordinator):
    ps.browser_log_in(page, coordinator)
    expect(page.get_by_test_id("inbox-link")).to_have_text("Inbox (2 unread)")
    page.get_by_test_id("inbox-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    mark_read = page.get_by_role("button", name="Mark as read – New referral JU-ABCD2345")
    mark_read.click()
    expect(page.get_by_test_id("inbox-link")).to_have_text("Inbox (1 unread)")
    expect(mark_read).to_have_count(0)


def test_the_inbox_has_no_serious_accessibility_violations(page, coordinator):
    ps.browser_log_in(page, coordinator)
    page.goto("/inbox/")
    violations = blocking_violations(page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
