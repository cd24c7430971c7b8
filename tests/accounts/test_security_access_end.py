"""Disabling an account or ending a membership ends its sessions and API tokens at once:
through the services, the web, the API and the admin site."""

import pytest
from django.urls import reverse

from joinedup.access.roles import Role
from joinedup.accounts import services
from joinedup.accounts.models import ApiToken, Membership, UserSession
from joinedup.accounts.testing import force_login_verified
from joinedup.audit.models import AuditEvent
from joinedup.core.exceptions import PermissionDenied
from tests import factories as f
from tests.api_support import send_json, token_for

HOME = "/"


@pytest.fixture
def day_centre_admin(day_centre):
    return f.member(day_centre, Role.ADMIN, username="admin.riverside-mind")


@pytest.fixture
def root(db):
    return f.UserFactory(username="root", is_superuser=True, is_staff=True)


def log_in(client, user):
    client.post(
        reverse("accounts:login"), {"username": user.username, "password": f.DEFAULT_PASSWORD}
    )


def patch_service(client, service, raw_token):
    return send_json(
        client,
        "PATCH",
        f"/api/v1/services/{service.public_id}",
        {"fees": "Free"},
        {"Authorization": f"Bearer {raw_token}"},
    )


# --- membership_end


def test_ending_a_membership_deactivates_it(day_centre_admin, volunteer):
    membership = volunteer.memberships.get()
    services.membership_end(actor=day_centre_admin, membership=membership)
    membership.refresh_from_db()
    assert not membership.is_active


def test_ending_a_membership_revokes_its_tokens(day_centre_admin, volunteer):
    _, token = token_for(volunteer)
    services.membership_end(actor=day_centre_admin, membership=volunteer.memberships.get())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_ending_a_membership_leaves_the_users_other_memberships_tokens(
    day_centre_admin, volunteer, trust
):
    other = f.MembershipFactory(user=volunteer, organisation=trust, role=Role.PEER_WORKER)
    volunteer.acting_membership = other
    _, token = token_for(volunteer)
    volunteering = volunteer.memberships.get(organisation__slug="riverside-mind")
    services.membership_end(actor=day_centre_admin, membership=volunteering)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_ending_a_membership_deletes_the_users_sessions(client, day_centre_admin, volunteer):
    log_in(client, volunteer)
    key = client.session.session_key
    services.membership_end(actor=day_centre_admin, membership=volunteer.memberships.get())
    assert not client.session.exists(key)
    assert not UserSession.objects.filter(user=volunteer).exists()


def test_ending_a_membership_is_audited(day_centre_admin, volunteer):
    membership = volunteer.memberships.get()
    services.membership_end(actor=day_centre_admin, membership=membership)
    event = AuditEvent.objects.get(action="membership_end")
    assert (event.actor_username, event.object_id, event.basis) == (
        "admin.riverside-mind",
        str(membership.public_id),
        "own_organisation",
    )


def test_an_admin_of_another_organisation_may_not_end_a_membership(trust, volunteer):
    trust_admin = f.member(trust, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=trust_admin, membership=volunteer.memberships.get())
    assert volunteer.memberships.get().is_active


def test_a_colleague_who_is_not_an_admin_may_not_end_a_membership(day_centre_worker, volunteer):
    with pytest.raises(PermissionDenied):
        services.membership_end(actor=day_centre_worker, membership=volunteer.memberships.get())


def test_a_superuser_may_end_any_membership(root, volunteer):
    services.membership_end(actor=root, membership=volunteer.memberships.get())
    assert not volunteer.memberships.get().is_active


def test_after_a_membership_ends_the_next_web_request_no_longer_acts_as_it(
    client, day_centre_admin, volunteer
):
    log_in(client, volunteer)
    assert client.get(HOME).wsgi_request.user.acting_membership is not None
    services.membership_end(actor=day_centre_admin, membership=volunteer.memberships.get())
    response = client.get(HOME)
    assert not response.wsgi_request.user.is_authenticated


def test_after_a_membership_ends_the_next_api_call_with_its_token_is_401(
    client, day_centre_admin, day_centre_worker, befriending
):
    raw, _ = token_for(day_centre_worker)
    assert patch_service(client, befriending, raw).status_code == 200
    services.membership_end(actor=day_centre_admin, membership=day_centre_worker.memberships.get())
    response = patch_service(client, befriending, raw)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# --- user_disable


def test_disabling_a_user_deactivates_the_account(day_centre_admin, volunteer):
    services.user_disable(actor=day_centre_admin, user=volunteer)
    volunteer.refresh_from_db()
    assert not volunteer.is_active


def test_disabling_a_user_revokes_all_their_tokens(day_centre_admin, volunteer):
    _, token = token_for(volunteer)
    services.user_disable(actor=day_centre_admin, user=volunteer)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_disabling_a_user_ends_every_session_they_have(client, day_centre_admin, volunteer):
    other = type(client)()
    log_in(client, volunteer)
    log_in(other, volunteer)
    services.user_disable(actor=day_centre_admin, user=volunteer)
    assert not client.get(HOME).wsgi_request.user.is_authenticated
    assert not other.get(HOME).wsgi_request.user.is_authenticated


def test_disabling_a_user_leaves_other_users_sessions(client, day_centre_admin, volunteer, trust):
    colleague = f.member(trust, Role.PEER_WORKER)
    log_in(client, colleague)
    services.user_disable(actor=day_centre_admin, user=volunteer)
    assert client.get(HOME).wsgi_request.user == colleague


def test_disabling_a_user_is_audited(root, volunteer):
    services.user_disable(actor=root, user=volunteer)
    event = AuditEvent.objects.get(action="user_disable")
    assert (event.actor_username, event.object_id, event.basis) == (
        "root",
        str(volunteer.pk),
        "superuser",
    )


def test_an_admin_of_only_one_of_the_users_organisations_may_not_disable_them(
    day_centre_admin, volunteer, trust
):
    f.MembershipFactory(user=volunteer, organisation=trust, role=Role.PEER_WORKER)
    with pytest.raises(PermissionDenied):
        services.user_disable(actor=day_centre_admin, user=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.is_active


def test_a_disabled_actor_may_not_disable_anyone(day_centre_admin, volunteer):
    day_centre_admin.is_active = False
    with pytest.raises(PermissionDenied):
        services.user_disable(actor=day_centre_admin, user=volunteer)


def test_after_disabling_the_next_api_call_with_their_token_is_401(
    client, root, day_centre_worker, befriending
):
    raw, _ = token_for(day_centre_worker)
    services.user_disable(actor=root, user=day_centre_worker)
    assert patch_service(client, befriending, raw).status_code == 401


def test_a_disabled_user_cannot_get_a_new_token(client, root, volunteer):
    services.user_disable(actor=root, user=volunteer)
    response = send_json(
        client,
        "POST",
        "/api/v1/auth/token",
        {"username": volunteer.username, "password": f.DEFAULT_PASSWORD},
    )
    assert response.status_code == 401


# --- the admin site


def _user_change_form(user, membership, *, user_active: bool, membership_active: bool) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        **({"is_active": "on"} if user_active else {}),
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-user": str(user.pk),
        "memberships-0-organisation": str(membership.organisation_id),
        "memberships-0-role": membership.role,
        **({"memberships-0-is_active": "on"} if membership_active else {}),
    }


def test_unticking_active_on_a_user_in_the_admin_ends_their_sessions_and_tokens(
    client, root, volunteer
):
    browser = type(client)()
    log_in(browser, volunteer)
    _, token = token_for(volunteer)
    force_login_verified(client, root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[volunteer.pk]),
        _user_change_form(
            volunteer, volunteer.memberships.get(), user_active=False, membership_active=True
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert not browser.get(HOME).wsgi_request.user.is_authenticated


def test_unticking_active_on_a_membership_inline_in_the_admin_ends_it(client, root, volunteer):
    _, token = token_for(volunteer)
    force_login_verified(client, root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[volunteer.pk]),
        _user_change_form(
            volunteer, volunteer.memberships.get(), user_active=True, membership_active=False
        ),
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="membership_end").exists()


def test_unticking_active_on_the_membership_admin_page_ends_it(client, root, volunteer):
    membership = volunteer.memberships.get()
    browser = type(client)()
    log_in(browser, volunteer)
    force_login_verified(client, root)
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {
            "user": str(volunteer.pk),
            "organisation": str(membership.organisation_id),
            "role": membership.role,
        },
    )
    assert response.status_code == 302
    assert not Membership.objects.get(pk=membership.pk).is_active
    assert not browser.get(HOME).wsgi_request.user.is_authenticated
