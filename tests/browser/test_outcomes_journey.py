"""Outcome measures in a real browser: a practitioner records a baseline PHQ-9 with Alex
from their record; Alex fills in a review in their own portal; the chart shows both, on
both sides; axe-core finds no serious or critical violation on the form, the outcomes
page and the portal page, and the browser refuses nothing under the CSP."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.axe_support import no_blocking_violations
from tests.factories import DEFAULT_PASSWORD
from tests.outcomes import outcome_support as os_
from tests.people import people_support as ps
from tests.portal import portal_support as pp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_audit_log_after"),
]

BASELINE = [3, 3, 2, 2, 2, 1, 1, 0, 0]  # 14: moderate
REVIEW = [1, 1, 1, 1, 1, 1, 1, 1, 0]  # 8: mild, a reliable improvement of 6
FREQUENCY = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


def answer_phq9(page, values: list[int]) -> None:
    for number, value in enumerate(values, start=1):
        question = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        question.get_by_label(FREQUENCY[value], exact=True).check()


def test_a_baseline_by_the_practitioner_and_a_review_by_the_person_show_on_one_chart(
    browser, live_server, page, w, day_centre_worker
):
    ps.browser_log_in(page, day_centre_worker, device=ps.authenticator_for(day_centre_worker))
    page.goto(reverse("people:detail", args=[w.person.public_id]))
    page.get_by_test_id("outcomes-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcome measures")
    expect(page.get_by_test_id("no-outcomes")).to_be_visible()

    page.get_by_text("Record a measure with Alex").click()
    page.get_by_role("link", name="Patient Health Questionnaire (PHQ-9)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PHQ-9")
    no_blocking_violations(page)
    expect(
        page.get_by_role("group", name="When in their care is this?").get_by_label("Baseline")
    ).to_be_checked()
    answer_phq9(page, BASELINE)
    page.get_by_role("button", name="Save and score").click()
    expect(
        page.get_by_text("PHQ-9 is saved: depression severity (total) 14 (moderate)")
    ).to_be_visible()
    chart = page.get_by_test_id("chart-phq9-total")
    expect(chart.locator("circle")).to_have_count(1)
    no_blocking_violations(page)

    alex = pp.portal_account(w.person)
    person_context = browser.new_context(base_url=live_server.url)
    person = person_context.new_page()
    person.csp_violations = []
    person.on(
        "console",
        lambda m: (
            person.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    person.goto(reverse("portal:login"))
    person.get_by_label("Username").fill(alex.username)
    person.get_by_label("Password").fill(DEFAULT_PASSWORD)
    person.get_by_role("button", name="Log in").click()
    person.get_by_role("link", name="Your questionnaires").click()
    expect(person.get_by_role("heading", level=1)).to_contain_text("Your questionnaires")
    person.get_by_role("link", name="Patient Health Questionnaire (PHQ-9)").click()
    expect(person.get_by_test_id("urgent-help")).to_be_visible()
    no_blocking_violations(person)
    answer_phq9(person, REVIEW)
    person.get_by_role("button", name="Send my answers").click()
    expect(
        person.get_by_text("PHQ-9 is saved: depression severity (total) 8 (mild)")
    ).to_be_visible()
    expect(person.get_by_test_id("scores")).to_contain_text("−6 (reliable improvement), from 14")
    person.get_by_role("link", name="Back to your questionnaires").click()
    expect(person.get_by_test_id("chart-phq9-total").locator("circle")).to_have_count(2)
    expect(person.get_by_test_id("chart-phq9-total-table").locator("tbody tr")).to_have_count(2)
    no_blocking_violations(person)
    assert ps.csp_violations_of_our_own(person) == []
    person_context.close()

    page.reload()
    chart = page.get_by_test_id("chart-phq9-total")
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("desc")).to_contain_text("from 14 (moderate)")
    expect(chart.locator("desc")).to_contain_text("to 8 (mild)")
    table = page.get_by_test_id("chart-phq9-total-table")
    expect(table).to_contain_text("by the person")
    expect(table).to_contain_text("−6 (reliable improvement)")
    no_blocking_violations(page)
    assert ps.csp_violations_of_our_own(page) == []
