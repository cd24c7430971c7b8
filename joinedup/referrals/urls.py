from django.urls import path

from joinedup.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.worklist, name="incoming"),
    path("outgoing/", views.worklist, {"direction": "outgoing"}, name="outgoing"),
    path("new/", views.referral_create, name="create"),
    path("<uuid:public_id>/", views.referral_detail, name="detail"),
    path("<uuid:public_id>/act/", views.referral_act, name="act"),
    path("files/<uuid:public_id>/", views.attachment_download, name="attachment"),
]
