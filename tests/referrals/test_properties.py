"""Random sequences of actions by random users never break the lifecycle (DESIGN §6):
no illegal state, every open referral has an owner and a next step, every closed one an
outcome, every step is recorded from where the last one left off, and a journey is one
connected chain."""

from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.access.roles import Role
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.referrals import services
from joinedup.referrals.models import OPEN_STATUSES, Referral, Status
from tests import factories as f
from tests.referrals import referral_support as rs

ALLOWED_STEPS = {(src, a.to) for a in services.ACTIONS.values() for src in a.sources}
REFUSALS = (Conflict, PermissionDenied, ValidationError, NotFound)

step = st.tuples(
    st.integers(0, 50),  # which referral (modulo how many there are)
    st.sampled_from([None, None, None, 0, 1, 2, 3, 4, 5]),  # who: None is the right side
    st.sampled_from([*services.ACTIONS, "new"]),
    st.sampled_from([True, True, True, False]),  # the version seen, or a stale one
    st.sampled_from(["", "Because it is best for Alex", "Because it is best for Alex"]),
    st.sampled_from(["", "The Lighthouse café"]),  # signposting
    st.booleans(),  # to the meeting
    st.integers(0, 2),  # which services: none, counselling, befriending
)


@pytest.fixture
def cast(trust, day_centre, clinician, befriending, outsider, volunteer):
    w = rs.world(trust, day_centre, clinician, befriending)
    counsellor = f.member(w.counselling.organisation, Role.PRACTITIONER)
    return w, [clinician, w.receiver, w.coordinator, counsellor, outsider, volunteer]


def right_side(w, people, referral, action: str):
    """The user on the side that may take `action` (so that sequences get somewhere)."""
    side = services.ACTIONS[action].side
    if side == services.REFERRER:
        return people[0]
    if side == services.COORDINATOR:
        return w.coordinator
    return (
        w.receiver if referral.owner_organisation_id == w.befriending.organisation_id else people[3]
    )


def check_invariants() -> None:
    journeys = defaultdict(list)
    for referral in Referral.objects.prefetch_related("transitions"):
        assert referral.status in Status.values
        steps = list(referral.transitions.all())
        assert referral.version == 1 + len(steps)
        previous = Status.DRAFT
        for t in steps:
            assert t.from_status == previous
            assert (t.from_status, t.to_status) in ALLOWED_STEPS
            previous = t.to_status
        assert previous == referral.status
        if referral.status in OPEN_STATUSES:
            assert referral.owner_organisation_id is not None
            assert services.next_step(referral)
            assert referral.closed_at is None
        else:
            assert referral.outcome.strip()
            assert referral.closed_at is not None
        journeys[referral.journey_id].append(referral)
    for members in journeys.values():
        ids = {r.pk for r in members}
        assert sum(r.parent_id is None for r in members) == 1
        assert all(r.parent_id in ids for r in members if r.parent_id is not None)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_no_sequence_of_actions_breaks_the_lifecycle(cast, steps):
    w, people = cast
    with transaction.atomic():
        referrals = [rs.refer(w, people[0])]
        for index, who, action, fresh, reason, signposting, to_meeting, which in steps:
            if action == "new":
                referrals.append(rs.refer(w, people[0]))
                continue
            referral = referrals[index % len(referrals)]
            referral.refresh_from_db()
            actor = people[who] if who is not None else right_side(w, people, referral, action)
            before = (referral.status, referral.version)
            targets = [[], [w.counselling], [w.befriending]][which]
            try:
                outcome = services.transition(
                    actor=actor,
                    referral=referral,
                    action=action,
                    expected_version=referral.version if fresh else referral.version - 1,
                    reason=reason,
                    signposting=signposting,
                    to_meeting=to_meeting,
                    services=targets,
                )
            except REFUSALS:
                referral.refresh_from_db()
                assert (referral.status, referral.version) == before
            else:
                referrals.extend(outcome.linked)
            check_invariants()
        transaction.set_rollback(True)
