"""Screenshots of the four pages people live in — home, plan (the meeting while a draft), run
and minutes — and of the action item page an owner signs on, at desktop (1280×860) and phone
width (390×844), written to var/screenshots/
for a person to look at. The state is built with the services (the journeys walk the
pages); each page is also held to the conftest's checks (no server error, one <h1>, labels)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accord.actions.services import action_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, TopicOutcome
from accord.minutes import services as minutes
from tests.conftest import STARTS, Org
from tests.e2e.conftest import DESKTOP, PHONE, check_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": DESKTOP, "phone": PHONE}


def shoot(new_page, log_in, person, url: str, name: str, *, browser_time=None) -> None:
    """The page at both widths; on a phone nothing may be wider than the screen."""
    for size, viewport in SIZES.items():
        page = new_page(**viewport)
        if browser_time is not None:
            # The run page's topic timer counts in the browser: give it the app's moment.
            page.clock.set_fixed_time(browser_time)
        log_in(page, person)
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_page(page)
        screenshot(page, f"{name}-{size}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is {width}px wide at {viewport}"


def record_the_meeting(org: Org, meeting: Meeting) -> None:
    """Topic 1 as the source tells it, and the three action items."""
    topic = meeting.topics.get(order=1)
    for department, statement, evidence in [
        (org.marketing, "根据用户调研，核心需求为A、B、C，建议优先开发A", "用户需求占比60%"),
        (org.sales, "客户反馈D需求紧急", "3个大客户已提出"),
    ]:
        live.position_record(
            actor=org.zhao,
            topic=topic,
            department=department,
            statement=statement,
            evidence=evidence,
        )
    for task, owner, due, resources in [
        ("完成A需求技术方案初稿", org.li, "9月15日前", "研发工程师3名、测试环境"),
        ("整理3个大客户的D需求清单", org.liu, "下周五", "客户拜访记录"),
        ("输出A功能交互设计稿", org.chen, "本月底", "设计师2名"),
    ]:
        action_create(
            actor=org.zhao,
            meeting=meeting,
            task=task,
            owner=owner,
            due=due,
            resources=resources,
            topic=topic,
        )


def test_screenshots(new_page, log_in, org: Org, draft_meeting: Meeting) -> None:
    o, meeting = org, draft_meeting
    preparation.question_add(
        actor=o.sun,
        meeting=meeting,
        text="请说明本部门对Q3上线的核心需求、可投入人力和最早可交付时间。",
        topic=meeting.topics.get(order=1),
    )
    shoot(new_page, log_in, o.sun, f"/meetings/{meeting.pk}/", "plan")

    meetings.meeting_schedule(actor=o.sun, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=o.wang, meeting=meeting)
        record_the_meeting(o, meeting)
    shoot(
        new_page,
        log_in,
        o.zhao,
        f"/meetings/{meeting.pk}/run/",
        "run",
        browser_time=STARTS + dt.timedelta(minutes=12, seconds=30),
    )
    # On a phone the topic's heading and timer stay at the top while the topic is scrolled.
    page = new_page(**PHONE)
    log_in(page, o.zhao)
    page.goto(f"/meetings/{meeting.pk}/run/")
    page.locator("#topic button[type=submit]").last.scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 1000
    timer = page.get_by_role("timer").bounding_box()
    assert timer is not None and 0 <= timer["y"] < 150, timer

    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        for topic, kind, text in [
            (1, TopicOutcome.Kind.CONSENSUS, "优先开发A；D需求由销售部整理客户清单后评估"),
            (2, TopicOutcome.Kind.CONSENSUS, "市场部牵头上线；研发部开发A；设计部负责交互"),
            (3, TopicOutcome.Kind.NEXT_MEETING, "技术方案初稿完成后再定上线日期"),
        ]:
            live.outcome_record(
                actor=o.zhao,
                topic=meeting.topics.get(order=topic),
                kind=kind,
                text=text,
                next_meeting_on=dt.date(2026, 9, 16)
                if kind == TopicOutcome.Kind.NEXT_MEETING
                else None,
            )
        live.meeting_end(actor=o.wang, meeting=meeting)
    with clock.frozen(STARTS + dt.timedelta(hours=3)):
        minutes.minutes_update_summary(
            actor=o.zhao, meeting=meeting, summary="会议确定了Q3产品上线的分工：优先开发A。"
        )
        minutes.minutes_submit(actor=o.zhao, meeting=meeting)
        minutes.minutes_approve(actor=o.wang, meeting=meeting)
        minutes.minutes_distribute(actor=o.sun, meeting=meeting)
    shoot(new_page, log_in, o.sun, f"/minutes/{meeting.pk}/", "minutes")
    shoot(new_page, log_in, o.li, "/", "home")
    # Beyond the four: the item page, where an owner signs from a phone (S-POST-3).
    item = meeting.actions.get(owner=o.li)
    shoot(new_page, log_in, o.li, f"/actions/{item.pk}/", "action")
