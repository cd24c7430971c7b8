"""Meetings on a recurring schedule: the next one made once, by the worker or on demand."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from joinedup.access.roles import Role
from joinedup.core import periodic
from joinedup.core.exceptions import PermissionDenied
from joinedup.meetings import services
from joinedup.meetings.models import AgendaItem, Meeting, MeetingSeries
from tests import factories as f
from tests.meetings import meeting_support as ms

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def w(trust, day_centre, clinician, befriending):
    return ms.world(trust, day_centre, clinician, befriending)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def plain_series(**fields) -> MeetingSeries:
    values = {
        "weekday": 1,
        "time": dt.time(10),
        "starts_on": dt.date(2026, 1, 5),
        "every_weeks": 1,
        **fields,
    }
    return MeetingSeries(**values)


@pytest.mark.parametrize(
    ("fields", "after", "expected"),
    [
        ({}, at(2026, 3, 2, 9), at(2026, 3, 3, 10)),  # Monday: this Tuesday
        ({}, at(2026, 3, 3, 9, 59), at(2026, 3, 3, 10)),  # Tuesday, before it starts
        ({}, at(2026, 3, 3, 10), at(2026, 3, 10, 10)),  # once it has started: next week
        ({"every_weeks": 2}, at(2026, 1, 7, 12), at(2026, 1, 20, 10)),  # fortnightly
        ({"every_weeks": 2}, at(2026, 1, 20, 11), at(2026, 2, 3, 10)),
        ({}, at(2025, 12, 1), at(2026, 1, 6, 10)),  # not before the series starts
        ({}, at(2026, 3, 25, 12), at(2026, 3, 31, 10)),  # 10:00 in summer time too
    ],
    ids=["this-week", "just-before", "at-the-start", "fortnight", "next-fortnight", "first",
         "summer-time"],
)  # fmt: skip
def test_the_next_slot_follows_the_schedule_in_london_time(fields, after, expected):
    slot = services.next_slot(plain_series(**fields), after=after)
    assert slot == expected
    assert slot.astimezone(LONDON).hour == 10


def test_scheduling_makes_the_next_meeting_once(w):
    series = ms.series(w)
    first, made = services.meeting_schedule_next(series=series)
    again, made_again = services.meeting_schedule_next(series=series)
    assert (made, made_again) == (True, False)
    assert first.pk == again.pk
    assert Meeting.objects.count() == 1


def test_the_new_meeting_takes_the_series_organisations_and_builds_its_agenda(w):
    ms.bounced_twice(w)
    meeting, _ = services.meeting_schedule_next(series=ms.series(w))
    assert set(meeting.organisations.values_list("pk", flat=True)) == {
        w.trust.pk,
        w.day_centre.pk,
        w.oakwood.pk,
    }
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_the_periodic_task_is_idempotent_and_keeps_the_agenda_current(w):
    ms.series(w)
    assert services.meetings_schedule() == 1
    assert services.meetings_schedule() == 0
    ms.bounced_twice(w)
    assert services.meetings_schedule() == 0
    assert Meeting.objects.count() == 1
    assert AgendaItem.objects.count() == 1


def test_the_worker_runs_the_schedule_it_queued(w, settings, monkeypatch):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    settings.JOINEDUP_PERIODIC_TASKS = {
        "meeting_schedule": settings.JOINEDUP_PERIODIC_TASKS["meeting_schedule"]
    }
    ms.series(w)
    assert periodic.enqueue_due() == ["meeting_schedule"]
    assert periodic.enqueue_due() == []  # once per interval
    call_command("worker", "--batch", "--interval", "0", verbosity=0)
    assert Meeting.objects.count() == 1


def test_the_shipped_schedule_runs_every_hour(settings):
    task, seconds = settings.JOINEDUP_PERIODIC_TASKS["meeting_schedule"]
    assert (task, seconds) == ("joinedup.meetings.tasks.meetings_schedule", 3600)


def test_a_referral_coordinator_arranges_the_next_meeting_on_demand(w):
    series = ms.series(w)
    meeting, made = services.meeting_schedule_next(series=series, actor=w.coordinator)
    assert made and meeting.series == series


def test_a_practitioner_may_not_arrange_meetings(w):
    series = ms.series(w)
    with pytest.raises(PermissionDenied):
        services.meeting_schedule_next(series=series, actor=w.trust_worker)
    assert not Meeting.objects.exists()


def test_a_coordinator_of_an_organisation_outside_the_series_may_not_arrange_it(w):
    series = ms.series(w)
    with pytest.raises(PermissionDenied):
        services.meeting_schedule_next(
            series=series, actor=f.member(w.council, Role.REFERRAL_COORDINATOR)
        )


def test_a_series_needs_two_organisations_and_a_day(w):
    with pytest.raises(ValidationError) as refused:
        services.series_create(
            actor=w.coordinator,
            data=services.SeriesData(
                locality=w.north,
                name="",
                weekday=9,
                time=dt.time(10),
                starts_on=dt.date(2026, 1, 5),
                organisations=[w.trust],
            ),
        )
    assert set(refused.value.message_dict) == {"name", "weekday", "organisations"}
    assert not MeetingSeries.objects.exists()


def test_a_meeting_never_started_is_closed_as_not_held_and_its_agenda_moves_on(w):
    ms.bounced_twice(w)
    series = ms.series(w)
    services.meetings_schedule()
    skipped = Meeting.objects.get()
    two_days_on = skipped.starts_at + dt.timedelta(days=2)
    assert services.meetings_schedule(now=two_days_on) == 1
    skipped.refresh_from_db()
    assert skipped.status == "closed" and skipped.notes.startswith("Not held")
    following = Meeting.objects.exclude(pk=skipped.pk).get(series=series)
    assert AgendaItem.objects.filter(meeting=following, live=True).count() == 1


def test_a_meeting_started_is_never_closed_as_not_held(w):
    meeting = ms.next_meeting(w, attending=[w.coordinator])
    services.meeting_start(actor=w.coordinator, meeting=meeting)
    services.meetings_schedule(now=meeting.starts_at + dt.timedelta(days=2))
    meeting.refresh_from_db()
    assert meeting.status == "in_progress"
