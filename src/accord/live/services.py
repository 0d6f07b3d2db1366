"""Every write during the meeting (S-MEET-1..5): the host starts it, attendance is taken,
the recorder records each department's position, each topic's outcome, the time it took and
its notes, objections are raised and resolved, and after the read-back the host ends it,
which opens the minutes (S-POST-1).

Like every service: keyword-only, checks who may act, one transaction, an AuditEvent; a
refusal is an ``AppError`` and leaves nothing half-written.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accord.actions.services import action_create
from accord.core import clock, limits
from accord.core.edits import settle_edit, version_of
from accord.core.errors import AppError
from accord.core.events import emit
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.events import MeetingHeldAtAnotherTime
from accord.meetings.models import (
    AgendaTopic,
    Meeting,
    Objection,
    Participant,
    Position,
    TopicOutcome,
)
from accord.meetings.rules import (
    RECORDING,
    meeting_lock,
    require,
    require_filled,
    require_minutes,
    require_status,
    start_off_schedule,
    time_span,
)
from accord.meetings.selectors import minutes_between, topic_clock_start
from accord.minutes.models import Minutes
from accord.org.models import Department, Person

Status = Meeting.Status
HELD_MINUTES_MAX = 32767  # duration_minutes is a small integer column


@transaction.atomic
def meeting_start(*, actor: Person, meeting: Meeting, confirm_time: bool = False) -> Meeting:
    """The host opens the meeting (S-MEET-1): the goal, topics and time rules are shown.

    Starting far from the planned time (``start_off_schedule``) is refused unless
    ``confirm_time``: a meeting opened by mistake a week early would otherwise be recorded as
    held on its planned day. Confirmed, the meeting is held now: ``starts_at`` moves to the
    start (to the minute) and the plan is kept in ``planned_starts_at`` and
    ``planned_duration_minutes``, so that every page, document, export and feed, which all
    read ``starts_at``, says when it really happened; calendars get the update
    (``MeetingHeldAtAnotherTime``). ``meeting_end`` then sets the length to the
    time it was held."""
    meeting_lock(meeting)
    require(
        roles.can_run(actor, meeting), _("Only the host or the organiser may start the meeting.")
    )
    require_status(meeting, (Status.SCHEDULED,), _("Only a scheduled meeting can start."))
    now = clock.now()
    moved = start_off_schedule(meeting, now=now)
    if moved and not confirm_time:
        raise AppError(
            _(
                "This meeting is planned for %(planned)s and it is now %(now)s. Confirm that "
                "it is held now: the meeting, its minutes and the calendars will then show "
                "when it really took place."
            )
            % {
                "planned": time_span(meeting.starts_at, meeting.ends_at),
                "now": f"{timezone.localtime(now):%Y-%m-%d %H:%M}",
            },
            field="confirm_time",
            code="off_schedule",
        )
    meeting.status = Status.IN_PROGRESS
    meeting.started_at = now
    fields = ["status", "started_at", "updated_at"]
    data = None
    if moved:
        meeting.planned_starts_at = meeting.starts_at
        meeting.planned_duration_minutes = meeting.duration_minutes
        meeting.starts_at = now.astimezone(dt.UTC).replace(second=0, microsecond=0)
        fields += ["planned_starts_at", "planned_duration_minutes", "starts_at"]
        data = {"planned": meeting.planned_starts_at, "held": meeting.starts_at}
    meeting.save(update_fields=fields)
    audit_record(actor=actor, verb="meeting.started", subject=meeting, meeting=meeting, data=data)
    if moved:
        emit(MeetingHeldAtAnotherTime(meeting))
    return meeting


@transaction.atomic
def participant_set_attendance(
    *, actor: Person, participant: Participant, attendance: str
) -> Participant:
    meeting = participant.meeting
    require(
        roles.can_record(actor, meeting) or roles.can_run(actor, meeting),
        _("Only the host or the recorder may take attendance."),
    )
    require_status(
        meeting,
        (Status.SCHEDULED, *RECORDING),
        _("Attendance is taken when the meeting takes place."),
    )
    if attendance not in Participant.Attendance.values:
        raise AppError(_("Unknown attendance."), field="attendance", code="invalid")
    participant.attendance = attendance
    participant.save(update_fields=["attendance"])
    audit_record(
        actor=actor,
        verb="participant.attendance",
        subject=participant,
        meeting=meeting,
        data={"attendance": attendance},
    )
    return participant


def require_recording(actor: Person, meeting: Meeting) -> None:
    """Only the recorder or the host (or an administrator) records, and only while the
    meeting runs or its minutes are written."""
    require(roles.can_record(actor, meeting), _("Only the recorder or the host may record this."))
    require_status(
        meeting,
        RECORDING,
        _("The record can only change during the meeting or while the minutes are written."),
    )


@transaction.atomic
def position_record(
    *,
    actor: Person,
    topic: AgendaTopic,
    department: Department,
    statement: str,
    evidence: str = "",
    seen: str | None = None,
    resolve: str = "",
) -> Position:
    """Record (or correct) a department's position on a topic (S-MEET-2). ``seen`` is the
    version of the position the person's page showed: a save over words they have not seen
    is refused (core/edits.py)."""
    meeting = topic.meeting
    meeting_lock(meeting)
    require_recording(actor, meeting)
    statement = require_filled(
        statement, field="statement", message=_("Write the department's position.")
    )
    stored = Position.objects.filter(topic=topic, department=department).first()
    typed = settle_edit(
        seen=seen,
        resolve=resolve,
        stored={
            "statement": stored.statement if stored else "",
            "evidence": stored.evidence if stored else "",
        },
        typed={"statement": statement, "evidence": evidence.strip()},
    )
    created = stored is None
    if stored is None:
        position = Position.objects.create(topic=topic, department=department, **typed)
    else:
        position = stored
        if not model_update(instance=position, data=typed):
            return position  # an autosave of unchanged text writes nothing
    audit_record(
        actor=actor,
        verb="position.recorded" if created else "position.corrected",
        subject=position,
        meeting=meeting,
        data={"department": department},
    )
    return position


def position_version(position: Position | None) -> str:
    """The version a page shows of a department's position (none yet: the empty one)."""
    if position is None:
        return version_of("", "")
    return version_of(position.statement, position.evidence)


def _discussion_day(value: str | dt.date | None, *, unchanged: dt.date | None) -> dt.date:
    """The day a topic sent to the next meeting is discussed again: a real date in the
    accepted range and not in the past (the date it already had may stay as it was)."""
    if value is None or value == "":
        raise AppError(
            _("Give the date on which it will be discussed again."),
            field="next_meeting_on",
            code="required",
        )
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise AppError(
                _("Give the date as YYYY-MM-DD."), field="next_meeting_on", code="invalid"
            ) from None
    limits.require_date_in_range(value, field="next_meeting_on")
    if value < clock.today() and value != unchanged:
        raise AppError(
            _("%(date)s has passed: give a day from today on.") % {"date": value.isoformat()},
            field="next_meeting_on",
            code="past",
        )
    return value


def _time_on_close(*, actor: Person, meeting: Meeting, topic: AgendaTopic) -> None:
    """Closing a topic during the meeting records the minutes it took (from when its clock
    started, ``topic_clock_start``), unless someone already typed them; they stay editable
    (``topic_record_time``)."""
    if meeting.status != Status.IN_PROGRESS or topic.actual_minutes is not None:
        return
    topics = list(meeting.topics.select_related("outcome"))
    started = topic_clock_start(meeting=meeting, topics=topics, topic=topic)
    topic.actual_minutes = minutes_between(started, clock.now())
    topic.save(update_fields=["actual_minutes", "updated_at"])
    audit_record(
        actor=actor,
        verb="topic.timed",
        subject=topic,
        meeting=meeting,
        data={"planned": topic.planned_minutes, "actual": topic.actual_minutes, "measured": True},
    )


@transaction.atomic
def outcome_record(
    *,
    actor: Person,
    topic: AgendaTopic,
    kind: str,
    text: str = "",
    research_department: Department | None = None,
    research_owner: Person | None = None,
    research_due: str | dt.date | None = None,
    next_meeting_on: str | dt.date | None = None,
) -> TopicOutcome:
    """Close a topic (S-MEET-3): consensus with its text, the next meeting — on the day
    ``next_meeting_on`` it is discussed again — or research by a department, which becomes
    an action item with an owner and a due date.

    The first outcome of a topic during the meeting closes it: the minutes it took are
    recorded (``_time_on_close``). A later outcome corrects the first in place, so the
    moment the topic closed (which starts the next topic's clock) stays as it was."""
    meeting = topic.meeting
    meeting_lock(meeting)
    require_recording(actor, meeting)
    if kind not in TopicOutcome.Kind.values:
        raise AppError(_("Unknown outcome."), field="kind", code="invalid")
    text = (text or "").strip()
    if kind == TopicOutcome.Kind.CONSENSUS and not text:
        raise AppError(_("Write the consensus the host stated."), field="text", code="required")
    previous = TopicOutcome.objects.filter(topic=topic).first()
    if kind == TopicOutcome.Kind.NEXT_MEETING:
        next_meeting_on = _discussion_day(
            next_meeting_on, unchanged=previous.next_meeting_on if previous else None
        )
    else:
        next_meeting_on = None
    if kind == TopicOutcome.Kind.RESEARCH:
        if research_department is None:
            raise AppError(
                _("Name the department that researches it."),
                field="research_department",
                code="required",
            )
        if research_owner is None:
            raise AppError(
                _("Name who leads the research."), field="research_owner", code="required"
            )
        if research_due is None or research_due == "":
            raise AppError(
                _("Give a due date for the research."), field="due_date", code="required"
            )
    else:
        research_department = None
    values = {
        "kind": kind,
        "text": text,
        "research_department": research_department,
        "next_meeting_on": next_meeting_on,
    }
    if previous is not None:
        if previous.kind == TopicOutcome.Kind.RESEARCH:
            raise AppError(
                _("This topic already went to research; change its action item instead."),
                field="kind",
                code="illegal_state",
            )
        model_update(instance=previous, data=values)
        outcome = topic.outcome = previous  # the caller's topic reads the corrected one
    else:
        _time_on_close(actor=actor, meeting=meeting, topic=topic)
        outcome = TopicOutcome.objects.create(topic=topic, **values)
    audit_record(
        actor=actor,
        verb="outcome.recorded",
        subject=outcome,
        meeting=meeting,
        data={"kind": kind, "next_meeting_on": next_meeting_on}
        if next_meeting_on
        else {"kind": kind},
    )
    if kind == TopicOutcome.Kind.RESEARCH:
        action_create(
            actor=actor,
            meeting=meeting,
            topic=topic,
            task=text or _("Research: %(topic)s") % {"topic": topic.title},
            owner=research_owner,
            department=research_department,
            due=research_due,
        )
    return outcome


@transaction.atomic
def topic_record_time(*, actor: Person, topic: AgendaTopic, actual_minutes: int) -> AgendaTopic:
    meeting = topic.meeting
    meeting_lock(meeting)
    require_recording(actor, meeting)
    topic.actual_minutes = require_minutes(actual_minutes, field="actual_minutes")
    topic.save(update_fields=["actual_minutes", "updated_at"])
    audit_record(
        actor=actor,
        verb="topic.timed",
        subject=topic,
        meeting=meeting,
        data={"planned": topic.planned_minutes, "actual": actual_minutes},
    )
    return topic


@transaction.atomic
def topic_record_notes(
    *,
    actor: Person,
    topic: AgendaTopic,
    notes: str,
    seen: str | None = None,
    resolve: str = "",
) -> AgendaTopic:
    """A topic's notes; ``seen`` as for ``position_record``."""
    meeting = topic.meeting
    meeting_lock(meeting)
    require_recording(actor, meeting)
    topic.refresh_from_db(fields=["notes"])
    typed = settle_edit(
        seen=seen, resolve=resolve, stored={"notes": topic.notes}, typed={"notes": notes.strip()}
    )
    topic.notes = typed["notes"]
    topic.save(update_fields=["notes", "updated_at"])
    audit_record(actor=actor, verb="topic.notes", subject=topic, meeting=meeting)
    return topic


def objection_speaker_default(
    *, actor: Person, meeting: Meeting, takes_part: bool | None = None
) -> Person | None:
    """Who an objection is credited to when nobody is named: the person typing it, when
    they take part and neither record nor run the meeting (a participant raising their own
    objection). The recorder and the host type what others say, so for them nobody is
    assumed: they name the person or the department. ``takes_part`` saves the question
    when the caller knows whether ``actor`` is a participant."""
    if roles.can_record(actor, meeting) or roles.can_run(actor, meeting):
        return None
    if takes_part is None:
        takes_part = roles.is_participant(actor, meeting)
    return actor if takes_part else None


def _objection_speaker(
    *,
    actor: Person,
    meeting: Meeting,
    raised_by: Person | None,
    raised_by_department: Department | None,
) -> tuple[Person | None, Department | None]:
    """Who raised an objection: a person present in the meeting (a participant not marked
    absent or excused, or its host or recorder) or a participating department. Someone who
    neither records nor runs the meeting raises objections in their own name or for a
    department they take part for."""
    if raised_by is not None and raised_by_department is not None:
        raise AppError(
            _("Name the person or the department who raised it, not both."),
            field="raised_by",
            code="invalid",
        )
    if raised_by is None and raised_by_department is None:
        raised_by = objection_speaker_default(actor=actor, meeting=meeting)
        if raised_by is None:
            raise AppError(
                _("Say who raised the objection: a person in the meeting or a department."),
                field="raised_by",
                code="required",
            )
    taking_part = Participant.objects.filter(meeting=meeting)
    noting_for_others = roles.can_record(actor, meeting) or roles.can_run(actor, meeting)
    if raised_by is not None:
        if not noting_for_others and raised_by.pk != actor.pk:
            raise AppError(
                _(
                    "Raise an objection in your own name or for your department; the recorder "
                    "notes what others raise."
                ),
                field="raised_by",
            )
        seat = taking_part.filter(person=raised_by).first()
        absent = (Participant.Attendance.ABSENT, Participant.Attendance.EXCUSED)
        if seat is None and raised_by.pk not in (meeting.host_id, meeting.recorder_id):
            raise AppError(
                _("%(name)s does not take part in this meeting.") % {"name": raised_by},
                field="raised_by",
            )
        if seat is not None and seat.attendance in absent:
            raise AppError(
                _("%(name)s is marked as not present in this meeting.") % {"name": raised_by},
                field="raised_by",
            )
        return raised_by, None
    departments = taking_part if noting_for_others else taking_part.filter(person=actor)
    if not departments.filter(department=raised_by_department).exists():
        message = (
            _("%(department)s does not take part in this meeting.")
            if noting_for_others
            else _("You do not take part in this meeting for %(department)s.")
        )
        raise AppError(message % {"department": raised_by_department}, field="raised_by_department")
    return None, raised_by_department


@transaction.atomic
def objection_raise(
    *,
    actor: Person,
    meeting: Meeting,
    text: str,
    topic: AgendaTopic | None = None,
    raised_by: Person | None = None,
    raised_by_department: Department | None = None,
) -> Objection:
    """Objections are raised there and then (S-MEET-5); after the meeting ends, none.

    The objection is credited to who raised it (``raised_by`` or ``raised_by_department``,
    see ``objection_speaker_default`` when neither is named) and records who typed it."""
    meeting_lock(meeting)
    require(
        roles.is_participant(actor, meeting)
        or roles.can_run(actor, meeting)
        or roles.can_record(actor, meeting),
        _("Only people in the meeting may raise an objection."),
    )
    require_status(
        meeting,
        (Status.IN_PROGRESS,),
        _("Objections are raised during the meeting; once it has ended the consensus stands."),
    )
    text = require_filled(text, field="text", message=_("Write the objection."))
    text = limits.require_text(text, field="text", max_length=limits.limit(Objection, "text"))
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    person, department = _objection_speaker(
        actor=actor,
        meeting=meeting,
        raised_by=raised_by,
        raised_by_department=raised_by_department,
    )
    objection = Objection.objects.create(
        meeting=meeting,
        topic=topic,
        raised_by=person,
        raised_by_department=department,
        recorded_by=actor,
        text=text,
    )
    audit_record(
        actor=actor,
        verb="objection.raised",
        subject=objection,
        meeting=meeting,
        data={"raised_by": person, "raised_by_department": department},
    )
    return objection


@transaction.atomic
def objection_resolve(*, actor: Person, objection: Objection, resolution: str) -> Objection:
    meeting = objection.meeting
    meeting_lock(meeting)
    require(
        roles.can_run(actor, meeting) or roles.can_record(actor, meeting),
        _("Only the host or the recorder may resolve an objection."),
    )
    require_status(meeting, (Status.IN_PROGRESS,), _("Objections are resolved during the meeting."))
    if objection.resolved_at is not None:
        raise AppError(_("This objection is already resolved."), code="illegal_state")
    objection.resolution = require_filled(
        resolution, field="resolution", message=_("Write how it was resolved.")
    )
    objection.resolved_at = clock.now()
    objection.save(update_fields=["resolution", "resolved_at", "updated_at"])
    audit_record(actor=actor, verb="objection.resolved", subject=objection, meeting=meeting)
    return objection


@transaction.atomic
def meeting_end(*, actor: Person, meeting: Meeting) -> Meeting:
    """End the meeting after the read-back (S-MEET-5). Every topic needs an outcome and every
    objection a resolution; the 24-hour clock of the minutes starts now (S-POST-1)."""
    meeting_lock(meeting)
    require(roles.can_run(actor, meeting), _("Only the host or the organiser may end the meeting."))
    require_status(meeting, (Status.IN_PROGRESS,), _("Only a meeting in progress can end."))
    open_topics = [t.title for t in meeting.topics.filter(outcome__isnull=True, is_review=False)]
    if open_topics:
        raise AppError(
            _("Every topic needs an outcome before the meeting ends; open: %(topics)s")
            % {"topics": pgettext("list separator", ", ").join(open_topics)},
            field="outcome",
            code="incomplete",
        )
    if meeting.objections.filter(resolved_at__isnull=True).exists():
        raise AppError(
            _("Resolve every objection before the meeting ends."),
            field="objections",
            code="incomplete",
        )
    now = clock.now()
    meeting.status = Status.MINUTES_DRAFT
    meeting.ended_at = now
    fields = ["status", "ended_at", "updated_at"]
    if meeting.held_at_another_time:
        # Held at another time: its length becomes the time it was held (to the minute, as
        # ``starts_at``), within the column's bounds; the plan's stays in planned_duration.
        held = (now.replace(second=0, microsecond=0) - meeting.starts_at) // dt.timedelta(minutes=1)
        meeting.duration_minutes = min(max(1, held), HELD_MINUTES_MAX)
        fields.append("duration_minutes")
    meeting.save(update_fields=fields)
    Minutes.objects.create(
        meeting=meeting, due_at=now + dt.timedelta(hours=settings.ACCORD_MINUTES_DUE_HOURS)
    )
    audit_record(actor=actor, verb="meeting.ended", subject=meeting, meeting=meeting)
    if meeting.held_at_another_time:
        emit(MeetingHeldAtAnotherTime(meeting))
    return meeting
