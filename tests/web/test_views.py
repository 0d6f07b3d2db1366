"""Home ("my work"), sign-in and the language switch."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accord.actions import services as actions
from accord.core import clock
from accord.meetings import services as meetings
from accord.minutes import services as minutes
from accord.org.models import Person
from tests.conftest import STARTS, close_topics


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def count(response, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', response.content.decode())
    assert match, name
    return int(match.group(1))


@pytest.fixture
def distributed(org, running_meeting):
    """Three items for zhou: one overdue soon, one due in 5 days, one in 30; minutes out."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        items = [
            actions.action_create(
                actor=org.zhao, meeting=running_meeting, task=task, owner=org.zhou, due=due
            )
            for task, due in [
                ("提交技术方案", dt.date(2026, 9, 10)),
                ("完成接口文档", dt.date(2026, 9, 14)),
                ("上线演练", dt.date(2026, 10, 9)),
            ]
        ]
        close_topics(org, running_meeting)
        meetings.meeting_end(actor=org.wang, meeting=running_meeting)
        minutes.minutes_submit(actor=org.zhao, meeting=running_meeting)
        minutes.minutes_approve(actor=org.wang, meeting=running_meeting)
        minutes.minutes_distribute(actor=org.sun, meeting=running_meeting)
        actions.action_sign(actor=org.zhou, action=items[0])
    return items


def test_home_asks_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_name(client, org):
    org.zhou.set_password("Correct-Horse-42")
    org.zhou.save()
    response = client.post(
        reverse("web:login"), {"username": "zhou", "password": "wrong"}, follow=False
    )
    assert response.status_code == 200
    assert "The user name or password is wrong." in text(response)
    assert 'value="zhou"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_then_home(client, org):
    org.zhou.set_password("Correct-Horse-42")
    org.zhou.save()
    response = client.post(
        reverse("web:login"), {"username": "zhou", "password": "Correct-Horse-42"}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert int(client.session["_auth_user_id"]) == org.zhou.pk


def test_my_work_counts_and_lists(client, org, distributed):
    """S-TRACK-1, S-POST-3: my items by urgency, what awaits my signature, with deadlines."""
    client.force_login(org.zhou)
    with clock.frozen(STARTS + dt.timedelta(days=2)):  # 2026-09-11: the first item is overdue
        response = client.get("/")
    assert response.status_code == 200
    assert (count(response, "overdue"), count(response, "soon"), count(response, "sign")) == (
        1,
        1,
        2,
    )
    page = text(response)
    assert "提交技术方案 Q3产品上线跨部门协作启动会 2026-09-10 1 day overdue" in page
    assert "完成接口文档 Q3产品上线跨部门协作启动会 2026-09-14 in 3 days" in page
    mine = page[page.index("My action items") :]
    assert mine.index("提交技术方案") < mine.index("完成接口文档") < mine.index("上线演练")


def test_home_shows_minutes_to_review_for_the_host(client, org, ended_meeting):
    """S-POST-2: the host sees the minutes waiting for review, with their deadline."""
    minutes.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    client.force_login(org.wang)
    response = client.get("/")
    assert count(response, "waiting") == 1
    assert "Review the minutes of “Q3产品上线跨部门协作启动会” — due 2026-09-10 15:25" in text(
        response
    )


def test_home_shows_minutes_to_write_for_the_recorder(client, org, ended_meeting):
    """S-POST-1: the recorder sees the 24-hour deadline."""
    client.force_login(org.zhao)
    response = client.get("/")
    assert "Write the minutes of “Q3产品上线跨部门协作启动会” — due 2026-09-10 15:25" in text(
        response
    )


def test_home_shows_questions_to_answer(client, org, scheduled_meeting):
    """S-PREP-4: a participant sees their department's open questions before the meeting."""
    meetings_question = scheduled_meeting.questions.model
    meetings_question.objects.create(meeting=scheduled_meeting, text="需要哪些资源？", order=1)
    client.force_login(org.liu)
    response = client.get("/")
    assert (
        "销售部: 1 question to answer for “Q3产品上线跨部门协作启动会” — before 2026-09-09 14:00"
        in text(response)
    )


def test_home_query_count_does_not_grow_with_items(
    client, org, distributed, running_meeting, django_assert_num_queries
):
    client.force_login(org.zhou)
    with django_assert_num_queries(9) as few:  # with the bell
        client.get("/")
    meeting = running_meeting
    meeting.refresh_from_db()
    minutes.minutes_open_revision(actor=org.wang, meeting=meeting, reason="补充行动项")
    for index in range(10):
        actions.action_create(
            actor=org.zhao,
            meeting=meeting,
            task=f"追加任务{index}",
            owner=org.zhou,
            due=dt.date(2026, 9, 12 + index),
        )
    minutes.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes.minutes_approve(actor=org.wang, meeting=meeting)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert count(response, "sign") == 12


def test_language_switch_is_remembered_on_the_person(client, org):
    client.force_login(org.zhou)
    response = client.post(reverse("web:language"), {"language": "zh-hans", "next": "/"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert Person.objects.get(pk=org.zhou.pk).locale == "zh-hans"
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert home["Content-Language"] == "zh-hans"
    assert "我的工作" in home.content.decode()


def test_language_switch_refuses_other_sites_and_unknown_languages(client, org):
    client.force_login(org.zhou)
    response = client.post(
        reverse("web:language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    assert Person.objects.get(pk=org.zhou.pk).locale == ""


def test_browser_language_is_the_default(client, org):
    client.force_login(org.zhou)
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")["Content-Language"] == "zh-hans"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")["Content-Language"] == "en"
