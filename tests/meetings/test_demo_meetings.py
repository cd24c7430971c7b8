"""`joinedup demo` holds North's joint referral meetings: last week's, closed with its
minutes, and the next one, its agenda built from the demo's referrals."""

import io

import pytest
from django.core.management import call_command

from joinedup.meetings import selectors
from joinedup.meetings.models import AgendaItem, Meeting, MeetingDecision, MeetingStatus
from tests.demo.test_demo_referrals import PASSWORD, acting


@pytest.fixture
def demo(db):
    call_command("demo", "--size", "small", "--password", PASSWORD, stdout=io.StringIO())


def test_last_weeks_meeting_is_closed_with_a_joint_offer_and_an_action(demo):
    closed = Meeting.objects.get(status=MeetingStatus.CLOSED)
    decision = MeetingDecision.objects.get(item__meeting=closed)
    assert decision.joint_offer
    assert closed.actions.count() == 1
    assert closed.notes


def test_the_next_meeting_has_the_demos_limbo_and_for_meeting_referrals(demo):
    upcoming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    reasons = {item.reason for item in AgendaItem.objects.filter(meeting=upcoming)}
    assert {"limbo", "referred"} <= reasons
    organisations = {a.organisation.slug for a in upcoming.attendees.all()}
    assert organisations == {"city-nhs-trust", "city-council", "riverside-mind"}


def test_an_attendee_sees_the_next_meetings_agenda(demo):
    coordinator = acting("referral_coordinator.riverside-mind")
    [upcoming] = selectors.meeting_list(user=coordinator, upcoming=True)
    view = selectors.meeting_view(user=coordinator, public_id=upcoming.public_id)
    assert view.rows and any(row.shown for row in view.rows)


def test_the_demo_counts_its_meetings(demo):
    counts = selectors.table_counts()
    assert counts["joint referral meetings"] == 2
    assert counts["agenda items"] >= 3
