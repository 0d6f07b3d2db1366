"""Recurrence rules as people choose and read them: the plain controls of the series form
(weekly on chosen weekdays, every two weeks, monthly on day N or on the n-th weekday, every
three months) and the rule each gives, the controls an existing rule is shown with, and the
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
    MONTHLY_WEEKDAY = "monthly_weekday"
    QUARTERLY = "quarterly"
    CUSTOM = "custom"

    choices = [
        (WEEKLY, gettext_lazy("Weekly, on the chosen weekdays")),
        (BIWEEKLY, gettext_lazy("Every two weeks, on the chosen weekdays")),
        (MONTHLY, gettext_lazy("Monthly, on a day of the month")),
        (MONTHLY_WEEKDAY, gettext_lazy("Monthly, on the first, second … or last weekday")),
        (QUARTERLY, gettext_lazy("Every three months, on the day of the first meeting")),
        (CUSTOM, gettext_lazy("Custom rule (advanced)")),
    ]


# The n-th weekday of a month: the first to the fourth, or the last (-1).
NTH = [1, 2, 3, 4, -1]
NTH_NAMES = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    -1: gettext_lazy("last"),
}


def _month_day_of(start: dt.datetime) -> int:
    """The day of ``start``; the last day of its month is -1 (each month's last day)."""
    day = start.day
    if day == calendar.monthrange(start.year, start.month)[1] and day > 28:
        return -1
    return day


def nth_of(start: dt.datetime) -> int:
    """Which of its month's weekdays ``start`` falls on: 1 to 4, or -1 for a fifth."""
    nth = (start.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def preset_rule(
    preset: str,
    start: dt.datetime,
    *,
    weekdays: list[str] | None = None,
    month_day: int | None = None,
    nth: int | None = None,
    weekday: str | None = None,
) -> str:
    """The rule of a preset and its controls; what a control leaves open comes from the
    first meeting's (local) start: its weekday, its day of the month (the last day of a month
    recurs on each month's last day), which of its month's weekdays it is."""
    days = ",".join(code for code in CODES if code in (weekdays or [])) or CODES[start.weekday()]
    day = month_day or _month_day_of(start)
    return {
        Preset.WEEKLY: f"FREQ=WEEKLY;BYDAY={days}",
        Preset.BIWEEKLY: f"FREQ=WEEKLY;INTERVAL=2;BYDAY={days}",
        Preset.MONTHLY: f"FREQ=MONTHLY;BYMONTHDAY={day}",
        Preset.MONTHLY_WEEKDAY: (
            f"FREQ=MONTHLY;BYDAY={nth or nth_of(start)}{weekday or CODES[start.weekday()]}"
        ),
        Preset.QUARTERLY: f"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={_month_day_of(start)}",
    }[preset]


def controls_of(rule: str, start: dt.datetime | None) -> dict:
    """The controls that give exactly ``rule`` (``preset`` and the weekdays, the day or the
    n-th weekday it needs); ``{"preset": "custom"}`` for any other rule."""
    parts = _parts(rule)
    custom = {"preset": Preset.CUSTOM}
    if parts is None:
        return custom
    freq, interval = parts.pop("FREQ", ""), parts.pop("INTERVAL", "1")
    if freq == "WEEKLY" and set(parts) == {"BYDAY"} and interval in ("1", "2"):
        codes = parts["BYDAY"].split(",")
        if all(code in CODES for code in codes) and len(set(codes)) == len(codes):
            preset = Preset.WEEKLY if interval == "1" else Preset.BIWEEKLY
            return {"preset": preset, "weekdays": codes}
    if freq == "MONTHLY" and set(parts) == {"BYMONTHDAY"}:
        day = _month_day(parts["BYMONTHDAY"]) and int(parts["BYMONTHDAY"])
        if day and interval == "1":
            return {"preset": Preset.MONTHLY, "month_day": day}
        if day and interval == "3" and start is not None and day == _month_day_of(start):
            return {"preset": Preset.QUARTERLY}
    if freq == "MONTHLY" and set(parts) == {"BYDAY"} and interval == "1":
        nth, code = _nth_weekday(parts["BYDAY"])
        if code is not None:
            return {"preset": Preset.MONTHLY_WEEKDAY, "nth": nth, "weekday": code}
    return custom


def preset_of(rule: str, start: dt.datetime | None) -> str:
    """The preset whose controls give exactly this rule; ``custom`` otherwise."""
    return controls_of(rule, start)["preset"]


def _nth_weekday(value: str) -> tuple[int | None, str | None]:
    """``2TU`` → (2, "TU"); ``-1FR`` → (-1, "FR"); anything else → (None, None)."""
    code, number = value[-2:], value[:-2]
    if code in CODES and number.lstrip("-").isdigit() and int(number) in NTH:
        return int(number), code
    return None, None


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
    if freq == "MONTHLY" and set(parts) == {"BYDAY"} and interval == 1:
        nth, code = _nth_weekday(parts["BYDAY"])
        if code is not None:
            return _("Monthly on the %(nth)s %(day)s") % {
                "nth": NTH_NAMES[nth],
                "day": WEEKDAYS[CODES.index(code)],
            }
        return rule
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
