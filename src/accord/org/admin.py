"""Departments and people in the admin."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from accord.org.models import Department, Person


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "head"]
    search_fields = ["name"]
    list_select_related = ["parent", "head"]
    autocomplete_fields = ["parent", "head"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "name", "department", "title", "is_pmo", "is_staff", "is_active"]
    list_filter = ["department", "is_pmo", "is_staff", "is_active"]
    search_fields = ["username", "name", "email", "mobile"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {"fields": ["name", "email", "department", "title", "mobile", "locale"]},
        ),
        (_("Messaging ids"), {"fields": ["feishu_id", "dingtalk_id", "wecom_id", "slack_id"]}),
        (
            _("Roles"),
            {"fields": ["is_active", "is_pmo", "is_staff", "is_superuser", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "name", "email", "department", "password1", "password2"],
            },
        )
    ]
