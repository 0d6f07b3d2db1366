"""Action items, their history, proposals, exports and signatures in the admin."""

from django.contrib import admin

from accord.actions.models import ActionItem, ActionUpdate, DueDateProposal, Export, Signature


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


class DueDateProposalInline(admin.TabularInline):
    """The owner's proposed dates, as the services wrote them: answered on the item's page."""

    model = DueDateProposal
    fk_name = "action"
    extra = 0
    fields = [
        "created_at",
        "proposed_by",
        "old_due_date",
        "due_date",
        "reason",
        "status",
        "decided_by",
        "decided_at",
        "answer",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["task", "owner", "department", "due_date", "status", "progress", "meeting"]
    list_filter = ["status", "department", "overdue_reason"]
    search_fields = ["task", "owner__name", "meeting__title"]
    date_hierarchy = "due_date"
    list_select_related = ["owner", "department", "meeting"]
    autocomplete_fields = ["meeting", "topic", "owner", "department"]
    readonly_fields = ["status", "completed_at", "minutes_version"]
    inlines = [SignatureInline, ActionUpdateInline, DueDateProposalInline]


@admin.register(DueDateProposal)
class DueDateProposalAdmin(admin.ModelAdmin):
    """Read only: a proposal is made and answered through the services (item page, API)."""

    list_display = ["action", "proposed_by", "old_due_date", "due_date", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["action", "proposed_by"]
    readonly_fields = [
        "action",
        "proposed_by",
        "old_due_date",
        "due_date",
        "reason",
        "status",
        "decided_by",
        "decided_at",
        "answer",
    ]

    def has_add_permission(self, request) -> bool:
        return False


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
