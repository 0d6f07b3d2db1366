"""Due dates for meeting action items (requirement S-MEET-4).

An action item is a commitment only if it has a real date: one somebody can be reminded of and
held to. :func:`parse_due_date` turns what a person typed into a :class:`datetime.date`, read
relative to a *reference* date (the meeting's date, called R below), or refuses it with an
:class:`~accord.core.errors.AppError` on ``field="due_date"`` whose message says why and what
to write instead.

Refusals (``AppError.code``)
----------------------------
- ``required``: nothing, or only whitespace, was typed.
- ``vague_due_date``: a word from ``VAGUE_WORDS`` (尽快, 待定, ASAP, TBD, soon, ...), matched
  case-insensitively and also inside longer text ("尽快完成", "ASAP pls", "待定吧"); English
  words only as whole words, so "no later than" is not "later". Also open-ended wording: a date
  followed by 以后/之后/后/起/开始 or preceded by after/from/从 says when work may *start*, not
  when it is due ("9月15日以后" is refused even though it holds a date).
- ``unknown_due_date``: anything else that is none of the phrases below ("blah", "下辈子",
  "13月45日", "下周" without a day, "周末").
- ``due_date_before_meeting``: the date was understood but lies before ``not_before``
  (callers pass the meeting's date). A date equal to ``not_before`` is accepted.

A vague word *together with* a concrete date is accepted as that date: "尽快，9月15日前" and
"ASAP, no later than Sept 15" give 15 September. The date is what counts, and it can be
reminded of.

Phrases understood
------------------
Deadline words around the phrase are ignored: 前/之前/以前/完成/完成初稿/为止/截止/吧 after
it; 截止/截至/最晚/最迟/不晚于/在/于/到/请 and English by/before/due/no later than/until/on/
deadline/please before it. "9月15日前" and "before Sept 15" both make 15 September the due
date, i.e. the last day to deliver. Full-width digits and punctuation are read as ASCII.

- Full dates: ``2026-09-15``, ``2026/9/15``, ``2026.9.15``, ``9/15/2026`` (month first),
  ``2026年9月15日``, ``二〇二六年九月十五日``, ``今年9月15日``, ``明年3月1日``; English month
  names are read by dateparser: ``15 September 2026``, ``September 15, 2026``.
- Month and day without a year: ``9/15`` (always month/day), ``9月15日``, ``9月15号``,
  ``九月十五日``, ``Sep 15``, ``by Sept 15``: in R's year, or in the next year if that day is
  already before R ("1月5日" at a December meeting is January 5 of the next year).
  ``15号`` alone is the 15th of R's month, or of the next month if that is already past;
  ``下个月15号`` is the 15th of the next month.
- Relative days: ``今天``/``当天``/``today`` = R; ``明天``/``tomorrow`` = R+1;
  ``后天``/``the day after tomorrow`` = R+2; ``大后天`` = R+3.
- Weekdays. Weeks start on Monday; 周/星期/礼拜 and 日/天 (Sunday) are all accepted.

  - ``周五``, ``周五前``, ``本周五``, ``这周五``, and English ``Friday``, ``this Friday``,
    ``coming Friday``, ``Friday this week``: the Friday of R's week, and if that is already
    before R, not a refusal but the Friday of the following week. In other words the coming
    Friday, or R itself when R is a Friday.
  - ``下周五`` = the Friday of the calendar week after R's week: from Monday 2026-08-10 that is
    2026-08-21, not 2026-08-14. English ``next Friday`` (and ``Friday next week``) is
    deliberately the same as 下周五, so both languages agree; write "Friday" or
    "this Friday" for the coming one.
  - ``下下周一`` = the Monday of the week after next.

- Periods from R: ``三天内``/``3天内``/``within 3 days``/``in 3 days`` = R+3;
  ``两周内``/``in 2 weeks`` = R+14; ``一个月内``/``within a month`` = the same day one month
  later (clipped to the end of a shorter month); ``3个工作日内``/``within 3 business days``
  counts Monday to Friday only (public holidays are not known). 后/之后/以后 in place of 内
  mean the same here ("3天后").
- Ends of periods: ``本月底``/``月底前``/``end of month`` = last day of R's month;
  ``下月底``/``end of next month``; ``9月底``/``end of September`` (year as for a month and
  day); ``本季度末``/``季度末``/``end of the quarter`` = last day of R's calendar quarter;
  ``下季度末``/``end of next quarter``; ``年底前``/``今年年底``/``end of year`` = 31 December
  of R's year; ``明年底``/``end of next year``.

Everything is computed from R alone, never from today's date, so the same text and reference
always give the same date. dateparser reads the English month-name dates (abbreviations,
ordinals, either order), restricted to absolute dates; the rest is the small code below,
because dateparser knows neither Chinese deadline wording nor "within N days", "end of the
quarter" or the weekday rule above.
"""

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Literal

import dateparser
from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core import limits
from accord.core.errors import AppError

__all__ = ["DUE_DATE_HELP", "VAGUE_WORDS", "parse_due_date"]

# The hint beside a due-date field. Its examples are in the reader's language (the zh-hans
# catalog gives "2026-09-30", "下周五", "月底前"); the rule reads both languages whatever the
# page's language is.
DUE_DATE_HELP = gettext_lazy("A date or a phrase: “2026-09-30”, “next Friday”, “end of month”.")

VAGUE_WORDS: tuple[str, ...] = (
    # Chinese
    "尽快",
    "尽早",
    "抓紧",
    "近期",
    "待定",
    "择期",
    "另行通知",
    "尽量",
    "随后",
    "以后",
    "之后",
    "后续",
    "马上",
    "有空",
    "回头",
    "稍后",
    "改天",
    "适时",
    "随时",
    "有时间",
    "过几天",
    "过段时间",
    "再说",
    "持续",
    "长期",
    "未定",
    "看情况",
    "视情况",
    # English
    "TBD",
    "TBC",
    "TBA",
    "ASAP",
    "as soon as possible",
    "when possible",
    "soon",
    "later",
    "whenever",
    "someday",
    "some day",
    "eventually",
    "at some point",
    "in due course",
    "ongoing",
    "N/A",
)

_FIELD = "due_date"
_QUOTE_LIMIT = 60

_Resolver = Callable[[str, dt.date], dt.date | None]


# --- the public entry point -------------------------------------------------------------------


def require_not_before(
    due: dt.date, *, not_before: dt.date, earliest: Literal["meeting", "today"] = "meeting"
) -> None:
    """Refuse a due date before ``not_before``: the meeting date for a new item, today for a
    re-plan. One message for typed phrases and picked dates alike. A date past the accepted
    range (``accord.core.limits``) is refused as well."""
    limits.require_date_in_range(due, field=_FIELD)
    if due >= not_before:
        return
    values = {"due": due.isoformat(), "earliest": not_before.isoformat()}
    if earliest == "today":
        message = _(
            "The due date %(due)s has already passed. Choose today (%(earliest)s) or a later date."
        )
    else:
        message = _(
            "The due date %(due)s is before the meeting date %(earliest)s. "
            "Choose %(earliest)s or a later date."
        )
    raise AppError(message % values, field=_FIELD, code="due_date_before_meeting")


def parse_due_date(
    text: str,
    *,
    reference: dt.date,
    not_before: dt.date | None = None,
    earliest: Literal["meeting", "today"] = "meeting",
) -> dt.date:
    """Return the due date that ``text`` names, read relative to ``reference``.

    Raises :class:`AppError` (``field="due_date"``) with code ``required``,
    ``vague_due_date``, ``unknown_due_date`` or ``due_date_before_meeting``; the module
    docstring lists the rules.
    """
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    typed = (text or "").strip()
    if not typed:
        raise AppError(
            _(
                "Enter a due date: an action item needs a real date, "
                "e.g. “9月15日前”, “2026-09-15” or “next Friday”."
            ),
            field=_FIELD,
            code="required",
        )
    normalized = _normalize(typed)
    due = _resolve(normalized, reference)
    if due is None:
        due = _resolve_despite_vague_words(normalized, typed, reference)
    if not_before is not None:
        require_not_before(due, not_before=not_before, earliest=earliest)
    else:
        limits.require_date_in_range(due, field=_FIELD)
    return due


def _resolve_despite_vague_words(normalized: str, typed: str, reference: dt.date) -> dt.date:
    """Accept a concrete date that comes with vague words; otherwise raise the right refusal."""
    if _OPEN_ENDED.search(_trim(normalized)):
        raise _vague_error(typed)
    if not _VAGUE_RE.search(normalized):
        raise AppError(
            _(
                "“%(text)s” could not be read as a date. "
                "Write it like “9月15日前”, “2026-09-15” or “next Friday”."
            )
            % {"text": _quote(typed)},
            field=_FIELD,
            code="unknown_due_date",
        )
    due = _resolve(_VAGUE_RE.sub(" ", normalized), reference)
    if due is None:
        raise _vague_error(typed)
    return due


def _vague_error(typed: str) -> AppError:
    return AppError(
        _(
            "“%(text)s” is not a date: nobody can be reminded of it or held to it. "
            "Write a real date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
        )
        % {"text": _quote(typed)},
        field=_FIELD,
        code="vague_due_date",
    )


def _quote(typed: str) -> str:
    return typed if len(typed) <= _QUOTE_LIMIT else typed[: _QUOTE_LIMIT - 1] + "…"


# --- normalizing and stripping deadline words -------------------------------------------------


def _vague_pattern() -> re.Pattern[str]:
    parts = []
    for word in sorted(VAGUE_WORDS, key=len, reverse=True):
        escaped = re.escape(word.lower()).replace(r"\ ", r"\s+")
        parts.append(rf"(?<![a-z]){escaped}(?![a-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts))


_VAGUE_RE = _vague_pattern()
_OPEN_ENDED = re.compile(
    r"(?:以后|之后|后|起|开始)$|^(?:after|from|starting|beginning|从)|onwards?$"
)
_TRIM = re.compile(r"^[\W_]+|[\W_]+$")
_CJK = re.compile(r"[\u3000-\u9fff]")
_PREFIX = re.compile(
    r"^(?:(?:by|before|due|date|deadline|until|till|on|please|pls|but|and|ideally)\b"
    r"|截止日期|截止到|截止|截至|最晚|最迟|不晚于|务必|请|需要|需|须|在|于|到|但是|但|并且|并)"
)
_SUFFIX = re.compile(
    r"(?:\b(?:at the latest|latest|please|pls)"
    r"|完成初稿|完成|之前|以前|前|为止|截止|截至|到期|止|吧)$"
)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\bnot? later than\b", "by", text)


def _trim(text: str) -> str:
    return _TRIM.sub("", text.strip())


def _strip_deadline_words(text: str) -> str:
    previous = None
    while text != previous:
        previous = text
        text = _trim(_SUFFIX.sub("", _PREFIX.sub("", _trim(text))))
    return text


def _resolve(normalized: str, reference: dt.date) -> dt.date | None:
    core = _strip_deadline_words(normalized)
    if not core:
        return None
    if _CJK.search(core):
        core = re.sub(r"\s+", "", core)
    for resolver in _RESOLVERS:
        try:
            due = resolver(core, reference)
        except (ValueError, OverflowError):  # e.g. 13月45日, 99999年内
            return None
        if due is not None:
            return due
    return None


# --- numbers and calendar helpers -------------------------------------------------------------

_ZH_NUM = "[0-9〇零一二两三四五六七八九十]+"
_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_ZH_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_EN_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_EN_NUM = "|".join([r"\d+", *_EN_NUMBERS])
_MAX_PERIOD = 999


def _zh_int(text: str) -> int:
    """Read "15", "十五", "二十", "两" or the digit-by-digit "二〇二六"; ValueError otherwise."""
    if text.isdecimal():
        return int(text)
    if not all(char in _ZH_DIGITS or char == "十" for char in text):
        raise ValueError(text)
    if "十" not in text:
        return int("".join(str(_ZH_DIGITS[char]) for char in text))
    tens, _ten, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        raise ValueError(text)
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def _en_int(text: str) -> int:
    return _EN_NUMBERS[text] if text in _EN_NUMBERS else int(text)


def _upcoming(month: int, day: int, reference: dt.date) -> dt.date:
    """Month and day in the reference's year, or the next year if already before it."""
    for year in (reference.year, reference.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= reference:
            return candidate
    raise ValueError(f"{month}/{day}")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _upcoming_month_end(month: int, reference: dt.date) -> dt.date:
    end = _month_end(reference.year, month)
    return end if end >= reference else _month_end(reference.year + 1, month)


def _period_end(reference: dt.date, unit: str, ahead: int) -> dt.date:
    """Last day of the month, quarter or year of ``reference``, ``ahead`` periods later."""
    if unit == "month":
        start = reference.replace(day=1) + relativedelta(months=ahead)
    elif unit == "quarter":
        first_month = (reference.month - 1) // 3 * 3 + 1
        start = dt.date(reference.year, first_month, 1) + relativedelta(months=3 * ahead + 2)
    else:
        start = dt.date(reference.year + ahead, 12, 1)
    return _month_end(start.year, start.month)


def _add_period(reference: dt.date, amount: int, unit: str) -> dt.date:
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


def _weekday_date(reference: dt.date, weekday: int, weeks_ahead: int) -> dt.date:
    """``weeks_ahead`` 0: the coming ``weekday`` (or the reference itself); 1: next week's."""
    if weeks_ahead == 0:
        return reference + dt.timedelta(days=(weekday - reference.weekday()) % 7)
    monday = reference - dt.timedelta(days=reference.weekday())
    return monday + dt.timedelta(weeks=weeks_ahead, days=weekday)


# --- resolvers: each reads one family of phrases, or returns None -----------------------------

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MD = re.compile(r"(\d{1,2})/(\d{1,2})")


def _numeric(core: str, reference: dt.date) -> dt.date | None:
    if match := _ISO.fullmatch(core):
        year, month, day = map(int, match.groups())
        return dt.date(year, month, day)
    if match := _MDY.fullmatch(core):
        month, day, year = map(int, match.groups())
        return dt.date(year, month, day)
    if match := _MD.fullmatch(core):
        month, day = map(int, match.groups())
        return _upcoming(month, day, reference)
    return None


_RELATIVE_DAYS = {
    "今天": 0,
    "今日": 0,
    "当天": 0,
    "当日": 0,
    "today": 0,
    "tonight": 0,
    "end of day": 0,
    "end of today": 0,
    "eod": 0,
    "明天": 1,
    "明日": 1,
    "tomorrow": 1,
    "后天": 2,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "大后天": 3,
}


def _relative_day(core: str, reference: dt.date) -> dt.date | None:
    offset = _RELATIVE_DAYS.get(core)
    return None if offset is None else reference + dt.timedelta(days=offset)


_ZH_DATE = re.compile(
    rf"(?:(?P<year>{_ZH_NUM})年|(?P<rel_year>今年|明年|后年))?"
    rf"(?P<month>{_ZH_NUM})月(?P<day>{_ZH_NUM})(?:日|号)?"
)
_ZH_DAY_OF_MONTH = re.compile(rf"(?:(?P<which>本|这个?|当|下个?)月)?(?P<day>{_ZH_NUM})(?:日|号)")
_ZH_REL_YEARS = {"今年": 0, "明年": 1, "后年": 2}


def _zh_date(core: str, reference: dt.date) -> dt.date | None:
    if match := _ZH_DATE.fullmatch(core):
        month, day = _zh_int(match["month"]), _zh_int(match["day"])
        if match["year"]:
            year = _zh_int(match["year"])
            return dt.date(year + 2000 if year < 100 else year, month, day)
        if match["rel_year"]:
            return dt.date(reference.year + _ZH_REL_YEARS[match["rel_year"]], month, day)
        return _upcoming(month, day, reference)
    if match := _ZH_DAY_OF_MONTH.fullmatch(core):
        return _zh_day_of_month(_zh_int(match["day"]), match["which"], reference)
    return None


def _zh_day_of_month(day: int, which: str | None, reference: dt.date) -> dt.date:
    """``15号``: this month's 15th, or next month's if already past; ``下个月15号``: next month's."""
    first_of_next_month = reference.replace(day=1) + relativedelta(months=1)
    if which and which.startswith("下"):
        return first_of_next_month.replace(day=day)
    if which:
        return reference.replace(day=day)
    try:
        this_month = reference.replace(day=day)
    except ValueError:
        this_month = None
    if this_month is not None and this_month >= reference:
        return this_month
    return first_of_next_month.replace(day=day)


_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_ZH_WEEKDAY = re.compile(
    r"(?P<which>下下个?|下个?|本|这个?)?(?:周|星期|礼拜)(?P<day>[一二三四五六日天1-7])"
)


def _zh_weekday(core: str, reference: dt.date) -> dt.date | None:
    match = _ZH_WEEKDAY.fullmatch(core)
    if match is None:
        return None
    day = match["day"]
    weekday = int(day) - 1 if day.isdecimal() else _ZH_WEEKDAYS[day]
    which = match["which"] or ""
    weeks_ahead = 2 if which.startswith("下下") else 1 if which.startswith("下") else 0
    return _weekday_date(reference, weekday, weeks_ahead)


_EN_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_EN_WEEKDAY_NAMES = "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True))
_EN_WEEKDAY = re.compile(
    rf"(?:(?P<which>next|this|(?:this )?coming) )?(?P<day>{_EN_WEEKDAY_NAMES})"
    r"(?: (?P<week>this|next) week)?"
)


def _en_weekday(core: str, reference: dt.date) -> dt.date | None:
    match = _EN_WEEKDAY.fullmatch(core)
    if match is None or (match["which"] and match["week"]):
        return None
    weeks_ahead = 1 if "next" in (match["which"], match["week"]) else 0
    return _weekday_date(reference, _EN_WEEKDAYS[match["day"]], weeks_ahead)


_ZH_UNITS = {"工作日": "workday", "天": "day", "日": "day", "周": "week", "星期": "week"}
_ZH_UNITS |= {"礼拜": "week", "月": "month", "年": "year"}
_ZH_PERIOD = re.compile(
    rf"(?P<amount>{_ZH_NUM})个?(?P<unit>工作日|天|日|周|星期|礼拜|月|年)"
    r"(?:内|以内|之内|后|之后|以后)"
)
_EN_UNITS = r"(?:business|working) days?|days?|weeks?|months?|years?"
_EN_PERIOD = re.compile(
    rf"(?:within|in)(?: the next)? (?P<amount>{_EN_NUM}) (?P<unit>{_EN_UNITS})"
    rf"|(?P<amount2>{_EN_NUM}) (?P<unit2>{_EN_UNITS}) from (?:now|today)"
)


def _period(core: str, reference: dt.date) -> dt.date | None:
    if match := _ZH_PERIOD.fullmatch(core):
        return _add_period(reference, _zh_int(match["amount"]), _ZH_UNITS[match["unit"]])
    if match := _EN_PERIOD.fullmatch(core):
        amount = _en_int(match["amount"] or match["amount2"])
        unit = (match["unit"] or match["unit2"]).rstrip("s")
        unit = "workday" if unit.endswith(" day") else unit
        return _add_period(reference, amount, unit)
    return None


_ZH_MONTH_END = re.compile(rf"(?:(?P<which>本|这个?|当|下个?)|(?P<month>{_ZH_NUM}))?月(?:底|末)")
_ZH_QUARTER_END = re.compile(r"(?P<which>本|这个?|当|下个?)?季度?(?:末|底)")
_ZH_YEAR_END = re.compile(r"(?P<which>今|本|当|明)?年年?(?:底|末|内)")


def _zh_period_end(core: str, reference: dt.date) -> dt.date | None:
    if match := _ZH_MONTH_END.fullmatch(core):
        if match["month"]:
            return _upcoming_month_end(_zh_int(match["month"]), reference)
        return _period_end(reference, "month", _zh_ahead(match["which"]))
    if match := _ZH_QUARTER_END.fullmatch(core):
        return _period_end(reference, "quarter", _zh_ahead(match["which"]))
    if match := _ZH_YEAR_END.fullmatch(core):
        return _period_end(reference, "year", 1 if match["which"] == "明" else 0)
    return None


def _zh_ahead(which: str | None) -> int:
    return 1 if (which or "").startswith("下") else 0


_EN_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_EN_MONTH_NAMES = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_EN_PERIOD_END = re.compile(
    r"(?:the )?end of (?:(?P<next>next) |the |this |the current )?(?P<unit>month|quarter|year)"
    r"|(?:this )?(?P<unit2>month|quarter|year)[- ]?end"
    r"|eo(?P<short>[mqy])"
)
_EN_MONTH_END = re.compile(
    rf"(?:the )?end of (?P<month>{_EN_MONTH_NAMES})\.?(?: (?P<year>\d{{4}}))?"
)
_EN_SHORT_UNITS = {"m": "month", "q": "quarter", "y": "year"}


def _en_period_end(core: str, reference: dt.date) -> dt.date | None:
    if match := _EN_PERIOD_END.fullmatch(core):
        unit = match["unit"] or match["unit2"] or _EN_SHORT_UNITS[match["short"]]
        return _period_end(reference, unit, 1 if match["next"] else 0)
    if match := _EN_MONTH_END.fullmatch(core):
        month = _EN_MONTHS[match["month"]]
        if match["year"]:
            return _month_end(int(match["year"]), month)
        return _upcoming_month_end(month, reference)
    return None


_EN_DATE_WORDS = {"of", "the", *_EN_MONTHS, *_EN_WEEKDAYS}
_EN_DAY_NUMBER = re.compile(r"\d{1,2}(?:st|nd|rd|th)?")


def _en_month_name_date(core: str, reference: dt.date) -> dt.date | None:
    """English dates with a month name, read by dateparser after a check of their words.

    The check keeps dateparser from skipping words it does not know ("Sept 15 maybe") and
    from guessing a two-digit year; without a four-digit year the year follows the
    month-and-day rule rather than dateparser's preference.
    """
    words = re.findall(r"[a-z0-9]+", core)
    days = [word for word in words if _EN_DAY_NUMBER.fullmatch(word)]
    years = [word for word in words if re.fullmatch(r"\d{4}", word)]
    known = all(word in _EN_DATE_WORDS or word in days or word in years for word in words)
    if not known or len(days) != 1 or len(years) > 1 or not any(w in _EN_MONTHS for w in words):
        return None
    parsed = dateparser.parse(
        core,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime.combine(reference, dt.time()),
            "PREFER_DATES_FROM": "future",
            "REQUIRE_PARTS": ["day", "month"],
            "PARSERS": ["absolute-time"],
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        return None
    if years:
        return parsed.date()
    return _upcoming(parsed.month, parsed.day, reference)


_RESOLVERS: tuple[_Resolver, ...] = (
    _numeric,
    _relative_day,
    _zh_date,
    _zh_weekday,
    _en_weekday,
    _period,
    _zh_period_end,
    _en_period_end,
    _en_month_name_date,
)
