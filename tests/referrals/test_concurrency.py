"""Two people acting on one referral at the same moment: exactly one wins, the other is
told (optimistic locking), on PostgreSQL where the two really run side by side."""

import threading

import pytest
from django.db import connection, connections

from joinedup.access.roles import Role
from joinedup.core.exceptions import Conflict
from joinedup.referrals import services
from joinedup.referrals.models import Referral, Status, Transition
from tests import factories as f
from tests.audit import tampering
from tests.referrals import referral_support as rs

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def committed(django_db_serialized_rollback, transactional_db):
    """Writes that really commit, each thread on its own connection; the audit log is
    emptied afterwards (past its triggers) so the flush can run."""
    yield
    tampering.erase_audit_log()


def test_of_two_simultaneous_accepts_exactly_one_wins(
    committed, trust, day_centre, clinician, befriending
):
    w = rs.world(trust, day_centre, clinician, befriending)
    other = f.member(day_centre, Role.PRACTITIONER, username="second.practitioner")
    referral = rs.refer(w, clinician)
    rs.act(w.receiver, referral, "acknowledge")
    referral.refresh_from_db()
    seen = referral.version
    start = threading.Barrier(2)
    results: list[object] = []

    def accept(actor) -> None:
        try:
            start.wait()
            mine = Referral.objects.get(pk=referral.pk)
            services.transition(actor=actor, referral=mine, action="accept", expected_version=seen)
            results.append("accepted")
        except Conflict as exc:
            results.append(exc)
        except BaseException as exc:  # anything else fails the test below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (w.receiver, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("accepted") == 1, results
    [refused] = [r for r in results if r != "accepted"]
    assert isinstance(refused, Conflict)
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.ACCEPTED, seen + 1)
    assert Transition.objects.filter(referral=referral, to_status=Status.ACCEPTED).count() == 1
