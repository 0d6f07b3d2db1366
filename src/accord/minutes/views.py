"""The minutes page (S-POST-1..3, S-TPL-1..3): the record in the template's layout, the
24-hour clock, review (the recorder submits, the host approves or returns with a comment),
distribution, versions with what changed, and each owner's signature on their own items.

Everyone who may see the meeting reads it (participants, copied departments …); the buttons
are only those the person can use now. For everyone else the meeting does not exist (404).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accord.actions.models import ActionItem
from accord.actions.services import action_sign
from accord.core import clock
from accord.core.errors import AppError
from accord.core.refusals import show_refusal
from accord.exports import minutes_text
from accord.exports.downloads import attachment, document_filename
from accord.exports.pdf import minutes_pdf
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.meetings.rules import RECORDING
from accord.meetings.selectors import meeting_with_record
from accord.minutes import services
from accord.minutes.forms import ConfirmForm, ReturnForm, RevisionForm, SummaryForm
from accord.minutes.selectors import (
    minutes_document_record,
    minutes_history,
    minutes_is_late,
    minutes_permissions,
    minutes_steps,
)


def _load(request: HttpRequest, meeting_pk: int) -> Meeting:
    """The meeting with its whole record, if the person may see it; else 404."""
    try:
        return meeting_with_record(pk=meeting_pk, person=request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class PlanRow:
    """A row of the action plan: what the minutes say, beside the item as it stands now."""

    action: ActionItem | None  # None when the item was removed since that version
    task: str
    owner: str
    department: str
    due_date: str
    resources: str
    replanned_to: str = ""


def _plan_rows(record: dict, actions: list[ActionItem]) -> list[PlanRow]:
    """The plan of ``minutes_document_record``: the version's facts, today's items beside."""
    live = {action.pk: action for action in actions}
    return [
        PlanRow(
            action=None if item.get("removed") else live.get(item["id"]),
            task=item["task"],
            owner=item["owner"],
            department=item["department"],
            due_date=item["due_date"],
            resources=item["resources"],
            replanned_to=item.get("replanned_to", ""),
        )
        for item in record["actions"]
    ]


@dataclass
class SignatureRow:
    action: ActionItem
    signature: Any  # Signature | None
    can_sign: bool


def _clock(minutes) -> dict[str, Any]:
    """The 24-hour clock (S-POST-1): due time, time left, or late."""
    late = minutes_is_late(minutes)
    left = minutes.due_at - clock.now()
    seconds = max(0, int(left.total_seconds()))
    return {
        "late": late,
        "distributed": minutes.first_distributed_at is not None,
        "left_hours": seconds // 3600,
        "left_minutes": seconds % 3600 // 60,
    }


def _context(request: HttpRequest, meeting: Meeting, bound: dict[str, forms.Form]) -> dict:
    minutes = getattr(meeting, "minutes", None)
    context: dict[str, Any] = {"nav": "meetings", "meeting": meeting, "minutes": minutes}
    if minutes is None:
        return context
    perms = minutes_permissions(person=request.user, meeting=meeting)
    # What the documents show: the approved version's facts, today's statuses and signatures.
    record = minutes_document_record(meeting=meeting)
    context.update(
        {
            "record": record,
            # The time and each topic's minutes in the documents' words (minutes_text).
            "time": minutes_text.meeting_time(record["meeting"]),
            "topics": [
                {**topic, "time": minutes_text.topic_time(topic)} for topic in record["topics"]
            ],
            "statuses_as_of": dt.datetime.fromisoformat(record["statuses_as_of"]),
            "perms": perms,
            "clock": _clock(minutes),
            "steps": minutes_steps(meeting=meeting, minutes=minutes),
            "history": minutes_history(minutes=minutes),
            "actions": list(meeting.actions.all()),
            "plan": _plan_rows(record, list(meeting.actions.all())),
            # While the minutes are written, the recorder corrects items on the run page (the
            # same check as accord.actions.services.action_update).
            "correct_actions": meeting.status == Meeting.Status.MINUTES_DRAFT
            and roles.can_record(request.user, meeting),
            # Import from Excel: as accord.actions.services.action_create allows.
            "import_actions": meeting.status in RECORDING
            and roles.can_record(request.user, meeting),
            "signatures": [
                SignatureRow(action, getattr(action, "signature", None), action.pk in perms.sign)
                for action in meeting.actions.all()
            ],
            # The form a refused POST brought back (errors, what was typed), or a new one.
            **{
                f"{name}_form": bound[name] if name in bound else make()
                for name, make in [
                    ("summary", lambda: SummaryForm(initial={"summary": minutes.summary})),
                    ("submit", ConfirmForm),
                    ("approve", ConfirmForm),
                    ("return", ReturnForm),
                    ("distribute", ConfirmForm),
                    ("revise", RevisionForm),
                    ("sign", ConfirmForm),
                ]
            },
        }
    )
    return context


def _render(
    request: HttpRequest,
    meeting: Meeting,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    partial: str | None = None,
) -> HttpResponse:
    context = _context(request, meeting, bound or {})
    template = partial if partial and request.htmx else "minutes/detail.html"
    return render(request, template, context, status=status)


def _submit(
    request: HttpRequest,
    meeting: Meeting,
    *,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success: str,
    anchor: str,
    partial: str | None = None,
) -> HttpResponse:
    """Parse, call the service, redirect (or swap the part); on a refusal show the page again
    with what was typed and the service's message (422, or 403 when not allowed)."""
    status = 422
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, success)
            if partial and request.htmx:
                return _render(request, _load(request, meeting.pk), partial=partial)
            return redirect(reverse("minutes:detail", args=[meeting.pk]) + f"#{anchor}")
    # The service re-read the meeting inside its rolled-back transaction: read it again.
    return _render(
        request, _load(request, meeting.pk), bound={name: form}, status=status, partial=partial
    )


@login_required
@require_safe
def detail(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    return _render(request, _load(request, meeting_pk))


@login_required
@require_POST
def summary(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The recorder writes the summary while the minutes are being written (S-POST-1)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="summary",
        form=SummaryForm(request.POST),
        call=lambda data: services.minutes_update_summary(
            actor=request.user, meeting=meeting, summary=data["summary"]
        ),
        success=_("Summary saved."),
        anchor="summary",
    )


@login_required
@require_POST
def submit(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The recorder hands the minutes to the host (S-POST-1, S-POST-2)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="submit",
        form=ConfirmForm(request.POST),
        call=lambda data: services.minutes_submit(actor=request.user, meeting=meeting),
        success=_("The minutes went to the host for review."),
        anchor="review",
    )


@login_required
@require_POST
def approve(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The host approves: the record is frozen as a numbered version (S-POST-2)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="approve",
        form=ConfirmForm(request.POST),
        call=lambda data: services.minutes_approve(actor=request.user, meeting=meeting),
        success=_("The minutes are approved."),
        anchor="review",
    )


@login_required
@require_POST
def return_(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The host sends the minutes back with a comment the recorder reads (S-POST-2)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="return",
        form=ReturnForm(request.POST),
        call=lambda data: services.minutes_return(
            actor=request.user, meeting=meeting, comment=data["comment"]
        ),
        success=_("The minutes went back to the recorder with your comment."),
        anchor="review",
    )


@login_required
@require_POST
def distribute(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """To all participants, copied departments included (S-POST-2)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="distribute",
        form=ConfirmForm(request.POST),
        call=lambda data: services.minutes_distribute(actor=request.user, meeting=meeting),
        success=_("The minutes were distributed to the participants and the copied departments."),
        anchor="review",
    )


@login_required
@require_POST
def revise(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """Approved minutes change only as a new version with a reason (S-POST-2)."""
    meeting = _load(request, meeting_pk)
    return _submit(
        request,
        meeting,
        name="revise",
        form=RevisionForm(request.POST),
        call=lambda data: services.minutes_open_revision(
            actor=request.user, meeting=meeting, reason=data["reason"]
        ),
        success=_("A new version is open; it goes through review again."),
        anchor="review",
    )


@login_required
@require_POST
def sign(request: HttpRequest, meeting_pk: int, action_pk: int) -> HttpResponse:
    """An owner confirms their own item (签字确认, S-POST-3)."""
    meeting = _load(request, meeting_pk)
    action = next((a for a in meeting.actions.all() if a.pk == action_pk), None)
    if action is None:
        raise Http404
    return _submit(
        request,
        meeting,
        name="sign",
        form=ConfirmForm(request.POST),
        call=lambda data: action_sign(actor=request.user, action=action),
        success=_("You signed “%(task)s”.") % {"task": action.task},
        anchor="signatures",
        partial="minutes/_signatures_swap.html",
    )


@login_required
@require_safe
def actions_xlsx(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The meeting's action plan as it stands, as Excel (items through the visibility
    selector: a meeting one may not see is 404)."""
    from accord.actions.views import xlsx_download
    from accord.meetings.selectors import meeting_get_visible

    try:
        meeting = meeting_get_visible(person=request.user, pk=meeting_pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    return xlsx_download(
        request,
        kind="meeting",
        params={"meeting": meeting.pk},
        filename=f"{meeting.title}-actions.xlsx",
    )


@login_required
@require_safe
def download_pdf(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The minutes as PDF: the approved version once approved, else the live record."""
    meeting, record = _document(request, meeting_pk)
    content = minutes_pdf(record, language=translation.get_language())
    return attachment(
        content,
        content_type="application/pdf",
        filename=document_filename(meeting.title, "pdf", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.pdf",
    )


def _document(request: HttpRequest, meeting_pk: int) -> tuple[Meeting, dict[str, Any]]:
    """The meeting (404 unless the person may see it and it has minutes) and the record its
    documents show: the approved version once approved, else the live record."""
    meeting = _load(request, meeting_pk)
    if getattr(meeting, "minutes", None) is None:
        raise Http404
    return meeting, minutes_document_record(meeting=meeting)


@login_required
@require_safe
def download_docx(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The minutes as Word: the organisation's active template when there is one, else (or
    with ``?layout=builtin``) the built-in layout. When the template cannot fill these
    minutes, a page says why (422) and links the built-in layout."""
    from accord.exports.company_templates import can_manage_templates
    from accord.exports.downloads import BUILT_IN_LAYOUT, minutes_docx_content

    meeting, record = _document(request, meeting_pk)
    try:
        content = minutes_docx_content(
            record,
            language=translation.get_language(),
            actor=request.user,
            meeting=meeting,
            layout=request.GET.get("layout", ""),
        )
    except AppError as error:
        context = {
            "nav": "meetings",
            "meeting": meeting,
            "message": error.message,
            "built_in": f"{reverse('minutes:download_docx', args=[meeting.pk])}"
            f"?layout={BUILT_IN_LAYOUT}",
            "manages_templates": can_manage_templates(request.user),
        }
        return render(request, "minutes/docx_refused.html", context, status=422)
    return attachment(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=document_filename(meeting.title, "docx", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.docx",
    )


@login_required
@require_safe
def download_markdown(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The minutes as Markdown, to paste into Feishu docs, wikis and chat."""
    from accord.exports.markdown import minutes_markdown

    meeting, record = _document(request, meeting_pk)
    content = minutes_markdown(record, language=translation.get_language())
    return attachment(
        content.encode(),
        content_type="text/markdown; charset=utf-8",
        filename=document_filename(meeting.title, "md", fallback=str(meeting.pk)),
        fallback=f"minutes-{meeting.pk}.md",
    )
