"""The one partial update (``core.services.model_update``): it saves only what differs, and
an update that changes nothing saves nothing, so that the services built on it write no
audit row, no notice and no outbox row for it."""

import datetime as dt

from accord.actions import services as actions
from accord.core import clock
from accord.core.models import AuditEvent
from accord.core.services import model_update
from accord.live import services as live
from accord.meetings import services as meetings
from accord.minutes import services as minutes_services
from accord.notify import services as notify
from accord.notify.models import Channel, Notification
from tests.conftest import STARTS, close_topics


def side_effects() -> tuple[int, int]:
    return AuditEvent.objects.count(), Notification.objects.count()


def test_data_that_matches_saves_nothing_and_reads_nothing(
    org, draft_meeting, django_assert_num_queries
):
    topic = draft_meeting.topics.get(order=1)  # lead department: marketing
    updated_at = topic.updated_at

    with django_assert_num_queries(0):  # a relation is compared by its key
        changed = model_update(
            instance=topic,
            data={
                "title": "产品需求优先级确认",
                "planned_minutes": 30,
                "lead_department": org.marketing,
            },
        )

    assert changed == {}
    topic.refresh_from_db()
    assert topic.updated_at == updated_at


def test_only_what_differs_is_saved_and_returned(org, draft_meeting, django_assert_num_queries):
    topic = draft_meeting.topics.get(order=1)

    with clock.frozen(STARTS - dt.timedelta(days=1)), django_assert_num_queries(1):
        changed = model_update(
            instance=topic,
            data={"title": "产品需求优先级确认", "planned_minutes": 25, "lead_department": org.rnd},
        )

    assert changed == {"planned_minutes": 25, "lead_department": org.rnd}
    topic.refresh_from_db()
    assert (topic.title, topic.planned_minutes, topic.lead_department) == (
        "产品需求优先级确认",
        25,
        org.rnd,
    )


def test_a_topic_saved_as_it_is_writes_no_audit_row(org, draft_meeting):
    topic = draft_meeting.topics.get(order=2)
    before = side_effects()

    meetings.topic_update(actor=org.sun, topic=topic, title=" 责任部门划分 ", planned_minutes=30)

    assert side_effects() == before


def test_an_action_item_saved_as_it_is_writes_nothing_and_a_change_records_only_itself(
    org, running_meeting
):
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        item = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
        )
        before = side_effects()
        actions.action_update(
            actor=org.zhao, action=item, task="提交技术方案初稿", owner=org.zhou, due="9月15日前"
        )
        assert side_effects() == before

        actions.action_update(actor=org.zhao, action=item, due="9月18日前")
    event = AuditEvent.objects.latest("id")
    assert (event.verb, event.data) == (
        "action.updated",
        {"due_date": "2026-09-18", "due_text": "9月18日前"},
    )


def test_a_channel_saved_as_it_is_writes_no_audit_row(org):
    channel = notify.channel_create(
        actor=org.zhou, kind=Channel.Kind.EMAIL, name="我的邮箱", target="zhou@example.cn"
    )
    before = side_effects()

    notify.channel_update(
        actor=org.zhou, channel=channel, name="我的邮箱", target="zhou@example.cn", enabled=True
    )

    assert side_effects() == before


def test_an_integration_given_its_own_events_writes_no_audit_row(org):
    hook = notify.integration_create(
        actor=org.admin,
        name="OA",
        target="https://oa.example.com/accord",
        secret="s3cret",
        events=["action.created", "action.overdue"],
    )
    before = side_effects()

    notify.integration_update(
        actor=org.admin, channel=hook, events=["action.created", "action.overdue"]
    )

    assert side_effects() == before


def test_minutes_saved_as_they_are_write_no_audit_row(org, running_meeting):
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
        minutes_services.minutes_update_summary(
            actor=org.zhao, meeting=running_meeting, summary="三个议题均达成共识"
        )
        before = side_effects()
        minutes_services.minutes_update_summary(
            actor=org.zhao, meeting=running_meeting, summary="三个议题均达成共识 \n"
        )

    assert side_effects() == before
