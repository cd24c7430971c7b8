"""Who sees a care plan (DESIGN §5 with the category fixed to care_plan): persona ×
situation, on the page and in the API. Not visible is a 404, the same as not there."""

import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.careplans import selectors
from joinedup.core.exceptions import NotFound
from tests import factories as f
from tests.api_support import bearer
from tests.careplans import careplan_support as cs
from tests.people import people_support as ps


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


@pytest.fixture
def plan(w, clinician):
    return cs.make_plan(w, clinician)


def page(client, user, plan):
    ps.login(client, user)
    return client.get(reverse("careplans:detail", args=[plan.public_id]))


def api(client, user, plan):
    return client.get(f"/api/v1/care-plans/{plan.public_id}", headers=bearer(user))


def test_the_owning_team_sees_its_plan(client, plan, clinician):
    assert page(client, clinician, plan).status_code == 200
    assert api(client, clinician, plan).status_code == 200


def test_an_outsider_gets_404_on_the_page_and_in_the_api(client, plan, outsider):
    assert page(client, outsider, plan).status_code == 404
    response = api(client, outsider, plan)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_plan_that_does_not_exist_answers_the_same(client, plan, outsider):
    missing = api(client, outsider, type(plan)(public_id="00000000-0000-4000-8000-000000000000"))
    assert missing.json()["detail"] == api(client, outsider, plan).json()["detail"]


def test_a_partner_without_a_care_relationship_gets_404(client, plan, day_centre_worker):
    # An agreement shares care plans with the day centre, but it does not look after Alex.
    assert page(client, day_centre_worker, plan).status_code == 404
    assert api(client, day_centre_worker, plan).status_code == 404


def test_a_care_relationship_without_a_sharing_agreement_gets_404(client, trust, clinician):
    other = f.OrganisationFactory(name="No agreement", slug="no-agreement")
    w = cs.world(trust, other, share_with=())
    plan = cs.make_plan(w, clinician)
    cs.join_care_team(plan, clinician, w.worker)
    assert page(client, w.worker, plan).status_code == 404
    assert api(client, w.worker, plan).status_code == 404


def test_a_volunteer_at_a_care_team_organisation_sees_it(client, w, plan, clinician, volunteer):
    cs.join_care_team(plan, clinician, w.worker, single_point_of_contact=True)
    response = page(client, volunteer, plan)
    assert response.status_code == 200
    assert cs.WHAT_MATTERS in response.text
    assert api(client, volunteer, plan).status_code == 200


def test_access_ends_when_the_organisation_leaves_the_care_team(
    client, w, plan, clinician, volunteer
):
    from joinedup.careplans import services

    member = cs.join_care_team(plan, clinician, w.worker)
    assert page(client, volunteer, plan).status_code == 200
    plan.refresh_from_db()
    services.care_team_remove(actor=clinician, plan=plan, member=member)
    assert page(client, volunteer, plan).status_code == 404


def test_a_commissioner_sees_no_plan(client, plan, commissioner):
    assert page(client, commissioner, plan).status_code == 404


def test_a_volunteer_at_the_day_centre_may_not_read_it_before_the_care_team(plan, volunteer):
    with pytest.raises(NotFound):
        selectors.care_plan_visible(user=volunteer, public_id=plan.public_id)


def test_care_plan_visible_answers_for_the_meetings(plan, clinician):
    assert selectors.care_plan_visible(user=clinician, public_id=plan.public_id) == plan
    with pytest.raises(NotFound):
        selectors.care_plan_visible(user=clinician, public_id="not-an-id")


def test_a_peer_worker_at_a_care_team_organisation_sees_it(client, w, plan, clinician, day_centre):
    peer = f.member(day_centre, Role.PEER_WORKER, username="peer.riverside")
    cs.join_care_team(plan, clinician, w.worker)
    assert page(client, peer, plan).status_code == 200
