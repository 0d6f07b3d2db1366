"""Meetings and what they hold, in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accord.actions.models import ActionItem
from accord.meetings.models import (
    AgendaTemplate,
    AgendaTemplateTopic,
    AgendaTopic,
    CopiedDepartment,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepAnswer,
    PrepQuestion,
    TopicOutcome,
)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["person", "department"]


class CopiedDepartmentInline(admin.TabularInline):
    model = CopiedDepartment
    extra = 0
    autocomplete_fields = ["department"]


class AgendaTopicInline(admin.TabularInline):
    model = AgendaTopic
    extra = 0
    fields = ["order", "title", "lead_department", "planned_minutes", "actual_minutes"]
    show_change_link = True


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    autocomplete_fields = ["topic", "added_by"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["task", "owner", "department", "due_date", "resources", "status", "signed"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    @admin.display(description=_("signed at"))
    def signed(self, action: ActionItem):
        signature = getattr(action, "signature", None)
        return signature.signed_at if signature else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "department", "signature")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ObjectionInline(admin.TabularInline):
    model = Objection
    extra = 0
    autocomplete_fields = ["topic", "raised_by", "raised_by_department", "recorded_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "starts_at", "duration_minutes", "host", "recorder"]
    list_filter = ["status", "kind", "confidential"]
    search_fields = ["title", "goal"]
    date_hierarchy = "starts_at"
    list_select_related = ["host", "recorder"]
    readonly_fields = [
        "status",
        "started_at",
        "ended_at",
        "planned_starts_at",
        "planned_duration_minutes",
        "cancel_reason",
    ]
    autocomplete_fields = [
        "organiser",
        "organiser_department",
        "host",
        "recorder",
        "series",
        "previous_meetings",
    ]
    inlines = [
        AgendaTopicInline,
        ParticipantInline,
        CopiedDepartmentInline,
        MaterialInline,
        ObjectionInline,
        ActionItemInline,
    ]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["department"]


class TopicOutcomeInline(admin.StackedInline):
    model = TopicOutcome
    extra = 0


@admin.register(AgendaTopic)
class AgendaTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "order", "lead_department", "planned_minutes"]
    search_fields = ["title", "meeting__title"]
    list_select_related = ["meeting", "lead_department"]
    autocomplete_fields = ["meeting", "lead_department"]
    inlines = [PositionInline, TopicOutcomeInline]


class PrepAnswerInline(admin.TabularInline):
    model = PrepAnswer
    extra = 0
    autocomplete_fields = ["department", "author"]


@admin.register(PrepQuestion)
class PrepQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "topic"]
    search_fields = ["text"]
    list_select_related = ["meeting", "topic"]
    autocomplete_fields = ["meeting", "topic"]
    inlines = [PrepAnswerInline]


@admin.register(PrepAnswer)
class PrepAnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "department", "author", "submitted_at"]
    list_select_related = ["question", "department", "author"]
    autocomplete_fields = ["question", "department", "author"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["person", "meeting", "department", "role", "attendance"]
    list_filter = ["role", "attendance"]
    list_select_related = ["person", "meeting", "department"]
    autocomplete_fields = ["person", "meeting", "department"]


@admin.register(CopiedDepartment)
class CopiedDepartmentAdmin(admin.ModelAdmin):
    list_display = ["meeting", "department"]
    list_select_related = ["meeting", "department"]
    autocomplete_fields = ["meeting", "department"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "topic", "url", "file"]
    list_select_related = ["meeting", "topic"]
    autocomplete_fields = ["meeting", "topic", "added_by"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["topic", "department", "statement"]
    list_select_related = ["topic", "department"]
    autocomplete_fields = ["topic", "department"]


@admin.register(TopicOutcome)
class TopicOutcomeAdmin(admin.ModelAdmin):
    list_display = ["topic", "kind", "text", "research_department"]
    list_filter = ["kind"]
    list_select_related = ["topic", "research_department"]
    autocomplete_fields = ["topic", "research_department"]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = [
        "text",
        "meeting",
        "raised_by",
        "raised_by_department",
        "recorded_by",
        "resolved_at",
    ]
    list_select_related = ["meeting", "raised_by", "raised_by_department", "recorded_by"]
    autocomplete_fields = ["meeting", "topic", "raised_by", "raised_by_department", "recorded_by"]


class AgendaTemplateTopicInline(admin.TabularInline):
    model = AgendaTemplateTopic
    extra = 0
    fields = ["order", "title", "planned_minutes", "lead_department", "description"]
    autocomplete_fields = ["lead_department"]


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "shared"]
    list_filter = ["kind", "shared"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    autocomplete_fields = ["owner"]
    inlines = [AgendaTemplateTopicInline]


@admin.register(AgendaTemplateTopic)
class AgendaTemplateTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "template", "order", "planned_minutes", "lead_department"]
    list_select_related = ["template", "lead_department"]
    search_fields = ["title", "template__name"]
    autocomplete_fields = ["template", "lead_department"]
