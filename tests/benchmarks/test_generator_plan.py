"""The generator's plan: deterministic from the seed, the promised sizes. No database."""

from benchmarks import catalogue
from benchmarks.generator import Partnership, size_named, term_names


def fingerprint(partnership: Partnership, services: int = 40) -> list:
    organisations = [
        (p.organisation.public_id, p.organisation.name, p.organisation.slug)
        for p in partnership.organisations
    ]
    planned = [
        (s.service.public_id, s.service.name, s.service.description, s.localities)
        for s, _ in zip(partnership.services(), range(services), strict=False)
    ]
    return organisations + planned


def test_the_same_seed_plans_the_same_partnership():
    first = fingerprint(Partnership(size_named("small"), seed=7))
    second = fingerprint(Partnership(size_named("small"), seed=7))

    assert first == second


def test_a_different_seed_plans_different_identifiers_and_text():
    first = fingerprint(Partnership(size_named("small"), seed=7))
    second = fingerprint(Partnership(size_named("small"), seed=8))

    assert {row[0] for row in first}.isdisjoint({row[0] for row in second})
    assert [row[2] for row in first] != [row[2] for row in second]


def test_planning_the_services_twice_gives_the_same_services():
    partnership = Partnership(size_named("small"), seed=3)

    first = [s.service.public_id for s in partnership.services()]
    second = [s.service.public_id for s in partnership.services()]

    assert first == second


def test_every_size_holds_the_hand_written_partnership_at_its_core():
    demo = [p.slug for p in Partnership(size_named("demo"), seed=1).organisations]
    ics = [p.slug for p in Partnership(size_named("ics", services=1_000), seed=1).organisations]

    assert ics[: len(demo)] == demo


def test_the_ics_size_has_the_organisations_and_services_of_design_section_9():
    ics = Partnership(size_named("ics"), seed=1)

    assert (len(ics.organisations), ics.service_count) == (5_000, 20_000)


def test_a_rescaled_size_has_exactly_the_services_asked_for():
    partnership = Partnership(size_named("ics", services=1_000), seed=1)

    assert partnership.service_count == 1_000


def test_the_catalogue_uses_only_shipped_taxonomy_codes():
    shipped = set(term_names())
    used = {code for kind in catalogue.SERVICE_TYPES.values() for code in (*kind.needs, *kind.ways)}

    assert used <= shipped


def test_every_organisation_offers_only_service_types_in_the_catalogue():
    partnership = Partnership(size_named("ics", services=2_000), seed=2)
    offered = {offer.type_key for p in partnership.organisations for offer in p.offers}

    assert offered <= set(catalogue.SERVICE_TYPES)
