"""The reads other apps call: the plans a locality's joint referral meeting reviews,
and the counts the demo checks."""

import pytest

from joinedup.careplans import selectors
from joinedup.careplans.models import CarePlan
from tests import factories as f
from tests.access import record_support as rs
from tests.careplans import careplan_support as cs


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


def test_reviews_due_are_the_localitys_plans_due_by_the_date(w, clinician, trust):
    due = cs.make_plan(w, clinician, locality=w.north.public_id, review_date=cs.in_days(5))
    later = rs.person(trust)
    rs.relationship(later, trust, since=due.created_at)
    from joinedup.careplans import services

    services.care_plan_create(
        actor=clinician,
        person=later,
        data=cs.data(w, locality=w.north.public_id, review_date=cs.in_days(40)),
    )
    south = f.LocalityFactory(name="South", slug="south")
    elsewhere = rs.person(trust)
    rs.relationship(elsewhere, trust, since=due.created_at)
    services.care_plan_create(
        actor=clinician,
        person=elsewhere,
        data=cs.data(w, locality=south.public_id, review_date=cs.in_days(1)),
    )
    found = selectors.reviews_due(locality_id=w.north.pk, by=cs.in_days(7))
    assert found == [due]
    assert found[0].person.given_name == "Alex"  # selected with the plan


def test_a_plan_overdue_for_review_is_still_due(w, clinician):
    plan = cs.make_plan(w, clinician, locality=w.north.public_id)
    CarePlan.objects.filter(pk=plan.pk).update(review_date=cs.in_days(-10))
    assert selectors.reviews_due(locality_id=w.north.pk, by=cs.in_days(0)) == [plan]


def test_reviews_due_take_one_query(w, clinician, django_assert_max_num_queries):
    cs.make_plan(w, clinician, locality=w.north.public_id, review_date=cs.in_days(3))
    with django_assert_max_num_queries(1):
        [plan] = selectors.reviews_due(locality_id=w.north.pk, by=cs.in_days(7))
        assert plan.person.family_name == "Carter"


def test_the_locality_falls_back_to_the_persons_gp_practice(w, clinician, trust):
    south = f.LocalityFactory(name="South", slug="south")
    practice = f.OrganisationFactory(name="Southbank Surgery", slug="southbank", kind="gp_practice")
    f.ServiceFactory(organisation=practice, name="GP appointments", localities=[south])
    # The trust now serves two localities, so its own services cannot say which.
    f.ServiceFactory(organisation=trust, name="South CMHT", localities=[south])
    w.person.gp_practice = practice
    w.person.save()
    plan = cs.make_plan(w, clinician)
    assert plan.locality == south


def test_table_counts_count_plans_and_versions(w, clinician):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="Changed")
    assert selectors.table_counts() == {"care_plans": 1, "care_plan_versions": 2}
