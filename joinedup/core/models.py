"""The base every joinedup model stands on."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """An integer key for joins, a UUID for every URL and API, and timestamps.

    The integer stays internal (it is the FTS5 rowid and keeps indexes small); the UUID
    is what leaves the system, so ids are never guessable or enumerable.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PeriodicRun(models.Model):
    """When a periodic task (settings.JOINEDUP_PERIODIC_TASKS) was last queued.

    One row per task name, locked while it is read and moved on, so however many
    workers run, each period queues the task once (joinedup.core.periodic).
    """

    name = models.CharField(max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (last queued {self.last_enqueued_at or 'never'})"
