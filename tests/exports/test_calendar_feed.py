"""The personal calendar feed at a secret URL: read back with icalendar (required RFC 5545
fields, the invitation's UID and SEQUENCE, CANCELLED, due dates as all-day events), through
the visibility selectors; a revoked, reset or unknown secret is a bare 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accord.actions import services as actions
from accord.actions import tracking
from accord.calendars.models import CalendarFeed
from accord.calendars.services import calendar_feed_reset, calendar_feed_revoke
from accord.core import clock
from accord.core.tokens import token_hash
from accord.exports.ics import FeedDue, FeedMeeting, action_uid, meeting_uid, personal_calendar
from accord.meetings import services as meetings

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def feed_url(token: str) -> str:
    return reverse("calendars:feed", args=[token])


def fetch(token: str) -> Calendar:
    response = Client().get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_renderer_writes_the_required_fields():
    body = personal_calendar(
        person_id=7,
        name="王经理",
        meetings=[
            FeedMeeting(
                meeting_id=3,
                sequence=2,
                summary="启动会",
                starts_at=dt.datetime(2026, 9, 9, 6, tzinfo=UTC),
                ends_at=dt.datetime(2026, 9, 9, 7, 30, tzinfo=UTC),
                cancelled=True,
                location="3号会议室",
            )
        ],
        dues=[FeedDue(action_id=11, summary="截止：输出技术方案", due_date=dt.date(2026, 9, 15))],
        stamp=dt.datetime(2026, 9, 7, 1, tzinfo=UTC),
    )
    calendar = Calendar.from_ical(body)
    found = events(calendar)

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Accord//")
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "王经理"
    meeting = found[meeting_uid(3)]
    assert meeting["SEQUENCE"] == 2
    assert str(meeting["STATUS"]) == "CANCELLED"
    assert meeting["DTSTART"].dt == dt.datetime(2026, 9, 9, 6, tzinfo=UTC)
    assert meeting["DTSTAMP"].dt == dt.datetime(2026, 9, 7, 1, tzinfo=UTC)
    assert str(meeting["LOCATION"]) == "3号会议室"
    due = found[action_uid(11)]
    assert due["DTSTART"].dt == dt.date(2026, 9, 15)  # a DATE: an all-day event
    assert not isinstance(due["DTSTART"].dt, dt.datetime)
    assert due["DTEND"].dt == dt.date(2026, 9, 16)
    assert str(due["TRANSP"]) == "TRANSPARENT"
    assert str(due["SUMMARY"]) == "截止：输出技术方案"


@pytest.fixture
def item(org, running_meeting):
    with clock.frozen(running_meeting.started_at):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="输出技术方案",
            owner=org.li,
            due="9月15日前",
        )


def test_the_feed_holds_my_meetings_and_my_open_items(org, running_meeting, item):
    token = calendar_feed_reset(actor=org.li)

    calendar = fetch(token)
    found = events(calendar)

    assert set(found) == {meeting_uid(running_meeting.pk), action_uid(item.pk)}
    meeting = found[meeting_uid(running_meeting.pk)]
    assert str(meeting["SUMMARY"]) == "Q3产品上线跨部门协作启动会"
    assert meeting["SEQUENCE"] == running_meeting.calendar_sequence
    assert str(meeting["STATUS"]) == "CONFIRMED"
    assert meeting["DTSTART"].dt == running_meeting.starts_at.astimezone(UTC)
    assert meeting["DTEND"].dt == running_meeting.ends_at.astimezone(UTC)
    for event in found.values():
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert name in event
    due = found[action_uid(item.pk)]
    assert due["DTSTART"].dt == dt.date(2026, 9, 15)
    assert str(due["SUMMARY"]) == "到期：输出技术方案"  # the installation's language
    assert str(due["URL"]).endswith(reverse("actions:detail", args=[item.pk]))
    assert CalendarFeed.objects.get(person=org.li).last_fetched_at == clock.now()


def test_done_items_leave_the_feed(org, running_meeting, item):
    token = calendar_feed_reset(actor=org.li)
    tracking.action_set_status(actor=org.li, action=item, status="done")

    assert action_uid(item.pk) not in events(fetch(token))


def test_uid_is_stable_and_sequence_as_stored_and_cancelled_shows(org, scheduled_meeting):
    token = calendar_feed_reset(actor=org.zhang)
    before = events(fetch(token))[meeting_uid(scheduled_meeting.pk)]

    meetings.meeting_update(actor=org.sun, meeting=scheduled_meeting, location="5号会议室")
    meetings.meeting_cancel(actor=org.sun, meeting=scheduled_meeting, reason="时间冲突")
    scheduled_meeting.refresh_from_db()
    after = events(fetch(token))[meeting_uid(scheduled_meeting.pk)]

    assert scheduled_meeting.calendar_sequence > before["SEQUENCE"]
    assert after["SEQUENCE"] == scheduled_meeting.calendar_sequence
    assert str(after["STATUS"]) == "CANCELLED"
    assert str(after["LOCATION"]) == "5号会议室"


def test_drafts_and_meetings_of_others_stay_out(org, draft_meeting):
    zhang = calendar_feed_reset(actor=org.zhang)
    outsider = calendar_feed_reset(actor=org.outsider)

    assert events(fetch(zhang)) == {}  # invited, but the draft is not announced
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    assert set(events(fetch(zhang))) == {meeting_uid(draft_meeting.pk)}
    assert events(fetch(outsider)) == {}


def test_only_the_hash_of_the_secret_is_stored(org):
    token = calendar_feed_reset(actor=org.li)

    feed = CalendarFeed.objects.get(person=org.li)
    assert feed.token_hash == token_hash(token)
    assert token not in feed.token_hash
    assert len(token) >= 40


def test_revoked_reset_and_unknown_secrets_are_404(org, running_meeting, item):
    first = calendar_feed_reset(actor=org.li)
    second = calendar_feed_reset(actor=org.li)
    client = Client()

    old = client.get(feed_url(first))
    assert fetch(second)
    calendar_feed_revoke(actor=org.li)
    revoked = client.get(feed_url(second))
    unknown = client.get(feed_url("x" * 43))

    for response in (old, revoked, unknown):
        assert response.status_code == 404
        body = response.content.decode()
        assert "输出技术方案" not in body and "启动会" not in body and "VCALENDAR" not in body
    assert not CalendarFeed.objects.exists()


def test_an_inactive_persons_feed_is_404(org, running_meeting):
    token = calendar_feed_reset(actor=org.li)
    type(org.li).objects.filter(pk=org.li.pk).update(is_active=False)

    assert Client().get(feed_url(token)).status_code == 404


def test_the_page_shows_the_address_once_and_revokes(client, org, running_meeting):
    client.force_login(org.li)
    page = reverse("calendars:manage")

    made = client.post(page, {"action": "reset"}).content.decode()
    again = client.get(page).content.decode()
    token = made.split('value="http://127.0.0.1:8000/calendar/', 1)[1].split(".ics", 1)[0]
    assert Client().get(feed_url(token)).status_code == 200
    assert token not in again
    assert "The feed is on" in again

    revoked = client.post(page, {"action": "revoke"})

    assert revoked.status_code == 302
    assert Client().get(feed_url(token)).status_code == 404
    assert "The feed is off." in client.get(page).content.decode()


def test_the_page_needs_sign_in():
    response = Client().post(reverse("calendars:manage"), {"action": "reset"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_feed_takes_a_fixed_number_of_queries(
    org, running_meeting, item, django_assert_max_num_queries
):
    token = calendar_feed_reset(actor=org.li)
    with clock.frozen(running_meeting.started_at):
        for n in range(5):
            actions.action_create(
                actor=org.zhao,
                meeting=running_meeting,
                task=f"任务{n}",
                owner=org.li,
                due="9月20日前",
            )

    with django_assert_max_num_queries(4):
        fetch(token)
