"""Minutes, their versions, signatures and company templates in the admin."""

from django.contrib import admin

from accord.actions.models import Signature
from accord.minutes.models import Minutes, MinutesTemplate, MinutesVersion


class MinutesVersionInline(admin.TabularInline):
    model = MinutesVersion
    extra = 0
    fields = ["number", "reason", "approved_at", "approved_by", "distributed_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "version", "due_at", "submitted_at", "first_distributed_at"]
    list_select_related = ["meeting"]
    autocomplete_fields = ["meeting"]
    inlines = [MinutesVersionInline]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(admin.ModelAdmin):
    list_display = ["minutes", "number", "approved_at", "approved_by"]
    list_select_related = ["minutes__meeting", "approved_by"]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["action", "person", "version", "signed_at"]
    list_select_related = ["action", "person"]
    autocomplete_fields = ["action", "person"]


@admin.register(MinutesTemplate)
class MinutesTemplateAdmin(admin.ModelAdmin):
    """A list to look at: a template is uploaded, tried on a sample record within its
    budget and switched on under Administration → Minutes templates, never here, where a
    file would skip those checks."""

    list_display = ["name", "active", "uploaded_by", "uploaded_at"]
    list_filter = ["active"]
    list_select_related = ["uploaded_by"]
    raw_id_fields = ["uploaded_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in MinutesTemplate._meta.fields]
