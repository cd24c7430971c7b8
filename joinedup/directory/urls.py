from django.urls import path

from joinedup.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.search, name="search"),
    path("localities/", views.locality_list, name="locality_list"),
    path("organisations/", views.organisation_list, name="organisation_list"),
]
