"""`/api/oruk/`: the Open Referral UK API. Paths are the standard's, without trailing
slashes (one is accepted too); anything else under the prefix is a JSON 404."""

from django.urls import re_path

from joinedup.directory import oruk_api as views

app_name = "oruk"

_ID = r"(?P<public_id>[^/]+)"


def _route(pattern: str, view, name: str):
    return re_path(rf"^{pattern}/?$", view, name=name)


urlpatterns = [
    re_path(r"^$", views.api_info, name="info"),
    re_path(r"^openapi\.json$", views.openapi_document, name="openapi"),
    _route("services", views.service_list, name="services"),
    _route(f"services/{_ID}", views.service_detail, name="service"),
    _route("service_at_locations", views.service_at_location_list, name="service_at_locations"),
    _route(
        f"service_at_locations/{_ID}",
        views.service_at_location_detail,
        name="service_at_location",
    ),
    _route("organizations", views.organisation_list, name="organizations"),
    _route(f"organizations/{_ID}", views.organisation_detail, name="organization"),
    _route("taxonomies", views.taxonomy_list, name="taxonomies"),
    _route(f"taxonomies/{_ID}", views.taxonomy_detail, name="taxonomy"),
    _route("taxonomy_terms", views.taxonomy_term_list, name="taxonomy_terms"),
    _route(f"taxonomy_terms/{_ID}", views.taxonomy_term_detail, name="taxonomy_term"),
    re_path(r"^(?P<path>.+)$", views.not_found, name="not_found"),
]
