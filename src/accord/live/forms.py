"""The forms of the run page (S-MEET-1..5), and what builds them from the meeting as the
view loaded it: their choices come from lists loaded once, so rendering runs no query."""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.actions.models import ActionItem
from accord.live import services
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting, Participant
from accord.meetings.models import TopicOutcome as Outcome
from accord.meetings.selectors import meeting_departments
from accord.org.models import Department, Person
from accord.series.selectors import next_occurrence_day

Mark = Participant.Attendance


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view already loaded; cleans to the object (or None)."""

    def __init__(
        self,
        *,
        objects: Iterable[Any],
        label_from: Callable[[Any], str] = str,
        empty_label: str = "—",  # as on every other page
        **kwargs,
    ) -> None:
        objects = list(objects)
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [("", empty_label), *((str(obj.pk), label_from(obj)) for obj in objects)]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.objects.get(value) if value else None


def _text(label: str, rows: int = 3, **kwargs) -> forms.CharField:
    # Not required here: the service says what is missing, in the domain's words.
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _due(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "A real date, e.g. “by Sept 15”, “2026-09-15” or “next Friday” — not “ASAP”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _person_label(person: Person) -> str:
    return person.display


class VersionedForm(forms.Form):
    """A text two people may edit at once: it carries the version the page showed
    (core/edits.py), and the choice made when someone else saved meanwhile."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-seen": ""}))
    resolve = forms.CharField(required=False, widget=forms.HiddenInput)

    def edit_choice(self) -> dict[str, Any]:
        """``seen`` and ``resolve`` for the service; a form sent without a version (an
        old page, a script) is not compared. They are never an error of their own: a value
        no version can have (too long, altered) is a version no longer stored, so the
        person is shown the stored text."""
        return {
            "seen": (self.cleaned_data.get("seen") or "")[:64] or None,
            "resolve": (self.cleaned_data.get("resolve") or "")[:80],
        }


class PositionForm(VersionedForm):
    statement = _text(gettext_lazy("Position"))
    evidence = _text(gettext_lazy("Data and facts"), rows=2)

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, prefix=f"position-{department.pk}", **kwargs)
        # Several departments' forms share the page: each label names its department.
        self.fields["statement"].label = _("Position of %(department)s") % {
            "department": department.name
        }


class NotesForm(VersionedForm):
    notes = _text(gettext_lazy("Notes"))


class TimeForm(forms.Form):
    actual_minutes = forms.IntegerField(
        label=gettext_lazy("Actual minutes"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 1440}),
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=Outcome.Kind.choices, widget=forms.RadioSelect
    )
    text = _text(gettext_lazy("Consensus or conclusion"))

    def __init__(self, *args, people: list[Person], departments: list[Department], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["research_department"] = ObjectChoiceField(
            objects=departments, label=gettext_lazy("Researching department")
        )
        self.fields["research_owner"] = ObjectChoiceField(
            objects=people, label_from=_person_label, label=gettext_lazy("Who leads the research")
        )
        self.fields["due_date"] = _due(gettext_lazy("Research due date"))
        self.fields["next_meeting_on"] = forms.DateField(
            label=gettext_lazy("Discussed again on"),
            required=False,
            help_text=gettext_lazy("The day of the meeting that takes it up again."),
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )


class ActionForm(forms.Form):
    task = _text(gettext_lazy("Task"), rows=2)

    def __init__(
        self,
        *args,
        people: list[Person],
        departments: list[Department],
        topics: list[AgendaTopic],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = ObjectChoiceField(
            objects=people, label_from=_person_label, label=gettext_lazy("Owner")
        )
        self.fields["department"] = ObjectChoiceField(
            objects=departments,
            label=gettext_lazy("Department"),
            help_text=gettext_lazy("Empty: the owner's department."),
        )
        self.fields["due_date"] = _due(gettext_lazy("Due date"))
        self.fields["resources"] = forms.CharField(
            label=gettext_lazy("Required resources"), required=False
        )
        self.fields["topic"] = ObjectChoiceField(
            objects=topics, label_from=_topic_label, label=gettext_lazy("Topic")
        )


class ActionEditForm(forms.Form):
    """Correct an item (S-MEET-4): the add form's fields but the topic, owner required."""

    task = _text(gettext_lazy("Task"), rows=2)

    def __init__(self, *args, people: list[Person], departments: list[Department], **kwargs):
        # One item is corrected at a time; the prefix keeps its fields apart from the add form's.
        super().__init__(*args, prefix="edit", **kwargs)
        owner = ObjectChoiceField(
            objects=people, label_from=_person_label, label=gettext_lazy("Owner")
        )
        # Left empty, the service would keep the old owner: say so here instead.
        owner.required = True
        self.fields["owner"] = owner
        self.fields["department"] = ObjectChoiceField(
            objects=departments,
            label=gettext_lazy("Department"),
            help_text=gettext_lazy("Empty: the owner's department."),
        )
        self.fields["due_date"] = _due(gettext_lazy("Due date"))
        self.fields["resources"] = forms.CharField(
            label=gettext_lazy("Required resources"), required=False
        )


def edit_initial(action: ActionItem) -> dict[str, Any]:
    return {
        "task": action.task,
        "owner": str(action.owner_id),
        # Empty when it is the owner's: it follows a new owner unless one is chosen.
        "department": ""
        if action.department_id == action.owner.department_id
        else str(action.department_id),
        # The phrase as it was typed, so that an unchanged field reads the same.
        "due_date": action.due_text or action.due_date.isoformat(),
        "resources": action.resources,
    }


class RemoveForm(forms.Form):
    """Removing needs ``confirm=yes``; without it the person is asked first."""

    confirm = forms.CharField(required=False, max_length=10)

    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "yes"


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=gettext_lazy("Attendance"), choices=Participant.Attendance.choices
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        # One form per participant on the page: ids apart, the field's name the service's.
        super().__init__(*args, auto_id=f"id_attendance-{participant.pk}-%s", **kwargs)


class SpeakerField(forms.ChoiceField):
    """Who raised an objection: a person (``p<id>``) or a department (``d<id>``) among those
    the view loaded; cleans to ``(person, department)``, one of them None (both when empty:
    the service then says what is missing)."""

    def __init__(
        self, *, people: list[tuple[Person, str]], departments: list[Department], **kwargs
    ) -> None:
        self.people = {f"p{person.pk}": person for person, _label in people}
        self.departments = {f"d{department.pk}": department for department in departments}
        choices: list[Any] = [("", "—")]
        if people:
            choices.append((_("People"), [(f"p{person.pk}", label) for person, label in people]))
        if departments:
            choices.append((_("Departments"), [(f"d{d.pk}", d.name) for d in departments]))
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value: Any) -> tuple[Person | None, Department | None]:
        value = super().clean(value)
        return self.people.get(value), self.departments.get(value)


class ObjectionForm(forms.Form):
    text = _text(gettext_lazy("Objection"), rows=2)

    def __init__(
        self,
        *args,
        topics: list[AgendaTopic],
        people: list[tuple[Person, str]],
        departments: list[Department],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"] = SpeakerField(
            people=people,
            departments=departments,
            label=gettext_lazy("Raised by"),
            help_text=gettext_lazy("The person or the department whose objection this is."),
        )
        self.fields["topic"] = ObjectChoiceField(
            objects=topics, label_from=_topic_label, label=gettext_lazy("Topic")
        )


def _speakers(
    person: Person, meeting: Meeting
) -> tuple[list[tuple[Person, str]], list[Department], Person | None]:
    """Whom ``person`` may credit an objection to, from the meeting as loaded (no query):
    the recorder and the host anyone present and any participating department; a
    participant themselves and the departments they take part for. And who is credited
    when nobody is chosen (``objection_speaker_default``)."""
    absent = (Mark.ABSENT, Mark.EXCUSED)
    participants = list(meeting.participants.all())
    mine = [p for p in participants if p.person_id == person.pk]
    default = services.objection_speaker_default(
        actor=person, meeting=meeting, takes_part=bool(mine)
    )
    if roles.can_record(person, meeting) or roles.can_run(person, meeting):
        people = [
            (p.person, f"{p.department.name} {p.person}")
            for p in participants
            if p.attendance not in absent
        ]
        seated = {p.person_id for p in participants}
        for extra in (meeting.host, meeting.recorder):
            if extra is not None and extra.pk not in seated:
                seated.add(extra.pk)
                people.append((extra, _person_label(extra)))
        return people, meeting_departments(meeting), default
    people = [(p.person, f"{p.department.name} {p.person}") for p in mine[:1]]
    departments = sorted({p.department for p in mine}, key=lambda d: d.name)
    return people, departments, default


class ResolveForm(forms.Form):
    resolution = _text(gettext_lazy("Resolution"), rows=2)


class ConfirmForm(forms.Form):
    """A button only (end): its errors are the service's refusals."""


class StartForm(forms.Form):
    """Start the meeting; far from its planned time only with ``confirm_time`` ticked (see
    ``accord.live.services.meeting_start``)."""

    confirm_time = forms.BooleanField(
        label=gettext_lazy("Hold the meeting now, away from its planned time"),
        required=False,
    )


class DueCheckForm(forms.Form):
    due_date = forms.CharField(required=False, max_length=200, strip=True)


def _topic_label(topic: AgendaTopic) -> str:
    return f"{topic.order}. {topic.title}"


# -- building the forms from the meeting as the view loaded it ---------------------------------


def objection_form(
    person: Person, meeting: Meeting, topic: AgendaTopic | None, data: Any = None
) -> ObjectionForm:
    people, departments, default = _speakers(person, meeting)
    return ObjectionForm(
        data,
        initial={
            "topic": topic.pk if topic else None,
            "raised_by": f"p{default.pk}" if default is not None else "",
        },
        topics=list(meeting.topics.all()),
        people=people,
        departments=departments,
        prefix="objection",
    )


def outcome_initial(meeting: Meeting, outcome: Outcome | None) -> dict[str, Any]:
    """The outcome as recorded; for a new one (or one without a date) the day of the series'
    next meeting is proposed as the day it is discussed again."""
    initial: dict[str, Any] = {}
    if outcome is not None:
        initial = {"kind": outcome.kind, "text": outcome.text}
    if outcome is not None and outcome.next_meeting_on is not None:
        initial["next_meeting_on"] = outcome.next_meeting_on
    else:
        initial["next_meeting_on"] = next_occurrence_day(meeting=meeting)
    return initial


def live_due(form: forms.Form, *, url: str, target: str) -> None:
    """The due-date input asks the server as it is typed (S-MEET-4)."""
    form.fields["due_date"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{target}",
            "hx-swap": "innerHTML",
            "aria-describedby": target,
        }
    )
