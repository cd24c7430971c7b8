"""The shared record's plan (benchmarks.people): deterministic, valid, and with the
partnerships and agreements of its docstring. No database."""

from dataclasses import replace
from itertools import islice

from benchmarks import people
from benchmarks.generator import Partnership, size_named
from joinedup.access.categories import Category
from joinedup.access.roles import Role
from joinedup.people.validators import validate_nhs_number


def planned(size: str = "demo", seed: int = 1, count: int = 60) -> list:
    partnership = Partnership(size_named(size), seed=seed)
    _, by_locality = people.plan_footprints(partnership)
    return list(islice(people.plan_people(partnership, by_locality), count))


def fingerprint(plans) -> list:
    return [
        (
            p.person.public_id,
            p.person.nhs_number,
            p.person.family_name,
            [(e.entry.public_id, e.entry.title, e.author) for e in p.entries],
            [(c.partnership, c.organisation, [r.category for r in c.consents]) for c in p.consents],
            [(r.organisation, r.relationship.kind) for r in p.relationships],
        )
        for p in plans
    ]


def test_the_same_seed_plans_the_same_people():
    assert fingerprint(planned(seed=4)) == fingerprint(planned(seed=4))


def test_a_different_seed_plans_different_people():
    first = {p.person.public_id for p in planned(seed=4)}
    second = {p.person.public_id for p in planned(seed=5)}

    assert first.isdisjoint(second)


def test_every_size_begins_with_the_hand_written_cast():
    names = [(p.person.given_name, p.person.family_name) for p in planned("ics", count=12)]

    assert names == [(m.given, m.family) for m in people.CAST]


def test_small_holds_the_first_eight_of_the_cast():
    assert len(planned("small", count=100)) == 8


def test_planning_people_leaves_the_directory_plan_as_it_was():
    partnership = Partnership(size_named("demo"), seed=1)
    before = [p.organisation.public_id for p in partnership.organisations]
    services = [s.service.public_id for s in partnership.services()]
    _, by_locality = people.plan_footprints(partnership)
    list(people.plan_people(partnership, by_locality))

    assert [p.organisation.public_id for p in partnership.organisations] == before
    assert [s.service.public_id for s in partnership.services()] == services


def test_every_nhs_number_is_valid_and_unique():
    numbers = [p.person.nhs_number for p in planned("ics", count=3000) if p.person.nhs_number]

    for number in numbers:
        validate_nhs_number(number)
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("9") for n in numbers)  # the range never issued to patients


def test_every_person_has_a_care_relationship_and_a_practice():
    plans = planned("ics", count=2000)

    assert all(p.relationships and p.gp for p in plans)


def test_safeguarding_entries_are_always_withheld_from_the_person():
    entries = [e.entry for p in planned("ics", count=3000) for e in p.entries]
    safeguarding = [e for e in entries if e.category == Category.SAFEGUARDING]

    assert safeguarding
    assert all(e.withheld_from_person for e in safeguarding)


def test_only_clinical_notes_are_sealed():
    entries = [e.entry for p in planned("ics", count=3000) for e in p.entries]

    assert {e.category for e in entries if e.sealed} == {Category.CLINICAL}


def test_three_of_the_cast_have_portal_accounts_named_person_given_family():
    names = [p.portal_username for p in planned() if p.portal_username]

    assert names == ["person.alex-carter", "person.niamh-walsh", "person.tom-greenwood"]


def test_the_ics_size_plans_four_hundred_thousand_people():
    assert size_named("ics").people == 400_000
    assert size_named("ics", services=10_000).people == 200_000


def _rules(agreements) -> set[tuple[str, str, bool]]:
    return {
        (rule.category, rule.role, rule.explicit_consent_required)
        for _, rules in agreements
        for rule in rules
    }


def test_volunteers_see_the_plan_activity_and_contact_on_implied_consent():
    footprints, _ = people.plan_footprints(Partnership(size_named("demo"), seed=1))
    rules = _rules(footprints[0].shared.agreements)

    assert {(c, r) for c, r, consent in rules if r == Role.VOLUNTEER and not consent} == {
        (Category.CONTACT, Role.VOLUNTEER),
        (Category.CARE_PLAN, Role.VOLUNTEER),
        (Category.ACTIVITY, Role.VOLUNTEER),
    }


def test_the_shared_partnership_never_shares_clinical_notes():
    footprints, _ = people.plan_footprints(Partnership(size_named("demo"), seed=1))

    assert Category.CLINICAL not in {c for c, _, _ in _rules(footprints[0].shared.agreements)}


def test_risk_reaches_practitioners_in_the_shared_partnership_only_with_explicit_consent():
    footprints, _ = people.plan_footprints(Partnership(size_named("demo"), seed=1))

    assert (Category.RISK, Role.PRACTITIONER, True) in _rules(footprints[0].shared.agreements)
    assert (Category.RISK, Role.PRACTITIONER, False) not in _rules(footprints[0].shared.agreements)


def test_voluntary_organisations_are_not_in_the_statutory_partnership():
    footprints, _ = people.plan_footprints(Partnership(size_named("demo"), seed=1))
    statutory = {slug for slug, _ in footprints[0].statutory.members}
    shared = {slug for slug, _ in footprints[0].shared.members}

    assert "riverside-mind" in shared
    assert "riverside-mind" not in statutory
    assert {"city-nhs-trust", "city-council", "highfield-medical-practice"} <= statutory


def test_each_generated_trust_leads_its_own_pair_of_partnerships():
    partnership = Partnership(replace(size_named("ics", services=2_000), trusts=3), seed=1)
    footprints, _ = people.plan_footprints(partnership)

    assert len(footprints) == 3
    assert len({fp.shared.partnership.slug for fp in footprints}) == 3
