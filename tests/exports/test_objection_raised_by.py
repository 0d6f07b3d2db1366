"""Every minutes document credits an objection to who raised it, a person or a department,
never to the recorder who typed it (S-MEET-5, S-TPL-2): Markdown, Word and PDF."""

import datetime as dt
import io
import re

import docx
import pytest
from exports.pdf_reader import pdf_text

from accord.core import clock
from accord.exports.docx import minutes_docx
from accord.exports.markdown import minutes_markdown
from accord.exports.pdf import minutes_pdf
from accord.live import services as live
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_record
from tests.conftest import STARTS, Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(org: Org, running_meeting) -> dict:
    """The recorder (zhao) notes R&D's objection and liu's."""
    with clock.frozen(STARTS + dt.timedelta(minutes=80)):
        for said, resolution, who in (
            ("上线日期太紧", "研发部增派一人", {"raised_by_department": org.rnd}),
            ("需求D的优先级过低", "下次会议再议", {"raised_by": org.liu}),
        ):
            objection = live.objection_raise(
                actor=org.zhao, meeting=running_meeting, text=said, **who
            )
            live.objection_resolve(actor=org.wang, objection=objection, resolution=resolution)
    return minutes_record(meeting=meeting_with_record(pk=running_meeting.pk))


def test_markdown_credits_who_raised_it(record):
    lines = minutes_markdown(record, language="en").split("\n")

    start = lines.index("| Objection | Raised by | Resolution |")
    assert lines[start : start + 4] == [
        "| Objection | Raised by | Resolution |",
        "| --- | --- | --- |",
        "| 上线日期太紧 | 研发部 | 研发部增派一人 |",
        "| 需求D的优先级过低 | 刘代表 | 下次会议再议 |",
    ]


def test_word_credits_who_raised_it(record):
    document = docx.Document(io.BytesIO(minutes_docx(record, language="zh-hans")))

    table = next(t for t in document.tables if t.rows[0].cells[0].text == "异议")
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["异议", "提出人", "处理结果"],
        ["上线日期太紧", "研发部", "研发部增派一人"],
        ["需求D的优先级过低", "刘代表", "下次会议再议"],
    ]


def test_pdf_credits_who_raised_it(record):
    text = re.sub(r"\s+", "", pdf_text(minutes_pdf(record, language="en")))

    assert "研发部:上线日期太紧Resolution:研发部增派一人" in text
    assert "刘代表:需求D的优先级过低Resolution:下次会议再议" in text
    assert "赵专员:" not in text
