"""Outcome measures in the staff pages: a person's results over time as a chart and a
table, recording a measure with them, one record's answers; bad input named, nothing
written; a person or record out of reach a 404; the page's queries constant."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.outcomes.models import OutcomeRecord
from tests import factories as f
from tests.outcomes import outcome_support as os_
from tests.people import people_support as ps


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


def page_url(person) -> str:
    return reverse("outcomes:person", args=[person.public_id])


def form_url(person, code: str) -> str:
    return reverse("outcomes:create", args=[person.public_id, code])


def test_the_record_page_links_to_the_outcomes_page(client, w, clinician):
    ps.login(client, clinician)
    page = client.get(reverse("people:detail", args=[w.person.public_id]))
    assert page_url(w.person) in page.text


def test_the_record_page_offers_no_outcomes_link_to_a_role_that_does_not_see_them(
    client, w, volunteer
):
    ps.login(client, volunteer)
    page = client.get(reverse("people:detail", args=[w.person.public_id]))
    assert page.status_code == 200
    assert page_url(w.person) not in page.text


def test_the_outcomes_page_draws_each_score_over_time_beside_a_table(client, w, clinician):
    os_.record(clinician, w.person, "phq9", [3, 3, 2, 2, 2, 1, 1, 0, 0], days=60)  # 14
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, occasion="review", days=30)  # 10
    os_.record(clinician, w.person, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0], occasion="review")  # 8
    ps.login(client, clinician)
    page = client.get(page_url(w.person))
    assert page.status_code == 200
    svg = re.search(r"<svg[^>]*chart-phq9-total.*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg
    assert (
        '<title id="chart-phq9-total-title">PHQ-9: Depression severity (total) over time</title>'
        in svg
    )
    assert "from 14 (moderate)" in svg and "to 8 (mild)" in svg
    assert "−6 (reliable improvement)" in svg
    assert svg.count("<circle") == 3
    assert "style=" not in page.text  # the Content Security Policy refuses inline styles
    table = page.context["groups"][0].charts[0].points
    assert [p.value for p in table] == [14, 10, 8]
    assert "−6 (reliable improvement)" in page.text  # the same figures, in the table


def test_the_page_shows_the_risk_prompt_of_a_flagged_result(client, w, clinician):
    os_.record(clinician, w.person, "phq9", os_.PHQ9_SEVERE_FLAGGED)
    ps.login(client, clinician)
    page = client.get(page_url(w.person))
    assert 'data-testid="outcome-flag"' in page.text
    assert "this is a prompt, not a diagnosis" in page.text


def test_the_page_shows_ons4_as_four_separate_charts(client, w, day_centre):
    worker = f.member(day_centre, Role.PRACTITIONER)
    os_.record(worker, w.person, "ons4", [6, 7, 5, 6])
    ps.login(client, worker)
    page = client.get(page_url(w.person))
    [group] = page.context["groups"]
    assert [c.rule.key for c in group.charts] == [
        "life_satisfaction",
        "worthwhile",
        "happiness",
        "anxiety",
    ]


def test_recording_a_measure_from_the_form_scores_it_and_shows_the_result(client, w, clinician):
    ps.login(client, clinician)
    assert client.get(form_url(w.person, "phq9")).status_code == 200
    response = client.post(
        form_url(w.person, "phq9"), os_.staff_form_data("phq9", os_.PHQ9_MODERATE)
    )
    assert response.status_code == 302
    assert response.url == page_url(w.person) + "#phq9"
    record = OutcomeRecord.objects.get()
    assert (record.scores, record.bands, record.occasion) == (
        {"total": 10},
        {"total": "Moderate"},
        "baseline",
    )
    page = client.get(response.url)
    assert "PHQ-9 is saved: depression severity (total) 10 (moderate)" in page.text


def test_the_form_offers_a_review_once_there_is_a_baseline(client, w, clinician):
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    ps.login(client, clinician)
    form = client.get(form_url(w.person, "gad7")).context["form"]
    assert form["occasion"].value() == "review"


def test_a_missing_answer_is_named_on_the_form_and_nothing_is_written(client, w, clinician):
    ps.login(client, clinician)
    data = os_.staff_form_data("phq9", os_.PHQ9_MODERATE)
    del data["q_self_harm"]
    response = client.post(form_url(w.person, "phq9"), data)
    assert response.status_code == 200
    assert ps.form_errors(response) == {"q_self_harm": ["Question 9: choose an answer"]}
    assert 'href="#id_q_self_harm_0"' in response.text  # the error summary links to it
    assert not OutcomeRecord.objects.exists()


def test_an_answer_out_of_range_is_a_400_naming_the_item_and_nothing_is_written(
    client, w, clinician
):
    ps.login(client, clinician)
    data = os_.staff_form_data("phq9", os_.PHQ9_MODERATE, q_mood="7")
    response = client.post(form_url(w.person, "phq9"), data)
    assert response.status_code == 400
    assert ps.form_errors(response) == {"q_mood": ["Question 2: choose an answer"]}
    assert not OutcomeRecord.objects.exists()


def test_a_date_in_the_future_is_named_on_the_form(client, w, clinician):
    ps.login(client, clinician)
    data = os_.staff_form_data("gad7", os_.GAD7_MODERATE, completed_on_year="2999")
    response = client.post(form_url(w.person, "gad7"), data)
    assert "completed_on" in ps.form_errors(response)
    assert not OutcomeRecord.objects.exists()


def test_an_unknown_measure_is_a_404(client, w, clinician):
    ps.login(client, clinician)
    assert client.get(form_url(w.person, "bdi")).status_code == 404
    assert client.post(form_url(w.person, "bdi"), {}).status_code == 404


@pytest.mark.parametrize("name", ["page", "form", "post"])
def test_another_organisations_person_is_a_404_and_nothing_is_written(client, w, outsider, name):
    ps.login(client, outsider)
    if name == "post":
        response = client.post(
            form_url(w.person, "phq9"), os_.staff_form_data("phq9", os_.PHQ9_MODERATE)
        )
    else:
        response = client.get(page_url(w.person) if name == "page" else form_url(w.person, "phq9"))
    assert response.status_code == 404
    assert not OutcomeRecord.objects.exists()


def test_a_volunteer_is_told_their_role_does_not_see_outcome_measures(client, w, volunteer):
    ps.login(client, volunteer)
    response = client.get(page_url(w.person))
    assert response.status_code == 403
    assert "does not see or record outcome measures" in response.text


def test_one_records_answers_and_scores(client, w, clinician):
    baseline = os_.record(clinician, w.person, "gad7", [3, 3, 2, 2, 2, 2, 2], days=30)  # 16
    review = os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, occasion="review")  # 12
    ps.login(client, clinician)
    page = client.get(reverse("outcomes:record", args=[review.public_id]))
    assert page.status_code == 200
    assert "12 – Moderate" in page.text and "(10–14)" in page.text
    assert "−4 (reliable improvement), from 16" in page.text
    assert "Feeling nervous, anxious or on edge" in page.text
    assert page.context["view"].baseline == baseline


def test_another_organisations_record_is_a_404(client, w, clinician, day_centre):
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    ps.login(client, f.member(day_centre, Role.PRACTITIONER))
    assert client.get(reverse("outcomes:record", args=[record.public_id])).status_code == 404


# --- Queries ------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_outcomes_page_costs_the_same_queries_for_1_or_10_records(client, w, clinician):
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=100)
    ps.login(client, clinician)
    one = _queries(client, page_url(w.person))
    for n in range(9):
        code, values = ("gad7", os_.GAD7_MODERATE) if n % 2 else ("phq9", [n % 4] * 9)
        os_.record(clinician, w.person, code, values, occasion="review", days=90 - n * 10)
    os_.record(clinician, w.person, "dialog", [4, 4, 4, 4, 4, 4, 4, 4, 5, None, 6], days=5)
    os_.record(clinician, w.person, "ons4", [5, 5, 5, 5], days=4)
    page = client.get(page_url(w.person))
    assert sum(len(g.charts) for g in page.context["groups"]) == 1 + 1 + 2 + 4
    assert _queries(client, page_url(w.person)) == one


def test_the_record_page_costs_the_same_queries_with_more_records(client, w, clinician):
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, occasion="review")
    url = reverse("outcomes:record", args=[record.public_id])
    ps.login(client, clinician)
    one = _queries(client, url)
    for n in range(5):
        os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=50 - n)
    assert _queries(client, url) == one
