from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from joinedup.directory import models


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "reach", "ods_code", "charity_number"]
    list_filter = ["kind", "reach"]
    search_fields = ["name", "ods_code", "charity_number"]
    prepopulated_fields = {"slug": ["name"]}


class ScheduleInline(admin.TabularInline):
    model = models.Schedule
    extra = 0


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    exclude = ["organisation"]


@admin.register(models.Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "status", "accepting_referrals", "capacity_status"]
    list_filter = ["status", "accepting_referrals", "accepts_self_referrals", "capacity_status"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "taxonomy_terms", "joint_partners"]
    filter_horizontal = ["localities"]
    inlines = [ScheduleInline, ContactInline]


@admin.register(models.Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "postcode", "organisation"]
    search_fields = ["name", "postcode"]


@admin.register(models.Locality)
class LocalityAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "taxonomy", "parent"]
    list_filter = ["taxonomy"]
    search_fields = ["name", "code"]
