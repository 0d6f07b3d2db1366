"""Forms of the action item page and the boards: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.actions.deadlines import DUE_DATE_HELP
from accord.actions.models import ActionItem, OverdueReason
from accord.org.models import Person

NOTE_ROWS = {"rows": 2}


class StatusForm(forms.Form):
    """S-TRACK-2: move the item along. Every status parses; the service refuses the moves the
    person may not make, with its own message."""

    status = forms.ChoiceField(
        label=_("New status"),
        choices=ActionItem.Status.choices,
        error_messages={"required": _("Choose the new status.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs=NOTE_ROWS)
    )

    def offer(self, statuses: tuple[str, ...], *, current: str) -> None:
        """Show only ``statuses`` in the select, after the item's ``current`` status, which
        is selected until another is chosen: the page never offers a move nobody chose (a
        select falling back to its first entry would turn "In progress" back to "Open" in
        one click). The current status has no value, so sending it moves nothing and says
        to choose; parsing still accepts every status."""
        self.fields["status"].widget.choices = [
            ("", _("%(status)s (current)") % {"status": ActionItem.Status(current).label}),
            *((value, label) for value, label in ActionItem.Status.choices if value in statuses),
        ]


class ProgressForm(forms.Form):
    """S-TRACK-2: "R&D submitted the technical proposal; it meets the requirements"."""

    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
    )


class OverdueReasonForm(forms.Form):
    """S-TRACK-3: the owner says why the item is late."""

    # A select rather than radios: web/_field.html labels one input, not a group.
    reason = forms.ChoiceField(
        # Not the card's question again ("Why is this item late?"): the field is its answer.
        label=_("Reason"),
        choices=[("", "—"), *OverdueReason.choices],
    )
    text = forms.CharField(
        label=_("In your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text=_("Required for “Other”."),
    )


class ReplanForm(forms.Form):
    """S-TRACK-3: the organiser sets a new due date, read by the due-date rule, and says why."""

    due_date = forms.CharField(
        label=_("New due date"),
        max_length=100,
        help_text=DUE_DATE_HELP,
    )
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=2000, widget=forms.Textarea(attrs=NOTE_ROWS)
    )


class ProposeDueForm(forms.Form):
    """S-TRACK-3: the owner proposes a new due date and says why; whoever may re-plan
    answers. The service reads the date and checks the reason."""

    due_date = forms.CharField(
        label=_("Proposed due date"),
        max_length=100,
        help_text=DUE_DATE_HELP,
    )
    reason = forms.CharField(
        label=_("Why the item needs a new date"),
        max_length=2000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
    )


class AcceptProposalForm(forms.Form):
    """Accept the owner's proposed date: nothing to fill in, the owner's reason is kept."""


class DeclineProposalForm(forms.Form):
    answer = forms.CharField(
        label=_("Why not"),
        max_length=2000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text=_("The owner reads this with the answer."),
    )


class WithdrawProposalForm(forms.Form):
    """The owner takes back their proposal: nothing to fill in."""


class SignForm(forms.Form):
    """S-POST-3: the owner confirms the item; nothing to fill in."""


class DepartmentBoardFilterForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Person.objects.none(), required=False, empty_label=_("Anyone")
    )
    due_after = forms.DateField(
        label=_("Due on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_before = forms.DateField(
        label=_("Due on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, owners=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class OverdueSortForm(forms.Form):
    OLDEST = "oldest"
    NEWEST = "newest"

    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(OLDEST, _("Oldest first")), (NEWEST, _("Newest first"))],
    )


class ImportForm(forms.Form):
    """An Excel sheet in the action plan's columns; ``accept_valid`` imports the valid rows
    of a sheet that also has refused ones (the person saw the report first)."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))
    accept_valid = forms.BooleanField(required=False, widget=forms.HiddenInput)
