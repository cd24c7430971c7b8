from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "joinedup.activity"
    label = "activity"
    verbose_name = "Activity and equitable units"
