from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.access.categories import Category, categories_for
from joinedup.accounts.models import ApiToken, Membership, UserSession

# Seeing any of these is "seeing clinical data" (DESIGN §5), which needs a second factor.
CLINICAL_CATEGORIES = frozenset({Category.CLINICAL, Category.RISK, Category.SAFEGUARDING})


def membership_list(*, user) -> list[Membership]:
    """The memberships a user may act as, with their organisations, in one query."""
    return list(Membership.objects.active().filter(user=user).select_related("organisation"))


def membership_get(*, user, membership_id) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(user=user, pk=membership_id)
        .select_related("organisation")
        .first()
    )


def api_token_membership(*, raw_token: str) -> Membership | None:
    """The membership a bearer token acts as, if the token is still usable."""
    token = (
        ApiToken.objects.usable(timezone.now())
        .filter(token_hash=ApiToken.hash(raw_token))
        .select_related("membership__organisation", "membership__user")
        .first()
    )
    return token.membership if token else None


def role_needs_two_factor(role: str) -> bool:
    return bool(categories_for(role) & CLINICAL_CATEGORIES)


def two_factor_required(*, user, membership: Membership | None, enrolled: bool) -> bool:
    """Must this user, acting as `membership`, prove a second factor?

    Yes where the role sees clinical data, and for superusers (the admin site shows
    everything); otherwise only if they chose to set it up (`enrolled`).
    """
    if enrolled:
        return True
    if not settings.JOINEDUP_2FA_REQUIRED:
        return False
    return user.is_superuser or (membership is not None and role_needs_two_factor(membership.role))


def totp_device_get(*, user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def user_has_two_factor(*, user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def user_session_keys(*, user) -> list[str]:
    return list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))


def lockout_ends_at(*, username: str) -> datetime | None:
    """When a locked-out username may try again: the cool-off after its latest failure.

    An upper bound: axes counts failures per (username, address, browser) row, and the
    lock lifts once enough of them are older than the cool-off.
    """
    cool_off: timedelta | None = get_cool_off()
    latest = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if latest is None or cool_off is None:
        return None
    return latest + cool_off
