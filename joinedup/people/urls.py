from django.urls import path

from joinedup.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("<uuid:public_id>/", views.person_detail, name="detail"),
    path("<uuid:public_id>/entries/new/", views.entry_create, name="entry_create"),
    path("<uuid:public_id>/consents/new/", views.consent_create, name="consent_create"),
    path(
        "<uuid:public_id>/consents/<uuid:decision_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:public_id>/portal-invite/", views.portal_invite, name="portal_invite"),
    path("entries/<uuid:public_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<uuid:public_id>/correct/", views.entry_correct, name="entry_correct"),
]
