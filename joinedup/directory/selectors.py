"""Every read of the directory. The directory is public: no access filter is needed to
read it, but editing rights are asked of the access policy (`service_list_editable`)."""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

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
from joinedup.directory.search import apply_text_search, stamp_sql

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


# How long a search's summary is kept. Correctness does not depend on it (a summary is
# used only while the directory's stamp is the one it was made under); it only ages out
# searches nobody repeats.
SEARCH_CACHE_SECONDS = 3600
# The head of the ranking a summary keeps: the first ten pages of twenty results.
RANKED_IDS_KEPT = 200


@dataclass(frozen=True)
class MatchSummary:
    """What a search matches, from one statement over the matches: how many, the ids of
    the first RANKED_IDS_KEPT in result order, the facet counts if asked for, and the
    directory's stamp as that statement saw it (None: unknown, not to be cached)."""

    total: int
    ranked_ids: tuple[int, ...]
    locality_counts: dict[int, int] | None = None
    term_counts: dict[int, int] | None = None
    stamp: str | None = None


def service_search(
    *, params: ServiceSearch, page: int = 1, page_size: int = 20, with_facets: bool = False
) -> SearchResults:
    """The one directory search: ranked full text, facet filters, a page of results.

    Ranked by relevance when there is search text, by name otherwise. What a search
    matches (count, facets, the first pages' ids) comes from one statement and is cached
    with the directory's version stamp (`search.directory_stamp`, which every write to
    the directory changes) as that statement saw it. The page's services are always read
    afresh. The number of queries is fixed whatever the data size and whatever is
    cached: the summary (or its check), the page's services, their localities and needs.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    key = _cache_key(params)
    cached = cache.get(key)
    if cached is not None and with_facets and cached.locality_counts is None:
        cached = None
    summary = _summarise(_ranked(params), with_facets=with_facets, cached=cached)
    if cached is not None and summary.stamp == cached.stamp:
        summary = cached
    elif summary.stamp is not None:
        cache.set(key, summary, SEARCH_CACHE_SECONDS)
    return SearchResults(
        page=Paginator(_RankedServices(params, summary), page_size).get_page(page),
        total=summary.total,
        locality_counts=summary.locality_counts or {},
        term_counts=summary.term_counts or {},
    )


def _ranked(params: ServiceSearch) -> QuerySet:
    """The matching services annotated with `rank`, in no particular order."""
    return apply_text_search(_filtered(params), params.text).order_by()


def _result_order(params: ServiceSearch) -> tuple[str, ...]:
    return ("-rank", "name", "id") if params.text.strip() else ("name", "id")


def _cache_key(params: ServiceSearch) -> str:
    """The search, normalised: filters that mean the same give the same key."""
    normalised = (
        connection.settings_dict["NAME"],
        # Both engines ignore case and spacing (to_tsvector and fts5_query lower-case).
        " ".join(params.text.lower().split()),
        tuple(sorted(set(params.localities))),
        tuple(sorted(set(params.taxonomy_terms))),
        params.self_referral,
        params.accepting_referrals,
        params.age,
        params.max_waiting_days,
        params.organisation or None,
        params.include_inactive,
    )
    digest = hashlib.sha256(repr(normalised).encode()).hexdigest()
    return f"joinedup:directory-search:{digest}"


def _summarise(ranked: QuerySet, *, with_facets: bool, cached: MatchSummary | None) -> MatchSummary:
    """Count, facets and the head of the ranking in one statement, the matches (and their
    ranks) computed once: each would otherwise evaluate the whole match set again.

    The statement also reads the directory's stamp, in the same snapshot. Given a cached
    summary, it matches nothing if the stamp is still that summary's (the database
    skips the scan): so checking a cached summary, and replacing a stale one, both cost
    this one statement, the same as computing afresh.
    """
    try:
        matched, params = ranked.values_list("pk", "rank", "name").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing, like a need with no terms
        return MatchSummary(total=0, ranked_ids=(), locality_counts={}, term_counts={})
    localities = Service.localities.through._meta.db_table
    terms = Service.taxonomy_terms.through._meta.db_table
    parts = ["SELECT 0, NULL, count(*), (SELECT value FROM stamp) FROM matched"]
    if with_facets:
        parts += [
            f"SELECT 1, f.locality_id, count(*), NULL FROM {localities} f "
            f"JOIN matched m ON m.id = f.service_id GROUP BY f.locality_id",
            f"SELECT 2, f.taxonomyterm_id, count(*), NULL FROM {terms} f "
            f"JOIN matched m ON m.id = f.service_id GROUP BY f.taxonomyterm_id",
        ]
    # The same order as _result_order: with no search text every rank is 0.
    parts.append(
        "SELECT 3, id, row_number() OVER (ORDER BY rank DESC, name, id), NULL FROM "
        f"(SELECT id, rank, name FROM matched ORDER BY rank DESC, name, id "
        f"LIMIT {RANKED_IDS_KEPT}) head"
    )
    # A real stamp is never "" nor "-" (no stamp), so "" asks for the summary whatever
    # the stamp is.
    known = cached.stamp if cached else ""
    sql = (
        f"WITH stamp (value) AS MATERIALIZED ({stamp_sql()}), "
        f"matched (id, rank, name) AS MATERIALIZED (SELECT * FROM ({matched}) m "
        f"WHERE coalesce((SELECT value FROM stamp), '-') <> %s) "
    ) + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, known])
        rows = cursor.fetchall()
    total, stamp = next((n, stamp) for part, _, n, stamp in rows if part == 0)
    head = sorted((position, pk) for part, pk, position, _ in rows if part == 3)
    return MatchSummary(
        total=total,
        ranked_ids=tuple(pk for _, pk in head),
        locality_counts={pk: n for part, pk, n, _ in rows if part == 1} if with_facets else None,
        term_counts={pk: n for part, pk, n, _ in rows if part == 2} if with_facets else None,
        stamp=stamp,
    )


class _RankedServices:
    """The matches in result order, as the paginator sees them: the count and the first
    ids come from the summary; only a page beyond those asks the database for its ids.
    A page's services are then read by id, so the organisation join and the prefetches
    are for those rows alone."""

    def __init__(self, params: ServiceSearch, summary: MatchSummary):
        self.params = params
        self.summary = summary

    def count(self) -> int:
        return self.summary.total

    def __len__(self) -> int:
        return self.summary.total

    def __getitem__(self, window: slice) -> list[Service]:
        known = self.summary.ranked_ids
        if window.stop <= len(known) or len(known) == self.summary.total:
            ids = list(known[window])
        else:
            ordered = _ranked(self.params).order_by(*_result_order(self.params))
            ids = list(ordered.values_list("pk", flat=True)[window])
        if not ids:
            return []
        # Only what a result shows: a national service names all 200 localities, and
        # the text search reads (search_document, search_vector) is most of a row.
        services = (
            Service.objects.filter(pk__in=ids)
            .select_related("organisation")
            .defer("search_document", "search_vector")
            .prefetch_related(
                Prefetch("localities", queryset=Locality.objects.only("id", "name", "slug")),
                Prefetch(
                    "taxonomy_terms",
                    queryset=TaxonomyTerm.objects.select_related("taxonomy").only(
                        "id", "code", "name", "taxonomy__slug", "taxonomy__is_tag_set"
                    ),
                ),
            )
            .order_by()
        )
        by_id = {service.pk: service for service in services}
        return [by_id[pk] for pk in ids if pk in by_id]


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


def service_to_refer(*, public_id) -> Service | None:
    """One service as a referral to it needs it: its organisation, how it takes
    referrals and the needs it lists — not the whole page `service_get` reads."""
    return (
        Service.objects.select_related("organisation")
        .prefetch_related("taxonomy_terms")
        .filter(public_id=public_id)
        .first()
    )


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
