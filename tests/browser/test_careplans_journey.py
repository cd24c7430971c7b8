"""A care plan co-produced in a real browser (issue 5): a clinician of the North team
writes it with Alex — what matters and the goals in Alex's words, an offer from the
Riverside Mind day centre, the day-centre worker as single point of contact, a crisis
plan and a review date — Alex reads and signs it in the portal, and the clinician sees
it signed. axe-core finds no serious or critical violation on the staff page, the form
or the portal page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.careplans.models import CarePlan
from tests.browser.axe_support import no_blocking_violations
from tests.careplans import careplan_support as cs
from tests.factories import DEFAULT_PASSWORD
from tests.people import people_support as ps
from tests.portal import portal_support as pp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]

WHAT_MATTERS = "Getting back to the allotment, and seeing my sister more"
GOALS = "Go to the allotment group twice a week by the spring"
CRISIS = "If I stop sleeping, call Jo at the day centre; out of hours, the crisis line"


@pytest.fixture
def w(trust, day_centre):
    world = cs.world(trust, day_centre)
    world.worker.first_name, world.worker.last_name = "Jo", "Bloggs"
    world.worker.save()
    return world


def test_a_clinician_co_produces_a_care_plan_and_the_person_signs_it(
    browser, live_server, page, w, clinician, day_centre
):
    ps.browser_log_in(page, clinician, device=ps.authenticator_for(clinician))
    page.goto(reverse("people:detail", args=[w.person.public_id]))
    page.get_by_test_id("care-plans-link").click()
    page.get_by_role("link", name="Make a care plan with Alex").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Make a care plan")
    no_blocking_violations(page)

    page.get_by_label("What matters to them").fill(WHAT_MATTERS)
    page.get_by_label("Their goals").fill(GOALS)
    offer = page.get_by_test_id("offer-1")
    offer.get_by_label("Service").select_option(label="Riverside Day Centre")
    offer.get_by_label("How often").fill("Tuesdays and Thursdays, 10 till 3")
    page.get_by_label("Crisis and contingency plan").fill(CRISIS)
    review = cs.in_days(90)
    date = page.get_by_role("group", name="Review date")
    date.get_by_label("Day").fill(str(review.day))
    date.get_by_label("Month").fill(str(review.month))
    date.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Save the care plan").click()
    expect(page.get_by_text("The care plan is saved as version 1")).to_be_visible()
    expect(page.get_by_test_id("what-matters")).to_have_text(WHAT_MATTERS)
    expect(page.get_by_test_id("offers")).to_contain_text("Riverside Day Centre")

    page.get_by_role("link", name="Add to the care team").click()
    page.get_by_label("Which organisation?").select_option(label="Riverside Mind")
    page.get_by_role("button", name="Continue").click()
    # The next step's page, loaded, before axe reads it.
    expect(page.get_by_label("Who?")).to_be_visible()
    no_blocking_violations(page)
    page.get_by_label("Who?").select_option(label="Jo Bloggs – Practitioner")
    page.get_by_label("Their role in the care team").fill("Support worker at the day centre")
    page.get_by_label("The person's single point of contact").check()
    page.get_by_role("button", name="Add to the care team").click()
    expect(page.get_by_text("Riverside Mind is in the care team")).to_be_visible()
    expect(page.get_by_test_id("contact")).to_contain_text("Jo Bloggs, Riverside Mind")
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Not yet agreed")
    no_blocking_violations(page)

    page.get_by_role("link", name="Change the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change the care plan")
    no_blocking_violations(page)

    alex = pp.portal_account(w.person)
    person_context = browser.new_context(base_url=live_server.url)
    person = person_context.new_page()
    person.goto(reverse("portal:login"))
    person.get_by_label("Username").fill(alex.username)
    person.get_by_label("Password").fill(DEFAULT_PASSWORD)
    person.get_by_role("button", name="Log in").click()
    person.get_by_role("link", name="Your care plan").click()
    expect(person.get_by_test_id("portal-what-matters")).to_have_text(WHAT_MATTERS)
    expect(person.get_by_test_id("portal-plan")).to_contain_text(
        "Jo Bloggs, Riverside Mind (Support worker at the day centre)"
    )
    no_blocking_violations(person)
    person.get_by_role("button", name="I agree with this plan").click()
    expect(person.get_by_text("Your care team can see that you agree")).to_be_visible()
    expect(person.get_by_text("You agreed with version 2")).to_be_visible()
    no_blocking_violations(person)
    person_context.close()

    page.goto(reverse("careplans:detail", args=[CarePlan.objects.get().public_id]))
    expect(page.get_by_test_id("agreement-status")).to_contain_text("Signed by Alex")
    assert ps.csp_violations_of_our_own(page) == []
