from django.urls import path

from joinedup.referrals import public_views as views

app_name = "self_referral"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("sent/", views.sent, name="sent"),
    path("<uuid:service_id>/", views.start, name="start"),
]
