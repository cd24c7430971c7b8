"""`joinedup demo`: the synthetic partnership, its accounts, and its refusal to touch
data it did not load (DESIGN.md §8)."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.accounts.models import Membership, User
from joinedup.demo.models import DemoDataset
from joinedup.directory.models import Organisation, OrganisationKind, Service
from tests import factories as f

PASSWORD = "a-long-demo-passphrase-2024"


def demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def load_small(*args) -> str:
    return demo("--size", "small", "--password", PASSWORD, *args)


def test_demo_creates_an_account_for_every_role_in_every_kind_of_organisation(db):
    load_small()

    pairs = set(Membership.objects.values_list("role", "organisation__kind"))
    assert pairs >= {(role.value, kind.value) for role in Role for kind in OrganisationKind}


def test_demo_accounts_are_named_role_dot_organisation_slug(db):
    load_small()

    membership = Membership.objects.select_related("user", "organisation").get(
        user__username="volunteer.riverside-mind"
    )
    assert (membership.role, membership.organisation.slug) == (Role.VOLUNTEER, "riverside-mind")


def test_ig_lead_of_the_trust_exists(db):
    load_small()

    membership = Membership.objects.get(user__username="ig_lead.city-nhs-trust")
    assert (membership.role, membership.organisation.slug) == (Role.IG_LEAD, "city-nhs-trust")


def test_a_community_mental_health_team_account_acts_for_the_trust(db):
    load_small()

    membership = Membership.objects.select_related("user").get(
        user__username="clinician.north-cmht"
    )
    assert (membership.role, membership.organisation.slug) == (Role.CLINICIAN, "city-nhs-trust")
    assert membership.user.last_name == "North Community Mental Health Team"


def logged_in_as(client, username: str, password: str) -> bool:
    """Log in through the login page, as a person would."""
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    user = User.objects.get(username=username)
    return client.session.get("_auth_user_id") == str(user.pk)


def test_a_demo_account_logs_in_with_the_given_password(db, client):
    load_small()

    assert logged_in_as(client, "volunteer.riverside-mind", PASSWORD)


def test_a_generated_password_is_printed_and_logs_in(db, client):
    output = demo("--size", "small")

    password = re.search(r"password \(generated; it is shown only now\): (\S+)", output)[1]
    assert logged_in_as(client, "clinician.north-cmht", password)


def test_a_wrong_password_does_not_log_in(db, client):
    load_small()

    assert not logged_in_as(client, "volunteer.riverside-mind", "not-the-demo-password")


def test_the_accounts_table_is_printed(db):
    output = load_small()

    assert re.search(r"^ig_lead\.city-nhs-trust +Information governance lead", output, re.M)


def test_a_password_the_validators_refuse_is_refused_and_nothing_is_written(db):
    with pytest.raises(CommandError, match="password"):
        demo("--size", "small", "--password", "short")

    assert not Organisation.objects.exists()


def test_demo_refuses_a_database_holding_an_organisation_it_did_not_load(db):
    f.OrganisationFactory(name="Real Partner Charity", slug="real-partner")

    with pytest.raises(CommandError, match="did not load"):
        load_small()

    assert list(Organisation.objects.values_list("slug", flat=True)) == ["real-partner"]
    assert not User.objects.exists()
    assert not DemoDataset.objects.exists()


def test_demo_refuses_once_an_account_is_added_after_it(db):
    load_small()
    f.UserFactory(username="real.person")

    with pytest.raises(CommandError, match="did not load"):
        load_small("--if-empty")

    assert User.objects.filter(username="real.person").exists()


def test_force_replaces_real_data_with_the_demo(db):
    f.OrganisationFactory(name="Real Partner Charity", slug="real-partner")

    load_small("--force")

    assert not Organisation.objects.filter(slug="real-partner").exists()
    assert Organisation.objects.filter(slug="riverside-mind").exists()


def test_if_empty_leaves_a_loaded_demo_alone(db):
    load_small()
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))

    output = load_small("--if-empty")

    assert "already loaded" in output
    assert list(User.objects.order_by("pk").values_list("pk", flat=True)) == users
    assert DemoDataset.objects.count() == 1


def test_if_empty_loads_an_empty_database(db):
    load_small("--if-empty")

    assert Service.objects.exists()


def test_running_demo_again_replaces_its_own_partnership(db):
    load_small("--seed", "1")

    load_small("--seed", "2")

    marker = DemoDataset.objects.get()
    assert marker.seed == 2
    assert Service.objects.count() == marker.services


def test_the_shipped_taxonomy_survives_a_reload(db):
    load_small()

    load_small("--seed", "3")

    assert Service.objects.filter(taxonomy_terms__code="befriending").exists()


def test_the_demo_size_has_about_two_hundred_services_from_about_sixty_organisations(db):
    demo("--password", PASSWORD)

    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")))
    assert 150 <= Service.objects.count() <= 250
    assert kinds[OrganisationKind.GP_PRACTICE] == 20
    assert kinds[OrganisationKind.VCSE] == 40


def test_force_reloads_a_used_demo_and_keeps_the_audit_log_verifiable(db):
    from joinedup.audit.selectors import audit_verify
    from joinedup.audit.services import audit_record

    load_small()
    user = User.objects.first()
    audit_record(actor=user, action="login", basis="none")

    load_small("--force")

    assert Organisation.objects.filter(slug="riverside-mind").exists()
    assert audit_verify().broken_at is None
