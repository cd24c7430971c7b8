from django.apps import AppConfig


class CarePlansConfig(AppConfig):
    name = "joinedup.careplans"
    label = "careplans"
    verbose_name = "Care plans"
