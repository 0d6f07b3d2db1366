"""Calendar feeds in the admin."""

from django.contrib import admin

from accord.calendars.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Feeds are turned on by their owner; here an administrator can see and delete them."""

    list_display = ["person", "last_fetched_at"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    readonly_fields = ["token_hash", "last_fetched_at"]

    def has_add_permission(self, request) -> bool:
        return False
