"""Running the meeting (S-MEET-1..5): the host and the recorder work on one page.

The host opens with the goal, the rules and the time of each topic (S-MEET-1), takes the
topics in order with each department's position (S-MEET-2), closes each with an outcome
(S-MEET-3); the recorder captures action items with real due dates as the meeting goes
(S-MEET-4); before ending, the host reads back consensus, plan and owners while objections
are raised and resolved (S-MEET-5). Others who may see the meeting follow read-only; for
everyone else the meeting does not exist (404).

The host and the recorder also take attendance (S-TPL-1: the minutes list the people
present) and correct or remove action items while the minutes are written, including in a
new version opened after approval (S-POST-2).

Every form works as a plain POST (post/redirect/get); with htmx the changed part is swapped.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accord.actions.models import ActionItem
from accord.actions.selectors import meeting_due_preview
from accord.actions.services import action_create, action_remove, action_update
from accord.core import clock
from accord.core.errors import AppError
from accord.live import services as live_services
from accord.meetings import roles, rules
from accord.meetings.models import AgendaTopic, Meeting, Objection, Participant, Position
from accord.meetings.models import TopicOutcome as Outcome
from accord.meetings.review_views import review_context
from accord.meetings.selectors import meeting_with_record, topic_clock_start
from accord.org.models import Department, Person
from accord.series.selectors import next_occurrence_day
from accord.web.forms import show_refusal

Status = Meeting.Status
Mark = Participant.Attendance

# -- forms: choices come from lists the view loaded once, so rendering runs no query ---------


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


class PositionForm(forms.Form):
    statement = _text(gettext_lazy("Position"))
    evidence = _text(gettext_lazy("Data and facts"), rows=2)

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, prefix=f"position-{department.pk}", **kwargs)
        # Several departments' forms share the page: each label names its department.
        self.fields["statement"].label = _("Position of %(department)s") % {
            "department": department.name
        }


class NotesForm(forms.Form):
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


def _edit_initial(action: ActionItem) -> dict[str, Any]:
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
    default = live_services.objection_speaker_default(
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
        return people, _departments(meeting), default
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


# -- loading and the page ------------------------------------------------------------------


def _load(request: HttpRequest, pk: int) -> Meeting:
    """The meeting with its whole record, if the person may see it; else 404."""
    try:
        return meeting_with_record(pk=pk, person=request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None


def _topic(meeting: Meeting, topic_pk: int | str | None) -> AgendaTopic:
    for topic in meeting.topics.all():
        if str(topic.pk) == str(topic_pk):
            return topic
    raise Http404


def _departments(meeting: Meeting) -> list[Department]:
    """The participating departments, by name (S-PREP-2)."""
    found = {p.department_id: p.department for p in meeting.participants.all()}
    return sorted(found.values(), key=lambda department: department.name)


def _outcome(topic: AgendaTopic) -> Outcome | None:
    return getattr(topic, "outcome", None)


def _current_topic(topics: list[AgendaTopic]) -> AgendaTopic | None:
    """The topic under discussion: the first without an outcome (S-MEET-2: in order)."""
    return next((topic for topic in topics if _outcome(topic) is None), None)


def _timer_start(meeting: Meeting, topics: list[AgendaTopic], topic: AgendaTopic) -> dt.datetime:
    """The clock closing the topic records its minutes from (S-PREP-5)."""
    return topic_clock_start(meeting=meeting, topics=topics, topic=topic)


@dataclass
class Flags:
    """What the person may do now; the services check the same (roles + status)."""

    start: bool = False
    record: bool = False
    end: bool = False
    raise_objection: bool = False
    resolve: bool = False
    attendance: bool = False


def _flags(person: Person, meeting: Meeting) -> Flags:
    runs, records = roles.can_run(person, meeting), roles.can_record(person, meeting)
    live = meeting.status == Status.IN_PROGRESS
    return Flags(
        start=meeting.status == Status.SCHEDULED and runs,
        record=meeting.status in rules.RECORDING and records,
        end=live and runs,
        raise_objection=live and (runs or records or roles.is_participant(person, meeting)),
        resolve=live and (runs or records),
        attendance=meeting.status in (Status.SCHEDULED, *rules.RECORDING) and (runs or records),
    )


@dataclass
class PositionEntry:
    department: Department
    position: Position | None
    form: PositionForm


@dataclass
class AttendanceRow:
    participant: Participant
    form: AttendanceForm


@dataclass
class AttendanceGroup:
    department: Department
    rows: list[AttendanceRow]
    present: int
    expected: int


@dataclass
class Attendance:
    groups: list[AttendanceGroup]
    present: int
    expected: int
    absent: int
    excused: int
    unmarked: int


def _count(participants: list[Participant]) -> tuple[int, int]:
    """Present and expected: an excused person is not expected; an absent one was."""
    present = sum(p.attendance == Mark.PRESENT for p in participants)
    return present, sum(p.attendance != Mark.EXCUSED for p in participants)


def _attendance(
    meeting: Meeting, form: Callable[[str, Callable[[], forms.Form]], forms.Form]
) -> Attendance:
    """The participants by department (as loaded: by department name, then role) with their
    attendance and, for each, the form that sets it."""
    participants = list(meeting.participants.all())
    by_department: dict[int, list[Participant]] = {}
    for participant in participants:
        by_department.setdefault(participant.department_id, []).append(participant)
    groups = []
    for members in by_department.values():
        rows = [
            AttendanceRow(
                p,
                form(
                    f"attendance-{p.pk}",
                    lambda p=p: AttendanceForm(initial={"attendance": p.attendance}, participant=p),
                ),
            )
            for p in members
        ]
        groups.append(AttendanceGroup(members[0].department, rows, *_count(members)))
    return Attendance(
        groups,
        *_count(participants),
        absent=sum(p.attendance == Mark.ABSENT for p in participants),
        excused=sum(p.attendance == Mark.EXCUSED for p in participants),
        unmarked=sum(p.attendance == Mark.INVITED for p in participants),
    )


@dataclass
class ObjectionRow:
    objection: Objection
    topic: AgendaTopic | None
    form: ResolveForm | None  # for an open objection


def _context(
    request: HttpRequest,
    meeting: Meeting,
    topic: AgendaTopic | None,
    bound: dict[str, forms.Form],
    *,
    editing: ActionItem | None = None,
    removing: ActionItem | None = None,
) -> dict[str, Any]:
    topics = list(meeting.topics.all())
    current = _current_topic(topics)
    topic = topic or current
    flags = _flags(request.user, meeting)
    # Only those who record get the forms that need these lists.
    choices = _choices() if flags.record else {"people": [], "departments": []}

    def form(name: str, make: Callable[[], forms.Form]) -> forms.Form:
        # The form a refused POST brought back (with its errors and what was typed), or a new one.
        return bound[name] if name in bound else make()

    positions = []
    if topic is not None:
        recorded = {position.department_id: position for position in topic.positions.all()}
        departments = _departments(meeting)
        # A position of a department that is not (or no longer) invited still shows.
        departments += sorted(
            (p.department for p in recorded.values() if p.department not in departments),
            key=lambda department: department.name,
        )
        for department in departments:
            position = recorded.get(department.pk)
            initial = (
                {"statement": position.statement, "evidence": position.evidence} if position else {}
            )
            positions.append(
                PositionEntry(
                    department,
                    position,
                    form(
                        f"position-{department.pk}",
                        lambda d=department, i=initial: PositionForm(initial=i, department=d),
                    ),
                )
            )
    outcome = _outcome(topic) if topic else None
    objections = list(meeting.objections.all())
    by_pk = {t.pk: t for t in topics}
    open_objections = [o for o in objections if o.resolved_at is None]
    action_form = form(
        "action",
        lambda: ActionForm(
            initial={"topic": topic.pk if topic else None}, topics=topics, **choices
        ),
    )
    outcome_form = form(
        "outcome",
        lambda: OutcomeForm(
            initial=_outcome_initial(meeting, outcome), prefix="outcome", **choices
        ),
    )
    check = reverse("meetings:run_due_check", args=[meeting.pk])
    _live_due(action_form, url=check, target="due-check-action")
    _live_due(outcome_form, url=f"{check}?prefix=outcome", target="due-check-outcome")
    edit_form = None
    if editing is not None:
        edit_form = form("edit", lambda: ActionEditForm(initial=_edit_initial(editing), **choices))
        _live_due(edit_form, url=f"{check}?prefix=edit", target="due-check-edit")
    return {
        "nav": "meetings",
        "meeting": meeting,
        "topics": topics,
        "current": current,
        "topic": topic,
        "outcome": outcome,
        "flags": flags,
        "planned_total": sum(t.planned_minutes for t in topics),
        "timer_start": timezone.localtime(_timer_start(meeting, topics, topic)).isoformat()
        if topic is not None and outcome is None and meeting.status == Status.IN_PROGRESS
        else None,
        "minutes": getattr(meeting, "minutes", None),
        "positions": positions,
        "notes_form": form(
            "notes",
            lambda: NotesForm(initial={"notes": topic.notes if topic else ""}, prefix="notes"),
        ),
        "time_form": form(
            "time",
            lambda: TimeForm(
                initial={"actual_minutes": topic.actual_minutes if topic else None}, prefix="time"
            ),
        ),
        "outcome_form": outcome_form,
        "action_form": action_form,
        "actions": list(meeting.actions.all()),
        "objections": objections,
        "open_objections": open_objections,
        "objection_form": form("objection", lambda: _objection_form(request.user, meeting, topic)),
        "objection_rows": [
            ObjectionRow(
                o,
                by_pk.get(o.topic_id),
                None
                if o.resolved_at
                else form(f"resolve-{o.pk}", lambda o=o: ResolveForm(prefix=f"resolve-{o.pk}")),
            )
            for o in objections
        ],
        "start_form": form("start", StartForm),
        # Starting now would be far from the plan: the form asks to confirm (meeting_start).
        "start_off_schedule": flags.start and rules.start_off_schedule(meeting, now=clock.now()),
        "start_now": timezone.localtime(clock.now()),
        "end_form": form("end", ConfirmForm),
        "attendance": _attendance(meeting, form)
        if flags.attendance or any(name.startswith("attendance-") for name in bound)
        else None,
        "editing": editing,
        "edit_form": edit_form,
        "removing": removing,
        "remove_form": form("remove", RemoveForm) if removing is not None else None,
    }


def _objection_form(
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


def _outcome_initial(meeting: Meeting, outcome: Outcome | None) -> dict[str, Any]:
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


def _live_due(form: forms.Form, *, url: str, target: str) -> None:
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


def _render(
    request: HttpRequest,
    meeting: Meeting,
    topic: AgendaTopic | None = None,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    partial: str | None = None,
    department_pk: int | None = None,
    editing: ActionItem | None = None,
    removing: ActionItem | None = None,
) -> HttpResponse:
    context = _context(request, meeting, topic, bound or {}, editing=editing, removing=removing)
    if partial and request.htmx:
        if department_pk is not None:
            context["entry"] = next(
                e for e in context["positions"] if e.department.pk == department_pk
            )
        return render(request, partial, context, status=status)
    # The whole page opens with the review of the previous plan (S-REVIEW-2).
    context |= review_context(
        person=request.user, meeting=meeting, next_url=_run_url(meeting, anchor="review")
    )
    return render(request, "meetings/run/page.html", context, status=status)


def _run_url(meeting: Meeting, topic: AgendaTopic | None = None, anchor: str = "") -> str:
    url = reverse("meetings:run", args=[meeting.pk])
    if topic is not None:
        url += f"?topic={topic.pk}"
    return url + (f"#{anchor}" if anchor else "")


def _submit(
    request: HttpRequest,
    meeting: Meeting,
    *,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    topic: AgendaTopic | None = None,
    anchor: str = "",
    partial: str | None = None,
    department_pk: int | None = None,
    redirect_to: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Parse, call the service, and either redirect (or swap the part) or show the form
    again with what was typed and the service's message (422, 403 when not allowed)."""
    status = 422
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, success(result))
            if partial and request.htmx:
                fresh = _load(request, meeting.pk)
                topic = _topic(fresh, topic.pk) if topic is not None else None
                return _render(request, fresh, topic, partial=partial, department_pk=department_pk)
            return redirect(
                redirect_to(result) if redirect_to else _run_url(meeting, topic, anchor)
            )
    # The service may have re-read the meeting inside its (rolled back) transaction: reload.
    fresh = _load(request, meeting.pk)
    topic = _topic(fresh, topic.pk) if topic is not None else None
    return _render(
        request,
        fresh,
        topic,
        bound={name: form},
        status=status,
        partial=partial,
        department_pk=department_pk,
    )


# -- the views ---------------------------------------------------------------------------------


@login_required
@require_safe
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """The run page; ``?topic=<id>`` shows another topic than the current one."""
    meeting = _load(request, pk)
    topic = _topic(meeting, request.GET["topic"]) if request.GET.get("topic") else None
    return _render(request, meeting, topic)


@login_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The host opens the meeting (S-MEET-1)."""
    meeting = _load(request, pk)
    return _submit(
        request,
        meeting,
        name="start",
        form=StartForm(request.POST),
        call=lambda data: live_services.meeting_start(
            actor=request.user, meeting=meeting, confirm_time=data["confirm_time"]
        ),
        success=lambda _m: _("The meeting has started."),
    )


@login_required
@require_POST
def run_position(request: HttpRequest, pk: int, topic_pk: int, department_pk: int) -> HttpResponse:
    """A department's position and its data and facts (S-MEET-2)."""
    meeting = _load(request, pk)
    topic = _topic(meeting, topic_pk)
    department = next((d for d in _departments(meeting) if d.pk == department_pk), None)
    if department is None:
        department = next(
            (p.department for p in topic.positions.all() if p.department_id == department_pk), None
        )
    if department is None:
        raise Http404
    prefix = f"position-{department.pk}"
    return _submit(
        request,
        meeting,
        name=prefix,
        form=PositionForm(request.POST, department=department),
        call=lambda data: live_services.position_record(
            actor=request.user,
            topic=topic,
            department=department,
            statement=data["statement"],
            evidence=data["evidence"],
        ),
        success=lambda _p: _("Position of %(department)s recorded.") % {"department": department},
        topic=topic,
        anchor=prefix,
        partial="meetings/run/_position_swap.html",
        department_pk=department.pk,
    )


@login_required
@require_POST
def run_notes(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    meeting = _load(request, pk)
    topic = _topic(meeting, topic_pk)
    return _submit(
        request,
        meeting,
        name="notes",
        form=NotesForm(request.POST, prefix="notes"),
        call=lambda data: live_services.topic_record_notes(
            actor=request.user, topic=topic, notes=data["notes"]
        ),
        success=lambda _t: _("Notes saved."),
        topic=topic,
        anchor="notes",
        partial="meetings/run/_notes_swap.html",
    )


@login_required
@require_POST
def run_time(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    meeting = _load(request, pk)
    topic = _topic(meeting, topic_pk)
    return _submit(
        request,
        meeting,
        name="time",
        form=TimeForm(request.POST, prefix="time"),
        call=lambda data: live_services.topic_record_time(
            actor=request.user, topic=topic, actual_minutes=data["actual_minutes"]
        ),
        success=lambda t: (
            _("Actual time of “%(topic)s”: %(minutes)d minutes.")
            % {"topic": t.title, "minutes": t.actual_minutes}
        ),
        topic=topic,
        anchor="time",
        partial="meetings/run/_time_swap.html",
    )


@login_required
@require_POST
def run_outcome(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    """Close the topic (S-MEET-3); the page moves on to the next open topic."""
    meeting = _load(request, pk)
    topic = _topic(meeting, topic_pk)
    form = OutcomeForm(request.POST, prefix="outcome", **_choices())
    return _submit(
        request,
        meeting,
        name="outcome",
        form=form,
        call=lambda data: live_services.outcome_record(
            actor=request.user,
            topic=topic,
            kind=data["kind"],
            text=data["text"],
            research_department=data["research_department"],
            research_owner=data["research_owner"],
            research_due=data["due_date"],
            next_meeting_on=data["next_meeting_on"],
        ),
        success=lambda o: (
            _("Outcome of “%(topic)s”: %(kind)s.")
            % {"topic": topic.title, "kind": o.get_kind_display()}
        ),
        topic=topic,
        redirect_to=lambda _o: _run_url(meeting),
    )


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int) -> HttpResponse:
    """An action item with task, owner, department, a real due date and resources (S-MEET-4)."""
    meeting = _load(request, pk)
    topics = list(meeting.topics.all())
    form = ActionForm(request.POST, topics=topics, **_choices())
    chosen = None
    if form.is_valid():
        chosen = form.cleaned_data["topic"]
    return _submit(
        request,
        meeting,
        name="action",
        form=form,
        call=lambda data: action_create(
            actor=request.user,
            meeting=meeting,
            task=data["task"],
            owner=data["owner"],
            department=data["department"],
            due=data["due_date"],
            resources=data["resources"],
            topic=data["topic"],
        ),
        success=lambda a: (
            _("Action item added: “%(task)s”, %(owner)s, due %(due)s.")
            % {"task": a.task, "owner": a.owner, "due": a.due_date.isoformat()}
        ),
        topic=chosen,
        anchor="actions",
        partial="meetings/run/_actions_swap.html",
    )


def _action(meeting: Meeting, action_pk: int) -> ActionItem:
    """One of the meeting's action items (loaded with it); another meeting's is 404."""
    for action in meeting.actions.all():
        if action.pk == action_pk:
            return action
    raise Http404


def _back(request: HttpRequest) -> str | None:
    """Where a correction opened from the minutes page returns to (a fixed place, never a
    URL from the request)."""
    came_from = request.POST.get("from") or request.GET.get("from")
    return "minutes" if came_from == "minutes" else None


def _back_url(meeting: Meeting, back: str | None, anchor: str) -> str:
    if back == "minutes":
        return reverse("minutes:detail", args=[meeting.pk]) + "#plan"
    return _run_url(meeting, anchor=anchor)


def _action_page(
    request: HttpRequest,
    meeting: Meeting,
    action: ActionItem,
    *,
    template: str,
    back: str | None,
    status: int = 200,
    **forms_: forms.Form,
) -> HttpResponse:
    """The page of its own that a correction or a removal opens without JavaScript."""
    return render(
        request,
        template,
        {
            "nav": "meetings",
            "meeting": meeting,
            "action": action,
            "flags": _flags(request.user, meeting),
            "back": back,
            "cancel_url": _back_url(meeting, back, f"action-{action.pk}"),
            **forms_,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Correct an action item while the meeting runs or its minutes are written (S-MEET-4,
    S-POST-2: after approval only in a new version). htmx opens the form in the list."""
    meeting = _load(request, pk)
    action = _action(meeting, action_pk)
    back = _back(request)
    if request.method != "POST" and request.htmx:
        return _render(request, meeting, partial="meetings/run/_actions.html", editing=action)
    choices = _choices()
    initial = _edit_initial(action)
    if request.method != "POST":
        return _edit_page(
            request, meeting, action, ActionEditForm(initial=initial, **choices), back
        )
    form = ActionEditForm(request.POST, initial=initial, **choices)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = action_update(
                actor=request.user,
                action=action,
                task=data["task"],
                owner=data["owner"],
                department=data["department"],
                # An unchanged phrase is not read again: its date stays as it was.
                due=data["due_date"] if "due_date" in form.changed_data else None,
                resources=data["resources"],
            )
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Action item corrected: “%(task)s”, %(owner)s (%(department)s), due %(due)s.")
                % {
                    "task": updated.task,
                    "owner": updated.owner,
                    "department": updated.department,
                    "due": updated.due_date.isoformat(),
                },
            )
            if request.htmx:
                return _render(
                    request, _load(request, pk), partial="meetings/run/_actions_swap.html"
                )
            return redirect(_back_url(meeting, back, f"action-{action.pk}"))
    # The service re-read the meeting inside its rolled-back transaction: read it again.
    fresh = _load(request, pk)
    action = _action(fresh, action_pk)
    if request.htmx:
        return _render(
            request,
            fresh,
            bound={"edit": form},
            status=status,
            partial="meetings/run/_actions_swap.html",
            editing=action,
        )
    return _edit_page(request, fresh, action, form, back, status=status)


def _edit_page(
    request: HttpRequest,
    meeting: Meeting,
    action: ActionItem,
    form: ActionEditForm,
    back: str | None,
    *,
    status: int = 200,
) -> HttpResponse:
    check = reverse("meetings:run_due_check", args=[meeting.pk])
    _live_due(form, url=f"{check}?prefix=edit", target="due-check-edit")
    return _action_page(
        request,
        meeting,
        action,
        template="meetings/run/action_edit.html",
        edit_form=form,
        back=back,
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_action_remove(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Remove an action item: a POST with ``confirm=yes`` removes it; anything else asks
    first (a page of its own, or with htmx a question in the list)."""
    meeting = _load(request, pk)
    action = _action(meeting, action_pk)
    back = _back(request)
    form = RemoveForm(request.POST) if request.method == "POST" else RemoveForm()
    if not form.confirmed():
        if request.htmx:
            return _render(request, meeting, partial="meetings/run/_actions.html", removing=action)
        return _action_page(
            request,
            meeting,
            action,
            template="meetings/run/action_remove.html",
            remove_form=RemoveForm(),
            back=back,
        )
    task = action.task
    try:
        action_remove(actor=request.user, action=action)
    except AppError as error:
        form.add_error(None, error.message)
        status = 403 if error.code == "forbidden" else 422
    else:
        messages.success(request, _("Action item removed: “%(task)s”.") % {"task": task})
        if request.htmx:
            return _render(request, _load(request, pk), partial="meetings/run/_actions_swap.html")
        return redirect(_back_url(meeting, back, "actions"))
    fresh = _load(request, pk)
    action = _action(fresh, action_pk)
    if request.htmx:
        return _render(
            request,
            fresh,
            bound={"remove": form},
            status=status,
            partial="meetings/run/_actions_swap.html",
            removing=action,
        )
    return _action_page(
        request,
        fresh,
        action,
        template="meetings/run/action_remove.html",
        remove_form=form,
        back=back,
        status=status,
    )


@login_required
@require_POST
def run_attendance(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Who is present, absent or excused (S-TPL-1: the minutes list the people present)."""
    meeting = _load(request, pk)
    participant = next((p for p in meeting.participants.all() if p.pk == participant_pk), None)
    if participant is None:
        raise Http404
    return _submit(
        request,
        meeting,
        name=f"attendance-{participant.pk}",
        form=AttendanceForm(request.POST, participant=participant),
        call=lambda data: live_services.participant_set_attendance(
            actor=request.user, participant=participant, attendance=data["attendance"]
        ),
        success=lambda p: (
            _("Attendance of %(person)s: %(attendance)s.")
            % {"person": p.person, "attendance": p.get_attendance_display()}
        ),
        anchor="attendance",
        partial="meetings/run/_attendance_swap.html",
    )


@login_required
@require_safe
def run_due_check(request: HttpRequest, pk: int) -> HttpResponse:
    """What a due phrase means, as it is typed (S-MEET-4): the date and its weekday, or why
    it is not a date. Nothing for an empty field."""
    meeting = _load(request, pk)
    prefix = request.GET.get("prefix") or None
    form = DueCheckForm(request.GET, prefix=prefix if prefix in ("outcome", "edit") else None)
    context: dict[str, Any] = {"due": None, "error": None}
    status = 200
    if not form.is_valid():
        context["error"] = form.errors["due_date"][0]
        status = 422
    elif form.cleaned_data["due_date"]:
        try:
            context["due"] = meeting_due_preview(
                meeting=meeting, text=form.cleaned_data["due_date"]
            )
        except AppError as error:
            context["error"], status = error.message, 422
    return render(request, "meetings/run/_due_check.html", context, status=status)


@login_required
@require_POST
def run_objection(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection, raised there and then (S-MEET-5)."""
    meeting = _load(request, pk)
    form = _objection_form(request.user, meeting, None, request.POST)

    def raise_objection(data: dict[str, Any]) -> Objection:
        person, department = data["raised_by"]
        try:
            return live_services.objection_raise(
                actor=request.user,
                meeting=meeting,
                text=data["text"],
                topic=data["topic"],
                raised_by=person,
                raised_by_department=department,
            )
        except AppError as error:
            # One field on the page names the person or the department.
            if error.field == "raised_by_department":
                error.field = "raised_by"
            raise

    return _submit(
        request,
        meeting,
        name="objection",
        form=form,
        call=raise_objection,
        success=lambda _o: _("Objection recorded; resolve it before the meeting ends."),
        anchor="objections",
        partial="meetings/run/_objections_swap.html",
    )


@login_required
@require_POST
def run_objection_resolve(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    meeting = _load(request, pk)
    objection: Objection | None = next(
        (o for o in meeting.objections.all() if o.pk == objection_pk), None
    )
    if objection is None:
        raise Http404
    prefix = f"resolve-{objection.pk}"
    return _submit(
        request,
        meeting,
        name=prefix,
        form=ResolveForm(request.POST, prefix=prefix),
        call=lambda data: live_services.objection_resolve(
            actor=request.user, objection=objection, resolution=data["resolution"]
        ),
        success=lambda _o: _("Objection resolved."),
        anchor="objections",
        partial="meetings/run/_objections_swap.html",
    )


@login_required
@require_POST
def run_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End after the read-back (S-MEET-5); the minutes' 24-hour clock starts (S-POST-1)."""
    meeting = _load(request, pk)
    return _submit(
        request,
        meeting,
        name="end",
        form=ConfirmForm(request.POST),
        call=lambda data: live_services.meeting_end(actor=request.user, meeting=meeting),
        success=lambda m: (
            _("The meeting has ended. The minutes are due by %(due)s.")
            % {"due": timezone.localtime(m.minutes.due_at).strftime("%Y-%m-%d %H:%M")}
        ),
        anchor="readback",
        redirect_to=lambda m: reverse("minutes:detail", args=[m.pk]),
    )


def _choices() -> dict[str, list]:
    """The people and departments an outcome or an action item may name."""
    return {
        "people": list(
            Person.objects.filter(is_active=True)
            .select_related("department")
            .order_by("department__name", "name", "pk")
        ),
        "departments": list(Department.objects.order_by("name")),
    }
