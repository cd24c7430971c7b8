"""Closed-loop referrals (DESIGN.md §6): one referral per request to one service, a
lifecycle nobody falls out of, and every transition kept.

Referrals are person-level data: every read goes through `joinedup.access.record`
(`referral_visibility`), every write through `referrals.services`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    WAITING = "waiting", "On the waiting list"
    FIRST_CONTACT = "first_contact", "First contact made"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    REDIRECTED = "redirected", "Redirected"
    FOR_JOINT_MEETING = "for_joint_meeting", "For the joint referral meeting"
    ALLOCATED = "allocated", "Allocated by the joint meeting"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED_NO_CONTACT = "closed_no_contact", "Closed without contact"


OPEN_STATUSES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.ACKNOWLEDGED,
        Status.ACCEPTED,
        Status.WAITING,
        Status.FIRST_CONTACT,
        Status.IN_PROGRESS,
        Status.FOR_JOINT_MEETING,
    }
)
CLOSED_STATUSES = frozenset(set(Status) - OPEN_STATUSES)
# A person is bouncing when their referrals for one need were declined or redirected
# this many times within BOUNCE_WINDOW_DAYS (DESIGN §6).
BOUNCES_TO_ESCALATE = 2
BOUNCE_WINDOW_DAYS = 90


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon (within a week)"
    URGENT = "urgent", "Urgent (within a day)"


# Worklists sort by this (urgent first), kept on the row so an index can serve the sort.
PRIORITY = {Urgency.URGENT: 0, Urgency.SOON: 1, Urgency.ROUTINE: 2}


class ServiceTargets(BaseModel):
    """A service's own targets in working days; services without a row use the defaults
    (settings.JOINEDUP_REFERRAL_TARGETS: 2 to acknowledge, 10 to first contact)."""

    service = models.OneToOneField(
        "directory.Service", on_delete=models.CASCADE, related_name="referral_targets"
    )
    acknowledge_days = models.PositiveSmallIntegerField(default=2)
    first_contact_days = models.PositiveSmallIntegerField(default=10)


class ServiceQuestion(BaseModel):
    """A question a service adds to the common form, as data: no code change needed."""

    class Kind(models.TextChoices):
        TEXT = "text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        YES_NO = "yes_no", "Yes or no"
        CHOICE = "choice", "One of a list"
        NUMBER = "number", "Whole number"

    service = models.ForeignKey(
        "directory.Service", on_delete=models.CASCADE, related_name="referral_questions"
    )
    key = models.SlugField(max_length=50)
    label = models.CharField(max_length=250)
    hint = models.CharField(max_length=250, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text="For 'one of a list'")
    max_length = models.PositiveIntegerField(default=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["service", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="service_question_key")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.label}"


class Referral(BaseModel):
    """A request that a service supports a person. Changed only by transitions
    (`referrals.services.transition`), each one kept as a `Transition`."""

    reference = models.CharField(max_length=12, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    # The team that owns it now: the receiving service's organisation.
    owner_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="referrals_owned"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_owned",
    )
    # Who referred: a member of staff, or (self-referral) nobody.
    referring_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_made",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_made",
    )
    self_referral = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    priority = models.PositiveSmallIntegerField(default=PRIORITY[Urgency.ROUTINE])
    reason = models.TextField()
    needs = models.ManyToManyField("directory.TaxonomyTerm", related_name="referrals", blank=True)
    what_matters = models.TextField(blank=True, help_text="In the person's own words")
    risk_summary = models.TextField(blank=True)
    consent_to_share = models.BooleanField(default=False)
    answers = models.JSONField(default=dict, blank=True)
    # The journey: every referral linked by a redirect or an allocation shares it.
    journey_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    bounce_count = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledge_by = models.DateField(null=True, blank=True)
    first_contact_by = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    signposting = models.TextField(blank=True)
    in_limbo = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Worklists: a team's open referrals, urgent first then oldest (keyset pages).
            models.Index(
                fields=["owner_organisation", "priority", "created_at", "id"],
                condition=Q(closed_at__isnull=True),
                name="referral_incoming_open",
            ),
            models.Index(
                fields=["referring_organisation", "priority", "created_at", "id"],
                condition=Q(closed_at__isnull=True),
                name="referral_outgoing_open",
            ),
            models.Index(fields=["person", "created_at"], name="referral_person"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="referral_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(self_referral=True) | Q(referring_organisation__isnull=False),
                name="referral_has_a_referrer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} → {self.service}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Transition(models.Model):
    """One step of a referral's lifecycle: who, when, from what to what, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    actor_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    linked_referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral.reference}: {self.from_status or '—'} → {self.to_status}"


class Attachment(BaseModel):
    """A file sent with a referral, stored under MEDIA_ROOT by a random name."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="referrals/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )


class MeetingQueueReason(models.TextChoices):
    LIMBO = "limbo", "In limbo: past a target"
    BOUNCING = "bouncing", "Bouncing between services"
    DECLINED = "declined", "Declined, routed to the joint meeting"
    REFERRED = "referred", "Referred to the joint meeting"


class MeetingQueueItem(BaseModel):
    """A referral waiting for its locality's next joint referral meeting (the meetings
    of issue 5 take their agenda from here)."""

    locality = models.ForeignKey(
        "directory.Locality", on_delete=models.PROTECT, related_name="meeting_queue"
    )
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="queue_items")
    reason = models.CharField(max_length=10, choices=MeetingQueueReason.choices)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "reason"],
                condition=Q(resolved_at__isnull=True),
                name="meeting_queue_once",
            )
        ]
