"""The live meeting (S-MEET-1..5): start it, record each department's position, each
topic's outcome, the time it took and its notes, raise and resolve objections, end it.
Attendance is taken through the participants' path, in ``meetings``.

Mounted with the other meeting routers (``meetings``, ``preparation``) under the tag
``meetings``; the operationIds stay the ones these endpoints had when they lived in
``meetings``."""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from accord.api.common import ref
from accord.api.routers.meetings import (
    ACTIVE,
    MOVE_ERRORS,
    NESTED_ERRORS,
    ObjectionOut,
    OutcomeOut,
    PositionOut,
    department_ref,
    meeting_move,
    meeting_topic,
    named_as,
    topic_ref,
    visible_meeting,
)
from accord.api.schemas import Done, OutcomeKind, Text
from accord.core.limits import LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT
from accord.live import services
from accord.meetings.models import Objection, Position
from accord.org.models import Department, Person
from accord.series.selectors import next_occurrence_day

router = Router(tags=["meetings"])


@router.post(
    "/meetings/{meeting_id}/start",
    operation_id="accord_api_routers_meetings_meeting_start",
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
    return meeting_move(request, meeting_id, services.meeting_start, confirm_time=confirm_time)


@router.post(
    "/meetings/{meeting_id}/end",
    operation_id="accord_api_routers_meetings_meeting_end",
    response={200: Done, **MOVE_ERRORS},
    summary="End the meeting: the 24-hour minutes clock starts",
)
def meeting_end(request, meeting_id: int):
    return meeting_move(request, meeting_id, services.meeting_end)


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
    operation_id="accord_api_routers_meetings_position_record",
    response={200: PositionOut, **NESTED_ERRORS},
    summary="Record (or correct) a department's position on a topic (recorder or host)",
)
def position_record(request, meeting_id: int, topic_id: int, payload: PositionIn):
    meeting = visible_meeting(request, meeting_id)
    position = services.position_record(
        actor=request.user,
        topic=meeting_topic(meeting, topic_id),
        department=ref(Department, payload.department_id, field="department_id"),
        statement=payload.statement,
        evidence=payload.evidence,
    )
    return Position.objects.select_related("department").get(pk=position.pk)


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/outcome",
    operation_id="accord_api_routers_meetings_outcome_record",
    response={200: OutcomeOut, **NESTED_ERRORS},
    summary="Close a topic: consensus, next meeting, or research (which becomes an action item)",
)
def outcome_record(request, meeting_id: int, topic_id: int, payload: OutcomeIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(
        research_department="research_department_id",
        research_owner="research_owner_id",
        department="research_department_id",
        owner="research_owner_id",
        due_date="research_due",
    ):
        topic = meeting_topic(meeting, topic_id)
        next_meeting_on = payload.next_meeting_on
        if payload.kind == "next_meeting" and next_meeting_on is None:
            # Clients written before the date existed: keep it, or propose as the run page does.
            previous = getattr(topic, "outcome", None)
            next_meeting_on = (previous.next_meeting_on if previous else None) or (
                next_occurrence_day(meeting=meeting)
            )
        outcome = services.outcome_record(
            actor=request.user,
            topic=topic,
            kind=payload.kind,
            text=payload.text,
            research_department=department_ref(
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
    operation_id="accord_api_routers_meetings_objection_raise",
    response={201: ObjectionOut, **NESTED_ERRORS},
    summary="Raise an objection during the meeting (anyone in it)",
)
def objection_raise(request, meeting_id: int, payload: ObjectionIn):
    meeting = visible_meeting(request, meeting_id)
    with named_as(
        topic="topic_id",
        raised_by="raised_by_id",
        raised_by_department="raised_by_department_id",
    ):
        objection = services.objection_raise(
            actor=request.user,
            meeting=meeting,
            text=payload.text,
            topic=topic_ref(meeting, payload.topic_id),
            raised_by=ref(Person, payload.raised_by_id, field="raised_by_id"),
            raised_by_department=department_ref(
                payload.raised_by_department_id, "raised_by_department_id"
            ),
        )
    return Status(201, _objection_read(objection.pk))


@router.post(
    "/meetings/{meeting_id}/objections/{objection_id}/resolve",
    operation_id="accord_api_routers_meetings_objection_resolve",
    response={200: ObjectionOut, **NESTED_ERRORS},
    summary="Resolve an objection (host or recorder)",
)
def objection_resolve(request, meeting_id: int, objection_id: int, payload: ResolveIn):
    meeting = visible_meeting(request, meeting_id)
    objection = meeting.objections.select_related("meeting").get(pk=objection_id)
    services.objection_resolve(
        actor=request.user, objection=objection, resolution=payload.resolution
    )
    return _objection_read(objection.pk)


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/time",
    operation_id="accord_api_routers_meetings_topic_time",
    response={200: TopicTimeOut, **NESTED_ERRORS},
    summary="Record the minutes a topic actually took",
)
def topic_time(request, meeting_id: int, topic_id: int, payload: TimeIn):
    meeting = visible_meeting(request, meeting_id)
    return services.topic_record_time(
        actor=request.user,
        topic=meeting_topic(meeting, topic_id),
        actual_minutes=payload.actual_minutes,
    )


@router.post(
    "/meetings/{meeting_id}/topics/{topic_id}/notes",
    operation_id="accord_api_routers_meetings_topic_notes",
    response={200: TopicTimeOut, **NESTED_ERRORS},
    summary="Record the notes of a topic",
)
def topic_notes(request, meeting_id: int, topic_id: int, payload: NotesIn):
    meeting = visible_meeting(request, meeting_id)
    return services.topic_record_notes(
        actor=request.user, topic=meeting_topic(meeting, topic_id), notes=payload.notes
    )
