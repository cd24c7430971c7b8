"""Break-glass: a clinician's time-limited, reasoned override, reviewed by the IG lead."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    REVIEWED = "reviewed", "Reviewed: appropriate"
    CONCERN = "concern", "Raised as a concern"


class BreakGlassQuerySet(models.QuerySet):
    def active_at(self, moment):
        return self.filter(started_at__lte=moment, expires_at__gt=moment, ended_at__isnull=True)


class BreakGlass(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="break_glass"
    )
    role = models.CharField(max_length=30)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="break_glass_reviews",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "break-glass accesses"
        indexes = [models.Index(fields=["user", "person", "expires_at"], name="break_glass_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")),
                name="break_glass_expires_after_start",
            )
        ]
