"""`audit_event_list`: the events a review page asks for, newest first."""

import datetime as dt
import uuid

import time_machine

from joinedup.audit.models import Basis
from joinedup.audit.selectors import audit_event_list
from joinedup.audit.services import audit_record, audit_record_many

PERSON = uuid.UUID("1e7c3a55-0d4b-4c9e-9a1f-2b3c4d5e6f70")
SOMEONE_ELSE = uuid.UUID("8a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")


def actions(events) -> list[str]:
    return [e.action for e in events]


def test_events_come_newest_first(db):
    for action in ("login", "view", "logout"):
        audit_record(actor=None, action=action, basis=Basis.NONE)
    assert actions(audit_event_list()) == ["logout", "view", "login"]


def test_filtering_by_actor(clinician, day_centre_worker):
    audit_record(actor=clinician, action="view", basis=Basis.ISA)
    audit_record(actor=day_centre_worker, action="update", basis=Basis.OWN_ORGANISATION)
    assert actions(audit_event_list(actor_id=clinician.pk)) == ["view"]


def test_filtering_by_organisation(clinician, day_centre_worker, day_centre):
    audit_record(actor=clinician, action="view", basis=Basis.ISA)
    audit_record(actor=day_centre_worker, action="update", basis=Basis.OWN_ORGANISATION)
    assert actions(audit_event_list(organisation_id=day_centre.pk)) == ["update"]


def test_filtering_by_basis(clinician):
    audit_record(actor=clinician, action="view", basis=Basis.BREAK_GLASS)
    audit_record(actor=clinician, action="update", basis=Basis.OWN_ORGANISATION)
    assert actions(audit_event_list(basis=Basis.BREAK_GLASS)) == ["view"]


def test_filtering_by_action(clinician):
    audit_record(actor=clinician, action="view", basis=Basis.ISA)
    audit_record(actor=clinician, action="export", basis=Basis.ISA)
    assert actions(audit_event_list(action="export")) == ["export"]


def test_a_persons_events_include_those_about_them_and_the_lists_they_were_on(clinician):
    audit_record(actor=clinician, action="view", person_public_id=PERSON, basis=Basis.ISA)
    audit_record(actor=clinician, action="view", person_public_id=SOMEONE_ELSE, basis=Basis.ISA)
    audit_record_many(actor=clinician, person_public_ids=[SOMEONE_ELSE, PERSON], basis=Basis.ISA)
    audit_record_many(actor=clinician, person_public_ids=[SOMEONE_ELSE], basis=Basis.ISA)
    found = audit_event_list(person_public_id=str(PERSON).upper())
    assert [(e.sequence, e.action) for e in found] == [(3, "list"), (1, "view")]


def test_filtering_by_time_includes_the_start_and_excludes_the_end(db):
    for day, action in ((1, "a"), (2, "b"), (3, "c")):
        with time_machine.travel(dt.datetime(2025, 3, day, 10, 0, tzinfo=dt.UTC), tick=False):
            audit_record(actor=None, action=action, basis=Basis.NONE)
    found = audit_event_list(
        occurred_from=dt.datetime(2025, 3, 2, 10, 0, tzinfo=dt.UTC),
        occurred_before=dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC),
    )
    assert actions(found) == ["b"]


def test_filters_combine(clinician, day_centre_worker):
    audit_record(actor=clinician, action="view", person_public_id=PERSON, basis=Basis.ISA)
    audit_record(actor=clinician, action="view", person_public_id=PERSON, basis=Basis.BREAK_GLASS)
    audit_record(actor=day_centre_worker, action="view", person_public_id=PERSON, basis=Basis.ISA)
    found = audit_event_list(actor_id=clinician.pk, person_public_id=PERSON, basis=Basis.ISA)
    assert [e.sequence for e in found] == [1]


def test_a_page_of_events_is_one_query_however_many_there_are(clinician, django_assert_num_queries):
    for _ in range(30):
        audit_record(actor=clinician, action="view", person_public_id=PERSON, basis=Basis.ISA)
    with django_assert_num_queries(1):
        page = list(audit_event_list(person_public_id=PERSON)[:20])
        assert [e.actor_username for e in page] == ["clinician.city-nhs-trust"] * 20
