"""Who may edit the directory (DESIGN.md §5 roles; issue 2: staff edit their own
organisation's services, partnership leads and admins edit any, visitors read)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from joinedup.access import policy
from joinedup.access.roles import Role
from joinedup.directory.models import Organisation, Service
from tests import factories as f

OWN_ORGANISATION_EDITORS = {
    Role.PRACTITIONER,
    Role.CLINICIAN,
    Role.CARE_COORDINATOR,
    Role.SAFEGUARDING_LEAD,
    Role.REFERRAL_COORDINATOR,
    Role.IG_LEAD,
}
ANY_ORGANISATION_EDITORS = {Role.PARTNERSHIP_LEAD, Role.ADMIN}


def test_anyone_may_view_a_service_without_logging_in(befriending):
    decision = policy.decide(AnonymousUser(), "view", befriending)
    assert decision.allowed
    assert decision.basis == policy.Basis.PUBLIC


def test_a_visitor_may_not_edit(befriending):
    decision = policy.decide(AnonymousUser(), "edit", befriending)
    assert not decision.allowed
    assert "log in" in decision.reason


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_edit_its_own_organisations_service_only_if_the_rules_say(role, befriending):
    user = f.member(befriending.organisation, role, username=f"own.{role}")
    expected = role in OWN_ORGANISATION_EDITORS | ANY_ORGANISATION_EDITORS
    assert policy.decide(user, "edit", befriending).allowed is expected


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_edit_another_organisations_service_only_if_partnership_wide(
    role, befriending, trust
):
    user = f.member(trust, role, username=f"other.{role}")
    expected = role in ANY_ORGANISATION_EDITORS
    assert policy.decide(user, "edit", befriending).allowed is expected


def test_a_refusal_says_why(volunteer, befriending):
    decision = policy.decide(volunteer, "edit", befriending)
    assert decision.reason == "a volunteer may not edit directory entries"


def test_an_outsider_is_told_whose_entries_these_are(outsider, befriending):
    assert "only staff of Riverside Mind" in policy.decide(outsider, "edit", befriending).reason


def test_a_superuser_may_edit_anything(befriending):
    admin = f.UserFactory(username="root", is_superuser=True)
    assert policy.decide(admin, "edit", befriending).basis == policy.Basis.SUPERUSER


def test_a_disabled_superuser_may_not_edit(befriending):
    admin = f.UserFactory(username="root", is_superuser=True, is_active=False)
    assert not policy.decide(admin, "edit", befriending).allowed


@pytest.mark.django_db
@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    role=st.sampled_from(list(Role)),
    acts_for=st.integers(min_value=0, max_value=2),
    owner=st.integers(min_value=0, max_value=2),
)
def test_decide_and_the_editable_filter_never_disagree(role, acts_for, owner):
    organisations = [
        f.OrganisationFactory(name=f"Org {i}", slug=f"org-{i}-{role}-{acts_for}-{owner}")
        for i in range(3)
    ]
    service = f.ServiceFactory(organisation=organisations[owner])
    user = f.member(organisations[acts_for], role, username=f"u-{role}-{acts_for}-{owner}")
    decided = policy.decide(user, "edit", service).allowed
    listed = policy.services_editable_by(user, Service.objects.all()).filter(pk=service.pk).exists()
    org_listed = (
        policy.organisations_editable_by(user, Organisation.objects.all())
        .filter(pk=organisations[owner].pk)
        .exists()
    )
    assert decided == listed == org_listed
