"""Minutes: the record, its approved versions, the summary, and the review moves (S-POST-1,
S-POST-2). A meeting has one Minutes row from the moment it ends, so every path hangs off the
meeting: ``/meetings/{meeting_id}/minutes/...``."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpResponse
from django.utils import translation
from ninja import Field, Router, Schema

from accord.api.common import errors, require_if_match, set_etag
from accord.api.schemas import Done, Text
from accord.core import clock
from accord.core.limits import MEDIUM_TEXT, SHORT_TEXT, SUMMARY_TEXT
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_get_visible, meeting_with_record
from accord.minutes import services
from accord.minutes.models import Minutes
from accord.minutes.selectors import (
    minutes_document_record,
    minutes_history,
    minutes_is_late,
)

router = Router(tags=["minutes"])


class ApproverOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.name or obj.username


class MinutesOut(Schema):
    id: int
    meeting_id: int
    status: Text = Field(..., description="the meeting's status: where the review stands")
    version: int = Field(..., description="the version being written or last approved")
    summary: str
    due_at: dt.datetime = Field(..., description="24 hours after the meeting ended")
    late: bool = Field(..., description="not distributed by due_at")
    minutes_left: int = Field(..., description="until due_at; 0 once it has passed")
    submitted_at: dt.datetime | None
    first_distributed_at: dt.datetime | None
    review_comment: Text = Field(..., description="what the host asked to change")
    revision_reason: Text = Field(..., description="why this version changes an approved one")
    record: dict[str, Any] = Field(
        ...,
        description=(
            "approved minutes show the approved version's content, with each action item's "
            "status as of statuses_as_of (an ISO time), replanned_to (its due date now) when "
            "re-planned since and removed: true when removed since; others the live record"
        ),
    )


class VersionOut(Schema):
    number: int
    reason: str
    approved_at: dt.datetime
    approved_by: ApproverOut
    distributed_at: dt.datetime | None
    changes: list[str] | None = Field(
        None, description="what changed since the previous version; none for the first"
    )


class VersionRecordOut(Schema):
    number: int
    reason: str
    approved_at: dt.datetime
    approved_by: ApproverOut
    distributed_at: dt.datetime | None
    record: dict[str, Any]


class SummaryIn(Schema):
    summary: Text = Field(
        ..., max_length=SUMMARY_TEXT, examples=["会议确定了Q3上线的分工与时间节点。"]
    )


class ReturnIn(Schema):
    comment: Text = Field(..., max_length=MEDIUM_TEXT, examples=["请补充研发部的资源需求"])


class ReviseIn(Schema):
    reason: Text = Field(..., max_length=SHORT_TEXT, examples=["销售部的截止日期记录有误"])


def _meeting(request, meeting_id: int) -> Meeting:
    return meeting_with_record(pk=meeting_id, person=request.user)


def _minutes(meeting: Meeting) -> Minutes:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None:
        raise Minutes.DoesNotExist
    return minutes


def _out(meeting: Meeting) -> dict:
    minutes = _minutes(meeting)
    # The same record as the minutes page and every document: the approved version's
    # content with today's statuses (``statuses_as_of``), ``replanned_to`` and ``removed``.
    record = minutes_document_record(meeting=meeting)
    left = int((minutes.due_at - clock.now()).total_seconds())
    return {
        "id": minutes.pk,
        "meeting_id": meeting.pk,
        "status": meeting.status,
        "version": minutes.version,
        "summary": minutes.summary,
        "due_at": minutes.due_at,
        "late": minutes_is_late(minutes),
        "minutes_left": max(0, left) // 60,
        "submitted_at": minutes.submitted_at,
        "first_distributed_at": minutes.first_distributed_at,
        "review_comment": minutes.review_comment,
        "revision_reason": minutes.revision_reason,
        "record": record,
    }


@router.get(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **errors(401, 404)},
    summary="Read the minutes with their 24-hour clock and review state",
    description="404 until the meeting has ended. The ETag guards PATCH of the summary.",
)
def minutes_read(request, meeting_id: int, response: HttpResponse):
    meeting = _meeting(request, meeting_id)
    set_etag(response, _minutes(meeting))
    return _out(meeting)


@router.patch(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **errors(401, 403, 404, 409, 412, 422, 428)},
    summary="Write the summary (recorder, while the minutes are written; needs If-Match)",
)
def minutes_update(request, meeting_id: int, payload: SummaryIn, response: HttpResponse):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    minutes = Minutes.objects.get(meeting=meeting)
    require_if_match(request, minutes)
    services.minutes_update_summary(actor=request.user, meeting=meeting, summary=payload.summary)
    meeting = _meeting(request, meeting_id)
    set_etag(response, _minutes(meeting))
    return _out(meeting)


@router.get(
    "/meetings/{meeting_id}/minutes/versions",
    response={200: list[VersionOut], **errors(401, 404)},
    summary="The approved versions, oldest first, each with what changed",
    description="A fixed number of queries however many versions.",
)
def minutes_versions(request, meeting_id: int):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    minutes = Minutes.objects.get(meeting=meeting)
    return [
        {
            "number": entry.version.number,
            "reason": entry.version.reason,
            "approved_at": entry.version.approved_at,
            "approved_by": entry.version.approved_by,
            "distributed_at": entry.version.distributed_at,
            "changes": entry.changes,
        }
        for entry in minutes_history(minutes=minutes)
    ]


@router.get(
    "/meetings/{meeting_id}/minutes/versions/{number}",
    response={200: VersionRecordOut, **errors(401, 404)},
    summary="One approved version: the record as it was frozen",
)
def minutes_version(request, meeting_id: int, number: int):
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    minutes = Minutes.objects.get(meeting=meeting)
    return minutes.versions.select_related("approved_by").get(number=number)


@router.get(
    "/meetings/{meeting_id}/minutes.pdf",
    response=errors(401, 404),
    summary="The minutes as PDF (the approved version once approved, else the live record)",
    description="Labels in the caller's language (Accept-Language or their profile). "
    "Answers the file as an attachment with its name in `filename*` (RFC 6266).",
    openapi_extra={
        "responses": {
            200: {
                "description": "The minutes document",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def minutes_pdf_download(request, meeting_id: int):
    from accord.exports.downloads import attachment, document_filename
    from accord.exports.pdf import minutes_pdf

    meeting = _meeting(request, meeting_id)
    _minutes(meeting)
    content = minutes_pdf(
        minutes_document_record(meeting=meeting), language=translation.get_language()
    )
    return attachment(
        content,
        content_type="application/pdf",
        filename=document_filename(meeting.title, "pdf", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.pdf",
    )


def _binary(content_type: str, description: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/meetings/{meeting_id}/minutes.docx",
    response=errors(401, 404, 422),
    summary="The minutes as Word (the approved version once approved, else the live record)",
    description="In the organisation's active minutes template when there is one, else the "
    "built-in layout; `layout=builtin` asks for the built-in layout in any case. Labels in the "
    "caller's language (Accept-Language or their profile). Answers the file as an attachment "
    "with its name in `filename*` (RFC 6266). When the active template cannot fill these "
    "minutes (it breaks on this record, or exceeds its time or memory budget), answers 422 "
    "with `code` `template_failed` and a message naming the template and the cause.",
    openapi_extra=_binary(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "The minutes document",
    ),
)
def minutes_docx_download(
    request, meeting_id: int, layout: Literal["template", "builtin"] = "template"
):
    from accord.exports.downloads import (
        DOCX_TYPE,
        attachment,
        document_filename,
        minutes_docx_content,
    )

    meeting = _meeting(request, meeting_id)
    _minutes(meeting)
    content = minutes_docx_content(
        minutes_document_record(meeting=meeting),
        language=translation.get_language(),
        actor=request.user,
        meeting=meeting,
        layout=layout,
    )
    return attachment(
        content,
        content_type=DOCX_TYPE,
        filename=document_filename(meeting.title, "docx", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.docx",
    )


@router.get(
    "/meetings/{meeting_id}/minutes.md",
    response=errors(401, 404),
    summary="The minutes as Markdown (the approved version once approved, else the live "
    "record), to paste into wikis, Feishu docs and chat",
    description="UTF-8; labels in the caller's language (Accept-Language or their profile). "
    "Answers the file as an attachment with its name in `filename*` (RFC 6266).",
    openapi_extra=_binary("text/markdown", "The minutes as Markdown text (UTF-8)"),
)
def minutes_markdown_download(request, meeting_id: int):
    from accord.exports.downloads import MARKDOWN_TYPE, attachment, document_filename
    from accord.exports.markdown import minutes_markdown

    meeting = _meeting(request, meeting_id)
    _minutes(meeting)
    content = minutes_markdown(
        minutes_document_record(meeting=meeting), language=translation.get_language()
    )
    return attachment(
        content.encode(),
        content_type=MARKDOWN_TYPE,
        filename=document_filename(meeting.title, "md", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.md",
    )


MOVE_ERRORS = errors(401, 403, 404, 409, 422)


def _move(request, meeting_id: int, move, **extra) -> Done:
    meeting = meeting_get_visible(person=request.user, pk=meeting_id)
    move(actor=request.user, meeting=meeting, **extra)
    return Done(id=meeting.pk, status=meeting.status)


@router.post(
    "/meetings/{meeting_id}/minutes/submit",
    response={200: Done, **MOVE_ERRORS},
    summary="Hand the minutes to the host for review (recorder)",
    description="Answers the meeting's id and status.",
)
def minutes_submit(request, meeting_id: int):
    return _move(request, meeting_id, services.minutes_submit)


@router.post(
    "/meetings/{meeting_id}/minutes/return",
    response={200: Done, **MOVE_ERRORS},
    summary="Send the minutes back with what must change (host)",
)
def minutes_return(request, meeting_id: int, payload: ReturnIn):
    return _move(request, meeting_id, services.minutes_return, comment=payload.comment)


@router.post(
    "/meetings/{meeting_id}/minutes/approve",
    response={200: Done, **MOVE_ERRORS},
    summary="Approve the minutes: the record is frozen as a numbered version (host)",
)
def minutes_approve(request, meeting_id: int):
    return _move(request, meeting_id, services.minutes_approve)


@router.post(
    "/meetings/{meeting_id}/minutes/distribute",
    response={200: Done, **MOVE_ERRORS},
    summary="Send the approved version to participants and copied departments",
)
def minutes_distribute(request, meeting_id: int):
    return _move(request, meeting_id, services.minutes_distribute)


@router.post(
    "/meetings/{meeting_id}/minutes/revise",
    response={200: Done, **MOVE_ERRORS},
    summary="Open a new version of approved minutes, with the reason",
)
def minutes_revise(request, meeting_id: int, payload: ReviseIn):
    return _move(request, meeting_id, services.minutes_open_revision, reason=payload.reason)
