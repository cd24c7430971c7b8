"""Outcome records follow the shared record's rules with the category fixed to
`outcomes` (access.record.record_visibility): the owning organisation's team sees them;
a partner sees them only under an agreement that shares outcomes with its role (and the
person's consent where the agreement asks for it, never past an objection); nobody
without a care relationship (or break-glass) does; the person sees their own, only."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound
from joinedup.outcomes import selectors
from tests import factories as f
from tests.access import record_support as rs
from tests.outcomes import outcome_support as os_
from tests.portal import portal_support as pp


@pytest.fixture
def w(trust, day_centre, clinician):
    return os_.world(trust, day_centre, clinician)


@pytest.fixture
def practitioner(day_centre):
    return f.member(day_centre, Role.PRACTITIONER)


def sees(user, record) -> bool:
    try:
        selectors.outcome_record_get(user=user, public_id=record.public_id, audit=False)
    except NotFound:
        in_list = selectors.visible(user).filter(pk=record.pk).exists()
        assert not in_list, "the list and the single read disagree"
        return False
    assert selectors.visible(user).filter(pk=record.pk).exists()
    return True


def share_outcomes(w, *, consent_required: bool = False) -> None:
    isa = rs.agreement(w.partnership)
    rs.rules(isa, [(Category.OUTCOMES, Role.PRACTITIONER)], consent_required=consent_required)


def test_the_owning_team_sees_its_record(w, clinician):
    assert sees(clinician, os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE))


def test_a_partner_without_an_agreement_for_outcomes_does_not(w, clinician, practitioner):
    assert not sees(practitioner, os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE))


def test_a_partner_sees_it_under_an_agreement_that_shares_outcomes_with_its_role(
    w, clinician, practitioner
):
    share_outcomes(w)
    assert sees(practitioner, os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE))


def test_an_agreement_asking_for_consent_shares_only_once_it_is_given(w, clinician, practitioner):
    share_outcomes(w, consent_required=True)
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    assert not sees(practitioner, record)
    rs.consents(
        w.person, [Category.OUTCOMES], "explicit", recorded_by=clinician,
        recorded_at=timezone.now() - dt.timedelta(hours=1), partnership_=w.partnership,
    )  # fmt: skip
    assert sees(practitioner, record)


def test_an_objection_blocks_sharing(w, clinician, practitioner, day_centre):
    share_outcomes(w)
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    rs.consents(
        w.person, [Category.OUTCOMES], "objection", recorded_by=clinician,
        recorded_at=timezone.now() - dt.timedelta(hours=1), organisation_=day_centre,
    )  # fmt: skip
    assert not sees(practitioner, record)


def test_without_a_care_relationship_nobody_sees_it(w, clinician, trust):
    other_team_member = f.member(trust, Role.CARE_COORDINATOR, username="cc.elsewhere")
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    assert sees(other_team_member, record)  # the trust's team relationship covers its staff
    stranger = f.member(f.OrganisationFactory(name="Far away"), Role.CLINICIAN)
    assert not sees(stranger, record)


def test_a_volunteer_never_sees_outcomes_even_when_shared(w, clinician, volunteer):
    isa = rs.agreement(w.partnership)
    rs.rules(isa, [(Category.OUTCOMES, Role.VOLUNTEER)])
    assert not sees(volunteer, os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE))


def test_break_glass_reaches_a_record_and_is_audited_as_such(w, clinician):
    counsellor = f.member(f.OrganisationFactory(name="Crisis team"), Role.CLINICIAN)
    record = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    assert not sees(counsellor, record)
    rs.break_glass(
        counsellor, w.person,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )  # fmt: skip
    selectors.outcome_record_get(user=counsellor, public_id=record.public_id)
    event = AuditEvent.objects.get(action="view", object_id=str(record.public_id))
    assert event.basis == "break_glass"
    assert sees(counsellor, record)


def test_the_person_sees_their_own_records_and_nobody_elses(w, clinician, trust):
    alex = pp.portal_account(w.person)
    mine = os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    other = rs.person(trust)
    rs.relationship(other, trust, since=timezone.now() - dt.timedelta(days=1))
    theirs = os_.record(clinician, other, "phq9", os_.PHQ9_MODERATE)
    assert selectors.portal_record_get(user=alex, public_id=mine.public_id).record == mine
    with pytest.raises(NotFound):
        selectors.portal_record_get(user=alex, public_id=theirs.public_id)


def test_a_portal_account_sees_nothing_through_the_staff_rules(w, clinician):
    alex = pp.portal_account(w.person)
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    assert not selectors.visible(alex).exists()


def test_a_staff_account_sees_nothing_through_the_persons_own_rules(w, clinician):
    os_.record(clinician, w.person, "phq9", os_.PHQ9_MODERATE)
    assert selectors.portal_teams(user=clinician) == []
    with pytest.raises(NotFound):
        selectors.portal_record_get(user=clinician, public_id=w.person.public_id)
