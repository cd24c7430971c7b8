"""The shared record in a real browser: what a volunteer at a partner sees, and a
clinician breaking glass (without JavaScript, as every journey must work)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.access.roles import Role
from joinedup.people.models import Person
from tests import factories as f
from tests.people import people_support as ps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


def test_a_volunteer_at_a_partner_sees_shared_care_entries_and_not_clinical_ones(
    page, trust, day_centre, clinician, volunteer
):
    world = ps.shared_world(trust, day_centre, clinician)

    ps.browser_log_in(page, volunteer)
    page.goto(reverse("people:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_text("Your team's care relationship")).to_be_visible()
    page.get_by_role("link", name="RIVERS, Alex").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Alex RIVERS")
    expect(page.get_by_role("heading", name=world.plan.title)).to_be_visible()
    expect(page.get_by_role("heading", name=world.contact.title)).to_be_visible()
    expect(page.get_by_text(world.clinical.title)).to_have_count(0)
    expect(page.get_by_role("heading", name="Clinical notes")).to_have_count(0)
    expect(page.get_by_text("1 May 1980")).to_have_count(0)  # volunteers see no demographics
    assert ps.csp_violations_of_our_own(page) == []


def test_a_clinician_without_a_relationship_breaks_glass_and_sees_the_banner(
    page_without_javascript, day_centre, clinician
):
    page = page_without_javascript
    stranger = Person.objects.create(
        given_name="Kit",
        family_name="Marsh",
        nhs_number=ps.ALEX_NHS_NUMBER,
        created_by_organisation=day_centre,
    )
    ps.entry(stranger, day_centre, f.member(day_centre, Role.PRACTITIONER), "risk", "Risk plan")
    record = reverse("people:detail", args=[stranger.public_id])

    ps.browser_log_in(page, clinician, device=ps.authenticator_for(clinician))
    assert page.goto(record).status == 404

    page.goto(reverse("people:break_glass"))
    expect(
        page.get_by_text("your organisation's information governance lead reviews it")
    ).to_be_visible()
    page.get_by_label("NHS number").fill("401 023 2137")
    page.get_by_label("Why do you need this record now?").fill(
        "Seen in A&E in crisis tonight; need the risk plan before discharge"
    )
    page.get_by_label("4 hours").check()
    page.get_by_label("I understand that this access is logged").check()
    page.get_by_role("button", name="Break glass and open the record").click()

    expect(page).to_have_url(f"{page.url.split('/people/')[0]}{record}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kit MARSH")
    banner = page.get_by_test_id("break-glass-banner")
    expect(banner).to_contain_text("You are seeing this record by breaking glass")
    expect(banner).to_contain_text("Your access ends at")
    expect(page.get_by_role("heading", name="Risk plan")).to_be_visible()
