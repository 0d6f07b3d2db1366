"""What every analytics figure counts: the items and meetings of a period that a person may
see, and what *on time*, *late* and *overdue* mean. Each figure (``completion``,
``overdue``, ``minutes_sign_off``, ``meeting_discipline``, ``cross_department``,
``digest_figures``) starts from here and is computed in the database (grouped aggregates, no
loop over rows in Python), for a period, an optional department and what the person may see.

**Scope.** A person counts the meetings ``meetings_visible_to`` lets them see and those
meetings' items (``actions_visible_to``): PMO every meeting but the confidential ones it
takes no part in, administrators every meeting, anyone else what they take part in or
relate to. Cancelled items and cancelled meetings are never counted.

**Confidential meetings.** A confidential meeting — its topics, action items, minutes and
signatures — counts only for the people who may see it: those who take part in it
(organiser, host, recorder, participants, owners of its items) and administrators. For
everyone else, PMO and department heads who take part in nothing included, every figure
here, each table's CSV and Excel, the weekly digest and the boards are as if the meeting
did not exist. The digest asks the same rule for its reader (a department's head, a
meeting's organiser), and its delivery-log row is then kept from the PMO like a notice
about the meeting. (README, "Design": Visibility.)

**Which items a period holds.** An item belongs to the period when its *committed due date*
falls within ``start``..``end`` (both days included). The committed due date is the due
date as first agreed (``ActionItem.committed_due_date``, stored and indexed): re-plans move
``due_date`` and leave it. Re-planning moves the work, not the measure: an item finished after
its first due date is late even if it met the re-planned one.

**On time, late, overdue** (all days in the site's time zone, "today" from the clock):

- *done on time* — done, and completed on or before the committed due date;
- *done late* — done, and completed after the committed due date;
- *open late* — still open (open or in progress) and the committed due date has passed;
- *late* — done late or open late;
- *on-time rate* — done on time ÷ (done on time + late): only items whose outcome is
  decided; an open item not yet past its committed date counts in neither;
- *overdue* — the live state the boards show: open and its **current** due date has passed.

**Which meetings a period holds.** A meeting belongs to the period when it starts within it
(in the site's time zone); with a department, the meetings that department organised.
"""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate

from accord.actions.models import ActionItem
from accord.actions.selectors import actions_visible_to, sees_all_departments
from accord.analytics.period import Period, midnight
from accord.meetings.models import Meeting
from accord.meetings.selectors import confidential_meetings_hidden_from, meetings_visible_to
from accord.org.models import Department, Person

Status = ActionItem.Status
OPEN = ActionItem.OPEN_STATUSES

# Stored on the item (``committed_due_date``, indexed): the due date as first agreed.
FIRST_DUE = F("committed_due_date")


def rate(part: int, whole: int) -> float | None:
    """A share in percent, one decimal; ``None`` when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def seen_items(person: Person) -> QuerySet[ActionItem]:
    """The items the person may count (**Scope**). For PMO and administrators, who see
    nearly everything, the few confidential meetings they may not see are left out by id,
    rather than asking the visibility rule of each meeting of a hundred thousand."""
    if not sees_all_departments(person):
        return actions_visible_to(person)
    return ActionItem.objects.exclude(
        meeting_id__in=confidential_meetings_hidden_from(person).values("pk")
    )


def seen_meetings(person: Person) -> QuerySet[Meeting]:
    """The meetings the person may count, as ``seen_items``."""
    if not sees_all_departments(person):
        return meetings_visible_to(person)
    return Meeting.objects.exclude(pk__in=confidential_meetings_hidden_from(person).values("pk"))


def period_items(
    person: Person, period: Period, department: Department | None, *, either_side: bool = False
) -> QuerySet[ActionItem]:
    """The period's items the person may count, with ``first_due`` (committed due date) and
    ``done_day`` (local day of completion). ``either_side``: the department gave the work
    (its meeting) or was given it, for the matrix."""
    items = counted(seen_items(person), period)
    if department is not None:
        side = Q(department=department)
        if either_side:
            side |= Q(meeting__organiser_department=department)
        items = items.filter(side)
    return items


def _of_cancelled_meeting() -> Exists:
    """The item's meeting was cancelled. As ``NOT EXISTS`` rather than a join to the
    meetings: PostgreSQL then looks up the few cancelled meetings by their index instead of
    reading every meeting to join them to the items."""
    return Exists(
        Meeting.objects.filter(pk=OuterRef("meeting_id"), status=Meeting.Status.CANCELLED)
    )


def counted(items: QuerySet[ActionItem], period: Period) -> QuerySet[ActionItem]:
    """``items`` that count (not cancelled, nor from a cancelled meeting) whose committed due
    date falls in the period, with ``first_due`` and ``done_day``."""
    return (
        items.exclude(status=Status.CANCELLED)
        .filter(~_of_cancelled_meeting())
        .annotate(first_due=FIRST_DUE, done_day=TruncDate("completed_at"))
        .filter(first_due__gte=period.start, first_due__lte=period.end)
    )


def period_meetings(
    person: Person, period: Period, department: Department | None
) -> QuerySet[Meeting]:
    """The period's meetings the person may count (**Which meetings a period holds**)."""
    meetings = (
        seen_meetings(person)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(
            starts_at__gte=midnight(period.start),
            starts_at__lt=midnight(period.end + dt.timedelta(days=1)),
        )
    )
    if department is not None:
        meetings = meetings.filter(organiser_department=department)
    return meetings


def completion_conditions(today: dt.date) -> dict[str, Q]:
    """**On time, late, overdue** as filters on ``period_items``/``counted`` rows."""
    done_on_time = Q(status=Status.DONE, done_day__lte=F("first_due"))
    done_late = Q(status=Status.DONE, done_day__gt=F("first_due"))
    open_late = Q(status__in=OPEN, first_due__lt=today)
    return {
        "on_time": done_on_time,
        "done_late": done_late,
        "open_late": open_late,
        "late": done_late | open_late,
        "overdue": Q(status__in=OPEN, due_date__lt=today),
    }


def completion_counts(today: dt.date) -> dict:
    """The aggregates of a completion row (``completion.COUNT_FIELDS``)."""
    c = completion_conditions(today)
    return {
        "due": Count("pk"),
        "on_time": Count("pk", filter=c["on_time"]),
        "done_late": Count("pk", filter=c["done_late"]),
        "open_late": Count("pk", filter=c["open_late"]),
        "late": Count("pk", filter=c["late"]),
        "overdue": Count("pk", filter=c["overdue"]),
        "replanned": Count("pk", filter=Q(replan_count__gt=0)),
    }
