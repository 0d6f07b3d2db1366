"""Every write to a meeting before, during and at the end of it (S-PREP-*, S-MEET-*).

Services are keyword-only, check who may act, run in one transaction and write an
AuditEvent. They raise ``AppError`` for input or a move they refuse; nothing half-written
remains, because the transaction rolls back.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.core.events import emit
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.events import (
    MeetingCancelled,
    MeetingChanged,
    MeetingHeldAtAnotherTime,
    MeetingScheduled,
    ParticipantInvited,
    ParticipantRemoved,
    RolesReplaced,
)
from accord.meetings.models import (
    AgendaTopic,
    CopiedDepartment,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepAnswer,
    PrepQuestion,
    TopicOutcome,
)
from accord.org.models import Department, Person

Status = Meeting.Status
PLANNING = (Status.DRAFT, Status.SCHEDULED)
RECORDING = (Status.IN_PROGRESS, Status.MINUTES_DRAFT)
HELD_MINUTES_MAX = 32767  # duration_minutes is a small integer column


# -- guards ------------------------------------------------------------------------------


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_status(meeting: Meeting, allowed: tuple[str, ...], message: str) -> None:
    if meeting.status not in allowed:
        raise AppError(message, field="status", code="illegal_state")


def meeting_lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock so two moves cannot interleave."""
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
    return meeting


def _text(value: str, *, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise AppError(message, field=field, code="required")
    if max_length is not None and len(value) > max_length:
        raise AppError(
            _("At most %(count)d characters.") % {"count": max_length},
            field=field,
            code="too_long",
        )
    return value


def require_minutes(value: int, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 24 * 60:
        raise AppError(
            _("Minutes must be a whole number between 1 and 1440."), field=field, code="invalid"
        )
    return value


def require_active_role(person: Person | None, *, field: str) -> None:
    """A host, recorder or standing participant must be able to sign in."""
    if person is not None and not person.is_active:
        raise AppError(
            _("%(name)s cannot sign in and cannot take this role.") % {"name": person},
            field=field,
            code="inactive",
        )


def _require_http_url(value: str, *, field: str, message: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise AppError(message, field=field, code="invalid") from None


def _planning_message() -> str:
    return _("The agenda can only change before the meeting starts.")


# -- the meeting itself ------------------------------------------------------------------

_EDITABLE_FIELDS = {
    "title",
    "goal",
    "kind",
    "starts_at",
    "duration_minutes",
    "location",
    "online_link",
    "online_meeting_number",
    "host",
    "recorder",
    "organiser_department",
    "confidential",
    "series",
}


def _validate_meeting_fields(fields: dict) -> dict:
    if "title" in fields:
        fields["title"] = _text(
            fields["title"], field="title", message=_("A meeting needs a name."), max_length=200
        )
    if "kind" in fields and fields["kind"] not in Meeting.Kind.values:
        raise AppError(_("Unknown kind of meeting."), field="kind", code="invalid")
    if "duration_minutes" in fields:
        fields["duration_minutes"] = require_minutes(
            fields["duration_minutes"], field="duration_minutes"
        )
    if "starts_at" in fields:
        starts_at = fields["starts_at"]
        if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
            raise AppError(_("Give a date and time."), field="starts_at", code="invalid")
        limits.require_date_in_range(starts_at, field="starts_at")
    for role in ("host", "recorder"):
        require_active_role(fields.get(role), field=role)
    if fields.get("online_link"):
        _require_http_url(
            fields["online_link"],
            field="online_link",
            message=_("The online meeting link must be an http(s) address."),
        )
    return fields


@transaction.atomic
def meeting_create(
    *,
    actor: Person,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int = 90,
    goal: str = "",
    kind: str = Meeting.Kind.KICKOFF,
    location: str = "",
    online_link: str = "",
    online_meeting_number: str = "",
    host: Person | None = None,
    recorder: Person | None = None,
    organiser_department: Department | None = None,
    confidential: bool = False,
    series=None,
) -> Meeting:
    """Create a draft meeting; the actor becomes its organiser (S-PREP-1)."""
    require(actor.is_active, _("Only an active person can organise a meeting."))
    fields = _validate_meeting_fields(
        {
            "title": title,
            "goal": goal.strip(),
            "kind": kind,
            "starts_at": starts_at,
            "duration_minutes": duration_minutes,
            "location": location.strip(),
            "online_link": online_link.strip(),
            "online_meeting_number": online_meeting_number.strip(),
            "host": host,
            "recorder": recorder,
            "organiser_department": organiser_department or actor.department,
            "confidential": confidential,
            "series": series,
        }
    )
    meeting = Meeting.objects.create(organiser=actor, **fields)
    audit_record(actor=actor, verb="meeting.created", subject=meeting, meeting=meeting)
    return meeting


def _require_schedulable_fields(fields: dict) -> None:
    """A scheduled meeting keeps what scheduling required."""
    if "host" in fields and fields["host"] is None:
        raise AppError(_("A scheduled meeting needs a host."), field="host", code="required")
    if "recorder" in fields and fields["recorder"] is None:
        raise AppError(
            _("A scheduled meeting needs a recorder."), field="recorder", code="required"
        )
    if "starts_at" in fields and fields["starts_at"] <= clock.now():
        raise AppError(_("A meeting can only be scheduled in the future."), field="starts_at")


@transaction.atomic
def meeting_update(*, actor: Person, meeting: Meeting, **fields) -> Meeting:
    """Change what was planned; only before the meeting starts."""
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        raise AppError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)},
            field=sorted(unknown)[0],
        )
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change this meeting."))
    require_status(meeting, PLANNING, _("A meeting can only be changed before it starts."))
    fields = _validate_meeting_fields(fields)
    if meeting.status == Status.SCHEDULED:
        _require_schedulable_fields(fields)
    changed = {name: value for name, value in fields.items() if getattr(meeting, name) != value}
    # who chaired and recorded it, for the calendars of those the change takes off it
    replaced = [meeting.host, meeting.recorder] if {"host", "recorder"} & set(changed) else []
    for name, value in changed.items():
        setattr(meeting, name, value)
    if changed:
        meeting.save()
        audit_record(
            actor=actor, verb="meeting.updated", subject=meeting, meeting=meeting, data=changed
        )
        emit(MeetingChanged(meeting, frozenset(changed)))
        if replaced and meeting.status == Status.SCHEDULED:
            emit(RolesReplaced(meeting, tuple(replaced)))
    return meeting


@transaction.atomic
def meeting_schedule(*, actor: Person, meeting: Meeting) -> Meeting:
    """Draft → scheduled: the meeting is announced. It needs a host (S-PREP-5), a recorder,
    at least one topic and one participant. Agenda warnings do not block; they are shown."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may schedule this meeting."))
    require_status(meeting, (Status.DRAFT,), _("Only a draft meeting can be scheduled."))
    if meeting.host_id is None:
        raise AppError(
            _("Name a host who keeps time before scheduling."), field="host", code="required"
        )
    if meeting.recorder_id is None:
        raise AppError(_("Name a recorder before scheduling."), field="recorder", code="required")
    if not meeting.topics.exists():
        raise AppError(
            _("Add at least one agenda topic before scheduling."), field="topics", code="required"
        )
    if not meeting.participants.exists():
        raise AppError(
            _("Invite at least one participant before scheduling."),
            field="participants",
            code="required",
        )
    if meeting.starts_at <= clock.now():
        raise AppError(_("A meeting can only be scheduled in the future."), field="starts_at")
    meeting.status = Status.SCHEDULED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="meeting.scheduled", subject=meeting, meeting=meeting)
    emit(MeetingScheduled(meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Person, meeting: Meeting, reason: str) -> Meeting:
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may cancel this meeting."))
    require_status(meeting, PLANNING, _("Only a meeting that has not started can be cancelled."))
    reason = _text(reason, field="reason", message=_("Say why the meeting is cancelled."))
    was_scheduled = meeting.status == Status.SCHEDULED
    meeting.status = Status.CANCELLED
    meeting.cancel_reason = reason
    meeting.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit_record(
        actor=actor,
        verb="meeting.cancelled",
        subject=meeting,
        meeting=meeting,
        data={"reason": reason},
    )
    emit(MeetingCancelled(meeting, was_scheduled))
    return meeting


# -- agenda (S-PREP-1, S-PREP-5) -----------------------------------------------------------


@transaction.atomic
def topic_add(
    *,
    actor: Person,
    meeting: Meeting,
    title: str,
    planned_minutes: int,
    lead_department: Department | None = None,
    description: str = "",
) -> AgendaTopic:
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _planning_message())
    title = _text(title, field="title", message=_("A topic needs a title."), max_length=200)
    planned_minutes = require_minutes(planned_minutes, field="planned_minutes")
    last = meeting.topics.aggregate(last=Max("order"))["last"] or 0
    topic = AgendaTopic.objects.create(
        meeting=meeting,
        order=last + 1,
        title=title,
        planned_minutes=planned_minutes,
        lead_department=lead_department,
        description=description.strip(),
    )
    audit_record(
        actor=actor,
        verb="topic.added",
        subject=topic,
        meeting=meeting,
        data={"title": title, "planned_minutes": planned_minutes},
    )
    return topic


@transaction.atomic
def topic_update(
    *,
    actor: Person,
    topic: AgendaTopic,
    title: str | None = None,
    planned_minutes: int | None = None,
    lead_department: Department | None = None,
    description: str | None = None,
) -> AgendaTopic:
    meeting = topic.meeting
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _planning_message())
    data: dict = {}
    if title is not None:
        data["title"] = _text(
            title, field="title", message=_("A topic needs a title."), max_length=200
        )
    if planned_minutes is not None:
        data["planned_minutes"] = require_minutes(planned_minutes, field="planned_minutes")
    if lead_department is not None:
        data["lead_department"] = lead_department
    if description is not None:
        data["description"] = description.strip()
    changed = model_update(instance=topic, data=data)
    if changed:
        audit_record(
            actor=actor, verb="topic.updated", subject=topic, meeting=meeting, data=changed
        )
    return topic


@transaction.atomic
def topic_remove(*, actor: Person, topic: AgendaTopic) -> None:
    meeting = topic.meeting
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _planning_message())
    audit_record(
        actor=actor,
        verb="topic.removed",
        subject=topic,
        meeting=meeting,
        data={"title": topic.title},
    )
    topic.delete()
    remaining = list(meeting.topics.order_by("order").values_list("pk", flat=True))
    _write_order(meeting, remaining)


def _write_order(meeting: Meeting, topic_ids: list[int]) -> None:
    # Two passes keep the (meeting, order) uniqueness true at every statement.
    offset = 1000
    topics = {topic.pk: topic for topic in meeting.topics.all()}
    for index, pk in enumerate(topic_ids, start=1):
        topics[pk].order = offset + index
    AgendaTopic.objects.bulk_update(topics.values(), ["order"])
    for topic in topics.values():
        topic.order -= offset
    AgendaTopic.objects.bulk_update(topics.values(), ["order"])


@transaction.atomic
def topics_reorder(*, actor: Person, meeting: Meeting, topic_ids: list[int]) -> list[AgendaTopic]:
    """Put the topics in the given order; the list must name each topic exactly once."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _planning_message())
    existing = set(meeting.topics.values_list("pk", flat=True))
    if len(topic_ids) != len(set(topic_ids)) or set(topic_ids) != existing:
        raise AppError(
            _("Give every topic of this meeting exactly once."), field="topic_ids", code="invalid"
        )
    _write_order(meeting, topic_ids)
    audit_record(
        actor=actor,
        verb="topics.reordered",
        subject=meeting,
        meeting=meeting,
        data={"order": topic_ids},
    )
    return list(meeting.topics.order_by("order"))


# -- participants and copied departments (S-PREP-2, S-POST-2) -------------------------------


@transaction.atomic
def participant_invite(
    *,
    actor: Person,
    meeting: Meeting,
    person: Person,
    role: str,
    department: Department | None = None,
) -> Participant:
    """Invite one person for their department, as decision-maker, executor or observer."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may invite participants."))
    require_status(
        meeting, PLANNING, _("Participants can only be invited before the meeting starts.")
    )
    if role not in Participant.Role.values:
        raise AppError(_("Unknown participant role."), field="role", code="invalid")
    if not person.is_active:
        raise AppError(
            _("%(name)s cannot sign in and cannot be invited.") % {"name": person},
            field="person",
            code="inactive",
        )
    department = department or person.department
    if department is None:
        raise AppError(
            _("%(name)s belongs to no department: choose the department they speak for.")
            % {"name": person},
            field="department",
            code="required",
        )
    participant, created = Participant.objects.get_or_create(
        meeting=meeting, person=person, defaults={"department": department, "role": role}
    )
    if not created:
        raise AppError(
            _("%(name)s is already invited.") % {"name": person}, field="person", code="duplicate"
        )
    audit_record(
        actor=actor,
        verb="participant.invited",
        subject=participant,
        meeting=meeting,
        data={"person": person, "department": department, "role": role},
    )
    if meeting.status == Status.SCHEDULED:
        emit(ParticipantInvited(meeting, person))
    return participant


@transaction.atomic
def participants_invite_department(
    *,
    actor: Person,
    meeting: Meeting,
    department: Department,
    decision_maker: Person,
    executors: list[Person] = (),
) -> list[Participant]:
    """Invite a department the way S-PREP-2 asks: its decision-maker and its executors."""
    invited = [
        participant_invite(
            actor=actor,
            meeting=meeting,
            person=decision_maker,
            role=Participant.Role.DECISION_MAKER,
            department=department,
        )
    ]
    for person in executors:
        invited.append(
            participant_invite(
                actor=actor,
                meeting=meeting,
                person=person,
                role=Participant.Role.EXECUTOR,
                department=department,
            )
        )
    return invited


@transaction.atomic
def participant_remove(*, actor: Person, participant: Participant) -> None:
    meeting = participant.meeting
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change participants."))
    require_status(meeting, PLANNING, _("Participants can only change before the meeting starts."))
    audit_record(
        actor=actor,
        verb="participant.removed",
        subject=participant,
        meeting=meeting,
        data={"person": participant.person_id},
    )
    participant.delete()
    emit(ParticipantRemoved(meeting, participant.person))


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


@transaction.atomic
def department_copy(*, actor: Person, meeting: Meeting, department: Department) -> CopiedDepartment:
    """Copy a department on the minutes (抄送): it reads, it does not attend."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may copy departments."))
    if meeting.status in (Status.CLOSED, Status.CANCELLED):
        raise AppError(_("This meeting is finished."), field="status", code="illegal_state")
    copy, created = CopiedDepartment.objects.get_or_create(meeting=meeting, department=department)
    if not created:
        raise AppError(
            _("%(name)s is already copied.") % {"name": department},
            field="department",
            code="duplicate",
        )
    audit_record(
        actor=actor,
        verb="department.copied",
        subject=copy,
        meeting=meeting,
        data={"department": department},
    )
    return copy


@transaction.atomic
def department_uncopy(*, actor: Person, meeting: Meeting, department: Department) -> None:
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may copy departments."))
    if meeting.status in (Status.CLOSED, Status.CANCELLED):
        raise AppError(_("This meeting is finished."), field="status", code="illegal_state")
    deleted, _rows = CopiedDepartment.objects.filter(
        meeting=meeting, department=department
    ).delete()
    if not deleted:
        raise AppError(_("This department is not copied."), field="department", code="not_found")
    audit_record(
        actor=actor,
        verb="department.uncopied",
        subject=meeting,
        meeting=meeting,
        data={"department": department},
    )


# -- preparation (S-PREP-3, S-PREP-4) --------------------------------------------------------


@transaction.atomic
def material_add(
    *,
    actor: Person,
    meeting: Meeting,
    title: str,
    url: str = "",
    file=None,
    topic: AgendaTopic | None = None,
) -> Material:
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may add materials."))
    require_status(meeting, PLANNING, _("Materials are added before the meeting."))
    title = _text(title, field="title", message=_("Give the material a title."), max_length=200)
    url = url.strip()
    if not url and not file:
        raise AppError(_("Upload a file or give a link."), field="url", code="required")
    if url:
        _require_http_url(url, field="url", message=_("The link must be an http(s) address."))
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    limit = settings.ACCORD_MAX_UPLOAD_MB * 1024 * 1024
    if file and file.size > limit:
        raise AppError(
            _("The file is larger than %(size)d MB.") % {"size": settings.ACCORD_MAX_UPLOAD_MB},
            field="file",
            code="too_large",
        )
    material = Material(meeting=meeting, topic=topic, title=title, url=url, added_by=actor)
    if file:
        material.file.save(file.name, file, save=False)
    material.save()
    audit_record(
        actor=actor, verb="material.added", subject=material, meeting=meeting, data={"title": title}
    )
    return material


def materials_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """When materials should go out: 1–2 days before the start (S-PREP-3), as settings say."""
    return (
        meeting.starts_at - dt.timedelta(days=settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE),
        meeting.starts_at - dt.timedelta(days=settings.ACCORD_MATERIALS_MIN_DAYS_BEFORE),
    )


@transaction.atomic
def meeting_set_materials_send_at(
    *, actor: Person, meeting: Meeting, send_at: dt.datetime | None = None
) -> Meeting:
    """Choose when materials and questions go out; by default the start of the window."""
    meeting_lock(meeting)
    require(
        roles.can_organise(actor, meeting),
        _("Only the organiser may decide when materials go out."),
    )
    require_status(meeting, PLANNING, _("Materials go out before the meeting."))
    if send_at is not None and (not isinstance(send_at, dt.datetime) or send_at.tzinfo is None):
        raise AppError(_("Give a date and time."), field="materials_send_at", code="invalid")
    send_at = send_at or max(materials_window(meeting)[0], clock.now())
    if send_at < clock.now():
        raise AppError(
            _("That time has passed; choose a moment from now on."), field="materials_send_at"
        )
    if send_at >= meeting.starts_at:
        raise AppError(
            _("Materials must go out before the meeting starts."), field="materials_send_at"
        )
    meeting.materials_send_at = send_at
    meeting.save(update_fields=["materials_send_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="materials.send_at",
        subject=meeting,
        meeting=meeting,
        data={"send_at": send_at},
    )
    return meeting


@transaction.atomic
def question_add(
    *, actor: Person, meeting: Meeting, text: str, topic: AgendaTopic | None = None
) -> PrepQuestion:
    meeting_lock(meeting)
    require(
        roles.can_organise(actor, meeting),
        _("Only the organiser may ask pre-discussion questions."),
    )
    require_status(meeting, PLANNING, _("Questions are asked before the meeting."))
    text = _text(text, field="text", message=_("Write the question."))
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    last = meeting.questions.aggregate(last=Max("order"))["last"] or 0
    question = PrepQuestion.objects.create(meeting=meeting, topic=topic, text=text, order=last + 1)
    audit_record(actor=actor, verb="question.added", subject=question, meeting=meeting)
    return question


@transaction.atomic
def answer_save(
    *, actor: Person, question: PrepQuestion, department: Department, text: str
) -> PrepAnswer:
    """Save a department's written answer as a draft; it can change until it is submitted."""
    meeting = meeting_lock(question.meeting)
    require(
        roles.can_answer_for(actor, meeting, department.pk),
        _("Only participants of %(department)s may answer for it.") % {"department": department},
    )
    require_status(meeting, PLANNING, _("Answers are written before the meeting."))
    text = _text(text, field="text", message=_("Write the answer."))
    answer = (
        PrepAnswer.objects.select_for_update()
        .filter(question=question, department=department)
        .first()
    )
    if answer is not None and answer.submitted_at is not None:
        raise AppError(
            _("%(department)s has already submitted its answers.") % {"department": department},
            field="text",
            code="already_submitted",
        )
    if answer is None:
        answer = PrepAnswer.objects.create(
            question=question, department=department, author=actor, text=text
        )
    else:
        answer.text, answer.author = text, actor
        answer.save(update_fields=["text", "author", "updated_at"])
    audit_record(actor=actor, verb="answer.saved", subject=answer, meeting=meeting)
    return answer


@transaction.atomic
def answers_submit(*, actor: Person, meeting: Meeting, department: Department) -> int:
    """Submit all of a department's draft answers at once; every question needs one."""
    require(
        roles.can_answer_for(actor, meeting, department.pk),
        _("Only participants of %(department)s may answer for it.") % {"department": department},
    )
    require_status(meeting, PLANNING, _("Answers are written before the meeting."))
    answers = PrepAnswer.objects.filter(question__meeting=meeting, department=department)
    unanswered = meeting.questions.exclude(answers__department=department)
    if unanswered.exists():
        raise AppError(
            _("Answer every question before submitting; %(count)d still open.")
            % {"count": unanswered.count()},
            field="text",
            code="incomplete",
        )
    drafts = answers.filter(submitted_at__isnull=True)
    if not drafts.exists():
        raise AppError(
            _("%(department)s has already submitted its answers.") % {"department": department},
            code="already_submitted",
        )
    count = drafts.update(submitted_at=clock.now())
    audit_record(
        actor=actor,
        verb="answers.submitted",
        subject=meeting,
        meeting=meeting,
        data={"department": department, "count": count},
    )
    return count


# -- in the meeting (S-MEET-1..5) -------------------------------------------------------------


def time_span(start: dt.datetime, end: dt.datetime, *, with_date: bool = True) -> str:
    """``2026-09-09 14:00–15:30`` in local time (``14:00–15:30`` without the date; the end's
    date too when it differs)."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    head = f"{start:%Y-%m-%d %H:%M}" if with_date else f"{start:%H:%M}"
    if start.date() == end.date():
        return f"{head}–{end:%H:%M}"
    return f"{head}–{end:%Y-%m-%d %H:%M}"


def start_off_schedule(meeting: Meeting, *, now: dt.datetime) -> bool:
    """Whether starting ``meeting`` at ``now`` is far from its plan: more than
    ``ACCORD_START_EARLY_MINUTES`` (60) before the planned start, after the planned end, or
    on another day than the planned one (local time). Starting then needs a confirmation."""
    early = dt.timedelta(minutes=settings.ACCORD_START_EARLY_MINUTES)
    return (
        now < meeting.starts_at - early
        or now > meeting.ends_at
        or timezone.localtime(now).date() != timezone.localtime(meeting.starts_at).date()
    )


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


def _require_recording(actor: Person, meeting: Meeting) -> None:
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
) -> Position:
    """Record (or correct) a department's position on a topic (S-MEET-2)."""
    meeting = topic.meeting
    meeting_lock(meeting)
    _require_recording(actor, meeting)
    statement = _text(statement, field="statement", message=_("Write the department's position."))
    position, created = Position.objects.update_or_create(
        topic=topic,
        department=department,
        defaults={"statement": statement, "evidence": evidence.strip()},
    )
    audit_record(
        actor=actor,
        verb="position.recorded" if created else "position.corrected",
        subject=position,
        meeting=meeting,
        data={"department": department},
    )
    return position


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
    from accord.meetings.selectors import minutes_between, topic_clock_start

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
    _require_recording(actor, meeting)
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
        from accord.actions.services import action_create

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
    _require_recording(actor, meeting)
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
def topic_record_notes(*, actor: Person, topic: AgendaTopic, notes: str) -> AgendaTopic:
    meeting = topic.meeting
    meeting_lock(meeting)
    _require_recording(actor, meeting)
    topic.notes = notes.strip()
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
    text = _text(text, field="text", message=_("Write the objection."))
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
    objection.resolution = _text(
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
    from accord.minutes.models import Minutes

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


@transaction.atomic
def meeting_close(*, actor: Person, meeting: Meeting) -> Meeting:
    """Close the loop once the minutes are out and every action item is finished."""
    from accord.actions.models import ActionItem

    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may close the meeting."))
    require_status(
        meeting, (Status.DISTRIBUTED,), _("Only a meeting whose minutes went out can close.")
    )
    open_count = meeting.actions.filter(status__in=ActionItem.OPEN_STATUSES).count()
    if open_count:
        raise AppError(
            ngettext(
                "%(count)d action item is still open.",
                "%(count)d action items are still open.",
                open_count,
            )
            % {"count": open_count},
            field="actions",
            code="incomplete",
        )
    meeting.status = Status.CLOSED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="meeting.closed", subject=meeting, meeting=meeting)
    return meeting
