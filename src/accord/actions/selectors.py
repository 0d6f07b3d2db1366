"""Reads of action items, and the inputs of the tracking rules (S-TRACK-1..3, S-POST-3) that
the notification planner applies. Each takes the day it is asked for, so the planner and the
tests can ask about any day; each uses an index on (status, due_date)."""

import datetime as dt

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings.models import Meeting
from accord.meetings.selectors import meetings_visible_to
from accord.org.models import Person

OPEN = ActionItem.OPEN_STATUSES


def actions_visible_to(person: Person) -> QuerySet[ActionItem]:
    """Action items of the meetings the person may see (the one visibility rule)."""
    return ActionItem.objects.filter(meeting__in=meetings_visible_to(person).values("pk"))


def actions_open() -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(status__in=OPEN)


def actions_due_for_reminder(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items due exactly N days from today (S-TRACK-1; N = ACCORD_REMINDER_DAYS_BEFORE)."""
    today = today or clock.today()
    due = today + dt.timedelta(days=settings.ACCORD_REMINDER_DAYS_BEFORE)
    return actions_open().filter(due_date=due)


def actions_awaiting_status(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items from their due date to N days after it (S-TRACK-2; N =
    ACCORD_FOLLOW_UP_DAYS_AFTER): the organiser asks for their completion status."""
    today = today or clock.today()
    earliest = today - dt.timedelta(days=settings.ACCORD_FOLLOW_UP_DAYS_AFTER)
    return actions_open().filter(due_date__gte=earliest, due_date__lte=today)


def actions_overdue(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items whose due date has passed (S-TRACK-3)."""
    return actions_open().filter(due_date__lt=today or clock.today())


def actions_overdue_without_reason(*, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Overdue items whose owner has not yet said why: the owner is asked for the reason."""
    return actions_overdue(today=today).filter(overdue_reason="")


def actions_unsigned() -> QuerySet[ActionItem]:
    """Items of approved minutes that their owner has not signed (S-POST-3)."""
    from accord.minutes.models import Signature

    return ActionItem.objects.filter(
        meeting__status__in=(
            Meeting.Status.APPROVED,
            Meeting.Status.DISTRIBUTED,
            Meeting.Status.CLOSED,
        )
    ).exclude(
        Q(status=ActionItem.Status.CANCELLED)
        | Q(Exists(Signature.objects.filter(action=OuterRef("pk"))))
    )


def actions_for_owner(*, person: Person) -> QuerySet[ActionItem]:
    """My work: the person's own items, open first by due date."""
    still_open = Case(When(status__in=OPEN, then=Value(0)), default=Value(1))
    return (
        ActionItem.objects.filter(owner=person)
        .select_related("meeting", "department", "signature")
        .order_by(still_open, "due_date", "id")
    )
