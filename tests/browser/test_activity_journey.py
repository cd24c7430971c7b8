"""Activity in a real browser (issue 5): a day-centre worker creates a group session and
takes its register (attended, did not attend); the team's activity page shows the units
it counts; axe-core finds no serious or critical violation on the register and activity
pages."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.activity.models import Contact
from tests.activity import activity_support as support
from tests.browser.axe_support import no_blocking_violations
from tests.people import people_support as ps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=3)


def name(person) -> str:
    return f"{person.given_name} {person.family_name}"


def test_a_day_centre_worker_takes_a_sessions_register_and_sees_the_units(page, w):
    ps.browser_log_in(page, w.worker, device=ps.authenticator_for(w.worker))
    page.goto(reverse("activity:sessions"))
    page.get_by_role("button", name="Create a group session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Create a group session")
    yesterday = support.days_ago(1)
    page.get_by_label("Title").fill("Wednesday drop-in")
    page.get_by_label("Service").select_option(label="Riverside Mind Day Centre")
    page.get_by_label("Day-centre session").check()
    page.get_by_label("Day", exact=True).fill(str(yesterday.day))
    page.get_by_label("Month").fill(str(yesterday.month))
    page.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it starts").fill("10:00")
    page.get_by_label("How long it lasts").fill("180")
    page.get_by_role("button", name="Create the session").click()

    expect(page.get_by_text("Wednesday drop-in is created")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    no_blocking_violations(page)
    first, second, third = w.people
    page.get_by_role("radio", name=f"Attended – {name(first)}", exact=True).check()
    page.get_by_role("radio", name=f"Did not attend – {name(second)}", exact=True).check()
    page.get_by_role("radio", name=f"Attended – {name(third)}", exact=True).check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("The register is saved: 2 attended, 1 did not attend")).to_be_visible()
    assert Contact.objects.filter(group_session__title="Wednesday drop-in").count() == 3
    no_blocking_violations(page)

    # Saving again changes a line, and adds none.
    page.get_by_role("radio", name=f"Did not attend – {name(third)}", exact=True).check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("1 attended, 2 did not attend")).to_be_visible()
    assert Contact.objects.filter(group_session__title="Wednesday drop-in").count() == 3

    page.get_by_role("link", name="Activity and units").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activity")
    totals = page.get_by_test_id("unit-totals")
    expect(totals).to_contain_text("Person-contacts")
    expect(page.get_by_test_id("unit-total").first).to_have_text("1")
    expect(page.get_by_test_id("unit-total").nth(1)).to_have_text("3")
    expect(page.get_by_test_id("units-day_centre")).to_contain_text("Day-centre visit")
    no_blocking_violations(page)
    assert ps.csp_violations_of_our_own(page) == []


def test_the_register_with_errors_and_the_contact_form_have_no_serious_violation(page, w):
    session = support.session(w)
    support.contacts(
        w.people[0], w.day_centre, w.worker, kind="day_centre", group_session=session,
        starts_at=session.starts_at,
    )  # fmt: skip
    ps.browser_log_in(page, w.worker, device=ps.authenticator_for(w.worker))
    page.goto(reverse("activity:register", args=[session.public_id]))
    page.get_by_role("button", name="Save the register").click()
    page.goto(reverse("activity:contact_create", args=[w.people[0].public_id]))
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    no_blocking_violations(page)


def test_a_partnership_leads_view_of_a_members_activity_has_no_serious_violation(page, w):
    from tests import factories as f

    lead = f.member(w.trust, "partnership_lead")
    support.contacts(w.people[0], w.day_centre, w.worker, kind="befriending")
    ps.browser_log_in(page, lead, device=ps.authenticator_for(lead))
    page.goto(reverse("activity:organisation", args=[w.day_centre.slug]))
    expect(page.get_by_text("Withheld: fewer than 5 people").first).to_be_visible()
    no_blocking_violations(page)
