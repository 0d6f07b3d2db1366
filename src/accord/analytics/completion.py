"""Completion of the period's action items — due, done on time, done late, open late, late,
overdue now, re-planned, on-time rate — per department given the work, per owner, and by
week or month of the committed due date (the trend). What each count means is in
``accord.analytics.scope``."""

import dataclasses
from collections.abc import Iterable

from django.db.models import DateField
from django.db.models.functions import TruncMonth, TruncWeek

from accord.analytics.period import Period
from accord.analytics.scope import completion_counts, period_items, rate
from accord.core import clock
from accord.org.models import Department, Person


@dataclasses.dataclass(frozen=True)
class Completion:
    """One row of the completion tables: items due, done on time, done late, open late,
    late, overdue now, re-planned at least once, and the on-time rate (percent)."""

    key: object
    label: str
    due: int
    on_time: int
    done_late: int
    open_late: int
    late: int
    overdue: int
    replanned: int

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.on_time + self.late)


COUNT_FIELDS = ("due", "on_time", "done_late", "open_late", "late", "overdue", "replanned")


def _completion(rows: Iterable[dict], key: str, label: str) -> list[Completion]:
    return [
        Completion(key=row[key], label=row[label] or "", **{f: row[f] for f in COUNT_FIELDS})
        for row in rows
    ]


def completion_total(rows: list[Completion], label: str = "") -> Completion:
    """The sum of a completion table (its rows never overlap)."""
    return Completion(
        key=None, label=label, **{f: sum(getattr(r, f) for r in rows) for f in COUNT_FIELDS}
    )


def completion_by_department(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Per department given the work, by department name (one query)."""
    rows = (
        period_items(person, period, department)
        .values("department_id", "department__name")
        .annotate(**completion_counts(clock.today()))
        .order_by("department__name", "department_id")
    )
    return _completion(rows, "department_id", "department__name")


def completion_by_person(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Per owner, by name (one query)."""
    rows = (
        period_items(person, period, department)
        .values("owner_id", "owner__name")
        .annotate(**completion_counts(clock.today()))
        .order_by("owner__name", "owner_id")
    )
    return _completion(rows, "owner_id", "owner__name")


def _trend(
    person: Person, period: Period, department: Department | None, trunc
) -> list[Completion]:
    rows = (
        period_items(person, period, department)
        .annotate(bucket=trunc("first_due", output_field=DateField()))
        .values("bucket")
        .annotate(**completion_counts(clock.today()))
        .order_by("bucket")
    )
    return _completion(rows, "bucket", "bucket")


def trend_by_week(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Items by the week (Monday) of their committed due date; weeks without items are
    left out (one query)."""
    return _trend(person, period, department, TruncWeek)


def trend_by_month(
    *, person: Person, period: Period, department: Department | None = None
) -> list[Completion]:
    """Items by the month of their committed due date (one query)."""
    return _trend(person, period, department, TruncMonth)
