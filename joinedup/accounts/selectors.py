from django.utils import timezone

from joinedup.accounts.models import ApiToken, Membership


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
