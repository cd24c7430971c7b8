"""The demo accounts of DESIGN.md §8: one per role and organisation kind, `ROLE.ORG-SLUG`.

Each kind of organisation is represented by one organisation of the demo partnership
(the trust, a GP practice, the council, public health, Riverside Mind, an independent
provider), and every role gets an account there: 11 roles × 6 kinds.

The trust's community mental health teams are teams of the trust, not organisations of
their own: a record the North team writes belongs to the trust, and the trust's other
clinicians see it without an information-sharing agreement. So `clinician.north-cmht`
is a member of City NHS Mental Health Trust; its name says which team it works in, as
the team accounts in DESIGN.md §8 do, until a later issue gives teams their own model.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from benchmarks import catalogue
from joinedup.access.roles import Role
from joinedup.accounts.models import User
from joinedup.accounts.services import membership_create
from joinedup.directory.models import Organisation, OrganisationKind

REPRESENTATIVES = {
    OrganisationKind.NHS_TRUST: catalogue.TRUST_SLUG,
    OrganisationKind.GP_PRACTICE: "highfield-medical-practice",
    OrganisationKind.LOCAL_AUTHORITY: "city-council",
    OrganisationKind.PUBLIC_HEALTH: "city-public-health",
    OrganisationKind.VCSE: "riverside-mind",
    OrganisationKind.INDEPENDENT: "oakwood-counselling",
}
TEAM_ROLES = (Role.CLINICIAN, Role.CARE_COORDINATOR, Role.PRACTITIONER)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    organisation_slug: str
    team: str = ""  # the trust's locality team the account works in, if any


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount(f"{role}.{slug}", role, slug)
        for slug in REPRESENTATIVES.values()
        for role in Role
    ]
    accounts += [
        DemoAccount(
            f"{role}.{locality.slug}-cmht",
            role,
            catalogue.TRUST_SLUG,
            team=f"{locality.name} Community Mental Health Team",
        )
        for locality in catalogue.LOCALITIES
        for role in TEAM_ROLES
    ]
    return accounts


def password_check(password: str) -> None:
    """Raise django's ValidationError if the password would be refused for a demo account."""
    validate_password(password, user=User(username="practitioner.riverside-mind"))


@transaction.atomic
def demo_accounts_create(*, password: str | None = None) -> list[DemoAccount]:
    """Create every demo account and its membership, with `password`, or with none that
    works (the generator's staff stage) until `demo_passwords_set` gives them one."""
    if password is not None:
        password_check(password)
    # Hashing is deliberately slow; the accounts share one password, so one hash serves
    # them all (a shared salt tells an attacker nothing the shared password does not).
    hashed = make_password(password)
    accounts = demo_accounts()
    organisations = Organisation.objects.in_bulk(
        {a.organisation_slug for a in accounts}, field_name="slug"
    )
    for account in accounts:
        organisation = organisations[account.organisation_slug]
        user = User.objects.create(
            username=account.username,
            password=hashed,
            first_name=account.role.label,
            last_name=account.team or organisation.name,
            email=f"{account.username}@example.org",
        )
        membership_create(user=user, organisation=organisation, role=account.role)
    return accounts


def demo_passwords_set(*, password: str, usernames: list[str]) -> int:
    """Give the demo's accounts (staff and the people's portal accounts) `password`."""
    password_check(password)
    return User.objects.filter(username__in=usernames).update(password=make_password(password))
