from django.urls import path

from joinedup.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:public_id>/", views.service_detail, name="service_detail"),
    path("services/<uuid:public_id>/edit/", views.service_edit, name="service_edit"),
    path("localities/", views.locality_list, name="locality_list"),
    path("localities/<slug:slug>/", views.locality_detail, name="locality_detail"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/services/new/",
        views.service_create,
        name="service_create",
    ),
]
