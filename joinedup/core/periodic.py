"""Periodic tasks: `joinedup worker` queues each task of settings.JOINEDUP_PERIODIC_TASKS
once per its interval, and runs it like any other task.

    JOINEDUP_PERIODIC_TASKS = {"retention": ("joinedup.people.tasks.retention_apply", 86_400)}

A row per task (`core.PeriodicRun`) is locked while it is checked, so several workers
(or a restart) never queue one period twice. django-crontask would do this, but needs
Django 6's own task framework; this is the part of it joinedup needs.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from joinedup.core.models import PeriodicRun

logger = logging.getLogger(__name__)


def periodic_tasks() -> dict[str, tuple[str, int]]:
    return getattr(settings, "JOINEDUP_PERIODIC_TASKS", {})


def enqueue_due(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every periodic task whose interval has passed since it was last queued;
    the names queued."""
    now = now or timezone.now()
    queued = []
    for name, (task_path, interval_seconds) in sorted(periodic_tasks().items()):
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=name)
            run = PeriodicRun.objects.select_for_update().get(name=name)
            due = run.last_enqueued_at is None or (
                now - run.last_enqueued_at >= dt.timedelta(seconds=interval_seconds)
            )
            if not due:
                continue
            import_string(task_path).enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
        logger.info("queued periodic task %s (%s)", name, task_path)
        queued.append(name)
    return queued
