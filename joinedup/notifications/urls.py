from django.urls import path

from joinedup.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<uuid:public_id>/read/", views.mark_read, name="mark_read"),
]
