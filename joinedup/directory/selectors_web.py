"""Reads the directory's web pages need beyond selectors.py: the choices their forms
offer. Each is one query whatever the size of the directory, because every search
page asks for them."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from joinedup.directory import selectors
from joinedup.directory.models import Locality, Organisation, TaxonomyTerm


@dataclass
class NeedGroup:
    """A top-level need and the needs under it, for the search page's need filter."""

    term: TaxonomyTerm
    children: list[TaxonomyTerm] = field(default_factory=list)


def locality_choice_list() -> list[Locality]:
    # Not selectors.locality_list: its per-locality service count is a GROUP BY over
    # every service, which the search page (the busiest page) has no use for.
    return list(Locality.objects.only("id", "name", "slug").order_by("name"))


def need_choice_list() -> list[NeedGroup]:
    """Top-level needs with their children, in one query (taxonomies are small)."""
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__is_tag_set=False)
        .only("id", "code", "name", "parent_id")
        .order_by("name")
    )
    groups = {term.pk: NeedGroup(term) for term in terms if term.parent_id is None}
    for term in terms:
        if term.parent_id in groups:
            groups[term.parent_id].children.append(term)
    return list(groups.values())


def need_term_list() -> QuerySet:
    """The needs a service can be filed under (every level of the non-tag vocabularies)."""
    return TaxonomyTerm.objects.filter(taxonomy__is_tag_set=False).order_by("name")


def tag_term_list() -> QuerySet:
    """Descriptive tags, like the Five Ways to Wellbeing."""
    return TaxonomyTerm.objects.filter(taxonomy__is_tag_set=True).order_by("name")


def locality_option_list() -> QuerySet:
    return Locality.objects.order_by("name")


def organisation_option_list() -> QuerySet:
    return Organisation.objects.only("id", "name", "slug").order_by("name")


def organisation_list_page(*, kind: str | None = None, page=1, page_size: int = 20) -> Page:
    """One page of organisations (with their active service counts): count and page."""
    return Paginator(selectors.organisation_list(kind=kind), page_size).get_page(page)
