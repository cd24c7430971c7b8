"""A self-referral sent twice at the same moment (a double click, a client's retry racing
the first request): one referral, on PostgreSQL where the two really run side by side.
A public referral has no referrer, so the unique (referrer, key) constraint cannot do
this; an advisory lock on the key does."""

import threading
import time

import pytest
from django.db import connection, connections

from joinedup.people import services as people_services
from joinedup.people.models import Person
from joinedup.referrals.models import Referral
from tests.audit import tampering
from tests.referrals import self_referral_support as sr

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def committed(django_db_serialized_rollback, transactional_db):
    yield
    tampering.erase_audit_log()


@pytest.fixture
def slow_writes(monkeypatch):
    """Widen the gap between looking for the key's referral and making one, so the two
    requests would both look before either writes if nothing kept them apart."""
    record = people_services.self_referral_person_record

    def slowly(**kwargs):
        time.sleep(0.5)
        return record(**kwargs)

    monkeypatch.setattr(people_services, "self_referral_person_record", slowly)


def test_two_simultaneous_submissions_with_one_key_make_one_referral(
    committed, slow_writes, befriending
):
    start = threading.Barrier(2)
    results: list[object] = []

    def submit() -> None:
        try:
            start.wait()
            results.append(sr.self_refer(befriending, key="double-click"))
        except BaseException as exc:  # fails the test below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(not isinstance(r, BaseException) for r in results), results
    assert len({r.reference for r in results}) == 1
    assert sorted(r.replayed for r in results) == [False, True]
    assert (Referral.objects.count(), Person.objects.count()) == (1, 1)
