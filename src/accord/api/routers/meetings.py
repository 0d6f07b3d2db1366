"""Meetings: list, read and plan them (S-PREP-1, S-PREP-2, S-PREP-5) — the meeting, its
participants, copied departments and agenda — and the moves of planning (schedule, cancel)
and of the end of the loop (close). The schemas and helpers here serve the sibling routers
of a meeting: ``preparation`` (materials, questions, answers) and ``live`` (the meeting)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.api.common import Page, errors, ref, require_if_match, set_etag
from accord.api.schemas import (
    Attendance,
    DepartmentRef,
    Done,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
    PersonRef,
    Text,
)
from accord.core.errors import AppError
from accord.core.limits import SHORT_TEXT
from accord.live import services as live_services
from accord.meetings import services
from accord.meetings.models import AgendaTopic, Meeting, Participant, Position
from accord.meetings.selectors import meeting_get_visible, meeting_with_record, meetings_search
from accord.minutes import services as minutes_services
from accord.org.models import Department, Person

router = Router(tags=["meetings"])

ACTIVE = Person.objects.filter(is_active=True)


class MeetingOut(Schema):
    id: int
    title: str
    goal: str
    kind: str
    status: str
    confidential: bool
    starts_at: dt.datetime = Field(
        ..., description="when it starts; once held at another time, when it was held"
    )
    duration_minutes: int
    planned_starts_at: dt.datetime | None = Field(
        None, description="the planned start, when the meeting was held at another time"
    )
    planned_duration_minutes: int | None = Field(
        None, description="the planned length, when the meeting was held at another time"
    )
    location: str
    online_link: str
    online_meeting_number: str
    organiser: PersonRef
    host: PersonRef | None
    recorder: PersonRef | None
    organiser_department: DepartmentRef | None
    series_id: int | None


class ParticipantOut(Schema):
    id: int
    person: PersonRef
    department: DepartmentRef
    role: str
    attendance: str


class PositionOut(Schema):
    id: int
    department: DepartmentRef
    statement: str
    evidence: str


class OutcomeOut(Schema):
    kind: str
    text: str
    research_department: DepartmentRef | None
    next_meeting_on: dt.date | None = Field(None, description="for next_meeting")


class TopicOut(Schema):
    id: int
    order: int
    title: str
    description: str
    lead_department: DepartmentRef | None
    planned_minutes: int
    actual_minutes: int | None
    notes: str
    is_review: bool
    positions: list[PositionOut]
    outcome: OutcomeOut | None

    @staticmethod
    def resolve_positions(obj) -> list:
        return list(obj.positions.all())

    @staticmethod
    def resolve_outcome(obj):
        return getattr(obj, "outcome", None)


class ObjectionOut(Schema):
    id: int
    topic_id: int | None
    raised_by: PersonRef | None = Field(description="the person who raised it, if a person did")
    raised_by_department: DepartmentRef | None = Field(
        description="the department that raised it, if a department did"
    )
    raised_by_label: str = Field(
        description="who raised it as the minutes name them", examples=["研发部"]
    )
    recorded_by: PersonRef = Field(description="who typed it (the recorder, often)")
    text: str
    resolution: str
    resolved_at: dt.datetime | None


class MeetingDetail(MeetingOut):
    participants: list[ParticipantOut]
    copied_departments: list[DepartmentRef]
    topics: list[TopicOut]
    objections: list[ObjectionOut]

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_copied_departments(obj) -> list:
        return [copy.department for copy in obj.copies.all()]

    @staticmethod
    def resolve_topics(obj) -> list:
        return list(obj.topics.all())

    @staticmethod
    def resolve_objections(obj) -> list:
        return list(obj.objections.all())


class MeetingFilters(FilterSchema):
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None
    department: int | None = Field(None, description="a department taking part or organising")
    starts_from: dt.date | None = Field(None, description="first day, local time")
    starts_to: dt.date | None = Field(None, description="last day, local time")
    series: int | None = None
    q: Text = Field("", max_length=200, description="text in the name or goal")


class MeetingIn(Schema):
    title: Text = Field(..., max_length=200, examples=["Q3产品上线跨部门协作启动会"])
    starts_at: dt.datetime = Field(..., examples=["2026-09-09T14:00:00+08:00"])
    duration_minutes: int = Field(90, ge=1, le=24 * 60)
    goal: Text = Field("", max_length=SHORT_TEXT, examples=["确定Q3产品上线分工"])
    kind: MeetingKind = Meeting.Kind.KICKOFF
    location: Text = Field("", max_length=200, examples=["3号会议室"])
    online_link: Text = Field("", max_length=200)
    online_meeting_number: Text = Field("", max_length=64, examples=["618-2023-815"])
    host_id: int | None = None
    recorder_id: int | None = None
    organiser_department_id: int | None = None
    confidential: bool = False
    confirm_past: bool | None = Field(
        None,
        description="false: refuse a start in the past (code in_the_past); true: confirm it.",
    )


class MeetingPatch(Schema):
    title: Text | None = Field(None, max_length=200, examples=["Q3产品上线跨部门协作启动会"])
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    goal: Text | None = Field(None, max_length=SHORT_TEXT)
    kind: MeetingKind | None = None
    location: Text | None = Field(None, max_length=200, examples=["5号会议室"])
    online_link: Text | None = Field(None, max_length=200)
    online_meeting_number: Text | None = Field(None, max_length=64)
    host_id: int | None = None
    recorder_id: int | None = None
    organiser_department_id: int | None = None
    confidential: bool | None = None
    confirm_past: bool | None = Field(
        None,
        description="false: refuse a new start in the past (code in_the_past); true: confirm it.",
    )


class CancelIn(Schema):
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["客户需求变更，延期讨论"])


LIST_RELATIONS = (
    "organiser__department",
    "host__department",
    "recorder__department",
    "organiser_department",
)


def _fields(payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    for name, model, rows in (
        ("host", Person, ACTIVE),
        ("recorder", Person, ACTIVE),
        ("organiser_department", Department, None),
    ):
        if f"{name}_id" in data:
            data[name] = ref(model, data.pop(f"{name}_id"), field=f"{name}_id", queryset=rows)
    return data


def _detail(request, pk: int) -> Meeting:
    return meeting_with_record(pk=pk, person=request.user)


@router.get(
    "/meetings",
    response={200: list[MeetingOut], **errors(401, 422)},
    summary="List the meetings I may see",
    description="Newest first. Filters combine; dates are whole local days.",
)
@paginate(Page)
def meeting_list(request, filters: Query[MeetingFilters]):
    department = (
        Department.objects.filter(pk=filters.department).first() if filters.department else None
    )
    meetings = meetings_search(
        person=request.user,
        status=filters.status or "",
        kind=filters.kind or "",
        department=department,
        starts_from=filters.starts_from,
        starts_to=filters.starts_to,
        text=filters.q,
    )
    if filters.department and department is None:
        meetings = meetings.none()
    if filters.series:
        meetings = meetings.filter(series_id=filters.series)
    return meetings.select_related(*LIST_RELATIONS)


@router.post(
    "/meetings",
    response={201: MeetingDetail, **errors(401, 403, 422)},
    summary="Plan a meeting (a draft; I become its organiser)",
)
def meeting_create(request, payload: MeetingIn, response: HttpResponse):
    meeting = services.meeting_create(actor=request.user, **_fields(payload))
    meeting = _detail(request, meeting.pk)
    set_etag(response, meeting)
    return Status(201, meeting)


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **errors(401, 404)},
    summary="Read a meeting with its participants, agenda, positions, outcomes and objections",
)
def meeting_read(request, meeting_id: int, response: HttpResponse):
    meeting = _detail(request, meeting_id)
    set_etag(response, meeting)
    return meeting


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingDetail, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Change what was planned (needs If-Match)",
    description="Only before the meeting starts, by the organiser. Send the ETag you read "
    "in If-Match: a stale write gets 412.",
)
def meeting_update(request, meeting_id: int, payload: MeetingPatch, response: HttpResponse):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    require_if_match(request, meeting)
    services.meeting_update(actor=request.user, meeting=meeting, **_fields(payload))
    meeting = _detail(request, meeting_id)
    set_etag(response, meeting)
    return meeting


def meeting_move(request, meeting_id: int, move, **extra) -> Done:
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    meeting = move(actor=request.user, meeting=meeting, **extra)
    return Done(id=meeting.pk, status=meeting.status)


MOVE_ERRORS = errors(401, 403, 404, 409, 422)


@router.post(
    "/meetings/{meeting_id}/schedule",
    response={200: Done, **MOVE_ERRORS},
    summary="Schedule a draft: invitations go out",
)
def meeting_schedule(request, meeting_id: int):
    return meeting_move(request, meeting_id, services.meeting_schedule)


@router.post(
    "/meetings/{meeting_id}/close",
    response={200: Done, **MOVE_ERRORS},
    summary="Close a distributed meeting",
)
def meeting_close(request, meeting_id: int):
    return meeting_move(request, meeting_id, minutes_services.meeting_close)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: Done, **MOVE_ERRORS},
    summary="Cancel a meeting that has not started, with the reason",
)
def meeting_cancel(request, meeting_id: int, payload: CancelIn):
    return meeting_move(request, meeting_id, services.meeting_cancel, reason=payload.reason)


# -- what hangs off a meeting: participants, copied departments, agenda ---------------------------
#
# Each operation finds the meeting through the visibility selector (404 when one may not see
# it), then the nested object inside that meeting (404 when it is not there), and hands both to
# the service, which decides who may act (403) and what the input must be (422/409).


class PersonName(Schema):
    """A person in a nested list, without their department (no query per row)."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or obj.username


@contextmanager
def named_as(**inputs: str) -> Iterator[None]:
    """Name the input a service's refusal is about as the API spells it (``previous`` →
    ``previous_id``), so the 422 points at a field the caller sent."""
    try:
        yield
    except AppError as exc:
        if exc.field in inputs:
            exc.field = inputs[exc.field]
        raise


def visible_meeting(request, meeting_id: int) -> Meeting:
    return meeting_get_visible(person=request.user, pk=meeting_id)


def meeting_topic(meeting: Meeting, topic_id: int) -> AgendaTopic:
    return meeting.topics.select_related("meeting").get(pk=topic_id)


def _topic_read(topic_id: int) -> AgendaTopic:
    return (
        AgendaTopic.objects.select_related("lead_department", "outcome__research_department")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("department"))
        )
        .get(pk=topic_id)
    )


def topic_ref(meeting: Meeting, topic_id: int | None, field: str = "topic_id"):
    return ref(AgendaTopic, topic_id, field=field, queryset=meeting.topics.all())


def department_ref(pk: int | None, field: str) -> Department | None:
    return ref(Department, pk, field=field)


NESTED_ERRORS = errors(401, 403, 404, 409, 422)


# participants


class InviteIn(Schema):
    person_id: int = Field(..., examples=[7])
    role: ParticipantRole = Field(..., examples=["executor"])
    department_id: int | None = Field(
        None, description="the department they speak for; by default their own"
    )


class InviteDepartmentIn(Schema):
    department_id: int = Field(..., examples=[2])
    decision_maker_id: int = Field(..., examples=[5])
    executor_ids: list[int] = Field([], max_length=100, examples=[[6]])


class AttendanceIn(Schema):
    attendance: Attendance = Field(..., examples=["present"])


def _participant_read(pk: int) -> Participant:
    return Participant.objects.select_related("person__department", "department").get(pk=pk)


@router.post(
    "/meetings/{meeting_id}/participants",
    response={201: ParticipantOut, **NESTED_ERRORS},
    summary="Invite one person as decision-maker, executor or observer (organiser)",
)
def participant_invite(request, meeting_id: int, payload: InviteIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(person="person_id", department="department_id"):
        participant = services.participant_invite(
            actor=request.user,
            meeting=meeting,
            person=ref(Person, payload.person_id, field="person_id"),
            role=payload.role,
            department=department_ref(payload.department_id, "department_id"),
        )
    return Status(201, _participant_read(participant.pk))


@router.post(
    "/meetings/{meeting_id}/participants/department",
    response={201: list[ParticipantOut], **NESTED_ERRORS},
    summary="Invite a department: its decision-maker and its executors (S-PREP-2)",
    description="All or nothing: if one person cannot be invited, no one is.",
)
def participants_invite_department(request, meeting_id: int, payload: InviteDepartmentIn):
    meeting = visible_meeting(request, meeting_id)
    invited = services.participants_invite_department(
        actor=request.user,
        meeting=meeting,
        department=ref(Department, payload.department_id, field="department_id"),
        decision_maker=ref(Person, payload.decision_maker_id, field="decision_maker_id"),
        executors=[ref(Person, pk, field="executor_ids") for pk in payload.executor_ids],
    )
    return Status(
        201,
        list(
            Participant.objects.filter(pk__in=[p.pk for p in invited])
            .select_related("person__department", "department")
            .order_by("id")
        ),
    )


# Taking attendance is part of the meeting (accord.live.services), but its path is the one
# that removes a participant: one path, one router (a second router's route would never match).
@router.patch(
    "/meetings/{meeting_id}/participants/{participant_id}",
    response={200: ParticipantOut, **NESTED_ERRORS},
    summary="Take attendance (host or recorder)",
)
def participant_attendance(request, meeting_id: int, participant_id: int, payload: AttendanceIn):
    meeting = visible_meeting(request, meeting_id)
    participant = meeting.participants.select_related("meeting").get(pk=participant_id)
    live_services.participant_set_attendance(
        actor=request.user, participant=participant, attendance=payload.attendance
    )
    return _participant_read(participant.pk)


@router.delete(
    "/meetings/{meeting_id}/participants/{participant_id}",
    response={204: None, **NESTED_ERRORS},
    summary="Remove a participant before the meeting starts (organiser)",
)
def participant_remove(request, meeting_id: int, participant_id: int):
    meeting = visible_meeting(request, meeting_id)
    participant = meeting.participants.select_related("meeting", "person").get(pk=participant_id)
    services.participant_remove(actor=request.user, participant=participant)
    return Status(204, None)


# copied departments


class CopyIn(Schema):
    department_id: int = Field(..., examples=[6])


@router.post(
    "/meetings/{meeting_id}/copies",
    response={201: DepartmentRef, **NESTED_ERRORS},
    summary="Copy a department on the minutes (it reads, it does not attend)",
)
def department_copy(request, meeting_id: int, payload: CopyIn):
    meeting = visible_meeting(request, meeting_id)
    department = ref(Department, payload.department_id, field="department_id")
    with named_as(department="department_id"):
        services.department_copy(actor=request.user, meeting=meeting, department=department)
    return Status(201, department)


@router.delete(
    "/meetings/{meeting_id}/copies/{department_id}",
    response={204: None, **NESTED_ERRORS},
    summary="Stop copying a department",
)
def department_uncopy(request, meeting_id: int, department_id: int):
    meeting = visible_meeting(request, meeting_id)
    department = meeting.copies.select_related("department").get(department_id=department_id)
    services.department_uncopy(
        actor=request.user, meeting=meeting, department=department.department
    )
    return Status(204, None)


# agenda


class TopicIn(Schema):
    title: Text = Field(..., max_length=200, examples=["产品需求优先级确认"])
    planned_minutes: int = Field(..., ge=1, le=24 * 60, examples=[30])
    lead_department_id: int | None = Field(None, examples=[1])
    description: Text = Field("", max_length=SHORT_TEXT)


class TopicPatch(Schema):
    title: Text | None = Field(None, max_length=200, examples=["责任部门划分"])
    planned_minutes: int | None = Field(None, ge=1, le=24 * 60, examples=[25])
    lead_department_id: int | None = None
    description: Text | None = Field(None, max_length=SHORT_TEXT)


class ReorderIn(Schema):
    topic_ids: list[int] = Field(..., max_length=200, examples=[[3, 1, 2]])


@router.post(
    "/meetings/{meeting_id}/topics",
    response={201: TopicOut, **NESTED_ERRORS},
    summary="Add a topic to the agenda (organiser, before the meeting)",
)
def topic_add(request, meeting_id: int, payload: TopicIn):
    meeting = visible_meeting(request, meeting_id)
    topic = services.topic_add(
        actor=request.user,
        meeting=meeting,
        title=payload.title,
        planned_minutes=payload.planned_minutes,
        lead_department=department_ref(payload.lead_department_id, "lead_department_id"),
        description=payload.description,
    )
    return Status(201, _topic_read(topic.pk))


@router.post(
    "/meetings/{meeting_id}/topics/reorder",
    response={200: list[TopicOut], **NESTED_ERRORS},
    summary="Put the topics in this order (name each topic exactly once)",
)
def topics_reorder(request, meeting_id: int, payload: ReorderIn):
    meeting = visible_meeting(request, meeting_id)
    services.topics_reorder(actor=request.user, meeting=meeting, topic_ids=payload.topic_ids)
    return list(
        meeting.topics.select_related("lead_department", "outcome__research_department")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("department"))
        )
        .order_by("order")
    )


@router.patch(
    "/meetings/{meeting_id}/topics/{topic_id}",
    response={200: TopicOut, **NESTED_ERRORS},
    summary="Change a topic (organiser, before the meeting)",
)
def topic_update(request, meeting_id: int, topic_id: int, payload: TopicPatch):
    meeting = visible_meeting(request, meeting_id)
    topic = meeting_topic(meeting, topic_id)
    data = payload.dict(exclude_unset=True)
    if "lead_department_id" in data:
        data["lead_department"] = department_ref(
            data.pop("lead_department_id"), "lead_department_id"
        )
    services.topic_update(actor=request.user, topic=topic, **data)
    return _topic_read(topic.pk)


@router.delete(
    "/meetings/{meeting_id}/topics/{topic_id}",
    response={204: None, **NESTED_ERRORS},
    summary="Remove a topic; the others close up (organiser, before the meeting)",
)
def topic_remove(request, meeting_id: int, topic_id: int):
    meeting = visible_meeting(request, meeting_id)
    services.topic_remove(actor=request.user, topic=meeting_topic(meeting, topic_id))
    return Status(204, None)
