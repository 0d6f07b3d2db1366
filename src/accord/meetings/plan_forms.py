"""Forms of the guided planning's steps (S-PREP-1, S-PREP-2, S-PREP-5, S-KIND-1..5): the
host and recorder chosen with the person picker, a topic changed in place, and the agenda
templates (start from one, save the agenda as one). They parse; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.meetings.agenda_templates import Template
from accord.meetings.forms import ObjectChoiceField, PersonField, mark_needed
from accord.meetings.models import Meeting
from accord.org.models import Department


class RolesForm(forms.Form):
    """The host who keeps time (S-PREP-5) and the recorder (S-POST-1)."""

    host = PersonField(
        label=_("Host"), required=False, help_text=_("Keeps time and reviews the minutes.")
    )
    recorder = PersonField(
        label=_("Recorder"), required=False, help_text=_("Writes the minutes within 24 hours.")
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "roles_%s")
        kwargs.setdefault("initial", {"host": meeting.host_id, "recorder": meeting.recorder_id})
        super().__init__(*args, **kwargs)
        for name in ("host", "recorder"):
            self.fields[name].set_known([meeting.host, meeting.recorder])
        mark_needed(self, ("host", "recorder"), scheduling=True)


class TopicEditForm(forms.Form):
    """A topic changed in place: its title, time allocation, lead department, description."""

    title = forms.CharField(label=_("Topic"), required=False, max_length=200)
    planned_minutes = forms.IntegerField(
        label=_("Planned minutes"), widget=forms.NumberInput(attrs={"min": 1, "max": 1440})
    )
    lead_department = ObjectChoiceField(label=_("Lead department"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].set_objects(departments)
        mark_needed(self, ("title", "planned_minutes"))


class TemplateStartForm(forms.Form):
    """Start the agenda from a template: its topics are added after the meeting's own."""

    template = forms.ChoiceField(label=_("Template"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, templates: list[Template], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "start_%s")
        super().__init__(*args, **kwargs)
        self.templates = {template.key: template for template in templates}
        self.fields["template"].choices = [
            (
                template.key,
                _("%(name)s — %(count)d topics, %(minutes)d minutes")
                % {
                    "name": template.name,
                    "count": len(template.topics),
                    "minutes": template.planned_minutes,
                },
            )
            for template in templates
        ]

    def clean_template(self) -> Template:
        return self.templates[self.cleaned_data["template"]]


class TemplateSaveForm(forms.Form):
    """Save this meeting's agenda as a template of its kind."""

    name = forms.CharField(label=_("Template name"), required=False, max_length=200)
    shared = forms.BooleanField(
        label=_("Share with everyone"),
        required=False,
        help_text=_("The PMO may share a template; everyone else keeps it for themselves."),
    )

    def __init__(self, *args: Any, may_share: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "save_%s")
        super().__init__(*args, **kwargs)
        if not may_share:
            del self.fields["shared"]
        mark_needed(self, ("name",))
