"""A group session's attendance register (issue 5): one contact per person and session,
saved again without duplicates; refused, with nothing written, for a session of another
organisation or a person the worker's team has no care relationship with."""

import pytest
from django.core.exceptions import ValidationError

from joinedup.activity import selectors, services
from joinedup.activity.models import Contact, GroupSession
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import NotFound, PermissionDenied
from tests import factories as f
from tests.access import record_support as rs
from tests.activity import activity_support as support
from tests.people import people_support as ps

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(trust, day_centre, day_centre_worker, volunteer, clinician):
    return support.world(trust, day_centre, day_centre_worker, volunteer, clinician, people=4)


def marks(people, *statuses) -> dict[str, str]:
    return {str(p.public_id): s for p, s in zip(people, statuses, strict=True)}


def save(w, session, register, actor=None):
    return services.register_save(actor=actor or w.worker, session=session, marks=register)


def test_saving_the_register_writes_one_contact_per_person(w):
    session = support.session(w)
    save(w, session, marks(w.people[:3], "attended", "attended", "did_not_attend"))
    lines = Contact.objects.filter(group_session=session)
    assert lines.count() == 3
    line = lines.get(person=w.people[2])
    assert (line.kind, line.attendance, line.duration_minutes) == (
        "day_centre",
        "did_not_attend",
        180,
    )
    assert line.owning_organisation == w.day_centre
    assert line.service == w.day_centre_service
    assert line.starts_at == session.starts_at


def test_saving_the_register_again_updates_and_never_duplicates(w):
    session = support.session(w)
    save(w, session, marks(w.people[:3], "attended", "attended", "did_not_attend"))
    saved = save(
        w, session, marks(w.people[:3], "attended", "cancelled_by_person", "did_not_attend")
    )
    assert (saved.created, saved.updated, saved.unchanged) == (0, 1, 2)
    assert Contact.objects.filter(group_session=session).count() == 3
    assert Contact.objects.get(group_session=session, person=w.people[1]).attendance == (
        "cancelled_by_person"
    )


def test_a_person_left_out_of_a_later_save_keeps_their_line(w):
    session = support.session(w)
    save(w, session, marks(w.people[:2], "attended", "attended"))
    save(w, session, marks(w.people[2:3], "did_not_attend"))
    assert Contact.objects.filter(group_session=session).count() == 3


def test_saving_an_unchanged_register_writes_no_audit_event(w):
    session = support.session(w)
    register = marks(w.people[:2], "attended", "attended")
    save(w, session, register)
    before = AuditEvent.objects.count()
    save(w, session, register)
    assert AuditEvent.objects.count() == before


def test_the_save_is_audited_naming_each_person(w):
    session = support.session(w)
    save(w, session, marks(w.people[:2], "attended", "did_not_attend"))
    event = AuditEvent.objects.filter(action="register_save").get()
    assert set(event.detail["people"]) == {str(p.public_id) for p in w.people[:2]}
    assert event.detail["session"] == str(session.public_id)


def test_a_register_for_a_session_of_another_organisation_is_refused_and_writes_nothing(w):
    trust_worker = f.member(w.trust, "practitioner")
    session = support.session(w)
    with pytest.raises(NotFound):
        save(w, session, marks(w.people[:1], "attended"), actor=trust_worker)
    assert not Contact.objects.exists()


def test_a_session_of_another_organisation_is_not_found_for_its_register(w):
    trust_worker = f.member(w.trust, "practitioner")
    session = support.session(w)
    with pytest.raises(NotFound):
        selectors.session_get(user=trust_worker, public_id=session.public_id)


def test_a_person_not_on_the_workers_caseload_is_refused_and_nothing_is_written(w, trust):
    stranger = rs.person(trust)
    rs.relationship(stranger, trust, since=ps.an_hour_ago())
    session = support.session(w)
    register = {**marks(w.people[:2], "attended", "attended"), str(stranger.public_id): "attended"}
    with pytest.raises(NotFound):
        save(w, session, register)
    assert not Contact.objects.exists()


def test_an_attendance_out_of_its_choices_is_refused_and_nothing_is_written(w):
    session = support.session(w)
    with pytest.raises(ValidationError) as raised:
        save(w, session, marks(w.people[:2], "attended", "came_late"))
    assert "register" in raised.value.message_dict
    assert not Contact.objects.exists()


def test_a_person_id_that_is_not_an_id_is_refused(w):
    session = support.session(w)
    with pytest.raises(ValidationError):
        save(w, session, {"not-a-uuid": "attended"})


def test_attendance_cannot_be_recorded_before_the_session_has_happened(w):
    session = support.session(w, when=support.days_ago(-7))
    with pytest.raises(ValidationError):
        save(w, session, marks(w.people[:1], "attended"))
    save(w, session, marks(w.people[:1], "cancelled_by_service"))
    assert Contact.objects.get().attendance == "cancelled_by_service"


def test_a_role_that_does_not_record_activity_may_not_save_a_register(w, day_centre):
    coordinator = f.member(day_centre, "referral_coordinator")
    session = support.session(w)
    with pytest.raises(PermissionDenied):
        save(w, session, marks(w.people[:1], "attended"), actor=coordinator)


def test_a_volunteer_of_the_day_centre_may_take_the_register(w):
    session = support.session(w)
    save(w, session, marks(w.people[:1], "attended"), actor=w.volunteer)
    assert Contact.objects.get().worker == w.volunteer


def test_the_register_view_expects_those_at_the_groups_last_meeting(w):
    last = support.session(w, when=support.days_ago(9))
    save(w, last, marks(w.people[:2], "attended", "did_not_attend"))
    this = support.session(w, when=support.days_ago(2))
    save(w, this, marks(w.people[2:3], "attended"))
    sheet = selectors.register_view(user=w.worker, session=this)
    rows = {row.person.pk: row for row in sheet.rows}
    assert set(rows) == {p.pk for p in w.people[:3]}
    assert rows[w.people[0].pk].expected and not rows[w.people[0].pk].on_register
    assert rows[w.people[2].pk].on_register and rows[w.people[2].pk].attendance == "attended"
    assert [c.person.pk for c in sheet.candidates] == [w.people[3].pk]


def test_the_register_view_offers_only_the_teams_caseload(w, trust):
    stranger = rs.person(trust)
    rs.relationship(stranger, trust, since=ps.an_hour_ago())
    sheet = selectors.register_view(
        user=w.worker, session=support.session(w), asked_for=[str(stranger.public_id)]
    )
    assert sheet.refused == [str(stranger.public_id)]
    assert stranger.pk not in {row.person.pk for row in sheet.all_rows}


def test_creating_a_session_for_another_organisations_service_is_refused(w):
    with pytest.raises(ValidationError) as raised:
        services.group_session_create(
            actor=w.worker,
            service=w.clinic,
            kind="group",
            title="Walking group",
            starts_at=support.days_ago(1),
            duration_minutes=90,
        )
    assert "service" in raised.value.message_dict
    assert not GroupSession.objects.exists()


def test_a_session_names_its_facilitators(w):
    session = services.group_session_create(
        actor=w.worker,
        service=w.day_centre_service,
        kind="group",
        title="Walking group",
        starts_at=support.days_ago(1),
        duration_minutes=90,
        facilitators=[w.volunteer.username],
    )
    assert set(session.facilitators.all()) == {w.worker, w.volunteer}


def test_a_facilitator_from_another_organisation_is_refused(w):
    with pytest.raises(ValidationError) as raised:
        services.group_session_create(
            actor=w.worker,
            service=w.day_centre_service,
            kind="group",
            title="Walking group",
            starts_at=support.days_ago(1),
            duration_minutes=90,
            facilitators=[w.clinician.username],
        )
    assert "facilitators" in raised.value.message_dict
    assert not GroupSession.objects.exists()
