from django.contrib import admin

from joinedup.partnerships import models


class MemberInline(admin.TabularInline):
    model = models.PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(models.Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "model", "lead_organisation", "review_date"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead_organisation"]
    inlines = [MemberInline]


class SharingRuleInline(admin.TabularInline):
    model = models.SharingRule
    extra = 0


@admin.register(models.InformationSharingAgreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "partnership", "purpose", "starts_on", "ends_on"]
    list_filter = ["partnership", "purpose"]
    inlines = [SharingRuleInline]
