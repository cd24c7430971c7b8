"""The reads behind `/api/oruk/` and `export-oruk`. The directory is public, so nothing here
filters by viewer; every function loads what its serialiser needs in a fixed number of
queries, whatever the data size.
"""

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from math import cos, radians

from django.db.models import Avg, FloatField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast

from joinedup.directory import validators
from joinedup.directory.models import (
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.oruk import vocabulary as v
from joinedup.directory.search import apply_text_search

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Page:
    items: list
    total: int


@dataclass(frozen=True)
class ServiceFilters:
    """The filters of the standard's `/services` and `/service_at_locations`, parsed."""

    text: str = ""
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: time | None = None
    end_time: time | None = None
    modified_after: datetime | None = None


@dataclass(frozen=True)
class Proximity:
    """Within `metres` of (`latitude`, `longitude`); see `postcode_centre`."""

    latitude: float
    longitude: float
    metres: float


def paginate(queryset: QuerySet, *, page: int, per_page: int, tail: Sequence = ()) -> Page:
    """One page of `queryset` (two queries), then of `tail`, items held in code.

    The tail lets joinedup's own attribute vocabulary follow the taxonomies of the
    database in one listing.
    """
    db_total = queryset.count()
    start = (page - 1) * per_page
    end = start + per_page
    items = list(queryset[start:end]) if start < db_total else []
    items += list(tail[max(start - db_total, 0) : max(end - db_total, 0)])
    return Page(items=items, total=db_total + len(tail))


# Services -----------------------------------------------------------------------------


def full_service_queryset() -> QuerySet:
    """Services with everything a full ORUK service shows: six queries for any number."""
    return Service.objects.select_related("organisation").prefetch_related(
        Prefetch("at_locations", queryset=ServiceAtLocation.objects.select_related("location")),
        "contacts",
        "schedules",
        "localities",
        Prefetch(
            "taxonomy_terms",
            queryset=TaxonomyTerm.objects.select_related("taxonomy", "parent"),
        ),
    )


def oruk_service_get(*, public_id: uuid.UUID) -> Service | None:
    return full_service_queryset().filter(public_id=public_id).first()


def _term_ids_with_descendants(public_id: uuid.UUID) -> list[int]:
    pairs = list(TaxonomyTerm.objects.values_list("id", "parent_id", "public_id"))
    children: dict[int | None, list[int]] = {}
    for term_id, parent_id, _ in pairs:
        children.setdefault(parent_id, []).append(term_id)
    wanted = [term_id for term_id, _, pid in pairs if pid == public_id]
    found = []
    while wanted:
        term_id = wanted.pop()
        found.append(term_id)
        wanted.extend(children.get(term_id, []))
    return found


def _vocabulary_filter(meaning: v.AttributeMeaning) -> Q:
    """A choice term matches services with that value; a value term, those with any value."""
    attribute = meaning.attribute
    model = Service if attribute.link_entity == "service" else Organisation
    lookup = attribute.field if model is Service else f"organisation__{attribute.field}"
    if meaning.choice is not None:
        return Q(**{lookup: meaning.choice.value})
    if model._meta.get_field(attribute.field).null:
        return Q(**{f"{lookup}__isnull": False})
    return ~Q(**{lookup: ""})


def _by_term(services: QuerySet, term_id: uuid.UUID) -> QuerySet:
    """A need includes its narrower needs; a joinedup attribute term filters on its field."""
    meaning = v.MEANINGS_BY_ID.get(term_id)
    if meaning is not None:
        return services.filter(_vocabulary_filter(meaning))
    through = Service.taxonomy_terms.through.objects
    return services.filter(
        pk__in=through.filter(taxonomyterm_id__in=_term_ids_with_descendants(term_id)).values(
            "service_id"
        )
    )


def _by_taxonomy(services: QuerySet, taxonomy_id: uuid.UUID) -> QuerySet:
    if taxonomy_id == v.TAXONOMY_ID:
        # Every service carries joinedup's attributes (capacity status at least).
        return services
    through = Service.taxonomy_terms.through.objects
    return services.filter(
        pk__in=through.filter(taxonomyterm__taxonomy__public_id=taxonomy_id).values("service_id")
    )


def _by_schedule(services: QuerySet, filters: ServiceFilters) -> QuerySet:
    """The standard's reading: a slot on `day` opening at or after `start_time` and closing
    at or before `end_time`, all in one slot."""
    slots = Schedule.objects.all()
    if filters.day:
        slots = slots.filter(weekday=filters.day)
    if filters.start_time:
        slots = slots.filter(opens_at__gte=filters.start_time)
    if filters.end_time:
        slots = slots.filter(closes_at__lte=filters.end_time)
    return services.filter(pk__in=slots.values("service_id"))


def filter_services(services: QuerySet, filters: ServiceFilters) -> QuerySet:
    if filters.taxonomy_term_id:
        services = _by_term(services, filters.taxonomy_term_id)
    if filters.taxonomy_id:
        services = _by_taxonomy(services, filters.taxonomy_id)
    if filters.organization_id:
        services = services.filter(organisation__public_id=filters.organization_id)
    # The standard's reading of the age filters: a service whose own minimum age is at
    # least the one asked for, and whose maximum age is at most the one asked for.
    if filters.minimum_age is not None:
        services = services.filter(minimum_age__gte=filters.minimum_age)
    if filters.maximum_age is not None:
        services = services.filter(maximum_age__lte=filters.maximum_age)
    if filters.day or filters.start_time or filters.end_time:
        services = _by_schedule(services, filters)
    if filters.modified_after:
        services = services.filter(updated_at__gte=filters.modified_after)
    return services


def oruk_service_list(*, filters: ServiceFilters, page: int, per_page: int) -> Page:
    """Listed (not defunct) services, most relevant first when searching, else by name."""
    services = filter_services(Service.objects.listed(), filters)
    ranked = apply_text_search(services, filters.text)
    ordering = ("-rank", "name", "id") if filters.text.strip() else ("name", "id")
    listing = ranked.select_related("organisation").order_by(*ordering)
    return paginate(listing, page=page, per_page=per_page)


# Service at location ------------------------------------------------------------------


def postcode_centre(postcode: str) -> tuple[float, float] | None:
    """Where a postcode is, from the directory's own locations (joinedup holds no gazetteer):
    the mean of its locations at that postcode, else in that postcode district."""
    postcode = validators.normalise_postcode(postcode)
    located = Location.objects.filter(latitude__isnull=False, longitude__isnull=False)
    outward = postcode.split(" ")[0]
    for places in (
        located.filter(postcode=postcode),
        located.filter(postcode__startswith=f"{outward} "),
    ):
        centre = places.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
        if centre["lat"] is not None:
            return float(centre["lat"]), float(centre["lon"])
    return None


def _within(links: QuerySet, proximity: Proximity) -> QuerySet:
    """An equirectangular distance: exact enough across a city, and plain arithmetic that
    SQLite and PostgreSQL both evaluate in SQL."""
    lat = Cast("location__latitude", FloatField()) - Value(proximity.latitude)
    lon = (Cast("location__longitude", FloatField()) - Value(proximity.longitude)) * Value(
        cos(radians(proximity.latitude))
    )
    limit = (proximity.metres / METRES_PER_DEGREE) ** 2
    return links.alias(distance=lat * lat + lon * lon).filter(
        location__latitude__isnull=False, distance__lte=limit
    )


def oruk_service_at_location_list(
    *,
    filters: ServiceFilters,
    postcode: str = "",
    proximity: Proximity | None = None,
    page: int,
    per_page: int,
) -> Page:
    services = apply_text_search(filter_services(Service.objects.listed(), filters), filters.text)
    links = ServiceAtLocation.objects.filter(service__in=services.values("pk"))
    if proximity is not None:
        links = _within(links, proximity)
    elif postcode:
        # Without a distance, "near" means the same postcode district (LS1, not LS10).
        outward = validators.normalise_postcode(postcode).split(" ")[0]
        links = links.filter(location__postcode__startswith=f"{outward} ")
    listing = links.select_related("service__organisation", "location").order_by(
        "service__name", "location__name", "id"
    )
    return paginate(listing, page=page, per_page=per_page)


def oruk_service_at_location_get(*, public_id: uuid.UUID) -> ServiceAtLocation | None:
    link = ServiceAtLocation.objects.select_related("location").filter(public_id=public_id).first()
    if link is None:
        return None
    link.service = full_service_queryset().get(pk=link.service_id)
    return link


# Organisations ------------------------------------------------------------------------


def oruk_organisation_list(*, page: int, per_page: int) -> Page:
    return paginate(Organisation.objects.order_by("name", "id"), page=page, per_page=per_page)


def oruk_organisation_get(*, public_id: uuid.UUID) -> tuple[Organisation, list[Service]] | None:
    organisation = Organisation.objects.filter(public_id=public_id).first()
    if organisation is None:
        return None
    services = list(
        Service.objects.listed().filter(organisation=organisation).order_by("name", "id")
    )
    for service in services:
        service.organisation = organisation
    return organisation, services


# Taxonomies ---------------------------------------------------------------------------


def oruk_taxonomy_list(*, page: int, per_page: int) -> Page:
    """The database's taxonomies, then joinedup's attribute vocabulary (as None)."""
    return paginate(
        Taxonomy.objects.order_by("name", "id"), page=page, per_page=per_page, tail=[None]
    )


def oruk_taxonomy_get(*, public_id: uuid.UUID) -> tuple[Taxonomy | None, list] | None:
    if public_id == v.TAXONOMY_ID:
        return None, list(v.TERMS)
    taxonomy = Taxonomy.objects.filter(public_id=public_id).first()
    if taxonomy is None:
        return None
    terms = list(taxonomy.terms.select_related("taxonomy", "parent").order_by("code", "id"))
    return taxonomy, terms


def oruk_taxonomy_term_list(*, page: int, per_page: int) -> Page:
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by(
        "taxonomy__slug", "code", "id"
    )
    return paginate(terms, page=page, per_page=per_page, tail=v.TERMS)


def oruk_taxonomy_term_get(*, public_id: uuid.UUID) -> TaxonomyTerm | v.VocabularyTerm | None:
    if public_id in v.TERMS_BY_ID:
        return v.TERMS_BY_ID[public_id]
    return (
        TaxonomyTerm.objects.select_related("taxonomy", "parent")
        .filter(public_id=public_id)
        .first()
    )


# Export -------------------------------------------------------------------------------


def services_in_export_order(*, chunk_size: int = 500) -> Iterator[list[Service]]:
    """Every service, defunct too, in chunks ordered by id (the same on every database),
    each chunk loaded in a fixed number of queries, so memory stays flat."""
    after = None
    while True:
        chunk = full_service_queryset().order_by("public_id")
        if after is not None:
            chunk = chunk.filter(public_id__gt=after)
        services = list(chunk[:chunk_size])
        if not services:
            return
        yield services
        after = services[-1].public_id
