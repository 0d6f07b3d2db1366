"""Action items: list, read with their history and signature, record, correct, and the
tracking moves (S-MEET-4, S-TRACK-1..3, S-POST-3)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.actions import services
from accord.actions.models import ActionItem
from accord.actions.selectors import action_get_visible, action_signature, actions_visible_to
from accord.api.common import Page, errors, ref, require_if_match, set_etag
from accord.api.schemas import (
    ActionStatus,
    DepartmentRef,
    Done,
    OverdueReasonChoice,
    PersonRef,
    Text,
    UpdateKind,
)
from accord.core import clock
from accord.core.errors import AppError
from accord.meetings.models import AgendaTopic
from accord.meetings.selectors import meeting_get_visible
from accord.org.models import Department, Person

router = Router(tags=["actions"])

# The services name the model's fields; the API names its inputs.
INPUT_NAMES = {
    "due_date": "due",
    "owner": "owner_id",
    "department": "department_id",
    "topic": "topic_id",
}


def _call(service: Callable[..., Any], **kwargs) -> Any:
    """Call ``service``; a refusal names the input the caller sent (``due``, not
    ``due_date``)."""
    try:
        return service(**kwargs)
    except AppError as error:
        error.field = INPUT_NAMES.get(error.field, error.field)
        raise


class MeetingBrief(Schema):
    id: int
    title: str


class TopicBrief(Schema):
    id: int
    title: str


class ActionOut(Schema):
    id: int
    task: str
    status: ActionStatus
    progress: int
    due_date: dt.date
    due_text: Text = Field(description="the due date as it was said, when it was a phrase")
    overdue: bool = Field(description="open and past its due date")
    overdue_reason: str
    overdue_reason_text: str
    resources: str
    owner: PersonRef
    department: DepartmentRef
    meeting: MeetingBrief
    topic: TopicBrief | None
    completed_at: dt.datetime | None
    minutes_version: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return services.is_overdue(obj)


class UpdateOut(Schema):
    id: int
    kind: UpdateKind
    author: PersonRef
    created_at: dt.datetime
    text: str
    progress: int | None
    old_status: str
    new_status: str
    old_due_date: dt.date | None
    new_due_date: dt.date | None
    reason: Text = Field(description="the overdue reason chosen (kind overdue_reason)")


class SignatureOut(Schema):
    person_id: int
    version: int
    signed_at: dt.datetime


class ActionDetail(ActionOut):
    updates: list[UpdateOut]
    signature: SignatureOut | None

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())

    @staticmethod
    def resolve_signature(obj):
        return action_signature(obj)


class ActionFilters(FilterSchema):
    owner: int | None = None
    department: int | None = None
    status: ActionStatus | None = None
    due_after: dt.date | None = Field(None, description="due on or after this day")
    due_before: dt.date | None = Field(None, description="due on or before this day")
    overdue: bool | None = Field(None, description="open and past the due date (or not)")
    meeting: int | None = None
    series: int | None = None
    q: Text = Field("", max_length=200, description="text in the task")


DUE = Field(
    ...,
    max_length=100,
    description="A date (2026-09-15) or a phrase read from the meeting's date (9月15日前, "
    "下周五, by Sept 15). Vague words (尽快, ASAP, 待定) are refused.",
    examples=["9月15日前"],
)


class ActionIn(Schema):
    task: Text = Field(..., max_length=5000, examples=["输出技术方案"])
    owner_id: int = Field(..., examples=[5])
    due: Text = DUE
    department_id: int | None = Field(None, description="the owner's department if left out")
    resources: Text = Field("", max_length=5000, examples=["2名后端工程师"])
    topic_id: int | None = None


class ActionPatch(Schema):
    task: Text | None = Field(None, max_length=5000, examples=["输出技术方案（含接口设计）"])
    owner_id: int | None = None
    due: Text | None = Field(None, max_length=100, examples=["9月18日前"])
    department_id: int | None = None
    resources: Text | None = Field(None, max_length=5000)


class StatusIn(Schema):
    status: ActionStatus = Field(..., examples=["done"])
    note: Text = Field("", max_length=5000, examples=["方案已评审通过"])


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100, examples=[60])
    note: Text = Field("", max_length=5000, examples=["研发部已提交技术方案，符合需求"])


class OverdueReasonIn(Schema):
    reason: OverdueReasonChoice = Field(..., examples=["dependency"])
    text: Text = Field("", max_length=5000, examples=["等待设计稿"])


class ReplanIn(Schema):
    due: Text = Field(
        ...,
        max_length=100,
        description="The new due date, a date or a phrase read from today.",
        examples=["9月30日前"],
    )
    reason: Text = Field(..., max_length=2000, examples=["设计资源调整，延后两周"])


LIST_RELATIONS = ("owner__department", "department", "meeting", "topic")


def _action_list(person: Person, filters: ActionFilters):
    items = actions_visible_to(person)
    if filters.owner is not None:
        items = items.filter(owner_id=filters.owner)
    if filters.department is not None:
        items = items.filter(department_id=filters.department)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.due_after is not None:
        items = items.filter(due_date__gte=filters.due_after)
    if filters.due_before is not None:
        items = items.filter(due_date__lte=filters.due_before)
    if filters.overdue is not None:
        late = Q(status__in=ActionItem.OPEN_STATUSES, due_date__lt=clock.today())
        items = items.filter(late) if filters.overdue else items.exclude(late)
    if filters.meeting is not None:
        items = items.filter(meeting_id=filters.meeting)
    if filters.series is not None:
        items = items.filter(meeting__series_id=filters.series)
    text = filters.q.strip()
    if text:
        items = items.filter(task__icontains=text)
    return items.select_related(*LIST_RELATIONS).order_by("due_date", "id")


@router.get(
    "/actions",
    response={200: list[ActionOut], **errors(401, 422)},
    summary="List the action items I may see",
    description="By due date (then id). Filters combine; due_after and due_before include "
    "the day itself.",
)
@paginate(Page)
def action_list(request, filters: Query[ActionFilters]):
    return _action_list(request.user, filters)


def _detail(request, pk: int) -> ActionItem:
    return action_get_visible(person=request.user, pk=pk)


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetail, **errors(401, 404)},
    summary="Read an action item with its history (progress, status, re-plans, overdue "
    "reasons) and its signature",
)
def action_read(request, action_id: int, response: HttpResponse):
    action = _detail(request, action_id)
    set_etag(response, action)
    return action


def _people(pk: int | None, field: str) -> Person | None:
    return ref(Person, pk, field=field)


@router.post(
    "/meetings/{meeting_id}/actions",
    response={201: ActionDetail, **errors(401, 403, 404, 409, 422)},
    summary="Record an action item during the meeting or while the minutes are written",
    description="By the recorder or the host. The due date must be a real date: a phrase is "
    "read relative to the meeting's date.",
)
def action_create(request, meeting_id: int, payload: ActionIn, response: HttpResponse):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    topic = ref(
        AgendaTopic,
        payload.topic_id,
        field="topic_id",
        queryset=AgendaTopic.objects.filter(meeting=meeting),
    )
    action = _call(
        services.action_create,
        actor=request.user,
        meeting=meeting,
        task=payload.task,
        owner=_people(payload.owner_id, "owner_id"),
        due=payload.due,
        department=ref(Department, payload.department_id, field="department_id"),
        resources=payload.resources,
        topic=topic,
    )
    action = _detail(request, action.pk)
    set_etag(response, action)
    return Status(201, action)


@router.patch(
    "/actions/{action_id}",
    response={200: ActionDetail, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Correct an action item while the minutes are written (needs If-Match)",
    description="By the recorder or the host, before the minutes are approved; afterwards "
    "use /replan. Send the ETag you read in If-Match: a stale write gets 412.",
)
def action_update(request, action_id: int, payload: ActionPatch, response: HttpResponse):
    action = _detail(request, action_id)
    require_if_match(request, action)
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in ("task", "due", "resources"):
        if data.get(name) is not None:
            changes[name] = data[name]
    if data.get("owner_id") is not None:
        changes["owner"] = _people(data["owner_id"], "owner_id")
    if data.get("department_id") is not None:
        changes["department"] = ref(Department, data["department_id"], field="department_id")
    _call(services.action_update, actor=request.user, action=action, **changes)
    action = _detail(request, action_id)
    set_etag(response, action)
    return action


@router.delete(
    "/actions/{action_id}",
    response={204: None, **errors(401, 403, 404, 409, 422)},
    summary="Remove an action item recorded by mistake (before the minutes are approved)",
)
def action_delete(request, action_id: int):
    action = _detail(request, action_id)
    _call(services.action_remove, actor=request.user, action=action)
    return Status(204, None)


MOVE_ERRORS = errors(401, 403, 404, 409, 422)


def _done(action: ActionItem) -> Done:
    return Done(id=action.pk, status=action.status)


@router.post(
    "/actions/{action_id}/status",
    response={200: Done, **MOVE_ERRORS},
    summary="Change the item's status (owner, their head, the organiser side)",
    description="Cancelling, and reopening what was not in progress, is the organiser's call.",
)
def action_set_status(request, action_id: int, payload: StatusIn):
    action = _detail(request, action_id)
    _call(
        services.action_set_status,
        actor=request.user,
        action=action,
        status=payload.status,
        note=payload.note,
    )
    return _done(action)


@router.post(
    "/actions/{action_id}/progress",
    response={200: Done, **MOVE_ERRORS},
    summary="Report progress (a percentage and a note) on an open item",
)
def action_progress(request, action_id: int, payload: ProgressIn):
    action = _detail(request, action_id)
    _call(
        services.action_report_progress,
        actor=request.user,
        action=action,
        progress=payload.progress,
        note=payload.note,
    )
    return _done(action)


@router.post(
    "/actions/{action_id}/overdue-reason",
    response={200: Done, **MOVE_ERRORS},
    summary="Say why an overdue item is late (owner or their department head)",
)
def action_overdue_reason(request, action_id: int, payload: OverdueReasonIn):
    action = _detail(request, action_id)
    _call(
        services.action_report_overdue_reason,
        actor=request.user,
        action=action,
        reason=payload.reason,
        text=payload.text,
    )
    return _done(action)


@router.post(
    "/actions/{action_id}/replan",
    response={200: Done, **MOVE_ERRORS},
    summary="Re-plan an open item: a new due date and the reason (organiser side)",
)
def action_replan(request, action_id: int, payload: ReplanIn):
    action = _detail(request, action_id)
    _call(
        services.action_replan,
        actor=request.user,
        action=action,
        due=payload.due,
        reason=payload.reason,
    )
    return _done(action)


@router.post(
    "/actions/{action_id}/sign",
    response={200: Done, **MOVE_ERRORS},
    summary="Sign for my item once the minutes are approved (签字确认)",
)
def action_sign(request, action_id: int):
    action = _detail(request, action_id)
    _call(services.action_sign, actor=request.user, action=action)
    return _done(action)
