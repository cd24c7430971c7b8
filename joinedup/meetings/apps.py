from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "joinedup.meetings"
    label = "meetings"
    verbose_name = "Joint referral meetings"
