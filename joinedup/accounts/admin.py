from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from joinedup.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class JoinedupUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["membership", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["token_hash"]
