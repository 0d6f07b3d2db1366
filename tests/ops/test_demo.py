"""`accord demo`: the source's example (S-TPL-1, S-TPL-2), live relative to today."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from accord.actions.models import ActionItem, ActionUpdate
from accord.actions.selectors import actions_due_for_reminder, actions_overdue, actions_unsigned
from accord.core.models import AuditEvent
from accord.meetings.models import Meeting, Participant, Position
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_is_late, minutes_record
from accord.ops.demo import FOLLOW_UP_TITLE, MEETING_TITLE
from accord.org.models import Department, Person
from accord.series.selectors import previous_plan_review

pytestmark = pytest.mark.django_db

MODELS = [Department, Person, Meeting, Participant, Position, ActionItem, ActionUpdate, AuditEvent]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_runs_twice_and_leaves_the_same_data():
    first = io.StringIO()
    call_command("demo", stdout=first)
    after_first = counts()
    second = io.StringIO()
    call_command("demo", stdout=second)

    assert "Demo organisation loaded." in first.getvalue()
    assert second.getvalue().strip() == "The demo organisation is already loaded; nothing changed."
    assert counts() == after_first
    assert after_first["Department"] == 5
    assert after_first["Person"] == 9
    assert after_first["Meeting"] == 2
    assert after_first["ActionItem"] == 4


def test_demo_holds_the_source_example_as_a_live_loop():
    call_command("demo", stdout=io.StringIO())
    today = dt.date(2026, 9, 7)  # the tests' fixed clock
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    record = minutes_record(meeting=meeting_with_record(pk=meeting.pk))

    info = record["meeting"]
    assert (meeting.duration_minutes, meeting.location) == (90, "3号会议室")
    assert meeting.online_meeting_number == "腾讯会议 618-2023-815"
    assert meeting.status == Meeting.Status.DISTRIBUTED
    assert (meeting.host.department.name, meeting.host.title) == ("市场部", "经理")
    assert (meeting.recorder.department.name, meeting.recorder.title) == ("行政部", "专员")
    assert info["departments"] == [
        {"department": "市场部", "people": ["经理", "专员"]},
        {"department": "研发部", "people": ["主管", "工程师"]},
        {"department": "行政部", "people": ["专员"]},
        {"department": "设计部", "people": ["主管"]},
        {"department": "销售部", "people": ["代表"]},
    ]
    topic = record["topics"][0]
    assert topic["title"] == "产品需求优先级确认"
    assert [(p["department"], p["evidence"]) for p in topic["positions"]] == [
        ("市场部", "用户需求占比60%"),
        ("销售部", "3个大客户已提出"),
    ]
    assert record["consensus"][0]["text"] == "优先开发A；D需求纳入第二迭代，由研发部评估工作量。"
    assert [(a["owner"], a["department"], a["due_date"]) for a in record["actions"]] == [
        ("周工程师", "研发部", "2026-09-04"),
        ("陈主管", "设计部", "2026-09-02"),
        ("张专员", "市场部", "2026-09-17"),
        ("刘代表", "销售部", "2026-09-10"),
    ]
    assert [s["signed_at"] is not None for s in record["signatures"]] == [True, True, False, True]
    assert not minutes_is_late(meeting.minutes)

    overdue = list(actions_overdue(today=today))
    assert [(a.task, a.overdue_reason) for a in overdue] == [("完成需求A的界面设计稿", "resources")]
    assert [a.task for a in actions_unsigned()] == ["制定Q3上线推广计划"]
    assert [a.task for a in actions_due_for_reminder(today=today)] == [
        "整理3个大客户对需求D的具体反馈"
    ]

    follow_up = Meeting.objects.get(title=FOLLOW_UP_TITLE)
    topics = list(follow_up.topics.order_by("order"))
    assert topics[0].is_review
    assert [t.title for t in topics[1:]] == ["时间节点确认", "需求D工作量评估"]
    review = previous_plan_review(meeting=follow_up, today=today)
    assert [(row.action.task, row.status, row.on_time) for row in review] == [
        ("完成需求A的技术方案初稿", "done", True),
        ("完成需求A的界面设计稿", "open", False),
        ("制定Q3上线推广计划", "in_progress", None),
        ("整理3个大客户对需求D的具体反馈", "open", None),
    ]
