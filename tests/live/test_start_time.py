"""When a meeting really took place (S-MEET-1, S-TPL-1; issue #17): a start far from the
planned time asks for a confirmation; a meeting held at another time moves to the time it was
held (``starts_at``, then its length at the end) and keeps its plan, and the meeting page,
the run page and the meetings list say so.

The launch meeting of the fixtures is planned for Wednesday 2026-09-09 14:00–15:30; "now" is
Monday 2026-09-07 09:00."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.minutes import services as minutes_services
from accord.notify.models import Notification
from tests.conftest import STARTS, Org, close_topics
from tests.live.test_views import run_url, text

Status = Meeting.Status
PLANNED_END = STARTS + dt.timedelta(minutes=90)


def at(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute, second))


# The meeting of the issue: opened by mistake two days early, at 21:11, and ended at 21:14.
HELD_START = at(9, 7, 21, 11, 20)
HELD_END = at(9, 7, 21, 14, 5)


def hold_early(org: Org, meeting: Meeting) -> Meeting:
    """Start ``meeting`` at ``HELD_START`` (confirmed), agree every topic at 21:13, end it at
    ``HELD_END``."""
    with clock.frozen(HELD_START):
        live.meeting_start(actor=org.wang, meeting=meeting, confirm_time=True)
    with clock.frozen(at(9, 7, 21, 13)):
        close_topics(org, meeting)
    with clock.frozen(HELD_END):
        live.meeting_end(actor=org.wang, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def distribute(org: Org, meeting: Meeting) -> None:
    with clock.frozen(at(9, 7, 22)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
        minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)


def calendar_updates(meeting: Meeting) -> list[tuple[str, int]]:
    """(kind, sequence) of the calendar notices about ``meeting``, one per revision."""
    rows = Notification.objects.filter(
        meeting=meeting, kind__in=("meeting.invitation", "meeting.updated")
    ).values_list("kind", "payload")
    return sorted({(kind, payload["sequence"]) for kind, payload in rows})


# -- the service ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "now"),
    [
        (at(9, 9, 12, 59), "2026-09-09 12:59"),  # 61 minutes before the planned start
        (at(9, 9, 15, 31), "2026-09-09 15:31"),  # after the planned end
        (at(9, 7, 21, 11), "2026-09-07 21:11"),  # another day
    ],
)
def test_a_start_far_from_the_plan_is_refused_without_confirmation(
    org: Org, scheduled_meeting: Meeting, moment, now
):
    """S-MEET-1: the start names the planned and the actual time and changes nothing."""
    audits = AuditEvent.objects.count()
    notices = Notification.objects.count()

    with clock.frozen(moment), pytest.raises(AppError) as refused:
        live.meeting_start(actor=org.wang, meeting=scheduled_meeting)

    assert (refused.value.field, refused.value.code) == ("confirm_time", "off_schedule")
    assert refused.value.message == (
        f"This meeting is planned for 2026-09-09 14:00–15:30 and it is now {now}. Confirm "
        "that it is held now: the meeting, its minutes and the calendars will then show when "
        "it really took place."
    )
    scheduled_meeting.refresh_from_db()
    assert (
        scheduled_meeting.status,
        scheduled_meeting.started_at,
        scheduled_meeting.starts_at,
        scheduled_meeting.planned_starts_at,
        scheduled_meeting.calendar_sequence,
    ) == (Status.SCHEDULED, None, STARTS, None, 0)
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (audits, notices)


@pytest.mark.parametrize("moment", [at(9, 9, 13, 0), at(9, 9, 14, 7), PLANNED_END])
def test_a_start_near_the_plan_needs_no_confirmation(org: Org, scheduled_meeting, moment):
    """S-MEET-1: from an hour before the planned start to its planned end, the meeting is
    held as planned: its time stays, the moment it started is recorded beside it."""
    with clock.frozen(moment):
        live.meeting_start(actor=org.wang, meeting=scheduled_meeting)

    scheduled_meeting.refresh_from_db()
    assert (
        scheduled_meeting.status,
        scheduled_meeting.started_at,
        scheduled_meeting.starts_at,
        scheduled_meeting.planned_starts_at,
        scheduled_meeting.calendar_sequence,
    ) == (Status.IN_PROGRESS, moment, STARTS, None, 0)


def test_a_confirmed_start_holds_the_meeting_now_and_keeps_the_plan(org: Org, scheduled_meeting):
    """The meeting is held at 21:11 (to the minute): its time moves there, the plan is kept,
    and every attendee's calendar gets the update (SEQUENCE 1)."""
    with clock.frozen(HELD_START):
        live.meeting_start(actor=org.wang, meeting=scheduled_meeting, confirm_time=True)

    meeting = Meeting.objects.get(pk=scheduled_meeting.pk)
    assert (meeting.status, meeting.started_at, meeting.starts_at, meeting.ends_at) == (
        Status.IN_PROGRESS,
        HELD_START,
        at(9, 7, 21, 11),
        at(9, 7, 22, 41),
    )
    assert (meeting.planned_starts_at, meeting.planned_duration_minutes) == (STARTS, 90)
    assert (meeting.planned_start, meeting.planned_end) == (STARTS, PLANNED_END)
    event = AuditEvent.objects.filter(verb="meeting.started").get()
    assert event.data == {
        "planned": "2026-09-09T06:00:00+00:00",
        "held": "2026-09-07T13:11:00+00:00",
    }
    assert meeting.calendar_sequence == 1
    assert calendar_updates(meeting) == [("meeting.invitation", 0), ("meeting.updated", 1)]
    updated = Notification.objects.filter(meeting=meeting, kind="meeting.updated")
    assert sorted({n.recipient.username for n in updated}) == [
        "chen", "li", "liu", "wang", "zhang", "zhao", "zhou"
    ]  # fmt: skip


def test_the_end_of_a_meeting_held_at_another_time_sets_its_length(org: Org, scheduled_meeting):
    """Held 21:11–21:14: the length becomes the 3 minutes it was held, and calendars get that
    end (SEQUENCE 2)."""
    meeting = hold_early(org, scheduled_meeting)

    assert (meeting.starts_at, meeting.ends_at, meeting.duration_minutes) == (
        at(9, 7, 21, 11),
        at(9, 7, 21, 14),
        3,
    )
    assert (meeting.planned_starts_at, meeting.planned_duration_minutes) == (STARTS, 90)
    assert meeting.calendar_sequence == 2
    assert calendar_updates(meeting) == [
        ("meeting.invitation", 0),
        ("meeting.updated", 1),
        ("meeting.updated", 2),
    ]


def test_a_meeting_held_as_planned_keeps_its_time_and_length(org: Org, ended_meeting):
    """Started at 14:00 and ended at 15:25: nothing moves, no calendar update."""
    ended_meeting.refresh_from_db()
    assert (
        ended_meeting.starts_at,
        ended_meeting.duration_minutes,
        ended_meeting.planned_starts_at,
        ended_meeting.calendar_sequence,
    ) == (STARTS, 90, None, 0)


# -- the run page ---------------------------------------------------------------------------------


def test_the_run_page_asks_before_a_start_far_from_the_plan(client, org: Org, scheduled_meeting):
    """The run page warns, a start without the box ticked is refused with the planned and the
    actual time (the form shown again), and a start with it holds the meeting now."""
    client.force_login(org.wang)
    start = run_url(scheduled_meeting, "run_start")

    with clock.frozen(HELD_START):
        page = client.get(run_url(scheduled_meeting))
        refused = client.post(start)
    scheduled_meeting.refresh_from_db()
    status_after_refusal = scheduled_meeting.status
    with clock.frozen(HELD_START):
        started = client.post(start, {"confirm_time": "on"})

    assert (
        "It is now 2026-09-07 21:11, far from the planned time (2026-09-09 14:00–15:30). "
        "Started now, the meeting is recorded as held now, and the calendars are updated. "
        "Hold the meeting now, away from its planned time Start meeting"
    ) in text(page)
    assert refused.status_code == 422
    assert (
        "Hold the meeting now, away from its planned time This meeting is planned for "
        "2026-09-09 14:00–15:30 and it is now 2026-09-07 21:11. Confirm that it is held now"
    ) in text(refused)
    assert 'name="confirm_time"' in refused.content.decode()
    assert status_after_refusal == Status.SCHEDULED
    assert started.status_code == 302
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.starts_at) == (
        Status.IN_PROGRESS,
        at(9, 7, 21, 11),
    )


def test_the_run_page_asks_nothing_at_the_planned_time(client, org: Org, scheduled_meeting):
    client.force_login(org.wang)

    with clock.frozen(STARTS):
        page = client.get(run_url(scheduled_meeting))
        started = client.post(run_url(scheduled_meeting, "run_start"))

    assert 'name="confirm_time"' not in page.content.decode()
    assert "far from the planned time" not in text(page)
    assert started.status_code == 302


# -- what the pages say -----------------------------------------------------------------------------


def test_meeting_page_and_run_page_say_when_it_was_held(client, org: Org, scheduled_meeting):
    meeting = hold_early(org, scheduled_meeting)
    client.force_login(org.zhang)

    with clock.frozen(at(9, 7, 22)):
        detail = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
        run = text(client.get(run_url(meeting)))

    assert "Time 2026-09-07 21:11 –21:14 (3 minutes) (planned 2026-09-09 14:00–15:30)" in detail
    assert "2026-09-07 21:11 –21:14 (planned 2026-09-09 14:00–15:30) · 3号会议室" in run


def test_the_meetings_list_sorts_and_filters_by_when_it_was_held(
    client, org: Org, scheduled_meeting
):
    """A meeting held early with its minutes distributed is not a future meeting: the list
    shows (and filters on) the day it was held, before a meeting planned on 2026-09-08."""
    meeting = hold_early(org, scheduled_meeting)
    distribute(org, meeting)
    later = meetings.meeting_create(
        actor=org.sun, title="周例会", starts_at=at(9, 8, 10), duration_minutes=30
    )
    client.force_login(org.sun)
    listing = reverse("meetings:list")

    with clock.frozen(at(9, 7, 23)):
        everything = client.get(listing)
        from_tomorrow = client.get(listing, {"starts_from": "2026-09-08"})

    table = text(everything).split("Meeting Time Place Host Status Kind ", 1)[1]
    rows = [row.strip() for row in table.split("Project kickoff and progress") if row.strip()]
    assert rows == [
        "周例会 2026-09-08 10:00 –10:30 — — Draft",
        "Q3产品上线跨部门协作启动会 2026-09-07 21:11 –21:14 (planned 2026-09-09 14:00–15:30) "
        "3号会议室 王经理 Minutes distributed",
    ]
    assert "Q3产品上线跨部门协作启动会" not in text(from_tomorrow)
    assert "1 meeting" in text(from_tomorrow)
    assert f'href="/meetings/{later.pk}/"' in from_tomorrow.content.decode()
