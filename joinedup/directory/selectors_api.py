"""Reads the JSON API needs that `selectors.py` does not offer: turning the slugs and
codes a partner system sends into ids, and labelling facet counts. The directory is
public, so like `selectors.py` these apply no access filter."""

from collections.abc import Iterable

from joinedup.directory.models import Locality, Organisation, TaxonomyTerm


def locality_ids_by_slug(*, slugs: Iterable[str]) -> dict[str, int]:
    """The id of each named locality that exists; a slug missing from the answer is unknown."""
    return dict(Locality.objects.filter(slug__in=set(slugs)).values_list("slug", "id"))


def organisation_ids_by_slug(*, slugs: Iterable[str]) -> dict[str, int]:
    return dict(Organisation.objects.filter(slug__in=set(slugs)).values_list("slug", "id"))


def taxonomy_term_ids_by_code(*, codes: Iterable[str], tag_set: bool) -> dict[str, list[int]]:
    """The terms each code names, among needs (`tag_set=False`) or tags like the Five Ways.

    Codes are unique within a taxonomy, not across them: a code names every term that
    carries it, as it does in `service_search`.
    """
    found: dict[str, list[int]] = {}
    pairs = TaxonomyTerm.objects.filter(
        code__in=set(codes), taxonomy__is_tag_set=tag_set
    ).values_list("code", "id")
    for code, term_id in pairs:
        found.setdefault(code, []).append(term_id)
    return found


def localities_by_id(*, ids: Iterable[int]) -> dict[int, Locality]:
    return {loc.pk: loc for loc in Locality.objects.filter(pk__in=list(ids))}


def taxonomy_terms_by_id(*, ids: Iterable[int]) -> dict[int, TaxonomyTerm]:
    terms = TaxonomyTerm.objects.filter(pk__in=list(ids)).select_related("taxonomy")
    return {term.pk: term for term in terms}
