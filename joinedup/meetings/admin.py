"""The schedule of the joint referral meetings, for the partnership's administrators.

Only the series is here: a meeting's agenda, decisions and actions are about people, and
the admin would read them past the access policy and the audit (as people's admin does
not register the record either). Meetings are run from their pages (/meetings/).
"""

from django.contrib import admin

from joinedup.meetings.models import MeetingSeries


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "locality", "weekday", "time", "every_weeks", "active")
    list_filter = ("active", "locality")
    filter_horizontal = ("organisations",)
    raw_id_fields = ("chair",)
