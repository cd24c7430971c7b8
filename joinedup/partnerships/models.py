"""Partnerships, their members, and information-sharing agreements.

Only what the shared record needs for now (issue 3); full partnership management
(domains, opportunities, budgets, self-assessment) grows here later.
"""

from django.db import models
from django.db.models import Q

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.core.models import BaseModel


class PartnershipModel(models.TextChoices):
    """The four models of partnership of the Bridge network (seed 003)."""

    NETWORKING = "networking", "Networking"
    REFERRAL_SYSTEM = "referral_system", "Referral system"
    CONSORTIUM = "consortium", "Consortium"
    MULTI_AGENCY = "multi_agency", "Multi-agency working"


class Partnership(BaseModel):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    model = models.CharField(max_length=30, choices=PartnershipModel.choices)
    aim = models.TextField("Shared vision", blank=True)
    lead_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="partnerships_led"
    )
    review_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipMemberQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gte=day))


class PartnershipMember(BaseModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="partnership_memberships"
    )
    responsibilities = models.TextField(blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    objects = PartnershipMemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnership_member_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="partnership_member_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class Purpose(models.TextChoices):
    DIRECT_CARE = "direct_care", "Direct care"
    SAFEGUARDING = "safeguarding", "Safeguarding"


class LawfulBasis(models.TextChoices):
    """What a sharing rule relies on. For direct care: UK GDPR Art 6(1)(e) and 9(2)(h),
    with the common-law duty of confidentiality met by implied consent (DESIGN §5)."""

    DIRECT_CARE = (
        "direct_care",
        "Direct care (public task; health and social care; implied consent)",
    )
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent"
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (safeguarding)"


class AgreementQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class InformationSharingAgreement(BaseModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    title = models.CharField(max_length=250)
    purpose = models.CharField(max_length=30, choices=Purpose.choices, default=Purpose.DIRECT_CARE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    approved_by = models.CharField(
        max_length=250, blank=True, help_text="e.g. the Caldicott guardians"
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="isa_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SharingRule(BaseModel):
    """Members acting in `role` may see `category` of each other's records under the ISA."""

    agreement = models.ForeignKey(
        InformationSharingAgreement, on_delete=models.CASCADE, related_name="rules"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    role = models.CharField(max_length=30, choices=Role.choices)
    lawful_basis = models.CharField(
        max_length=30, choices=LawfulBasis.choices, default=LawfulBasis.DIRECT_CARE
    )
    explicit_consent_required = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "category", "role"], name="sharing_rule_unique"
            ),
            # Relying on explicit consent means asking for it.
            models.CheckConstraint(
                condition=~Q(lawful_basis="explicit_consent") | Q(explicit_consent_required=True),
                name="sharing_rule_consent_basis_requires_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} may see {self.get_category_display()}"
