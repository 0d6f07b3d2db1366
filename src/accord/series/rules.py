"""Recurrence rules as people choose and read them: the presets of the series form and the
common RFC 5545 rules in words ("Weekly on Monday"); anything else is shown as written."""

import calendar
import datetime as dt

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # date.weekday() order


class Preset:
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    CUSTOM = "custom"

    choices = [
        (WEEKLY, gettext_lazy("Weekly, on the weekday of the first meeting")),
        (BIWEEKLY, gettext_lazy("Every two weeks, on that weekday")),
        (MONTHLY, gettext_lazy("Monthly, on the day of the first meeting")),
        (QUARTERLY, gettext_lazy("Every three months, on that day")),
        (CUSTOM, gettext_lazy("Custom rule")),
    ]


def preset_rule(preset: str, start: dt.datetime) -> str:
    """The rule of a preset anchored at the first meeting's (local) start. A first meeting on
    the last day of its month recurs on the last day of each month."""
    day = start.day
    if day == calendar.monthrange(start.year, start.month)[1] and day > 28:
        day = -1
    return {
        Preset.WEEKLY: f"FREQ=WEEKLY;BYDAY={CODES[start.weekday()]}",
        Preset.BIWEEKLY: f"FREQ=WEEKLY;INTERVAL=2;BYDAY={CODES[start.weekday()]}",
        Preset.MONTHLY: f"FREQ=MONTHLY;BYMONTHDAY={day}",
        Preset.QUARTERLY: f"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={day}",
    }[preset]


def preset_of(rule: str, start: dt.datetime | None) -> str:
    """The preset that gives exactly this rule from ``start``; ``custom`` otherwise."""
    if start is not None:
        for preset, _label in Preset.choices[:-1]:
            if preset_rule(preset, start) == _normalise(rule):
                return preset
    return Preset.CUSTOM


def _normalise(rule: str) -> str:
    rule = rule.strip().upper()
    return rule.removeprefix("RRULE:")


def _parts(rule: str) -> dict[str, str] | None:
    parts = {}
    for item in _normalise(rule).split(";"):
        key, sep, value = item.partition("=")
        if not sep or not key or not value or key in parts:
            return None
        parts[key] = value
    return parts


def _interval(parts: dict[str, str]) -> int | None:
    value = parts.pop("INTERVAL", "1")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _weekdays(value: str) -> str | None:
    codes = value.split(",")
    if not codes or any(code not in CODES for code in codes):
        return None  # "1MO" (the first Monday) and the like are left as written
    names = [str(WEEKDAYS[CODES.index(code)]) for code in codes]
    return pgettext("list separator", ", ").join(names)


def _month_day(value: str) -> str | None:
    if value == "-1":
        return _("the last day")
    if value.isdigit() and 1 <= int(value) <= 31:
        return _("day %(day)s") % {"day": int(value)}
    return None


def _every(interval: int, once: str, many: str) -> str:
    return once if interval == 1 else many % {"count": interval}


def describe_rule(rule: str) -> str:
    """The common rules in words: FREQ with an INTERVAL, and BYDAY (weekly) or BYMONTHDAY
    (monthly); the raw rule for anything else."""
    parts = _parts(rule)
    if parts is None:
        return rule
    freq = parts.pop("FREQ", "")
    interval = _interval(parts)
    if interval is None:
        return rule
    if freq == "DAILY" and not parts:
        return _every(
            interval, _("Daily"), ngettext("Every %(count)d day", "Every %(count)d days", interval)
        )
    if freq == "YEARLY" and not parts:
        return _every(
            interval,
            _("Yearly"),
            ngettext("Every %(count)d year", "Every %(count)d years", interval),
        )
    if freq == "WEEKLY" and set(parts) <= {"BYDAY"}:
        if "BYDAY" not in parts:
            return _every(
                interval,
                _("Weekly"),
                ngettext("Every %(count)d week", "Every %(count)d weeks", interval),
            )
        days = _weekdays(parts["BYDAY"])
        if days is None:
            return rule
        if interval == 1:
            return _("Weekly on %(days)s") % {"days": days}
        return ngettext(
            "Every %(count)d week on %(days)s", "Every %(count)d weeks on %(days)s", interval
        ) % {"count": interval, "days": days}
    if freq == "MONTHLY" and set(parts) <= {"BYMONTHDAY"}:
        if "BYMONTHDAY" not in parts:
            return _every(
                interval,
                _("Monthly"),
                ngettext("Every %(count)d month", "Every %(count)d months", interval),
            )
        day = _month_day(parts["BYMONTHDAY"])
        if day is None:
            return rule
        if interval == 1:
            return _("Monthly on %(day)s") % {"day": day}
        return ngettext(
            "Every %(count)d month on %(day)s", "Every %(count)d months on %(day)s", interval
        ) % {"count": interval, "day": day}
    return rule
