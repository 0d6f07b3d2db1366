"""Reading a typed due-date phrase into a date, for
:func:`accord.actions.deadlines.parse_due_date` (whose module docstring lists the phrases
understood and the refusals): normalizing the text, stripping the deadline words around it
(前, 截止, by, no later than, ...), numbers written in Chinese or English words, and one
resolver per family of phrases with its tables and patterns — numeric dates, 今天/tomorrow,
Chinese dates, weekdays, periods ("3天内", "within 2 weeks"), ends of periods ("月底前",
"end of the quarter") and English month names (read by dateparser). A resolver returns None
for a phrase it does not know; :func:`resolve` tries them in turn."""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

import dateparser
from dateutil.relativedelta import relativedelta

from accord.actions.deadline_calendar import (
    add_period,
    month_end,
    period_end,
    upcoming,
    upcoming_month_end,
    weekday_date,
)

_Resolver = Callable[[str, dt.date], dt.date | None]


# --- normalizing and stripping deadline words -------------------------------------------------

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


def normalize(text: str) -> str:
    """Full-width characters as ASCII, lower case, single spaces; "no later than" as "by"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\bnot? later than\b", "by", text)


def trim(text: str) -> str:
    """The text without punctuation or spaces at either end."""
    return _TRIM.sub("", text.strip())


def _strip_deadline_words(text: str) -> str:
    previous = None
    while text != previous:
        previous = text
        text = trim(_SUFFIX.sub("", _PREFIX.sub("", trim(text))))
    return text


def resolve(normalized: str, reference: dt.date) -> dt.date | None:
    """The date a normalized phrase names, read relative to ``reference``; None when no
    resolver knows the phrase (or it names no real day, as 13月45日)."""
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


# --- numbers written in words -----------------------------------------------------------------

_ZH_NUM = "[0-9〇零一二两三四五六七八九十]+"
_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_ZH_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_EN_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_EN_NUM = "|".join([r"\d+", *_EN_NUMBERS])


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
        return upcoming(month, day, reference)
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
        return upcoming(month, day, reference)
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
    return weekday_date(reference, weekday, weeks_ahead)


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
    return weekday_date(reference, _EN_WEEKDAYS[match["day"]], weeks_ahead)


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
        return add_period(reference, _zh_int(match["amount"]), _ZH_UNITS[match["unit"]])
    if match := _EN_PERIOD.fullmatch(core):
        amount = _en_int(match["amount"] or match["amount2"])
        unit = (match["unit"] or match["unit2"]).rstrip("s")
        unit = "workday" if unit.endswith(" day") else unit
        return add_period(reference, amount, unit)
    return None


_ZH_MONTH_END = re.compile(rf"(?:(?P<which>本|这个?|当|下个?)|(?P<month>{_ZH_NUM}))?月(?:底|末)")
_ZH_QUARTER_END = re.compile(r"(?P<which>本|这个?|当|下个?)?季度?(?:末|底)")
_ZH_YEAR_END = re.compile(r"(?P<which>今|本|当|明)?年年?(?:底|末|内)")


def _zh_period_end(core: str, reference: dt.date) -> dt.date | None:
    if match := _ZH_MONTH_END.fullmatch(core):
        if match["month"]:
            return upcoming_month_end(_zh_int(match["month"]), reference)
        return period_end(reference, "month", _zh_ahead(match["which"]))
    if match := _ZH_QUARTER_END.fullmatch(core):
        return period_end(reference, "quarter", _zh_ahead(match["which"]))
    if match := _ZH_YEAR_END.fullmatch(core):
        return period_end(reference, "year", 1 if match["which"] == "明" else 0)
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
        return period_end(reference, unit, 1 if match["next"] else 0)
    if match := _EN_MONTH_END.fullmatch(core):
        month = _EN_MONTHS[match["month"]]
        if match["year"]:
            return month_end(int(match["year"]), month)
        return upcoming_month_end(month, reference)
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
    return upcoming(parsed.month, parsed.day, reference)


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
