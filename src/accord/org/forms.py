"""Forms of the administration pages: they parse input; the services in
``accord.org.services`` decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.org.models import Department, Person


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("— top level —"),
    )
    head = forms.ModelChoiceField(
        label=_("Head"),
        queryset=Person.objects.filter(is_active=True).order_by("name", "username"),
        required=False,
        empty_label=_("— nobody —"),
    )

    def __init__(self, *args, department: Department | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if department is not None:
            # Offering the department itself as its own parent would only invite a refusal.
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(
                pk=department.pk
            )


class PersonForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False, max_length=254)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("— none —"),
    )
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=32, required=False)
    feishu_id = forms.CharField(label=_("Feishu user id"), max_length=64, required=False)
    dingtalk_id = forms.CharField(label=_("DingTalk user id"), max_length=64, required=False)
    wecom_id = forms.CharField(label=_("WeCom user id"), max_length=64, required=False)
    slack_id = forms.CharField(label=_("Slack member id"), max_length=64, required=False)
    locale = forms.ChoiceField(label=_("Language"), choices=Person.Locale.choices, required=False)
    is_pmo = forms.BooleanField(
        label=_("Organiser office (PMO): sees every meeting that is not confidential"),
        required=False,
    )
    is_superuser = forms.BooleanField(
        label=_("Administrator: manages people and departments, sees everything"),
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active: may sign in"), required=False, initial=True)

    @staticmethod
    def initial_for(person: Person) -> dict:
        return {
            "username": person.username,
            "name": person.name,
            "email": person.email,
            "department": person.department_id,
            "title": person.title,
            "mobile": person.mobile,
            "feishu_id": person.feishu_id,
            "dingtalk_id": person.dingtalk_id,
            "wecom_id": person.wecom_id,
            "slack_id": person.slack_id,
            "locale": person.locale,
            "is_pmo": person.is_pmo,
            "is_superuser": person.is_superuser,
            "is_active": person.is_active,
        }


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The new password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password_again") not in (None, data["password"]):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        empty_label=_("All departments"),
    )
