"""Outcome measures as data (issue 5): a `Measure` with its `MeasureItem`s and a scoring
definition, and the `OutcomeRecord`s of people who completed one.

Adding a measure is a data change (data/measures.json, `joinedup outcome-measure-define`,
or `services.measure_define`), never code: `scoring.parse` reads any definition.

Outcome records are person-level data of the category `outcomes`: every read goes
through `joinedup.access.record` (`record_visibility` for staff, `own_records` for the
person's portal), every write through `outcomes.services`, which scores the answers
and stores the scores, bands and flags on the row.
"""

from django.conf import settings
from django.db import models

from joinedup.core.models import BaseModel
from joinedup.outcomes import scoring as rules


class Measure(BaseModel):
    """A questionnaire and how it is scored. Not person-level: anyone on staff reads it."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50)
    version = models.CharField(max_length=50, help_text="Of the published questionnaire")
    instructions = models.TextField(blank=True)
    licence = models.TextField(blank=True, help_text="Its licence and where it comes from")
    source_url = models.URLField(blank=True)
    # The person may complete it themselves in the portal.
    self_report = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    # {"scores": [...], "flags": [...]}: see joinedup.outcomes.scoring.
    scoring = models.JSONField(default=dict)

    class Meta:
        ordering = ["order", "short_name"]

    def __str__(self) -> str:
        return self.short_name

    def definition(self) -> rules.Definition:
        """The measure as `scoring` reads it (items from `items.all()`: prefetch them)."""
        return rules.parse([item.as_definition() for item in self.items.all()], self.scoring)


class MeasureItem(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=50)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    min_value = models.SmallIntegerField()
    max_value = models.SmallIntegerField()
    # [{"value": 0, "label": "Not at all"}, ...]: one per whole number from min to max.
    options = models.JSONField(default=list)
    not_applicable = models.BooleanField(
        default=False, help_text="May be answered 'not applicable' (left out of a mean)"
    )

    class Meta:
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "key"], name="outcome_item_key"),
            models.UniqueConstraint(fields=["measure", "number"], name="outcome_item_number"),
            models.CheckConstraint(
                condition=models.Q(min_value__lt=models.F("max_value")),
                name="outcome_item_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.number}. {self.text[:50]}"

    def as_definition(self) -> dict:
        return {
            "key": self.key,
            "text": self.text,
            "min": self.min_value,
            "max": self.max_value,
            "options": self.options,
            "not_applicable": self.not_applicable,
        }


class Occasion(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    REVIEW = "review", "Review"
    DISCHARGE = "discharge", "Discharge"


class OutcomeRecord(BaseModel):
    """One completed measure: the answers as given, and what the scoring service made of
    them when it was saved (scores, bands, flags). Never edited: a mistake is put right
    by recording the measure again."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="outcome_records"
    )
    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="outcome_records"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="records")
    measure_version = models.CharField(max_length=50)
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    completed_at = models.DateTimeField()
    # Who entered it: a member of staff, or the person's own portal account.
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_records",
    )
    completed_by_person = models.BooleanField(default=False)
    answers = models.JSONField(default=dict)  # {item key: whole number, or null}
    scores = models.JSONField(default=dict)  # {score key: number or null}
    bands = models.JSONField(default=dict)  # {score key: band label}
    flags = models.JSONField(default=list, blank=True)  # [{key, item, message}]

    class Meta:
        ordering = ["completed_at", "pk"]
        indexes = [
            models.Index(fields=["person", "measure", "completed_at"], name="outcome_person"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.occasion} {self.completed_at:%Y-%m-%d}"
