"""The IG lead's break-glass review queue and review page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.access.models import BreakGlass, ReviewOutcome
from joinedup.audit.models import AuditEvent
from tests import factories as f
from tests.governance import governance_support as gs
from tests.people import people_support as ps

QUEUE = reverse("governance:break_glass")


def review_url(access) -> str:
    return reverse("governance:break_glass_review", args=[access.public_id])


@pytest.fixture
def far_trust(db):
    return f.OrganisationFactory(name="Far Away Trust", slug="far-away")


@pytest.fixture
def access(clinician, far_trust):
    return gs.break_glass(clinician, gs.person(far_trust))


def test_the_queue_shows_who_when_person_reason_and_expiry(client, ig_lead, access):
    ps.login(client, ig_lead)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert access.user.username in response.text
    assert str(access.person.public_id) in response.text
    assert "Kit Marsh" in response.text
    assert gs.REASON in response.text
    assert "Awaiting review" in response.text


def test_pending_accesses_come_first(client, ig_lead, clinician, far_trust):
    reviewed = gs.break_glass(clinician, gs.person(far_trust, given_name="Older"))
    BreakGlass.objects.filter(pk=reviewed.pk).update(outcome=ReviewOutcome.REVIEWED)
    pending = gs.break_glass(clinician, gs.person(far_trust, given_name="Newer"))
    # The pending one is older: pending still comes first.
    earlier = dt.timedelta(days=30)
    BreakGlass.objects.filter(pk=pending.pk).update(
        started_at=pending.started_at - earlier, expires_at=pending.expires_at - earlier
    )
    ps.login(client, ig_lead)
    text = client.get(QUEUE).text
    assert text.index(str(pending.public_id)) < text.index(str(reviewed.public_id))


def test_another_organisations_access_is_not_in_the_queue(client, other_ig_lead, access):
    ps.login(client, other_ig_lead)
    response = client.get(QUEUE)
    assert str(access.public_id) not in response.text


def test_a_clinician_is_refused_the_queue_with_a_reason(client, clinician):
    ps.login(client, clinician)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "only your organisation&#x27;s information governance lead" in response.text


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302


def test_reviewing_records_the_outcome_and_audits_it(client, ig_lead, access):
    ps.login(client, ig_lead)
    response = client.post(review_url(access), {"outcome": "reviewed", "note": "Appropriate"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.outcome == ReviewOutcome.REVIEWED
    assert access.reviewed_by == ig_lead
    assert AuditEvent.objects.filter(action="break_glass_review", actor=ig_lead).exists()


def test_a_concern_without_a_note_is_a_form_error(client, ig_lead, access):
    ps.login(client, ig_lead)
    response = client.post(review_url(access), {"outcome": "concern", "note": ""})
    assert response.status_code == 400
    assert "Say what the concern is" in response.text
    access.refresh_from_db()
    assert access.outcome == ReviewOutcome.PENDING


def test_no_outcome_is_a_form_error(client, ig_lead, access):
    ps.login(client, ig_lead)
    response = client.post(review_url(access), {"note": "hmm"})
    assert response.status_code == 400
    assert "Choose reviewed or raise as a concern" in response.text


def test_a_reviewed_access_cannot_be_reviewed_again(client, ig_lead, access):
    ps.login(client, ig_lead)
    client.post(review_url(access), {"outcome": "concern", "note": "Not their patient"})
    response = client.post(review_url(access), {"outcome": "reviewed"})
    assert response.status_code == 200
    access.refresh_from_db()
    assert access.outcome == ReviewOutcome.CONCERN
    assert "Record review" not in response.text


def test_another_organisations_access_is_404(client, other_ig_lead, access):
    ps.login(client, other_ig_lead)
    assert client.get(review_url(access)).status_code == 404
    assert client.post(review_url(access), {"outcome": "reviewed"}).status_code == 404


def test_a_malformed_id_is_404(client, ig_lead):
    ps.login(client, ig_lead)
    assert client.get(reverse("governance:break_glass_review", args=["nope"])).status_code == 404


def test_a_clinician_is_refused_the_review_page(client, clinician, access):
    ps.login(client, clinician)
    assert client.post(review_url(access), {"outcome": "reviewed"}).status_code == 403
    access.refresh_from_db()
    assert access.outcome == ReviewOutcome.PENDING


def test_the_queue_costs_the_same_queries_at_two_sizes(client, ig_lead, clinician, far_trust):
    ps.login(client, ig_lead)
    gs.break_glass(clinician, gs.person(far_trust))
    client.get(QUEUE)  # the first request of a session does its one-off work
    with CaptureQueriesContext(connection) as small:
        client.get(QUEUE)
    for n in range(5):
        gs.break_glass(clinician, gs.person(far_trust, given_name=f"P{n}"))
    with CaptureQueriesContext(connection) as large:
        client.get(QUEUE)
    assert len(small) == len(large)
