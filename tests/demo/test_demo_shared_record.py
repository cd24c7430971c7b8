"""`joinedup demo` and the shared record: the people, their portal accounts, the marker."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmarks.generator import STAGE_VERSIONS
from joinedup.accounts.models import Membership, User
from joinedup.demo.models import DemoDataset
from joinedup.people.models import Person, RecordEntry

PASSWORD = "a-long-demo-passphrase-2024"
PORTAL = ("person.alex-carter", "person.niamh-walsh", "person.tom-greenwood")


def load_small(*args) -> str:
    out = io.StringIO()
    call_command("demo", "--size", "small", "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def test_the_portal_accounts_are_printed_under_their_own_heading(db):
    output = load_small()

    listed = output.split("People (portal)")[1]
    assert all(username in listed for username in PORTAL)


def test_a_portal_account_has_the_demo_password_and_no_membership(db):
    load_small()

    user = User.objects.get(username="person.alex-carter")
    assert user.check_password(PASSWORD)
    assert user.is_person_account
    assert not Membership.objects.filter(user=user).exists()
    assert Person.objects.get(portal_user=user).family_name == "Carter"


def test_the_staff_who_wrote_the_record_cannot_log_in(db):
    load_small()

    authors = User.objects.filter(username__startswith="staff-")
    assert authors.exists()
    assert not any(user.has_usable_password() for user in authors)


def test_every_demo_account_has_the_demo_password(db):
    load_small()

    assert User.objects.get(username="volunteer.riverside-mind").check_password(PASSWORD)


def test_the_marker_counts_the_people_and_records_the_stages(db):
    load_small()

    marker = DemoDataset.objects.get()
    assert marker.counts["people"] == Person.objects.count() == 8
    assert marker.stages["people"] == STAGE_VERSIONS["people"]


def test_demo_refuses_once_an_entry_is_added_to_someone_s_record(db):
    load_small()
    entry = RecordEntry.objects.first()
    RecordEntry.objects.create(
        person=entry.person,
        category=entry.category,
        owning_organisation=entry.owning_organisation,
        author=entry.author,
        author_role=entry.author_role,
        title="A real note",
    )

    with pytest.raises(CommandError, match="did not load"):
        load_small()
