"""Builders for the shared-record policy tests: small, explicit, one row kind each.

They write rows directly (not through `people.services`) because the tests need worlds
the services would refuse to make — a break-glass row for a volunteer, a consent
withdrawn yesterday — to prove the policy itself refuses them.
"""

import datetime as dt
import itertools

from joinedup.access.categories import Category
from joinedup.access.models import BreakGlass
from joinedup.access.roles import Role
from joinedup.partnerships.models import (
    InformationSharingAgreement,
    LawfulBasis,
    Partnership,
    PartnershipMember,
    SharingRule,
)
from joinedup.people.models import CareRelationship, Consent, Person, RecordEntry
from tests import factories as f

LONG_AGO = dt.date(2020, 1, 1)

_serial = itertools.count(1)


def organisation(name: str):
    return f.OrganisationFactory(name=f"{name} {next(_serial)}")


def bare_partnership(lead) -> Partnership:
    """A partnership with no members yet (not even its lead)."""
    number = next(_serial)
    return Partnership.objects.create(
        name=f"Partnership {number}",
        slug=f"partnership-{number}",
        model="multi_agency",
        lead_organisation=lead,
    )


def partnership(lead, *others, joined_on: dt.date = LONG_AGO) -> Partnership:
    """A partnership whose members (the lead and `others`) all joined on `joined_on`."""
    p = bare_partnership(lead)
    for org in (lead, *others):
        member_of(p, org, joined_on=joined_on)
    return p


def member_of(p: Partnership, org, *, joined_on: dt.date = LONG_AGO, left_on=None):
    return PartnershipMember.objects.create(
        partnership=p, organisation=org, joined_on=joined_on, left_on=left_on
    )


def agreement(
    p: Partnership, *, starts_on: dt.date = LONG_AGO, ends_on: dt.date | None = None
) -> InformationSharingAgreement:
    return InformationSharingAgreement.objects.create(
        partnership=p, title=f"ISA {next(_serial)}", starts_on=starts_on, ends_on=ends_on
    )


def rules(isa, pairs, *, consent_required: bool = False) -> None:
    """One sharing rule per (category, role) pair in `pairs`."""
    basis = LawfulBasis.EXPLICIT_CONSENT if consent_required else LawfulBasis.DIRECT_CARE
    SharingRule.objects.bulk_create(
        SharingRule(
            agreement=isa,
            category=category,
            role=role,
            lawful_basis=basis,
            explicit_consent_required=consent_required,
        )
        for category, role in pairs
    )


def covering_everything(isa, *, consent_required: bool = False) -> None:
    """Rules for every role and every category, so that the ISA is never what limits a
    cell: only the role (rule 1) and the situation do."""
    rules(isa, itertools.product(Category, Role), consent_required=consent_required)


def person(created_by) -> Person:
    number = next(_serial)
    return Person.objects.create(
        given_name="Alex", family_name=f"Example{number}", created_by_organisation=created_by
    )


def entries(
    person_, owner, author, categories, *, sealed: bool = False, erased_at=None
) -> list[RecordEntry]:
    return RecordEntry.objects.bulk_create(
        RecordEntry(
            person=person_,
            category=category,
            owning_organisation=owner,
            author=author,
            author_role=author.acting_membership.role,
            title=f"{category} entry",
            sealed=sealed,
            erased_at=erased_at,
            erasure_reason="Retention period ended" if erased_at else "",
        )
        for category in categories
    )


def consents(
    person_,
    categories,
    state: str,
    *,
    recorded_by,
    recorded_at: dt.datetime,
    partnership_=None,
    organisation_=None,
    expires_at: dt.datetime | None = None,
    withdrawn_at: dt.datetime | None = None,
) -> list[Consent]:
    return Consent.objects.bulk_create(
        Consent(
            person=person_,
            partnership=partnership_,
            organisation=organisation_,
            category=category,
            state=state,
            how_given="in_person",
            recorded_by=recorded_by,
            recorded_at=recorded_at,
            expires_at=expires_at,
            withdrawn_at=withdrawn_at,
            withdrawn_by=recorded_by if withdrawn_at else None,
        )
        for category in categories
    )


def relationship(
    person_, org, *, since: dt.datetime, until: dt.datetime | None = None, user=None
) -> CareRelationship:
    return CareRelationship.objects.create(
        person=person_,
        organisation=org,
        user=user,
        kind="caseload",
        since=since,
        until=until,
        reason="On the team's caseload",
    )


def break_glass(
    viewer,
    person_,
    *,
    started_at: dt.datetime,
    expires_at: dt.datetime,
    ended_at: dt.datetime | None = None,
) -> BreakGlass:
    """A break-glass row as the viewer's acting membership, whatever its role: the policy,
    not the service that opens one, must be what keeps non-clinicians out."""
    membership = viewer.acting_membership
    return BreakGlass.objects.create(
        user=viewer,
        organisation_id=membership.organisation_id,
        role=membership.role,
        person=person_,
        reason="Seen in crisis out of hours; need the risk history now",
        started_at=started_at,
        expires_at=expires_at,
        ended_at=ended_at,
    )
