from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one).

    Used by pagination and facet links so a filter survives a page change.
    """
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def query_toggle(context, key: str, value) -> str:
    """The current query with one value of a multi-valued parameter added or removed."""
    query: QueryDict = context["request"].GET.copy()
    values = query.getlist(key)
    value = str(value)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(key, values)
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
