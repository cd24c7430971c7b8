"""The bulk care plans and meetings (benchmarks.careplan_history, .meeting_history): each
one the services could have left, with what they write beside it."""

from itertools import pairwise

import pytest
from django.db.models import Count

from benchmarks import careplan_history
from benchmarks.generator import Partnership, load, size_named
from benchmarks.people import ANCHOR
from joinedup.careplans.models import CarePlan, CarePlanVersion, CareTeamMember
from joinedup.careplans.services import _snapshot, source
from joinedup.directory.models import STATUTORY_KINDS
from joinedup.meetings import services as meeting_services
from joinedup.meetings.models import (
    AgendaItem,
    DecisionKind,
    ItemKind,
    Meeting,
    MeetingDecision,
    MeetingSeries,
    MeetingStatus,
)
from joinedup.people.models import CareRelationship, RelationshipKind
from joinedup.referrals.models import MeetingQueueItem, Referral

# Marked, so that pytest-django runs them with the other database tests: after a
# transactional test the database is flushed, taxonomy and all, until the next restores it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    from django.db import transaction

    # Every person a team knows gets a plan, so a small partnership has plenty.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(careplan_history, "PLAN_SHARE", dict.fromkeys(careplan_history.PLAN_SHARE, 1))
        with django_db_blocker.unblock(), transaction.atomic():
            load(Partnership(size_named("small", referrals=1_500), seed=1))
            yield
            transaction.set_rollback(True)


def _bulk_plans():
    return CarePlan.objects.filter(created_at__lte=ANCHOR)


def test_the_history_writes_care_plans(history):
    assert _bulk_plans().count() > 3


def test_every_plan_keeps_a_version_for_each_number_up_to_its_own(history):
    for plan in _bulk_plans().annotate(n=Count("versions")):
        numbers = list(plan.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, plan.version + 1))


def test_the_latest_version_is_the_plan_as_the_services_would_snapshot_it(history):
    for plan in _bulk_plans().select_related("locality"):
        latest = plan.versions.get(number=plan.version)
        assert latest.content == _snapshot(plan)


def test_a_later_version_names_the_sections_it_changed(history):
    later = CarePlanVersion.objects.filter(plan__in=_bulk_plans(), number__gt=1)
    assert later.exists()
    for version in later:
        assert "review_date" in version.changed


def test_every_care_coordinator_is_named_staff_of_a_statutory_organisation(history):
    coordinators = CareTeamMember.objects.filter(plan__in=_bulk_plans(), is_care_coordinator=True)
    assert coordinators.exists()
    for member in coordinators.select_related("organisation"):
        assert member.user_id is not None
        assert member.organisation.kind in STATUTORY_KINDS
        assert member.user.memberships.filter(organisation=member.organisation).exists()


def test_each_plan_has_one_single_point_of_contact(history):
    counts = (
        CareTeamMember.objects.filter(plan__in=_bulk_plans(), is_single_point_of_contact=True)
        .values("plan")
        .annotate(n=Count("pk"))
    )
    assert {row["n"] for row in counts} == {1}
    assert counts.count() == _bulk_plans().count()


def test_the_care_team_beyond_the_owner_has_the_access_the_plan_gives(history):
    for member in CareTeamMember.objects.filter(plan__in=_bulk_plans()).select_related("plan"):
        if member.organisation_id == member.plan.owning_organisation_id:
            continue
        assert CareRelationship.objects.filter(
            person_id=member.plan.person_id,
            organisation_id=member.organisation_id,
            kind=RelationshipKind.CARE_TEAM,
            source=source(member.plan),
            until__isnull=True,
        ).exists()


def _bulk_series():
    # At the small size North keeps the demo's series, made through the services.
    return MeetingSeries.objects.exclude(locality__slug="north")


def test_every_locality_has_one_series(history):
    localities = MeetingSeries.objects.values_list("locality_id", flat=True)
    assert len(localities) == len(set(localities)) > 1


def test_every_series_holds_its_weekly_meetings_since_the_start(history):
    assert _bulk_series().exists()
    for series in _bulk_series():
        held = list(series.meetings.filter(starts_at__lte=ANCHOR).order_by("starts_at"))
        assert len(held) > 100  # weekly for two and a half years
        gaps = {(b.starts_at.date() - a.starts_at.date()).days for a, b in pairwise(held)}
        assert gaps == {7}
        assert {m.status for m in held} == {MeetingStatus.CLOSED}


def test_every_item_of_a_closed_meeting_is_decided_and_off_the_open_agendas(history):
    items = AgendaItem.objects.filter(
        meeting__status=MeetingStatus.CLOSED, meeting__series__in=_bulk_series()
    )
    assert items.exists()
    assert not items.filter(live=True).exists()
    assert not items.filter(decision__isnull=True).exists()


def test_an_allocation_makes_linked_referrals_on_the_same_journey(history):
    allocations = MeetingDecision.objects.filter(
        kind=DecisionKind.ALLOCATE, item__meeting__series__in=_bulk_series()
    )
    assert allocations.exists()
    for decision in allocations.select_related("item"):
        made = decision.new_referrals
        assert len(made) == decision.services.count() >= 1
        assert decision.joint_offer == (len({r["organisation"] for r in made}) >= 2)
        for new in made:
            child = Referral.objects.get(public_id=new["id"])
            assert child.reference == new["reference"]
            assert child.journey_id == decision.item.journey_id
            assert child.parent_id == decision.item.referral_id


def test_a_referral_open_at_its_first_service_closes_as_allocated(history):
    allocations = MeetingDecision.objects.filter(
        kind=DecisionKind.ALLOCATE, item__meeting__series__in=_bulk_series()
    ).select_related("item__referral")
    assert allocations.exists()
    for decision in allocations:
        referral = decision.item.referral
        assert referral.status == "allocated"
        assert referral.closed_at == decision.decided_at
        step = referral.transitions.get(to_status="allocated")
        assert str(step.linked_referral.public_id) == decision.new_referrals[0]["id"]
        assert not CareRelationship.objects.filter(
            source=f"referral:{referral.public_id}", until__isnull=True
        ).exists()


def test_a_decided_referral_leaves_the_queue(history):
    decided = AgendaItem.objects.filter(
        kind=ItemKind.REFERRAL,
        meeting__status=MeetingStatus.CLOSED,
        meeting__series__in=_bulk_series(),
    ).values_list("referral_id", flat=True)
    assert decided
    assert not MeetingQueueItem.objects.filter(
        referral_id__in=list(decided), resolved_at__isnull=True
    ).exists()


def test_the_next_meeting_holds_what_the_history_left_as_the_product_builds_it(history):
    upcoming = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, series__in=_bulk_series(), starts_at__gt=ANCHOR
    )
    assert upcoming.count() == _bulk_series().count()
    for meeting in upcoming:
        # The agenda is up to date: building it again adds nothing.
        assert meeting_services.agenda_build(meeting=meeting) == []
        queued = MeetingQueueItem.objects.filter(
            locality_id=meeting.locality_id, resolved_at__isnull=True
        )
        on_agenda = set(meeting.items.values_list("referral_id", flat=True))
        assert set(queued.values_list("referral_id", flat=True)) <= on_agenda


def test_the_next_meetings_organisations_may_see_the_people_on_its_agenda(history):
    meeting = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED, series__in=_bulk_series(), items__isnull=False
        )
        .distinct()
        .first()
    )
    assert meeting is not None
    source_ = meeting_services.meeting_source(meeting)
    for item in meeting.items.all():
        for organisation_id in meeting.organisations.values_list("pk", flat=True):
            assert CareRelationship.objects.filter(
                person_id=item.person_id,
                organisation_id=organisation_id,
                kind=RelationshipKind.JOINT_MEETING,
                source=source_,
                until__isnull=True,
            ).exists()
