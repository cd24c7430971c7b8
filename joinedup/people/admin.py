"""Only the retention rules are kept in the admin: person-level models are not
registered, as the admin would bypass the access policy and the audit."""

from django.contrib import admin

from joinedup.people.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "years", "source")
