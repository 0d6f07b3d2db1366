"""The writes that plan a meeting (S-PREP-1, S-PREP-2, S-PREP-5): the meeting itself, its
schedule and cancellation, its agenda topics, its participants and copied departments.

What is written to prepare it (materials, questions, answers) is in ``preparation``; what is
written during it, in the live app (``live/services.py``); the guards they share, in ``rules``.

Services are keyword-only, check who may act, run in one transaction and write an
AuditEvent. They raise ``AppError`` for input or a move they refuse; nothing half-written
remains, because the transaction rolls back.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import clock, limits
from accord.core.errors import AppError
from accord.core.events import emit
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.events import (
    MeetingCancelled,
    MeetingChanged,
    MeetingScheduled,
    ParticipantInvited,
    ParticipantRemoved,
    RolesReplaced,
)
from accord.meetings.models import AgendaTopic, CopiedDepartment, Meeting, Participant
from accord.meetings.rules import (
    PLANNING,
    MeetingIncomplete,
    in_the_past,
    meeting_lock,
    meeting_missing,
    require,
    require_active_role,
    require_filled,
    require_http_url,
    require_minutes,
    require_status,
)
from accord.org.models import Department, Person
from accord.org.services import UNCHANGED, Unchanged

Status = Meeting.Status


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
        fields["title"] = require_filled(
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
        require_http_url(
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
    confirm_past: bool | None = None,
) -> Meeting:
    """Create a draft meeting; the actor becomes its organiser (S-PREP-1).

    ``confirm_past`` is for callers that pass on what a person typed (the pages, the API
    when asked): ``False`` refuses a start in the past (``rules.in_the_past``), ``True``
    confirms it. ``None``, for programs (a series planning its next meeting, imports, the
    demo), does not ask."""
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
    _require_past_confirmed(fields["starts_at"], confirm_past=confirm_past)
    meeting = Meeting.objects.create(organiser=actor, **fields)
    audit_record(actor=actor, verb="meeting.created", subject=meeting, meeting=meeting)
    return meeting


def _require_past_confirmed(starts_at: dt.datetime, *, confirm_past: bool | None) -> None:
    """A start in the past is planned only when the person confirmed it, the way starting
    far from the planned time is (``live.services.meeting_start``)."""
    if confirm_past is False and in_the_past(starts_at, now=clock.now()):
        raise AppError(
            _(
                "%(start)s is in the past. Check the date; if the meeting really is in the "
                "past, confirm it."
            )
            % {"start": f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}"},
            field="confirm_past",
            code="in_the_past",
        )


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
def meeting_update(
    *, actor: Person, meeting: Meeting, confirm_past: bool | None = None, **fields
) -> Meeting:
    """Change what was planned; only before the meeting starts. A new start in the past is
    refused when ``confirm_past`` is ``False`` (as in ``meeting_create``)."""
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
    if "starts_at" in fields and fields["starts_at"] != meeting.starts_at:
        _require_past_confirmed(fields["starts_at"], confirm_past=confirm_past)
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
    at least one topic, one participant and a start in the future; refused, the error names
    everything that is missing at once (``rules.meeting_missing``). Agenda warnings do not
    block; they are shown."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may schedule this meeting."))
    require_status(meeting, (Status.DRAFT,), _("Only a draft meeting can be scheduled."))
    missing = meeting_missing(meeting, now=clock.now())
    if missing:
        raise MeetingIncomplete(missing)
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
    reason = require_filled(reason, field="reason", message=_("Say why the meeting is cancelled."))
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
    title = require_filled(
        title, field="title", message=_("A topic needs a title."), max_length=200
    )
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
    lead_department: Department | None | Unchanged = UNCHANGED,
    description: str | None = None,
) -> AgendaTopic:
    """Change a topic; ``None`` leaves a text as it is, a left-out ``lead_department``
    too, while ``lead_department=None`` takes it away."""
    meeting = topic.meeting
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may change the agenda."))
    require_status(meeting, PLANNING, _planning_message())
    data: dict = {}
    if title is not None:
        data["title"] = require_filled(
            title, field="title", message=_("A topic needs a title."), max_length=200
        )
    if planned_minutes is not None:
        data["planned_minutes"] = require_minutes(planned_minutes, field="planned_minutes")
    if not isinstance(lead_department, Unchanged):
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
        emit(ParticipantInvited(meeting, (person,)))
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
