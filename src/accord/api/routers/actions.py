"""One action item: read it with its history and signature, record it, correct it, remove
it (S-MEET-4); and what the action routers share: the item's shape and the visible item."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status

from accord.actions import rules, services
from accord.actions.models import ActionItem
from accord.actions.selectors import (
    action_get_visible,
    action_get_written,
    action_known_new,
    action_signature,
)
from accord.api.common import errors, ref, require_if_match, set_etag
from accord.api.schemas import ActionStatus, DepartmentRef, PersonRef, Text, UpdateKind
from accord.core.errors import AppError
from accord.core.limits import SHORT_TEXT
from accord.meetings import roles
from accord.meetings.models import AgendaTopic
from accord.meetings.selectors import meeting_get_for_write
from accord.org.models import Department, Person

router = Router(tags=["actions"])

# The services name the model's fields; the API names its inputs.
INPUT_NAMES = {
    "due_date": "due",
    "owner": "owner_id",
    "department": "department_id",
    "topic": "topic_id",
}


def call_service(service: Callable[..., Any], **kwargs) -> Any:
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
    committed_due_date: dt.date = Field(
        description="the due date as agreed in the meeting; re-plans move due_date, not this"
    )
    replan_count: int = Field(description="how many times the item was re-planned")
    escalated_at: dt.datetime | None = Field(
        description="when the item was last escalated to the owner's head and the PMO"
    )
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
        return rules.is_overdue(obj)


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


class DueProposalOut(Schema):
    id: int
    action_id: int
    status: str = Field(description="pending, accepted, declined or withdrawn")
    proposed_by: PersonRef
    old_due_date: dt.date = Field(description="the item's due date when it was proposed")
    due_date: dt.date = Field(description="the date the owner proposes")
    reason: str
    created_at: dt.datetime
    decided_by: PersonRef | None
    decided_at: dt.datetime | None
    answer: str = Field(description="why it was declined")


class SignatureOut(Schema):
    person_id: int
    version: int
    signed_at: dt.datetime


class ActionDetail(ActionOut):
    updates: list[UpdateOut]
    signature: SignatureOut | None
    due_proposals: list[DueProposalOut] = Field(
        description="the owner's proposed due dates, newest first"
    )

    @staticmethod
    def resolve_updates(obj) -> list:
        return list(obj.updates.all())

    @staticmethod
    def resolve_due_proposals(obj) -> list:
        return list(obj.due_proposals.all())

    @staticmethod
    def resolve_signature(obj):
        return action_signature(obj)


DUE = Field(
    ...,
    max_length=100,
    description="A date (2026-09-15) or a phrase read from the meeting's date (9月15日前, "
    "下周五, by Sept 15). Vague words (尽快, ASAP, 待定) are refused.",
    examples=["9月15日前"],
)


class ActionIn(Schema):
    task: Text = Field(..., max_length=SHORT_TEXT, examples=["输出技术方案"])
    owner_id: int = Field(..., examples=[5])
    due: Text = DUE
    department_id: int | None = Field(None, description="the owner's department if left out")
    resources: Text = Field("", max_length=SHORT_TEXT, examples=["2名后端工程师"])
    topic_id: int | None = None


class ActionPatch(Schema):
    task: Text | None = Field(None, max_length=SHORT_TEXT, examples=["输出技术方案（含接口设计）"])
    owner_id: int | None = None
    due: Text | None = Field(None, max_length=100, examples=["9月18日前"])
    department_id: int | None = None
    resources: Text | None = Field(None, max_length=SHORT_TEXT)


def visible_action(request, pk: int) -> ActionItem:
    """The item, when the caller may see it (a 404 otherwise), with what its detail shows."""
    return action_get_visible(person=request.user, pk=pk)


@router.get(
    "/actions/{action_id}",
    response={200: ActionDetail, **errors(401, 404)},
    summary="Read an action item with its history (progress, status, re-plans, overdue "
    "reasons) and its signature",
)
def action_read(request, action_id: int, response: HttpResponse):
    action = visible_action(request, action_id)
    set_etag(response, action)
    return action


def _people(pk: int | None, field: str) -> Person | None:
    return ref(Person, pk, field=field, queryset=Person.objects.select_related("department"))


@router.post(
    "/meetings/{meeting_id}/actions",
    response={201: ActionDetail, **errors(401, 403, 404, 409, 422)},
    summary="Record an action item during the meeting or while the minutes are written",
    description="By the recorder or the host. The due date must be a real date: a phrase is "
    "read relative to the meeting's date.",
)
def action_create(request, meeting_id: int, payload: ActionIn, response: HttpResponse):
    meeting = meeting_get_for_write(person=request.user, pk=meeting_id, may=roles.can_record)
    topic = ref(
        AgendaTopic,
        payload.topic_id,
        field="topic_id",
        queryset=AgendaTopic.objects.filter(meeting=meeting),
    )
    action = call_service(
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
    # The new item holds its meeting, topic, owner (with department) and department
    # already, and has no history and no signature yet: the answer reads nothing more.
    action_known_new(action)
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
    action = visible_action(request, action_id)
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
    call_service(services.action_update, actor=request.user, action=action, **changes)
    action = action_get_written(pk=action_id)
    set_etag(response, action)
    return action


@router.delete(
    "/actions/{action_id}",
    response={204: None, **errors(401, 403, 404, 409, 422)},
    summary="Remove an action item recorded by mistake (before the minutes are approved)",
)
def action_delete(request, action_id: int):
    action = visible_action(request, action_id)
    call_service(services.action_remove, actor=request.user, action=action)
    return Status(204, None)
