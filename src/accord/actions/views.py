"""The action item page (S-TRACK-2, S-TRACK-3, S-POST-3) and the boards (S-TRACK-1..3).

Views parse with the forms in ``accord.actions.forms``, call a service or a selector and
render; who may do what is decided by the services and shown through
``selectors.action_permissions``.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.actions import rules, selectors, services, tracking
from accord.actions.forms import (
    AcceptProposalForm,
    DeclineProposalForm,
    DepartmentBoardFilterForm,
    ImportForm,
    OverdueReasonForm,
    OverdueSortForm,
    ProgressForm,
    ProposeDueForm,
    ReplanForm,
    SignForm,
    StatusForm,
    WithdrawProposalForm,
)
from accord.actions.imports import actions_import
from accord.actions.models import ActionItem, DueDateProposal, Export
from accord.core.errors import AppError
from accord.core.paging import CappedPaginator
from accord.core.refusals import show_refusal
from accord.exports.jobs import action_plan_export, export_get_for, export_path
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_get_visible
from accord.org.models import Department

PAGE_SIZE = 25


def _visible_action(request: HttpRequest, pk: int) -> ActionItem:
    """The item if the person may see it; 404 otherwise, the same as a missing one."""
    try:
        return selectors.action_get_visible(person=request.user, pk=pk)
    except ActionItem.DoesNotExist:
        raise Http404 from None


# -- the action item page ------------------------------------------------------------------


def _render_detail(
    request: HttpRequest, action: ActionItem, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    permissions = selectors.action_permissions(person=request.user, action=action)
    page_forms: dict[str, forms.Form] = {
        "status_form": StatusForm(initial={"status": ""}),
        "progress_form": ProgressForm(initial={"progress": action.progress}),
        "reason_form": OverdueReasonForm(
            initial={"reason": action.overdue_reason, "text": action.overdue_reason_text}
        ),
        "replan_form": ReplanForm(),
        "propose_form": ProposeDueForm(),
        "accept_form": AcceptProposalForm(),
        "decline_form": DeclineProposalForm(),
        "withdraw_form": WithdrawProposalForm(),
        "sign_form": SignForm(),
    }
    page_forms.update(bound)
    page_forms["status_form"].offer(permissions.statuses, current=action.status)
    # Show the typed due phrase as a date while typing (htmx); the POST works without it.
    for name, target in (("replan_form", "due-preview"), ("propose_form", "propose-preview")):
        page_forms[name].fields["due_date"].widget.attrs.update(
            {
                "hx-get": reverse("actions:replan_preview", args=[action.pk]),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#{target}",
                "autocomplete": "off",
            }
        )
    context = {
        "nav": "boards",
        "action": action,
        "permissions": permissions,
        "signature": selectors.action_signature(action),
        "history": selectors.action_history(action=action),
        "due_history": selectors.action_due_history(action=action),
        "proposals": list(action.due_proposals.all()),
        "pending": selectors.action_pending_proposal(action),
        "overdue": rules.is_overdue(action),
        **page_forms,
    }
    return render(request, "actions/detail.html", context, status=status)


def _partial(request: HttpRequest) -> bool:
    """An htmx swap gets the part; a history restore (the Back button) gets the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The item, its history and the forms the person may use (S-TRACK-2/3, S-POST-3)."""
    return _render_detail(request, _visible_action(request, pk))


def _handle_post(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    form_key: str,
    call: Callable[[ActionItem, dict[str, Any]], object],
    success: str,
    anchor: str,
) -> HttpResponse:
    """Parse, call the service, then redirect; or show the page again with what was typed."""
    action = _visible_action(request, pk)
    form = form_class(request.POST)
    status = 422
    if form.is_valid():
        try:
            call(action, form.cleaned_data)
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, success)
            return redirect(reverse("actions:detail", args=[pk]) + anchor)
    # Read the item again: the service locked and re-read it, and the page shows it as stored.
    return _render_detail(request, _visible_action(request, pk), status=status, **{form_key: form})


@login_required
@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """S-TRACK-2: a new status, with an optional note."""
    return _handle_post(
        request,
        pk,
        form_class=StatusForm,
        form_key="status_form",
        call=lambda action, data: tracking.action_set_status(
            actor=request.user, action=action, status=data["status"], note=data["note"]
        ),
        success=_("The status is saved."),
        anchor="#history",
    )


@login_required
@require_POST
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """S-TRACK-2: the progress in per cent and what changed."""
    return _handle_post(
        request,
        pk,
        form_class=ProgressForm,
        form_key="progress_form",
        call=lambda action, data: tracking.action_report_progress(
            actor=request.user, action=action, progress=data["progress"], note=data["text"]
        ),
        success=_("The progress is saved."),
        anchor="#history",
    )


@login_required
@require_POST
def report_overdue_reason(request: HttpRequest, pk: int) -> HttpResponse:
    """S-TRACK-3: the owner says why the item is late."""
    return _handle_post(
        request,
        pk,
        form_class=OverdueReasonForm,
        form_key="reason_form",
        call=lambda action, data: tracking.action_report_overdue_reason(
            actor=request.user, action=action, reason=data["reason"], text=data["text"]
        ),
        success=_("The reason is saved; the organiser will follow up."),
        anchor="#history",
    )


@login_required
@require_POST
def replan(request: HttpRequest, pk: int) -> HttpResponse:
    """S-TRACK-3: the organiser sets a new due date (a phrase the due-date rule reads)."""
    return _handle_post(
        request,
        pk,
        form_class=ReplanForm,
        form_key="replan_form",
        call=lambda action, data: tracking.action_replan(
            actor=request.user, action=action, due=data["due_date"], reason=data["reason"]
        ),
        success=_("The item is re-planned."),
        anchor="#due-history",
    )


@login_required
@require_POST
def propose_due(request: HttpRequest, pk: int) -> HttpResponse:
    """S-TRACK-3: the owner proposes a new due date with the reason."""
    return _handle_post(
        request,
        pk,
        form_class=ProposeDueForm,
        form_key="propose_form",
        call=lambda action, data: tracking.due_proposal_create(
            actor=request.user, action=action, due=data["due_date"], reason=data["reason"]
        ),
        success=_("Your proposed date is sent; the organiser accepts or declines it."),
        anchor="#proposals",
    )


def _proposal(action: ActionItem, proposal_pk: int) -> DueDateProposal:
    """One of the item's proposals (loaded with it), or 404."""
    found = next((p for p in action.due_proposals.all() if p.pk == proposal_pk), None)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Accept the owner's date: the item is re-planned with the owner's reason."""
    _proposal(_visible_action(request, pk), proposal_pk)  # 404 before the form is read
    return _handle_post(
        request,
        pk,
        form_class=AcceptProposalForm,
        form_key="accept_form",
        call=lambda action, data: tracking.due_proposal_accept(
            actor=request.user, proposal=_proposal(action, proposal_pk)
        ),
        success=_("The proposed date is accepted; the item is re-planned."),
        anchor="#due-history",
    )


@login_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Decline the owner's date with a reason; the item keeps its due date."""
    _proposal(_visible_action(request, pk), proposal_pk)  # 404 before the form is read
    return _handle_post(
        request,
        pk,
        form_class=DeclineProposalForm,
        form_key="decline_form",
        call=lambda action, data: tracking.due_proposal_decline(
            actor=request.user, proposal=_proposal(action, proposal_pk), answer=data["answer"]
        ),
        success=_("The proposed date is declined; the owner is told why."),
        anchor="#proposals",
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The owner takes back a proposal that has no answer yet."""
    _proposal(_visible_action(request, pk), proposal_pk)  # 404 before the form is read
    return _handle_post(
        request,
        pk,
        form_class=WithdrawProposalForm,
        form_key="withdraw_form",
        call=lambda action, data: tracking.due_proposal_withdraw(
            actor=request.user, proposal=_proposal(action, proposal_pk)
        ),
        success=_("Your proposal is withdrawn."),
        anchor="#proposals",
    )


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """S-POST-3: the owner confirms the item (签字确认)."""
    return _handle_post(
        request,
        pk,
        form_class=SignForm,
        form_key="sign_form",
        call=lambda action, data: services.action_sign(actor=request.user, action=action),
        success=_("You have signed this item."),
        anchor="",
    )


@login_required
@require_GET
def replan_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The date a typed re-plan phrase stands for, or why it is none (htmx partial)."""
    _visible_action(request, pk)
    text = request.GET.get("due_date", "")
    context: dict[str, Any] = {"text": text}
    if text.strip():
        try:
            context["due"] = selectors.replan_due_preview(text=text)
        except AppError as error:
            context["error"] = error.message
    return render(request, "actions/_due_preview.html", context)


# -- boards --------------------------------------------------------------------------------


def _page(request: HttpRequest, items) -> Any:
    """A page of a board, counting at most ``COUNT_CAP`` items (``core.paging``)."""
    return CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def boards(request: HttpRequest) -> HttpResponse:
    """The boards one may open: one's department, every department for PMO and admins,
    and the overdue board for the organiser side."""
    person = request.user
    return render(
        request,
        "actions/boards.html",
        {
            "nav": "boards",
            "departments": selectors.board_departments(person=person),
            "all_departments": selectors.sees_all_departments(person),
            "show_overdue": selectors.organises_meetings(person),
        },
    )


@login_required
@require_GET
def department_board(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's items by status and due date, filtered by owner and due dates
    (S-TRACK-2)."""
    person = request.user
    department = get_object_or_404(Department, pk=pk)
    owners = selectors.department_board_owners(person=person, department=department)
    form = DepartmentBoardFilterForm(request.GET or None, owners=owners)
    status, filters = 200, {}
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
        else:
            status = 422
    items = selectors.department_board(person=person, department=department, **filters)
    template = (
        "actions/_department_board.html" if _partial(request) else "actions/department_board.html"
    )
    context = {
        "nav": "boards",
        "department": department,
        "form": form,
        "page": _page(request, items),
    }
    return render(request, template, context, status=status)


@login_required
@require_GET
def overdue_board(request: HttpRequest) -> HttpResponse:
    """Overdue items for the organiser side (S-TRACK-3): age, reason, owner, department,
    meeting; sorted by age."""
    person = request.user
    if not selectors.organises_meetings(person):
        raise Forbidden
    form = OverdueSortForm(request.GET or None)
    status, oldest_first = 200, True
    if form.is_bound:
        if form.is_valid():
            oldest_first = form.cleaned_data["sort"] != OverdueSortForm.NEWEST
        else:
            status = 422
    items = selectors.overdue_board(person=person, oldest_first=oldest_first)
    context = {
        "nav": "boards",
        "form": form,
        "oldest_first": oldest_first,
        "page": _page(request, items),
    }
    return render(request, "actions/overdue_board.html", context, status=status)


# -- the action plan as Excel, out and in --------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(request: HttpRequest, *, kind: str, params: dict, filename: str) -> HttpResponse:
    """The list ``kind`` with ``params`` (rows chosen through the visibility selectors) as an
    Excel download in the person's language; a list longer than ACCORD_EXPORT_INLINE_ROWS
    becomes a job for the worker, and the person gets a page saying it is being prepared."""
    result = action_plan_export(
        person=request.user,
        kind=kind,
        params=params,
        filename=filename,
        language=translation.get_language() or "zh-hans",
    )
    if isinstance(result, Export):
        return render(
            request, "actions/export.html", {"nav": "boards", "export": result}, status=202
        )
    response = HttpResponse(result, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """A large export the person asked for: the file once it is ready, else where it stands.
    Anyone but the person who asked gets 404."""
    try:
        job = export_get_for(person=request.user, pk=pk)
    except Export.DoesNotExist:
        raise Http404 from None
    if job.status == Export.Status.DONE:
        path = export_path(job)
        if path is None:
            raise Http404
        response = FileResponse(
            path.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX_TYPE
        )
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "actions/export.html", {"nav": "boards", "export": job})


@login_required
@require_GET
def department_board_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The department board with the page's filters, as Excel."""
    person = request.user
    department = get_object_or_404(Department, pk=pk)
    owners = selectors.department_board_owners(person=person, department=department)
    form = DepartmentBoardFilterForm(request.GET or None, owners=owners)
    filters = {}
    if form.is_bound:
        if not form.is_valid():
            messages.error(request, _("Check the filters."))
            return redirect("actions:department_board", department.pk)
        filters = form.cleaned_data
    return xlsx_download(
        request,
        kind="department",
        params={"department": department.pk, **filters},
        filename=f"{department.name}-actions.xlsx",
    )


@login_required
@require_GET
def overdue_board_xlsx(request: HttpRequest) -> HttpResponse:
    """The overdue board, in the page's order, as Excel."""
    person = request.user
    if not selectors.organises_meetings(person):
        raise Forbidden
    form = OverdueSortForm(request.GET or None)
    oldest_first = True
    if form.is_bound and form.is_valid():
        oldest_first = form.cleaned_data["sort"] != OverdueSortForm.NEWEST
    return xlsx_download(
        request,
        kind="overdue",
        params={"oldest_first": oldest_first},
        filename="overdue-actions.xlsx",
    )


def _import_meeting(request: HttpRequest, meeting_pk: int) -> Meeting:
    try:
        return meeting_get_visible(person=request.user, pk=meeting_pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_actions(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """Upload a sheet, see the accepted and refused rows; a sheet with refusals imports
    nothing until the person sends it again with "import the N valid rows". The file is
    sent again rather than kept on the server: nothing to store, expire or leak, and the rows
    are checked again at the moment they are imported."""
    meeting = _import_meeting(request, meeting_pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"nav": "meetings", "meeting": meeting, "form": form}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                report = actions_import(
                    actor=request.user,
                    meeting=meeting,
                    file=form.cleaned_data["file"],
                    accept_valid=form.cleaned_data["accept_valid"],
                )
            except AppError as error:
                status = show_refusal(form, error)
            else:
                if report.imported:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d action item imported.",
                            "%(count)d action items imported.",
                            len(report.created),
                        )
                        % {"count": len(report.created)},
                    )
                    return redirect("minutes:detail", meeting.pk)
                status = 200  # the report: nothing went wrong, some rows wait for a choice
                context["report"] = report
                context["accept_form"] = ImportForm(initial={"accept_valid": True})
    return render(request, "actions/import.html", context, status=status)
