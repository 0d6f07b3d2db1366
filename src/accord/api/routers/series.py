"""Series, follow-up meetings and the review of the previous plan (S-REVIEW-1, S-REVIEW-2).

Which series one sees is ``accord.series.selectors.series_visible_to``: those one organises,
those with a meeting one may see, and all of them for PMO and administrators."""

import datetime as dt
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.api.common import Page, errors, ref, require_if_match, set_etag
from accord.api.routers.meetings import ACTIVE, MeetingDetail, PersonName, named_as
from accord.api.schemas import DepartmentRef, ParticipantRole, PersonRef, Text
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_get_visible, meeting_with_record, meetings_visible_to
from accord.org.models import Person
from accord.series import services
from accord.series.models import MeetingSeries, SeriesMember
from accord.series.selectors import previous_plan_review, series_get_visible, series_visible_to

router = Router(tags=["series"])


class StandingTopic(Schema):
    title: Text = Field(..., max_length=200, examples=["本周进展"])
    minutes: int = Field(..., ge=1, le=24 * 60, examples=[10])


class MemberOut(Schema):
    """A standing participant: invited to every meeting the series plans."""

    person: PersonRef
    role: ParticipantRole


class SeriesOut(Schema):
    id: int
    title: str
    organiser: PersonRef
    host: PersonRef | None
    recorder: PersonRef | None
    recurrence: str
    duration_minutes: int
    location: str
    standing_topics: list[StandingTopic]
    plan_ahead: bool = Field(
        description="the worker plans the next meeting a few days before it falls due"
    )
    members: list[MemberOut] = Field(description="the standing participants, in the order added")
    active: bool

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class SeriesFilters(FilterSchema):
    active: bool | None = None
    q: Text = Field("", max_length=200, description="text in the name")


class SeriesIn(Schema):
    title: Text = Field(..., max_length=200, examples=["Q3上线周例会"])
    recurrence: Text = Field(..., max_length=200, examples=["FREQ=WEEKLY;BYDAY=MO"])
    duration_minutes: int = Field(30, ge=1, le=24 * 60, examples=[30])
    location: Text = Field("", max_length=200, examples=["3号会议室"])
    standing_topics: list[StandingTopic] = Field([], max_length=50)
    host_id: int | None = Field(None, examples=[2], description="hosts every meeting")
    recorder_id: int | None = Field(None, examples=[9], description="records every meeting")
    plan_ahead: bool = Field(
        True, description="the worker plans the next meeting a few days before it falls due"
    )


class SeriesPatch(Schema):
    """Only what is sent changes; host_id or recorder_id null clears the role."""

    title: Text | None = Field(None, max_length=200, examples=["Q3上线周例会（双周）"])
    recurrence: Text | None = Field(None, max_length=200, examples=["FREQ=WEEKLY;INTERVAL=2"])
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60, examples=[20])
    location: Text | None = Field(None, max_length=200)
    standing_topics: list[StandingTopic] | None = Field(None, max_length=50)
    host_id: int | None = None
    recorder_id: int | None = None
    plan_ahead: bool | None = None
    active: bool | None = Field(None, description="false: no more meetings are planned")


class MemberIn(Schema):
    person_id: int = Field(..., examples=[6])
    role: ParticipantRole = Field(..., examples=["executor"])


class PlanNextIn(Schema):
    first_start: dt.datetime | None = Field(
        None,
        examples=["2026-09-14T10:00:00+08:00"],
        description="only for the first meeting of a series; later ones follow the rule",
    )


class FollowIn(Schema):
    previous_id: int = Field(..., examples=[1], description="an earlier meeting I may see")


class ReplanOut(Schema):
    created_at: dt.datetime
    old_due_date: dt.date | None
    new_due_date: dt.date | None
    text: str


class ReviewRowOut(Schema):
    action_id: int
    task: str
    owner: PersonName
    department: DepartmentRef
    meeting_id: int
    meeting_title: str
    due_date: dt.date
    status: str
    on_time: bool | None = Field(
        ...,
        description="against the committed due date: true when done by it; false when done "
        "after it or still open once it passed (re-planned or not); null while open and not "
        "yet due by it",
    )
    overdue: bool = Field(..., description="open and past the due date it has now")
    slipped: bool = Field(
        ...,
        description="not cancelled and due later than committed: re-planned past the date "
        "agreed in the meeting (replans say when and why), open or done",
    )
    replans: list[ReplanOut]
    carried: bool = Field(
        ..., description="still open from an earlier meeting of the series, not the one followed"
    )
    committed_due_date: dt.date = Field(..., description="the due date as agreed in the meeting")
    replan_count: int
    escalated_at: dt.datetime | None


SERIES = ("organiser__department", "host__department", "recorder__department")
MEMBERS = Prefetch(
    "members", queryset=SeriesMember.objects.select_related("person__department").order_by("id")
)
# The services name the model's fields; the API names its inputs.
INPUT_NAMES = {"host": "host_id", "recorder": "recorder_id", "person": "person_id"}


def _series(request, pk: int) -> MeetingSeries:
    """The series as SeriesOut shows it, if the caller may see it (404 otherwise)."""
    return (
        series_visible_to(request.user).select_related(*SERIES).prefetch_related(MEMBERS).get(pk=pk)
    )


def _person(pk: int | None, field: str) -> Person | None:
    return ref(Person, pk, field=field, queryset=ACTIVE)


@router.get(
    "/series",
    response={200: list[SeriesOut], **errors(401, 422)},
    summary="List the series I may see",
    description="By name. A series shows if I organise it, may see one of its meetings, "
    "or am PMO or an administrator.",
)
@paginate(Page)
def series_list(request, filters: Query[SeriesFilters]):
    series = series_visible_to(request.user)
    if filters.active is not None:
        series = series.filter(active=filters.active)
    if filters.q.strip():
        series = series.filter(title__icontains=filters.q.strip())
    return series.select_related(*SERIES).prefetch_related(MEMBERS).order_by("title", "id")


@router.get(
    "/series/{series_id}",
    response={200: SeriesOut, **errors(401, 404)},
    summary="Read a series with its standing participants",
)
def series_read(request, series_id: int, response: HttpResponse):
    series = _series(request, series_id)
    set_etag(response, series)
    return series


@router.post(
    "/series",
    response={201: SeriesOut, **errors(401, 403, 422)},
    summary="Create a recurring meeting, e.g. a weekly check-in (I become its organiser)",
)
def series_create(request, payload: SeriesIn, response: HttpResponse):
    with named_as(**INPUT_NAMES):
        series = services.series_create(
            actor=request.user,
            title=payload.title,
            recurrence=payload.recurrence,
            duration_minutes=payload.duration_minutes,
            location=payload.location,
            standing_topics=[topic.dict() for topic in payload.standing_topics],
            host=_person(payload.host_id, "host_id"),
            recorder=_person(payload.recorder_id, "recorder_id"),
            plan_ahead=payload.plan_ahead,
        )
    series = _series(request, series.pk)
    set_etag(response, series)
    return Status(201, series)


@router.patch(
    "/series/{series_id}",
    response={200: SeriesOut, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Change a series (its organiser, PMO; needs If-Match)",
    description="Meetings already planned keep what they have. Send the ETag you read in "
    "If-Match: a stale write gets 412.",
)
def series_update(request, series_id: int, payload: SeriesPatch, response: HttpResponse):
    series = series_get_visible(person=request.user, pk=series_id)
    require_if_match(request, series)
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in (
        "title",
        "recurrence",
        "duration_minutes",
        "location",
        "standing_topics",
        "plan_ahead",
        "active",
    ):
        if data.get(name) is not None:
            changes[name] = data[name]
    for role in ("host", "recorder"):
        # null clears the role: a series may leave it to each meeting
        if f"{role}_id" in data:
            changes[role] = _person(data[f"{role}_id"], f"{role}_id")
    with named_as(**INPUT_NAMES):
        services.series_update(actor=request.user, series=series, **changes)
    series = _series(request, series_id)
    set_etag(response, series)
    return series


@router.post(
    "/series/{series_id}/members",
    response={201: MemberOut, **errors(401, 403, 404, 409, 422)},
    summary="Add a standing participant, invited to every meeting the series plans from now "
    "on (organiser)",
)
def series_member_add(request, series_id: int, payload: MemberIn):
    series = series_get_visible(person=request.user, pk=series_id)
    with named_as(**INPUT_NAMES):
        member = services.series_member_add(
            actor=request.user,
            series=series,
            person=ref(Person, payload.person_id, field="person_id"),
            role=payload.role,
        )
    return Status(201, SeriesMember.objects.select_related("person__department").get(pk=member.pk))


@router.delete(
    "/series/{series_id}/members/{person_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Remove a standing participant (organiser); meetings already planned keep them",
)
def series_member_remove(request, series_id: int, person_id: int):
    series = series_get_visible(person=request.user, pk=series_id)
    with named_as(**INPUT_NAMES):
        services.series_member_remove(
            actor=request.user, series=series, person=ref(Person, person_id, field="person_id")
        )
    return Status(204, None)


@router.post(
    "/series/{series_id}/plan-next",
    response={201: MeetingDetail, **errors(401, 403, 404, 409, 422)},
    summary="Plan the next meeting of the series as a draft",
    description="Standing topics and participants come from the last meeting; it reviews "
    "that meeting's plan first and carries its next-meeting topics.",
)
def series_plan_next(request, series_id: int, payload: PlanNextIn):
    series = series_get_visible(person=request.user, pk=series_id)
    with named_as(starts_at="first_start"):
        meeting = services.series_plan_next(
            actor=request.user, series=series, first_start=payload.first_start
        )
    return Status(201, meeting_with_record(pk=meeting.pk, person=request.user))


@router.post(
    "/meetings/{meeting_id}/follow",
    response={200: MeetingDetail, **errors(401, 403, 404, 409, 422)},
    summary="Make this meeting review an earlier meeting's action plan (organiser)",
    description="Its first topic becomes the generated review; topics the earlier meeting "
    "sent to the next meeting are carried over.",
)
def meeting_follow(request, meeting_id: int, payload: FollowIn):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    previous = ref(
        Meeting,
        payload.previous_id,
        field="previous_id",
        queryset=meetings_visible_to(request.user),
    )
    with named_as(previous="previous_id"):
        services.meeting_follow(actor=request.user, meeting=meeting, previous=previous)
    return meeting_with_record(pk=meeting.pk, person=request.user)


@router.get(
    "/meetings/{meeting_id}/review",
    response={200: list[ReviewRowOut], **errors(401, 404)},
    summary="The review of the previous plan: each item's status now and whether on time",
    description="Every action item of the meetings this one follows, oldest meeting first. "
    "A fixed number of queries however many items.",
)
def meeting_review(request, meeting_id: int):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    return [
        {
            "action_id": row.action.pk,
            "task": row.action.task,
            "owner": row.action.owner,
            "department": row.action.department,
            "meeting_id": row.action.meeting_id,
            "meeting_title": row.meeting_title,
            "due_date": row.action.due_date,
            "status": row.status,
            "on_time": row.on_time,
            "overdue": row.overdue,
            "slipped": row.slipped,
            "replans": row.replans,
            "carried": row.carried,
            "committed_due_date": row.action.committed_due_date,
            "replan_count": row.action.replan_count,
            "escalated_at": row.action.escalated_at,
        }
        for row in previous_plan_review(meeting=meeting, person=request.user)
    ]
