"""The source meeting run end to end through the live workspace (S-MEET-1..5), in Chinese and
in English, with every user action counted: the host starts it, the recorder types the two
positions of topic 1 (autosaved, no button) and the rest as marked lines in each topic's
notes, accepting each proposal with one click; the host ends it after the read-back.

The same meeting through the run page as it was (tests/e2e/test_journey_zh.py, without its
deliberate mistake) took 37 actions: start 1; two positions of 3 (two fields and a button);
three outcomes of 3, 3 and 4; three action items of 6 (task, owner, due date, resources,
topic, button); end 2. The goal is at most half of that."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings.models import Meeting, Position, TopicOutcome
from tests.conftest import STARTS, Org
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = 37

POSITIONS = {
    "marketing": ("根据用户调研，核心需求为A、B、C，建议优先开发A", "用户需求占比60%"),
    "sales": ("客户反馈D需求紧急", "3个大客户已提出"),
}
CONSENSUS_1 = "优先开发A；D需求由销售部整理客户清单后评估"
CONSENSUS_2 = "市场部牵头上线；研发部开发A；设计部负责交互；销售部对接大客户"
NEXT_3 = "技术方案初稿完成后再定上线日期"

NOTES = {
    "zh-CN": [
        "\n".join(
            [
                "市场部、销售部各自说明了需求依据。",
                "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境",
                "【待办】@刘代表 整理3个大客户的D需求清单 下周五 资源：客户拜访记录",
                "【待办】@陈主管 输出A功能交互设计稿 本月底 资源：设计师2名",
                f"【共识】{CONSENSUS_1}",
            ]
        ),
        f"【共识】{CONSENSUS_2}",
        f"【下次再议】{NEXT_3} 9月16日",
    ],
    "en-US": [
        "\n".join(
            [
                "Marketing and Sales each gave the grounds for their needs.",
                "ACTION: @li 完成A需求技术方案初稿 by Sept 15 resources: 研发工程师3名、测试环境",
                "ACTION: @liu 整理3个大客户的D需求清单 next Friday resources: 客户拜访记录",
                "ACTION: @chen 输出A功能交互设计稿 end of this month resources: 设计师2名",
                f"AGREED: {CONSENSUS_1}",
            ]
        ),
        f"AGREED: {CONSENSUS_2}",
        f"NEXT MEETING: {NEXT_3} 2026-09-16",
    ],
}


class Counter:
    """Every click, fill and answer a person gives the page."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self.count += 1


def accept_all(page: Page, act: Counter, expected: int) -> None:
    """Accept the open proposals one by one, the topic's outcome last (it closes the topic)."""
    proposals = page.locator("#capture-list li.proposal")
    expect(proposals).to_have_count(expected)
    for _ in range(expected):
        first = page.locator("#capture-list li.proposal").first
        count = page.locator("#capture-list li.proposal").count()
        act.click(first.locator("button:not(.secondary)"))
        expect(page.locator("#capture-list li.proposal")).to_have_count(count - 1)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_source_meeting_runs_through_the_workspace(
    new_page, log_in, org: Org, scheduled_meeting: Meeting, locale: str
):
    o, meeting, act = org, scheduled_meeting, Counter()
    run = reverse("meetings:run", args=[meeting.pk])
    with clock.frozen(STARTS):
        host = new_page(locale=locale)
        log_in(host, o.wang)
        host.goto(run)
        act.click(host.locator("#start button[type=submit]"))
        expect(host.get_by_role("timer").first).to_be_visible()

    with clock.frozen(STARTS + dt.timedelta(minutes=10)):
        page = new_page(locale=locale)
        log_in(page, o.zhao)
        page.goto(run)
        for key, department in [("marketing", o.marketing), ("sales", o.sales)]:
            statement, evidence = POSITIONS[key]
            act.fill(page.locator(f"#id_position-{department.pk}-statement"), statement)
            act.fill(page.locator(f"#id_position-{department.pk}-evidence"), evidence)
        for department in (o.marketing, o.sales):
            expect(page.locator(f"#position-{department.pk} .save-state")).to_have_attribute(
                "data-state", "saved"
            )
        check_page(page)

        for order, (notes, proposals) in enumerate(zip(NOTES[locale], [4, 1, 1], strict=True), 1):
            expect(page.locator("#topic-h")).to_contain_text(f"{order}")
            act.fill(page.locator("#id_notes-notes"), notes)
            accept_all(page, act, proposals)
            check_page(page)

    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        host.goto(run)
        expect(host.locator("#readback")).to_contain_text(CONSENSUS_2)
        host.once("dialog", lambda dialog: dialog.accept())
        act.click(host.locator("#end button[type=submit]"))
        act.count += 1  # the confirmation answered in the dialog
        host.wait_for_url(f"**/minutes/{meeting.pk}/")
        check_page(host)

    print(
        f"\nthe source meeting through the workspace ({locale}): {act.count} actions, {BEFORE} before"
    )
    assert act.count == 16
    assert act.count * 2 <= BEFORE
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFT
    assert set(
        Position.objects.filter(topic__meeting=meeting).values_list(
            "department__name", "statement", "evidence"
        )
    ) == {("市场部", *POSITIONS["marketing"]), ("销售部", *POSITIONS["sales"])}
    assert list(
        TopicOutcome.objects.filter(topic__meeting=meeting)
        .order_by("topic__order")
        .values_list("kind", "text", "next_meeting_on")
    ) == [
        ("consensus", CONSENSUS_1, None),
        ("consensus", CONSENSUS_2, None),
        ("next_meeting", NEXT_3, dt.date(2026, 9, 16)),
    ]
    assert list(
        ActionItem.objects.filter(meeting=meeting)
        .order_by("id")
        .values_list("task", "owner__name", "department__name", "due_date", "resources")
    ) == [
        (
            "完成A需求技术方案初稿",
            "李主管",
            "研发部",
            dt.date(2026, 9, 15),
            "研发工程师3名、测试环境",
        ),
        ("整理3个大客户的D需求清单", "刘代表", "销售部", dt.date(2026, 9, 18), "客户拜访记录"),
        ("输出A功能交互设计稿", "陈主管", "设计部", dt.date(2026, 9, 30), "设计师2名"),
    ]
