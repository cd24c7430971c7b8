"""The JSON API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Errors are RFC 9457 problem documents (`application/problem+json`) naming the field
that was wrong, so a partner system can tell its user what to fix. Nothing a client
sends leads to a 500.
"""

import logging
from http import HTTPStatus

from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation, ValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from joinedup.core.exceptions import DomainError

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class JoinedUpAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids ("service_list") read better in generated clients than
        # ninja's module-qualified default; view names are unique across routers.
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operation in _operations(schema):
            _describe_problems(operation)
            _describe_optional_bearer(operation)
        schema["components"].get("securitySchemes", {}).pop("OptionalBearerAuth", None)
        return schema


def _operations(schema):
    for path in schema["paths"].values():
        yield from path.values()


def _describe_problems(operation) -> None:
    """Problems are sent as application/problem+json; ninja labels every body application/json."""
    for response in operation["responses"].values():
        content = response.get("content", {})
        body = content.get("application/json")
        if body and body["schema"].get("$ref", "").endswith("/Problem"):
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")


def _describe_optional_bearer(operation) -> None:
    """A public operation that also accepts a token: `[{}, bearer]` is OpenAPI for "optional"."""
    if operation.get("security") == [{"OptionalBearerAuth": []}]:
        operation["security"] = [{}, {"BearerAuth": []}]


api = JoinedUpAPI(
    title="joinedup API",
    version="1",
    description=(
        "The partnership's JSON API. The service directory is public to read; changing "
        "it needs a bearer token from POST /api/v1/auth/token. Every error is an RFC 9457 "
        "problem document whose `errors` name the fields that were wrong."
    ),
    urls_namespace="api-1",
    openapi_url="/openapi.json",
    docs_url=None,
)


def problem(status: int, detail: str = "", errors: list[dict] | None = None) -> JsonResponse:
    # With type "about:blank" RFC 9457 asks for the status phrase as the title; what
    # went wrong this time is in `detail` and, field by field, in `errors`.
    body: dict = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type=PROBLEM_MEDIA_TYPE)


# The sources ninja names in an error's location, and the names our operations give
# their body (`payload`) and query schemas (`filters`, `paging`): none is a field.
_NOT_FIELDS = frozenset({"query", "body", "path", "header", "payload", "filters", "paging"})


def _location(loc) -> str:
    parts = [str(p) for p in loc if p not in _NOT_FIELDS]
    return ".".join(parts) or "request"


def _message(error: dict) -> str:
    message = error.get("msg", "is not valid")
    # pydantic prefixes messages raised by our own validators; the field name says enough.
    return message.removeprefix("Value error, ")


def _field(name: str) -> str:
    return "request" if name == NON_FIELD_ERRORS else name


def _summary(errors: list[dict]) -> str:
    return "; ".join(f"{e['field']}: {e['message']}" for e in errors)


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request: HttpRequest, exc: NinjaValidationError):
    errors = [{"field": _location(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    return problem(422, _summary(errors), errors)


@api.exception_handler(ValidationError)
def on_invalid_data(request: HttpRequest, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": _field(field), "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "request", "message": m} for m in exc.messages]
    return problem(422, _summary(errors), errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem(exc.status, exc.message, errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError):
    response = problem(
        401,
        "Send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/token "
        "that has not expired or been revoked",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    return problem(exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404):
    return problem(404, "There is nothing here")


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation):
    # A body over the upload limit, too many fields and the like: the client's fault.
    return problem(400, "The request could not be read")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception):
    # Still a problem document, so clients parse one error format. Logged and signalled
    # as Django does for a 500, so it is not lost (and the test client re-raises it).
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500}
    )
    got_request_exception.send(sender=None, request=request)
    return problem(500, "Something went wrong on our side; it has been logged")


def _register_routers() -> None:
    from joinedup.access.api import router as governance_router
    from joinedup.accounts.api import router as accounts_router
    from joinedup.activity.api import router as activity_router
    from joinedup.careplans.api import router as careplans_router
    from joinedup.directory.api import router as directory_router
    from joinedup.meetings.api import router as meetings_router
    from joinedup.outcomes.api import router as outcomes_router
    from joinedup.people.api import router as people_router
    from joinedup.referrals.api import router as referrals_router

    api.add_router("/", accounts_router)
    api.add_router("/", directory_router)
    api.add_router("/", people_router)
    api.add_router("/", governance_router)
    api.add_router("/", referrals_router)
    api.add_router("/", careplans_router)
    api.add_router("/", meetings_router)
    api.add_router("/", "joinedup.referrals.api_public.router")  # public: self-referrals
    api.add_router("/", outcomes_router)
    api.add_router("/", activity_router)


_register_routers()
