"""The roles a member of a partner organisation acts in (DESIGN.md §5)."""

from django.db import models


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", "Volunteer"
    PEER_WORKER = "peer_worker", "Peer worker"
    PRACTITIONER = "practitioner", "Practitioner"
    CLINICIAN = "clinician", "Clinician"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    REFERRAL_COORDINATOR = "referral_coordinator", "Referral coordinator"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    COMMISSIONER = "commissioner", "Commissioner"
    IG_LEAD = "ig_lead", "Information governance lead"
    ADMIN = "admin", "Administrator"


# Staff who keep their own organisation's entries in the directory up to date.
# Volunteers, peer workers and commissioners read the directory but do not edit it.
DIRECTORY_EDITORS_OF_OWN_ORGANISATION = frozenset(
    {
        Role.PRACTITIONER,
        Role.CLINICIAN,
        Role.CARE_COORDINATOR,
        Role.SAFEGUARDING_LEAD,
        Role.REFERRAL_COORDINATOR,
        Role.IG_LEAD,
    }
)
# Roles that look after the whole partnership's directory, whichever organisation they act for.
DIRECTORY_EDITORS_OF_ANY_ORGANISATION = frozenset({Role.PARTNERSHIP_LEAD, Role.ADMIN})
