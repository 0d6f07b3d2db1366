"""The audit trail in the admin, read-only."""

from django.contrib import admin

from accord.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "verb", "subject_type", "subject_id", "meeting"]
    list_filter = ["verb", "subject_type"]
    search_fields = ["verb", "subject_type"]
    list_select_related = ["actor", "meeting"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
