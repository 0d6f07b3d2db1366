"""The due-date rule for meeting action items. # S-MEET-4

Reference dates are chosen so that the weekday rules are tested from different weekdays
(2026-08-10 is a Monday, 2026-08-14 a Friday, 2026-08-15 a Saturday).
"""

import datetime as dt

import pytest
from django.utils import translation

from accord.actions.deadlines import VAGUE_WORDS, parse_due_date
from accord.core.errors import AppError

MON = dt.date(2026, 8, 10)
WED = dt.date(2026, 8, 12)
FRI = dt.date(2026, 8, 14)
SAT = dt.date(2026, 8, 15)
SUN = dt.date(2026, 8, 16)
DEC = dt.date(2026, 12, 20)
JAN31 = dt.date(2027, 1, 31)


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refusal(text: str, reference: dt.date = SAT, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        parse_due_date(text, reference=reference, **kwargs)
    assert caught.value.field == "due_date"
    return caught.value


CHINESE = [
    ("2026-09-15", SAT, d(9, 15)),
    ("2026/9/15", SAT, d(9, 15)),
    ("2026.9.15", SAT, d(9, 15)),
    ("9/15", SAT, d(9, 15)),
    ("9/15前", SAT, d(9, 15)),
    ("8/10", SAT, d(8, 10, 2027)),  # already before the reference: next year
    ("9月15日", SAT, d(9, 15)),
    ("9月15号", SAT, d(9, 15)),
    ("九月十五日", SAT, d(9, 15)),
    ("2026年9月15日", SAT, d(9, 15)),
    ("二〇二六年九月十五日", SAT, d(9, 15)),
    ("9月15日前完成初稿", SAT, d(9, 15)),
    ("9月15日之前完成", SAT, d(9, 15)),
    ("截止到9月15日", SAT, d(9, 15)),
    ("9月15日为止", SAT, d(9, 15)),
    ("９月１５日以前", SAT, d(9, 15)),  # full-width digits
    ("8月15日", SAT, d(8, 15)),  # the reference day itself stays in this year
    ("1月5日", DEC, d(1, 5, 2027)),  # year rollover
    ("明年3月1日", SAT, d(3, 1, 2027)),
    ("下周五", SAT, d(8, 21)),
    ("下周五", MON, d(8, 21)),
    ("下周五", FRI, d(8, 21)),
    ("下个星期五", WED, d(8, 21)),
    ("本周五", MON, d(8, 14)),
    ("本周五", SAT, d(8, 21)),  # this week's Friday is past: next week's
    ("这周五", WED, d(8, 14)),
    ("周五前", FRI, d(8, 14)),  # the reference itself is a Friday
    ("周五前", WED, d(8, 14)),
    ("周五前", SAT, d(8, 21)),
    ("本周日", WED, d(8, 16)),
    ("下周日", WED, d(8, 23)),
    ("星期一", SUN, d(8, 17)),
    ("下下周一", SAT, d(8, 24)),
    ("下下周一", MON, d(8, 24)),
    ("本月底", SAT, d(8, 31)),
    ("月底前", SAT, d(8, 31)),
    ("下月底", SAT, d(9, 30)),
    ("下个月底", JAN31, d(2, 28, 2027)),
    ("9月底前", SAT, d(9, 30)),
    ("下个月15号", SAT, d(9, 15)),
    ("15号前", SUN, d(9, 15)),  # the 15th of this month is past
    ("三天内", SAT, d(8, 18)),
    ("3天内", SAT, d(8, 18)),
    ("3天后", SAT, d(8, 18)),
    ("两周内", SAT, d(8, 29)),
    ("一个月内", SAT, d(9, 15)),
    ("一个月内", JAN31, d(2, 28, 2027)),  # clipped to the shorter month
    ("3个工作日内", FRI, d(8, 19)),  # skips the weekend
    ("明天", SAT, d(8, 16)),
    ("后天", SAT, d(8, 17)),
    ("今天", SAT, d(8, 15)),
    ("当天", SAT, d(8, 15)),
    ("本季度末", SAT, d(9, 30)),
    ("季度末", DEC, d(12, 31)),
    ("下季度末", SAT, d(12, 31)),
    ("年底前", SAT, d(12, 31)),
    ("明年底", SAT, d(12, 31, 2027)),
]

ENGLISH = [
    ("by Sept 15", SAT, d(9, 15)),
    ("Sep 15", SAT, d(9, 15)),
    ("15 September 2026", SAT, d(9, 15)),
    ("September 15, 2026", SAT, d(9, 15)),
    ("no later than Sept 15th", SAT, d(9, 15)),
    ("due: 9/15", SAT, d(9, 15)),
    ("9/15/2026", SAT, d(9, 15)),
    ("Jan 5", DEC, d(1, 5, 2027)),
    ("next Friday", MON, d(8, 21)),  # the same as 下周五, not the coming Friday
    ("next Friday", FRI, d(8, 21)),
    ("next Friday", SAT, d(8, 21)),
    ("Friday next week", WED, d(8, 21)),
    ("this Friday", MON, d(8, 14)),
    ("this Friday", SAT, d(8, 21)),
    ("Friday", FRI, d(8, 14)),
    ("Friday", SAT, d(8, 21)),
    ("before Wednesday", SUN, d(8, 19)),
    ("end of month", SAT, d(8, 31)),
    ("by the end of the month", WED, d(8, 31)),
    ("end of next month", SAT, d(9, 30)),
    ("end of the quarter", SAT, d(9, 30)),
    ("end of year", SAT, d(12, 31)),
    ("due by end of September", SAT, d(9, 30)),
    ("within 3 days", SAT, d(8, 18)),
    ("in 2 weeks", SAT, d(8, 29)),
    ("within a month", SAT, d(9, 15)),
    ("within 3 business days", FRI, d(8, 19)),
    ("tomorrow", SAT, d(8, 16)),
    ("Today", SAT, d(8, 15)),
]


@pytest.mark.parametrize(("text", "reference", "expected"), CHINESE + ENGLISH)
def test_concrete_phrases(text: str, reference: dt.date, expected: dt.date) -> None:
    assert parse_due_date(text, reference=reference) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("尽快，9月15日前", d(9, 15)),
        ("ASAP, no later than Sept 15", d(9, 15)),
        ("马上，明天", d(8, 16)),
        ("TBD but by 9/15", d(9, 15)),
    ],
)
def test_vague_word_with_a_date_gives_the_date(text: str, expected: dt.date) -> None:
    assert parse_due_date(text, reference=SAT) == expected


VAGUE = [
    "尽快",
    "尽快完成",
    "尽早",
    "抓紧",
    "近期",
    "待定吧",
    "择期",
    "另行通知",
    "尽量",
    "随后",
    "以后再说",
    "后续跟进",
    "马上",
    "有空再做",
    "回头",
    "TBD",
    "tbc",
    "ASAP pls",
    "soon",
    "Later",
    "whenever",
    "as soon as possible",
    "when possible",
    "someday",
    "N/A",
    "9月15日以后",  # open-ended: when work may start, not when it is due
    "after Sept 15",
]


@pytest.mark.parametrize("text", VAGUE)
def test_vague_wording_is_refused(text: str) -> None:
    error = _refusal(text)
    assert error.code == "vague_due_date"
    message = str(error.message)
    assert f"“{text}”" in message
    assert "reminded" in message and "held to" in message
    for example in ("9月15日前", "2026-09-15", "next Friday"):
        assert example in message


@pytest.mark.parametrize("word", VAGUE_WORDS)
def test_every_listed_vague_word_is_refused(word: str) -> None:
    assert _refusal(word).code == "vague_due_date"
    assert _refusal(f"{word.upper()} please").code == "vague_due_date"


@pytest.mark.parametrize(
    "text", ["blah", "下辈子", "13月45日", "2026-02-30", "sept 15 maybe", "下周", "9/31"]
)
def test_unknown_text_is_refused(text: str) -> None:
    error = _refusal(text)
    assert error.code == "unknown_due_date"
    message = str(error.message)
    assert f"“{text}”" in message
    for example in ("9月15日前", "2026-09-15", "next Friday"):
        assert example in message


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_is_required(text: str) -> None:
    assert _refusal(text).code == "required"


def test_date_before_the_meeting_is_refused() -> None:
    error = _refusal("2026-08-01", reference=SAT, not_before=SAT)
    assert error.code == "due_date_before_meeting"
    assert "2026-08-01" in str(error.message)
    assert "2026-08-15" in str(error.message)


@pytest.mark.parametrize("text", ["今天", "2026-08-15", "today"])
def test_date_on_the_meeting_day_is_accepted(text: str) -> None:
    assert parse_due_date(text, reference=SAT, not_before=SAT) == SAT


def test_long_input_is_shortened_in_the_message() -> None:
    error = _refusal("尽快" + "x" * 200)
    assert error.code == "vague_due_date"
    assert len(str(error.message)) < 250
