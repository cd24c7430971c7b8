"""Joint referral meetings (issue 5; DESIGN.md §3.4, §6): a locality's NHS, council and
voluntary-sector staff meet on a schedule, take the referrals that are routed to them,
stuck (limbo) or bouncing between services, and the care plans due for review, and
decide together where each person's support comes from — so nobody is "bounced".

The series and the meeting are partnership business, not person-level data. An agenda
item, its decision and its actions are about a person: every read of them goes through
`joinedup.access.record` (meetings.selectors), every write through meetings.services.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class MeetingSeries(BaseModel):
    """A locality's recurring joint referral meeting: which day, what time, how often,
    who usually comes and who chairs. `meetings.services.meeting_schedule_next` makes
    the next meeting from it (the worker does so every hour)."""

    locality = models.ForeignKey(
        "directory.Locality", on_delete=models.PROTECT, related_name="meeting_series"
    )
    name = models.CharField(max_length=200)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    time = models.TimeField(help_text="Local time (Europe/London)")
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    starts_on = models.DateField(
        help_text="The first meeting is the first chosen weekday on or after this date"
    )
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    place = models.CharField(max_length=250, blank=True, help_text="Where, or how to join")
    organisations = models.ManyToManyField(
        "directory.Organisation",
        related_name="meeting_series",
        help_text="The organisations that usually attend",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["locality__name", "name"]
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return self.name

    @property
    def schedule_text(self) -> str:
        day = Weekday(self.weekday).label
        when = f"{day}s" if self.every_weeks == 1 else f"{day} every {self.every_weeks} weeks"
        return f"{when} at {self.time:%H:%M}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"


OPEN_MEETING_STATUSES = frozenset({MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS})


class Meeting(BaseModel):
    """One joint referral meeting of a locality. Open (scheduled or in progress) until it
    closes: while open, each attending organisation has a care relationship with each
    person on its agenda (`meetings.services`), which ends when it closes."""

    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    locality = models.ForeignKey(
        "directory.Locality", on_delete=models.PROTECT, related_name="joint_meetings"
    )
    starts_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    place = models.CharField(max_length=250, blank=True)
    organisations = models.ManyToManyField(
        "directory.Organisation",
        related_name="joint_meetings",
        help_text="The organisations attending",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True, help_text="For the minutes: anything said in general")

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            # The schedule makes each meeting once, however often it runs.
            models.UniqueConstraint(
                fields=["series", "starts_at"],
                condition=Q(series__isnull=False),
                name="meeting_once_per_slot",
            )
        ]
        indexes = [models.Index(fields=["locality", "starts_at"], name="meeting_locality_time")]

    def __str__(self) -> str:
        return f"{self.locality} joint referral meeting, {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEETING_STATUSES


class Attendee(BaseModel):
    """A member of staff at the meeting, for the organisation and in the role they act as."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=30)

    class Meta:
        ordering = ["organisation__name", "user__last_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once")]


class ItemKind(models.TextChoices):
    REFERRAL = "referral", "Referral"
    CARE_PLAN_REVIEW = "care_plan_review", "Care plan review"


class ItemReason(models.TextChoices):
    # The referrals' queue reasons (referrals.models.MeetingQueueReason), and a review.
    BOUNCING = "bouncing", "Bouncing between services"
    DECLINED = "declined", "Declined, routed to the meeting"
    REFERRED = "referred", "Referred to the meeting"
    LIMBO = "limbo", "In limbo: past a target"
    REVIEW = "review", "Care plan review due"


# The order an agenda takes: people bouncing first, then the rest.
REASON_ORDER = {
    ItemReason.BOUNCING: 0,
    ItemReason.DECLINED: 1,
    ItemReason.REFERRED: 2,
    ItemReason.LIMBO: 3,
    ItemReason.REVIEW: 4,
}


class AgendaItem(BaseModel):
    """A person on a meeting's agenda: a referral journey routed to the meeting, stuck
    or bouncing (the locality's queue), or a care plan whose review is due.

    Person-level: `person` and `owning_organisation` (whose record it is — the owner of
    the referral, or of the care plan) are what the access policy reads. An item is on
    one open meeting only (`live`, cleared when the meeting closes)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    reasons = models.JSONField(default=list, help_text="ItemReason values, first the main one")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="meeting_items"
    )
    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # A referral item: the journey, and the referral of it the meeting decides on.
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    journey_id = models.UUIDField(null=True, blank=True)
    # A review item: the care plan (careplans.CarePlan's public id) and when it is due.
    care_plan_id = models.UUIDField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    live = models.BooleanField(default=True, help_text="Its meeting is still open")

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey_id"],
                condition=Q(live=True, journey_id__isnull=False),
                name="agenda_journey_on_one_open_meeting",
            ),
            models.UniqueConstraint(
                fields=["care_plan_id"],
                condition=Q(live=True, care_plan_id__isnull=False),
                name="agenda_care_plan_on_one_open_meeting",
            ),
            models.CheckConstraint(
                condition=Q(kind="referral", referral__isnull=False, journey_id__isnull=False)
                | Q(kind="care_plan_review", care_plan_id__isnull=False),
                name="agenda_item_has_its_subject",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "position"], name="agenda_meeting_position")]

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    def reason_labels(self) -> list[str]:
        return [ItemReason(r).label for r in self.reasons if r in ItemReason.values]


class DecisionKind(models.TextChoices):
    ALLOCATE = "allocate", "Allocate to one or more services"
    SIGNPOST = "signpost", "Signpost elsewhere"
    MORE_INFORMATION = "more_information", "More information needed"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class MeetingDecision(BaseModel):
    """What the meeting decided about an item: once, by a referral coordinator there.

    An allocation to services of two or more organisations is one joint offer."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    joint_offer = models.BooleanField(default=False)
    services = models.ManyToManyField("directory.Service", related_name="+", blank=True)
    reason = models.TextField(blank=True, help_text="The meeting's reasons, for the minutes")
    signposting = models.TextField(blank=True)
    # The referrals an allocation made: [{"id", "reference", "service", "organisation"}].
    new_referrals = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()


class MeetingAction(BaseModel):
    """Something someone agreed to do: an owner, their organisation and a due date;
    about one item (a person) or the meeting as a whole; marked done later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["due_on", "pk"]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
