"""Every write of the accounts app: memberships, API tokens, web sessions, second factors,
and ending access (disabling a user, ending a membership) at once."""

import math
import time
from datetime import timedelta
from importlib import import_module

import django_otp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.access.roles import Role
from joinedup.accounts import selectors, session_keys, totp
from joinedup.accounts.models import ApiToken, Membership, User, UserSession
from joinedup.audit.models import Basis
from joinedup.audit.services import audit_record
from joinedup.core.exceptions import DomainError, NotAuthenticated, PermissionDenied

API_TOKEN_LIFETIME = timedelta(hours=8)


class TooManyAttempts(DomainError):
    status = 429


@transaction.atomic
def membership_create(*, user: User, organisation, role: str) -> Membership:
    if user.is_person_account:
        raise ValidationError(
            {"user": "A person's own portal account cannot be a member of an organisation"}
        )
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    return membership


# --- API tokens


def api_token_issue(
    *,
    request,
    username: str,
    password: str,
    organisation_slug: str | None = None,
    role: str | None = None,
    otp: str | None = None,
) -> tuple[str, ApiToken]:
    """Check credentials (and the second factor, where needed) and issue a bearer token
    acting as one membership.

    With several memberships the caller names the organisation (and role if needed);
    with one, it is chosen for them. Not one transaction: a wrong password or code must
    stay counted (lockout, throttling) when the request is refused.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise TooManyAttempts(_locked_out_message(username))
        raise NotAuthenticated("The username or password is wrong")
    membership = _membership_chosen(user, organisation_slug, role)
    device = selectors.totp_device_get(user=user)
    if selectors.two_factor_required(user=user, membership=membership, enrolled=bool(device)):
        if device is None:
            raise PermissionDenied(
                f"Acting as {membership.get_role_display()} needs two-factor authentication, "
                "which you have not set up: log in to joinedup in a browser to set up an "
                "authenticator app, then ask again with its code in 'otp'"
            )
        if not otp:
            raise NotAuthenticated(
                "Enter the 6-digit code from your authenticator app", field="otp"
            )
        _code_verified(user=user, device=device, code=otp, field="otp")
    raw, digest = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        membership=membership, token_hash=digest, expires_at=timezone.now() + API_TOKEN_LIFETIME
    )
    return raw, token


def _membership_chosen(user, organisation_slug: str | None, role: str | None) -> Membership:
    memberships = Membership.objects.active().filter(user=user).select_related("organisation")
    if organisation_slug:
        memberships = memberships.filter(organisation__slug=organisation_slug)
    if role:
        memberships = memberships.filter(role=role)
    candidates = list(memberships[:2])
    if not candidates:
        raise DomainError(
            "You have no active membership that matches: check the organisation and role",
            field="organisation",
        )
    if len(candidates) > 1:
        raise DomainError(
            "You are a member of several organisations or roles: say which with "
            "'organisation' (its slug) and 'role'",
            field="organisation",
        )
    return candidates[0]


def _locked_out_message(username: str) -> str:
    ends_at = selectors.lockout_ends_at(username=username)
    when = f"after {timezone.localtime(ends_at):%H:%M on %d %B %Y}" if ends_at else "later"
    return f"Too many wrong passwords for this username: try again {when}"


# --- second factor


def _code_verified(*, user, device: TOTPDevice, code: str, field: str) -> None:
    """Check `code` against the device, with django-otp's throttling: each wrong code
    doubles the wait before the next is even looked at."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = (why or {}).get("locked_until", timezone.now()) - timezone.now()
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise TooManyAttempts(
            f"Too many wrong codes: wait {seconds} second{'s' if seconds != 1 else ''} "
            "and enter the newest code",
            field=field,
        )
    # django_otp.verify_token locks the device row, so one code cannot be used twice.
    if django_otp.verify_token(user, device.persistent_id, code) is None:
        raise NotAuthenticated(
            "The code is not right: enter the newest code from your authenticator app",
            field=field,
        )


def two_factor_verify(*, request, code: str) -> TOTPDevice:
    """Prove the second factor for this session with a code from the user's app."""
    user = request.user
    device = selectors.totp_device_get(user=user)
    if device is None:
        raise DomainError("You have not set up an authenticator app yet", field="code")
    _code_verified(user=user, device=device, code=code, field="code")
    django_otp.login(request, device)
    request.session[session_keys.TWO_FACTOR_ENROLLED] = True
    return device


@transaction.atomic
def totp_device_confirm(*, request, key: str, code: str) -> TOTPDevice:
    """Keep the authenticator app whose secret is `key`, once it shows a current code.

    The session then counts as verified: the person has just proved they hold the app.
    """
    user = request.user
    if selectors.user_has_two_factor(user=user):
        raise DomainError("You already have an authenticator app set up", field="code")
    step = totp.code_matches(key=key, code=code)
    if step is None:
        raise DomainError(
            "The code is not right: check your app shows joinedup, and enter its newest code",
            field="code",
        )
    # last_t stops the code just used being accepted again for a login.
    device = TOTPDevice.objects.create(
        user=user, name="Authenticator app", key=key, confirmed=True, last_t=step
    )
    request.session.pop(session_keys.TWO_FACTOR_SETUP_KEY, None)
    django_otp.login(request, device)
    request.session[session_keys.TWO_FACTOR_ENROLLED] = True
    return device


@transaction.atomic
def totp_device_remove(*, request) -> None:
    """Turn two-factor off: only for someone none of whose roles needs it."""
    user = request.user
    needing = [
        m
        for m in selectors.membership_list(user=user)
        if selectors.two_factor_required(user=user, membership=m, enrolled=False)
    ]
    if needing or selectors.two_factor_required(user=user, membership=None, enrolled=False):
        role = needing[0].get_role_display() if needing else "A superuser"
        raise PermissionDenied(f"{role} needs two-factor authentication, so it stays on")
    TOTPDevice.objects.devices_for_user(user, confirmed=None).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[session_keys.TWO_FACTOR_ENROLLED] = False


# --- web sessions


def user_session_start(*, request, user) -> None:
    """Note a new login: its session key (to end it from elsewhere) and its times."""
    session = request.session
    if session.session_key is None:
        session.save()
    now = int(time.time())
    session[session_keys.LOGGED_IN_AT] = now
    session[session_keys.LAST_SEEN_AT] = now
    session[session_keys.TWO_FACTOR_ENROLLED] = selectors.user_has_two_factor(user=user)
    # Sessions past the absolute timeout are dead whatever happened to them: forget them,
    # so the table holds at most a day's logins per user.
    too_old = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.filter(user=user, created_at__lt=too_old).delete()
    UserSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


def user_session_end(*, request) -> None:
    if key := request.session.session_key:
        UserSession.objects.filter(session_key=key).delete()


def user_session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follow a session whose key changed (Django cycles it when the password changes)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _sessions_end(user) -> int:
    """Delete every web session the user logged in with, through the session engine."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = selectors.user_session_keys(user=user)
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# --- ending access


def _management_basis(actor, *, organisation_ids: set[int], permission: str) -> Basis | None:
    """On what basis `actor` may end access in these organisations, or None if they may not.

    Superusers and staff whom the admin site trusts with `permission` may, as system
    administrators; so may someone who administers every organisation concerned.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    if actor.has_perm(permission):
        return Basis.SUPERUSER
    administered = set(
        Membership.objects.active()
        .filter(user=actor, role=Role.ADMIN)
        .values_list("organisation_id", flat=True)
    )
    if organisation_ids and organisation_ids <= administered:
        return Basis.OWN_ORGANISATION
    return None


@transaction.atomic
def user_disable(*, actor, user: User) -> None:
    """Disable an account: it cannot log in, and its sessions and API tokens end now."""
    organisation_ids = set(
        Membership.objects.active().filter(user=user).values_list("organisation_id", flat=True)
    )
    basis = _management_basis(
        actor, organisation_ids=organisation_ids, permission="accounts.change_user"
    )
    if basis is None:
        raise PermissionDenied(
            "Only an administrator of every organisation this person works for can disable "
            "their account"
        )
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(membership__user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    ended = _sessions_end(user)
    audit_record(
        actor=actor,
        action="user_disable",
        obj=user,
        purpose="account_administration",
        basis=basis,
        detail={"api_tokens_revoked": revoked, "sessions_ended": ended},
    )


@transaction.atomic
def membership_end(*, actor, membership: Membership) -> None:
    """End a membership: its API tokens are revoked and the user's sessions end now.

    All the user's sessions end, not only one acting as this membership: they log in
    again and act in the roles they still hold.
    """
    basis = _management_basis(
        actor,
        organisation_ids={membership.organisation_id},
        permission="accounts.change_membership",
    )
    if basis is None:
        raise PermissionDenied(
            f"Only an administrator of {membership.organisation} can end this membership"
        )
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    revoked = ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    ended = _sessions_end(membership.user)
    audit_record(
        actor=actor,
        action="membership_end",
        obj=membership,
        purpose="account_administration",
        basis=basis,
        detail={
            "user": membership.user.get_username(),
            "role": membership.role,
            "api_tokens_revoked": revoked,
            "sessions_ended": ended,
        },
    )
