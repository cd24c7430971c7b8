"""Every read of the directory. The directory is public: no access filter is needed to
read it, but editing rights are asked of the access policy (`service_list_editable`)."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from joinedup.access import policy
from joinedup.directory.models import (
    Locality,
    Organisation,
    Schedule,
    Service,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    Weekday,
)
from joinedup.directory.search import apply_text_search

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ServiceSearch:
    """What a person searching the directory asked for; every field optional."""

    text: str = ""
    localities: tuple[str, ...] = ()  # locality slugs
    taxonomy_terms: tuple[str, ...] = ()  # term codes (a term includes its descendants)
    self_referral: bool | None = None
    accepting_referrals: bool | None = None
    age: int | None = None
    max_waiting_days: int | None = None
    organisation: str | None = None  # organisation slug
    include_inactive: bool = False


@dataclass
class SearchResults:
    page: Page
    total: int
    locality_counts: dict[int, int] = field(default_factory=dict)
    term_counts: dict[int, int] = field(default_factory=dict)


def _descendant_term_ids(codes: tuple[str, ...]) -> list[int]:
    """The ids of the named terms and all their descendants (taxonomies are small)."""
    if not codes:
        return []
    pairs = list(TaxonomyTerm.objects.values_list("id", "parent_id", "code"))
    children: dict[int | None, list[int]] = {}
    for term_id, parent_id, _ in pairs:
        children.setdefault(parent_id, []).append(term_id)
    wanted = [term_id for term_id, _, code in pairs if code in set(codes)]
    found: list[int] = []
    while wanted:
        term_id = wanted.pop()
        found.append(term_id)
        wanted.extend(children.get(term_id, []))
    return found


def _filtered(params: ServiceSearch) -> QuerySet:
    services = Service.objects.all()
    if not params.include_inactive:
        services = services.filter(status=ServiceStatus.ACTIVE)
    if params.localities:
        services = services.filter(
            pk__in=Service.localities.through.objects.filter(
                locality__slug__in=params.localities
            ).values("service_id")
        )
    if params.taxonomy_terms:
        term_ids = _descendant_term_ids(params.taxonomy_terms)
        services = services.filter(
            pk__in=Service.taxonomy_terms.through.objects.filter(
                taxonomyterm_id__in=term_ids
            ).values("service_id")
        )
    if params.self_referral is not None:
        services = services.filter(accepts_self_referrals=params.self_referral)
    if params.accepting_referrals is not None:
        services = services.filter(accepting_referrals=params.accepting_referrals)
    if params.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=params.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=params.age),
        )
    if params.max_waiting_days is not None:
        # A service that publishes no waiting time is not promised to be within it.
        services = services.filter(waiting_time_days__lte=params.max_waiting_days)
    if params.organisation:
        services = services.filter(organisation__slug=params.organisation)
    return services


def service_search(
    *, params: ServiceSearch, page: int = 1, page_size: int = 20, with_facets: bool = False
) -> SearchResults:
    """The one directory search: ranked full text, facet filters, a page of results.

    Ranked by relevance when there is search text, by name otherwise. The number of
    queries is fixed whatever the data size: count, page, prefetches (and two facet
    counts when asked).
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    filtered = _filtered(params)
    ranked = apply_text_search(filtered, params.text)
    ordering = ("-rank", "name", "id") if params.text.strip() else ("name", "id")
    listing = (
        ranked.select_related("organisation")
        .prefetch_related(
            "localities",
            Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        )
        .order_by(*ordering)
    )
    paginator = Paginator(listing, page_size)
    results = SearchResults(page=paginator.get_page(page), total=paginator.count)
    if with_facets:
        matching_ids = ranked.values("pk")
        results.locality_counts = dict(
            Service.localities.through.objects.filter(service_id__in=matching_ids)
            .values_list("locality_id")
            .annotate(n=Count("service_id"))
        )
        results.term_counts = dict(
            Service.taxonomy_terms.through.objects.filter(service_id__in=matching_ids)
            .values_list("taxonomyterm_id")
            .annotate(n=Count("service_id"))
        )
    return results


def _service_detail_queryset() -> QuerySet:
    return Service.objects.select_related("organisation").prefetch_related(
        "localities",
        "joint_partners",
        "contacts",
        Prefetch("taxonomy_terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
        Prefetch("schedules", queryset=schedules_in_week_order()),
        "locations",
    )


def schedules_in_week_order() -> QuerySet:
    """Opening hours Monday to Sunday (the weekday codes sort alphabetically otherwise)."""
    day_number = Case(
        *[When(weekday=day, then=Value(i)) for i, day in enumerate(Weekday.values)],
        output_field=IntegerField(),
    )
    return Schedule.objects.annotate(day_number=day_number).order_by("day_number", "opens_at")


def service_get(*, public_id) -> Service | None:
    """One service with everything a referrer needs, in a fixed number of queries."""
    return _service_detail_queryset().filter(public_id=public_id).first()


def service_list_editable(*, user) -> QuerySet:
    return policy.services_editable_by(user, Service.objects.select_related("organisation"))


def service_history(*, service: Service, limit: int = 20) -> list:
    """The service's change history, newest first, with who made each change."""
    records = list(
        service.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(changes) == limit:
            break
        changed = []
        if older is not None:
            delta = newer.diff_against(
                older, excluded_fields=["search_document", "search_vector", "updated_at"]
            )
            changed = [service._meta.get_field(c.field).verbose_name for c in delta.changes]
        changes.append({"record": newer, "changed_fields": changed})
    return changes


def organisation_list(*, kind: str | None = None) -> QuerySet:
    organisations = Organisation.objects.annotate(
        service_count=Count("services", filter=Q(services__status=ServiceStatus.ACTIVE))
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations.order_by("name")


def organisation_get(*, slug: str) -> Organisation | None:
    return (
        Organisation.objects.prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name"),
            ),
            "contacts",
            "locations",
        )
        .filter(slug=slug)
        .first()
    )


def organisation_list_editable(*, user) -> QuerySet:
    return policy.organisations_editable_by(user, Organisation.objects.all())


def locality_list() -> QuerySet:
    return Locality.objects.annotate(
        service_count=Count("services", filter=Q(services__status=ServiceStatus.ACTIVE))
    ).order_by("name")


def locality_get(*, slug: str) -> Locality | None:
    return Locality.objects.filter(slug=slug).first()


@dataclass
class OfferGroup:
    term: TaxonomyTerm | None
    services: list[Service]


def locality_offer(*, locality: Locality) -> list[OfferGroup]:
    """What is on offer in a locality, grouped by top-level need (taxonomy term).

    A service under several needs appears under each; services with no need recorded
    are grouped last. Three queries whatever the size.
    """
    services = list(
        Service.objects.filter(status=ServiceStatus.ACTIVE, localities=locality)
        .select_related("organisation")
        .prefetch_related("taxonomy_terms")
        .order_by("name")
    )
    needs = taxonomy_needs()
    top_of = _top_level_index()
    groups: dict[int | None, list[Service]] = {}
    for service in services:
        tops = {top_of.get(t.pk) for t in service.taxonomy_terms.all() if t.pk in top_of}
        for top in tops or {None}:
            groups.setdefault(top, []).append(service)
    ordered = [OfferGroup(term, groups[term.pk]) for term in needs if term.pk in groups]
    if None in groups:
        ordered.append(OfferGroup(None, groups[None]))
    return ordered


def taxonomy_needs() -> list[TaxonomyTerm]:
    """The top-level needs of the non-tag vocabularies, for facets and grouping."""
    return list(
        TaxonomyTerm.objects.filter(parent__isnull=True, taxonomy__is_tag_set=False)
        .select_related("taxonomy")
        .order_by("name")
    )


def _top_level_index() -> dict[int, int]:
    """Map each needs term id to the id of its top-level ancestor (non-tag vocabularies)."""
    pairs = dict(
        TaxonomyTerm.objects.filter(taxonomy__is_tag_set=False).values_list("id", "parent_id")
    )
    top: dict[int, int] = {}
    for term_id in pairs:
        node = term_id
        seen = set()
        while pairs.get(node) is not None and node not in seen:
            seen.add(node)
            node = pairs[node]
        top[term_id] = node
    return top


def taxonomy_list() -> QuerySet:
    return Taxonomy.objects.prefetch_related("terms").order_by("name")


def taxonomy_term_list(*, taxonomy_slug: str | None = None) -> QuerySet:
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent")
    if taxonomy_slug:
        terms = terms.filter(taxonomy__slug=taxonomy_slug)
    return terms.order_by("taxonomy__name", "name")
