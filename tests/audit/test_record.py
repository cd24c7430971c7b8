"""`audit_record` and `audit_record_many`: what an event says, and how it joins the chain."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.access import policy
from joinedup.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from joinedup.audit.models import AuditCheckpoint, AuditEvent, Basis
from joinedup.audit.selectors import audit_verify
from joinedup.audit.services import (
    PEOPLE_PER_LIST_EVENT,
    audit_checkpoint_record,
    audit_record,
    audit_record_lists,
    audit_record_many,
)
from joinedup.directory.models import Service
from tests import factories as f
from tests.audit.chains import record

PERSON = uuid.UUID("9b2f4a7e-3c1d-4e5f-8a9b-0c1d2e3f4a5b")


def test_the_first_event_is_number_one_and_follows_the_genesis_hash(db):
    event = audit_record(actor=None, action="login", basis=Basis.NONE)
    assert event.sequence == 1
    assert event.previous_hash == GENESIS_HASH


def test_each_event_links_to_the_hash_of_the_one_before(db):
    first, second, third = record(3)
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash


def test_events_are_numbered_in_order_without_gaps(db):
    record(5)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]


def test_an_event_read_back_from_the_database_has_the_hash_it_was_given(db):
    audit_record(
        actor=None, action="update", person_public_id=PERSON, basis=Basis.ISA, detail={"a": 1}
    )
    stored = AuditEvent.objects.values(*HASHED_FIELDS, "hash").get()
    assert event_hash(stored) == stored["hash"]


def test_the_actor_role_and_organisation_are_those_the_actor_acts_as(clinician, trust):
    event = audit_record(actor=clinician, action="view", basis=Basis.OWN_ORGANISATION)
    assert event.actor_id == clinician.pk
    assert event.actor_username == "clinician.city-nhs-trust"
    assert event.role == "clinician"
    assert (event.organisation_id, event.organisation_name) == (trust.pk, "City NHS Trust")


def test_a_user_acting_as_no_membership_is_recorded_without_role_or_organisation(db):
    admin = f.UserFactory(username="sysadmin", is_superuser=True)
    event = audit_record(actor=admin, action="login", basis=Basis.SUPERUSER)
    assert (event.actor_username, event.role, event.organisation_id) == ("sysadmin", "", None)


def test_an_anonymous_visitor_is_recorded_as_no_actor(db):
    event = audit_record(actor=AnonymousUser(), action="self_referral", basis=Basis.PUBLIC)
    assert event.actor_id is None
    assert event.actor_username == ""


def test_an_object_is_recorded_by_its_model_label_and_public_id(day_centre_worker, befriending):
    event = audit_record(
        actor=day_centre_worker, action="update", obj=befriending, basis=Basis.OWN_ORGANISATION
    )
    assert event.object_type == "directory.service"
    assert event.object_id == str(befriending.public_id)


def test_an_object_not_yet_saved_is_refused(day_centre_worker):
    with pytest.raises(ValidationError, match="once it has been saved"):
        audit_record(
            actor=day_centre_worker, action="create", obj=Service(), basis=Basis.OWN_ORGANISATION
        )


def test_the_purpose_is_direct_care_unless_another_is_given(db):
    assert audit_record(actor=None, action="view", basis=Basis.NONE).purpose == "direct_care"
    other = audit_record(actor=None, action="export", purpose="evaluation", basis=Basis.NONE)
    assert other.purpose == "evaluation"


def test_an_empty_action_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValidationError) as refused:
        audit_record(actor=None, action="", basis=Basis.NONE)
    assert "action" in refused.value.message_dict
    assert not AuditEvent.objects.exists()


def test_an_action_longer_than_its_column_is_refused(db):
    with pytest.raises(ValidationError):
        audit_record(actor=None, action="v" * 41, basis=Basis.NONE)


def test_an_unknown_basis_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        audit_record(actor=None, action="view", basis="because")
    assert "basis" in refused.value.message_dict


def test_a_malformed_person_id_is_refused(db):
    with pytest.raises(ValidationError):
        audit_record(actor=None, action="view", person_public_id="not-a-uuid", basis=Basis.NONE)


def test_every_basis_the_access_policy_gives_can_be_recorded(db):
    for basis in policy.Basis:
        event = audit_record(actor=None, action="view", basis=basis)
        assert event.basis == basis.value


def test_detail_is_kept_as_it_will_read_back_from_the_database(db):
    event = audit_record(
        actor=None,
        action="update",
        basis=Basis.NONE,
        detail={"fields": ("status", "review_date"), 3: dt.date(2025, 7, 1), "who": PERSON},
    )
    assert event.detail == {
        "fields": ["status", "review_date"],
        "3": "2025-07-01",
        "who": str(PERSON),
    }
    assert audit_verify().intact


@pytest.mark.parametrize("detail", [{"score": float("nan")}, {"tags": {"a", "b"}}, ["a", "list"]])
def test_detail_that_is_not_a_json_object_is_refused(db, detail):
    with pytest.raises(ValidationError) as refused:
        audit_record(actor=None, action="update", basis=Basis.NONE, detail=detail)
    assert "detail" in refused.value.message_dict


def test_detail_larger_than_the_limit_is_refused(db):
    with pytest.raises(ValidationError, match="limited to"):
        audit_record(actor=None, action="update", basis=Basis.NONE, detail={"text": "x" * 9000})


def test_an_audited_write_rolled_back_leaves_no_audit_row_and_no_gap(
    day_centre_worker, befriending
):
    audit_record(actor=None, action="login", basis=Basis.NONE)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        befriending.name = "Befriending and more"
        befriending.save()
        audit_record(
            actor=day_centre_worker, action="update", obj=befriending, basis=Basis.OWN_ORGANISATION
        )
        raise Abandoned

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["login"]
    assert audit_record(actor=None, action="logout", basis=Basis.NONE).sequence == 2


def test_deleting_the_actor_and_organisation_leaves_the_event_readable_and_the_chain_intact(
    clinician, trust
):
    audit_record(actor=clinician, action="view", person_public_id=PERSON, basis=Basis.ISA)
    clinician.delete()
    trust.delete()

    event = AuditEvent.objects.get()
    assert (event.actor_username, event.organisation_name) == (
        "clinician.city-nhs-trust",
        "City NHS Trust",
    )
    assert audit_verify().intact


def test_a_list_read_is_one_event_naming_every_person_listed(clinician):
    people = [uuid.uuid4() for _ in range(3)]
    [event] = audit_record_many(
        actor=clinician, person_public_ids=people, object_type="people.person", basis=Basis.ISA
    )
    assert event.action == "list"
    assert event.person_public_id is None
    assert event.detail == {"people": [str(p) for p in people], "count": 3}


def test_a_long_list_is_split_into_events_naming_at_most_a_page_of_people(clinician):
    people = [uuid.uuid4() for _ in range(PEOPLE_PER_LIST_EVENT * 2 + 1)]
    events = audit_record_many(actor=clinician, person_public_ids=people, basis=Basis.ISA)
    assert [len(e.detail["people"]) for e in events] == [PEOPLE_PER_LIST_EVENT] * 2 + [1]
    assert [p for e in events for p in e.detail["people"]] == [str(p) for p in people]
    assert [e.sequence for e in events] == [1, 2, 3]
    assert audit_verify().intact


def test_a_person_listed_twice_is_named_once(clinician):
    [event] = audit_record_many(
        actor=clinician, person_public_ids=[PERSON, str(PERSON).upper()], basis=Basis.ISA
    )
    assert event.detail["people"] == [str(PERSON)]


def test_an_empty_list_showed_nobody_and_records_nothing(clinician):
    assert audit_record_many(actor=clinician, person_public_ids=[], basis=Basis.ISA) == []
    assert not AuditEvent.objects.exists()


def test_a_list_with_a_malformed_person_id_records_nothing(clinician):
    with pytest.raises(ValidationError):
        audit_record_many(actor=clinician, person_public_ids=[PERSON, "nobody"], basis=Basis.ISA)
    assert not AuditEvent.objects.exists()


def test_a_list_event_keeps_the_callers_detail_but_not_its_own_keys(clinician):
    [event] = audit_record_many(
        actor=clinician, person_public_ids=[PERSON], basis=Basis.ISA, detail={"page": 2}
    )
    assert event.detail["page"] == 2
    with pytest.raises(ValidationError):
        audit_record_many(
            actor=clinician, person_public_ids=[PERSON], basis=Basis.ISA, detail={"count": 9}
        )


def test_a_page_shown_on_several_bases_is_an_event_per_basis_appended_at_once(clinician):
    own, shared = [uuid.uuid4() for _ in range(2)], [uuid.uuid4()]
    events = audit_record_lists(
        actor=clinician,
        lists={Basis.OWN_ORGANISATION: own, Basis.ISA: shared},
        object_type="meetings.agendaitem",
    )
    assert [(e.basis, e.detail["people"]) for e in events] == [
        (Basis.OWN_ORGANISATION, [str(p) for p in own]),
        (Basis.ISA, [str(p) for p in shared]),
    ]
    assert [e.sequence for e in events] == [1, 2]
    assert audit_verify().intact


def test_several_bases_take_no_more_queries_than_one(clinician, django_assert_max_num_queries):
    audit_record_many(actor=clinician, person_public_ids=[PERSON], basis=Basis.ISA)
    with django_assert_max_num_queries(3) as one:
        audit_record_lists(actor=clinician, lists={Basis.ISA: [PERSON]})
    with django_assert_max_num_queries(len(one.captured_queries)):
        audit_record_lists(
            actor=clinician, lists={Basis.ISA: [PERSON], Basis.OWN_ORGANISATION: [uuid.uuid4()]}
        )


def test_lists_with_nobody_on_them_record_nothing(clinician):
    assert audit_record_lists(actor=clinician, lists={Basis.ISA: [], Basis.BREAK_GLASS: []}) == []
    assert not AuditEvent.objects.exists()


def test_a_malformed_person_id_on_any_list_records_none_of_them(clinician):
    with pytest.raises(ValidationError):
        audit_record_lists(
            actor=clinician, lists={Basis.OWN_ORGANISATION: [PERSON], Basis.ISA: ["nobody"]}
        )
    assert not AuditEvent.objects.exists()


def test_a_checkpoint_keeps_the_sequence_and_hash_of_a_chain_event(db):
    *_, last = record(3)
    checkpoint = audit_checkpoint_record(sequence=3, hash=last.hash)
    assert (checkpoint.sequence, checkpoint.hash) == (3, last.hash)


def test_a_checkpoint_of_an_empty_chain_is_not_kept(db):
    assert audit_checkpoint_record(sequence=0, hash=GENESIS_HASH) is None
    assert not AuditCheckpoint.objects.exists()


def test_a_checkpoint_no_further_than_the_last_is_not_kept_again(db):
    first, second = record(2)
    audit_checkpoint_record(sequence=2, hash=second.hash)
    assert audit_checkpoint_record(sequence=2, hash=second.hash) is None
    assert audit_checkpoint_record(sequence=1, hash=first.hash) is None
    assert AuditCheckpoint.objects.count() == 1


def test_a_checkpoint_with_a_hash_the_chain_does_not_hold_is_refused(db):
    record(2)
    with pytest.raises(ValidationError, match="another hash"):
        audit_checkpoint_record(sequence=2, hash="d" * 64)
    assert not AuditCheckpoint.objects.exists()
