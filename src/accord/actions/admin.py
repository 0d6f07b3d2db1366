from django.contrib import admin

from accord.actions.models import ActionItem, ActionUpdate, Export
from accord.minutes.models import Signature


class SignatureInline(admin.StackedInline):
    model = Signature
    extra = 0
    max_num = 1
    fields = ["person", "version", "signed_at"]
    readonly_fields = fields


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = ["created_at", "author", "kind", "text", "new_status", "old_due_date", "new_due_date"]
    readonly_fields = fields
    can_delete = False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["task", "owner", "department", "due_date", "status", "progress", "meeting"]
    list_filter = ["status", "department", "overdue_reason"]
    search_fields = ["task", "owner__name", "meeting__title"]
    date_hierarchy = "due_date"
    list_select_related = ["owner", "department", "meeting"]
    autocomplete_fields = ["meeting", "topic", "owner", "department"]
    readonly_fields = ["status", "completed_at", "minutes_version"]
    inlines = [SignatureInline, ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["action", "author"]
    autocomplete_fields = ["action", "author"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["filename", "person", "kind", "rows", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["stored_name", "claimed_by"]
