"""Care plans in the staff pages: making and changing a plan, its page, versions and
what changed, the care team, agreement; errors named, nothing written."""

import re

import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.careplans import services
from joinedup.careplans.models import CarePlan, CarePlanAgreement, CareTeamMember
from tests import factories as f
from tests.careplans import careplan_support as cs
from tests.people import people_support as ps


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


def form_data(w, **extra) -> dict:
    review = cs.in_days(90)
    data = {
        "offer_rows": "3",
        "what_matters": cs.WHAT_MATTERS,
        "goals": cs.GOALS,
        "strengths": "",
        "crisis_plan": cs.CRISIS,
        "review_date_day": str(review.day),
        "review_date_month": str(review.month),
        "review_date_year": str(review.year),
        "locality": "",
        "care_coordinator": "",
        "offer_0_service": str(w.day_centre_service.public_id),
        "offer_0_worker": "",
        "offer_0_frequency": "Tuesdays",
    }
    data.update(extra)
    return data


def detail(plan) -> str:
    return reverse("careplans:detail", args=[plan.public_id])


def test_the_record_page_links_to_the_care_plans(client, w, clinician):
    ps.login(client, clinician)
    page = client.get(reverse("people:detail", args=[w.person.public_id]))
    assert reverse("careplans:person", args=[w.person.public_id]) in page.text


def test_the_form_makes_version_1_and_shows_it(client, w, clinician):
    ps.login(client, clinician)
    url = reverse("careplans:create", args=[w.person.public_id])
    assert "Riverside Day Centre" in client.get(url).text
    response = client.post(url, form_data(w))
    plan = CarePlan.objects.get()
    assert response.status_code == 302
    assert response.url == detail(plan)
    page = client.get(response.url)
    assert cs.WHAT_MATTERS in page.text
    assert "Not yet agreed" in page.text


def test_missing_and_oversize_fields_are_named_and_nothing_is_written(client, w, clinician):
    ps.login(client, clinician)
    url = reverse("careplans:create", args=[w.person.public_id])
    response = client.post(url, form_data(w, what_matters="", goals="x" * 10_001))
    assert response.status_code == 200
    assert "Enter what matters to them" in response.text
    assert "Their goals must be 10,000 characters or fewer" in response.text
    assert not CarePlan.objects.exists()


def test_a_review_date_in_the_past_is_named(client, w, clinician):
    ps.login(client, clinician)
    past = cs.in_days(-2)
    response = client.post(
        reverse("careplans:create", args=[w.person.public_id]),
        form_data(
            w, review_date_day=past.day, review_date_month=past.month, review_date_year=past.year
        ),
    )
    assert "The review date must be today or in the future" in response.text
    assert not CarePlan.objects.exists()


def test_an_unknown_service_is_a_forged_value(client, w, clinician):
    ps.login(client, clinician)
    response = client.post(
        reverse("careplans:create", args=[w.person.public_id]),
        form_data(w, offer_0_service="5d8e4a43-5e9f-4a63-8a1b-1c0c4c0c4c0c"),
    )
    assert response.status_code == 400
    assert "Choose a service from the list" in response.text
    assert not CarePlan.objects.exists()


def test_a_coordinator_who_breaks_the_rule_is_named_on_the_form(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.join_care_team(plan, clinician, w.worker)
    ps.login(client, clinician)
    url = reverse("careplans:edit", args=[plan.public_id])
    page = client.get(url)
    worker_choice = re.search(
        r'<option value="([0-9a-f-]{36})">Sam Tester\d+ – Practitioner, Riverside Mind', page.text
    )
    assert worker_choice, "the care team's worker is offered as coordinator"
    response = client.post(url, form_data(w, version="2", care_coordinator=worker_choice.group(1)))
    assert response.status_code == 200
    assert 'id="id_care_coordinator_error"' in response.text
    assert "Riverside Mind is not a statutory organisation" in response.text
    plan.refresh_from_db()
    assert plan.version == 2
    assert not CareTeamMember.objects.filter(is_care_coordinator=True).exists()


def test_a_stale_form_says_what_happened_and_saves_nothing(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="Someone else's change")
    ps.login(client, clinician)
    response = client.post(
        reverse("careplans:edit", args=[plan.public_id]),
        form_data(w, version="1", goals="My change"),
    )
    assert response.status_code == 409
    assert "saved version 2 of this care plan after the version 1" in response.text
    plan.refresh_from_db()
    assert plan.goals == "Someone else's change"


def test_changing_the_plan_shows_what_changed(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    ps.login(client, clinician)
    edit = client.get(reverse("careplans:edit", args=[plan.public_id]))
    assert cs.GOALS in edit.text
    response = client.post(
        reverse("careplans:edit", args=[plan.public_id]),
        form_data(w, version="1", goals="Go to the allotment group every day"),
    )
    assert response.status_code == 302
    page = client.get(detail(plan))
    assert "What changed in version 2" in page.text
    hidden = '<span class="nhsuk-u-visually-hidden">'
    assert f"<del>{hidden}[removed: </span>twice a week by the spring" in page.text
    assert f"<ins>{hidden}[added: </span>every day" in page.text
    version_1 = client.get(reverse("careplans:version", args=[plan.public_id, 1]))
    assert "The first version" in version_1.text
    version_2 = client.get(reverse("careplans:version", args=[plan.public_id, 2]))
    assert "What changed from version 1" in version_2.text
    assert client.get(reverse("careplans:version", args=[plan.public_id, 3])).status_code == 404


def test_the_care_team_is_added_to_in_two_steps(client, w, clinician, day_centre):
    plan = cs.make_plan(w, clinician)
    ps.login(client, clinician)
    add = reverse("careplans:team_add", args=[plan.public_id])
    choose = client.get(add)
    assert "Riverside Mind" in choose.text
    step_two = client.get(add, {"organisation": str(day_centre.public_id)})
    assert "Add Riverside Mind to the care team" in step_two.text
    response = client.post(
        f"{add}?organisation={day_centre.public_id}",
        {
            "organisation": str(day_centre.public_id),
            "version": "1",
            "user": w.worker.username,
            "role": "Support worker",
            "single_point_of_contact": "on",
        },
    )
    assert response.status_code == 302
    member = CareTeamMember.objects.get()
    assert (member.user, member.is_single_point_of_contact) == (w.worker, True)


def test_an_organisation_that_is_not_a_partner_is_not_offered(client, w, clinician):
    stranger = f.OrganisationFactory(name="Stranger", slug="stranger")
    plan = cs.make_plan(w, clinician)
    ps.login(client, clinician)
    response = client.get(
        reverse("careplans:team_add", args=[plan.public_id]),
        {"organisation": str(stranger.public_id)},
    )
    assert response.status_code == 400
    assert "Choose an organisation from the list" in response.text


def test_taking_someone_out_of_the_care_team_asks_first(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    member = cs.join_care_team(plan, clinician, w.worker)
    ps.login(client, clinician)
    url = reverse("careplans:team_remove", args=[plan.public_id, member.public_id])
    assert "out of the care team?" in client.get(url).text
    assert client.post(url, {"version": "2"}).status_code == 302
    assert not CareTeamMember.objects.exists()


def test_verbal_agreement_is_recorded_from_the_page(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    ps.login(client, clinician)
    response = client.post(
        reverse("careplans:agree", args=[plan.public_id]),
        {"version": "1", "note": "Read it through together at home"},
    )
    assert response.status_code == 302
    page = client.get(detail(plan))
    assert "Agreed verbally" in page.text
    assert CarePlanAgreement.objects.get().note == "Read it through together at home"


def test_verbal_agreement_without_a_note_is_named(client, w, clinician):
    plan = cs.make_plan(w, clinician)
    ps.login(client, clinician)
    response = client.post(
        reverse("careplans:agree", args=[plan.public_id]), {"version": "1", "note": ""}
    )
    assert response.status_code == 200
    assert "Enter how they agreed" in response.text
    assert not CarePlanAgreement.objects.exists()


def test_the_persons_comments_are_on_the_staff_page(client, w, clinician):
    from tests.portal import portal_support as pp

    plan = cs.make_plan(w, clinician)
    alex = pp.portal_account(w.person)
    services.comment_add(actor=alex, plan=plan, text="Could the day centre be on Fridays?")
    ps.login(client, clinician)
    assert "Could the day centre be on Fridays?" in client.get(detail(plan)).text


def _plan_of_size(w, clinician, day_centre, size: int):
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(clinician))
    for n in range(size - 1):
        worker = f.member(day_centre, Role.PRACTITIONER, username=f"worker{n}.riverside")
        cs.join_care_team(plan, clinician, worker, single_point_of_contact=n == 0)
    for _ in range(size - plan.version):
        plan.refresh_from_db()
        cs.change(plan, clinician, goals=f"Goals, version {plan.version + 1}")
    services.agreement_record(actor=clinician, plan=plan, version=plan.version, note="Agreed")
    return plan


# The plan, the basis (the policy asked once), the latest two versions, the offers, the
# care team, every version with its agreement, the person's comments.
PAGE_QUERIES = 7


@pytest.mark.parametrize("size", [1, 6])
def test_the_plan_page_takes_the_same_number_of_queries_however_big(
    client, w, clinician, day_centre, django_assert_num_queries, size
):
    plan = _plan_of_size(w, clinician, day_centre, size)
    plan.refresh_from_db()
    assert plan.versions.count() == max(size, 1) and plan.care_team.count() == size
    ps.login(client, clinician)
    client.get(detail(plan))
    audit = ps.audit_append_queries(clinician)
    with django_assert_num_queries(ps.REQUEST_QUERIES + PAGE_QUERIES + audit):
        response = client.get(detail(plan))
    assert response.status_code == 200
