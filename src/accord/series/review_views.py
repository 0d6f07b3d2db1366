"""The review of the previous action plan on the meeting pages (S-REVIEW-2), and its moves.

A meeting that follows earlier ones opens by going through their plan: each item with its
owner, its due date as agreed (and its re-plans: how many, to what, why), its status and
whether it was done on time. The summary counts against the committed dates
(``series.selectors.ReviewRow``): done on time, late (done after the committed date),
slipped (re-planned past it, open or done), still open (of which overdue: past the date
they have now), cancelled. Who steers the items from there (``can_steer``: the organiser or host of the item's
meeting, or of a meeting that reviews it) closes, cancels, re-plans or escalates them in
place; the actions services check again and decide.

``review_context`` builds what the shared template ``series/_review.html`` shows, for the
meeting detail page and the run page alike; ``review_move`` takes one move and goes back to
the page it came from, or shows the detail page again with the refusal at the item's form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.core.errors import AppError
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_get_visible
from accord.org.models import Person
from accord.series.review_forms import MOVES, review_form
from accord.series.selectors import ReviewRow, previous_plan_review
from accord.web.forms import show_refusal

Status = ActionItem.Status

MOVE_LABELS = {
    "close": gettext_lazy("Close as done"),
    "cancel": gettext_lazy("Cancel item"),
    "replan": gettext_lazy("Re-plan"),
    "escalate": gettext_lazy("Escalate"),
}


@dataclass
class ReviewFailure:
    """A refused move, shown again at its item's form with what was typed."""

    action_pk: int
    move: str
    form: forms.Form


@dataclass
class Move:
    name: str
    label: str
    url: str
    form: forms.Form
    open: bool = False


@dataclass
class ReviewEntry:
    row: ReviewRow
    moves: list[Move] = field(default_factory=list)
    # A refusal for someone who has no forms here (403): shown in the row all the same.
    failed_messages: list[str] = field(default_factory=list)


@dataclass
class Review:
    entries: list[ReviewEntry]
    next_url: str
    done_on_time: int
    late: int
    slipped: int
    still_open: int
    overdue: int
    cancelled: int
    with_moves: bool

    @property
    def total(self) -> int:
        return len(self.entries)


def review_rows(*, person: Person, meeting: Meeting) -> list[ReviewRow] | None:
    """The rows the person may see, or None when the meeting follows no earlier meeting
    (then there is no review: one query)."""
    if not meeting.previous_meetings.exists():
        return None
    return previous_plan_review(meeting=meeting, person=person)


def _steering(person: Person, meeting: Meeting) -> Callable[[ActionItem], bool]:
    """``actions.can_steer`` for the items of this review without a query per row: who
    organises an item's meeting, or who organises or hosts this meeting when the item comes
    from an earlier meeting of the same series that is not confidential."""
    reviews = (
        person.is_active
        and person.pk in (meeting.organiser_id, meeting.host_id)
        and meeting.status != Meeting.Status.CANCELLED
    )

    def steer(action: ActionItem) -> bool:
        earlier = action.meeting
        return roles.can_organise(person, earlier) or (
            reviews
            and not earlier.confidential
            and meeting.series_id is not None
            and earlier.series_id == meeting.series_id
            and earlier.starts_at < meeting.starts_at
        )

    return steer


def review_context(
    *,
    person: Person,
    meeting: Meeting,
    next_url: str,
    failure: ReviewFailure | None = None,
) -> dict[str, Any]:
    """``{"review": Review | None}`` for ``series/_review.html``; the forms post back with
    ``next_url``. A constant number of queries however many items."""
    rows = review_rows(person=person, meeting=meeting)
    if rows is None:
        return {"review": None}
    steer = _steering(person, meeting)
    entries = []
    for row in rows:
        entry = ReviewEntry(row)
        failed_here = failure is not None and failure.action_pk == row.action.pk
        if row.status in ActionItem.OPEN_STATUSES and steer(row.action):
            for name in MOVES:
                failed = failed_here and failure.move == name
                entry.moves.append(
                    Move(
                        name=name,
                        label=MOVE_LABELS[name],
                        url=reverse(f"review:{name}", args=[meeting.pk, row.action.pk]),
                        form=failure.form if failed else review_form(name, row.action.pk),
                        open=failed,
                    )
                )
        elif failed_here:
            entry.failed_messages = [
                message for errors in failure.form.errors.values() for message in errors
            ]
        entries.append(entry)
    return {
        "review": Review(
            entries=entries,
            next_url=next_url,
            done_on_time=sum(r.status == Status.DONE and r.on_time is True for r in rows),
            late=sum(r.status == Status.DONE and r.on_time is False for r in rows),
            slipped=sum(r.slipped for r in rows),
            still_open=sum(r.status in ActionItem.OPEN_STATUSES for r in rows),
            overdue=sum(r.overdue for r in rows),
            cancelled=sum(r.status == Status.CANCELLED for r in rows),
            with_moves=any(entry.moves or entry.failed_messages for entry in entries),
        )
    }


# -- the moves ------------------------------------------------------------------------------


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


def detail_url(meeting_pk: int) -> str:
    return reverse("meetings:detail", args=[meeting_pk]) + "#review"


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
    from accord.meetings.views import detail_page  # the meeting pages include the review

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
