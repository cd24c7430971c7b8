"""The meetings' pages: the list, a meeting's agenda, an item's decision form, the
minutes; who sees what; bounded queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.meetings.models import AgendaItem, MeetingDecision
from joinedup.referrals.models import Referral
from tests.meetings import meeting_support as ms
from tests.people import people_support as ps


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


@pytest.fixture
def meeting(w):
    ms.bounced_twice(w)
    return ms.next_meeting(w, attending=[w.coordinator])


def item_url(meeting, item) -> str:
    return reverse("meetings:item", args=[meeting.public_id, item.public_id])


def decision_form(w, *services, **extra) -> dict:
    return {
        "kind": "allocate",
        "services": [str(s.public_id) for s in services],
        "reason": "A joint offer: the team and the day centre",
        **extra,
    }


def test_the_list_shows_the_meetings_of_the_viewers_organisation(client, w, meeting):
    ps.login(client, w.day_centre_worker)
    response = client.get(reverse("meetings:list"))
    assert response.status_code == 200
    assert reverse("meetings:detail", args=[meeting.public_id]) in response.text
    assert "North joint referral meeting" in response.text


def test_the_meeting_page_names_the_person_and_shows_the_referral(client, w, meeting):
    ps.login(client, w.coordinator)
    response = client.get(reverse("meetings:detail", args=[meeting.public_id]))
    assert response.status_code == 200
    assert "Alex RIVERS" in response.text
    assert "Bouncing between services" in response.text
    assert "Record the decision" in response.text


def test_a_meeting_the_viewers_organisation_is_not_at_is_not_found(client, w, meeting):
    ps.login(client, w.council_worker)
    response = client.get(reverse("meetings:detail", args=[meeting.public_id]))
    assert response.status_code == 404
    assert "Alex" not in response.text


def test_an_attendee_who_may_not_see_the_referral_sees_only_that_it_is_there(
    client, w, meeting, day_centre
):
    from joinedup.access.roles import Role
    from tests import factories as f

    volunteer = f.member(day_centre, Role.VOLUNTEER)
    ps.login(client, volunteer)
    response = client.get(reverse("meetings:detail", args=[meeting.public_id]))
    assert response.status_code == 200
    assert ms.refs.REASON not in response.text
    assert "not see this referral" in response.text
    item = AgendaItem.objects.get(meeting=meeting)
    assert client.get(item_url(meeting, item)).status_code == 404


def test_the_decision_form_allocates_a_joint_offer(client, w, meeting):
    ps.login(client, w.coordinator)
    item = AgendaItem.objects.get(meeting=meeting)
    response = client.post(item_url(meeting, item), decision_form(w, w.nhs_team, w.vcse_day_centre))
    assert response.status_code == 302
    decision = MeetingDecision.objects.get()
    assert decision.joint_offer
    page = client.get(response.url)
    assert "Joint offer" in page.text
    assert decision.new_referrals[0]["reference"] in page.text


def test_a_decision_missing_its_reasons_is_shown_again_naming_the_field(client, w, meeting):
    ps.login(client, w.coordinator)
    item = AgendaItem.objects.get(meeting=meeting)
    response = client.post(item_url(meeting, item), decision_form(w, w.nhs_team, reason=""))
    assert response.status_code == 200
    assert "Record why the meeting allocated it" in response.text
    assert not MeetingDecision.objects.exists()


def test_a_service_not_offered_on_the_form_is_refused(client, w, meeting):
    ps.login(client, w.coordinator)
    item = AgendaItem.objects.get(meeting=meeting)
    before = Referral.objects.count()
    response = client.post(item_url(meeting, item), decision_form(w, w.closed_service))
    assert response.status_code == 200
    assert "Choose services from the list" in response.text
    assert Referral.objects.count() == before


def test_a_practitioner_at_the_meeting_may_not_decide(client, w, meeting):
    ms.services.attendee_join(actor=w.trust_worker, meeting=meeting)
    ps.login(client, w.trust_worker)
    item = AgendaItem.objects.get(meeting=meeting)
    page = client.get(reverse("meetings:detail", args=[meeting.public_id]))
    assert "Record the decision" not in page.text
    response = client.post(item_url(meeting, item), decision_form(w, w.nhs_team))
    assert response.status_code == 403
    assert not MeetingDecision.objects.exists()


def test_deciding_twice_is_a_conflict(client, w, meeting):
    ps.login(client, w.coordinator)
    item = AgendaItem.objects.get(meeting=meeting)
    client.post(item_url(meeting, item), decision_form(w, w.nhs_team))
    response = client.post(item_url(meeting, item), decision_form(w, w.vcse_day_centre))
    assert response.status_code == 409
    assert "decided this item already" in response.text


def invite_url(meeting) -> str:
    return reverse("meetings:invite", args=[meeting.public_id])


def test_the_agenda_page_sends_a_coordinator_to_invite_another_organisation(client, w, meeting):
    ps.login(client, w.coordinator)
    page = client.get(reverse("meetings:detail", args=[meeting.public_id]))
    assert invite_url(meeting) in page.text


def test_the_invite_page_offers_the_localitys_organisations_not_at_the_meeting(client, w, meeting):
    from tests import factories as f

    elsewhere = f.ServiceFactory(name="Far Away Help", localities=[f.LocalityFactory()])
    ps.login(client, w.coordinator)
    page = client.get(invite_url(meeting))
    assert page.status_code == 200
    assert w.council.name in page.text
    assert elsewhere.organisation.name not in page.text
    assert w.day_centre.name not in page.text.split("<form", 1)[1]


def test_inviting_from_the_page_brings_the_organisation_to_the_meeting(client, w, meeting):
    ps.login(client, w.coordinator)
    response = client.post(invite_url(meeting), {"organisation": w.council.slug})
    assert response.status_code == 302
    assert meeting.organisations.filter(pk=w.council.pk).exists()


def test_an_organisation_not_offered_is_refused_and_nobody_is_invited(client, w, meeting):
    from tests import factories as f

    elsewhere = f.ServiceFactory(localities=[f.LocalityFactory()]).organisation
    before = set(meeting.organisations.values_list("pk", flat=True))
    ps.login(client, w.coordinator)
    response = client.post(invite_url(meeting), {"organisation": elsewhere.slug})
    assert response.status_code == 200
    assert "Choose an organisation from the list" in response.text
    assert set(meeting.organisations.values_list("pk", flat=True)) == before


def test_a_practitioner_at_the_meeting_may_not_invite(client, w, meeting):
    ms.services.attendee_join(actor=w.trust_worker, meeting=meeting)
    ps.login(client, w.trust_worker)
    assert client.get(invite_url(meeting)).status_code == 403
    response = client.post(invite_url(meeting), {"organisation": w.council.slug})
    assert response.status_code == 403
    assert not meeting.organisations.filter(pk=w.council.pk).exists()


def test_joining_and_closing_from_the_page(client, w, meeting):
    ps.login(client, w.trust_coordinator)
    client.post(reverse("meetings:attend", args=[meeting.public_id]))
    response = client.post(reverse("meetings:close", args=[meeting.public_id]), {"notes": "Done"})
    assert response.status_code == 302
    assert response.url == reverse("meetings:minutes", args=[meeting.public_id])
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == ("closed", "Done")


def test_the_minutes_and_their_printable_version_name_decisions_and_actions(client, w, meeting):
    ps.login(client, w.coordinator)
    item = AgendaItem.objects.get(meeting=meeting)
    client.post(item_url(meeting, item), decision_form(w, w.nhs_team, w.vcse_day_centre))
    client.post(
        reverse("meetings:action_add", args=[meeting.public_id]),
        {
            "description": "Tell the GP about the joint offer",
            "owner": str(meeting.attendees.get().public_id),
            "due_on_day": "1",
            "due_on_month": "1",
            "due_on_year": "2030",
        },
    )
    for name in ("meetings:minutes", "meetings:minutes_print"):
        response = client.get(reverse(name, args=[meeting.public_id]))
        assert response.status_code == 200
        assert "Joint offer" in response.text
        assert "Tell the GP about the joint offer" in response.text
        assert "Alex RIVERS" in response.text
    assert "minutes-print.css" in response.text


def test_an_action_with_a_bad_date_is_shown_again_and_not_written(client, w, meeting):
    ps.login(client, w.coordinator)
    response = client.post(
        reverse("meetings:action_add", args=[meeting.public_id]),
        {
            "description": "Tell the GP",
            "owner": str(meeting.attendees.get().public_id),
            "due_on_day": "31",
            "due_on_month": "2",
            "due_on_year": "2030",
        },
    )
    assert response.status_code == 200
    assert "Due date must be a real date" in response.text
    assert not meeting.actions.exists()


# --- Bounded queries ---------------------------------------------------------------------


def meeting_with(w, count: int):
    """Another open meeting, whose agenda takes in `count` more people (and whatever of
    the locality's queue is on no open meeting)."""
    for n in range(count):
        ms.taken_to_meeting(w, ms.another_person(w, f"Person{n}"))
    return ms.next_meeting(w, attending=[w.coordinator])


def queries_for(client, url) -> int:
    client.get(url)  # warm the compiled policy and the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_agenda_page_issues_the_same_number_of_queries_at_two_sizes(client, w, trust):
    small = meeting_with(w, 2)
    ps.login(client, w.coordinator)
    few = queries_for(client, reverse("meetings:detail", args=[small.public_id]))
    small.items.update(live=False)
    large = meeting_with(w, 10)  # the small one's two, and ten more
    assert large.items.count() == 12
    many = queries_for(client, reverse("meetings:detail", args=[large.public_id]))
    assert many == few


def test_the_minutes_issue_the_same_number_of_queries_at_two_sizes(client, w):
    small = meeting_with(w, 2)
    ps.login(client, w.coordinator)
    few = queries_for(client, reverse("meetings:minutes", args=[small.public_id]))
    small.items.update(live=False)
    large = meeting_with(w, 10)
    assert large.items.count() == 12
    many = queries_for(client, reverse("meetings:minutes", args=[large.public_id]))
    assert many == few
