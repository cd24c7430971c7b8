"""A bench database built before a stage existed gets just that stage (`bench-run build`
tops it up) rather than a rebuild; a stage written at another version needs a rebuild."""

import pytest

from benchmarks import generator
from benchmarks.generator import STAGE_VERSIONS, size_named
from benchmarks.people import ANCHOR
from joinedup.demo.loading import Inventory, demo_marker, partnership_load, partnership_top_up
from joinedup.demo.management.commands import bench_run
from joinedup.demo.models import DemoDataset
from joinedup.referrals.models import Referral

SIZE = size_named("small", referrals=60)


def marker(stages: dict) -> DemoDataset:
    return DemoDataset(size="ics-20000", seed=1, counts={}, stages=stages, build_seconds=1.0)


def test_a_stage_the_build_never_wrote_is_topped_up():
    built = {k: v for k, v in STAGE_VERSIONS.items() if k != "referral_history"}
    assert bench_run._never_written(marker(built), "people,referral_history") == [
        "referral_history"
    ]


def test_a_stage_written_at_another_version_is_not_topped_up():
    older = {**STAGE_VERSIONS, "referral_history": STAGE_VERSIONS["referral_history"] + 1}
    assert bench_run._never_written(marker(older), "referral_history") == []


@pytest.mark.django_db
def test_topping_up_writes_the_stage_and_marks_the_database_as_holding_it(monkeypatch):
    # A build from before the stage existed: the same partnership without it.
    without = tuple((n, s) for n, s in generator.STAGES if n != "referral_history")
    monkeypatch.setattr(generator, "STAGES", without)
    partnership_load(size=SIZE, seed=1, password="a-long-demo-password-1", erase=False)
    monkeypatch.undo()
    history = Referral.objects.filter(created_at__lte=ANCHOR)
    assert not history.exists()

    partnership_top_up(size=SIZE, seed=1, stages=["referral_history"])

    new = demo_marker()
    assert history.count() == 60
    assert new.stages["referral_history"] == STAGE_VERSIONS["referral_history"]
    assert Inventory.now().matches(new)


@pytest.mark.django_db
def test_a_stage_already_written_is_refused_by_the_top_up():
    partnership_load(size=SIZE, seed=1, password="a-long-demo-password-1", erase=False)
    with pytest.raises(ValueError, match="already written"):
        partnership_top_up(size=SIZE, seed=1, stages=["referral_history"])
