"""The joint referral meeting in a real browser: a referral bounced twice is on the
locality's next meeting's agenda; the meeting (a referral coordinator there) allocates it
as a joint offer from an NHS team and a VCSE day centre; both teams find the new
referrals on their worklists; the council is invited; axe-core finds no serious or
critical violation on the meeting, the decision, the invitation and the minutes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.meetings.models import MeetingDecision
from tests.browser.axe_support import no_blocking_violations
from tests.meetings import meeting_support as ms
from tests.people import people_support as ps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


def worklist_shows(browser, live_server, user, reference: str) -> None:
    context = browser.new_context(base_url=live_server.url)
    team = context.new_page()
    ps.browser_log_in(team, user, device=ps.authenticator_for(user))
    team.goto(reverse("referrals:incoming"))
    expect(team.get_by_test_id("worklist")).to_contain_text(reference)
    context.close()


def test_a_referral_bounced_twice_is_allocated_as_a_joint_offer_at_the_meeting(
    browser, live_server, page, w
):
    declined = ms.bounced_twice(w)
    meeting = ms.next_meeting(w)

    ps.browser_log_in(page, w.coordinator, device=ps.authenticator_for(w.coordinator))
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joint referral meetings")
    no_blocking_violations(page)
    page.get_by_test_id("upcoming").get_by_role("link").first.click()

    agenda = page.get_by_test_id("agenda")
    expect(agenda).to_contain_text("Alex RIVERS")
    expect(agenda).to_contain_text("Bouncing between services")
    expect(agenda).to_contain_text(declined.reference)
    page.get_by_role("button", name="I am attending").click()
    expect(page.get_by_test_id("attendees")).to_contain_text("Riverside Mind")
    no_blocking_violations(page)

    page.get_by_role("link", name=re.compile(r"Record the decision")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alex RIVERS")
    no_blocking_violations(page)
    page.get_by_label("Allocate to one or more services").check()
    page.get_by_label("North Community Mental Health Team (City NHS Trust)").check()
    page.get_by_label("Riverside Day Centre (Riverside Mind)").check()
    page.get_by_label("The meeting's reasons").fill(
        "Talking therapy with the team, and the day centre for company in the week"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("A joint offer.")).to_be_visible()
    expect(page.get_by_test_id("agenda").get_by_test_id("decision")).to_contain_text("Joint offer")
    no_blocking_violations(page)

    decision = MeetingDecision.objects.get()
    assert decision.joint_offer
    made = {r["service"]: r["reference"] for r in decision.new_referrals}

    page.get_by_role("link", name="The minutes so far").click()
    expect(page.get_by_test_id("minutes-items")).to_contain_text("Joint offer")
    no_blocking_violations(page)
    page.get_by_test_id("print-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Minutes")
    no_blocking_violations(page)

    page.goto(reverse("meetings:detail", args=[meeting.public_id]))
    page.get_by_role("link", name="Invite another organisation of North").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Invite an organisation")
    no_blocking_violations(page)
    page.get_by_label("Invite another organisation").select_option(label="City Council")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_test_id("organisations")).to_contain_text("City Council")

    page.get_by_label("Notes for the minutes").fill("Thanks to everyone for coming")
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Minutes")
    no_blocking_violations(page)

    worklist_shows(browser, live_server, w.trust_worker, made["North Community Mental Health Team"])
    worklist_shows(browser, live_server, w.day_centre_worker, made["Riverside Day Centre"])
