"""Series, follow-up meetings and the review of the previous plan (S-REVIEW-1, S-REVIEW-2).

Which series one sees is ``accord.series.selectors.series_visible_to``: those one organises,
those with a meeting one may see, and all of them for PMO and administrators."""

import datetime as dt

from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.api.common import Page, errors, ref
from accord.api.routers.meetings import MeetingDetail, PersonName, named_as
from accord.api.schemas import DepartmentRef, PersonRef, Text
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_get_visible, meeting_with_record, meetings_visible_to
from accord.series import services
from accord.series.selectors import previous_plan_review, series_get_visible, series_visible_to

router = Router(tags=["series"])


class StandingTopic(Schema):
    title: Text = Field(..., max_length=200, examples=["本周进展"])
    minutes: int = Field(..., ge=1, le=24 * 60, examples=[10])


class SeriesOut(Schema):
    id: int
    title: str
    organiser: PersonRef
    recurrence: str
    duration_minutes: int
    location: str
    standing_topics: list[StandingTopic]
    active: bool


class SeriesFilters(FilterSchema):
    active: bool | None = None
    q: Text = Field("", max_length=200, description="text in the name")


class SeriesIn(Schema):
    title: Text = Field(..., max_length=200, examples=["Q3上线周例会"])
    recurrence: Text = Field(..., max_length=200, examples=["FREQ=WEEKLY;BYDAY=MO"])
    duration_minutes: int = Field(30, ge=1, le=24 * 60, examples=[30])
    location: Text = Field("", max_length=200, examples=["3号会议室"])
    standing_topics: list[StandingTopic] = Field([], max_length=50)


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
    on_time: bool | None = Field(..., description="null: open and not yet due")
    overdue: bool
    replans: list[ReplanOut]


SERIES = ("organiser__department",)


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
    return series.select_related(*SERIES).order_by("title", "id")


@router.get(
    "/series/{series_id}",
    response={200: SeriesOut, **errors(401, 404)},
    summary="Read a series",
)
def series_read(request, series_id: int):
    return series_get_visible(person=request.user, pk=series_id)


@router.post(
    "/series",
    response={201: SeriesOut, **errors(401, 403, 422)},
    summary="Create a recurring meeting, e.g. a weekly check-in (I become its organiser)",
)
def series_create(request, payload: SeriesIn):
    series = services.series_create(
        actor=request.user,
        title=payload.title,
        recurrence=payload.recurrence,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        standing_topics=[topic.dict() for topic in payload.standing_topics],
    )
    return Status(201, series_visible_to(request.user).select_related(*SERIES).get(pk=series.pk))


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
            "replans": row.replans,
        }
        for row in previous_plan_review(meeting=meeting, person=request.user)
    ]
