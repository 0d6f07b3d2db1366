"""Series in the admin."""

from django.contrib import admin

from accord.series.models import MeetingSeries, SeriesMember


class SeriesMemberInline(admin.TabularInline):
    model = SeriesMember
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "recurrence", "duration_minutes", "active"]
    search_fields = ["title"]
    list_select_related = ["organiser"]
    autocomplete_fields = ["organiser", "host", "recorder"]
    inlines = [SeriesMemberInline]


@admin.register(SeriesMember)
class SeriesMemberAdmin(admin.ModelAdmin):
    list_display = ["series", "person", "role"]
    list_filter = ["role"]
    search_fields = ["series__title", "person__name", "person__username"]
    list_select_related = ["series", "person"]
    autocomplete_fields = ["series", "person"]
