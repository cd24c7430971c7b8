import datetime as dt

from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.partnerships.models import (
    InformationSharingAgreement,
    Partnership,
    PartnershipMember,
    SharingRule,
)
from joinedup.people.models import CareRelationship, Consent, Person, RecordEntry
from tests import factories as f


def _setup(trust, day_centre, *, consent_required=False):
    p = Partnership.objects.create(
        name="CHOICE", slug="choice", model="multi_agency", lead_organisation=trust
    )
    for org in (trust, day_centre):
        PartnershipMember.objects.create(
            partnership=p, organisation=org, joined_on=dt.date(2020, 1, 1)
        )
    isa = InformationSharingAgreement.objects.create(
        partnership=p, title="ISA", starts_on=dt.date(2020, 1, 1)
    )
    SharingRule.objects.create(
        agreement=isa,
        category=Category.CARE_PLAN,
        role=Role.VOLUNTEER,
        explicit_consent_required=consent_required,
        lawful_basis="explicit_consent" if consent_required else "direct_care",
    )
    clinician = f.member(trust, Role.CLINICIAN, username="dr")
    person = Person.objects.create(
        given_name="Alex", family_name="Doe", created_by_organisation=trust
    )
    entry = RecordEntry.objects.create(
        person=person,
        category=Category.CARE_PLAN,
        owning_organisation=trust,
        author=clinician,
        author_role="clinician",
        title="Plan",
    )
    clinical = RecordEntry.objects.create(
        person=person,
        category=Category.CLINICAL,
        owning_organisation=trust,
        author=clinician,
        author_role="clinician",
        title="Notes",
    )
    CareRelationship.objects.create(
        person=person,
        organisation=day_centre,
        kind="allocation",
        since=timezone.now() - dt.timedelta(days=1),
        reason="r",
    )
    return p, person, entry, clinical


def test_a_volunteer_at_a_partner_sees_the_shared_plan_and_not_the_clinical_notes(
    trust, day_centre, volunteer
):
    _, person, entry, clinical = _setup(trust, day_centre)
    visible = record.entry_visibility(volunteer, RecordEntry.objects.all())
    assert list(visible) == [entry]
    assert record.explain_entry(volunteer, entry).basis == "isa"
    assert (
        record.explain_entry(volunteer, clinical).reason == "your role does not see clinical notes"
    )
    assert list(record.person_visibility(volunteer, Person.objects.all())) == [person]


def test_consent_required_blocks_until_given(trust, day_centre, volunteer):
    p, person, entry, _ = _setup(trust, day_centre, consent_required=True)
    assert not record.entry_visibility(volunteer, RecordEntry.objects.all()).exists()
    Consent.objects.create(
        person=person,
        partnership=p,
        category=Category.CARE_PLAN,
        state="explicit",
        how_given="in_person",
        recorded_by=volunteer,
        recorded_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert list(record.entry_visibility(volunteer, RecordEntry.objects.all())) == [entry]
    assert record.explain_entry(volunteer, entry).basis == "consent"


def test_an_objection_blocks_sharing(trust, day_centre, volunteer):
    p, person, _entry, _ = _setup(trust, day_centre)
    Consent.objects.create(
        person=person,
        partnership=p,
        category=Category.CARE_PLAN,
        state="objection",
        how_given="in_person",
        recorded_by=volunteer,
        recorded_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert not record.entry_visibility(volunteer, RecordEntry.objects.all()).exists()
