from django.contrib import admin

from accord.series.models import MeetingSeries


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "recurrence", "duration_minutes", "active"]
    search_fields = ["title"]
    list_select_related = ["organiser"]
    autocomplete_fields = ["organiser"]
