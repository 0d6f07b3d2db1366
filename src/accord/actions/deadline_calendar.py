"""The date arithmetic behind due-date phrases (``accord.actions.deadline_phrases``): the
coming month and day, the end of a month, quarter or year, a period counted in days, weeks,
months, years or business days, and a weekday of this week or a later one. Every function
counts from a reference date, never from today."""

import calendar
import datetime as dt

from dateutil.relativedelta import relativedelta

_MAX_PERIOD = 999


def upcoming(month: int, day: int, reference: dt.date) -> dt.date:
    """Month and day in the reference's year, or the next year if already before it."""
    for year in (reference.year, reference.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= reference:
            return candidate
    raise ValueError(f"{month}/{day}")


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def upcoming_month_end(month: int, reference: dt.date) -> dt.date:
    end = month_end(reference.year, month)
    return end if end >= reference else month_end(reference.year + 1, month)


def period_end(reference: dt.date, unit: str, ahead: int) -> dt.date:
    """Last day of the month, quarter or year of ``reference``, ``ahead`` periods later."""
    if unit == "month":
        start = reference.replace(day=1) + relativedelta(months=ahead)
    elif unit == "quarter":
        first_month = (reference.month - 1) // 3 * 3 + 1
        start = dt.date(reference.year, first_month, 1) + relativedelta(months=3 * ahead + 2)
    else:
        start = dt.date(reference.year + ahead, 12, 1)
    return month_end(start.year, start.month)


def add_period(reference: dt.date, amount: int, unit: str) -> dt.date:
    if amount > _MAX_PERIOD:
        raise ValueError(amount)
    if unit == "workday":
        due = reference
        for _step in range(amount):
            due += dt.timedelta(days=1)
            while due.weekday() >= 5:
                due += dt.timedelta(days=1)
        return due
    if unit == "day":
        return reference + dt.timedelta(days=amount)
    if unit == "week":
        return reference + dt.timedelta(weeks=amount)
    if unit == "month":
        return reference + relativedelta(months=amount)
    return reference + relativedelta(years=amount)


def weekday_date(reference: dt.date, weekday: int, weeks_ahead: int) -> dt.date:
    """``weeks_ahead`` 0: the coming ``weekday`` (or the reference itself); 1: next week's."""
    if weeks_ahead == 0:
        return reference + dt.timedelta(days=(weekday - reference.weekday()) % 7)
    monday = reference - dt.timedelta(days=reference.weekday())
    return monday + dt.timedelta(weeks=weeks_ahead, days=weekday)
