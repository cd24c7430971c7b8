import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus

from tests.demo import tasks


@pytest.fixture(autouse=True)
def keep_the_test_transaction(monkeypatch):
    # Between tasks the worker closes connections that are not in autocommit mode, as a
    # long-running process should; inside a test's transaction that would end the test.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_worker_runs_a_queued_task_to_success(db):
    result = tasks.greeting.enqueue("Riverside Mind")

    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "Hello, Riverside Mind"


def test_worker_stops_after_max_tasks(db):
    first = tasks.greeting.enqueue("North")
    second = tasks.greeting.enqueue("South")

    # The periodic scheduler's own thread is tested in tests/core/test_periodic.py.
    call_command("worker", "--max-tasks", "1", "--interval", "0", "--no-schedule", verbosity=0)

    first.refresh()
    second.refresh()
    statuses = sorted([first.status, second.status])
    assert statuses == sorted([TaskResultStatus.SUCCESSFUL, TaskResultStatus.READY])
