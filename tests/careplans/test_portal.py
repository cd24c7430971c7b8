"""The person's own care plan at /portal/care-plan/: read it, see what changed, sign
it, comment; nobody else's; audited as the person's own view."""

import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.careplans import services
from joinedup.careplans.models import CarePlanAgreement, CarePlanComment
from tests import factories as f
from tests.access import record_support as rs
from tests.careplans import careplan_support as cs
from tests.people import people_support as ps
from tests.portal import portal_support as pp

PORTAL = "/portal/care-plan/"


@pytest.fixture
def w(trust, day_centre):
    return cs.world(trust, day_centre)


@pytest.fixture
def alex(w):
    return pp.portal_account(w.person)


def test_the_portal_links_to_the_care_plan(client, w, alex):
    pp.portal_login(client, alex)
    assert 'href="/portal/care-plan/"' in client.get(reverse("portal:home")).text


def test_the_person_reads_their_plan_in_their_words(client, w, clinician, alex):
    cs.make_plan(w, clinician)
    pp.portal_login(client, alex)
    response = client.get(PORTAL)
    assert response.status_code == 200
    assert cs.WHAT_MATTERS in response.text
    assert "Riverside Day Centre" in response.text
    assert "I agree with this plan" in response.text
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.basis, event.person_public_id) == (
        "view_care_plan",
        "person_self",
        w.person.public_id,
    )


def test_the_person_sees_what_changed(client, w, clinician, alex):
    plan = cs.make_plan(w, clinician)
    cs.change(plan, clinician, goals="Go to the allotment group every day")
    pp.portal_login(client, alex)
    response = client.get(PORTAL)
    assert "What changed since version 1" in response.text
    assert "[added: </span>every day" in response.text


def test_the_person_signs_and_the_team_sees_it_signed(client, w, clinician, alex):
    plan = cs.make_plan(w, clinician)
    pp.portal_login(client, alex)
    response = client.post(
        reverse("careplans:portal_agree", args=[plan.public_id]), {"version": "1"}
    )
    assert response.status_code == 302
    assert "You agreed with version 1" in client.get(PORTAL).text
    staff = type(client)()
    ps.login(staff, clinician)
    assert "Signed by Alex" in staff.get(reverse("careplans:detail", args=[plan.public_id])).text


def test_signing_a_version_that_has_changed_is_refused_with_the_reason(client, w, clinician, alex):
    plan = cs.make_plan(w, clinician)
    pp.portal_login(client, alex)
    client.get(PORTAL)
    cs.change(plan, clinician, crisis_plan="A changed crisis plan")
    response = client.post(
        reverse("careplans:portal_agree", args=[plan.public_id]), {"version": "1"}
    )
    assert response.status_code == 409
    assert "Your agreement was not recorded" in response.text
    assert "version 2 is the latest" in response.text
    assert not CarePlanAgreement.objects.exists()


def test_the_person_comments_and_an_empty_comment_is_named(client, w, clinician, alex):
    plan = cs.make_plan(w, clinician)
    pp.portal_login(client, alex)
    url = reverse("careplans:portal_comment", args=[plan.public_id])
    empty = client.post(url, {"text": " "})
    assert empty.status_code == 200
    assert "Enter your comment" in empty.text
    assert client.post(url, {"text": "Could we add swimming?"}).status_code == 302
    assert CarePlanComment.objects.get().text == "Could we add swimming?"
    assert "Could we add swimming?" in client.get(PORTAL).text


def test_nobody_reaches_anothers_plan(client, w, clinician, trust):
    plan = cs.make_plan(w, clinician)
    someone = pp.portal_account(rs.person(trust), email="someone@example.org")
    pp.portal_login(client, someone)
    page = client.get(PORTAL)
    assert cs.WHAT_MATTERS not in page.text
    assert "You do not have a care plan yet" in page.text
    response = client.post(
        reverse("careplans:portal_agree", args=[plan.public_id]), {"version": "1"}
    )
    assert response.status_code == 404
    assert not CarePlanAgreement.objects.exists()


def test_a_staff_account_is_sent_away(client, clinician):
    ps.login(client, clinician)
    assert client.get(PORTAL).status_code == 403


def _plan_of_size(w, clinician, day_centre, size: int):
    plan = cs.make_plan(w, clinician, care_coordinator=cs.coordinator(clinician))
    for n in range(size - 1):
        worker = f.member(day_centre, Role.PRACTITIONER, username=f"worker{n}.riverside")
        cs.join_care_team(plan, clinician, worker)
    for _ in range(size - plan.version):
        plan.refresh_from_db()
        cs.change(plan, clinician, goals=f"Goals, version {plan.version + 1}")
    return plan


# The session, the user, their memberships (none: a person's account), the header's
# unread count, the person, their plans, the offers, the care team, the latest two
# versions of each plan, the comments.
PORTAL_QUERIES = 10


@pytest.mark.parametrize("size", [1, 6])
def test_the_portal_page_takes_the_same_number_of_queries_however_big(
    client, w, clinician, day_centre, alex, django_assert_num_queries, size
):
    plan = _plan_of_size(w, clinician, day_centre, size)
    for n in range(size):
        services.comment_add(actor=alex, plan=plan, text=f"Comment {n}")
    pp.portal_login(client, alex)
    client.get(PORTAL)
    audit = ps.audit_append_queries(alex)
    with django_assert_num_queries(PORTAL_QUERIES + audit):
        response = client.get(PORTAL)
    assert response.status_code == 200
