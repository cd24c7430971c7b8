"""The care plans' pages: staff under /care-plans/, the person's own at /portal/care-plan/
(one URLconf, included at the root, so both are `careplans:` names)."""

from django.urls import path

from joinedup.careplans import portal_views, views

app_name = "careplans"
urlpatterns = [
    path("care-plans/person/<uuid:person_id>/", views.person_plans, name="person"),
    path("care-plans/person/<uuid:person_id>/new/", views.plan_create, name="create"),
    path("care-plans/<uuid:public_id>/", views.plan_detail, name="detail"),
    path("care-plans/<uuid:public_id>/edit/", views.plan_edit, name="edit"),
    path("care-plans/<uuid:public_id>/versions/<int:number>/", views.plan_version, name="version"),
    path("care-plans/<uuid:public_id>/agreement/", views.agreement_record, name="agree"),
    path("care-plans/<uuid:public_id>/care-team/add/", views.team_add, name="team_add"),
    path(
        "care-plans/<uuid:public_id>/care-team/<uuid:member_id>/remove/",
        views.team_remove,
        name="team_remove",
    ),
    path(
        "care-plans/<uuid:public_id>/care-team/<uuid:member_id>/contact/",
        views.team_contact,
        name="team_contact",
    ),
    path("portal/care-plan/", portal_views.portal_plan, name="portal"),
    path(
        "portal/care-plan/<uuid:public_id>/agree/", portal_views.portal_agree, name="portal_agree"
    ),
    path(
        "portal/care-plan/<uuid:public_id>/comment/",
        portal_views.portal_comment,
        name="portal_comment",
    ),
]
