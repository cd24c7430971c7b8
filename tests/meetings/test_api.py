"""/api/v1/meetings: the meetings, an agenda as the caller may see it, decisions and
actions; errors as problem documents, and nothing written when refused."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.meetings import services
from joinedup.meetings.models import AgendaItem, MeetingAction, MeetingDecision
from joinedup.referrals.models import Referral
from tests import factories as f
from tests.api_support import bearer, problem_fields, send_json
from tests.meetings import meeting_support as ms


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


@pytest.fixture
def meeting(w):
    ms.bounced_twice(w)
    return ms.next_meeting(w, attending=[w.coordinator, w.trust_worker])


def url(meeting, *rest) -> str:
    return "/".join([f"/api/v1/meetings/{meeting.public_id}", *rest]).rstrip("/")


def decision_url(meeting, item=None) -> str:
    item = item or AgendaItem.objects.get(meeting=meeting)
    return url(meeting, "items", str(item.public_id), "decision")


def joint_offer(w) -> dict:
    return {
        "kind": "allocate",
        "services": [str(w.nhs_team.public_id), str(w.vcse_day_centre.public_id)],
        "reason": "A joint offer: the team and the day centre",
    }


def test_the_list_has_the_callers_upcoming_meetings(client, w, meeting):
    response = client.get(
        "/api/v1/meetings", {"locality": "north", "upcoming": "true"}, headers=bearer(w.coordinator)
    )
    assert response.status_code == 200
    [summary] = response.json()
    assert summary["id"] == str(meeting.public_id)
    assert (summary["items"], summary["status"]) == (1, "scheduled")


def test_an_organisation_not_at_any_meeting_lists_none(client, w, meeting):
    response = client.get("/api/v1/meetings", headers=bearer(w.council_worker))
    assert response.json() == []


def test_the_agenda_shows_the_referral_to_an_attendee_who_may_see_it(client, w, meeting):
    body = client.get(url(meeting), headers=bearer(w.coordinator)).json()
    [item] = body["agenda"]
    assert item["shown"] and item["person"]["name"] == "Alex RIVERS"
    assert item["reasons"] == ["bouncing"]
    assert item["referral"]["status"] == "declined"
    assert body["you_may_decide"] is True


def test_the_agenda_hides_what_the_caller_may_not_see(client, w, meeting, day_centre):
    from joinedup.access.roles import Role

    volunteer = f.member(day_centre, Role.VOLUNTEER)
    [item] = client.get(url(meeting), headers=bearer(volunteer)).json()["agenda"]
    assert (item["shown"], item["referral"], item["reasons"]) == (False, None, [])


def test_a_meeting_of_an_organisation_not_at_it_is_a_404(client, w, meeting):
    response = client.get(url(meeting), headers=bearer(w.council_worker))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_recording_a_joint_offer_answers_201_with_the_new_referrals(client, w, meeting):
    response = send_json(
        client, "post", decision_url(meeting), joint_offer(w), bearer(w.coordinator)
    )
    assert response.status_code == 201, response.content
    decision = response.json()["decision"]
    assert decision["joint_offer"] is True
    assert {r["service"] for r in decision["new_referrals"]} == {
        "North Community Mental Health Team",
        "Riverside Day Centre",
    }


def refused(client, path, body, user):
    before = (
        MeetingDecision.objects.count(),
        Referral.objects.count(),
        MeetingAction.objects.count(),
    )
    response = send_json(client, "post", path, body, bearer(user))
    after = (
        MeetingDecision.objects.count(),
        Referral.objects.count(),
        MeetingAction.objects.count(),
    )
    assert after == before
    assert response["Content-Type"] == "application/problem+json"
    return response


def test_a_decision_on_an_item_of_another_localitys_meeting_is_a_404(client, w, meeting):
    south = f.LocalityFactory(name="South", slug="south")
    elsewhere = meeting.__class__.objects.create(locality=south, starts_at=meeting.starts_at)
    elsewhere.organisations.set([w.trust, w.day_centre])
    services.attendee_join(actor=w.coordinator, meeting=elsewhere)
    item = AgendaItem.objects.get(meeting=meeting)
    response = refused(client, decision_url(elsewhere, item), joint_offer(w), w.coordinator)
    assert response.status_code == 404


def test_a_decision_by_someone_who_is_not_a_referral_coordinator_is_a_403(client, w, meeting):
    response = refused(client, decision_url(meeting), joint_offer(w), w.trust_worker)
    assert response.status_code == 403
    assert "referral coordinator" in response.json()["detail"]


def test_allocating_to_a_service_that_does_not_take_referrals_is_a_422(client, w, meeting):
    body = {**joint_offer(w), "services": [str(w.closed_service.public_id)]}
    response = refused(client, decision_url(meeting), body, w.coordinator)
    assert response.status_code == 422
    assert problem_fields(response) == ["services"]


def test_a_service_that_is_not_in_the_directory_is_a_422(client, w, meeting):
    body = {**joint_offer(w), "services": ["00000000-0000-4000-8000-000000000000"]}
    response = refused(client, decision_url(meeting), body, w.coordinator)
    assert response.status_code == 422


def test_deciding_an_item_decided_already_is_a_409(client, w, meeting):
    send_json(client, "post", decision_url(meeting), joint_offer(w), bearer(w.coordinator))
    response = refused(client, decision_url(meeting), joint_offer(w), w.coordinator)
    assert response.status_code == 409


def test_an_unknown_kind_is_a_422_naming_it(client, w, meeting):
    response = refused(client, decision_url(meeting), {"kind": "shrug"}, w.coordinator)
    assert response.status_code == 422
    assert problem_fields(response) == ["kind"]


def test_more_information_with_an_action_for_an_attendee(client, w, meeting):
    body = {
        "kind": "more_information",
        "reason": "What does the GP know?",
        "action": {
            "description": "Ask the GP",
            "owner": w.trust_worker.username,
            "organisation": w.trust.slug,
            "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    }
    response = send_json(client, "post", decision_url(meeting), body, bearer(w.coordinator))
    assert response.status_code == 201, response.content
    [action] = response.json()["actions"]
    assert action["owner"] == w.trust_worker.username


def test_adding_and_completing_an_action(client, w, meeting):
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    body = {
        "description": "Book the room for next time",
        "owner": w.trust_worker.username,
        "organisation": w.trust.slug,
        "due_on": due,
    }
    made = send_json(client, "post", url(meeting, "actions"), body, bearer(w.coordinator))
    assert made.status_code == 201, made.content
    done_url = url(meeting, "actions", made.json()["id"], "done")
    done = send_json(client, "post", done_url, {}, bearer(w.trust_worker))
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    again = send_json(client, "post", done_url, {}, bearer(w.trust_worker))
    assert again.status_code == 409


def test_an_action_for_someone_unknown_is_a_422(client, w, meeting):
    body = {
        "description": "Book the room",
        "owner": "nobody.here",
        "organisation": w.trust.slug,
        "due_on": "2030-01-01",
    }
    response = refused(client, url(meeting, "actions"), body, w.coordinator)
    assert response.status_code == 422
    assert problem_fields(response) == ["owner"]


def test_closing_ends_the_meeting_and_a_second_close_is_a_409(client, w, meeting):
    response = send_json(
        client, "post", url(meeting, "close"), {"notes": "Done"}, bearer(w.coordinator)
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    again = send_json(client, "post", url(meeting, "close"), {}, bearer(w.coordinator))
    assert again.status_code == 409


def test_attending_through_the_api(client, w, meeting):
    response = send_json(
        client, "post", url(meeting, "attendance"), {}, bearer(w.trust_coordinator)
    )
    assert response.status_code == 200
    assert w.trust_coordinator.username in {a["username"] for a in response.json()["attendees"]}


def test_reading_a_meeting_issues_the_same_number_of_queries_at_two_sizes(client, w):
    for n in range(2):
        ms.taken_to_meeting(w, ms.another_person(w, f"Few{n}"))
    small = ms.next_meeting(w, attending=[w.coordinator])
    headers = bearer(w.coordinator)
    client.get(url(small), headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url(small), headers=headers)
    small.items.update(live=False)
    for n in range(10):
        ms.taken_to_meeting(w, ms.another_person(w, f"Many{n}"))
    large = ms.next_meeting(w, attending=[w.coordinator])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url(large), headers=headers).json()["agenda"]) == 12
    assert len(many) == len(few)
