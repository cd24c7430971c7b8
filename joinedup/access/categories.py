"""Record categories and which roles may see each (DESIGN.md §5, rule 1).

The table is the partnership's answer to seed 000's questions — can voluntary-sector
staff see what statutory staff see? can volunteers? — written once, as data, so the
policy and its tests read the same thing.
"""

from django.db import models

from joinedup.access.roles import Role


class Category(models.TextChoices):
    CONTACT = "contact", "Contact details"
    DEMOGRAPHICS = "demographics", "Demographics"
    REFERRAL = "referral", "Referrals"
    CARE_PLAN = "care_plan", "Care plan"
    ACTIVITY = "activity", "Activity and contacts"
    OUTCOMES = "outcomes", "Outcome measures"
    RISK = "risk", "Risk"
    CLINICAL = "clinical", "Clinical notes"
    SAFEGUARDING = "safeguarding", "Safeguarding"


_C = Category
# Volunteers and peer workers see just enough to do their work: how to reach the person
# and the shared plan, never clinical notes, risk detail or safeguarding (DESIGN §1, §5).
# Commissioners, partnership leads, IG leads and administrators see no person-level
# record at all through this route: aggregates, agreements and audits are theirs.
CATEGORIES_BY_ROLE: dict[Role, frozenset[Category]] = {
    Role.VOLUNTEER: frozenset({_C.CONTACT, _C.CARE_PLAN, _C.ACTIVITY}),
    Role.PEER_WORKER: frozenset(
        {_C.CONTACT, _C.DEMOGRAPHICS, _C.CARE_PLAN, _C.ACTIVITY, _C.OUTCOMES}
    ),
    Role.PRACTITIONER: frozenset(
        {_C.CONTACT, _C.DEMOGRAPHICS, _C.REFERRAL, _C.CARE_PLAN, _C.ACTIVITY, _C.OUTCOMES, _C.RISK}
    ),
    Role.REFERRAL_COORDINATOR: frozenset(
        {_C.CONTACT, _C.DEMOGRAPHICS, _C.REFERRAL, _C.CARE_PLAN, _C.RISK}
    ),
    Role.CLINICIAN: frozenset(set(_C) - {_C.SAFEGUARDING}),
    Role.CARE_COORDINATOR: frozenset(set(_C) - {_C.SAFEGUARDING}),
    Role.SAFEGUARDING_LEAD: frozenset(_C),
    Role.PARTNERSHIP_LEAD: frozenset(),
    Role.COMMISSIONER: frozenset(),
    Role.IG_LEAD: frozenset(),
    Role.ADMIN: frozenset(),
}

# Roles whose members may read an entry its author sealed, within the author's organisation.
SEALED_READERS = frozenset({Role.CLINICIAN, Role.CARE_COORDINATOR, Role.SAFEGUARDING_LEAD})
# Only clinicians may break glass (DESIGN §5); commissioners and volunteers never.
BREAK_GLASS_ROLES = frozenset({Role.CLINICIAN})


def categories_for(role: str) -> frozenset[Category]:
    return CATEGORIES_BY_ROLE.get(Role(role), frozenset()) if role in Role.values else frozenset()
