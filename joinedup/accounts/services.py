from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import ApiToken, Membership, User
from joinedup.core.exceptions import DomainError, NotAuthenticated

API_TOKEN_LIFETIME = timedelta(hours=8)


@transaction.atomic
def membership_create(*, user: User, organisation, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    return membership


@transaction.atomic
def api_token_issue(
    *,
    request,
    username: str,
    password: str,
    organisation_slug: str | None = None,
    role: str | None = None,
) -> tuple[str, ApiToken]:
    """Check credentials and issue a bearer token acting as one membership.

    With several memberships the caller names the organisation (and role if needed);
    with one, it is chosen for them.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise NotAuthenticated("The username or password is wrong")
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
    raw, digest = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        membership=candidates[0], token_hash=digest, expires_at=timezone.now() + API_TOKEN_LIFETIME
    )
    return raw, token
