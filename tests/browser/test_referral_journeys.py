"""Referrals in a real browser: a clinician finds a service in the directory and refers;
the receiving team acknowledges and accepts; the referrer's worklist and the person's
portal show it; axe-core finds no serious or critical violation on the way."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe_support import no_blocking_violations
from tests.factories import DEFAULT_PASSWORD
from tests.people import people_support as ps
from tests.portal import portal_support as pp
from tests.referrals import referral_support as rs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def w(trust, day_centre, clinician, befriending, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return rs.world(trust, day_centre, clinician, befriending)


def test_a_clinician_refers_and_the_service_accepts_and_everyone_sees_it(
    browser, live_server, page, w, clinician
):
    ps.browser_log_in(page, clinician, device=ps.authenticator_for(clinician))
    page.goto("/directory/")
    page.get_by_label("Search for a service").fill("befriending")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Befriending").first.click()
    page.get_by_role("button", name="Refer someone to Befriending").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Refer to Befriending")
    no_blocking_violations(page)

    page.get_by_label("Who are you referring?").select_option(label="RIVERS, Alex")
    page.get_by_label("Why are you referring them?").fill(rs.REASON)
    page.get_by_label("What matters to them, in their own words").fill("Getting out again")
    page.get_by_label("The person agrees to this referral").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text(re.compile(r"Your referral JU-\w{8} has been sent"))).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().split("\n")[0].split()[-1]
    no_blocking_violations(page)

    team_context = browser.new_context(base_url=live_server.url)
    team = team_context.new_page()
    ps.browser_log_in(team, w.receiver, device=ps.authenticator_for(w.receiver))
    team.goto(reverse("referrals:incoming"))
    expect(team.get_by_test_id("counts")).to_contain_text("1 new")
    no_blocking_violations(team)
    team.get_by_role("link", name=reference).click()
    team.locator("summary", has_text=re.compile(r"^\s*Acknowledge\s*$")).click()
    team.get_by_role("button", name="Acknowledge").click()
    expect(team.get_by_text("The referral is now acknowledged")).to_be_visible()
    team.locator("summary", has_text=re.compile(r"^\s*Accept\s*$")).click()
    team.get_by_role("button", name="Accept").click()
    expect(team.get_by_text("The referral is now accepted")).to_be_visible()
    expect(team.get_by_test_id("next-step")).to_contain_text("first contact by")
    team_context.close()

    page.goto(reverse("referrals:outgoing"))
    row = page.get_by_test_id("worklist").get_by_role("row", name=re.compile(reference))
    expect(row).to_contain_text("Accepted")
    no_blocking_violations(page)

    alex = pp.portal_account(w.person)
    person_context = browser.new_context(base_url=live_server.url)
    person = person_context.new_page()
    person.goto(reverse("portal:login"))
    person.get_by_label("Username").fill(alex.username)
    person.get_by_label("Password").fill(DEFAULT_PASSWORD)
    person.get_by_role("button", name="Log in").click()
    person.get_by_role("link", name="Your referrals").click()
    card = person.get_by_test_id("portal-referral")
    expect(card).to_contain_text(reference)
    expect(card).to_contain_text("Accepted")
    no_blocking_violations(person)
    person_context.close()
