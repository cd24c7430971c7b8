"""The admin site ends access through the same services as everything else: switching
off "active" on a user or a membership ends their sessions and API tokens at once."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from joinedup.accounts import services
from joinedup.accounts.models import ApiToken, Membership, User


def _switched_off(form) -> bool:
    return "is_active" in form.changed_data and not form.cleaned_data.get("is_active")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JoinedupUserAdmin(UserAdmin):
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and _switched_off(form):
            services.user_disable(actor=request.user, user=obj)

    def save_formset(self, request, form, formset, change):
        ended = [
            f.instance
            for f in formset.forms
            if f.instance.pk and _switched_off(f) and not f.cleaned_data.get("DELETE")
        ]
        super().save_formset(request, form, formset, change)
        for membership in ended:
            services.membership_end(actor=request.user, membership=membership)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and _switched_off(form):
            services.membership_end(actor=request.user, membership=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["membership", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["token_hash"]
