"""The worker queues each periodic task once per its interval, however many workers run."""

import datetime as dt

from django_tasks_db.models import DBTaskResult

from joinedup.core import periodic
from joinedup.core.models import PeriodicRun

GREETING = {"greeting": ("tests.demo.tasks.greeting_periodic", 3600)}
T0 = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def test_a_task_never_queued_is_due_at_once(db, settings):
    settings.JOINEDUP_PERIODIC_TASKS = GREETING
    assert periodic.enqueue_due(now=T0) == ["greeting"]
    assert DBTaskResult.objects.get().task_path == "tests.demo.tasks.greeting_periodic"


def test_a_task_is_not_queued_again_within_its_interval(db, settings):
    settings.JOINEDUP_PERIODIC_TASKS = GREETING
    periodic.enqueue_due(now=T0)
    assert periodic.enqueue_due(now=T0 + dt.timedelta(minutes=59)) == []
    assert DBTaskResult.objects.count() == 1


def test_a_task_is_queued_again_once_its_interval_has_passed(db, settings):
    settings.JOINEDUP_PERIODIC_TASKS = GREETING
    periodic.enqueue_due(now=T0)
    assert periodic.enqueue_due(now=T0 + dt.timedelta(hours=1)) == ["greeting"]
    assert DBTaskResult.objects.count() == 2
    assert PeriodicRun.objects.get(name="greeting").last_enqueued_at == T0 + dt.timedelta(hours=1)


def test_the_shipped_schedule_runs_retention_daily(settings):
    task_path, seconds = settings.JOINEDUP_PERIODIC_TASKS["retention"]
    assert (task_path, seconds) == ("joinedup.people.tasks.retention_apply", 86_400)
