"""Recording a contact, and who may see it: the entries' rules with the category fixed
to activity (DESIGN §5), and the person's own through their portal."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.activity import selectors, services
from joinedup.activity.models import Contact
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound, PermissionDenied
from tests import factories as f
from tests.access import record_support as rs
from tests.activity import activity_support as support
from tests.people import people_support as ps
from tests.portal import portal_support as pp

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=2)


def record(w, actor=None, person=None, **fields):
    values = {
        "kind": "befriending",
        "starts_at": support.days_ago(1),
        "duration_minutes": 90,
        "attendance": "attended",
        "service": w.day_centre_service,
        **fields,
    }
    return services.contact_record(actor=actor or w.worker, person=person or w.people[0], **values)


def test_a_contact_is_recorded_as_the_workers_organisations(w):
    contact = record(w)
    assert contact.owning_organisation == w.day_centre
    assert contact.worker == w.worker
    event = AuditEvent.objects.get(action="create", object_type="activity.contact")
    assert event.person_public_id == w.people[0].public_id


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "seance"}, "kind"),
        ({"attendance": "came_late"}, "attendance"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes"),
        ({"duration_minutes": 10**9}, "duration_minutes"),
        ({"note": "x" * 251}, "note"),
        ({"starts_at": dt.datetime(1999, 12, 31, tzinfo=dt.UTC)}, "starts_at"),
    ],
    ids=[
        "unknown-kind",
        "attendance-out-of-choices",
        "negative-duration",
        "no-duration",
        "longer-than-a-day",
        "huge-duration",
        "long-note",
        "before-2000",
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(w, fields, field):
    with pytest.raises(ValidationError) as raised:
        record(w, **fields)
    assert field in raised.value.message_dict
    assert not Contact.objects.exists()


def test_a_service_of_another_organisation_is_refused(w):
    with pytest.raises(ValidationError) as raised:
        record(w, service=w.clinic)
    assert "service" in raised.value.message_dict
    assert not Contact.objects.exists()


def test_a_contact_still_to_come_cannot_be_attended_but_can_be_cancelled(w):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        record(w, starts_at=tomorrow)
    record(w, starts_at=tomorrow, attendance="cancelled_by_person")
    assert Contact.objects.count() == 1


def test_a_person_without_a_care_relationship_with_the_team_is_not_found(w, trust):
    stranger = rs.person(trust)
    with pytest.raises(NotFound):
        record(w, person=stranger)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("role", ["referral_coordinator", "commissioner", "partnership_lead"])
def test_roles_that_do_not_see_activity_may_not_record_it(w, day_centre, role):
    with pytest.raises(PermissionDenied):
        record(w, actor=f.member(day_centre, role))


# --- Who sees a contact --------------------------------------------------------------------


def test_the_delivering_organisations_volunteer_with_a_relationship_sees_it(w):
    contact = record(w)
    assert selectors.contact_get(user=w.volunteer, public_id=contact.public_id) == contact


def test_a_partners_practitioner_sees_it_under_the_agreement(w, trust):
    contact = record(w)
    trust_practitioner = f.member(trust, "practitioner")
    assert selectors.contact_get(user=trust_practitioner, public_id=contact.public_id) == contact


def test_a_partners_clinician_the_agreement_does_not_cover_does_not(w):
    contact = record(w)
    with pytest.raises(NotFound):
        selectors.contact_get(user=w.clinician, public_id=contact.public_id)


def test_a_viewer_without_a_care_relationship_does_not_see_it(w, trust):
    other = ps.people_on_caseload(w.day_centre, 1)[0]
    contact = record(w, person=other)  # on the day centre's caseload only
    trust_practitioner = f.member(trust, "practitioner")
    with pytest.raises(NotFound):
        selectors.contact_get(user=trust_practitioner, public_id=contact.public_id)


def test_an_outsider_does_not_see_it(w, outsider):
    contact = record(w)
    with pytest.raises(NotFound):
        selectors.contact_get(user=outsider, public_id=contact.public_id)


def test_a_commissioner_sees_no_contact_at_all(w, commissioner):
    record(w)
    assert not selectors.visible(commissioner).exists()


def test_an_objection_stops_a_partner_seeing_it(w, trust):
    contact = record(w)
    trust_practitioner = f.member(trust, "practitioner")
    rs.consents(
        w.people[0],
        ["activity"],
        "objection",
        recorded_by=w.worker,
        recorded_at=ps.an_hour_ago(),
        partnership_=w.partnership,
    )
    with pytest.raises(NotFound):
        selectors.contact_get(user=trust_practitioner, public_id=contact.public_id)
    assert selectors.contact_get(user=w.volunteer, public_id=contact.public_id) == contact


def test_the_person_sees_their_own_contacts_and_nobody_elses(w):
    mine = record(w)
    record(w, person=w.people[1])
    account = pp.portal_account(w.people[0])
    page = selectors.own_contacts_page(user=account, person=w.people[0])
    assert list(page.object_list) == [mine]


def test_staff_see_no_contact_as_their_own(w):
    record(w)
    assert not selectors.own_contacts_page(user=w.worker, person=w.people[0]).object_list


def test_a_persons_contacts_list_is_audited_with_the_contacts_shown(w):
    contact = record(w)
    selectors.person_contacts_page(user=w.volunteer, person=w.people[0])
    event = AuditEvent.objects.filter(action="view", object_type="people.person").last()
    assert event.detail["contacts"] == [str(contact.public_id)]
