"""Lists of action items: a page of them, the same list as an Excel sheet (the action plan's
columns), and a large sheet the worker prepared.

Each operation names its ``operation_id``: the one it had when every action operation was in
``accord.api.routers.actions``, so that clients generated from the schema keep their names."""

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from ninja import Field, FilterSchema, Query, Router, Schema, Status

from accord.actions import rules
from accord.actions.models import Export
from accord.actions.selectors import actions_page
from accord.api.common import Page, errors, render
from accord.api.routers.actions import ActionOut
from accord.api.schemas import ActionStatus, Text
from accord.core import clock
from accord.exports.jobs import action_plan_export, export_get_for, export_path
from accord.org.models import Person

router = Router(tags=["actions"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        "overdue": rules.is_late(row["status"], row["due_date"], today),
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
    operation_id="accord_api_routers_actions_action_list",
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
    operation_id="accord_api_routers_actions_action_list_xlsx",
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
    operation_id="accord_api_routers_actions_export_download",
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
