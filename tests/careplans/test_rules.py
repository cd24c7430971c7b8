"""Who may be a care coordinator: worked examples of the default rule and of rules a
partnership has recorded (seed 000: care coordination is a statutory role that
voluntary sector staff may rightly decline)."""

import pytest

from joinedup.careplans.rules import Candidate, RecordedRule, coordinator_refusal

TRUST = Candidate(1, "City NHS Trust", "nhs_trust")
PRACTICE = Candidate(2, "Highfield Medical Practice", "gp_practice")
COUNCIL = Candidate(3, "City Council", "local_authority")
PUBLIC_HEALTH = Candidate(4, "City Public Health", "public_health")
MIND = Candidate(5, "Riverside Mind", "vcse")
COUNSELLING = Candidate(6, "Oakwood Counselling", "independent")
OUTSIDE_VCSE = Candidate(7, "A charity elsewhere", "vcse")
PARTNERS = frozenset({1, 2, 3, 4, 5, 6})


@pytest.mark.parametrize(
    ("candidate", "allowed"),
    [
        (TRUST, True),
        (PRACTICE, True),
        (COUNCIL, True),
        (PUBLIC_HEALTH, True),
        (MIND, False),
        (COUNSELLING, False),
    ],
    ids=lambda v: v.kind if isinstance(v, Candidate) else str(v),
)
def test_by_default_only_staff_of_statutory_organisations_coordinate(candidate, allowed):
    assert (coordinator_refusal(candidate, []) is None) is allowed


def test_the_default_refusal_names_the_organisation_and_the_rule():
    refusal = coordinator_refusal(MIND, [])
    assert "Riverside Mind is not a statutory organisation" in refusal
    assert "unless the partnership has recorded another rule" in refusal


def test_any_partner_lets_a_voluntary_member_coordinate():
    rule = RecordedRule("Brackenford", "any_partner", members=PARTNERS)
    assert coordinator_refusal(MIND, [rule]) is None
    assert coordinator_refusal(COUNSELLING, [rule]) is None


def test_any_partner_does_not_reach_an_organisation_outside_the_partnership():
    rule = RecordedRule("Brackenford", "any_partner", members=PARTNERS)
    refusal = coordinator_refusal(OUTSIDE_VCSE, [rule])
    assert refusal.startswith("Staff of A charity elsewhere may not be the care coordinator")
    assert "Brackenford lets staff of any of its member organisations coordinate" in refusal


@pytest.mark.parametrize(
    ("candidate", "allowed"),
    [(TRUST, True), (MIND, True), (COUNCIL, False), (COUNSELLING, False)],
    ids=lambda v: v.kind if isinstance(v, Candidate) else str(v),
)
def test_named_kinds_allows_exactly_the_kinds_named(candidate, allowed):
    rule = RecordedRule(
        "Brackenford", "named_kinds", kinds=frozenset({"nhs_trust", "vcse"}), members=PARTNERS
    )
    assert (coordinator_refusal(candidate, [rule]) is None) is allowed


def test_named_kinds_refusal_lists_the_kinds_allowed():
    rule = RecordedRule(
        "Brackenford", "named_kinds", kinds=frozenset({"nhs_trust", "vcse"}), members=PARTNERS
    )
    refusal = coordinator_refusal(COUNCIL, [rule])
    assert "NHS trust or Voluntary, community or social enterprise" in refusal


def test_statutory_only_recorded_is_the_default_rule_written_down():
    rule = RecordedRule("Brackenford", "statutory_only", members=PARTNERS)
    assert coordinator_refusal(TRUST, [rule]) is None
    assert "keeps care coordination for staff of statutory organisations" in (
        coordinator_refusal(MIND, [rule])
    )


def test_one_recorded_rule_allowing_is_enough():
    # The trust is in a statutory-only partnership and in one that lets any partner
    # coordinate: each is that partnership's own agreement, and the plan is held in both.
    strict = RecordedRule("Statutory care", "statutory_only", members=frozenset({1, 2, 3}))
    open_ = RecordedRule("Brackenford", "any_partner", members=PARTNERS)
    assert coordinator_refusal(MIND, [strict, open_]) is None
    assert coordinator_refusal(OUTSIDE_VCSE, [strict, open_]) is not None
