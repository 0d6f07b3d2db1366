"""The forms of the review of earlier plans on the meeting pages (S-REVIEW-2): the earlier
meeting whose plan this one reviews, and the small forms that close, cancel, re-plan or
escalate one item. They parse; the series and actions services decide and say what is
missing. The pages that take them are ``accord.series.views`` and ``accord.series.review_views``."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.actions.deadlines import DUE_DATE_HELP
from accord.meetings.forms import ObjectChoiceField
from accord.meetings.models import Meeting

NOTE_ROWS = {"rows": 2}


def _note(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=2000, widget=forms.Textarea(attrs=NOTE_ROWS), **kwargs
    )


class CloseForm(forms.Form):
    """Close as done, with an optional note."""

    note = _note(_("Note"), required=False)


class CancelForm(forms.Form):
    """Cancel the item: the meeting says why (the service takes an empty note, the review does
    not: a dropped commitment needs its reason in the record)."""

    note = _note(
        _("Why is it cancelled?"),
        error_messages={"required": _("Say why the item is cancelled.")},
    )


class ReplanForm(forms.Form):
    """A new due date, read by the due-date rule, and the reason (both checked by the service)."""

    due_date = forms.CharField(
        label=_("New due date"),
        required=False,
        max_length=100,
        help_text=DUE_DATE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reason = _note(_("Reason for the change"), required=False)


class EscalateForm(forms.Form):
    """Hand the item up: what help is needed (checked by the service)."""

    note = _note(_("What help is needed?"), required=False)


MOVES: dict[str, type[forms.Form]] = {
    "close": CloseForm,
    "cancel": CancelForm,
    "replan": ReplanForm,
    "escalate": EscalateForm,
}


def review_form(move: str, action_pk: int, data=None) -> forms.Form:
    """The form of one move on one item; the prefix keeps each row's fields apart."""
    return MOVES[move](data, prefix=f"review-{action_pk}-{move}")


def meeting_label(meeting: Meeting) -> str:
    return f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M} {meeting.title}"


class FollowForm(forms.Form):
    """Review the plan of an earlier meeting (S-REVIEW-2)."""

    previous = ObjectChoiceField(label=_("Earlier meeting"))

    def __init__(self, *args: Any, meetings: list[Meeting], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "follow_%s")
        super().__init__(*args, **kwargs)
        self.fields["previous"].set_objects(meetings, label_of=meeting_label)
