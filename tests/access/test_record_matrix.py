"""The authorization matrix of the shared record: every role × every category × every
situation, each cell checked against DESIGN.md §5 (issue 3, the first "Must show").

The expected values are written out here by hand from §5 and §1, not computed from
`joinedup.access.categories`: the test is the specification, so changing who may see
what must change this file too. Where §5 is silent (which categories a practitioner or
a referral coordinator sees, who besides clinicians reads a sealed entry) the table
follows what the partnership agreed in `categories.py`, written out literally.

Each cell is asserted twice — through the list filter (`entry_visibility`) and through
the one-entry decision (`explain_entry`), with its basis — so the two routes that every
page and API endpoint uses are both held to the table.

The world is built once per module inside a transaction that is rolled back at the
end, and each role's list is filtered once; each cell then makes one decision. That
decision is what costs: the policy compiles its SQL afresh each time (~40 ms of CPU),
so the ~1,500 decisions take most of the run.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from joinedup.access import record
from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.people.models import RecordEntry
from tests import factories as f
from tests.access import record_support as rs

CATEGORIES = (
    "contact",
    "demographics",
    "referral",
    "care_plan",
    "activity",
    "outcomes",
    "risk",
    "clinical",
    "safeguarding",
)
ROLES = (
    "volunteer",
    "peer_worker",
    "practitioner",
    "clinician",
    "care_coordinator",
    "safeguarding_lead",
    "referral_coordinator",
    "partnership_lead",
    "commissioner",
    "ig_lead",
    "admin",
)

# Rule 1: which categories each role sees. §5 and §1 fix the volunteer row (contact and
# the shared plan, never clinical, risk or safeguarding) and the commissioner row
# (nothing person-level, only aggregates); the rest follows categories.py.
#                          contact  demog  referral  plan  activity  outcomes  risk  clinical  safeg
ROLE_SEES_GRID = {
    "volunteer":            "Y        .      .         Y     Y         .         .     .         .",
    "peer_worker":          "Y        Y      .         Y     Y         Y         .     .         .",
    "practitioner":         "Y        Y      Y         Y     Y         Y         Y     .         .",
    "clinician":            "Y        Y      Y         Y     Y         Y         Y     Y         .",
    "care_coordinator":     "Y        Y      Y         Y     Y         Y         Y     Y         .",
    "safeguarding_lead":    "Y        Y      Y         Y     Y         Y         Y     Y         Y",
    "referral_coordinator": "Y        Y      Y         Y     .         .         Y     .         .",
    "partnership_lead":     ".        .      .         .     .         .         .     .         .",
    "commissioner":         ".        .      .         .     .         .         .     .         .",
    "ig_lead":              ".        .      .         .     .         .         .     .         .",
    "admin":                ".        .      .         .     .         .         .     .         .",
}  # fmt: skip
ROLE_SEES = {
    role: {c for c, mark in zip(CATEGORIES, row.split(), strict=True) if mark == "Y"}
    for role, row in ROLE_SEES_GRID.items()
}
# Rule 4: "sealed entries stay within the author's organisation's clinicians" — the
# clinically qualified roles; the safeguarding lead reads them too (categories.py).
SEALED_READERS = {"clinician", "care_coordinator", "safeguarding_lead"}
# Break-glass: "a clinician may override 2–5"; commissioners and volunteers cannot.
MAY_BREAK_GLASS = {"clinician"}


def _own_organisation(role, category):
    return "own_organisation" if category in ROLE_SEES[role] else None


def _shared(basis):
    def expect(role, category):
        return basis if category in ROLE_SEES[role] else None

    return expect


def _never(role, category):
    return None


def _sealed(role, category):
    allowed = category in ROLE_SEES[role] and role in SEALED_READERS
    return "own_organisation" if allowed else None


def _breaking_glass(role, category):
    # Break-glass overrides rules 2–5, never rule 1.
    allowed = category in ROLE_SEES[role] and role in MAY_BREAK_GLASS
    return "break_glass" if allowed else None


# situation → the basis §5 gives for (role, category), or None where it must be refused.
# Every one of these is checked for every role and every category.
EXPECTED = {
    # The entry is the viewer's organisation's own and their team has the person.
    "own_organisation": _own_organisation,
    # Another member of a partnership shares it under an ISA in force (rule 2).
    "isa_partner": _shared("isa"),
    # The ISA requires explicit consent and the person has not given it (rule 3).
    "isa_partner_without_required_consent": _never,
    "isa_partner_with_consent": _shared("consent"),
    # "a recorded objection always blocks sharing" (rule 3).
    "objection_recorded": _never,
    # Rule 4: sealed entries stay within the author's organisation's clinicians.
    "sealed": _sealed,
    # Rule 5: no legitimate relationship (another team's caseload does not count).
    "no_legitimate_relationship": _never,
    # Rule 2: no partnership in common (a partner of a partner is not a partner).
    "not_a_partner": _never,
    # Break-glass overrides 2–5 for clinicians only; a row that exists for any other
    # role (the service refuses to open one, but a row is a row) must not help.
    "break_glass": _breaking_glass,
    # Withdrawal, ends and expiries take effect on the very next request.
    "relationship_ended": _never,
    "isa_ended": _never,
    "partner_left": _never,
    "consent_withdrawn": _never,
    "consent_expired": _never,
}

# Further situations, each testing one more clause of §5. The policy compiles ~40 ms of
# SQL per decision, so these are checked for every role on two categories only: the
# shared plan (what most roles see) and clinical notes (what only clinicians see).
EDGE_CATEGORIES = ("care_plan", "clinical")
EDGE_EXPECTED = {
    # An objection for another partnership does not block this one (Caldicott 7: the
    # duty to share for care is as important as the duty to protect).
    "objection_for_another_partnership": _shared("isa"),
    # An objection blocks sharing; it does not hide an organisation's own record.
    "objection_to_sharing_own_record": _own_organisation,
    # "a recorded objection always blocks sharing": a later override does not lift it
    # (break-glass — reasoned, time-limited, reviewed, shown to the person — is §5's one
    # way past rule 3).
    "objection_overridden": _never,
    # Sealed stays within the author's organisation, even where an ISA covers it.
    "sealed_at_partner": _never,
    "isa_not_yet_in_force": _never,
    # Break-glass overrides rule 4 too; it is time-limited and may be ended early.
    "break_glass_on_sealed_entry": _breaking_glass,
    "break_glass_expired": _never,
    "break_glass_ended": _never,
}
SITUATIONS = {**EXPECTED, **EDGE_EXPECTED}

CELLS = [
    pytest.param(role, category, situation, id=f"{role}-{category}-{situation}")
    for situations, categories in ((EXPECTED, CATEGORIES), (EDGE_EXPECTED, EDGE_CATEGORIES))
    for role in ROLES
    for category in categories
    for situation in situations
]


@dataclass
class Matrix:
    """One viewer per role, all acting for the home organisation, and one entry per
    (situation, category), each situation with its own person and partners."""

    now: dt.datetime
    home: object
    viewers: dict = field(default_factory=dict)
    entries: dict = field(default_factory=dict)
    listed: dict = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def month_ago(self) -> dt.datetime:
        return self.now - dt.timedelta(days=30)

    def partner(self, label: str):
        org = rs.organisation(label)
        return org, f.member(org, "clinician", username=f"matrix.author.{org.slug}")

    def record(self, situation, owner, author, *, related=True, sealed=False):
        """The situation's person, with one entry per category owned by `owner`; if
        `related`, on the home team's caseload since a month ago."""
        person = rs.person(owner)
        if related:
            rs.relationship(person, self.home, since=self.month_ago)
        for entry in rs.entries(person, owner, author, CATEGORIES, sealed=sealed):
            self.entries[situation, entry.category] = entry
        return person

    def shared_by(self, situation, *, consent_required=False, **isa_dates):
        """A partner and an ISA covering every role and category; returns the partnership,
        the person and the partner's author."""
        org, author = self.partner(situation)
        p = rs.partnership(self.home, org)
        rs.covering_everything(rs.agreement(p, **isa_dates), consent_required=consent_required)
        return p, self.record(situation, org, author), author

    def break_glass_for_everyone(self, person, **times):
        for viewer in self.viewers.values():
            rs.break_glass(viewer, person, **times)


def _build(m: Matrix) -> None:
    home_author = f.member(m.home, "clinician", username="matrix.author.home")
    yesterday, ten_days = m.now - dt.timedelta(days=1), dt.timedelta(days=10)

    m.record("own_organisation", m.home, home_author)

    m.shared_by("isa_partner")

    m.shared_by("isa_partner_without_required_consent", consent_required=True)

    p, person, author = m.shared_by("isa_partner_with_consent", consent_required=True)
    rs.consents(
        person, CATEGORIES, "explicit", partnership_=p, recorded_by=author, recorded_at=m.month_ago
    )

    p, person, author = m.shared_by("objection_recorded")
    rs.consents(
        person, CATEGORIES, "objection", partnership_=p, recorded_by=author, recorded_at=m.month_ago
    )

    _, person, author = m.shared_by("objection_for_another_partnership")
    elsewhere = rs.partnership(m.home, rs.organisation("Elsewhere"))
    rs.covering_everything(rs.agreement(elsewhere))
    rs.consents(
        person,
        CATEGORIES,
        "objection",
        partnership_=elsewhere,
        recorded_by=author,
        recorded_at=m.month_ago,
    )

    person = m.record("objection_to_sharing_own_record", m.home, home_author)
    p = rs.partnership(m.home, rs.organisation("Objected to"))
    rs.covering_everything(rs.agreement(p))
    rs.consents(
        person,
        CATEGORIES,
        "objection",
        partnership_=p,
        recorded_by=home_author,
        recorded_at=m.month_ago,
    )

    p, person, author = m.shared_by("objection_overridden")
    for state, recorded_at in (("objection", m.month_ago), ("override", yesterday)):
        rs.consents(
            person, CATEGORIES, state, partnership_=p, recorded_by=author, recorded_at=recorded_at
        )

    m.record("sealed", m.home, home_author, sealed=True)

    org, author = m.partner("sealed_at_partner")
    rs.covering_everything(rs.agreement(rs.partnership(m.home, org)))
    m.record("sealed_at_partner", org, author, sealed=True)

    person = m.record("no_legitimate_relationship", m.home, home_author, related=False)
    rs.relationship(person, rs.organisation("Another team"), since=m.month_ago)

    person = m.record("relationship_ended", m.home, home_author, related=False)
    rs.relationship(person, m.home, since=m.month_ago, until=yesterday)

    middle = rs.organisation("Partner of both")
    org, author = m.partner("not_a_partner")
    rs.covering_everything(rs.agreement(rs.partnership(m.home, middle)))
    rs.covering_everything(rs.agreement(rs.partnership(middle, org)))
    m.record("not_a_partner", org, author)

    m.shared_by("isa_ended", ends_on=m.today - ten_days)

    m.shared_by("isa_not_yet_in_force", starts_on=m.today + ten_days)

    org, author = m.partner("partner_left")
    p = rs.partnership(m.home)
    rs.member_of(p, org, left_on=m.today - ten_days)
    rs.covering_everything(rs.agreement(p))
    m.record("partner_left", org, author)

    p, person, author = m.shared_by("consent_withdrawn", consent_required=True)
    rs.consents(
        person,
        CATEGORIES,
        "explicit",
        partnership_=p,
        recorded_by=author,
        recorded_at=m.month_ago,
        withdrawn_at=yesterday,
    )

    p, person, author = m.shared_by("consent_expired", consent_required=True)
    rs.consents(
        person,
        CATEGORIES,
        "explicit",
        partnership_=p,
        recorded_by=author,
        recorded_at=m.month_ago,
        expires_at=yesterday,
    )

    hour = dt.timedelta(hours=1)
    for situation, sealed in (("break_glass", False), ("break_glass_on_sealed_entry", True)):
        org, author = m.partner(situation)
        person = m.record(situation, org, author, related=False, sealed=sealed)
        m.break_glass_for_everyone(person, started_at=m.now - hour, expires_at=m.now + 12 * hour)

    org, author = m.partner("break_glass_expired")
    person = m.record("break_glass_expired", org, author, related=False)
    m.break_glass_for_everyone(person, started_at=m.now - 3 * hour, expires_at=m.now - hour)

    org, author = m.partner("break_glass_ended")
    person = m.record("break_glass_ended", org, author, related=False)
    m.break_glass_for_everyone(
        person, started_at=m.now - hour, expires_at=m.now + 12 * hour, ended_at=m.now - hour / 2
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            m = Matrix(now=timezone.now(), home=rs.organisation("Home team"))
            m.viewers = {role: f.member(m.home, role, username=f"matrix.{role}") for role in ROLES}
            _build(m)
        # What each viewer's lists show: the filter runs once per role over every entry,
        # exactly as a list page runs it (compiling the policy's SQL is the costly part).
        m.listed = {
            role: set(
                record.entry_visibility(viewer, RecordEntry.objects.all()).values_list(
                    "pk", flat=True
                )
            )
            for role, viewer in m.viewers.items()
        }
        yield m
        transaction.set_rollback(True)


def test_the_matrix_covers_every_role_and_every_category():
    assert set(ROLES) == set(Role.values)
    assert set(CATEGORIES) == set(Category.values)


@pytest.mark.django_db
def test_the_matrix_builds_one_entry_per_situation_and_category(matrix):
    assert set(matrix.entries) == {(s, c) for s in SITUATIONS for c in CATEGORIES}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "category", "situation"), CELLS)
def test_the_policy_decides_the_cell_as_section_5_says(matrix, role, category, situation):
    entry = matrix.entries[situation, category]
    expected_basis = SITUATIONS[situation](role, category)
    expected = expected_basis is not None
    decision = record.explain_entry(matrix.viewers[role], entry)
    actual = (entry.pk in matrix.listed[role], decision.allowed, decision.basis)
    # (in the list filter, decision allows, basis of the decision)
    assert actual == (expected, expected, expected_basis or "none"), decision.reason


@pytest.mark.django_db
def test_an_override_is_never_recorded_as_the_persons_consent(trust, day_centre, volunteer):
    # The audit log names the basis of every read (§5); where an override stands in for
    # consent the person never gave, "consent" would put a falsehood in that log.
    now = timezone.now()
    p = rs.partnership(trust, day_centre)
    rs.rules(rs.agreement(p), [("care_plan", "volunteer")], consent_required=True)
    clinician = f.member(trust, "clinician", username="override.author")
    person = rs.person(trust)
    rs.relationship(person, day_centre, since=now - dt.timedelta(days=30))
    [entry] = rs.entries(person, trust, clinician, ["care_plan"])
    rs.consents(
        person,
        ["care_plan"],
        "override",
        partnership_=p,
        recorded_by=clinician,
        recorded_at=now - dt.timedelta(days=1),
    )
    assert record.explain_entry(volunteer, entry).basis != "consent"


# Records of one fixed category that are not entries (care plans, contacts, outcome
# measures: issue 5) obey the same rules through `record_visibility`. Held to the same
# table, over the entries themselves (they have the columns the rules read), in every
# situation but a sealed entry's: such records are never sealed.
UNSEALED_SITUATIONS = tuple(s for s in SITUATIONS if "sealed" not in s)


@pytest.mark.django_db
@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("role", ROLES)
def test_records_of_one_category_follow_the_same_table(matrix, role, category):
    entries = RecordEntry.objects.filter(category=category)
    seen = set(
        record.record_visibility(matrix.viewers[role], entries, category=category).values_list(
            "pk", flat=True
        )
    )
    for situation in UNSEALED_SITUATIONS:
        entry = matrix.entries[situation, category]
        expected = SITUATIONS[situation](role, category) is not None
        assert (entry.pk in seen) == expected, situation


@pytest.mark.django_db
def test_own_records_are_the_portal_persons_and_nobody_elses(trust):
    from tests.portal.portal_support import portal_account

    author = f.member(trust, "clinician", username="own.records.author")
    person, other = rs.person(trust), rs.person(trust)
    mine = rs.entries(person, trust, author, ["care_plan"])
    rs.entries(other, trust, author, ["care_plan"])
    account = portal_account(person)
    rows = record.own_records(account, RecordEntry.objects.all())
    assert {e.pk for e in rows} == {e.pk for e in mine}
    assert not record.own_records(author, RecordEntry.objects.all()).exists()
