"""The JSON API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Errors are RFC 9457 problem documents (`application/problem+json`) naming the field
that was wrong, so a partner system can tell its user what to fix. Nothing a client
sends leads to a 500.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from joinedup.core.exceptions import DomainError

api = NinjaAPI(
    title="joinedup API",
    version="1",
    description=(
        "The partnership's JSON API. The service directory is public; everything else "
        "needs a bearer token from POST /api/v1/auth/token."
    ),
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url=None,
)


def problem(
    status: int, title: str, detail: str = "", errors: list[dict] | None = None
) -> JsonResponse:
    body: dict = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _location(loc) -> str:
    # ninja reports ("query", "age") style locations; the last part names the field.
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload")]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request: HttpRequest, exc: NinjaValidationError):
    errors = [
        {"field": _location(e.get("loc", ())), "message": e.get("msg", "is not valid")}
        for e in exc.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, "The request is not valid", detail, errors)


@api.exception_handler(ValidationError)
def on_invalid_data(request: HttpRequest, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "request", "message": m} for m in exc.messages]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, "The data is not valid", detail, errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem(exc.status, exc.message, exc.message, errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError):
    response = problem(401, "Authentication required", "Send 'Authorization: Bearer <token>'")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return problem(exc.status_code, str(exc))


def _register_routers() -> None:
    from joinedup.accounts.api import router as accounts_router
    from joinedup.directory.api import router as directory_router

    api.add_router("/", accounts_router)
    api.add_router("/", directory_router)


_register_routers()
