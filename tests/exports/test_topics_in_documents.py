"""Every minutes document shows, for every topic, the planned against the actual minutes
(S-PREP-5), and for a topic sent to the next meeting the day it is discussed again (S-MEET-3;
issue #17): the minutes page, the PDF, the Word document (built-in and a company template)
and the Markdown."""

import datetime as dt
import io
import re

import docx
import pytest
from django.urls import reverse

from accord.core import clock
from accord.exports.company_templates import SAMPLE_RECORD
from accord.exports.docx import minutes_docx, minutes_docx_from_template
from accord.exports.markdown import minutes_markdown
from accord.exports.pdf import minutes_pdf
from accord.live import services as live
from accord.meetings.models import Meeting, TopicOutcome
from tests.conftest import STARTS, Org
from tests.exports.pdf_reader import pdf_text
from tests.exports.test_docx import _template

pytestmark = pytest.mark.django_db

# The sample's topic 1 (planned 30, actual 35, agreed), and a topic nobody timed that goes to
# the next meeting on 2026-09-04.
RECORD = {
    **SAMPLE_RECORD,
    "topics": [
        SAMPLE_RECORD["topics"][0],
        {
            "order": 2,
            "title": "上线时间确认",
            "lead_department": "",
            "planned_minutes": 20,
            "actual_minutes": None,
            "notes": "",
            "positions": [],
            "outcome": {
                "kind": "next_meeting",
                "text": "待研发评估工期",
                "research_department": "",
                "next_meeting_on": "2026-09-04",
            },
        },
    ],
}


def test_the_word_document_shows_both_times_and_the_day_of_the_next_discussion():
    paragraphs = [
        p.text for p in docx.Document(io.BytesIO(minutes_docx(RECORD, language="en"))).paragraphs
    ]

    first = paragraphs.index("Topic 1：产品需求优先级确认")
    second = paragraphs.index("Topic 2：上线时间确认")
    assert paragraphs[first + 2] == "Time: planned 30 min · actual 35 min"
    assert paragraphs[second + 1 : second + 4] == [
        "Time: planned 20 min · actual not recorded",
        "No positions recorded.",
        "Outcome：Discuss again at the next meeting (2026-09-04): 待研发评估工期",
    ]


def test_the_markdown_shows_both_times_and_the_day_of_the_next_discussion():
    lines = minutes_markdown(RECORD, language="en").split("\n")

    second = lines.index("### Topic 2：上线时间确认")
    assert lines[second : second + 7] == [
        "### Topic 2：上线时间确认",
        "",
        "Time: planned 20 min · actual not recorded",
        "",
        "No positions recorded.",
        "",
        "**Outcome：** Discuss again at the next meeting \\(2026-09-04\\): 待研发评估工期",
    ]
    assert "Time: planned 30 min · actual 35 min" in lines


def test_the_pdf_shows_both_times_and_the_day_of_the_next_discussion():
    text = re.sub(r"\s+", " ", pdf_text(minutes_pdf(RECORD, language="en")))

    assert "1. 产品需求优先级确认 Lead: 市场部 · planned 30 min · actual 35 min" in text
    assert (
        "2. 上线时间确认 planned 20 min · actual not recorded No positions recorded. "
        "Outcome: Discuss again at the next meeting (2026-09-04) 待研发评估工期"
    ) in text


def test_a_company_template_reads_both_times_and_the_day():
    template = _template(
        "{% for t in topics %}{{ t.number }} {{ t.time }} {{ t.planned_minutes }}/"
        "{{ t.actual_minutes }} {{ t.next_meeting_on }};{% endfor %}"
    )

    filled = docx.Document(
        io.BytesIO(minutes_docx_from_template(RECORD, language="en", template=template))
    )

    assert filled.paragraphs[0].text == (
        "1 planned 30 min · actual 35 min 30/35 ;"
        "2 planned 20 min · actual not recorded 20/ 2026-09-04;"
    )


def test_the_minutes_page_shows_both_times_and_the_day(client, org: Org, running_meeting: Meeting):
    """Topic 1 closed after 25 minutes, topic 2 after 30 more, topic 3 sent to 2026-09-16."""
    first, second, third = running_meeting.topics.order_by("order")
    moments = [(first, 25), (second, 55)]
    for topic, minutes in moments:
        with clock.frozen(STARTS + dt.timedelta(minutes=minutes)):
            live.outcome_record(
                actor=org.zhao, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="同意"
            )
    with clock.frozen(STARTS + dt.timedelta(minutes=70)):
        live.outcome_record(
            actor=org.zhao,
            topic=third,
            kind=TopicOutcome.Kind.NEXT_MEETING,
            text="再议",
            next_meeting_on="2026-09-16",
        )
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    client.force_login(org.zhang)

    page = client.get(reverse("minutes:detail", args=[running_meeting.pk]))

    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert "1. 产品需求优先级确认 Lead: 市场部 · planned 30 min · actual 25 min" in shown
    assert "2. 责任部门划分 planned 30 min · actual 30 min" in shown
    assert "3. 时间节点确认 planned 20 min · actual 15 min" in shown
    assert "Outcome: Discuss again at the next meeting (2026-09-16) 再议" in shown
