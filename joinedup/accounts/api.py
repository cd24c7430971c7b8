"""POST /api/v1/auth/token: username and password in, a bearer token out (DESIGN §8)."""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from joinedup.accounts import selectors, services

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    organisation: str | None = None
    role: str | None = None


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime
    organisation: str
    role: str


class BearerAuth(HttpBearer):
    """Authenticates the request as the token's membership (user + organisation + role)."""

    def authenticate(self, request, token: str):
        membership = selectors.api_token_membership(raw_token=token)
        if membership is None:
            return None
        user = membership.user
        user.acting_membership = membership
        request.user = user
        return user


bearer = BearerAuth()


class OptionalBearerAuth(BearerAuth):
    """Public endpoints that do more for a logged-in caller: no token is fine, a bad one is not."""

    def __call__(self, request):
        if not request.headers.get("Authorization"):
            return True
        return super().__call__(request)


optional_bearer = OptionalBearerAuth()


@router.post("/auth/token", response={200: TokenOut}, auth=None, summary="Get a bearer token")
def token_create(request, payload: TokenIn):
    raw, token = services.api_token_issue(
        request=request,
        username=payload.username,
        password=payload.password,
        organisation_slug=payload.organisation,
        role=payload.role,
    )
    membership = token.membership
    return TokenOut(
        token=raw,
        expires_at=timezone.localtime(token.expires_at),
        organisation=membership.organisation.slug,
        role=membership.role,
    )
