"""Outcome measures: the staff pages under /outcomes/, and the person's own under
/portal/outcomes/ (one include at the root, so the app keeps one namespace)."""

from django.urls import path

from joinedup.outcomes import portal_views, views

app_name = "outcomes"
urlpatterns = [
    path("outcomes/people/<uuid:public_id>/", views.person_outcomes, name="person"),
    path(
        "outcomes/people/<uuid:public_id>/new/<slug:code>/",
        views.record_create,
        name="create",
    ),
    path("outcomes/records/<uuid:public_id>/", views.record_detail, name="record"),
    path("portal/outcomes/", portal_views.portal_outcomes, name="portal"),
    path(
        "portal/outcomes/new/<slug:code>/", portal_views.portal_record_create, name="portal_create"
    ),
    path("portal/outcomes/<uuid:public_id>/", portal_views.portal_record, name="portal_record"),
]
