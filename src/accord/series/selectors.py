"""The review of the previous action plan (S-REVIEW-2), generated from the items' live state."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from accord.actions.models import ActionItem, ActionUpdate
from accord.core import clock
from accord.meetings.models import Meeting


@dataclass
class ReviewRow:
    action: ActionItem
    meeting_title: str
    status: str
    on_time: bool | None  # None: open and not yet due
    overdue: bool
    replans: list[ActionUpdate] = field(default_factory=list)


def previous_plan_review(*, meeting: Meeting, today: dt.date | None = None) -> list[ReviewRow]:
    """Every action item of the meetings this one follows, with its status now, whether it was
    (or still can be) on time, and its re-plans. Two queries however many items."""
    today = today or clock.today()
    actions = (
        ActionItem.objects.filter(meeting__following_meetings=meeting)
        .select_related("owner", "department", "meeting")
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=ActionUpdate.objects.filter(kind=ActionUpdate.Kind.REPLAN).order_by(
                    "created_at", "id"
                ),
                to_attr="replans",
            )
        )
        .order_by("meeting__starts_at", "id")
    )
    rows = []
    for action in actions:
        overdue = action.status in ActionItem.OPEN_STATUSES and action.due_date < today
        if action.status == ActionItem.Status.DONE and action.completed_at is not None:
            on_time = timezone.localtime(action.completed_at).date() <= action.due_date
        elif overdue:
            on_time = False
        else:
            on_time = None
        rows.append(
            ReviewRow(
                action=action,
                meeting_title=action.meeting.title,
                status=action.status,
                on_time=on_time,
                overdue=overdue,
                replans=action.replans,
            )
        )
    return rows
