"""Channels and the outbox in the admin."""

from django.contrib import admin

from accord.notify.models import Channel, Notification


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "person", "enabled", "members_too"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name"]
    list_select_related = ["department", "person"]
    autocomplete_fields = ["department", "person", "muted_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "via",
        "recipient",
        "channel",
        "status",
        "send_after",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "via", "kind"]
    search_fields = ["key", "event"]
    list_select_related = ["recipient", "channel"]
    raw_id_fields = ["recipient", "channel", "department", "meeting", "action"]
