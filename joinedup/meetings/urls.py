from django.urls import path

from joinedup.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("series/<uuid:public_id>/next/", views.series_next, name="series_next"),
    path("<uuid:public_id>/", views.meeting_detail, name="detail"),
    path("<uuid:public_id>/attend/", views.meeting_attend, name="attend"),
    path("<uuid:public_id>/start/", views.meeting_start, name="start"),
    path("<uuid:public_id>/agenda/", views.agenda_refresh, name="agenda"),
    path("<uuid:public_id>/close/", views.meeting_close, name="close"),
    path("<uuid:public_id>/organisations/", views.organisation_invite, name="invite"),
    path("<uuid:public_id>/items/<uuid:item_id>/", views.item_detail, name="item"),
    path("<uuid:public_id>/actions/", views.action_add, name="action_add"),
    path("<uuid:public_id>/actions/<uuid:action_id>/done/", views.action_done, name="action_done"),
    path("<uuid:public_id>/minutes/", views.minutes, name="minutes"),
    path(
        "<uuid:public_id>/minutes/print/",
        views.minutes,
        {"printable": True},
        name="minutes_print",
    ),
]
