"""Care plans co-produced with the person (issue 5; DESIGN.md §2 "Care plan").

A `CarePlan` is the plan as it stands now: what matters and the goals in the person's
own words, strengths, the offers of care, the crisis and contingency plan, the review
date, and the care team (with its single point of contact and care coordinator). Every
change that is saved makes a `CarePlanVersion`, an immutable snapshot of all of it, so
the page can show what changed between any version and the one before; the person's
agreement (`CarePlanAgreement`) is given to one version, so a new version needs agreeing
again.

Care plans are person-level data of the category `care_plan`: every read goes through
`joinedup.access.record.record_visibility` (staff) or `own_records` (the person), every
write through `careplans.services`. The admin registers only the coordinator rules.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from joinedup.careplans.diffs import HEADINGS
from joinedup.core.models import BaseModel
from joinedup.directory.models import OrganisationKind


class CoordinatorRuleKind(models.TextChoices):
    STATUTORY_ONLY = "statutory_only", "Staff of statutory organisations only (the default)"
    ANY_PARTNER = "any_partner", "Staff of any member organisation of the partnership"
    NAMED_KINDS = "named_kinds", "Staff of the kinds of organisation named"


class CoordinatorRule(BaseModel):
    """Who may be a care coordinator in a partnership's care plans.

    Under the Care Programme Approach care coordination was a statutory role, and seed
    000 records voluntary sector staff rightly declining it; NHS England's Community
    Mental Health Framework left it to local agreement. So the rule is data: a
    partnership without a row here keeps the default (statutory staff only), and one
    that agrees otherwise records it here (in the admin).
    """

    partnership = models.OneToOneField(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="coordinator_rule"
    )
    rule = models.CharField(
        max_length=20,
        choices=CoordinatorRuleKind.choices,
        default=CoordinatorRuleKind.STATUTORY_ONLY,
    )
    kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="For 'the kinds of organisation named': which kinds, e.g. nhs_trust, vcse",
    )
    agreed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Where and why the partnership agreed it")

    class Meta:
        ordering = ["partnership__name"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_rule_display()}"

    def clean(self) -> None:
        kinds = self.kinds if isinstance(self.kinds, list) else None
        if kinds is None or any(k not in OrganisationKind.values for k in kinds):
            raise ValidationError({"kinds": "Name kinds of organisation from the list"})
        if self.rule == CoordinatorRuleKind.NAMED_KINDS and not kinds:
            raise ValidationError({"kinds": "Name at least one kind of organisation"})
        if self.rule != CoordinatorRuleKind.NAMED_KINDS:
            self.kinds = []


class CarePlan(BaseModel):
    """A person's care plan, as it stands (its latest version). One per person for each
    owning organisation: the organisation of whoever made it."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="care_plans")
    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="care_plans"
    )
    # The joint referral meeting of this locality reviews the plan when it is due.
    locality = models.ForeignKey(
        "directory.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_plans",
    )
    version = models.PositiveIntegerField(default=1)
    what_matters = models.TextField("What matters to me", help_text="In the person's own words")
    goals = models.TextField("My goals", help_text="In the person's own words")
    strengths = models.TextField("My strengths", blank=True)
    crisis_plan = models.TextField("Crisis and contingency plan")
    review_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_plans_made"
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "owning_organisation"], name="care_plan_one_per_organisation"
            )
        ]
        indexes = [
            # The joint referral meeting's agenda: plans of a locality due for review.
            models.Index(fields=["locality", "review_date"], name="care_plan_review_due"),
        ]

    def __str__(self) -> str:
        return f"Care plan {self.public_id} (version {self.version})"


class CarePlanOffer(BaseModel):
    """One offer of care: a service from the directory, its organisation, the named
    worker (if any) and how often."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="offers")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="care_plan_offers"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="care_plan_offers"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_plan_offers",
    )
    frequency = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]


class CareTeamMember(BaseModel):
    """An organisation (or one worker of it) in the person's care team, with its role.
    One member is the single point of contact; one (a named worker) the care coordinator."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="care_team")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="care_team_places"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_team_places",
    )
    role = models.CharField(max_length=100)
    is_single_point_of_contact = models.BooleanField(default=False)
    is_care_coordinator = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(is_single_point_of_contact=True),
                name="care_team_one_single_point_of_contact",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(is_care_coordinator=True),
                name="care_team_one_care_coordinator",
            ),
            models.CheckConstraint(
                condition=Q(is_care_coordinator=False) | Q(user__isnull=False),
                name="care_coordinator_is_named",
            ),
            models.UniqueConstraint(
                fields=["plan", "organisation"],
                condition=Q(user__isnull=True),
                name="care_team_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["plan", "organisation", "user"],
                condition=Q(user__isnull=False),
                name="care_team_worker_once",
            ),
        ]


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("A care plan version is never changed: save a new one")

    def delete(self):
        raise PermissionError("A care plan version is never deleted")


class CarePlanVersion(models.Model):
    """What the plan said at one version, whole (`content`), and who saved it. Written
    once by `careplans.services`; never changed or deleted."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # Which sections changed from the version before (for lists; the diff is computed).
    changed = models.JSONField(default=list, blank=True)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="care_plan_version_once")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.plan_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("A care plan version is never changed: save a new one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A care plan version is never deleted")

    @property
    def changed_headings(self) -> list[str]:
        return [HEADINGS.get(key, key) for key in self.changed or ()]


class AgreementHow(models.TextChoices):
    PORTAL = "portal", "Signed by the person in their own account"
    VERBAL = "verbal", "Agreed verbally, recorded by staff"


class CarePlanAgreement(BaseModel):
    """The person's agreement to one version of their plan."""

    version = models.OneToOneField(
        CarePlanVersion, on_delete=models.PROTECT, related_name="agreement"
    )
    how = models.CharField(max_length=10, choices=AgreementHow.choices)
    agreed_at = models.DateTimeField()
    # The person's own account (portal), or the member of staff who recorded it.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(how="portal") | Q(recorded_by_organisation__isnull=False),
                name="care_plan_verbal_agreement_recorded_by_staff",
            )
        ]


class CarePlanComment(BaseModel):
    """What the person said about their plan, from the portal; staff read it on the plan."""

    plan = models.ForeignKey(CarePlan, on_delete=models.PROTECT, related_name="comments")
    version_number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["plan", "created_at", "pk"]
