"""Forms of the minutes page. Fields the services check are not required here, so that the
person reads the service's message, in the domain's words."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Discussion points in a few lines; the record below is built from the meeting."
        ),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What must change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the approved minutes must change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmForm(forms.Form):
    """A button only (submit, approve, distribute, sign): its errors are the service's."""


class TemplateUploadForm(forms.Form):
    """A company template (the file is checked by the service, which fills a sample)."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Shown in the list; the file name when left empty."),
    )
    file = forms.FileField(
        label=_("Word template (.docx)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument"
                ".wordprocessingml.document"
            }
        ),
        help_text=_(
            "Placeholders such as {{ title }} and {%tr for a in actions %}; see the README."
        ),
    )
    activate = forms.BooleanField(
        label=_("Use it for the Word download now"), required=False, initial=True
    )


class TemplateActiveForm(forms.Form):
    on = forms.BooleanField(required=False)
