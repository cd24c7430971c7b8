from django.urls import path

from joinedup.access import views

app_name = "governance"
urlpatterns = [
    path("break-glass/", views.break_glass_queue, name="break_glass"),
    path("break-glass/<str:public_id>/", views.break_glass_review, name="break_glass_review"),
    path("access/", views.access_review, name="access_review"),
    path("subject-access/", views.subject_access, name="subject_access"),
]
