"""People receiving care, their record, consents and care relationships.

Every read of these models goes through `joinedup.access.policy` (an architecture
test enforces it): no other module queries them directly.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.access.categories import Category
from joinedup.core.models import BaseModel
from joinedup.directory.validators import validate_postcode
from joinedup.people.validators import validate_nhs_number


class PreferredChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    SMS = "sms", "Text message"
    LETTER = "letter", "Letter"
    PORTAL = "portal", "Online (joinedup portal)"


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary ETHNIC CATEGORY (2001 census classification)."""

    A = "A", "White – British"
    B = "B", "White – Irish"
    C = "C", "White – any other White background"
    D = "D", "Mixed – White and Black Caribbean"
    E = "E", "Mixed – White and Black African"
    F = "F", "Mixed – White and Asian"
    G = "G", "Mixed – any other mixed background"
    H = "H", "Asian or Asian British – Indian"
    J = "J", "Asian or Asian British – Pakistani"
    K = "K", "Asian or Asian British – Bangladeshi"
    L = "L", "Asian or Asian British – any other Asian background"
    M = "M", "Black or Black British – Caribbean"
    N = "N", "Black or Black British – African"
    P = "P", "Black or Black British – any other Black background"
    R = "R", "Other ethnic groups – Chinese"
    S = "S", "Other ethnic groups – any other ethnic group"
    Z = "Z", "Not stated"


class GenderIdentity(models.TextChoices):
    """NHS Data Dictionary GENDER IDENTITY CODE."""

    MALE = "1", "Male (including trans man)"
    FEMALE = "2", "Female (including trans woman)"
    NON_BINARY = "3", "Non-binary"
    OTHER = "4", "Other (not listed)"
    NOT_KNOWN = "X", "Not known"
    NOT_STATED = "Z", "Not stated"


class SexualOrientation(models.TextChoices):
    """NHS Data Dictionary SEXUAL ORIENTATION CODE."""

    HETEROSEXUAL = "1", "Heterosexual or straight"
    GAY_LESBIAN = "2", "Gay or lesbian"
    BISEXUAL = "3", "Bisexual"
    OTHER = "4", "Other sexual orientation not listed"
    UNSURE = "U", "Person asked and does not know or is not sure"
    NOT_STATED = "Z", "Not stated"
    NOT_KNOWN = "9", "Not known"


class Person(BaseModel):
    """One person, one record across partners (duplicate detection on creation)."""

    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number]
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=PreferredChannel.choices, blank=True
    )
    address_1 = models.CharField("Address line 1", max_length=250, blank=True)
    address_2 = models.CharField("Address line 2", max_length=250, blank=True)
    city = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    gp_practice = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_people",
    )
    communication_needs = models.TextField(
        blank=True, help_text="e.g. interpreter, British Sign Language, easy read"
    )
    accessibility_needs = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=100, blank=True)
    interpreter_required = models.BooleanField(null=True, blank=True)
    # Equality monitoring: every field optional; a person may decline any of them.
    ethnic_category = models.CharField(max_length=1, choices=EthnicCategory.choices, blank=True)
    gender_identity = models.CharField(max_length=1, choices=GenderIdentity.choices, blank=True)
    sexual_orientation = models.CharField(
        max_length=1, choices=SexualOrientation.choices, blank=True
    )
    has_disability = models.BooleanField(null=True, blank=True)
    created_by_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="people_added"
    )
    # The person's own portal account, once they have one.
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"], condition=~Q(nhs_number=""), name="person_nhs_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "date_of_birth"], name="person_name_dob"),
            # The people list's order, so its first page is read in order and stops at 50.
            models.Index(fields=["family_name", "given_name", "id"], name="person_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class RelatedPerson(BaseModel):
    """A carer or relative, with their own consent to be contacted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="related_people")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    is_carer = models.BooleanField(default=False)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    consents_to_contact = models.BooleanField(default=False)
    consent_recorded_on = models.DateField(null=True, blank=True)


class RecordEntryQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError(
            "Record entries are never deleted: the retention rules erase them, leaving a "
            "trace (people.services.retention_apply)"
        )


class RecordEntry(BaseModel):
    """One entry of a person's record. Corrected by a new version, never edited in place;
    never deleted, only erased by the retention rules (the row stays, with the trace)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="entries")
    category = models.CharField(max_length=20, choices=Category.choices)
    owning_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="record_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_entries"
    )
    author_role = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    sealed = models.BooleanField(
        default=False, help_text="Only clinicians of the author's organisation may read it"
    )
    # Withheld from the person's own view (third-party or safeguarding information).
    withheld_from_person = models.BooleanField(default=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=250, blank=True)
    # Set only by the retention workflow; the row stays as a stub with this trace.
    erased_at = models.DateTimeField(null=True, blank=True)
    erasure_reason = models.CharField(max_length=250, blank=True)

    objects = RecordEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "record entries"
        indexes = [
            models.Index(fields=["person", "category", "owning_organisation"], name="entry_access"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.title}"

    def delete(self, *args, **kwargs):
        return RecordEntry.objects.none().delete()  # refused, with the reason


class ConsentState(models.TextChoices):
    """A confidentiality permission state, not GDPR consent (DESIGN §5)."""

    EXPLICIT = "explicit", "Explicit consent"
    IMPLIED = "implied", "Implied consent (direct care)"
    OBJECTION = "objection", "Objection"
    OVERRIDE = "override", "Override (recorded decision to share without consent)"


# The decisions a person records, and withdraws, themselves in the portal: implied
# consent and overrides are the care team's.
PERSON_DECISIONS = (ConsentState.EXPLICIT, ConsentState.OBJECTION)


class HowGiven(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    WRITTEN = "written", "In writing"
    ONLINE = "online", "Online, by the person"


class ConsentQuerySet(models.QuerySet):
    def active_at(self, moment):
        return self.filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment),
            Q(expires_at__isnull=True) | Q(expires_at__gt=moment),
            recorded_at__lte=moment,
        )


class Consent(BaseModel):
    """The person's permission or objection for one category and one scope.

    One decision covering several categories is several rows sharing `decision_id`,
    so the policy filters with a plain indexed join.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    decision_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    state = models.CharField(max_length=10, choices=ConsentState.choices)
    how_given = models.CharField(max_length=10, choices=HowGiven.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents_recorded"
    )
    recorded_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_withdrawn",
    )
    note = models.CharField(max_length=250, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partnership__isnull=False) & Q(organisation__isnull=True))
                | (Q(partnership__isnull=True) & Q(organisation__isnull=False)),
                name="consent_has_one_scope",
            )
        ]
        indexes = [models.Index(fields=["person", "category", "state"], name="consent_lookup")]


class RelationshipKind(models.TextChoices):
    REFERRAL = "referral", "Referred to the team"
    ALLOCATION = "allocation", "Allocated to the team"
    CASELOAD = "caseload", "On the team's caseload"
    CARE_TEAM = "care_team", "In the care team"
    # The organisations at a joint referral meeting, for the people on its agenda, while
    # the meeting is open (issue 5).
    JOINT_MEETING = "joint_meeting", "On a joint referral meeting's agenda"


class CareRelationshipQuerySet(models.QuerySet):
    def active_at(self, moment):
        return self.filter(Q(until__isnull=True) | Q(until__gt=moment), since__lte=moment)


class CareRelationship(BaseModel):
    """Why a team (or one worker) may see a person: DESIGN §5 rule 5."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="care_relationships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="care_relationships",
        help_text="Set when the relationship is the worker's own, not the whole team's",
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=250)
    source = models.CharField(
        max_length=100, blank=True, help_text="What created it, e.g. referral:<uuid>"
    )

    objects = CareRelationshipQuerySet.as_manager()

    class Meta:
        indexes = [
            # Rule 5 asks it of every person a list shows, and of a whole caseload for the
            # list's count: the dates and worker are in the index, so neither reads the table.
            models.Index(
                fields=["organisation", "person"],
                include=["since", "until", "user"],
                name="relationship_team_covering",
            ),
            models.Index(fields=["user", "person"], name="relationship_user"),
            # What a source started and is still open (`relationship_end_by_source`: every
            # referral that closes, every meeting): without it, a scan of every
            # relationship (290 ms at ICS size, 2 million rows) for each.
            models.Index(
                fields=["source"],
                condition=Q(until__isnull=True),
                name="relationship_open_by_source",
            ),
        ]


class RetentionRule(BaseModel):
    """How long the partnership keeps each category of the record after the person's
    last contact with any partner (the Records Management Code of Practice sets the
    periods; the IG lead keeps these rows). `people.services.retention_apply` erases
    what has passed its period, leaving each entry as a stub with the trace."""

    category = models.CharField(max_length=20, choices=Category.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        help_text="Years after the person's last contact with any partner"
    )
    source = models.CharField(
        max_length=250, help_text="Where the period comes from, e.g. the Code of Practice"
    )

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.years} years"
