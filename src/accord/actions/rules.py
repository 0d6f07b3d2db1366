"""The rules of an action item that reads and writes share: the day its due phrases are read
from, who may steer or track it, the status moves, and when it is overdue (S-TRACK-3).
Pure rules over the models: this module imports no selectors and no services."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.org.models import Person

Status = ActionItem.Status


def meeting_date(meeting: Meeting) -> dt.date:
    """The day due phrases are read from: the day the meeting took (or takes) place."""
    return timezone.localtime(meeting.started_at or meeting.starts_at).date()


def can_steer(person: Person, action: ActionItem) -> bool:
    """Re-plan, cancel, reopen or escalate an item: who organises its meeting, or who
    organises or hosts a later meeting of the same series, which reviews its plan
    (S-REVIEW-2). A meeting that merely follows another (anyone may link their meeting to
    one they see) reviews its plan but gets no say over its items."""
    meeting = action.meeting
    if roles.can_organise(person, meeting):
        return True
    if not person.is_active or meeting.confidential:
        return False
    if meeting.series_id is None:
        return False
    return (
        Meeting.objects.filter(Q(organiser=person) | Q(host=person))
        .filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .exists()
    )


def can_track(person: Person, action: ActionItem) -> bool:
    """Report status and progress: the owner, their department's head, the organiser side."""
    return person.is_active and (
        person.pk == action.owner_id
        or action.department.head_id == person.pk
        or can_steer(person, action)
    )


STATUS_TRANSITIONS = {
    Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.IN_PROGRESS},
    Status.CANCELLED: {Status.OPEN},
}


def is_late(status: str, due_date: dt.date, today: dt.date) -> bool:
    """Open and past its due date: the one rule, for an item or for a row of values."""
    return status in ActionItem.OPEN_STATUSES and due_date < today


def is_overdue(action: ActionItem, *, today: dt.date | None = None) -> bool:
    return is_late(action.status, action.due_date, today or clock.today())
