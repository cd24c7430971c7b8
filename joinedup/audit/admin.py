from django.contrib import admin

from joinedup.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by services and never edited, here or anywhere."""

    list_display = [
        "sequence",
        "occurred_at",
        "actor_username",
        "role",
        "organisation_name",
        "action",
        "object_type",
        "purpose",
        "basis",
    ]
    list_filter = ["basis", "action", "purpose"]
    search_fields = ["actor_username", "organisation_name", "object_id", "=person_public_id"]
    # Counting every row of a long log on each page load is slow and tells a reviewer little.
    ordering = ["-sequence"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
