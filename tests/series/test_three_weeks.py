"""A weekly check-in over three weeks (S-REVIEW-1, S-REVIEW-2): the worker plans each next
meeting once the last is over, with its standing participants and topics, the review of the
previous plan first and the topics sent to the next meeting; the review shows the previous
meeting's items with their live status, and what is still open from before."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.notify.models import Notification
from accord.notify.worker import Worker
from accord.series import services as series_services
from accord.series.models import MeetingSeries
from accord.series.selectors import previous_plan_review, series_visible_to
from tests.conftest import Org, close_topics

REVIEW = "上期行动计划完成情况回顾"
Status = ActionItem.Status
Role = Participant.Role


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def agenda(meeting: Meeting) -> list[tuple[str, bool, bool]]:
    """(title, is the review, carried from the previous meeting), in order."""
    return [
        (t.title, t.is_review, t.carried_from_id is not None)
        for t in meeting.topics.order_by("order")
    ]


def review(meeting: Meeting, today: dt.date) -> list[tuple]:
    return [
        (r.action.task, r.action.owner.username, r.status, r.on_time, r.overdue, r.carried)
        for r in previous_plan_review(meeting=meeting, today=today)
    ]


def hold(org: Org, meeting: Meeting, *, items=(), next_meeting=(), steps=()) -> list[ActionItem]:
    """Hold ``meeting`` from its start for 30 minutes: ``steps`` run first (the review),
    then the items are recorded, the ``next_meeting`` topics sent on, the others agreed."""
    with clock.frozen(meeting.starts_at):
        live.meeting_start(actor=meeting.host, meeting=meeting)
        for step in steps:
            step()
        made = [
            actions.action_create(actor=org.zhao, meeting=meeting, task=task, owner=owner, due=due)
            for task, owner, due in items
        ]
        for title in next_meeting:
            live.outcome_record(
                actor=org.zhao,
                topic=meeting.topics.get(title=title),
                kind=TopicOutcome.Kind.NEXT_MEETING,
                text="下次再议",
                next_meeting_on=meeting.starts_at.date() + dt.timedelta(days=7),
            )
        close_topics(org, meeting)
    with clock.frozen(meeting.starts_at + dt.timedelta(minutes=30)):
        live.meeting_end(actor=meeting.host, meeting=meeting)
    return made


def worker_pass(when: dt.datetime) -> dict:
    with clock.frozen(when):
        return Worker().tick(force_plan=True)


@pytest.fixture
def series(org: Org) -> MeetingSeries:
    series = series_services.series_create(
        actor=org.sun,
        title="Q3上线周例会",
        recurrence="FREQ=WEEKLY;BYDAY=TU",
        duration_minutes=30,
        location="3号会议室",
        standing_topics=[
            {"title": "本周进展", "minutes": 10},
            {"title": "风险与求助", "minutes": 10},
        ],
        host=org.wang,
        recorder=org.zhao,
    )
    for person, role in [
        (org.li, Role.EXECUTOR),
        (org.zhou, Role.EXECUTOR),
        (org.chen, Role.DECISION_MAKER),
    ]:
        series_services.series_member_add(actor=org.sun, series=series, person=person, role=role)
    return series


def test_three_weekly_meetings_in_a_row_s_review_1_s_review_2(org: Org, series: MeetingSeries):
    first = series_services.series_plan_next(actor=org.sun, series=series, first_start=at(9, 8))
    meetings.topic_add(actor=org.sun, meeting=first, title="服务器采购", planned_minutes=10)
    meetings.meeting_schedule(actor=org.sun, meeting=first)
    assert agenda(first) == [
        ("本周进展", False, False),
        ("风险与求助", False, False),
        ("服务器采购", False, False),
    ]
    assert set(first.participants.values_list("person__username", "role")) == {
        ("li", Role.EXECUTOR),
        ("zhou", Role.EXECUTOR),
        ("chen", Role.DECISION_MAKER),
    }

    # Before the first meeting is over, nothing is planned.
    assert worker_pass(at(9, 8, 9, 0))["series_planned"] == 0
    plan, test_env, design = hold(
        org,
        first,
        items=[
            ("提交技术方案", org.li, dt.date(2026, 9, 11)),
            ("搭建测试环境", org.zhou, dt.date(2026, 9, 14)),
            ("交付设计稿", org.chen, dt.date(2026, 9, 10)),
        ],
        next_meeting=["服务器采购"],
    )

    # -- week 2: planned by the worker right after the first meeting ended ---------------
    assert worker_pass(at(9, 8, 10, 31))["series_planned"] == 1
    assert worker_pass(at(9, 8, 10, 32))["series_planned"] == 0  # once
    second = series.meetings.get(starts_at=at(9, 15))
    assert (
        second.status,
        second.host,
        second.recorder,
        second.location,
        second.duration_minutes,
    ) == (
        Meeting.Status.SCHEDULED,
        org.wang,
        org.zhao,
        "3号会议室",
        30,
    )
    assert list(second.previous_meetings.all()) == [first]
    assert agenda(second) == [
        (REVIEW, True, False),
        ("本周进展", False, False),
        ("风险与求助", False, False),
        ("服务器采购", False, True),
    ]
    assert set(second.participants.values_list("person__username", flat=True)) == {
        "li",
        "zhou",
        "chen",
    }
    told = Notification.objects.get(kind="meeting.planned", meeting=second)
    assert (told.recipient, told.payload) == (org.sun, {"missing": ""})
    invited = Notification.objects.filter(kind="meeting.invitation", meeting=second)
    assert set(invited.values_list("recipient__username", flat=True)) == {
        "li",
        "zhou",
        "chen",
        "wang",  # the host
        "zhao",  # the recorder
    }

    with clock.frozen(at(9, 10, 16)):
        tracking.action_set_status(actor=org.chen, action=design, status=Status.DONE)
    with clock.frozen(at(9, 12, 11)):
        tracking.action_report_progress(
            actor=org.zhou, action=test_env, progress=60, note="装好数据库"
        )

    assert review(second, dt.date(2026, 9, 15)) == [
        ("提交技术方案", "li", Status.OPEN, False, True, False),
        ("搭建测试环境", "zhou", Status.IN_PROGRESS, False, True, False),
        ("交付设计稿", "chen", Status.DONE, True, False, False),
    ]

    def replan_from_the_review():
        tracking.action_replan(
            actor=org.wang, action=plan, due=dt.date(2026, 9, 18), reason="等服务器到货"
        )

    meetings.topic_add(actor=org.sun, meeting=second, title="渠道政策", planned_minutes=5)
    (stress,) = hold(
        org,
        second,
        steps=[replan_from_the_review],
        items=[("出具压测报告", org.zhou, dt.date(2026, 9, 18))],
        next_meeting=["渠道政策"],
    )

    # -- week 3 --------------------------------------------------------------------------
    assert worker_pass(at(9, 15, 10, 31))["series_planned"] == 1
    third = series.meetings.get(starts_at=at(9, 22))
    assert third.status == Meeting.Status.SCHEDULED
    assert list(third.previous_meetings.all()) == [second]
    assert agenda(third) == [
        (REVIEW, True, False),
        ("本周进展", False, False),
        ("风险与求助", False, False),
        ("渠道政策", False, True),
    ]
    with clock.frozen(at(9, 17, 15)):
        tracking.action_set_status(actor=org.li, action=plan, status=Status.DONE)

    # The second meeting's item, and the first meeting's item still open, carried over;
    # the plan done on 9-17 after its re-plan is gone: it was the first meeting's and is done.
    assert review(third, dt.date(2026, 9, 22)) == [
        ("搭建测试环境", "zhou", Status.IN_PROGRESS, False, True, True),
        ("出具压测报告", "zhou", Status.OPEN, False, True, False),
    ]
    # The second meeting's review, read again, shows the live state of the first's items:
    # the re-planned plan was done after its committed date, so it was late.
    assert review(second, dt.date(2026, 9, 22)) == [
        ("提交技术方案", "li", Status.DONE, False, False, False),
        ("搭建测试环境", "zhou", Status.IN_PROGRESS, False, True, False),
        ("交付设计稿", "chen", Status.DONE, True, False, False),
    ]
    plan.refresh_from_db()
    assert (plan.committed_due_date, plan.due_date, plan.replan_count) == (
        dt.date(2026, 9, 11),
        dt.date(2026, 9, 18),
        1,
    )
    # Each topic sent to the next meeting appears there once, and not after.
    titles = [t for m in (first, second, third) for t, _review, _carried in agenda(m)]
    assert (titles.count("服务器采购"), titles.count("渠道政策")) == (2, 2)
    assert [t for t, _r, carried in agenda(third) if carried] == ["渠道政策"]
    assert stress.meeting == second


def test_the_next_meeting_waits_for_the_lead_time(org: Org, settings):
    settings.ACCORD_SERIES_LEAD_DAYS = 3
    series = series_services.series_create(
        actor=org.sun,
        title="月度对齐会",
        recurrence="FREQ=MONTHLY",
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
        standing_topics=[{"title": "目标进度", "minutes": 30}],
    )
    series_services.series_member_add(
        actor=org.sun, series=series, person=org.li, role=Role.EXECUTOR
    )
    first = series_services.series_plan_next(actor=org.sun, series=series, first_start=at(9, 8))
    meetings.meeting_schedule(actor=org.sun, meeting=first)
    hold(org, first)

    assert worker_pass(at(10, 4, 10, 1))["series_planned"] == 0  # 4 days ahead of 10-08
    assert series.meetings.count() == 1
    assert worker_pass(at(10, 5, 10, 0))["series_planned"] == 1
    assert list(series.meetings.order_by("starts_at").values_list("starts_at", flat=True)) == [
        at(9, 8),
        at(10, 8),
    ]


def test_a_series_that_does_not_plan_ahead_or_has_ended_is_left_alone(org: Org):
    quiet = series_services.series_create(
        actor=org.sun, title="手动周会", recurrence="FREQ=WEEKLY", plan_ahead=False
    )
    ended = series_services.series_create(
        actor=org.sun, title="已结束周会", recurrence="FREQ=WEEKLY"
    )
    for series in (quiet, ended):
        first = series_services.series_plan_next(actor=org.sun, series=series, first_start=at(9, 8))
        meetings.meeting_cancel(actor=org.sun, meeting=first, reason="改期")
    series_services.series_update(actor=org.sun, series=ended, active=False)

    assert worker_pass(at(9, 9))["series_planned"] == 0
    assert (quiet.meetings.count(), ended.meetings.count()) == (1, 1)


def test_a_next_meeting_that_cannot_be_scheduled_stays_a_draft_and_the_organiser_is_told(org: Org):
    series = series_services.series_create(
        actor=org.sun,
        title="周会",
        recurrence="FREQ=WEEKLY",
        standing_topics=[{"title": "进展", "minutes": 15}],
    )
    first = series_services.series_plan_next(actor=org.sun, series=series, first_start=at(9, 8))
    meetings.meeting_cancel(actor=org.sun, meeting=first, reason="改期")

    assert worker_pass(at(9, 9))["series_planned"] == 1

    second = series.meetings.get(starts_at=at(9, 15))
    assert (second.status, second.host, second.participants.count()) == (
        Meeting.Status.DRAFT,
        None,
        0,
    )
    assert not second.previous_meetings.exists()  # the cancelled meeting has no plan
    told = Notification.objects.get(kind="meeting.planned", meeting=second)
    assert (told.recipient, told.payload) == (org.sun, {"missing": "host"})
    assert not Notification.objects.filter(kind="meeting.invitation", meeting=second).exists()
    from accord.notify.messages import render

    # in the organiser's language (zh-hans)
    assert render(told).text == (
        "下一次会议已作为草稿创建：周会，2026-09-15 10:00（星期二），地点未定。"
        "会议以回顾上期行动计划开场。要安排这次会议，请指定主持人。"
    )


def test_a_host_who_left_is_not_carried_and_one_broken_series_does_not_stop_the_others(
    org: Org, series: MeetingSeries
):
    """A series whose planning fails (here a rule stored broken, past the checks of the
    services) is logged and skipped, and the series after it is still planned; its host
    has left, so its next meeting is planned as a draft."""
    broken_first = series_services.series_plan_next(
        actor=org.sun, series=series, first_start=at(9, 7, 8)
    )
    meetings.meeting_cancel(actor=org.sun, meeting=broken_first, reason="改期")
    MeetingSeries.objects.filter(pk=series.pk).update(recurrence="FREQ=SOMETIMES")
    good = series_services.series_create(
        actor=org.sun,
        title="设计周会",
        recurrence="FREQ=WEEKLY",
        host=org.chen,
        recorder=org.zhao,
        standing_topics=[{"title": "进展", "minutes": 15}],
    )
    series_services.series_member_add(
        actor=org.sun, series=good, person=org.liu, role=Role.EXECUTOR
    )
    first = series_services.series_plan_next(actor=org.sun, series=good, first_start=at(9, 8))
    meetings.meeting_schedule(actor=org.sun, meeting=first)
    hold(org, first)
    from accord.org import services as org_services

    org_services.person_update(actor=org.admin, person=org.chen, is_active=False)

    assert worker_pass(at(9, 8, 10, 31))["series_planned"] == 1

    assert series.meetings.count() == 1  # nothing half-planned
    second = good.meetings.get(starts_at=at(9, 15))
    assert (second.status, second.host, second.recorder) == (
        Meeting.Status.DRAFT,
        None,
        org.zhao,
    )
    told = Notification.objects.get(kind="meeting.planned", meeting=second)
    assert told.payload == {"missing": "host"}


def test_a_standing_topic_longer_than_a_day_is_refused(org: Org):
    with pytest.raises(AppError) as caught:
        series_services.series_create(
            actor=org.sun,
            title="周会",
            recurrence="FREQ=WEEKLY",
            standing_topics=[{"title": "进展", "minutes": 1441}],
        )

    assert (caught.value.field, caught.value.message) == (
        "standing_topics",
        "Minutes must be a whole number between 1 and 1440.",
    )
    assert not MeetingSeries.objects.exists()


def test_a_confidential_series_stays_confidential_and_away_from_the_pmo(
    org: Org, series: MeetingSeries
):
    """The next meeting of a confidential series is confidential too; PMO (sun is PMO but
    not this series' organiser here) neither sees nor plans such a series."""
    series_services.series_update(actor=org.sun, series=series, host=org.wang)
    MeetingSeries.objects.filter(pk=series.pk).update(organiser=org.wang)
    series.refresh_from_db()
    first = series_services.series_plan_next(actor=org.wang, series=series, first_start=at(9, 8))
    meetings.meeting_update(actor=org.wang, meeting=first, confidential=True)

    second = series_services.series_plan_next(actor=org.wang, series=series)

    assert second.confidential is True
    assert not series_services.series_can_manage(org.sun, series)
    assert series not in series_visible_to(org.sun)
    assert series in series_visible_to(org.li)  # a standing participant of its meetings
    with pytest.raises(PermissionDenied):
        series_services.series_plan_next(actor=org.sun, series=series)
    assert series.meetings.count() == 2
