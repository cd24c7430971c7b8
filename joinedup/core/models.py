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
