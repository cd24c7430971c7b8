"""`joinedup demo` holds referrals along the lifecycle, made through the state machine."""

import io

from django.core.management import call_command

from joinedup.accounts.models import Membership
from joinedup.referrals import selectors
from joinedup.referrals.models import Referral, Status, Transition

PASSWORD = "a-long-demo-passphrase-2024"


def load_small() -> None:
    call_command("demo", "--size", "small", "--password", PASSWORD, stdout=io.StringIO())


def acting(username: str):
    membership = Membership.objects.select_related("user").get(user__username=username)
    membership.user.acting_membership = membership
    return membership.user


def test_the_demo_has_referrals_in_many_states_each_with_its_steps(db):
    load_small()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {Status.SUBMITTED, Status.ACCEPTED, Status.DECLINED, Status.COMPLETED} <= statuses
    for referral in Referral.objects.all():
        steps = Transition.objects.filter(referral=referral).count()
        assert referral.version == 1 + steps


def test_the_north_teams_outgoing_worklist_shows_them_with_one_in_limbo(db):
    load_small()
    page = selectors.worklist(user=acting("clinician.north-cmht"), direction="outgoing")
    assert page.counts["total"] >= 5
    assert page.counts["limbo"] == 1


def test_the_receiving_team_sees_its_referrals(db):
    load_small()
    page = selectors.worklist(user=acting("practitioner.riverside-mind"))
    assert page.rows
    assert all(r.owner_organisation.slug == "riverside-mind" for r in page.rows)
