"""Activity: the contacts every partner delivers, group sessions with their attendance
register, and the partnership's evaluation framework that counts them on one scale
(issue 5; seed 000, "Evaluation": activity "measured equitably with organisations that
run groups or day centres" as with those that run clinics and in-patient units).

A `Contact` is person-level data of the category `activity`: every read goes through
`joinedup.access.record.record_visibility` (staff) or `record.own_records` (the
person's portal), every write through `activity.services`. A `GroupSession` names no
person; its register is the contacts linked to it, one per person.

An `EvaluationFramework` is data, kept in the admin: its `UnitDefinition`s say what
counts (which attendance, which kinds of contact) and how much (one per person-contact,
or the contact's hours, with a weight or fixed hours per kind). The built-in framework
(migration 0002) counts person-contacts and hours of support; a partnership that records
its own framework is counted by it instead.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from joinedup.core.models import BaseModel


class ContactKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one appointment"
    GROUP = "group", "Group session"
    DAY_CENTRE = "day_centre", "Day-centre visit"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    BEFRIENDING = "befriending", "Befriending visit"
    HOME_VISIT = "home_visit", "Home visit"
    INPATIENT_DAY = "inpatient_day", "In-patient day"


class SessionKind(models.TextChoices):
    """The kinds of contact a group session's register records."""

    GROUP = ContactKind.GROUP.value, "Group session"
    DAY_CENTRE = ContactKind.DAY_CENTRE.value, "Day-centre session"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED_BY_PERSON = "cancelled_by_person", "Cancelled by the person"
    CANCELLED_BY_SERVICE = "cancelled_by_service", "Cancelled by the service"


# A contact lasts from a minute to a day: an in-patient day is 1,440 minutes, and a
# framework may count it as fewer hours of support with a per-kind weight.
MIN_DURATION_MINUTES = 1
MAX_DURATION_MINUTES = 24 * 60
NOTE_MAX_LENGTH = 250
PERSON_NOT_FOUND = "There is no such person, or your team has no care relationship with them"
SESSION_NOT_FOUND = "There is no such group session, or it is not your organisation's"


def _duration_in_bounds(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(duration_minutes__gte=MIN_DURATION_MINUTES)
        & Q(duration_minutes__lte=MAX_DURATION_MINUTES),
        name=f"{prefix}_duration_in_bounds",
    )


class GroupSession(BaseModel):
    """One meeting of a group or one day-centre session, run by an organisation as one
    of its services; its register is the contacts linked to it."""

    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="group_sessions"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="group_sessions"
    )
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="group_sessions_facilitated", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="group_sessions_created"
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["owning_organisation", "starts_at"], name="session_org_start"),
            models.Index(fields=["service", "title", "starts_at"], name="session_series"),
        ]
        constraints = [
            _duration_in_bounds("session"),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="session_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d %b %Y})"


class Contact(BaseModel):
    """One contact between a partner and a person: an appointment, a visit, a call, a
    day in hospital, or the person's line of a group session's register."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="activity_contacts"
    )
    # The organisation that delivered it, whose record it is.
    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="activity_contacts"
    )
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        related_name="activity_contacts",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity_contacts"
    )
    group_session = models.ForeignKey(
        GroupSession,
        on_delete=models.PROTECT,
        related_name="register",
        null=True,
        blank=True,
    )
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            # The units of an organisation's period (and, later, the rollups that replace
            # that live aggregate for the KPI dashboard over 10 million contacts).
            models.Index(fields=["owning_organisation", "starts_at"], name="contact_org_start"),
            models.Index(fields=["person", "starts_at"], name="contact_person_start"),
        ]
        constraints = [
            # A register has one line per person: saving it again updates that line.
            models.UniqueConstraint(
                fields=["group_session", "person"],
                condition=Q(group_session__isnull=False),
                name="contact_once_per_session",
            ),
            _duration_in_bounds("contact"),
            models.CheckConstraint(
                condition=Q(kind__in=ContactKind.values), name="contact_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="contact_attendance_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.starts_at:%d %b %Y}"


# --- The evaluation framework: equitable units, as data --------------------------------


class FrameworkQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(
            Q(in_force_from__lte=day), Q(in_force_to__isnull=True) | Q(in_force_to__gte=day)
        )


class EvaluationFramework(BaseModel):
    """The units a partnership agreed to count activity in. One with no partnership is
    the built-in framework, which counts for every partnership that has none of its own."""

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        related_name="evaluation_frameworks",
        null=True,
        blank=True,
        help_text="Leave empty for the built-in framework used by partnerships without one",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    in_force_from = models.DateField()
    in_force_to = models.DateField(null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_to__isnull=True)
                | Q(in_force_to__gte=models.F("in_force_from")),
                name="framework_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_built_in(self) -> bool:
        return self.partnership_id is None


class Measure(models.TextChoices):
    CONTACTS = "contacts", "One for each person-contact counted"
    HOURS = "hours", "The contact's hours, for each person"


def _choices_list(values, allowed, what: str) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(f"Give a list of {what}")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(f"Not {what}: {', '.join(unknown)}")


class UnitDefinition(BaseModel):
    """One unit of the framework: which contacts count, and how much each counts."""

    framework = models.ForeignKey(
        EvaluationFramework, on_delete=models.CASCADE, related_name="units"
    )
    code = models.SlugField(max_length=50, help_text='e.g. "person_contacts", "support_hours"')
    label = models.CharField(max_length=100)
    measure = models.CharField(max_length=10, choices=Measure.choices)
    statuses = models.JSONField(
        default=list, help_text="The attendance that counts, e.g. attended only"
    )
    kinds = models.JSONField(
        default=list, blank=True, help_text="The kinds of contact that count; none means every kind"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unit_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework}: {self.label}"

    def describe(self) -> str:
        """What counts and how much, in words (the activity page's explanation)."""
        statuses = " or ".join(
            Attendance(s).label.lower() for s in self.statuses if s in Attendance.values
        )
        kinds = (
            ", ".join(ContactKind(k).label.lower() for k in self.kinds if k in ContactKind.values)
            if self.kinds
            else "every kind"
        )
        words = f"{Measure(self.measure).label}, for contacts {statuses}, of {kinds}."
        for weight in self.weights.all():
            if weight.fixed_hours is not None and self.measure == Measure.HOURS:
                words += f" {weight.get_kind_display()}: {float(weight.fixed_hours):g} hours each."
            else:
                words += f" {weight.get_kind_display()}: counts × {float(weight.weight):g}."
        return words

    def clean(self) -> None:
        errors = {}
        for field, allowed, what in (
            ("statuses", Attendance.values, "attendance statuses"),
            ("kinds", ContactKind.values, "kinds of contact"),
        ):
            try:
                _choices_list(getattr(self, field), allowed, what)
            except ValidationError as exc:
                errors[field] = exc.messages
        if not errors.get("statuses") and not self.statuses:
            errors["statuses"] = ["Choose at least one attendance status that counts"]
        if errors:
            raise ValidationError(errors)


class UnitWeight(BaseModel):
    """How much one contact of a kind counts in a unit, where it is not the plain
    amount: a weight multiplies it (a phone call counting half), and for a unit of hours
    `fixed_hours` replaces the duration (an in-patient day counting 7.5 hours)."""

    unit = models.ForeignKey(UnitDefinition, on_delete=models.CASCADE, related_name="weights")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    fixed_hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Units of hours only: each contact of this kind counts these hours",
    )

    class Meta:
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="unit_weight_once_per_kind"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="unit_weight_not_negative"),
            models.CheckConstraint(
                condition=Q(fixed_hours__isnull=True) | Q(fixed_hours__gte=0),
                name="unit_fixed_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in {self.unit.label}"

    def clean(self) -> None:
        if self.fixed_hours is not None and self.unit_id and self.unit.measure != Measure.HOURS:
            raise ValidationError({"fixed_hours": "Only a unit of hours counts fixed hours"})
