"""FHIR at /fhir/ (docs/fhir.md): the base takes a transaction Bundle that makes a
referral; a referral is read as its ServiceRequest and Task, and moved along by a PUT
of the Task."""

from django.urls import path

from joinedup.referrals import fhir_api

app_name = "fhir"
urlpatterns = [
    path("", fhir_api.transaction_bundle, name="transaction"),
    path("Bundle", fhir_api.transaction_bundle, name="bundle"),
    path("metadata", fhir_api.metadata, name="metadata"),
    path(
        "ServiceRequest/<str:public_id>",
        fhir_api.service_request_read,
        name="service-request",
    ),
    path("Task", fhir_api.task_search, name="task-search"),
    path("Task/<str:public_id>", fhir_api.task_instance, name="task"),
]
