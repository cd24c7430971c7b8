"""Equitable units, computed from a framework definition (issue 5, "Must show"): worked
examples of seed 000's rule that a day centre's group work and a clinic's appointments
are counted on one scale, and of a partnership's own framework changing the figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.activity import selectors
from joinedup.activity.models import EvaluationFramework, UnitDefinition, UnitWeight
from tests.access import record_support as rs
from tests.activity import activity_support as support

pytestmark = pytest.mark.django_db

WEEK = (timezone.localdate() - dt.timedelta(days=6), timezone.localdate())


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=10)


def built_in() -> EvaluationFramework:
    return EvaluationFramework.objects.get(partnership__isnull=True)


def report(organisation, framework=None, period=WEEK, **kwargs):
    start, end = period
    return selectors.units(
        framework=framework or built_in(),
        organisation=organisation,
        start=start,
        end=end,
        **kwargs,
    )


def day_centre_session(w, attended: int = 8, missed: int = 2) -> None:
    """A 3-hour day-centre session: `attended` people came, `missed` did not."""
    session = support.session(w, minutes=180)
    for i, person in enumerate(w.people[: attended + missed]):
        support.contacts(
            person,
            w.day_centre,
            w.worker,
            kind="day_centre",
            attendance="attended" if i < attended else "did_not_attend",
            duration_minutes=180,
            starts_at=session.starts_at,
            group_session=session,
        )


def clinic_appointments(w, attended: int = 6, missed: int = 0) -> None:
    """One-hour appointments at the trust's clinic, one person each."""
    for i, person in enumerate(w.people[: attended + missed]):
        support.contacts(
            person,
            w.trust,
            w.clinician,
            kind="one_to_one",
            service=w.clinic,
            attendance="attended" if i < attended else "did_not_attend",
            duration_minutes=60,
        )


def test_the_built_in_framework_counts_person_contacts_and_hours_of_support():
    codes = [u.code for u in selectors.unit_definitions(framework=built_in())]
    assert codes == ["person_contacts", "support_hours"]


def test_a_3_hour_day_centre_session_with_8_attended_and_2_dna_is_8_and_24_hours(w):
    day_centre_session(w, attended=8, missed=2)
    result = report(w.day_centre)
    assert result.value("person_contacts") == 8
    assert result.value("support_hours") == 24
    assert (result.total.attended, result.total.did_not_attend) == (8, 2)


def test_a_clinics_6_attended_1_hour_appointments_are_6_and_6(w):
    clinic_appointments(w, attended=6)
    result = report(w.trust)
    assert result.value("person_contacts") == 6
    assert result.value("support_hours") == 6


def test_missed_appointments_count_for_nothing(w):
    clinic_appointments(w, attended=4, missed=3)
    result = report(w.trust)
    assert (result.value("person_contacts"), result.value("support_hours")) == (4, 4)
    assert result.total.did_not_attend == 3


def test_the_figures_are_broken_down_by_kind_of_contact(w):
    day_centre_session(w, attended=8, missed=2)
    support.contacts(
        w.people[0], w.day_centre, w.volunteer, kind="befriending", duration_minutes=90
    )
    result = report(w.day_centre)
    assert [r.kind for r in result.rows] == ["day_centre", "befriending"]
    assert result.value("support_hours", "day_centre") == 24
    assert result.value("support_hours", "befriending") == 1.5
    assert result.value("support_hours") == 25.5
    assert result.total.people == 10  # everyone with a contact, attended or not


def recorded_framework(partnership) -> EvaluationFramework:
    """A partnership's own framework: a phone call counts half a person-contact, a
    cancellation by the service counts as a contact offered, and an in-patient day
    counts 7.5 hours of support however long it was recorded as."""
    framework = EvaluationFramework.objects.create(
        partnership=partnership, name="Our framework", in_force_from=dt.date(2020, 1, 1)
    )
    contacts = UnitDefinition.objects.create(
        framework=framework,
        code="person_contacts",
        label="Person-contacts",
        measure="contacts",
        statuses=["attended", "cancelled_by_service"],
        order=1,
    )
    UnitWeight.objects.create(unit=contacts, kind="phone", weight=Decimal("0.5"))
    hours = UnitDefinition.objects.create(
        framework=framework,
        code="support_hours",
        label="Hours of support",
        measure="hours",
        statuses=["attended"],
        order=2,
    )
    UnitWeight.objects.create(unit=hours, kind="inpatient_day", fixed_hours=Decimal("7.5"))
    return framework


def trust_mix(w) -> None:
    """Two in-patient days, four 30-minute phone calls, one appointment the service
    cancelled."""
    person = w.people[0]
    support.contacts(person, w.trust, w.clinician, n=2, kind="inpatient_day", duration_minutes=1440)
    support.contacts(person, w.trust, w.clinician, n=4, kind="phone", duration_minutes=30)
    support.contacts(person, w.trust, w.clinician, attendance="cancelled_by_service")


def test_under_the_built_in_framework_an_in_patient_day_is_24_hours(w):
    trust_mix(w)
    result = report(w.trust)
    assert result.value("person_contacts") == 6
    assert result.value("support_hours") == 2 * 24 + 4 * 0.5


def test_a_recorded_framework_with_other_weights_changes_the_figures(w):
    trust_mix(w)
    result = report(w.trust, recorded_framework(w.partnership))
    # 2 in-patient days + 4 × ½ phone call + 1 cancelled by the service.
    assert result.value("person_contacts") == 2 + 2 + 1
    # 2 × 7.5 fixed hours + 4 × 30 minutes; the cancellation is no hour of support.
    assert result.value("support_hours") == 15 + 2
    assert result.value("support_hours", "inpatient_day") == 15


def test_a_unit_may_count_only_some_kinds(w):
    framework = recorded_framework(w.partnership)
    UnitDefinition.objects.create(
        framework=framework,
        code="group_hours",
        label="Hours of group work",
        measure="hours",
        statuses=["attended"],
        kinds=["group", "day_centre"],
        order=3,
    )
    day_centre_session(w, attended=8, missed=2)
    support.contacts(
        w.people[0], w.day_centre, w.volunteer, kind="befriending", duration_minutes=90
    )
    result = report(w.day_centre, framework)
    assert result.value("group_hours") == 24
    assert result.value("support_hours") == 25.5


def test_a_partnerships_own_framework_counts_its_members_instead_of_the_built_in(w):
    framework = recorded_framework(w.partnership)
    assert selectors.frameworks_for(organisation=w.day_centre, on=WEEK[1]) == [framework]


def test_an_organisation_in_no_partnership_is_counted_by_the_built_in_framework(db):
    loner = rs.organisation("Loner")
    assert selectors.frameworks_for(organisation=loner, on=WEEK[1]) == [built_in()]


def test_a_framework_not_yet_in_force_is_not_used(w):
    framework = recorded_framework(w.partnership)
    framework.in_force_from = WEEK[1] + dt.timedelta(days=1)
    framework.save()
    assert selectors.frameworks_for(organisation=w.day_centre, on=WEEK[1]) == [built_in()]


def test_only_the_periods_contacts_count(w):
    person = w.people[0]
    support.contacts(person, w.trust, w.clinician, starts_at=support.days_ago(6, hour=0))
    support.contacts(person, w.trust, w.clinician, starts_at=support.days_ago(7, hour=23))
    support.contacts(person, w.trust, w.clinician, starts_at=support.days_ago(-1, hour=1))
    assert report(w.trust).value("person_contacts") == 1


def test_a_service_narrows_the_figures_to_its_own(w):
    clinic_appointments(w, attended=3)
    support.contacts(w.people[0], w.trust, w.clinician, kind="phone")
    assert report(w.trust, service=w.clinic).value("person_contacts") == 3
    assert report(w.trust).value("person_contacts") == 4


def test_another_organisations_contacts_are_not_counted(w):
    clinic_appointments(w, attended=6)
    assert report(w.day_centre).value("person_contacts") == 0


@pytest.mark.parametrize("size", [2, 40])
def test_the_units_take_the_same_number_of_queries_however_many_contacts(w, size):
    support.contacts(w.people[0], w.trust, w.clinician, n=size)
    support.contacts(w.people[1], w.trust, w.clinician, n=size, kind="phone")
    framework = recorded_framework(w.partnership)
    with CaptureQueriesContext(connection) as queries:
        result = report(w.trust, framework)
    assert result.value("person_contacts") == size + size / 2
    # The framework's units and their weights, then the figures by kind and in total.
    assert len(queries) == 4


def test_a_unit_naming_an_unknown_status_or_kind_is_refused(w):
    unit = UnitDefinition(
        framework=built_in(),
        code="odd",
        label="Odd",
        measure="contacts",
        statuses=["turned_up"],
        kinds=["seance"],
    )
    with pytest.raises(ValidationError) as raised:
        unit.full_clean()
    assert set(raised.value.message_dict) == {"statuses", "kinds"}


def test_fixed_hours_belong_to_a_unit_of_hours_only():
    unit = UnitDefinition.objects.get(framework=built_in(), code="person_contacts")
    with pytest.raises(ValidationError):
        UnitWeight(unit=unit, kind="inpatient_day", fixed_hours=Decimal("7.5")).full_clean()


def test_the_unit_says_in_words_what_it_counts(w):
    framework = recorded_framework(w.partnership)
    hours = UnitDefinition.objects.get(framework=framework, code="support_hours")
    assert "In-patient day: 7.5 hours each" in hours.describe()
