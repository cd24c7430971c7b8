"""The agenda builds itself from the locality's queue; the meeting gives the
organisations at it the care relationships that access follows, while it is open."""

import pytest
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category, categories_for
from joinedup.core.exceptions import Conflict
from joinedup.meetings import selectors, services
from joinedup.meetings.models import AgendaItem, ItemReason, MeetingStatus
from joinedup.people.models import CareRelationship, Person, RelationshipKind
from joinedup.referrals.models import MeetingQueueItem, Status
from tests.meetings import meeting_support as ms
from tests.referrals import referral_support as refs


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


def people_seen_by(user) -> set[int]:
    return set(record.person_visibility(user, Person.objects.all()).values_list("pk", flat=True))


def test_a_referral_bounced_twice_is_on_the_localitys_next_meeting_agenda(w):
    declined = ms.bounced_twice(w)
    meeting = ms.next_meeting(w)
    [item] = AgendaItem.objects.filter(meeting=meeting)
    assert item.referral_id == declined.pk
    assert item.reasons == [ItemReason.BOUNCING]
    assert item.person_id == w.person.pk
    assert item.owning_organisation_id == w.oakwood.pk


def test_referrals_taken_to_the_meeting_or_in_limbo_are_on_it_bouncing_first(w):
    taken = ms.taken_to_meeting(w, ms.another_person(w, "Kim"))
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    assert [i.reasons[0] for i in items] == [ItemReason.BOUNCING, ItemReason.REFERRED]
    assert items[1].referral_id == taken.pk


def test_a_journey_is_one_item_with_every_reason_it_is_queued_for(w):
    referral = ms.refer(w)
    refs.act(w.day_centre_worker, referral, "acknowledge")
    refs.act(w.day_centre_worker, referral, "decline", reason="Full", to_meeting=True)
    ms.bounced_twice(w)  # the same person, another journey
    meeting = ms.next_meeting(w)
    items = AgendaItem.objects.filter(meeting=meeting)
    assert sorted(i.reasons[0] for i in items) == [ItemReason.BOUNCING, ItemReason.DECLINED]
    assert len({i.journey_id for i in items}) == 2


def test_an_item_is_on_one_open_meeting_only(w):
    ms.bounced_twice(w)
    first = ms.next_meeting(w)
    ad_hoc = first.__class__.objects.create(
        locality=w.north, starts_at=first.starts_at + timezone.timedelta(days=1)
    )
    ad_hoc.organisations.set([w.trust, w.day_centre])
    assert services.agenda_build(meeting=ad_hoc) == []
    assert AgendaItem.objects.filter(meeting=first).count() == 1


def test_rebuilding_adds_what_came_up_and_keeps_every_item(w, clinician):
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    [first] = AgendaItem.objects.filter(meeting=meeting)
    services.item_decide(
        actor=w.coordinator,
        meeting=meeting,
        item_public_id=first.public_id,
        data=ms.allocation(w.nhs_team),
    )
    ms.taken_to_meeting(w, ms.another_person(w))
    added = services.agenda_build(meeting=meeting, actor=w.coordinator)
    assert len(added) == 1
    items = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    assert [i.position for i in items] == [1, 2]
    assert items[0].pk == first.pk and hasattr(items[0], "decision")


def test_the_agenda_of_a_closed_meeting_is_not_rebuilt(w):
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    ms.bounced_twice(w)
    with pytest.raises(Conflict):
        services.agenda_build(meeting=meeting)
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


# --- The care relationships the meeting makes --------------------------------------------


def test_putting_a_person_on_an_open_meetings_agenda_starts_each_organisations_relationship(w):
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w)
    relationships = CareRelationship.objects.filter(
        source=services.meeting_source(meeting), person=w.person, until__isnull=True
    )
    assert {r.organisation_id for r in relationships} == {
        w.trust.pk,
        w.day_centre.pk,
        w.oakwood.pk,
    }
    assert {r.kind for r in relationships} == {RelationshipKind.JOINT_MEETING}


def test_closing_the_meeting_ends_them(w):
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert not CareRelationship.objects.active_at(timezone.now()).filter(
        source=services.meeting_source(meeting)
    )
    assert not AgendaItem.objects.filter(meeting=meeting, live=True).exists()


def test_an_attendee_of_another_organisation_sees_the_person_only_while_the_meeting_is_open(w):
    person = ms.another_person(w, "Kim")
    ms.bounced_twice(w, person)
    outsider_team = w.council_worker  # the council is in the partnership, not at the meeting
    assert person.pk not in people_seen_by(w.coordinator)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    assert person.pk in people_seen_by(w.coordinator)
    assert person.pk not in people_seen_by(outsider_team)
    row = selectors.meeting_view(user=w.coordinator, public_id=meeting.public_id).rows[0]
    assert row.shown and row.referral.reason == refs.REASON
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    assert person.pk not in people_seen_by(w.coordinator)
    row = selectors.meeting_view(user=w.coordinator, public_id=meeting.public_id).rows[0]
    assert (row.person, row.shown, row.referral) == (None, False, None)


def test_an_invited_organisation_gets_its_relationship_with_everyone_on_the_agenda(w):
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    services.meeting_organisation_add(actor=w.coordinator, meeting=meeting, organisation=w.council)
    assert w.person.pk in people_seen_by(w.council_worker)


def test_the_policy_still_decides_what_an_attendee_sees(w, day_centre):
    """A volunteer of an organisation at the meeting may know of the person (the
    meeting's relationship) but never sees the referral: their role does not."""
    from joinedup.access.roles import Role
    from tests import factories as f

    volunteer = f.member(day_centre, Role.VOLUNTEER)
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w)
    [row] = selectors.meeting_view(user=volunteer, public_id=meeting.public_id).rows
    assert row.person is not None
    assert (row.shown, row.referral) == (False, None)
    assert Category.REFERRAL not in categories_for(Role.VOLUNTEER)


def test_without_an_agreement_the_item_is_not_shown_to_another_organisation(w):
    """The trust's coordinator has the meeting's relationship, but if no agreement
    shares referrals with their role, Oakwood's referral stays Oakwood's."""
    from joinedup.partnerships.models import SharingRule

    SharingRule.objects.filter(role="referral_coordinator").delete()
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w)
    [row] = selectors.meeting_view(user=w.trust_coordinator, public_id=meeting.public_id).rows
    assert row.person is not None and not row.shown


def test_undecided_items_go_on_the_next_meeting_when_one_closes(w):
    ms.bounced_twice(w)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    following = meeting.__class__.objects.create(
        series=meeting.series,
        locality=w.north,
        starts_at=meeting.starts_at + timezone.timedelta(days=7),
    )
    following.organisations.set([w.trust, w.day_centre])
    services.meeting_close(actor=w.coordinator, meeting=meeting)
    assert AgendaItem.objects.filter(meeting=following, live=True).count() == 1
    assert MeetingQueueItem.objects.filter(resolved_at__isnull=True).count() == 1
    assert Status.DECLINED in {
        i.referral.status for i in AgendaItem.objects.filter(meeting=following)
    }


# --- Care plan reviews -------------------------------------------------------------------


def plan_due(w, person, *, days: int = 0):
    from joinedup.careplans.models import CarePlan

    return CarePlan.objects.create(
        person=person,
        owning_organisation=w.trust,
        locality=w.north,
        what_matters="Getting back to the allotment",
        goals="Out of the flat twice a week",
        crisis_plan="Call the crisis line",
        review_date=timezone.localdate() + timezone.timedelta(days=days),
        created_by=w.referrer,
    )


def test_a_care_plan_due_for_review_by_the_meeting_day_is_on_its_agenda(w):
    person = ms.another_person(w, "Jo")
    plan = plan_due(w, person)
    plan_due(w, ms.another_person(w, "Later"), days=60)
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    [item] = AgendaItem.objects.filter(meeting=meeting)
    assert (item.kind, item.care_plan_id, item.reasons) == (
        "care_plan_review",
        plan.public_id,
        [ItemReason.REVIEW],
    )
    assert person.pk in people_seen_by(w.coordinator)
    [row] = selectors.meeting_view(user=w.coordinator, public_id=meeting.public_id).rows
    assert row.shown and row.item.review_due == plan.review_date


def test_a_review_is_decided_without_touching_any_referral(w):
    plan_due(w, ms.another_person(w, "Jo"))
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    [item] = AgendaItem.objects.filter(meeting=meeting)
    decision = services.item_decide(
        actor=w.coordinator,
        meeting=meeting,
        item_public_id=item.public_id,
        data=services.DecisionData(
            kind="no_further_action", services=[], reason="Reviewed: the plan is working"
        ),
    )
    assert decision.kind == "no_further_action"
