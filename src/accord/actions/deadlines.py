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
ordinals, either order), restricted to absolute dates; the rest is the small code of
``accord.actions.deadline_phrases`` (and its date arithmetic, ``deadline_calendar``), because
dateparser knows neither Chinese deadline wording nor "within N days", "end of the quarter" or
the weekday rule above.
"""

import datetime as dt
import re
from typing import Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.actions.deadline_phrases import normalize, resolve, trim
from accord.core import limits
from accord.core.errors import AppError

__all__ = ["DUE_DATE_HELP", "VAGUE_RE", "VAGUE_WORDS", "parse_due_date"]

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
    normalized = normalize(typed)
    due = resolve(normalized, reference)
    if due is None:
        due = _resolve_despite_vague_words(normalized, typed, reference)
    if not_before is not None:
        require_not_before(due, not_before=not_before, earliest=earliest)
    else:
        limits.require_date_in_range(due, field=_FIELD)
    return due


def _resolve_despite_vague_words(normalized: str, typed: str, reference: dt.date) -> dt.date:
    """Accept a concrete date that comes with vague words; otherwise raise the right refusal."""
    if _OPEN_ENDED.search(trim(normalized)):
        raise _vague_error(typed)
    if not VAGUE_RE.search(normalized):
        raise AppError(
            _(
                "“%(text)s” could not be read as a date. "
                "Write it like “9月15日前”, “2026-09-15” or “next Friday”."
            )
            % {"text": _quote(typed)},
            field=_FIELD,
            code="unknown_due_date",
        )
    due = resolve(VAGUE_RE.sub(" ", normalized), reference)
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


# --- vague and open-ended wording -------------------------------------------------------------


def _vague_pattern() -> re.Pattern[str]:
    parts = []
    for word in sorted(VAGUE_WORDS, key=len, reverse=True):
        escaped = re.escape(word.lower()).replace(r"\ ", r"\s+")
        parts.append(rf"(?<![a-z]){escaped}(?![a-z])" if word.isascii() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


# Any word of ``VAGUE_WORDS`` in a text, in any case (quick capture finds them in a line).
VAGUE_RE = _vague_pattern()
_OPEN_ENDED = re.compile(
    r"(?:以后|之后|后|起|开始)$|^(?:after|from|starting|beginning|从)|onwards?$"
)
