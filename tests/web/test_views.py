"""Home ("my work"), sign-in and the language switch."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accord.actions import services as actions
from accord.core import clock
from accord.live import services as live
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
        live.meeting_end(actor=org.wang, meeting=running_meeting)
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
    # with the bell and the proposed due dates waiting for my answer
    with django_assert_num_queries(10) as few:
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


# -- Accord's own error pages, in the reader's language ----------------------------------------


def _nav(response) -> list[str]:
    match = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', response.content.decode(), re.S)
    return re.findall(r">([^<]+)</a>", match.group(1)) if match else []


def _in(language: str, message: str) -> str:
    """``message`` as the catalog of ``language`` says it."""
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)


def test_404_is_accords_page_with_the_navigation_in_english(client, org, settings):
    """A meeting one may not see, or that does not exist, answers Accord's own 404 page."""
    settings.DEBUG = False
    client.force_login(org.zhou)

    response = client.get(reverse("meetings:detail", args=[9999]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert text(response).startswith(
        "Page not found · Accord Skip to content Accord My work Meetings Series Boards "
        "Analytics Notifications API tokens Language 中文 English Change 周工程师 Sign out "
        "Page not found Not found, or not yours to see. Back to my work"
    )
    assert _nav(response) == [
        "My work",
        "Meetings",
        "Series",
        "Boards",
        "Analytics",
        "Notifications",
        "API tokens",
    ]
    assert '<html lang="en">' in response.content.decode()


def test_404_is_accords_page_with_the_navigation_in_chinese(client, org, settings):
    """The same page in Chinese, from the browser's language (the person chose none)."""
    settings.DEBUG = False
    client.force_login(org.zhou)

    response = client.get(
        reverse("meetings:detail", args=[9999]), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9"
    )

    assert response.status_code == 404
    assert '<html lang="zh-hans">' in response.content.decode()
    assert _nav(response)[:4] == ["我的工作台", "会议", _in("zh-hans", "Series"), "看板"]
    heading, back = _in("zh-hans", "Page not found"), _in("zh-hans", "Back to my work")
    assert f"<title>{heading} · Accord</title>" in response.content.decode()
    assert f" {heading} 未找到，或您无权查看。 {back} " in text(response)


def test_404_for_someone_signed_out_has_the_layout_without_navigation(client, db, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert text(response).startswith(
        "Page not found · Accord Skip to content Accord Language 中文 English Change "
        "Page not found Not found, or not yours to see. Back to my work"
    )
    assert _nav(response) == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_403_is_accords_page_in_both_languages(client, org, settings, language):
    """The overdue board is the organiser side's (S-TRACK-3): an engineer gets Accord's 403."""
    settings.DEBUG = False
    client.force_login(org.zhou)
    org.zhou.locale = language  # the person's own choice wins over the browser's
    org.zhou.save(update_fields=["locale"])

    response = client.get(reverse("actions:overdue_board"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert f'<html lang="{language}">' in response.content.decode()
    heading = _in(language, "Not allowed")
    assert f"<title>{heading} · Accord</title>" in response.content.decode()
    assert f'<h1 id="error-h">{heading}</h1>' in response.content.decode()
    assert (
        _in(
            language,
            "Your role does not let you open this page. If you need it, ask the organiser of "
            "the meeting or an administrator.",
        )
        in response.content.decode()
    )
    assert _nav(response)[1] == {"en": "Meetings", "zh-hans": "会议"}[language]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_400_is_accords_page_in_both_languages(client, db, settings, language):
    """A request for a host Accord does not serve is refused with Accord's 400 page."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["accord.example"]

    response = client.get("/", HTTP_HOST="elsewhere.example", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert f'<html lang="{language}">' in response.content.decode()
    heading = _in(language, "The request could not be read")
    assert text(response).startswith(
        f"{heading} · Accord {_in(language, 'Skip to content')} Accord "
    )
    assert f"{heading} {_in(language, 'Go back, reload the page and try again.')} " in text(
        response
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_500_page_needs_neither_the_database_nor_the_request(
    rf, db, settings, language, django_assert_num_queries
):
    """Django renders 500.html without the request or any context, maybe because the database
    failed: the page runs no query and still says, in the reader's language, what happened."""
    from django.urls import get_resolver
    from django.utils import translation

    settings.DEBUG = False
    handler = get_resolver().resolve_error_handler(500)

    with translation.override(language), django_assert_num_queries(0):
        response = handler(rf.get("/meetings/1/"))

    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.content.decode()
    heading = _in(language, "Something went wrong")
    assert text(response) == (
        f"{heading} · Accord Accord {heading} "
        + _in(
            language,
            "Accord could not answer this request. What was saved before is kept; try again "
            "in a moment, and tell an administrator if it keeps happening.",
        )
        + " "
        + _in(language, "Back to my work")
    )
