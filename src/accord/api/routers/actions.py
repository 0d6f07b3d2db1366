"""Action items: list, read with their history and signature, record, correct, and the
tracking moves (S-MEET-4, S-TRACK-1..3, S-POST-3)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from ninja import Field, FilterSchema, Query, Router, Schema, Status

from accord.actions import services, tracking
from accord.actions.models import ActionItem, DueDateProposal, Export
from accord.actions.selectors import (
    action_get_visible,
    action_get_written,
    action_known_new,
    action_signature,
    actions_page,
    due_proposals_awaiting,
)
from accord.api.common import Page, errors, ref, render, require_if_match, set_etag
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
from accord.core.limits import SHORT_TEXT
from accord.exports.jobs import action_plan_export, export_get_for, export_path
from accord.meetings import roles
from accord.meetings.models import AgendaTopic
from accord.meetings.selectors import meeting_get_for_write
from accord.org.models import Department, Person

router = Router(tags=["actions"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


class StatusIn(Schema):
    status: ActionStatus = Field(..., examples=["done"])
    note: Text = Field("", max_length=SHORT_TEXT, examples=["方案已评审通过"])


class ProgressIn(Schema):
    progress: int = Field(..., ge=0, le=100, examples=[60])
    note: Text = Field("", max_length=SHORT_TEXT, examples=["研发部已提交技术方案，符合需求"])


class OverdueReasonIn(Schema):
    reason: OverdueReasonChoice = Field(..., examples=["dependency"])
    text: Text = Field("", max_length=SHORT_TEXT, examples=["等待设计稿"])


class ReplanIn(Schema):
    due: Text = Field(
        ...,
        max_length=100,
        description="The new due date, a date or a phrase read from today.",
        examples=["9月30日前"],
    )
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["设计资源调整，延后两周"])


class ProposeIn(Schema):
    due: Text = Field(
        ...,
        max_length=100,
        description="The proposed due date, a date or a phrase read from today; not before today.",
        examples=["9月30日前"],
    )
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["等待测试服务器到货"])


class DeclineIn(Schema):
    answer: Text = Field(
        ...,
        max_length=SHORT_TEXT,
        description="why not, for the owner",
        examples=["上线日期不能再推"],
    )


class EscalateIn(Schema):
    note: Text = Field(
        ...,
        max_length=SHORT_TEXT,
        description="what help is needed, for the owner's department head and the PMO",
        examples=["供应商接口延期，需要研发部负责人协调资源"],
    )


class ExportOut(Schema):
    id: int
    status: str = Field(description="pending, running, done or failed")
    rows: int = Field(description="how many rows the sheet has (counted when asked)")
    filename: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    error: str = Field(description="why it failed, when it did")
    url: str = Field(description="GET it: the file once done")

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/exports/{obj.pk}"


class ActionPage(Schema):
    items: list[ActionOut]
    count: int


# What a row of ``ActionOut`` is read from, in one query: the item and its four relations.
ROW_VALUES = (
    "id",
    "task",
    "status",
    "progress",
    "due_date",
    "due_text",
    "committed_due_date",
    "replan_count",
    "escalated_at",
    "overdue_reason",
    "overdue_reason_text",
    "resources",
    "completed_at",
    "minutes_version",
    "owner_id",
    "owner__name",
    "owner__username",
    "owner__department__name",
    "department_id",
    "department__name",
    "meeting_id",
    "meeting__title",
    "topic_id",
    "topic__title",
)


def action_page(person: Person, filters: ActionFilters, *, page: int, size: int) -> dict:
    """A page of ``ActionOut`` rows and how many items there are in all, shaped here from
    values. A list is the API's busiest answer: this builds no model instance and runs no
    schema per row. The shape is held to ``ActionOut`` by a test that compares both, field
    for field. (The total is counted apart from the page's joins: a window over the page's
    query would join every row it counts.)"""
    rows, count = actions_page(
        person=person,
        fields=ROW_VALUES,
        offset=(page - 1) * size,
        size=size,
        **filters.model_dump(),
    )
    today = clock.today()
    return {"items": [_row(row, today) for row in rows], "count": count}


def _row(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    return {
        "id": row["id"],
        "task": row["task"],
        "status": row["status"],
        "progress": row["progress"],
        "due_date": row["due_date"],
        "due_text": row["due_text"],
        "committed_due_date": row["committed_due_date"],
        "replan_count": row["replan_count"],
        "escalated_at": row["escalated_at"],
        "overdue": services.is_late(row["status"], row["due_date"], today),
        "overdue_reason": row["overdue_reason"],
        "overdue_reason_text": row["overdue_reason_text"],
        "resources": row["resources"],
        "owner": {
            "id": row["owner_id"],
            "name": row["owner__name"] or row["owner__username"],
            "department": row["owner__department__name"],
        },
        "department": {"id": row["department_id"], "name": row["department__name"]},
        "meeting": {"id": row["meeting_id"], "title": row["meeting__title"]},
        "topic": (
            {"id": row["topic_id"], "title": row["topic__title"]}
            if row["topic_id"] is not None
            else None
        ),
        "completed_at": row["completed_at"],
        "minutes_version": row["minutes_version"],
    }


@router.get(
    "/actions",
    response={200: ActionPage, **errors(401, 422)},
    summary="List the action items I may see",
    description="By due date (then id), a page at a time (page, page_size up to 100). "
    "Filters combine; due_after and due_before include the day itself.",
)
def action_list(request, filters: Query[ActionFilters], paging: Query[Page.Input]):
    page = action_page(request.user, filters, page=paging.page, size=paging.page_size)
    # Rendered as the API renders any answer, without validating the rows again.
    return render(request, page, status=200)


@router.get(
    "/actions.xlsx",
    response={200: None, 202: ExportOut, **errors(401, 422)},
    summary="The action items I may see as an Excel sheet (the action plan's columns)",
    description="The same filters and order as GET /actions, without paging; header, status "
    "labels and sheet name in the caller's language (Accept-Language). More rows than "
    "ACCORD_EXPORT_INLINE_ROWS (2,000 by default) are prepared by the worker: 202 with a "
    "Location (GET /exports/{export_id}) to fetch the file from once it is ready; the caller "
    "is also told in the app.",
    openapi_extra={
        "responses": {
            200: {
                "description": "An XLSX workbook",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def action_list_xlsx(request, filters: Query[ActionFilters], response: HttpResponse):
    result = action_plan_export(
        person=request.user,
        kind="filtered",
        params=filters.model_dump(),
        filename="actions.xlsx",
        language=translation.get_language() or "zh-hans",
    )
    if isinstance(result, Export):
        response["Location"] = f"/api/v1/exports/{result.pk}"
        response["Retry-After"] = "5"
        return Status(202, result)
    answer = HttpResponse(result, content_type=XLSX_TYPE)
    answer["Content-Disposition"] = content_disposition_header(True, "actions.xlsx")
    return answer


@router.get(
    "/exports/{export_id}",
    response={202: ExportOut, 409: ExportOut, **errors(401, 404)},
    summary="A large export I asked for: the file once it is ready",
    description="While the worker prepares it: 202 with its state and Retry-After. Once "
    "done: the file. If it failed: 409 with the error. Only the person who asked sees it "
    "(404 for anyone else); it is deleted 7 days after it was asked for.",
    openapi_extra={
        "responses": {
            200: {
                "description": "An XLSX workbook",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_download(request, export_id: int, response: HttpResponse):
    export = export_get_for(person=request.user, pk=export_id)
    if export.status == Export.Status.FAILED:
        return Status(409, export)
    if export.status != Export.Status.DONE:
        response["Retry-After"] = "5"
        return Status(202, export)
    path = export_path(export)
    if path is None:
        raise Export.DoesNotExist
    answer = HttpResponse(path.read_bytes(), content_type=XLSX_TYPE)
    answer["Content-Disposition"] = content_disposition_header(True, export.filename)
    answer["Cache-Control"] = "private, no-store"
    return answer


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
    action = action_get_written(pk=action_id)
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


def _move(request, action_id: int, service, **fields) -> Done:
    """A lifecycle move: the visible item, the service, the item's status after it."""
    action = _detail(request, action_id)
    _call(service, actor=request.user, action=action, **fields)
    return Done(id=action.pk, status=action.status)


@router.post(
    "/actions/{action_id}/status",
    response={200: Done, **MOVE_ERRORS},
    summary="Change the item's status (owner, their head, the organiser side)",
    description="Cancelling, and reopening what was not in progress, is the organiser's call.",
)
def action_set_status(request, action_id: int, payload: StatusIn):
    return _move(
        request, action_id, tracking.action_set_status, status=payload.status, note=payload.note
    )


@router.post(
    "/actions/{action_id}/progress",
    response={200: Done, **MOVE_ERRORS},
    summary="Report progress (a percentage and a note) on an open item",
)
def action_progress(request, action_id: int, payload: ProgressIn):
    return _move(
        request,
        action_id,
        tracking.action_report_progress,
        progress=payload.progress,
        note=payload.note,
    )


@router.post(
    "/actions/{action_id}/overdue-reason",
    response={200: Done, **MOVE_ERRORS},
    summary="Say why an overdue item is late (owner or their department head)",
)
def action_overdue_reason(request, action_id: int, payload: OverdueReasonIn):
    return _move(
        request,
        action_id,
        tracking.action_report_overdue_reason,
        reason=payload.reason,
        text=payload.text,
    )


@router.post(
    "/actions/{action_id}/replan",
    response={200: Done, **MOVE_ERRORS},
    summary="Re-plan an open item: a new due date and the reason (organiser side)",
)
def action_replan(request, action_id: int, payload: ReplanIn):
    return _move(request, action_id, tracking.action_replan, due=payload.due, reason=payload.reason)


def _proposal_read(pk: int) -> DueDateProposal:
    return DueDateProposal.objects.select_related(
        "proposed_by__department", "decided_by__department"
    ).get(pk=pk)


def _proposal(request, action_id: int, proposal_id: int) -> DueDateProposal:
    """A proposal of an item the caller may see; 404 otherwise."""
    action = _detail(request, action_id)
    proposal = next((p for p in action.due_proposals.all() if p.pk == proposal_id), None)
    if proposal is None:
        raise DueDateProposal.DoesNotExist
    return proposal


@router.post(
    "/actions/{action_id}/due-proposals",
    response={201: DueProposalOut, **MOVE_ERRORS},
    summary="Propose a new due date for my item, with the reason (owner)",
    description="Whoever may re-plan the item (the organiser side) accepts or declines it; "
    "one proposal waits at a time (409 while one does).",
)
def due_proposal_create(request, action_id: int, payload: ProposeIn):
    action = _detail(request, action_id)
    proposal = _call(
        tracking.due_proposal_create,
        actor=request.user,
        action=action,
        due=payload.due,
        reason=payload.reason,
    )
    return Status(201, _proposal_read(proposal.pk))


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/accept",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Accept the owner's proposed date: the item is re-planned with their reason "
    "(organiser side)",
)
def due_proposal_accept(request, action_id: int, proposal_id: int):
    proposal = _proposal(request, action_id, proposal_id)
    _call(tracking.due_proposal_accept, actor=request.user, proposal=proposal)
    return _proposal_read(proposal.pk)


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/decline",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Decline the owner's proposed date with a reason (organiser side)",
)
def due_proposal_decline(request, action_id: int, proposal_id: int, payload: DeclineIn):
    proposal = _proposal(request, action_id, proposal_id)
    _call(
        tracking.due_proposal_decline, actor=request.user, proposal=proposal, answer=payload.answer
    )
    return _proposal_read(proposal.pk)


@router.post(
    "/actions/{action_id}/due-proposals/{proposal_id}/withdraw",
    response={200: DueProposalOut, **MOVE_ERRORS},
    summary="Withdraw my proposal while it waits for an answer (owner)",
)
def due_proposal_withdraw(request, action_id: int, proposal_id: int):
    proposal = _proposal(request, action_id, proposal_id)
    _call(tracking.due_proposal_withdraw, actor=request.user, proposal=proposal)
    return _proposal_read(proposal.pk)


@router.get(
    "/due-proposals",
    response={200: list[DueProposalOut], **errors(401)},
    summary="Proposed due dates waiting for my answer (meetings I organise or host)",
    description="Pending, on open items, oldest first; at most 100.",
)
def due_proposals_waiting(request):
    return list(
        due_proposals_awaiting(person=request.user).select_related("decided_by__department")[:100]
    )


@router.post(
    "/actions/{action_id}/escalate",
    response={200: Done, **MOVE_ERRORS},
    summary="Escalate an open item with a note: its owner's department head and the PMO are "
    "told (organiser side, S-REVIEW-2)",
)
def action_escalate(request, action_id: int, payload: EscalateIn):
    return _move(request, action_id, tracking.action_escalate, note=payload.note)


@router.post(
    "/actions/{action_id}/sign",
    response={200: Done, **MOVE_ERRORS},
    summary="Sign for my item once the minutes are approved (签字确认)",
)
def action_sign(request, action_id: int):
    return _move(request, action_id, services.action_sign)
