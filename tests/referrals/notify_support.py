"""Helpers for the closed loop and escalation tests: a clock, the worker's hourly check,
and who was told what."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from joinedup.notifications.models import Notification
from joinedup.referrals import services

LONDON = ZoneInfo("Europe/London")
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SITE = "https://joinedup.example.org"
RISK = "Said last week that things felt hopeless at night"
WHAT_MATTERS = "Getting back to the allotment with someone"


def at(year, month, day, hour=10, minute=0):
    """A moment in London (GMT in winter, BST in summer)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def travel(moment):
    return time_machine.travel(moment, tick=False)


def check_at(moment) -> services.EscalationReport:
    """The worker's hourly check, run at `moment` by the clock (no `now` passed in)."""
    with travel(moment):
        return services.escalations_check()


def told(user) -> list[str]:
    """The subjects in `user`'s inbox, oldest first."""
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "pk")
        .values_list("subject", flat=True)
    )
