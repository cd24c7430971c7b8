"""/activity/ for staff and /portal/activity/ for the person (included at the root)."""

from django.urls import path

from joinedup.activity import portal_views, views

app_name = "activity"
urlpatterns = [
    path("activity/", views.index, name="index"),
    path("activity/organisations/<slug:slug>/", views.organisation_activity, name="organisation"),
    path("activity/people/<uuid:public_id>/", views.person_contacts, name="person_contacts"),
    path("activity/people/<uuid:public_id>/new/", views.contact_create, name="contact_create"),
    path("activity/contacts/<uuid:public_id>/", views.contact_detail, name="contact_detail"),
    path("activity/sessions/", views.session_list, name="sessions"),
    path("activity/sessions/new/", views.session_create, name="session_create"),
    path("activity/sessions/<uuid:public_id>/", views.register, name="register"),
    path("portal/activity/", portal_views.own_activity, name="portal"),
]
