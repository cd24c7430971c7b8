"""The shared service directory: who offers what, where, to whom, and how to refer.

The shape follows Open Referral UK (organization, service, location,
service_at_location, contact, schedule, taxonomy_term) so that import and publication
are a translation, not a remodelling. Eligibility and capacity are joinedup's own
(ORUK 3 has no fields for them) and are published as ORUK attributes.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from joinedup.core.models import BaseModel
from joinedup.directory import validators


class Locality(BaseModel):
    """A neighbourhood or primary care network that teams cover and offers are built for."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class Taxonomy(BaseModel):
    """A vocabulary of terms: joinedup's mental health and wellbeing needs, Five Ways..."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)
    # Tags (like the Five Ways to Wellbeing) describe a service; they are not needs.
    is_tag_set = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(BaseModel):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    LOCAL_AUTHORITY = "local_authority", "Local authority (social care)"
    PUBLIC_HEALTH = "public_health", "Public health"
    VCSE = "vcse", "Voluntary, community or social enterprise"
    INDEPENDENT = "independent", "Independent sector"


NHS_KINDS = frozenset({OrganisationKind.NHS_TRUST, OrganisationKind.GP_PRACTICE})
STATUTORY_KINDS = frozenset(
    {
        OrganisationKind.NHS_TRUST,
        OrganisationKind.GP_PRACTICE,
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.PUBLIC_HEALTH,
    }
)


class Reach(models.TextChoices):
    LOCAL = "local", "Local"
    NATIONAL = "national", "National"


class Organisation(BaseModel):
    name = models.CharField(max_length=250)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    reach = models.CharField(max_length=10, choices=Reach.choices, default=Reach.LOCAL)
    ods_code = models.CharField(
        "ODS code", max_length=6, blank=True, validators=[validators.validate_ods_code]
    )
    charity_number = models.CharField(
        max_length=10, blank=True, validators=[validators.validate_charity_number]
    )
    description = models.TextField()
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validators.validate_phone])
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="organisation_ods_unique",
            ),
            models.UniqueConstraint(
                fields=["charity_number"],
                condition=~models.Q(charity_number=""),
                name="organisation_charity_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_statutory(self) -> bool:
        return self.kind in STATUTORY_KINDS

    def clean(self) -> None:
        self.ods_code = validators.normalise_ods_code(self.ods_code)
        self.charity_number = validators.normalise_charity_number(self.charity_number)
        errors = {}
        if self.kind in NHS_KINDS and not self.ods_code:
            errors["ods_code"] = "An NHS organisation needs its ODS code"
        if self.kind == OrganisationKind.GP_PRACTICE and self.ods_code:
            try:
                validators.validate_gp_practice_ods_code(self.ods_code)
            except ValidationError as exc:
                errors["ods_code"] = exc.messages[0]
        if self.phone:
            try:
                self.phone = validators.normalise_phone(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)


class Location(BaseModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations", null=True, blank=True
    )
    name = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    address_1 = models.CharField("Address line 1", max_length=250)
    address_2 = models.CharField("Address line 2", max_length=250, blank=True)
    city = models.CharField("Town or city", max_length=100)
    region = models.CharField("County", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, validators=[validators.validate_postcode])
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accessibility = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, accessible toilet and so on"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"

    def clean(self) -> None:
        self.postcode = validators.normalise_postcode(self.postcode)


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class CapacityStatus(models.TextChoices):
    """The HL7 Gravity SDOH capacity codes (DESIGN.md §7)."""

    CAPACITY = "capacity", "Has capacity"
    NO_CAPACITY = "no-capacity", "No capacity"
    WAITLIST = "waitlist", "Waiting list"
    ADDITIONAL_ASSESSMENT_REQUIRED = (
        "additional-assessment-required",
        "Additional assessment required",
    )


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        """Services a referrer may be shown: not defunct."""
        return self.exclude(status=ServiceStatus.DEFUNCT)


class Service(BaseModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=250)
    description = models.TextField()
    url = models.URLField("Website", blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validators.validate_phone])
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    fees = models.TextField(blank=True, help_text="Leave blank if the service is free")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, related_name="services", blank=True)
    # Eligibility
    minimum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    maximum_age = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(130)]
    )
    eligibility_criteria = models.TextField(blank=True)
    localities = models.ManyToManyField(Locality, related_name="services", blank=True)
    # How to refer
    accepts_professional_referrals = models.BooleanField(default=True)
    accepts_self_referrals = models.BooleanField(default=False)
    accepting_referrals = models.BooleanField(default=True)
    referral_instructions = models.TextField(blank=True)
    capacity_status = models.CharField(
        max_length=40, choices=CapacityStatus.choices, default=CapacityStatus.CAPACITY
    )
    waiting_time_days = models.PositiveIntegerField(
        "Current waiting time in days", null=True, blank=True
    )
    # A joint offer is delivered by several partners together (seed 002).
    is_joint_offer = models.BooleanField(default=False)
    joint_partners = models.ManyToManyField(Organisation, related_name="joint_offers", blank=True)
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="services", blank=True
    )
    # What full-text search reads: kept by services.service_refresh_search_document.
    # On PostgreSQL a trigger keeps search_vector from it; on SQLite an FTS5 table does.
    search_document = models.TextField(default="", editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    history = HistoricalRecords(m2m_fields=[taxonomy_terms, localities])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "accepting_referrals"], name="service_status_accepting"),
            models.Index(fields=["waiting_time_days"], name="service_waiting"),
            models.Index(fields=["organisation", "name"], name="service_org_name"),
            # Search without text lists active services by name: this index lets the
            # page query walk them in order and stop at the page (DESIGN.md §9).
            models.Index(
                fields=["name", "id"],
                condition=models.Q(status="active"),
                name="service_active_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(accepts_professional_referrals=True)
                | models.Q(accepts_self_referrals=True)
                | models.Q(accepting_referrals=False),
                name="service_accepting_needs_a_route",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            errors["maximum_age"] = (
                "The maximum age must be the same as or more than the minimum age"
            )
        if self.accepting_referrals and not (
            self.accepts_professional_referrals or self.accepts_self_referrals
        ):
            errors["accepting_referrals"] = (
                "A service that is accepting referrals needs at least one referral route: "
                "professional or self-referral"
            )
        if self.phone:
            try:
                self.phone = validators.normalise_phone(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)


class ServiceAtLocation(BaseModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="at_services")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]


class Contact(BaseModel):
    """A named contact for a service or an organisation (not a person receiving care)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="contacts", null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    title = models.CharField("Job title", max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validators.validate_phone])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(organisation__isnull=False),
                name="contact_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.TextChoices):
    MO = "MO", "Monday"
    TU = "TU", "Tuesday"
    WE = "WE", "Wednesday"
    TH = "TH", "Thursday"
    FR = "FR", "Friday"
    SA = "SA", "Saturday"
    SU = "SU", "Sunday"


class Schedule(BaseModel):
    """Opening hours: one row per day and time slot, as an ORUK weekly schedule."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.CharField(max_length=2, choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    description = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["service", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="schedule_opens_before_closes",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class DirectoryChange(models.Model):
    """The search cache's version stamp: a row per transaction that changed the directory.

    Database triggers (migration 0004, `search.STAMP_*`) write it on every insert,
    update, delete or truncate of the tables search results depend on, whoever writes:
    services, the admin, the ORUK import, bulk loads, even psql. The stamp is a digest of
    the rows, so it changes when, and only when, such a transaction commits.
    """

    txid = models.BigIntegerField(primary_key=True)
    token = models.CharField(max_length=36)

    class Meta:
        db_table = "directory_change"

    def __str__(self) -> str:
        return f"directory change {self.txid}"
