from django.contrib import admin

from joinedup.access.models import BreakGlass


@admin.register(BreakGlass)
class BreakGlassAdmin(admin.ModelAdmin):
    """Read-only: break-glass is opened and reviewed through the product, which audits it."""

    list_display = ["user", "organisation", "started_at", "expires_at", "outcome"]
    list_filter = ["outcome", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
