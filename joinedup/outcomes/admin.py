"""The measures, read-only in the admin: a measure is changed whole, as a definition
(`joinedup outcome-measure-define FILE`), so its items and scoring are checked together.
Outcome records are person-level and not registered: the admin would bypass the access
policy and the audit."""

from django.contrib import admin

from joinedup.outcomes.models import Measure, MeasureItem


class MeasureItemInline(admin.TabularInline):
    model = MeasureItem
    fields = ("number", "key", "text", "min_value", "max_value", "not_applicable")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "version", "self_report", "active")
    readonly_fields = ("code", "name", "short_name", "version", "instructions", "licence",
                       "source_url", "self_report", "order", "scoring")  # fmt: skip
    fields = ("active", *readonly_fields)
    inlines = [MeasureItemInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
