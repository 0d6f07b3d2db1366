"""The live workspace in a browser (S-MEET-1..5): typing survives a reload, two people typing
the same position lose no words, the keyboard reaches the topic at once, the clock bar stays
in view, the presenter view reads from across the room, and every page fits a phone.
Screenshots go to var/screenshots/ (workspace-*, presenter-*)."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accord.actions.models import ActionItem
from accord.actions.services import action_create
from accord.core import clock
from accord.live import services as live
from accord.meetings.models import Meeting, Position, TopicOutcome
from tests.conftest import STARTS, Org, close_topics
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, check_page, screenshot, zh

pytestmark = pytest.mark.django_db(transaction=True)

DURING = STARTS + dt.timedelta(minutes=12)


def screenshot_path(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def run_url(meeting: Meeting) -> str:
    return reverse("meetings:run", args=[meeting.pk])


def statement_of(page: Page, department) -> object:
    return page.locator(f"#id_position-{department.pk}-statement")


def stored(meeting: Meeting, department) -> str | None:
    """The position as the database holds it, waiting up to 5 s for a save on its way."""
    topic = meeting.topics.get(order=1)
    found = None
    for _ in range(50):
        found = Position.objects.filter(topic=topic, department=department).first()
        if found is not None:
            return found.statement
        time.sleep(0.1)
    return None


def wait_for_statement(meeting: Meeting, department, expected: str) -> str:
    topic = meeting.topics.get(order=1)
    value = None
    for _ in range(50):
        value = (
            Position.objects.filter(topic=topic, department=department)
            .values_list("statement", flat=True)
            .first()
        )
        if value == expected:
            return value
        time.sleep(0.1)
    return value


def open_run(new_page, log_in, person, meeting: Meeting, **size) -> Page:
    page = new_page(locale="en-US", **size)
    log_in(page, person)
    page.goto(run_url(meeting))
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
    return page


def test_typing_survives_a_reload_in_the_middle_of_it(new_page, log_in, org: Org, running_meeting):
    meeting = running_meeting
    with clock.frozen(DURING):
        page = open_run(new_page, log_in, org.zhao, meeting)
        field = statement_of(page, org.marketing)
        # typed key by key, and the page reloaded at once: no pause for the autosave
        field.press_sequentially("根据用户调研，核心需求为A、B、C")
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(meeting.title)
        expect(statement_of(page, org.marketing)).to_have_value("根据用户调研，核心需求为A、B、C")
        assert (
            wait_for_statement(meeting, org.marketing, "根据用户调研，核心需求为A、B、C")
            == "根据用户调研，核心需求为A、B、C"
        )
        # once saved, the kept draft is gone: another reload shows the saved text, unchanged
        page.reload()
        expect(statement_of(page, org.marketing)).to_have_value("根据用户调研，核心需求为A、B、C")
        kept = page.evaluate(
            "() => Object.keys(sessionStorage).filter(k => k.startsWith('accord-draft:'))"
        )
        assert kept == []


def test_an_action_item_half_typed_comes_back_after_a_reload(
    new_page, log_in, org: Org, running_meeting
):
    """A form sent only by its button keeps its typing in the tab until it is sent."""
    meeting = running_meeting
    with clock.frozen(DURING):
        page = open_run(new_page, log_in, org.zhao, meeting)
        # "leave this page?" is answered yes
        page.on("dialog", lambda dialog: dialog.accept())
        actions = page.locator("#actions")
        actions.get_by_label("Task").fill("完成A需求技术方案初稿")
        actions.get_by_label("Due date").fill("9月15日前")
        page.wait_for_timeout(500)
        page.reload()
        actions = page.locator("#actions")
        expect(actions.get_by_label("Task")).to_have_value("完成A需求技术方案初稿")
        expect(actions.get_by_label("Due date")).to_have_value("9月15日前")
        expect(actions.locator(".save-state")).to_have_text(
            "Typed before the page reloaded; not sent yet."
        )
        assert not ActionItem.objects.filter(meeting=meeting).exists()

        actions.get_by_label("Owner").select_option(label="研发部 李主管")
        actions.get_by_role("button", name="Add the action item").click()
        expect(page.locator("#actions tbody tr")).to_have_count(1)
        page.wait_for_timeout(300)
        page.reload()
        expect(page.locator("#actions").get_by_label("Task")).to_have_value("")
        assert list(ActionItem.objects.values_list("task", "owner")) == [
            ("完成A需求技术方案初稿", org.li.pk)
        ]


def test_two_people_typing_the_same_position_lose_no_words(
    new_page, log_in, org: Org, running_meeting
):
    meeting = running_meeting
    with clock.frozen(DURING):
        host = open_run(new_page, log_in, org.wang, meeting)
        recorder = open_run(new_page, log_in, org.zhao, meeting)

        statement_of(host, org.sales).fill("客户反馈D需求紧急")
        expect(host.locator(f"#position-{org.sales.pk} .save-state")).to_contain_text("Saved at")
        assert wait_for_statement(meeting, org.sales, "客户反馈D需求紧急") == "客户反馈D需求紧急"

        # the recorder's page still shows the empty position: its save is refused, with the
        # host's words shown and the recorder's kept in the field
        box = recorder.locator(f"#position-{org.sales.pk}")
        statement_of(recorder, org.sales).fill("3个大客户已提出D需求")
        conflict = box.locator(".conflict")
        expect(conflict).to_be_visible()
        expect(conflict.locator("blockquote")).to_have_text("客户反馈D需求紧急")
        expect(box.locator(".save-state")).to_contain_text(
            "Not saved: Someone else saved this while you were typing."
        )
        expect(statement_of(recorder, org.sales)).to_have_value("3个大客户已提出D需求")
        assert stored(meeting, org.sales) == "客户反馈D需求紧急"
        # typing on does not save over the host's text while the choice is open
        statement_of(recorder, org.sales).press_sequentially("，金额大")
        recorder.wait_for_timeout(1200)
        assert stored(meeting, org.sales) == "客户反馈D需求紧急"

        conflict.get_by_role("button", name="Keep both texts").click()
        both = "客户反馈D需求紧急\n\n3个大客户已提出D需求，金额大"
        expect(statement_of(recorder, org.sales)).to_have_value(both)
        assert wait_for_statement(meeting, org.sales, both) == both
        check_page(recorder)

        # the host, typing on the older text, is shown the merged one in turn
        statement_of(host, org.sales).fill("客户反馈D需求紧急，需在9月评估")
        host_box = host.locator(f"#position-{org.sales.pk}")
        expect(host_box.locator(".conflict blockquote")).to_contain_text(
            "3个大客户已提出D需求，金额大"
        )
        host_box.get_by_role("button", name="Keep both texts").click()
        final = both + "\n\n客户反馈D需求紧急，需在9月评估"
        expect(statement_of(host, org.sales)).to_have_value(final)
        assert wait_for_statement(meeting, org.sales, final) == final


def test_the_keyboard_reaches_the_topic_at_once(new_page, log_in, org: Org, running_meeting):
    meeting = running_meeting
    with clock.frozen(DURING):
        page = open_run(new_page, log_in, org.zhao, meeting)
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("Skip to the current topic")
        page.keyboard.press("Enter")
        expect(statement_of(page, org.marketing)).to_be_focused()
        # shortcuts: a new action item, a new objection, back to the topic, the next topic
        page.keyboard.press("Alt+A")
        expect(page.locator("#actions").get_by_label("Task")).to_be_focused()
        page.keyboard.press("Alt+O")
        expect(page.locator("#objections").get_by_label("Objection")).to_be_focused()
        page.keyboard.press("Alt+T")
        expect(statement_of(page, org.marketing)).to_be_focused()
        page.keyboard.press("Alt+N")
        expect(page.get_by_role("heading", name="Topic 2: 责任部门划分")).to_be_visible()
        # every button names what it acts on
        names = page.evaluate(
            "() => [...document.querySelectorAll('main button')].map(b => b.textContent.trim())"
        )
        assert "Save" not in names
        assert names.count("Record the position of 市场部") == 1


def test_the_clock_bar_stays_in_view_and_warns(new_page, log_in, org: Org, running_meeting):
    meeting = running_meeting
    # 33 minutes into topic 1 (30 planned), 10 minutes before the meeting's end (15:30)
    for moment, warning in [
        (STARTS + dt.timedelta(minutes=33), "Over the 30 minutes planned for this topic."),
        (
            STARTS + dt.timedelta(minutes=87),
            "Over the 30 minutes planned for this topic. 3 min left in the meeting.",
        ),
    ]:
        with clock.frozen(moment):
            for viewport in (DESKTOP, PHONE):
                page = open_run(new_page, log_in, org.zhao, meeting, **viewport)
                expect(page.locator("#time-warning")).to_have_text(warning)
                page.mouse.wheel(0, 3000)
                page.wait_for_timeout(200)
                box = page.get_by_role("timer").first.bounding_box()
                assert box is not None and 0 <= box["y"] < viewport["height"]
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{width}px wide at {viewport}"
                page.close()


def record(org: Org, meeting: Meeting) -> None:
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


def test_the_presenter_view_reads_from_across_the_room(new_page, log_in, org: Org, running_meeting):
    meeting = running_meeting
    present = reverse("meetings:run_present", args=[meeting.pk])
    with clock.frozen(DURING):
        record(org, meeting)
        page = new_page(locale="zh-CN", width=1920, height=1080)
        log_in(page, org.sun)
        page.goto(present)
        topic_1 = zh("Topic %(order)s: %(title)s", order=1, title="产品需求优先级确认")
        expect(page.get_by_role("heading", level=2)).to_have_text(topic_1)
        expect(page.locator(".present-positions article")).to_have_count(2)
        expect(page.locator(".present-positions")).to_contain_text("客户反馈D需求紧急")
        expect(page.get_by_role("timer")).to_have_text("12:00")
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.present-positions p')).fontSize)"
        )
        assert size >= 22
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1920
        check_page(page)
        screenshot(page, "presenter-topic-1920")

        # a position recorded meanwhile appears without anyone touching the projector
        live.position_record(
            actor=org.zhao,
            topic=meeting.topics.get(order=1),
            department=org.rnd,
            statement="A需求9月中旬可完成技术方案",
        )
        expect(page.locator(".present-positions article")).to_have_count(3, timeout=12_000)

        close_topics(org, meeting)
        action_create(
            actor=org.zhao,
            meeting=meeting,
            task="完成A需求技术方案初稿",
            owner=org.li,
            due="9月15日前",
            resources="研发工程师3名、测试环境",
            topic=meeting.topics.get(order=1),
        )
        page.goto(present)
        readback = page.locator("ul.readback li")
        expect(readback).to_have_count(1)
        expect(readback).to_have_text("完成A需求技术方案初稿——李主管（研发部），2026-09-15")
        expect(page.locator("ol.readback li")).to_have_count(3)
        assert (
            page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector('ul.readback')).fontSize)"
            )
            >= 28
        )
        screenshot(page, "presenter-readback-1920")
        assert TopicOutcome.objects.filter(topic__meeting=meeting).count() == 3


def test_screenshots_of_the_workspace(new_page, log_in, org: Org, running_meeting):
    meeting = running_meeting
    with clock.frozen(DURING):
        record(org, meeting)
        live.topic_record_notes(
            actor=org.zhao,
            topic=meeting.topics.get(order=1),
            notes="\n".join(
                [
                    "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境",
                    "【待办】@张专员 整理客户反馈 尽快",
                    "【共识】优先开发A；D需求由销售部整理客户清单后评估",
                ]
            ),
        )
        for size, viewport in {"1280": DESKTOP, "390": PHONE}.items():
            page = open_run(new_page, log_in, org.zhao, meeting, **viewport)
            check_page(page)
            expect(page.locator("#capture-list li.proposal")).to_have_count(3)
            screenshot(page, f"workspace-{size}")
            # the bar stays in view as the page scrolls: out of the way for the part alone
            page.add_style_tag(content=".ws-bar { position: static; }")
            page.locator("#capture").screenshot(path=str(screenshot_path(f"capture-{size}")))
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"the workspace is {width}px wide at {viewport}"
            present = new_page(locale="zh-CN", **viewport)
            log_in(present, org.zhao)
            present.goto(reverse("meetings:run_present", args=[meeting.pk]))
            screenshot(present, f"presenter-{size}")
            assert (
                present.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
            )


def test_accepting_a_proposal_asks_before_it_replaces_a_half_typed_action_item(
    new_page, log_in, org: Org, running_meeting
):
    meeting = running_meeting
    with clock.frozen(DURING):
        live.topic_record_notes(
            actor=org.zhao,
            topic=meeting.topics.get(order=1),
            notes="【异议】销售部：D需求也很紧急",
        )
        page = open_run(new_page, log_in, org.zhao, meeting)
        task = page.locator("#actions").get_by_label("Task")
        task.fill("整理3个大客户的D需求清单")
        page.locator("#capture-list li.proposal button:not(.secondary)").click()
        keeper = page.locator("#keeper-dialog")
        expect(keeper).to_contain_text("is not saved yet")
        keeper.locator("[data-answer=back]").click()
        expect(task).to_have_value("整理3个大客户的D需求清单")
        assert not meeting.objections.exists()
