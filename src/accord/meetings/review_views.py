"""What the meeting pages show of the review of earlier plans (S-REVIEW-1, S-REVIEW-2).

A meeting that follows earlier ones opens by going through their plan: each item with its
owner, its due date as agreed (and its re-plans: how many, to what, why), its status and
whether it was done on time. The summary counts against the committed dates
(``series.selectors.ReviewRow``): done on time, late (done after the committed date),
slipped (re-planned past it, open or done), still open (of which overdue: past the date
they have now), cancelled. Who steers the items from there (``can_steer``: the organiser or
host of the item's meeting, or of a meeting that reviews it) gets the forms to close,
cancel, re-plan or escalate them in place.

``review_context`` builds what the shared template ``series/_review.html`` shows, for the
meeting detail page and the run page alike; ``follow_context`` what ``series/_follows.html``
shows the organiser: the meetings whose plans this one reviews and the form to add one. The
moves themselves are taken by ``accord.series.review_views``, a follow by
``accord.series.views``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy

from accord.actions.models import ActionItem
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.meetings.review_forms import MOVES, FollowForm, review_form
from accord.org.models import Person
from accord.series import selectors
from accord.series.selectors import ReviewRow, review_rows

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


def detail_url(meeting_pk: int) -> str:
    """The review on the meeting's detail page: where its moves go back to by default."""
    return reverse("meetings:detail", args=[meeting_pk]) + "#review"


def follow_context(*, person: Person, meeting: Meeting, form: FollowForm | None = None) -> dict:
    """For the organiser's meeting page: the meetings whose plans it reviews (linked when the
    person may see them, otherwise only counted) and the form to add one."""
    followed = selectors.meetings_followed(person=person, meeting=meeting)
    shown = [previous for previous in followed if previous.visible]
    return {
        "followed": shown,
        "followed_hidden": len(followed) - len(shown),
        "follow_form": form
        or FollowForm(meetings=selectors.meetings_to_follow(person=person, meeting=meeting)),
    }
