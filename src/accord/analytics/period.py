"""The period every analytics figure covers (two days, both included), the default one (the
last calendar quarter), and where a period's day begins in the site's time zone."""

import dataclasses
import datetime as dt

from django.utils import timezone

from accord.core import clock


@dataclasses.dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def last_quarter(today: dt.date | None = None) -> Period:
    """The default period: the calendar quarter before the one ``today`` is in."""
    today = today or clock.today()
    first_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = dt.date(today.year, first_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    return Period(dt.date(end.year, end.month - 2, 1), end)


def midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
