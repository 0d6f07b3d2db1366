"""Forms of the meeting pages. They only parse what was typed; the services decide what is
allowed and say why not (their messages land on these forms)."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accord.core import limits
from accord.meetings.models import AgendaTopic, Meeting, Participant, PrepQuestion
from accord.org.models import Department, Person
from accord.org.selectors import people_to_pick, person_for_picker

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _in_range(value: dt.date | None) -> None:
    """The services' range of dates (``accord.core.limits``), said at once by the form."""
    if value is not None and not limits.in_range(value):
        raise forms.ValidationError(limits.date_range_message(), code="out_of_range")


class DateField(forms.DateField):
    default_validators = [_in_range]


class DateTimeField(forms.DateTimeField):
    default_validators = [_in_range]

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except OverflowError:
            # The time-zone conversion of a year-1 date overflows.
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def _datetime_local(**kwargs: Any) -> DateTimeField:
    """A datetime-local input, read in the organisation's time zone (the current one)."""
    return DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


def person_label(person: Person) -> str:
    return person.name or person.username


def person_group(person: Person) -> str:
    return person.department.name if person.department_id else str(_("No department"))


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects the view has already loaded: rendering costs no query, a value
    that is not among them is a form error (never a 500), and it cleans to the object."""

    def __init__(
        self,
        *,
        objects: Iterable[Any] = (),
        label_of: Callable[[Any], str] = str,
        group_of: Callable[[Any], str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_objects(objects, label_of=label_of, group_of=group_of)

    def set_objects(
        self,
        objects: Iterable[Any],
        *,
        label_of: Callable[[Any], str] = str,
        group_of: Callable[[Any], str] | None = None,
    ) -> None:
        objects = list(objects)
        self.objects = {str(obj.pk): obj for obj in objects}
        if group_of is None:
            choices: list = [(str(obj.pk), label_of(obj)) for obj in objects]
        else:
            groups: dict[str, list] = {}
            for obj in objects:
                groups.setdefault(group_of(obj), []).append((str(obj.pk), label_of(obj)))
            choices = list(groups.items())
        if not isinstance(self, forms.MultipleChoiceField):
            # Always an empty choice first, required or not: a preselected first person or
            # department is too easily sent by mistake; left empty, a required field says so.
            choices.insert(0, ("", "—"))
        self.choices = choices

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.objects.get(value) if value else None


class ObjectMultipleChoiceField(ObjectChoiceField, forms.MultipleChoiceField):
    def clean(self, value: Any) -> list:
        value = forms.MultipleChoiceField.clean(self, value)
        return [self.objects[key] for key in value]


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes, one fieldset per group (a department's people under its name): no
    Ctrl-click list where one slip drops the others."""

    template_name = "meetings/widgets/grouped_checkboxes.html"


class PersonPicker(forms.Widget):
    """A search box whose results (``meetings:people_search``, at most 20, by name, pinyin,
    department or title) come as radio buttons of the field's name: usable with thousands
    of people, where a list of everyone is not. The chosen person stays apart from the
    results, so a search that finds nobody does not drop the choice."""

    template_name = "meetings/widgets/person_picker.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.known: dict[str, Person] = {}
        self.allow_none = True
        self.candidates: list[Person] = []  # the people a typed name fits, to choose from

    def __deepcopy__(self, memo: dict) -> "PersonPicker":
        # Each form gets its own widget (Django copies the fields): the people it knows
        # belong to that form alone, never to the next request.
        widget = super().__deepcopy__(memo)
        widget.known = {}
        widget.candidates = []
        return widget

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        # The search box is not what is sent: the chosen radio is. A required picker says
        # so with aria-required, never with a "required" the box would fail on.
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.pop("required", False):
            widget_attrs["aria-required"] = "true"
        searched = value if isinstance(value, dict) else None
        key = "" if searched else str(value.pk if isinstance(value, Person) else value or "")
        context["widget"]["chosen"] = self.known.get(key)
        context["widget"]["allow_none"] = self.allow_none
        context["widget"]["search_url"] = reverse("meetings:people_search")
        context["widget"]["typed"] = searched["search"] if searched else ""
        context["widget"]["candidates"] = self.candidates
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The chosen person; without one, what was typed in the search box (a page
        without JavaScript sends the name itself: the field looks it up)."""
        chosen = data.get(name)
        typed = (data.get(f"{name}_search") or "").strip()
        if chosen in (None, "") and typed:
            return {"search": typed[:100]}
        return chosen


class PersonField(forms.Field):
    """One active person, chosen with the picker; cleans to the ``Person``. A value that is
    no active person is a form error, never a 500."""

    widget = PersonPicker
    default_error_messages = {"invalid": _("Choose a person from the search results.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.allow_none = not self.required

    def set_known(self, people: Iterable[Person | None]) -> None:
        """People the form may show as chosen without a query (the meeting's host …)."""
        self.widget.known.update({str(p.pk): p for p in people if p is not None})

    def to_python(self, value: Any) -> Person | None:
        if isinstance(value, dict):
            return self._by_name(value["search"])
        if value in (None, ""):
            return None
        key = str(value)
        person = self.widget.known.get(key)
        if person is None and key.isascii() and key.isdigit() and len(key) < 12:
            person = person_for_picker(pk=int(key))
        if person is None or not person.is_active:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        self.widget.known[key] = person
        return person

    def _by_name(self, typed: str) -> Person:
        """The one active person a typed name fits; else the people it fits, to choose from."""
        found = people_to_pick(text=typed)
        if len(found.people) == 1 and not found.more:
            person = found.people[0]
            self.widget.known[str(person.pk)] = person
            return person
        self.widget.candidates = found.people
        if not found.people:
            message = _("Nobody matches “%(typed)s”.") % {"typed": typed}
        else:
            message = _("Several people match “%(typed)s”: choose one.") % {"typed": typed}
        raise forms.ValidationError(message, code="ambiguous")


class IntegerListField(forms.Field):
    """Repeated values (``topic_ids=3&topic_ids=1``) that must all be whole numbers."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Give whole numbers."), code="invalid") from None


# -- the meeting ---------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    """Plan a meeting (S-PREP-1, S-PREP-5, S-TPL-1)."""

    goal = forms.CharField(
        label=_("Core goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One goal, e.g. “Agree who does what for the Q3 launch”."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Name"), required=False, max_length=200)
    starts_at = _datetime_local(label=_("Date and time"))
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        initial=90,
        widget=forms.NumberInput(attrs={"min": 1, "max": 1440}),
        help_text=_("60 to 90 minutes are recommended."),
    )
    location = forms.CharField(label=_("Place"), required=False, max_length=200)
    online_link = forms.CharField(
        label=_("Online meeting link"),
        required=False,
        max_length=200,
        widget=forms.URLInput(),
    )
    online_meeting_number = forms.CharField(
        label=_("Online meeting number"), required=False, max_length=64
    )
    host = PersonField(
        label=_("Host"), required=False, help_text=_("Keeps time and reviews the minutes.")
    )
    recorder = PersonField(label=_("Recorder"), required=False)
    confidential = forms.BooleanField(
        label=_("Confidential"),
        required=False,
        help_text=_("Only participants and administrators see a confidential meeting."),
    )
    # Shown with the refusal of a start in the past (``services.meeting_create``).
    confirm_past = forms.BooleanField(label=_("Yes, this meeting is in the past"), required=False)

    # What a draft cannot do without (the services refuse it); the host and recorder are
    # needed to schedule it. Each is marked with an asterisk and aria-required.
    NEEDED = ("kind", "title", "starts_at", "duration_minutes")
    NEEDED_TO_SCHEDULE = ("host", "recorder")

    def __init__(self, *args: Any, known: Iterable[Person | None] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("Time in %(zone)s.") % {"zone": settings.TIME_ZONE}
        for name in ("host", "recorder"):
            self.fields[name].set_known(known)
        mark_needed(self, self.NEEDED)
        mark_needed(self, self.NEEDED_TO_SCHEDULE, scheduling=True)

    def asks_past_confirmation(self) -> bool:
        """Whether the page shows the "in the past" checkbox: once the service asked."""
        return bool(self.errors.get("confirm_past")) or bool(self.data.get("confirm_past"))

    @staticmethod
    def initial_of(meeting: Meeting) -> dict[str, Any]:
        return {
            "goal": meeting.goal,
            "kind": meeting.kind,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "duration_minutes": meeting.duration_minutes,
            "location": meeting.location,
            "online_link": meeting.online_link,
            "online_meeting_number": meeting.online_meeting_number,
            "host": meeting.host_id,
            "recorder": meeting.recorder_id,
            "confidential": meeting.confidential,
        }


def mark_needed(form: forms.Form, names: Iterable[str], *, scheduling: bool = False) -> None:
    """Mark fields a person must fill: an asterisk (``web/_field.html``), ``required`` and
    ``aria-required`` on the input. Those needed only to schedule get ``aria-required``
    and the asterisk, not ``required``: a draft may be saved without them."""
    for name in names:
        field = form.fields[name]
        field.needed = True
        field.widget.attrs["aria-required"] = "true"
        if not scheduling:
            field.widget.attrs["required"] = True


class MeetingFilterForm(forms.Form):
    """The filters of the meetings list (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + Meeting.Status.choices
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + Meeting.Kind.choices
    )
    department = ObjectChoiceField(label=_("Department"), required=False)
    starts_from = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_to = DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs["placeholder"] = _("Name or goal")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("starts_from"), data.get("starts_to")
        if start and end and end < start:
            self.add_error("starts_to", _("The end of the range is before its start."))
        return data


class WeekForm(forms.Form):
    week = DateField(
        label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# -- planning on the detail page -------------------------------------------------------------------


class TopicForm(forms.Form):
    """An agenda topic with its time allocation (S-PREP-1, S-PREP-5)."""

    title = forms.CharField(label=_("Topic"), required=False, max_length=200)
    planned_minutes = forms.IntegerField(
        label=_("Planned minutes"), widget=forms.NumberInput(attrs={"min": 1, "max": 1440})
    )
    lead_department = ObjectChoiceField(label=_("Lead department"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "topic_%s")
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].set_objects(departments)


class TopicsReorderForm(forms.Form):
    topic_ids = IntegerListField()


class QuestionForm(forms.Form):
    """A pre-discussion question (S-PREP-3)."""

    text = forms.CharField(
        label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    topic = ObjectChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args: Any, topics: list[AgendaTopic], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "question_%s")
        super().__init__(*args, **kwargs)
        self.fields["topic"].set_objects(topics, label_of=lambda t: t.title)


class DepartmentChoiceForm(forms.Form):
    """Pick the department whose people are offered below (GET)."""

    department = ObjectChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "choose_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)


class DepartmentInviteForm(forms.Form):
    """A department with its decision-maker and executors (S-PREP-2)."""

    department = ObjectChoiceField(label=_("Department"))
    decision_maker = ObjectChoiceField(label=_("Decision-maker"))
    executors = ObjectMultipleChoiceField(
        label=_("Executors"),
        required=False,
        help_text=_("The working contacts (接口人)."),
        widget=GroupedCheckboxes,
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Department],
        people: list[Person],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)
        for name in ("decision_maker", "executors"):
            self.fields[name].set_objects(people, label_of=person_label, group_of=person_group)


class ParticipantForm(forms.Form):
    """One person in a role, speaking for their department unless another is named."""

    person = PersonField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=Participant.Role.choices)
    department = ObjectChoiceField(
        label=_("For department"),
        required=False,
        help_text=_("Empty: the person's own department."),
    )

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)


class CopyForm(forms.Form):
    """A department copied on the minutes (S-POST-2)."""

    department = ObjectChoiceField(label=_("Department"))

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "copy_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)


class MaterialForm(forms.Form):
    """Background, data or a case: an upload or a link (S-PREP-3)."""

    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    topic = ObjectChoiceField(label=_("Topic"), required=False)
    url = forms.CharField(label=_("Link"), required=False, max_length=200, widget=forms.URLInput())
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, topics: list[AgendaTopic], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "material_%s")
        super().__init__(*args, **kwargs)
        self.fields["topic"].set_objects(topics, label_of=lambda t: t.title)


class SendAtForm(forms.Form):
    materials_send_at = _datetime_local(
        label=_("Materials and questions go out at"),
        required=False,
        help_text=_("1 to 2 days before the meeting. Empty: the start of that window."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "sendat_%s")
        super().__init__(*args, **kwargs)


class ScheduleForm(forms.Form):
    """No fields: the service checks the meeting is ready and says what is missing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cancel_%s")
        super().__init__(*args, **kwargs)


# -- preparation (S-PREP-4) --------------------------------------------------------------------------


class AnswerForm(forms.Form):
    """A department's written answer to one question."""

    question = ObjectChoiceField(widget=forms.HiddenInput)
    department = ObjectChoiceField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        questions: list[PrepQuestion],
        departments: list[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["question"].set_objects(questions)
        self.fields["department"].set_objects(departments)


class SubmitAnswersForm(forms.Form):
    department = ObjectChoiceField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, departments: list[Department], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", False)  # one per department on the page
        super().__init__(*args, **kwargs)
        self.fields["department"].set_objects(departments)
