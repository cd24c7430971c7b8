"""The Open Referral UK read API at `/api/oruk/`, as the standard's OpenAPI describes it
(`oruk/schema/openapi.json`), plus `/organizations` from HSDS 3.0.

Plain Django views: public, read-only, parse → select → serialise. A bad parameter is a
400 problem document (RFC 9457) naming the parameter, an unknown id a 404; never a 500.
Ids are the models' public UUIDs.
"""

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from joinedup.core.exceptions import DomainError, NotFound
from joinedup.directory import validators
from joinedup.directory.models import Weekday
from joinedup.directory.oruk import selectors, serialize
from joinedup.directory.oruk import vocabulary as v
from joinedup.directory.oruk.schemas import schema

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PROXIMITY_METRES = 1_000_000
_DAYS = {day.value: day.value for day in Weekday} | {
    day.label.lower(): day.value for day in Weekday
}


_TITLES = {
    400: "A parameter is not valid",
    404: "Not found",
    405: "Method not allowed",
}


def _problem(status: int, detail: str, *, field: str | None = None) -> JsonResponse:
    """An RFC 9457 problem document; `errors` names the parameter, as /api/v1/ does."""
    title = _TITLES.get(status, "The request cannot be answered")
    body: dict = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if field:
        body["errors"] = [{"field": field, "message": detail}]
    return JsonResponse(body, status=status, content_type="application/problem+json")


def oruk_endpoint(view: Callable[..., dict]) -> Callable[..., JsonResponse]:
    """GET (and HEAD) only; the view returns a dict or raises a DomainError."""

    @wraps(view)
    def endpoint(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _problem(405, f"{request.method} is not allowed: this API is read-only")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            data = view(request, *args, **kwargs)
        except DomainError as exc:
            return _problem(exc.status, exc.message, field=exc.field)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        # Public directory data, read by other directories' web pages too.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


# Parameters ---------------------------------------------------------------------------


def _param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


def _whole(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = _param(request, name)
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise DomainError(f"{name} must be a whole number from {low} to {high:,}", field=name)
    return int(raw)


def _number(request: HttpRequest, name: str) -> float | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise DomainError(f"{name} must be a number, like 18", field=name)
    return number


def _uuid(raw: str, name: str) -> uuid.UUID | None:
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise DomainError(f"{name} must be a UUID, like {uuid.UUID(int=0)}", field=name) from None


def _time(request: HttpRequest, name: str) -> time | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise DomainError(f"{name} must be a time of day, like 09:30", field=name) from None


def _day(request: HttpRequest) -> str | None:
    raw = _param(request, "day")
    if not raw:
        return None
    day = _DAYS.get(raw.upper()) or _DAYS.get(raw.lower())
    if day is None:
        raise DomainError("day must be MO, TU, WE, TH, FR, SA or SU (or Monday…)", field="day")
    return day


def _moment(request: HttpRequest, name: str) -> datetime | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise DomainError(f"{name} must be a date and time, like 2024-05-01T09:00:00Z", field=name)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _paging(request: HttpRequest) -> dict:
    return {
        "page": _whole(request, "page", 1, 1, 1_000_000),
        "per_page": _whole(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    }


def _service_filters(request: HttpRequest) -> selectors.ServiceFilters:
    return selectors.ServiceFilters(
        # `search` is the standard's; `text` is what ORUK 1 and 2 called it.
        text=_param(request, "search") or _param(request, "text"),
        taxonomy_term_id=_uuid(_param(request, "taxonomy_term_id"), "taxonomy_term_id"),
        taxonomy_id=_uuid(_param(request, "taxonomy_id"), "taxonomy_id"),
        organization_id=_uuid(_param(request, "organization_id"), "organization_id"),
        minimum_age=_number(request, "minimum_age"),
        maximum_age=_number(request, "maximum_age"),
        day=_day(request),
        start_time=_time(request, "start_time"),
        end_time=_time(request, "end_time"),
        modified_after=_moment(request, "modified_after"),
    )


def _postcode(request: HttpRequest) -> str:
    raw = _param(request, "postcode")
    if raw:
        try:
            validators.validate_postcode(raw)
        except ValidationError:
            raise DomainError(f"postcode {raw!r} is not a UK postcode", field="postcode") from None
    return raw


def _proximity(request: HttpRequest, postcode: str) -> selectors.Proximity | None:
    metres = _number(request, "proximity")
    if metres is None:
        return None
    if not 0 < metres <= MAX_PROXIMITY_METRES:
        raise DomainError(
            f"proximity must be metres, from 1 to {MAX_PROXIMITY_METRES:,}", field="proximity"
        )
    if not postcode:
        raise DomainError("proximity needs a postcode to measure from", field="postcode")
    centre = selectors.postcode_centre(postcode)
    if centre is None:
        raise DomainError(
            f"joinedup has no location at or near {postcode} to measure from", field="postcode"
        )
    return selectors.Proximity(latitude=centre[0], longitude=centre[1], metres=metres)


def _id(value: str) -> uuid.UUID:
    parsed = _uuid(value, "id")
    if parsed is None:
        raise DomainError("id must be a UUID", field="id")
    return parsed


def _paged(page: selectors.Page, items: list[dict], paging: dict) -> dict:
    return serialize.page_dict(items=items, total=page.total, **paging)


# Endpoints ----------------------------------------------------------------------------


@oruk_endpoint
def api_info(request: HttpRequest) -> dict:
    return {
        "version": v.VERSION,
        "profile": v.PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
    }


@oruk_endpoint
def openapi_document(request: HttpRequest) -> dict:
    return schema("openapi")


@oruk_endpoint
def service_list(request: HttpRequest) -> dict:
    filters, paging = _service_filters(request), _paging(request)
    page = selectors.oruk_service_list(filters=filters, **paging)
    return _paged(page, [serialize.service_list_dict(s) for s in page.items], paging)


@oruk_endpoint
def service_detail(request: HttpRequest, public_id: str) -> dict:
    service = selectors.oruk_service_get(public_id=_id(public_id))
    if service is None:
        raise NotFound(f"There is no service with id {public_id}")
    return serialize.service_dict(service)


@oruk_endpoint
def service_at_location_list(request: HttpRequest) -> dict:
    filters, paging = _service_filters(request), _paging(request)
    postcode = _postcode(request)
    page = selectors.oruk_service_at_location_list(
        filters=filters, postcode=postcode, proximity=_proximity(request, postcode), **paging
    )
    items = [serialize.service_at_location_list_dict(link) for link in page.items]
    return _paged(page, items, paging)


@oruk_endpoint
def service_at_location_detail(request: HttpRequest, public_id: str) -> dict:
    link = selectors.oruk_service_at_location_get(public_id=_id(public_id))
    if link is None:
        raise NotFound(f"There is no service at location with id {public_id}")
    return serialize.service_at_location_full_dict(link)


@oruk_endpoint
def organisation_list(request: HttpRequest) -> dict:
    paging = _paging(request)
    page = selectors.oruk_organisation_list(**paging)
    return _paged(page, [serialize.organisation_list_dict(o) for o in page.items], paging)


@oruk_endpoint
def organisation_detail(request: HttpRequest, public_id: str) -> dict:
    found = selectors.oruk_organisation_get(public_id=_id(public_id))
    if found is None:
        raise NotFound(f"There is no organization with id {public_id}")
    organisation, services = found
    return serialize.organisation_dict(organisation, services=services)


@oruk_endpoint
def taxonomy_list(request: HttpRequest) -> dict:
    paging = _paging(request)
    page = selectors.oruk_taxonomy_list(**paging)
    return _paged(page, [serialize.any_taxonomy_dict(t) for t in page.items], paging)


@oruk_endpoint
def taxonomy_detail(request: HttpRequest, public_id: str) -> dict:
    found = selectors.oruk_taxonomy_get(public_id=_id(public_id))
    if found is None:
        raise NotFound(f"There is no taxonomy with id {public_id}")
    taxonomy, terms = found
    if taxonomy is None:
        return serialize.vocabulary_taxonomy_dict(with_terms=True)
    return serialize.taxonomy_dict(taxonomy, terms=terms)


@oruk_endpoint
def taxonomy_term_list(request: HttpRequest) -> dict:
    paging = _paging(request)
    page = selectors.oruk_taxonomy_term_list(**paging)
    return _paged(page, [serialize.any_term_dict(t) for t in page.items], paging)


@oruk_endpoint
def taxonomy_term_detail(request: HttpRequest, public_id: str) -> dict:
    term = selectors.oruk_taxonomy_term_get(public_id=_id(public_id))
    if term is None:
        raise NotFound(f"There is no taxonomy term with id {public_id}")
    return serialize.any_term_dict(term)


@oruk_endpoint
def not_found(request: HttpRequest, path: str = "") -> dict:
    raise NotFound(f"/api/oruk/{path} is not part of the Open Referral UK API")
