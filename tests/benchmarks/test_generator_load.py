"""The generator's writes: the small partnership as a referrer and the validators see it."""

import pytest
from django.db.models import Count

from benchmarks import generator
from benchmarks.generator import Partnership, load, size_named
from joinedup.directory import validators
from joinedup.directory.models import (
    Contact,
    Location,
    Organisation,
    OrganisationKind,
    Schedule,
    Service,
)
from joinedup.directory.selectors import ServiceSearch, service_search


@pytest.fixture
def small(db):
    return load(Partnership(size_named("small"), seed=1))


def test_small_has_an_organisation_of_every_kind(small):
    kinds = set(Organisation.objects.values_list("kind", flat=True))

    assert kinds == set(OrganisationKind.values)


def test_small_has_a_few_dozen_services(small):
    assert 24 <= Service.objects.count() <= 80


def test_every_service_serves_a_locality(small):
    assert not Service.objects.annotate(n=Count("localities")).filter(n=0).exists()


def test_every_service_meets_a_need_from_the_needs_taxonomy(small):
    with_need = Service.objects.filter(taxonomy_terms__taxonomy__is_tag_set=False).distinct()

    assert with_need.count() == Service.objects.count()


def test_every_location_has_a_valid_postcode(small):
    postcodes = list(Location.objects.values_list("postcode", flat=True))

    for postcode in postcodes:
        validators.validate_postcode(postcode)
    assert postcodes


def test_every_generated_row_passes_the_directory_validators(small):
    rows = [
        *Organisation.objects.all(),
        *Location.objects.all(),
        *Schedule.objects.all(),
        *Contact.objects.all(),
    ]
    services = list(Service.objects.all())

    for row in rows:
        row.full_clean()
    for service in services:
        service.full_clean(exclude=["search_document", "search_vector"])


def test_about_a_third_of_services_take_self_referrals(small):
    share = Service.objects.filter(accepts_self_referrals=True).count() / Service.objects.count()

    assert 0.2 <= share <= 0.5


def test_joint_offers_name_the_partners_that_deliver_them(small):
    joint = Service.objects.filter(is_joint_offer=True).annotate(n=Count("joint_partners"))

    assert joint.exists()
    assert not joint.filter(n=0).exists()


def test_search_finds_befriending_in_a_locality(small):
    results = service_search(params=ServiceSearch(text="befriending", localities=("north",)))

    names = [service.name for service in results.page]
    assert "Befriending" in names
    assert all(s.localities.filter(slug="north").exists() for s in results.page)


def test_a_load_that_fails_part_way_writes_nothing(db, monkeypatch):
    def fail(partnership, loaded, progress):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(generator, "STAGES", (*generator.STAGES, ("fails", fail)))

    with pytest.raises(RuntimeError):
        load(Partnership(size_named("small"), seed=1))

    assert not Organisation.objects.exists()


def test_a_size_without_referral_history_has_no_bulk_plans_or_meetings(small):
    from benchmarks.people import ANCHOR
    from joinedup.careplans.models import CarePlan
    from joinedup.meetings.models import Meeting

    # The small size's plans and meetings are the demo's, made today through the services.
    assert not CarePlan.objects.filter(created_at__lte=ANCHOR).exists()
    assert not Meeting.objects.filter(starts_at__lte=ANCHOR).exists()
