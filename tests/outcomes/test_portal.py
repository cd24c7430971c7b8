"""The person's own questionnaires in the portal: their results over time, filling one
in themselves, and nobody else's."""

import pytest
from django.urls import reverse

from joinedup.audit.models import AuditEvent
from joinedup.outcomes.models import OutcomeRecord
from tests.outcomes import outcome_support as os_
from tests.people import people_support as ps
from tests.portal import portal_support as pp

PORTAL = "/portal/outcomes/"


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


@pytest.fixture
def alex(w, client):
    user = pp.portal_account(w.person)
    pp.portal_login(client, user)
    return user


def create_url(code: str) -> str:
    return reverse("outcomes:portal_create", args=[code])


def test_the_portal_nav_links_to_the_questionnaires(client, w, alex):
    page = client.get(reverse("portal:home"))
    assert f'href="{PORTAL}"' in page.text


def test_the_person_sees_their_results_over_time_audited_as_their_own(client, w, alex, clinician):
    os_.record(clinician, w.person, "gad7", [3, 3, 2, 2, 2, 2, 2], days=30)
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, occasion="review")
    page = client.get(PORTAL)
    assert page.status_code == 200
    assert 'aria-labelledby="chart-gad7-total-title chart-gad7-total-desc"' in page.text
    assert [p.value for p in page.context["groups"][0].charts[0].points] == [16, 12]
    event = AuditEvent.objects.filter(actor_id=alex.pk, action="view").latest("sequence")
    assert event.basis == "person_self"
    assert event.detail["outcome_record_count"] == 2


def test_someone_elses_results_never_appear(client, w, alex, clinician, trust):
    [other] = ps.people_on_caseload(trust, 1)
    theirs = os_.record(clinician, other, "phq9", os_.PHQ9_MODERATE)
    page = client.get(PORTAL)
    assert page.context["groups"] == []
    assert client.get(reverse("outcomes:portal_record", args=[theirs.public_id])).status_code == 404


def test_the_person_fills_in_a_review_and_sees_it_beside_the_baseline(
    client, w, alex, clinician, trust
):
    os_.record(clinician, w.person, "phq9", [3, 3, 2, 2, 2, 1, 1, 0, 0], days=30)  # 14
    assert client.get(create_url("phq9")).status_code == 200
    response = client.post(create_url("phq9"), os_.form_data("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0]))
    assert response.status_code == 302
    record = OutcomeRecord.objects.latest("completed_at")
    assert (record.occasion, record.completed_by_person, record.owning_organisation) == (
        "review",
        True,
        trust,
    )
    page = client.get(response.url)
    assert "PHQ-9 is saved: depression severity (total) 8 (mild)" in page.text
    assert "−6 (reliable improvement), from 14" in page.text
    listing = client.get(PORTAL)
    assert [p.value for p in listing.context["groups"][0].charts[0].points] == [14, 8]


def test_a_flagged_answer_shows_the_person_where_to_get_help_now(client, w, alex, clinician):
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=30)
    response = client.post(create_url("phq9"), os_.form_data("phq9", os_.PHQ9_SEVERE_FLAGGED))
    page = client.get(response.url)
    assert 'data-testid="urgent-help"' in page.text
    assert "116 123" in page.text


def test_a_missing_answer_is_named_and_nothing_is_written(client, w, alex, clinician):
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    data = os_.form_data("gad7", os_.GAD7_MODERATE)
    del data["q_afraid"]
    response = client.post(create_url("gad7"), data)
    assert response.status_code == 200
    assert ps.form_errors(response) == {"q_afraid": ["Question 7: choose an answer"]}
    assert OutcomeRecord.objects.count() == 1


def test_an_answer_out_of_range_is_a_400_and_nothing_is_written(client, w, alex, clinician):
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    response = client.post(
        create_url("gad7"), os_.form_data("gad7", os_.GAD7_MODERATE, q_nervous="9")
    )
    assert response.status_code == 400
    assert OutcomeRecord.objects.count() == 1


def test_dialog_in_the_portal_takes_not_applicable_for_treatment_items(client, w, alex, clinician):
    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    values = [4, 5, 3, 6, 2, 5, 4, 7, None, None, 6]
    client.post(create_url("dialog"), os_.form_data("dialog", values))
    record = OutcomeRecord.objects.get(measure__code="dialog")
    assert record.scores == {"quality_of_life": 4.5, "treatment_satisfaction": 6.0}
    assert record.occasion == "baseline"


def test_with_no_team_measuring_yet_the_person_is_told_and_offered_no_form(client, w, alex):
    page = client.get(PORTAL)
    assert 'data-testid="no-team"' in page.text
    assert client.get(create_url("phq9")).status_code == 302


def test_the_person_chooses_between_the_teams_that_measure_with_them(
    client, w, alex, clinician, day_centre
):
    from joinedup.access.roles import Role
    from tests import factories as f

    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    os_.record(f.member(day_centre, Role.PRACTITIONER), w.person, "ons4", [5, 5, 5, 5], days=20)
    form = client.get(create_url("gad7")).context["form"]
    assert [label for _, label in form.fields["organisation"].choices] == [
        "Riverside Mind",
        "City NHS Trust",
    ]
    data = os_.form_data(
        "gad7", os_.GAD7_MODERATE, organisation=str(w.person.created_by_organisation.public_id)
    )
    client.post(create_url("gad7"), data)
    assert (
        OutcomeRecord.objects.latest("completed_at").owning_organisation
        == w.person.created_by_organisation
    )


def test_a_team_that_does_not_measure_with_them_is_a_forged_choice(
    client, w, alex, clinician, day_centre
):
    from joinedup.access.roles import Role
    from tests import factories as f

    os_.record(clinician, w.person, "gad7", os_.GAD7_MODERATE, days=30)
    os_.record(f.member(day_centre, Role.PRACTITIONER), w.person, "ons4", [5, 5, 5, 5], days=20)
    elsewhere = f.OrganisationFactory(name="Elsewhere")
    data = os_.form_data("gad7", os_.GAD7_MODERATE, organisation=str(elsewhere.public_id))
    assert client.post(create_url("gad7"), data).status_code == 400
    assert OutcomeRecord.objects.count() == 2


def test_a_staff_account_is_refused_the_portal_pages(client, w, clinician):
    ps.login(client, clinician)
    assert client.get(PORTAL).status_code == 403


def test_an_account_not_linked_to_a_record_sees_nothing(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="nobody@example.org", is_person_account=True)
    pp.portal_login(client, user)
    assert client.get(PORTAL).status_code == 404


def test_the_portal_page_costs_the_same_queries_for_1_or_10_records(client, w, alex, clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE, days=50)
    client.get(PORTAL)
    with CaptureQueriesContext(connection) as one:
        client.get(PORTAL)
    for n in range(9):
        os_.record(
            clinician, w.person, "gad7" if n % 2 else "phq9", [1] * (7 if n % 2 else 9), days=40 - n
        )
    with CaptureQueriesContext(connection) as ten:
        client.get(PORTAL)
    assert len(ten) == len(one)
