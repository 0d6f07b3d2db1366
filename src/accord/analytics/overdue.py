"""The period's overdue items: how long they have been overdue (1–7, 8–30, over 30 days past
the current due date, and how many have no reason given), and the reasons their owners
gave. The overdue count per department or per owner is a column of ``completion``."""

import dataclasses
import datetime as dt

from django.db.models import Count, Q

from accord.actions.models import ActionItem, ActionUpdate, OverdueReason
from accord.analytics.period import Period
from accord.analytics.scope import period_items
from accord.core import clock
from accord.org.models import Department, Person

OPEN = ActionItem.OPEN_STATUSES
AGE_BUCKETS = ((1, 7), (8, 30), (31, None))  # days overdue, both ends included


@dataclasses.dataclass(frozen=True)
class OverdueAge:
    """Open overdue items (current due date passed) by days overdue: 1–7, 8–30, over 30;
    and how many of them have no reason given."""

    days_1_7: int
    days_8_30: int
    over_30: int
    without_reason: int

    @property
    def total(self) -> int:
        return self.days_1_7 + self.days_8_30 + self.over_30


def overdue_age(
    *, person: Person, period: Period, department: Department | None = None
) -> OverdueAge:
    """Age of the period's open overdue items, in whole days past the current due date
    (one query)."""
    today = clock.today()
    overdue = Q(status__in=OPEN)

    def days(low: int, high: int | None) -> Q:
        q = overdue & Q(due_date__lte=today - dt.timedelta(days=low))
        if high is not None:
            q &= Q(due_date__gte=today - dt.timedelta(days=high))
        return q

    figures = period_items(person, period, department).aggregate(
        days_1_7=Count("pk", filter=days(1, 7)),
        days_8_30=Count("pk", filter=days(8, 30)),
        over_30=Count("pk", filter=days(31, None)),
        without_reason=Count("pk", filter=days(1, None) & Q(overdue_reason="")),
    )
    return OverdueAge(**figures)


@dataclasses.dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    items: int


def overdue_reasons(
    *, person: Person, period: Period, department: Department | None = None
) -> list[ReasonCount]:
    """For each overdue reason, how many of the period's items were ever given it by their
    owner (from the history, so a re-plan that clears the reason does not erase it; an item
    given two different reasons counts under both). Every reason is listed, in the order of
    the list owners choose from (one query)."""
    found = dict(
        ActionUpdate.objects.filter(
            kind=ActionUpdate.Kind.OVERDUE_REASON,
            action__in=period_items(person, period, department).values("pk"),
        )
        .values("reason")
        .annotate(items=Count("action", distinct=True))
        .values_list("reason", "items")
    )
    return [ReasonCount(r.value, str(r.label), found.get(r.value, 0)) for r in OverdueReason]
