"""`joinedup demo` holds activity: the day centre's weekly sessions with their registers,
the befriender's visits and the CMHT's appointments, some missed, all through the
services as the demo accounts."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts.models import Membership
from joinedup.activity import selectors
from joinedup.activity.models import Contact, GroupSession
from joinedup.demo.loading import content_counts

PASSWORD = "a-long-demo-passphrase-2024"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            call_command("demo", "--size", "small", "--password", PASSWORD, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def acting(username: str):
    membership = Membership.objects.select_related("user", "organisation").get(
        user__username=username
    )
    membership.user.acting_membership = membership
    return membership.user


@pytest.mark.django_db
def test_the_day_centre_has_weekly_sessions_each_with_its_register(demo):
    sessions = GroupSession.objects.filter(owning_organisation__slug="riverside-mind")
    assert sessions.filter(kind="day_centre").count() == 4
    for session in sessions:
        assert Contact.objects.filter(group_session=session).count() >= 3
    assert Contact.objects.filter(group_session__isnull=False, attendance="attended").exists()


@pytest.mark.django_db
def test_the_cmht_has_appointments_some_missed_and_a_befriending_visit_exists(demo):
    trust = Contact.objects.filter(owning_organisation__slug="city-nhs-trust", kind="one_to_one")
    assert trust.filter(attendance="attended").exists()
    assert trust.filter(attendance="did_not_attend").exists()
    assert Contact.objects.filter(kind="befriending").exists()


@pytest.mark.django_db
def test_the_activity_page_counts_the_day_centre_on_the_built_in_framework(demo):
    worker = acting("practitioner.riverside-mind")
    organisation = worker.acting_membership.organisation
    today = timezone.localdate()
    summary = selectors.activity_summary(
        user=worker,
        organisation=organisation,
        start=today - timezone.timedelta(days=35),
        end=today,
    )
    assert summary.report.framework.is_built_in
    assert summary.report.value("person_contacts") > 0
    assert summary.report.value("support_hours") > summary.report.value("person_contacts")


@pytest.mark.django_db
def test_the_demo_knows_its_activity_tables(demo):
    counts = content_counts()
    assert counts["activity_contacts"] > 0
    assert counts["group_sessions"] == 8


@pytest.mark.django_db
def test_the_trusts_commissioner_sees_the_day_centres_figures_as_aggregates(demo):
    commissioner = acting("commissioner.city-nhs-trust")
    day_centre = Membership.objects.filter(organisation__slug="riverside-mind").first().organisation
    assert selectors.aggregate_scope(user=commissioner, organisation=day_centre) == "partnership"
