"""A quarter of history built through the services with the clock moved along it, so every
analytics figure can be checked against values worked out by hand (see ``History``).

Period: 2026-07-01 .. 2026-09-30; "today" is 2026-09-07 (the frozen NOW).

Meetings (organiser's department → participants; started–ended; topics planned/actual):
  A 行政部 (sun)  07-06 10:00–11:40 (100 min) → 市场部, 研发部; topics 30/40, 20/25;
                  minutes due 07-07 11:40, distributed 07-06 18:00 (on time)
  B 市场部 (wang) 08-03 14:00–15:20 (80 min) → 研发部, 设计部; topics 30/30, 30/1, 15/10
                  (the second closed with the others at the end: its clock ran a minute);
                  minutes due 08-04 15:20, distributed 08-05 10:00 (late)
  C 行政部 (sun)  08-31 10:00–11:35 (95 min) → 市场部, 研发部; topic 20/30;
                  minutes due 09-01 11:35, never distributed (late)
  D 行政部 (sun)  09-07 07:00–07:30 (30 min) → 行政部; topic 30/30 (closed at the end);
                  minutes due 09-08 07:30 (still within time)

Items (department, owner, committed due date → what happened):
  a1 研发部 zhou 07-10 done 07-09 (on time), signed 07-07 09:40
  a2 市场部 zhang 07-17 done 07-20 (late), signed 07-08 18:00
  a3 研发部 zhou 07-24 reason "dependency" 07-27, re-planned 07-27 to 08-07, done 08-05
     (late against 07-24), signed 07-06 20:00
  a4 研发部 li 07-31 open, reason "process_blocked" 08-20 (38 days overdue)
  a5 市场部 zhang 07-31 cancelled 07-10 (never counted)
  b1 设计部 chen 08-14 open, reason "resources" 08-17 (24 days overdue), signed 08-05 12:00
  b2 研发部 li 09-04 open (3 days overdue, no reason)
  b3 设计部 chen 09-30 open (not due yet)
  b4 研发部 zhou 08-10 done 08-10 (on time)
  c1 市场部 wang 09-03 open (4 days overdue, no reason)
  c2 市场部 wang 10-15 open (outside the period)
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, OverdueReason
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.minutes import services as minutes
from tests.conftest import Org, close_topics

Status = ActionItem.Status


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def day(month: int, number: int) -> dt.date:
    return dt.date(2026, month, number)


@dataclass
class History:
    org: Org
    meetings: dict[str, Meeting]
    items: dict[str, ActionItem]


def _meeting(
    o: Org,
    *,
    organiser,
    recorder,
    title: str,
    starts: dt.datetime,
    topics: list[int],
    departments: list,
    created: dt.datetime,
) -> Meeting:
    with clock.frozen(created):
        meeting = meetings.meeting_create(
            actor=organiser,
            title=title,
            starts_at=starts,
            duration_minutes=90,
            host=o.wang,
            recorder=recorder,
        )
        for n, planned in enumerate(topics, start=1):
            meetings.topic_add(
                actor=organiser, meeting=meeting, title=f"{title} 议题{n}", planned_minutes=planned
            )
        for department, head, executors in departments:
            if head is None:
                meetings.participant_invite(
                    actor=organiser,
                    meeting=meeting,
                    person=executors[0],
                    role=Participant.Role.EXECUTOR,
                )
            else:
                meetings.participants_invite_department(
                    actor=organiser,
                    meeting=meeting,
                    department=department,
                    decision_maker=head,
                    executors=executors,
                )
        meetings.meeting_schedule(actor=organiser, meeting=meeting)
    with clock.frozen(starts):
        live.meeting_start(actor=o.wang, meeting=meeting)
    return meeting


def _time_topics(recorder, meeting: Meeting, actual: list[int | None]) -> None:
    for topic, minutes_spent in zip(meeting.topics.order_by("order", "id"), actual, strict=True):
        if minutes_spent is not None:
            live.topic_record_time(actor=recorder, topic=topic, actual_minutes=minutes_spent)


def _end(o: Org, meeting: Meeting, when: dt.datetime) -> None:
    with clock.frozen(when):
        close_topics(o, meeting)
        live.meeting_end(actor=o.wang, meeting=meeting)


def _status(actor, item: ActionItem, status: str, when: dt.datetime) -> None:
    with clock.frozen(when):
        tracking.action_set_status(actor=actor, action=item, status=status)


def build_history(o: Org) -> History:
    items: dict[str, ActionItem] = {}

    # -- meeting A, organised by the admin office --------------------------------------------
    a = _meeting(
        o,
        organiser=o.sun,
        recorder=o.zhao,
        title="七月协调会",
        starts=at(7, 6, 10),
        topics=[30, 20],
        departments=[(o.marketing, o.wang, [o.zhang]), (o.rnd, o.li, [o.zhou])],
        created=at(7, 1),
    )
    with clock.frozen(at(7, 6, 10, 30)):
        for key, owner, due in [
            ("a1", o.zhou, day(7, 10)),
            ("a2", o.zhang, day(7, 17)),
            ("a3", o.zhou, day(7, 24)),
            ("a4", o.li, day(7, 31)),
            ("a5", o.zhang, day(7, 31)),
        ]:
            items[key] = actions.action_create(
                actor=o.zhao, meeting=a, task=f"任务{key}", owner=owner, due=due
            )
        _time_topics(o.zhao, a, [40, 25])
    _end(o, a, at(7, 6, 11, 40))
    with clock.frozen(at(7, 6, 15)):
        minutes.minutes_submit(actor=o.zhao, meeting=a)
    with clock.frozen(at(7, 6, 16)):
        minutes.minutes_approve(actor=o.wang, meeting=a)
    with clock.frozen(at(7, 6, 18)):
        minutes.minutes_distribute(actor=o.sun, meeting=a)
    with clock.frozen(at(7, 6, 20)):
        actions.action_sign(actor=o.zhou, action=items["a3"])
    with clock.frozen(at(7, 7, 9, 40)):
        actions.action_sign(actor=o.zhou, action=items["a1"])
    with clock.frozen(at(7, 8, 18)):
        actions.action_sign(actor=o.zhang, action=items["a2"])
    _status(o.zhou, items["a1"], Status.DONE, at(7, 9, 12))
    _status(o.sun, items["a5"], Status.CANCELLED, at(7, 10, 12))
    _status(o.zhang, items["a2"], Status.DONE, at(7, 20, 12))
    with clock.frozen(at(7, 27, 10)):
        tracking.action_report_overdue_reason(
            actor=o.zhou, action=items["a3"], reason=OverdueReason.DEPENDENCY
        )
    with clock.frozen(at(7, 27, 11)):
        tracking.action_replan(actor=o.sun, action=items["a3"], due=day(8, 7), reason="等接口")

    # -- meeting B, organised by marketing ---------------------------------------------------
    b = _meeting(
        o,
        organiser=o.wang,
        recorder=o.zhao,
        title="八月上线会",
        starts=at(8, 3, 14),
        topics=[30, 30, 15],
        departments=[(o.rnd, o.li, [o.zhou]), (o.design, o.chen, [])],
        created=at(7, 28),
    )
    with clock.frozen(at(8, 3, 14, 30)):
        for key, owner, due in [
            ("b1", o.chen, day(8, 14)),
            ("b2", o.li, day(9, 4)),
            ("b3", o.chen, day(9, 30)),
            ("b4", o.zhou, day(8, 10)),
        ]:
            items[key] = actions.action_create(
                actor=o.zhao, meeting=b, task=f"任务{key}", owner=owner, due=due
            )
        _time_topics(o.zhao, b, [30, None, 10])
    _end(o, b, at(8, 3, 15, 20))
    with clock.frozen(at(8, 4, 16)):
        minutes.minutes_submit(actor=o.zhao, meeting=b)
    with clock.frozen(at(8, 5, 9)):
        minutes.minutes_approve(actor=o.wang, meeting=b)
    with clock.frozen(at(8, 5, 10)):
        minutes.minutes_distribute(actor=o.wang, meeting=b)
    with clock.frozen(at(8, 5, 12)):
        actions.action_sign(actor=o.chen, action=items["b1"])
    _status(o.zhou, items["a3"], Status.DONE, at(8, 5, 13))
    _status(o.zhou, items["b4"], Status.DONE, at(8, 10, 17))
    with clock.frozen(at(8, 17, 10)):
        tracking.action_report_overdue_reason(
            actor=o.chen, action=items["b1"], reason=OverdueReason.RESOURCES
        )
    with clock.frozen(at(8, 20, 10)):
        tracking.action_report_overdue_reason(
            actor=o.li, action=items["a4"], reason=OverdueReason.PROCESS_BLOCKED
        )

    # -- meeting C, organised by the admin office; minutes never distributed ----------------
    c = _meeting(
        o,
        organiser=o.sun,
        recorder=o.zhao,
        title="九月复盘会",
        starts=at(8, 31, 10),
        topics=[20],
        departments=[(o.marketing, o.wang, []), (o.rnd, o.li, [])],
        created=at(8, 25),
    )
    with clock.frozen(at(8, 31, 10, 15)):
        for key, owner, due in [("c1", o.wang, day(9, 3)), ("c2", o.wang, day(10, 15))]:
            items[key] = actions.action_create(
                actor=o.zhao, meeting=c, task=f"任务{key}", owner=owner, due=due
            )
        _time_topics(o.zhao, c, [30])
    _end(o, c, at(8, 31, 11, 35))

    # -- meeting D, this morning: minutes still within time ---------------------------------
    d = _meeting(
        o,
        organiser=o.sun,
        recorder=o.zhao,
        title="晨会",
        starts=at(9, 7, 7),
        topics=[30],
        departments=[(o.office, None, [o.zhao])],
        created=at(9, 1),
    )
    _end(o, d, at(9, 7, 7, 30))
    for item in items.values():
        item.refresh_from_db()
    return History(org=o, meetings={"A": a, "B": b, "C": c, "D": d}, items=items)


@pytest.fixture
def history(org: Org) -> History:
    return build_history(org)
