from django.urls import path

from joinedup.people import portal_views as views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("referrals/", views.referrals, name="referrals"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:decision_id>/withdraw/", views.sharing_withdraw, name="sharing_withdraw"),
    path("who-has-looked/", views.access_log, name="access_log"),
    path("activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
]
