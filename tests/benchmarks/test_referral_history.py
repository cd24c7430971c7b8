"""The bulk referral history (benchmarks.referral_history): every referral one the state
machine could have left, with what the machine writes beside it."""

import pytest
from django.db.models import Count

from benchmarks.generator import Partnership, load, size_named
from benchmarks.people import ANCHOR
from benchmarks.referral_history import reference
from joinedup.people.models import CareRelationship
from joinedup.referrals.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    MeetingQueueItem,
    Referral,
    Transition,
)
from joinedup.referrals.selectors import REFERENCE_SHAPE

HISTORY = 400


def _history():
    # The small size also holds the demo's dozen, made through the state machine.
    return Referral.objects.filter(created_at__lte=ANCHOR)


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    from django.db import transaction

    from benchmarks import generator

    # The stages up to this one: what it wrote, before later stages (the meetings') act on it.
    names = [name for name, _ in generator.STAGES]
    upto = generator.STAGES[: names.index("referral_history") + 1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator, "STAGES", upto)
        with django_db_blocker.unblock(), transaction.atomic():
            load(Partnership(size_named("small", referrals=HISTORY), seed=1))
            yield
            transaction.set_rollback(True)


def test_the_design_sizes_hold_the_referrals_of_section_9():
    assert size_named("ics").referrals == 1_000_000
    assert size_named("national").referrals == 10_000_000


def test_a_size_with_its_referrals_set_has_a_label_of_its_own():
    assert size_named("demo", referrals=10_000).label == "demo-r10000"
    assert size_named("demo").label == "demo"


def test_references_are_unique_and_shaped_as_the_products_own():
    references = [reference(i) for i in (0, 1, 31, 32, 999_999, 32**7 - 1)]
    assert len(set(references)) == len(references)
    assert all(REFERENCE_SHAPE.match(r) for r in references)


@pytest.mark.django_db
def test_the_stage_writes_as_many_referrals_as_the_size_holds(history):
    assert _history().count() == HISTORY


@pytest.mark.django_db
def test_every_open_referral_is_unclosed_and_every_closed_one_has_an_outcome(history):
    open_ = _history().filter(status__in=OPEN_STATUSES)
    closed = _history().filter(status__in=CLOSED_STATUSES)
    assert open_.exists() and closed.exists()
    assert not open_.filter(closed_at__isnull=False).exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not closed.filter(outcome="").exists()


@pytest.mark.django_db
def test_every_referral_has_a_referrer_or_is_a_self_referral(history):
    assert not Referral.objects.filter(self_referral=False, referring_organisation=None).exists()
    assert not Referral.objects.filter(self_referral=False, referrer=None).exists()


@pytest.mark.django_db
def test_every_referral_begins_with_its_submission_and_ends_in_its_status(history):
    per_referral = _history().annotate(steps=Count("transitions"))
    assert not per_referral.filter(steps=0).exists()
    for referral in _history().exclude(status="submitted")[:50]:
        last = Transition.objects.filter(referral=referral).order_by("at", "pk").last()
        assert last.to_status == referral.status


@pytest.mark.django_db
def test_access_follows_the_referral_until_it_closes(history):
    for referral in _history()[:100]:
        relationship = CareRelationship.objects.get(source=f"referral:{referral.public_id}")
        assert relationship.organisation_id == referral.owner_organisation_id
        assert relationship.until == referral.closed_at


@pytest.mark.django_db
def test_referrals_in_limbo_wait_on_their_localitys_meeting_queue(history):
    limbo = _history().filter(in_limbo=True)
    queued = MeetingQueueItem.objects.filter(referral__in=_history())
    assert limbo.exists()
    assert set(queued.values_list("referral_id", flat=True)) == set(
        limbo.exclude(service__localities=None).values_list("pk", flat=True)
    )
    assert not limbo.exclude(status="submitted").exists()


@pytest.mark.django_db
def test_a_referral_to_a_service_of_several_localities_waits_at_the_persons_own(history):
    from django.db.models import Count

    from joinedup.directory.models import Locality

    spread = MeetingQueueItem.objects.filter(referral__in=_history()).annotate(
        covered=Count("referral__service__localities")
    )
    several = spread.filter(covered__gt=1).select_related("referral__person")
    assert several.exists()
    for item in several:
        home = (
            Locality.objects.filter(services__organisation_id=item.referral.person.gp_practice_id)
            .order_by("name")
            .first()
        )
        covered = set(item.referral.service.localities.values_list("pk", flat=True))
        expected = (
            home.pk
            if home and home.pk in covered
            else min(covered, key=lambda pk: Locality.objects.get(pk=pk).name)
        )
        assert item.locality_id == expected


def test_two_plans_from_the_same_seed_are_the_same():
    from benchmarks import referral_history

    class Catalogue:
        people = [(1, 2, 3), (4, 5, 6)]
        professional, self_referral = [10, 11], [11]
        owner = {10: 7, 11: 8}
        needs = {10: 1}
        staff = {2: 20, 3: 30, 5: 50, 6: 60, 7: 70, 8: 80}

        @staticmethod
        def locality(service_id, gp_id):
            return 1

    def plans():
        rng = referral_history.stream(1, "referral-history")
        return [referral_history._plan(rng, i, Catalogue) for i in range(50)]

    assert plans() == plans()
