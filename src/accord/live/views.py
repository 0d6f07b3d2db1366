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

This module holds the page: loading the meeting, what the person may do, the page and its
sections, how a form's POST is handed to its service (``submit``), and the views that open
(``run_start``) and end (``run_end``) the meeting. What is recorded on the page is in
``record_views``, the action items in ``action_views``, the forms in ``forms``.
"""

from collections.abc import Callable
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
from django.views.decorators.http import require_POST, require_safe

from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.edits import version_of
from accord.core.errors import AppError
from accord.core.refusals import show_refusal
from accord.live import services
from accord.live.capture_forms import capture_context
from accord.live.forms import (
    ActionEditForm,
    ActionForm,
    AttendanceForm,
    ConfirmForm,
    NotesForm,
    OutcomeForm,
    PositionForm,
    RemoveForm,
    ResolveForm,
    StartForm,
    TimeForm,
    edit_initial,
    live_due,
    objection_form,
    outcome_initial,
)
from accord.meetings import roles, rules
from accord.meetings.models import AgendaTopic, Meeting, Objection, Participant, Position
from accord.meetings.models import TopicOutcome as Outcome
from accord.meetings.review_views import review_context
from accord.meetings.selectors import (
    meeting_departments,
    meeting_for_saving,
    meeting_with_record,
    topic_clock_start,
)
from accord.org.models import Department, Person

Status = Meeting.Status
Mark = Participant.Attendance
SEEN_HEADER = "X-Accord-Seen"

# -- loading and the page ------------------------------------------------------------------


def load_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting with its whole record, if the person may see it; else 404."""
    try:
        return meeting_with_record(pk=pk, person=request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None


def load_meeting_to_save(request: HttpRequest, pk: int) -> Meeting:
    """The meeting as one field's save needs it, if the person may see it; else 404."""
    try:
        return meeting_for_saving(pk=pk, person=request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None


def shown_topic(request: HttpRequest, meeting: Meeting) -> AgendaTopic | None:
    """The topic ``?topic=<id>`` asks for (404 if the meeting has none such), or None."""
    pk = request.GET.get("topic")
    return meeting_topic(meeting, pk) if pk else None


def meeting_topic(meeting: Meeting, topic_pk: int | str | None) -> AgendaTopic:
    for topic in meeting.topics.all():
        if str(topic.pk) == str(topic_pk):
            return topic
    raise Http404


def _outcome(topic: AgendaTopic) -> Outcome | None:
    return getattr(topic, "outcome", None)


def current_topic(topics: list[AgendaTopic]) -> AgendaTopic | None:
    """The topic under discussion: the first without an outcome (S-MEET-2: in order)."""
    return next((topic for topic in topics if _outcome(topic) is None), None)


def timer_start(
    meeting: Meeting, topics: list[AgendaTopic], topic: AgendaTopic | None
) -> str | None:
    """When the clock of ``topic`` started (S-PREP-5), for the page's timer; None when no
    clock runs for it (closed, or the meeting not under way). ``topics`` as loaded: no query."""
    if topic is None or _outcome(topic) is not None or meeting.status != Status.IN_PROGRESS:
        return None
    start = topic_clock_start(meeting=meeting, topics=topics, topic=topic)
    return timezone.localtime(start).isoformat()


@dataclass
class Flags:
    """What the person may do now; the services check the same (roles + status)."""

    start: bool = False
    record: bool = False
    end: bool = False
    raise_objection: bool = False
    resolve: bool = False
    attendance: bool = False


def flags_for(person: Person, meeting: Meeting) -> Flags:
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
class RailRow:
    """A topic on the agenda rail: closed, under discussion or to come, with its time."""

    topic: AgendaTopic
    state: str  # "done", "current" or "next"
    actual: int | None


def _rail(topics: list[AgendaTopic], current: AgendaTopic | None) -> list[RailRow]:
    return [
        RailRow(
            topic,
            "done" if _outcome(topic) is not None else "current" if topic == current else "next",
            topic.actual_minutes,
        )
        for topic in topics
    ]


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
    current = current_topic(topics)
    topic = topic or current
    flags = flags_for(request.user, meeting)
    # Only those who record get the forms that need these lists.
    choices = choices_to_name() if flags.record else {"people": [], "departments": []}

    def form(name: str, make: Callable[[], forms.Form]) -> forms.Form:
        # The form a refused POST brought back (with its errors and what was typed), or a new one.
        return bound[name] if name in bound else make()

    positions = []
    if topic is not None:
        recorded = {position.department_id: position for position in topic.positions.all()}
        departments = meeting_departments(meeting)
        # A position of a department that is not (or no longer) invited still shows.
        departments += sorted(
            (p.department for p in recorded.values() if p.department not in departments),
            key=lambda department: department.name,
        )
        for department in departments:
            position = recorded.get(department.pk)
            initial = {"seen": services.position_version(position)}
            if position:
                initial |= {"statement": position.statement, "evidence": position.evidence}
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
        lambda: OutcomeForm(initial=outcome_initial(meeting, outcome), prefix="outcome", **choices),
    )
    check = reverse("meetings:run_due_check", args=[meeting.pk])
    live_due(action_form, url=check, target="due-check-action")
    live_due(outcome_form, url=f"{check}?prefix=outcome", target="due-check-outcome")
    edit_form = None
    if editing is not None:
        edit_form = form("edit", lambda: ActionEditForm(initial=edit_initial(editing), **choices))
        live_due(edit_form, url=f"{check}?prefix=edit", target="due-check-edit")
    if topic is not None and meeting.started_at and flags.record and outcome is None:
        first = positions[0].form["statement"] if positions else None
        skip_to = first.id_for_label if first is not None else "id_notes-notes"
    else:
        skip_to = ""
    later = [t for t in topics if topic is not None and t.order > topic.order]
    return {
        "nav": "meetings",
        "meeting": meeting,
        "topics": topics,
        "rail": _rail(topics, current),
        "next_topic": later[0] if later else None,
        "skip_to": skip_to,
        "meeting_end": timezone.localtime(meeting.ends_at).isoformat(),
        "now_iso": timezone.localtime(clock.now()).isoformat(),
        "current": current,
        "topic": topic,
        "outcome": outcome,
        "flags": flags,
        "planned_total": sum(t.planned_minutes for t in topics),
        "timer_start": timer_start(meeting, topics, topic),
        "minutes": getattr(meeting, "minutes", None),
        "positions": positions,
        "notes_form": form(
            "notes",
            lambda: NotesForm(
                initial={
                    "notes": topic.notes if topic else "",
                    "seen": version_of(topic.notes if topic else ""),
                },
                prefix="notes",
            ),
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
        "objection_form": form("objection", lambda: objection_form(request.user, meeting, topic)),
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
        **capture_context(request, meeting, topic, bound),
    }


def render_run(
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
        person=request.user, meeting=meeting, next_url=run_url(meeting, anchor="review")
    )
    return render(request, "meetings/run/page.html", context, status=status)


def run_url(meeting: Meeting, topic: AgendaTopic | None = None, anchor: str = "") -> str:
    url = reverse("meetings:run", args=[meeting.pk])
    if topic is not None:
        url += f"?topic={topic.pk}"
    return url + (f"#{anchor}" if anchor else "")


def submit(
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
    version: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Parse, call the service, and either redirect (or swap the part) or show the form
    again with what was typed and the service's message (422, 403 when not allowed, 409
    when someone else saved the same text meanwhile).

    For a text two people may edit at once, ``version`` gives the version of what was
    saved: the redirect carries it as ``X-Accord-Seen``, which an autosave (204) hands to
    the page's script so the next save is compared with it (core/edits.py)."""
    status = 422
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, success(result))
            if partial and request.htmx:
                fresh = load_meeting(request, meeting.pk)
                topic = meeting_topic(fresh, topic.pk) if topic is not None else None
                return render_run(
                    request, fresh, topic, partial=partial, department_pk=department_pk
                )
            response = redirect(
                redirect_to(result) if redirect_to else run_url(meeting, topic, anchor)
            )
            if version is not None:
                response[SEEN_HEADER] = version(result)
            return response
    # The service may have re-read the meeting inside its (rolled back) transaction: reload.
    fresh = load_meeting(request, meeting.pk)
    topic = meeting_topic(fresh, topic.pk) if topic is not None else None
    return render_run(
        request,
        fresh,
        topic,
        bound={name: form},
        status=status,
        partial=partial,
        department_pk=department_pk,
    )


def choices_to_name() -> dict[str, list]:
    """The people and departments an outcome or an action item may name."""
    return {
        "people": list(
            Person.objects.filter(is_active=True)
            .select_related("department")
            .order_by("department__name", "name", "pk")
        ),
        "departments": list(Department.objects.order_by("name")),
    }


# -- the page, and opening and ending the meeting ---------------------------------------------


@login_required
@require_safe
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """The run page; ``?topic=<id>`` shows another topic than the current one."""
    meeting = load_meeting(request, pk)
    return render_run(request, meeting, shown_topic(request, meeting))


@login_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The host opens the meeting (S-MEET-1)."""
    meeting = load_meeting(request, pk)
    return submit(
        request,
        meeting,
        name="start",
        form=StartForm(request.POST),
        call=lambda data: services.meeting_start(
            actor=request.user, meeting=meeting, confirm_time=data["confirm_time"]
        ),
        success=lambda _m: _("The meeting has started."),
    )


@login_required
@require_POST
def run_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End after the read-back (S-MEET-5); the minutes' 24-hour clock starts (S-POST-1)."""
    meeting = load_meeting(request, pk)
    return submit(
        request,
        meeting,
        name="end",
        form=ConfirmForm(request.POST),
        call=lambda data: services.meeting_end(actor=request.user, meeting=meeting),
        success=lambda m: (
            _("The meeting has ended. The minutes are due by %(due)s.")
            % {"due": timezone.localtime(m.minutes.due_at).strftime("%Y-%m-%d %H:%M")}
        ),
        anchor="readback",
        redirect_to=lambda m: reverse("minutes:detail", args=[m.pk]),
    )
