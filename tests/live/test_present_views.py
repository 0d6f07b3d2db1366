"""The presenter view (S-MEET-2, S-MEET-5): the topic under discussion with the positions
captured so far, then the read-back; for whoever may see the meeting, 404 for anyone else."""

import re

import pytest
from django.urls import reverse

from accord.actions.services import action_create
from accord.live import services as live
from tests.conftest import Org, close_topics


def present_url(meeting, **query) -> str:
    url = reverse("meetings:run_present", args=[meeting.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_room_sees_the_topic_its_positions_and_who_is_still_to_be_heard(
    client, org: Org, running_meeting
):
    topic = running_meeting.topics.get(order=1)
    live.position_record(
        actor=org.zhao, topic=topic, department=org.sales, statement="客户反馈D需求紧急"
    )
    client.force_login(org.zhang)  # a participant, neither host nor recorder

    response = client.get(present_url(running_meeting))

    assert response.status_code == 200
    shown = text(response)
    assert "Topic 1: 产品需求优先级确认 Led by 市场部 销售部 客户反馈D需求紧急" in shown
    assert "Still to be heard: 市场部, 研发部, 行政部, 设计部" in shown
    assert "1. 产品需求优先级确认 2. 责任部门划分 3. 时间节点确认" in shown
    html = response.content.decode()
    assert 'data-timer-start="2026-09-09T14:00:00+08:00" data-timer-planned="30"' in html
    assert 'hx-trigger="every 5s"' in html
    assert "<form" not in html  # it reads only


def test_the_read_back_follows_once_every_topic_is_closed(client, org: Org, running_meeting):
    close_topics(org, running_meeting)
    action_create(
        actor=org.zhao,
        meeting=running_meeting,
        task="完成A需求技术方案初稿",
        owner=org.li,
        due="9月15日前",
        resources="研发工程师3名",
    )
    client.force_login(org.wang)

    shown = text(client.get(present_url(running_meeting)))

    assert (
        "Read-back: consensus per topic 产品需求优先级确认 — Consensus 共识：产品需求优先级确认"
        in shown
    )
    assert "Action plan and owners 完成A需求技术方案初稿 — 李主管 (研发部), 2026-09-15" in shown


def test_the_read_back_on_demand_while_topics_are_open(client, org: Org, running_meeting):
    client.force_login(org.wang)
    shown = text(client.get(present_url(running_meeting, readback=1)))
    assert "Read-back: consensus per topic" in shown
    assert "Topic 1:" not in shown


def test_someone_outside_the_meeting_finds_nothing(client, org: Org, running_meeting):
    client.force_login(org.outsider)
    assert client.get(present_url(running_meeting)).status_code == 404


@pytest.mark.parametrize("positions", [0, 4])
def test_the_view_costs_the_same_queries_however_many_positions(
    client, org: Org, running_meeting, positions, django_assert_num_queries
):
    topic = running_meeting.topics.get(order=1)
    for department in [org.marketing, org.rnd, org.design, org.sales][:positions]:
        live.position_record(actor=org.zhao, topic=topic, department=department, statement="A")
    client.force_login(org.wang)
    client.get(present_url(running_meeting))  # the session is warm
    with django_assert_num_queries(9):
        assert client.get(present_url(running_meeting)).status_code == 200
