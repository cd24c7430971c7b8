"""axe-core on the shared record's staff pages: no serious or critical violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from joinedup.people.models import RelatedPerson
from tests.browser.axe_support import blocking_violations
from tests.people import people_support as ps

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]


@pytest.fixture
def world(trust, day_centre, clinician):
    world = ps.shared_world(trust, day_centre, clinician)
    RelatedPerson.objects.create(
        person=world.person,
        name="Jo Rivers",
        relationship="sister",
        is_carer=True,
        phone="0113 496 0001",
        consents_to_contact=True,
    )
    ps.explicit_consent(world, clinician)
    return world


@pytest.fixture
def as_clinician(page, clinician):
    ps.browser_log_in(page, clinician, device=ps.authenticator_for(clinician))
    return page


def check(page, url: str) -> None:
    page.goto(url)
    violations = blocking_violations(page)
    assert violations == [], f"axe-core on {url}:\n{describe(violations)}"


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"])
    return "\n".join(lines)


def test_people_list_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:list"))


def test_record_page_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:detail", args=[world.person.public_id]))


def test_record_page_seen_by_a_volunteer_has_no_serious_violation(page, volunteer, world):
    ps.browser_log_in(page, volunteer)
    check(page, reverse("people:detail", args=[world.person.public_id]))


def test_add_entry_form_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:entry_create", args=[world.person.public_id]))


def test_add_entry_form_with_errors_has_no_serious_violation(as_clinician, world):
    page = as_clinician
    page.goto(reverse("people:entry_create", args=[world.person.public_id]))
    page.get_by_role("button", name="Add entry").click()
    # The form posts and the page comes back with its errors: wait for it, not a guess.
    expect(page).to_have_title(re.compile(r"^Error:"))
    check(page, page.url)


def test_break_glass_form_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:break_glass"))


def test_break_glass_form_with_errors_has_no_serious_violation(as_clinician, world):
    page = as_clinician
    page.goto(reverse("people:break_glass"))
    page.get_by_role("button", name="Break glass and open the record").click()
    assert page.title().startswith("Error:")
    violations = blocking_violations(page)
    assert violations == [], describe(violations)


def test_add_person_form_with_errors_has_no_serious_violation(as_clinician, world):
    page = as_clinician
    page.goto(reverse("people:create"))
    page.get_by_label("Year").fill("2999")
    page.get_by_role("button", name="Add person").click()
    assert page.title().startswith("Error:")
    violations = blocking_violations(page)
    assert violations == [], describe(violations)


def test_consent_form_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:consent_create", args=[world.person.public_id]))


def test_entry_history_has_no_serious_violation(as_clinician, world):
    check(as_clinician, reverse("people:entry_detail", args=[world.plan.public_id]))
