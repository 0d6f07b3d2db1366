"""API tokens in the admin."""

from django.contrib import admin

from accord.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are seen and revoked here; they are created by their owner on the API tokens
    page (the admin never sees a token's text, only its prefix)."""

    list_display = ["name", "person", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["person"]
    search_fields = ["name", "prefix", "person__name"]
    raw_id_fields = ["person"]
    readonly_fields = ["prefix", "hashed", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
