"""Retention: the only way an entry's content leaves the record, and it leaves a trace."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from joinedup.access.categories import Category
from joinedup.audit.models import AuditEvent
from joinedup.people import services
from joinedup.people.models import CareRelationship, RecordEntry, RetentionRule
from tests.people import people_support as ps

NOW = dt.datetime(2046, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def world(trust, day_centre, clinician):
    return ps.shared_world(trust, day_centre, clinician)


def age(world, *, years: float, relationships_end: bool = True) -> None:
    """Make everything in Alex's record `years` old, and (unless asked not to) end every
    care relationship that long ago too."""
    then = NOW - dt.timedelta(days=round(365.25 * years))
    RecordEntry.objects.filter(person=world.person).update(created_at=then)
    if relationships_end:
        CareRelationship.objects.filter(person=world.person).update(since=then, until=then)


def test_the_default_rules_keep_every_category_for_twenty_years(db):
    rules = {rule.category: rule.years for rule in RetentionRule.objects.all()}
    assert rules == dict.fromkeys(Category.values, 20)


def test_entries_past_their_period_are_erased_leaving_a_stub_with_the_reason(world):
    age(world, years=21)
    report = services.retention_apply(now=NOW)
    assert (report.entries, report.people) == (3, 1)
    plan = RecordEntry.objects.get(pk=world.plan.pk)
    assert plan.title == services.ERASED_TITLE
    assert plan.text == ""
    assert plan.erased_at == NOW
    assert plan.erasure_reason.startswith("20 years after the last contact")


def test_a_record_within_its_period_is_kept(world):
    age(world, years=19)
    assert services.retention_apply(now=NOW).entries == 0
    assert RecordEntry.objects.get(pk=world.plan.pk).title == world.plan.title


def test_a_recent_entry_keeps_the_whole_record(world, trust, clinician):
    age(world, years=30)
    recent = ps.entry(world.person, trust, clinician, Category.ACTIVITY, "Visit last year")
    RecordEntry.objects.filter(pk=recent.pk).update(created_at=NOW - dt.timedelta(days=365))
    assert services.retention_apply(now=NOW).entries == 0


def test_a_person_still_in_care_keeps_their_record(world):
    age(world, years=30, relationships_end=False)
    CareRelationship.objects.filter(person=world.person).update(
        since=NOW - dt.timedelta(days=365 * 30), until=None
    )
    assert services.retention_apply(now=NOW).entries == 0


def test_a_shorter_rule_for_one_category_erases_only_that_category(world):
    RetentionRule.objects.filter(category=Category.CONTACT).update(years=8)
    age(world, years=10)
    services.retention_apply(now=NOW)
    erased = set(
        RecordEntry.objects.filter(erased_at__isnull=False).values_list("category", flat=True)
    )
    assert erased == {Category.CONTACT}


def test_erasing_is_audited_once_per_person(world):
    age(world, years=21)
    services.retention_apply(now=NOW)
    event = AuditEvent.objects.get(action="retention_erase")
    assert event.person_public_id == world.person.public_id
    assert event.basis == "retention"
    assert event.actor_id is None
    assert event.detail == {
        "categories": sorted([Category.CARE_PLAN, Category.CLINICAL, Category.CONTACT])
    }


def test_a_dry_run_counts_and_writes_nothing(world):
    age(world, years=21)
    report = services.retention_apply(now=NOW, dry_run=True)
    assert (report.entries, report.dry_run) == (3, True)
    assert not RecordEntry.objects.filter(erased_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="retention_erase").exists()


def test_an_erased_entry_is_no_longer_shown_to_staff(client, world, clinician):
    age(world, years=21)
    services.retention_apply(now=NOW)
    ps.login(client, clinician)
    response = client.get(f"/people/{world.person.public_id}/")
    assert world.plan.title not in response.text


def test_entries_cannot_be_deleted_through_the_orm(world):
    with pytest.raises(PermissionError):
        world.plan.delete()
    with pytest.raises(PermissionError):
        RecordEntry.objects.filter(person=world.person).delete()
    assert RecordEntry.objects.filter(person=world.person).count() == 3


def test_the_command_reports_what_it_erased(world, capsys):
    age(world, years=21)
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--dry-run")
    assert "would erase 3 entries of 1 person" in capsys.readouterr().out
