"""Forms of the notification pages: they parse input; ``accord.notify.services`` decides
(a bad URL, a DingTalk secret without SEC, a webhook without a secret come back from the
services as errors on their field)."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accord.notify.models import Channel, Notification
from accord.org.models import Department
from accord.org.services import UNCHANGED, Unchanged

Kind = Channel.Kind

# Every kind of notice the planner, the worker and the services write, for the log filter.
NOTICE_KINDS = [
    ("meeting.invitation", _("Invitation")),
    ("meeting.updated", _("Meeting changed")),
    ("meeting.cancelled", _("Meeting cancelled")),
    ("meeting.uninvited", _("No longer invited")),
    ("meeting.planned", _("Next meeting of a series planned")),
    ("meeting.materials", _("Materials and questions")),
    ("meeting.answers_nudge", _("Answers missing")),
    ("minutes.review", _("Minutes to review")),
    ("minutes.returned", _("Minutes sent back")),
    ("minutes.late", _("Minutes late")),
    ("minutes.distributed", _("Minutes distributed")),
    ("action.sign_request", _("Sign-off request")),
    ("action.sign_reminder", _("Sign-off reminder")),
    ("action.reminder", _("Due-date reminder")),
    ("action.status_request", _("Status request")),
    ("action.overdue", _("Overdue notice")),
    ("action.replanned", _("Item re-planned")),
    ("action.due_proposed", _("New due date proposed")),
    ("action.due_declined", _("Proposed due date declined")),
    ("action.escalated", _("Item escalated")),
    ("channel.test", _("Test message")),
    ("channel.broken", _("Channel switched off")),
    ("channel.switched_off", _("Department channel switched off by someone")),
]

TARGET_HELP = _(
    "E-mail: the address. A bot: the webhook URL from the group's bot settings "
    "(it starts with https://)."
)
SECRET_HELP = _(
    "Feishu and DingTalk: the signing secret, if the bot has one (DingTalk's starts with "
    "SEC). Signed webhook: required. Other kinds need none."
)


def _channel_kinds() -> list[tuple[str, str]]:
    return [(value, label) for value, label in Kind.choices if value != Kind.IN_APP]


class ChannelForm(forms.Form):
    """A new channel: the person's own, or a department's group bot."""

    kind = forms.ChoiceField(label=_("Kind"), choices=())
    name = forms.CharField(label=_("Name"), max_length=100)
    target = forms.CharField(
        label=_("Webhook URL or address"), max_length=500, required=False, help_text=TARGET_HELP
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        strip=True,
        help_text=SECRET_HELP,
        # A secret is never sent back to the browser, not even the one just typed.
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    department = forms.ModelChoiceField(
        label=_("For"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Myself (my own channel)"),
    )
    members_too = forms.BooleanField(
        label=_("Also post the members' own reminders, mentioning them"),
        help_text=_("Only for a department's channel; each member can mute it for themselves."),
        required=False,
        initial=True,
    )

    def __init__(self, *args, departments: QuerySet[Department], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— choose —")), *_channel_kinds()]
        self.fields["department"].queryset = departments


class ChannelEditForm(forms.Form):
    """A channel's name, address and secret. The stored secret is never shown: an empty
    field keeps it, ``remove_secret`` removes it (the bot then gets its messages unsigned),
    and both at once is refused rather than guessed."""

    name = forms.CharField(label=_("Name"), max_length=100)
    target = forms.CharField(
        label=_("Webhook URL or address"), max_length=500, required=False, help_text=TARGET_HELP
    )
    secret = forms.CharField(
        label=_("New signing secret"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the stored secret; it is never shown."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    remove_secret = forms.BooleanField(
        label=_("Remove the signing secret"),
        help_text=_("Messages then go out unsigned: switch signing off in the bot's settings too."),
        required=False,
    )
    members_too = forms.BooleanField(
        label=_("Also post the members' own reminders, mentioning them"),
        help_text=_("Each member can mute it for themselves."),
        required=False,
    )

    def __init__(self, *args, channel: Channel, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if channel.department_id is None:
            del self.fields["members_too"]
        if not channel.secret:
            del self.fields["remove_secret"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("remove_secret") and data.get("secret"):
            self.add_error(
                "secret",
                _("Either type a new secret or remove the stored one, not both."),
            )
        return data

    def secret_change(self) -> str | None | Unchanged:
        """What ``channel_update`` is told about the secret: a new one, ``None`` to remove
        it, or ``UNCHANGED`` (the field left empty)."""
        if self.cleaned_data.get("remove_secret"):
            return None
        return self.cleaned_data["secret"] or UNCHANGED

    @staticmethod
    def initial_for(channel: Channel) -> dict:
        return {"name": channel.name, "target": channel.target, "members_too": channel.members_too}


class SwitchForm(forms.Form):
    """On or off: a channel, one's own e-mail, one's mute of a group bot."""

    on = forms.TypedChoiceField(
        choices=[("1", _("On")), ("0", _("Off"))], coerce=lambda value: value == "1"
    )


class LogFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Notification.Status.choices],
    )
    via = forms.ChoiceField(
        label=_("Through"), required=False, choices=[("", _("Any channel")), *Kind.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind of notice"), required=False, choices=[("", _("Any kind")), *NOTICE_KINDS]
    )
    q = forms.CharField(
        label=_("Event contains"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "remind:action:42"}),
    )
