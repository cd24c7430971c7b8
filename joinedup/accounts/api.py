"""POST /api/v1/auth/token: username and password in, a bearer token out (DESIGN §8).

Also the pieces every router of the API shares: the two bearer authentications and
the problem document. They live here rather than in `joinedup/api.py` because the
routers are imported by that module, and it would be a circular import.
"""

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.security import HttpBearer
from pydantic import AfterValidator, ConfigDict

from joinedup.accounts import selectors, services

router = Router(tags=["auth"])

NO_NUL = r"^[^\x00]*$"


def _without_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text and refuses it even in a WHERE clause: caught
    # here it is a 422 naming the field, not a 500 from the database driver.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_without_nul), Field(json_schema_extra={"pattern": NO_NUL})]


class ProblemField(Schema):
    field: str = Field(description="The parameter or body field that was wrong, dotted")
    message: str


class Problem(Schema):
    """An RFC 9457 problem document, sent as `application/problem+json` for every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemField] | None = Field(
        None, description="One entry per field that was wrong, when the request named fields"
    )


class TokenIn(Schema):
    # "organization" for "organisation" would otherwise be dropped in silence.
    model_config = ConfigDict(extra="forbid")

    username: Text = Field(max_length=150)
    password: Text = Field(max_length=4096)
    organisation: Text | None = Field(
        None,
        max_length=120,
        description="The organisation's slug; needed when you belong to several",
    )
    role: Text | None = Field(
        None, max_length=30, description="The role; needed when you hold several there"
    )
    otp: str | None = Field(
        None,
        pattern=r"^[0-9]{6}$",
        description=(
            "The 6-digit code from your authenticator app; needed when the role sees "
            "clinical data, or when you have turned two-factor authentication on"
        ),
    )


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


@router.post(
    "/auth/token",
    response={200: TokenOut, 400: Problem, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    auth=None,
    summary="Get a bearer token",
    description=(
        "Exchange a username and password (and, where two-factor authentication applies, "
        "the code in `otp`) for a bearer token acting as one membership (organisation and "
        "role). A wrong username, password or code is a 401; a role that needs two-factor "
        "authentication from someone who has not set it up is a 403; belonging to several "
        "organisations or roles without naming one is a 400 naming `organisation`; too "
        "many wrong passwords (or codes) in a row is a 429 saying when to try again."
    ),
)
def token_create(request, payload: TokenIn):
    raw, token = services.api_token_issue(
        request=request,
        username=payload.username,
        password=payload.password,
        organisation_slug=payload.organisation,
        role=payload.role,
        otp=payload.otp,
    )
    membership = token.membership
    return TokenOut(
        token=raw,
        expires_at=timezone.localtime(token.expires_at),
        organisation=membership.organisation.slug,
        role=membership.role,
    )
