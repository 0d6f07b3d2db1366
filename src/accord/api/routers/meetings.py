"""Meetings: list, read, plan, and the lifecycle moves (S-PREP-*, S-MEET-*)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.api.common import Page, errors, ref, require_if_match, set_etag
from accord.api.schemas import (
    Attendance,
    DepartmentRef,
    Done,
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    ParticipantRole,
    PersonRef,
    Text,
)
from accord.core.errors import AppError, PermissionDenied
from accord.core.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT
from accord.live import services as live_services
from accord.meetings import preparation, roles, services
from accord.meetings.models import (
    AgendaTopic,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepQuestion,
)
from accord.meetings.selectors import (
    answers_matrix,
    meeting_get_visible,
    meeting_with_record,
    meetings_search,
)
from accord.minutes import services as minutes_services
from accord.org.models import Department, Person
from accord.series.selectors import next_occurrence_day

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


def _move(request, meeting_id: int, move, **extra) -> Done:
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
    return _move(request, meeting_id, services.meeting_schedule)


@router.post(
    "/meetings/{meeting_id}/start",
    response={200: Done, **MOVE_ERRORS},
    summary="Start the meeting (host)",
)
def meeting_start(
    request,
    meeting_id: int,
    confirm_time: bool = Query(
        False,
        description="true to hold the meeting now although it is far from its planned time "
        "(more than an hour before the start, after the planned end, or on another day); "
        "without it such a start is refused (409, field confirm_time). The meeting then "
        "records when it was held; the plan stays in planned_starts_at.",
    ),
):
    return _move(request, meeting_id, live_services.meeting_start, confirm_time=confirm_time)


@router.post(
    "/meetings/{meeting_id}/end",
    response={200: Done, **MOVE_ERRORS},
    summary="End the meeting: the 24-hour minutes clock starts",
)
def meeting_end(request, meeting_id: int):
    return _move(request, meeting_id, live_services.meeting_end)


@router.post(
    "/meetings/{meeting_id}/close",
    response={200: Done, **MOVE_ERRORS},
    summary="Close a distributed meeting",
)
def meeting_close(request, meeting_id: int):
    return _move(request, meeting_id, minutes_services.meeting_close)


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: Done, **MOVE_ERRORS},
    summary="Cancel a meeting that has not started, with the reason",
)
def meeting_cancel(request, meeting_id: int, payload: CancelIn):
    return _move(request, meeting_id, services.meeting_cancel, reason=payload.reason)


# -- what hangs off a meeting: participants, agenda, preparation, the record ---------------------
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


def _visible(request, meeting_id: int) -> Meeting:
    return meeting_get_visible(person=request.user, pk=meeting_id)


def _topic(meeting: Meeting, topic_id: int) -> AgendaTopic:
    return meeting.topics.select_related("meeting").get(pk=topic_id)


def _topic_read(topic_id: int) -> AgendaTopic:
    return (
        AgendaTopic.objects.select_related("lead_department", "outcome__research_department")
        .prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("department"))
        )
        .get(pk=topic_id)
    )


def _topic_ref(meeting: Meeting, topic_id: int | None, field: str = "topic_id"):
    return ref(AgendaTopic, topic_id, field=field, queryset=meeting.topics.all())


def _department(pk: int | None, field: str) -> Department | None:
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
    meeting = _visible(request, meeting_id)
    with named_as(person="person_id", department="department_id"):
        participant = services.participant_invite(
            actor=request.user,
            meeting=meeting,
            person=ref(Person, payload.person_id, field="person_id"),
            role=payload.role,
            department=_department(payload.department_id, "department_id"),
        )
    return Status(201, _participant_read(participant.pk))


@router.post(
    "/meetings/{meeting_id}/participants/department",
    response={201: list[ParticipantOut], **NESTED_ERRORS},
    summary="Invite a department: its decision-maker and its executors (S-PREP-2)",
    description="All or nothing: if one person cannot be invited, no one is.",
)
def participants_invite_department(request, meeting_id: int, payload: InviteDepartmentIn):
    meeting = _visible(request, meeting_id)
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


@router.patch(
    "/meetings/{meeting_id}/participants/{participant_id}",
    response={200: ParticipantOut, **NESTED_ERRORS},
    summary="Take attendance (host or recorder)",
)
def participant_attendance(request, meeting_id: int, participant_id: int, payload: AttendanceIn):
    meeting = _visible(request, meeting_id)
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
    meeting = _visible(request, meeting_id)
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
    meeting = _visible(request, meeting_id)
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
    meeting = _visible(request, meeting_id)
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
    meeting = _visible(request, meeting_id)
    topic = services.topic_add(
        actor=request.user,
        meeting=meeting,
        title=payload.title,
        planned_minutes=payload.planned_minutes,
        lead_department=_department(payload.lead_department_id, "lead_department_id"),
        description=payload.description,
    )
    return Status(201, _topic_read(topic.pk))


@router.post(
    "/meetings/{meeting_id}/topics/reorder",
    response={200: list[TopicOut], **NESTED_ERRORS},
    summary="Put the topics in this order (name each topic exactly once)",
)
def topics_reorder(request, meeting_id: int, payload: ReorderIn):
    meeting = _visible(request, meeting_id)
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
    meeting = _visible(request, meeting_id)
    topic = _topic(meeting, topic_id)
    data = payload.dict(exclude_unset=True)
    if "lead_department_id" in data:
        data["lead_department"] = _department(data.pop("lead_department_id"), "lead_department_id")
    services.topic_update(actor=request.user, topic=topic, **data)
    return _topic_read(topic.pk)


@router.delete(
    "/meetings/{meeting_id}/topics/{topic_id}",
    response={204: None, **NESTED_ERRORS},
    summary="Remove a topic; the others close up (organiser, before the meeting)",
)
def topic_remove(request, meeting_id: int, topic_id: int):
    meeting = _visible(request, meeting_id)
    services.topic_remove(actor=request.user, topic=_topic(meeting, topic_id))
    return Status(204, None)


# preparation: questions, answers, materials


class QuestionIn(Schema):
    text: Text = Field(..., max_length=SHORT_TEXT, examples=["贵部门在Q3上线中需要哪些资源支持？"])
    topic_id: int | None = None


class QuestionOut(Schema):
    id: int
    order: int
    text: str
    topic_id: int | None


class AnswerIn(Schema):
    question_id: int = Field(..., examples=[1])
    department_id: int = Field(..., examples=[2])
    text: Text = Field(..., max_length=LONG_TEXT, examples=["需要2名前端开发支援，9月15日前到位"])


class AnswerOut(Schema):
    id: int
    question_id: int
    department_id: int
    author: PersonName
    text: str
    submitted_at: dt.datetime | None


class SubmitAnswersIn(Schema):
    department_id: int = Field(..., examples=[2])


class SubmittedOut(Schema):
    department_id: int
    submitted: int = Field(..., description="how many answers were submitted")


class MatrixRow(Schema):
    question: QuestionOut
    answers: list[AnswerOut] = Field(..., description="submitted answers, by department name")
    missing: list[DepartmentRef] = Field(..., description="departments that have not answered")


class AnswersMatrix(Schema):
    departments: list[DepartmentRef]
    rows: list[MatrixRow]


@router.post(
    "/meetings/{meeting_id}/questions",
    response={201: QuestionOut, **NESTED_ERRORS},
    summary="Ask the departments a pre-discussion question (organiser)",
)
def question_add(request, meeting_id: int, payload: QuestionIn):
    meeting = _visible(request, meeting_id)
    with named_as(topic="topic_id"):
        question = preparation.question_add(
            actor=request.user,
            meeting=meeting,
            text=payload.text,
            topic=_topic_ref(meeting, payload.topic_id),
        )
    return Status(201, question)


@router.get(
    "/meetings/{meeting_id}/answers",
    response={200: AnswersMatrix, **errors(401, 403, 404)},
    summary="Every question × every participating department, and who has not answered",
    description="For the organiser (S-PREP-4). Only submitted answers show; drafts are the "
    "department's own business. A fixed number of queries however many rows.",
)
def answers_read(request, meeting_id: int):
    meeting = _visible(request, meeting_id)
    if not roles.can_organise(request.user, meeting):
        raise PermissionDenied(_("Only the organiser sees every department's answers."))
    departments, rows = answers_matrix(meeting=meeting)
    names = {department.pk: department.name for department in departments}
    return {
        "departments": departments,
        "rows": [
            {
                "question": row.question,
                "answers": sorted(
                    row.answers.values(), key=lambda a: (names.get(a.department_id, ""), a.pk)
                ),
                "missing": row.missing,
            }
            for row in rows
        ],
    }


@router.post(
    "/meetings/{meeting_id}/answers",
    response={200: AnswerOut, **NESTED_ERRORS},
    summary="Save a department's written answer (a draft until submitted)",
)
def answer_save(request, meeting_id: int, payload: AnswerIn):
    meeting = _visible(request, meeting_id)
    question = ref(
        PrepQuestion,
        payload.question_id,
        field="question_id",
        queryset=meeting.questions.select_related("meeting"),
    )
    answer = preparation.answer_save(
        actor=request.user,
        question=question,
        department=ref(Department, payload.department_id, field="department_id"),
        text=payload.text,
    )
    return answer


@router.post(
    "/meetings/{meeting_id}/answers/submit",
    response={200: SubmittedOut, **NESTED_ERRORS},
    summary="Submit all of a department's answers (every question needs one)",
)
def answers_submit(request, meeting_id: int, payload: SubmitAnswersIn):
    meeting = _visible(request, meeting_id)
    department = ref(Department, payload.department_id, field="department_id")
    count = preparation.answers_submit(actor=request.user, meeting=meeting, department=department)
    return {"department_id": department.pk, "submitted": count}


class MaterialIn(Schema):
    title: Text = Field(..., max_length=200, examples=["Q3产品需求文档"])
    url: Text = Field(..., max_length=200, examples=["https://docs.example.com/q3-prd"])
    topic_id: int | None = None


class MaterialOut(Schema):
    id: int
    title: str
    url: str
    download_url: Text | None = Field(None, description="an uploaded file, through the web app")
    topic_id: int | None
    added_by: PersonName
    created_at: dt.datetime

    @staticmethod
    def resolve_download_url(obj) -> str | None:
        return reverse("meetings:material", args=[obj.pk]) if obj.file else None


class SendAtIn(Schema):
    send_at: dt.datetime | None = Field(
        None,
        examples=["2026-09-08T09:00:00+08:00"],
        description="by default the start of the window (1–2 days before)",
    )


class SendAtOut(Schema):
    id: int
    materials_send_at: dt.datetime | None


@router.get(
    "/meetings/{meeting_id}/materials",
    response={200: list[MaterialOut], **errors(401, 404)},
    summary="The meeting's materials, oldest first",
)
def material_list(request, meeting_id: int):
    meeting = _visible(request, meeting_id)
    return list(meeting.materials.select_related("added_by").order_by("id"))


@router.post(
    "/meetings/{meeting_id}/materials",
    response={201: MaterialOut, **NESTED_ERRORS},
    summary="Add a link as material (organiser); files are uploaded in the web app",
)
def material_add(request, meeting_id: int, payload: MaterialIn):
    meeting = _visible(request, meeting_id)
    with named_as(topic="topic_id"):
        material = preparation.material_add(
            actor=request.user,
            meeting=meeting,
            title=payload.title,
            url=payload.url,
            topic=_topic_ref(meeting, payload.topic_id),
        )
    return Status(201, Material.objects.select_related("added_by").get(pk=material.pk))


@router.post(
    "/meetings/{meeting_id}/materials/send-at",
    response={200: SendAtOut, **NESTED_ERRORS},
    summary="Choose when materials and questions go out (organiser)",
)
def materials_send_at(request, meeting_id: int, payload: SendAtIn):
    meeting = _visible(request, meeting_id)
    with named_as(materials_send_at="send_at"):
        preparation.meeting_set_materials_send_at(
            actor=request.user, meeting=meeting, send_at=payload.send_at
        )
    return Meeting.objects.get(pk=meeting.pk)  # read back: times come out as stored


# in the meeting: positions, outcomes, objections, time and notes


class PositionIn(Schema):
    department_id: int = Field(..., examples=[2])
    statement: Text = Field(..., max_length=MEDIUM_TEXT, examples=["研发资源紧张，需延后两周"])
    evidence: Text = Field("", max_length=MEDIUM_TEXT, examples=["当前排期已满"])


class OutcomeIn(Schema):
    kind: OutcomeKind = Field(..., examples=["consensus"])
    text: Text = Field("", max_length=MEDIUM_TEXT, examples=["需求优先级按市场部方案执行"])
    research_department_id: int | None = Field(None, description="for research")
    research_owner_id: int | None = Field(None, description="for research")
    research_due: Text | None = Field(
        None,
        max_length=100,
        examples=["2026-09-15"],
        description="for research: a date, or a phrase such as 9月15日前 or next Friday",
    )
    next_meeting_on: dt.date | None = Field(
        None,
        examples=["2026-09-16"],
        description=(
            "for next_meeting: the day it is discussed again, not past; left out, the date"
            " the outcome already has, else the day of the series' next meeting (422 when"
            " there is neither)"
        ),
    )


class ObjectionIn(Schema):
    text: Text = Field(..., max_length=SHORT_TEXT, examples=["设计部认为时间不足"])
    topic_id: int | None = None
    raised_by_id: int | None = Field(
        None,
        description="the person in the meeting who raised it; give this or "
        "raised_by_department_id. Left out with both, a participant who neither records nor "
        "runs the meeting raises it in their own name; the recorder and the host must say.",
        examples=[5],
    )
    raised_by_department_id: int | None = Field(
        None, description="the participating department that raised it", examples=[3]
    )


class ResolveIn(Schema):
    resolution: Text = Field(..., max_length=SHORT_TEXT, examples=["设计稿截止日延后至9月20日"])


class TimeIn(Schema):
    actual_minutes: int = Field(..., ge=1, le=24 * 60, examples=[35])


class NotesIn(Schema):
    notes: Text = Field(..., max_length=LONG_TEXT, examples=["市场部补充了竞品数据"])


class TopicTimeOut(Schema):
    id: int
    planned_minutes: int
    actual_minutes: int | None
    notes: str


def _objection_read(pk: int) -> Objection:
    return Objection.objects.select_related(
        "raised_by__department", "raised_by_department", "recorded_by__department"
    ).get(pk=pk)


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/positions",
    response={200: PositionOut, **NESTED_ERRORS},
    summary="Record (or correct) a department's position on a topic (recorder or host)",
)
def position_record(request, meeting_id: int, topic_id: int, payload: PositionIn):
    meeting = _visible(request, meeting_id)
    position = live_services.position_record(
        actor=request.user,
        topic=_topic(meeting, topic_id),
        department=ref(Department, payload.department_id, field="department_id"),
        statement=payload.statement,
        evidence=payload.evidence,
    )
    return Position.objects.select_related("department").get(pk=position.pk)


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/outcome",
    response={200: OutcomeOut, **NESTED_ERRORS},
    summary="Close a topic: consensus, next meeting, or research (which becomes an action item)",
)
def outcome_record(request, meeting_id: int, topic_id: int, payload: OutcomeIn):
    meeting = _visible(request, meeting_id)
    with named_as(
        research_department="research_department_id",
        research_owner="research_owner_id",
        department="research_department_id",
        owner="research_owner_id",
        due_date="research_due",
    ):
        topic = _topic(meeting, topic_id)
        next_meeting_on = payload.next_meeting_on
        if payload.kind == "next_meeting" and next_meeting_on is None:
            # Clients written before the date existed: keep it, or propose as the run page does.
            previous = getattr(topic, "outcome", None)
            next_meeting_on = (previous.next_meeting_on if previous else None) or (
                next_occurrence_day(meeting=meeting)
            )
        outcome = live_services.outcome_record(
            actor=request.user,
            topic=topic,
            kind=payload.kind,
            text=payload.text,
            research_department=_department(
                payload.research_department_id, "research_department_id"
            ),
            research_owner=ref(
                Person, payload.research_owner_id, field="research_owner_id", queryset=ACTIVE
            ),
            research_due=payload.research_due,
            next_meeting_on=next_meeting_on,
        )
    return outcome


@router.post(
    "/meetings/{meeting_id}/objections",
    response={201: ObjectionOut, **NESTED_ERRORS},
    summary="Raise an objection during the meeting (anyone in it)",
)
def objection_raise(request, meeting_id: int, payload: ObjectionIn):
    meeting = _visible(request, meeting_id)
    with named_as(
        topic="topic_id",
        raised_by="raised_by_id",
        raised_by_department="raised_by_department_id",
    ):
        objection = live_services.objection_raise(
            actor=request.user,
            meeting=meeting,
            text=payload.text,
            topic=_topic_ref(meeting, payload.topic_id),
            raised_by=ref(Person, payload.raised_by_id, field="raised_by_id"),
            raised_by_department=_department(
                payload.raised_by_department_id, "raised_by_department_id"
            ),
        )
    return Status(201, _objection_read(objection.pk))


@router.post(
    "/meetings/{meeting_id}/objections/{objection_id}/resolve",
    response={200: ObjectionOut, **NESTED_ERRORS},
    summary="Resolve an objection (host or recorder)",
)
def objection_resolve(request, meeting_id: int, objection_id: int, payload: ResolveIn):
    meeting = _visible(request, meeting_id)
    objection = meeting.objections.select_related("meeting").get(pk=objection_id)
    live_services.objection_resolve(
        actor=request.user, objection=objection, resolution=payload.resolution
    )
    return _objection_read(objection.pk)


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/time",
    response={200: TopicTimeOut, **NESTED_ERRORS},
    summary="Record the minutes a topic actually took",
)
def topic_time(request, meeting_id: int, topic_id: int, payload: TimeIn):
    meeting = _visible(request, meeting_id)
    return live_services.topic_record_time(
        actor=request.user, topic=_topic(meeting, topic_id), actual_minutes=payload.actual_minutes
    )


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/notes",
    response={200: TopicTimeOut, **NESTED_ERRORS},
    summary="Record the notes of a topic",
)
def topic_notes(request, meeting_id: int, topic_id: int, payload: NotesIn):
    meeting = _visible(request, meeting_id)
    return live_services.topic_record_notes(
        actor=request.user, topic=_topic(meeting, topic_id), notes=payload.notes
    )
