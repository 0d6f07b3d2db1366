"""What is recorded on the run page (S-MEET-2, S-MEET-3, S-MEET-5, S-TPL-1): each
department's position, a topic's notes, the time it took and its outcome, attendance, and
objections raised and resolved. Each view hands its form to a service through ``submit``
(``accord.live.views``)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.core.edits import version_of
from accord.core.errors import AppError
from accord.live import services
from accord.live.forms import (
    AttendanceForm,
    NotesForm,
    OutcomeForm,
    PositionForm,
    ResolveForm,
    TimeForm,
    objection_form,
)
from accord.live.views import (
    choices_to_name,
    load_meeting,
    load_meeting_to_save,
    meeting_topic,
    run_url,
    submit,
)
from accord.meetings.models import Objection
from accord.meetings.selectors import meeting_departments


@login_required
@require_POST
def run_position(request: HttpRequest, pk: int, topic_pk: int, department_pk: int) -> HttpResponse:
    """A department's position and its data and facts (S-MEET-2)."""
    meeting = load_meeting_to_save(request, pk)
    topic = meeting_topic(meeting, topic_pk)
    department = next((d for d in meeting_departments(meeting) if d.pk == department_pk), None)
    if department is None:
        department = next(
            (p.department for p in topic.positions.all() if p.department_id == department_pk), None
        )
    if department is None:
        raise Http404
    prefix = f"position-{department.pk}"
    form = PositionForm(request.POST, department=department)
    return submit(
        request,
        meeting,
        name=prefix,
        form=form,
        call=lambda data: services.position_record(
            actor=request.user,
            topic=topic,
            department=department,
            statement=data["statement"],
            evidence=data["evidence"],
            **form.edit_choice(),
        ),
        success=lambda _p: _("Position of %(department)s recorded.") % {"department": department},
        version=services.position_version,
        topic=topic,
        anchor=prefix,
        partial="meetings/run/_position_swap.html",
        department_pk=department.pk,
    )


@login_required
@require_POST
def run_notes(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    meeting = load_meeting_to_save(request, pk)
    topic = meeting_topic(meeting, topic_pk)
    form = NotesForm(request.POST, prefix="notes")
    return submit(
        request,
        meeting,
        name="notes",
        form=form,
        call=lambda data: services.topic_record_notes(
            actor=request.user, topic=topic, notes=data["notes"], **form.edit_choice()
        ),
        success=lambda _t: _("Notes saved."),
        version=lambda t: version_of(t.notes),
        topic=topic,
        anchor="notes",
        partial="meetings/run/_notes_swap.html",
    )


@login_required
@require_POST
def run_time(request: HttpRequest, pk: int, topic_pk: int) -> HttpResponse:
    meeting = load_meeting(request, pk)
    topic = meeting_topic(meeting, topic_pk)
    return submit(
        request,
        meeting,
        name="time",
        form=TimeForm(request.POST, prefix="time"),
        call=lambda data: services.topic_record_time(
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
    meeting = load_meeting(request, pk)
    topic = meeting_topic(meeting, topic_pk)
    form = OutcomeForm(request.POST, prefix="outcome", **choices_to_name())
    return submit(
        request,
        meeting,
        name="outcome",
        form=form,
        call=lambda data: services.outcome_record(
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
        redirect_to=lambda _o: run_url(meeting),
    )


@login_required
@require_POST
def run_attendance(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """Who is present, absent or excused (S-TPL-1: the minutes list the people present)."""
    meeting = load_meeting(request, pk)
    participant = next((p for p in meeting.participants.all() if p.pk == participant_pk), None)
    if participant is None:
        raise Http404
    return submit(
        request,
        meeting,
        name=f"attendance-{participant.pk}",
        form=AttendanceForm(request.POST, participant=participant),
        call=lambda data: services.participant_set_attendance(
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
@require_POST
def run_objection(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection, raised there and then (S-MEET-5)."""
    meeting = load_meeting(request, pk)
    form = objection_form(request.user, meeting, None, request.POST)

    def raise_objection(data: dict[str, Any]) -> Objection:
        person, department = data["raised_by"]
        try:
            return services.objection_raise(
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

    return submit(
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
    meeting = load_meeting(request, pk)
    objection: Objection | None = next(
        (o for o in meeting.objections.all() if o.pk == objection_pk), None
    )
    if objection is None:
        raise Http404
    prefix = f"resolve-{objection.pk}"
    return submit(
        request,
        meeting,
        name=prefix,
        form=ResolveForm(request.POST, prefix=prefix),
        call=lambda data: services.objection_resolve(
            actor=request.user, objection=objection, resolution=data["resolution"]
        ),
        success=lambda _o: _("Objection resolved."),
        anchor="objections",
        partial="meetings/run/_objections_swap.html",
    )
