"""The moves of the review of the previous action plan on the meeting pages (S-REVIEW-2).

Who steers an item of the review (``can_steer``: the organiser or host of the item's meeting,
or of a meeting that reviews it) closes, cancels, re-plans or escalates it in place; the
actions services check again and decide. ``review_move`` takes one move and goes back to the
page it came from, or shows the detail page again with the refusal at the item's form. What
the review shows is built by ``accord.meetings.review_views``.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.core.errors import AppError
from accord.core.refusals import show_refusal
from accord.meetings.models import Meeting
from accord.meetings.review_forms import review_form
from accord.meetings.review_views import ReviewFailure, detail_url
from accord.meetings.selectors import meeting_get_visible
from accord.meetings.views import detail_page
from accord.org.models import Person
from accord.series.selectors import review_rows

Status = ActionItem.Status


def _close(actor: Person, action: ActionItem, data: dict) -> str:
    tracking.action_set_status(actor=actor, action=action, status=Status.DONE, note=data["note"])
    return _("“%(task)s” is closed as done.") % {"task": action.task}


def _cancel(actor: Person, action: ActionItem, data: dict) -> str:
    tracking.action_set_status(
        actor=actor, action=action, status=Status.CANCELLED, note=data["note"]
    )
    return _("“%(task)s” is cancelled.") % {"task": action.task}


def _replan(actor: Person, action: ActionItem, data: dict) -> str:
    tracking.action_replan(actor=actor, action=action, due=data["due_date"], reason=data["reason"])
    return _("“%(task)s” is re-planned to %(date)s.") % {
        "task": action.task,
        "date": action.due_date.isoformat(),
    }


def _escalate(actor: Person, action: ActionItem, data: dict) -> str:
    tracking.action_escalate(actor=actor, action=action, note=data["note"])
    return _("“%(task)s” is escalated: the department head and the PMO are told.") % {
        "task": action.task
    }


SERVICES: dict[str, Callable[[Person, ActionItem, dict], str]] = {
    "close": _close,
    "cancel": _cancel,
    "replan": _replan,
    "escalate": _escalate,
}


def _next_url(request: HttpRequest, meeting_pk: int) -> str:
    """Where to go back to: the page the form was on, if it is one of ours."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return detail_url(meeting_pk)


@login_required
@require_POST
def review_move(request: HttpRequest, meeting_pk: int, action_pk: int, move: str) -> HttpResponse:
    """Close, cancel, re-plan or escalate one item of the meeting's review (S-REVIEW-2)."""
    if move not in SERVICES:
        raise Http404
    try:
        meeting = meeting_get_visible(person=request.user, pk=meeting_pk)
    except Meeting.DoesNotExist:
        raise Http404 from None
    rows = review_rows(person=request.user, meeting=meeting) or []
    row = next((row for row in rows if row.action.pk == action_pk), None)
    if row is None:
        raise Http404
    form = review_form(move, action_pk, request.POST)
    next_url = _next_url(request, meeting_pk)
    status = 422
    if form.is_valid():
        try:
            notice = SERVICES[move](request.user, row.action, form.cleaned_data)
        except AppError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, notice)
            # The URL itself, never resolved as a view name.
            return HttpResponseRedirect(next_url)
    return detail_page(
        request,
        meeting_pk,
        status=status,
        review_failure=ReviewFailure(action_pk=action_pk, move=move, form=form),
        review_next=next_url,
    )
