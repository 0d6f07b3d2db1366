"""A meeting planned for 2026-09-09 14:00–15:30 but held on 2026-09-07 21:11–21:14 (issue
#17): the minutes page, the PDF, the Word document, the Markdown, the action plan workbook and
the calendar feed all say when it was held, and what had been planned (S-TPL-1)."""

import io
import re

import docx
import pytest
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook

from accord.actions import services as actions
from accord.calendars.services import calendar_feed_reset
from accord.core import clock
from accord.exports.ics import meeting_uid
from accord.live import services as live
from accord.meetings.models import Meeting
from tests.conftest import Org, close_topics
from tests.exports.pdf_reader import pdf_text
from tests.live.test_start_time import HELD_END, HELD_START, at, distribute

pytestmark = pytest.mark.django_db

HELD = "2026-09-07 21:11–21:14 (planned 2026-09-09 14:00–15:30)"


@pytest.fixture
def held(org: Org, scheduled_meeting: Meeting) -> Meeting:
    """Held two days early (21:11–21:14) with an action item; its minutes distributed."""
    with clock.frozen(HELD_START):
        live.meeting_start(actor=org.wang, meeting=scheduled_meeting, confirm_time=True)
        actions.action_create(
            actor=org.zhao,
            meeting=scheduled_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
        )
    with clock.frozen(at(9, 7, 21, 13)):
        close_topics(org, scheduled_meeting)
    with clock.frozen(HELD_END):
        live.meeting_end(actor=org.wang, meeting=scheduled_meeting)
    distribute(org, scheduled_meeting)
    return scheduled_meeting


def download(client, org: Org, meeting: Meeting, name: str):
    client.force_login(org.zhang)
    with clock.frozen(at(9, 8, 9)):
        response = client.get(reverse(f"minutes:{name}", args=[meeting.pk]))
    assert response.status_code == 200
    return response


def test_the_minutes_page_says_when_it_was_held(client, org: Org, held):
    html = download(client, org, held, "detail").content.decode()

    assert f'<td data-label="Time">{HELD}</td>' in html


def test_the_pdf_says_when_it_was_held(client, org: Org, held):
    text = re.sub(r"\s+", " ", pdf_text(download(client, org, held, "download_pdf").content))

    assert f"Time {HELD}" in text


def test_the_word_document_says_when_it_was_held(client, org: Org, held):
    document = docx.Document(io.BytesIO(download(client, org, held, "download_docx").content))

    basic = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert basic["Time"] == HELD


def test_the_markdown_says_when_it_was_held(client, org: Org, held):
    text = download(client, org, held, "download_markdown").content.decode()

    assert "| Time | 2026-09-07 21:11–21:14 \\(planned 2026-09-09 14:00–15:30\\) |" in text


def test_the_action_plan_workbook_gives_the_day_it_was_held(client, org: Org, held):
    sheet = load_workbook(io.BytesIO(download(client, org, held, "actions_xlsx").content)).active

    assert (sheet.cell(1, 10).value, sheet.cell(2, 1).value) == ("Meeting date", "提交技术方案初稿")
    assert sheet.cell(2, 10).value.date().isoformat() == "2026-09-07"
    assert sheet.cell(2, 10).number_format == "yyyy-mm-dd"


def test_the_calendar_feed_shows_when_it_was_held(client, org: Org, held):
    token = calendar_feed_reset(actor=org.li)

    with clock.frozen(at(9, 8, 9)):
        response = client.get(reverse("calendars:feed", args=[token]))

    (event,) = [
        e
        for e in Calendar.from_ical(response.content).walk("VEVENT")
        if str(e["UID"]) == meeting_uid(held.pk)
    ]
    assert (event["DTSTART"].dt.isoformat(), event["DTEND"].dt.isoformat()) == (
        "2026-09-07T13:11:00+00:00",
        "2026-09-07T13:14:00+00:00",
    )
    assert (event["SEQUENCE"], str(event["STATUS"])) == (2, "CONFIRMED")
