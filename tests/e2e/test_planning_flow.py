"""The source's meeting, "Q3产品上线跨部门协作启动会", planned from scratch in a Chinese browser
(zh-CN) through the guided planning (S-PREP-1..5) — create, topics, departments and people,
questions, review and publish — counting what the organiser does (clicks, fills, selects),
with one publish tried too early on purpose: it lists everything still missing at once.

Each planning step is also shot at desktop (1280) and phone (390) width to var/screenshots/
(``plan-step-<step>-desktop.png`` …) and held to the conftest's checks; on a phone nothing
may be wider than the screen. The clock is the tests' (Monday 2026-09-07 09:00), so the
meeting on Wednesday 2026-09-09 is ahead.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from accord.meetings.models import Meeting
from tests.conftest import Org
from tests.e2e.conftest import DESKTOP, PHONE, check_page, screenshot, sign_in, zh

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Q3产品上线跨部门协作启动会"
TOPICS = [
    ("产品需求优先级确认", 30, "市场部"),
    ("责任部门划分", 30, None),
    ("时间节点确认", 20, None),
]
QUESTION = "请说明本部门对Q3上线的核心需求、可投入人力和最早可交付时间。"
DEPARTMENTS = [
    ("市场部", "王经理", ["张专员"]),
    ("研发部", "李主管", ["周工程师"]),
    ("设计部", "陈主管", []),
    ("销售部", "刘代表", []),
]
STEPS = ["details", "topics", "people", "preparation", "review"]


class Organiser:
    """The organiser's hands on one page: every click, fill, select and check is counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.actions = 0

    def click(self, target: Locator) -> None:
        self.actions += 1
        target.click()

    def fill(self, target: Locator, text: str) -> None:
        self.actions += 1
        target.fill(text)

    def select(self, target: Locator, label: str) -> None:
        self.actions += 1
        target.select_option(label=label)

    def check(self, target: Locator) -> None:
        self.actions += 1
        target.check()

    def pick(self, box: str, name: str) -> None:
        """The person picker: type the name, choose the person among the results."""
        self.fill(self.page.locator(f"#{box}"), name)
        results = self.page.locator(f"#{box}_results")
        self.check(results.get_by_role("radio", name=re.compile(f"^{name} ")))

    def settled(self) -> None:
        """htmx has put the swapped part in place and bound its controls (not an action)."""
        self.page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )


def shoot_steps(new_page, log_in, person, meeting: Meeting) -> None:
    """Every planning step (and the create page) at both widths, checked and fitting."""
    pages = [("plan-step-create", "/meetings/new/")] + [
        (f"plan-step-{step}", f"/meetings/{meeting.pk}/plan/{step}/") for step in STEPS
    ]
    for size, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        page = new_page(**viewport)
        log_in(page, person)
        for name, path in pages:
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            check_page(page)
            screenshot(page, f"{name}-{size}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} is {width}px wide at {viewport}"


def test_planning_the_source_meeting_step_by_step(new_page, log_in, staff: Org) -> None:
    page = new_page()
    sign_in(page, "sun")
    me = Organiser(page)

    # Create: goal, kind, name, time and place (the length's 90 minutes are the default).
    me.click(page.get_by_role("link", name=zh("Plan a meeting")).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Plan a meeting"))
    expect(page.locator(".plan-steps [aria-current=step]")).to_contain_text(
        zh("Goal, time and place")
    )
    me.fill(page.get_by_label(zh("Core goal")), "确定Q3产品上线分工")
    me.select(page.get_by_label(zh("Kind")), zh("Project kickoff and progress"))
    me.fill(page.locator("#id_title"), TITLE)
    me.fill(page.get_by_label(zh("Date and time")), "2026-09-09T14:00")
    me.fill(page.get_by_label(zh("Place"), exact=True), "3号会议室")
    me.click(page.get_by_role("button", name=zh("Create draft")))
    expect(page).to_have_url(re.compile(r"/plan/topics/$"))
    check_page(page)
    meeting = Meeting.objects.get(title=TITLE)

    # Publishing now is refused with everything that is missing, each a link to its step.
    me.click(page.locator(".plan-steps li:nth-child(5) a"))
    me.click(page.get_by_role("button", name=zh("Schedule")))
    missing = page.locator("#missing[role=alert] li")
    expect(missing).to_have_text(
        [
            zh("Add at least one agenda topic before scheduling."),
            zh("Name a host who keeps time before scheduling."),
            zh("Name a recorder before scheduling."),
            zh("Invite at least one participant before scheduling."),
        ]
    )
    check_page(page)
    screenshot(page, "plan-step-review-refused-desktop")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT

    # Topics with their time allocation (S-PREP-1, S-PREP-5), from the first missing item.
    me.click(missing.first.get_by_role("link"))
    expect(page).to_have_url(re.compile(r"/plan/topics/$"))
    agenda = page.locator("#agenda")
    add = agenda.locator("form[aria-labelledby='topic-add-h']")
    for title, minutes, lead in TOPICS:
        me.fill(add.get_by_label(zh("Topic"), exact=True), title)
        # By id: its label ("Minutes") is translated as the meeting's minutes (会议纪要).
        me.fill(add.locator("#topic_planned_minutes"), str(minutes))
        if lead:
            me.select(add.get_by_label(zh("Lead department")), lead)
        me.click(add.get_by_role("button", name=zh("Add topic")))
        expect(agenda.locator("tbody")).to_contain_text(title)
        me.settled()
    expect(page.locator("#agenda-warnings")).to_contain_text(zh("No agenda warnings."))

    # Host and recorder with the picker; per department its decision-maker and executors
    # (S-PREP-2); the recorder's 行政部 as one more person, an executor.
    me.click(page.locator("nav.step-nav a").last)
    expect(page).to_have_url(re.compile(r"/plan/people/$"))
    # The step bar: goal and topics done, people still missing.
    expect(page.locator(".plan-steps li")).to_have_class(
        ["done", "done", "missing current", "open", "open"]
    )
    me.pick("roles_host", "王经理")
    me.pick("roles_recorder", "赵专员")
    me.click(page.locator("#roles").get_by_role("button"))
    expect(page.locator("#roles")).to_contain_text("王经理")
    invite = page.locator("form[aria-labelledby='invite-h']")
    for department, decision_maker, executors in DEPARTMENTS:
        me.select(invite.get_by_label(zh("Department")), department)
        me.select(invite.get_by_label(zh("Decision-maker")), decision_maker)
        for executor in executors:
            me.check(invite.get_by_role("checkbox", name=executor, exact=True))
        me.click(invite.get_by_role("button", name=zh("Invite department")))
        expect(page.locator("#participants h3", has_text=department)).to_be_visible()
        me.settled()
    me.click(page.locator("#participants summary", has_text=zh("Invite one person")))
    one = page.locator("form[aria-labelledby='participant-h']")
    me.pick("participant_person", "赵专员")
    me.select(one.get_by_label(zh("Role")), zh("Executor"))
    me.click(one.get_by_role("button", name=zh("Invite"), exact=True))
    participants = page.locator("#participants")
    expect(participants.locator("h3", has_text="行政部")).to_be_visible()
    me.settled()

    # The pre-discussion question for topic 1 (S-PREP-3).
    me.click(page.locator("nav.step-nav a").last)
    expect(page).to_have_url(re.compile(r"/plan/preparation/$"))
    questions = page.locator("#questions")
    me.fill(questions.get_by_label(zh("Question"), exact=True), QUESTION)
    me.select(questions.get_by_label(zh("Topic")), TOPICS[0][0])
    me.click(questions.get_by_role("button", name=zh("Add question")))
    expect(questions.locator("ol")).to_contain_text(QUESTION)

    # Every step at both widths while the draft is complete.
    shoot_steps(new_page, log_in, staff.sun, meeting)

    # The review has nothing missing any more: publish.
    me.click(page.locator("nav.step-nav a").last)
    expect(page.locator("#missing")).to_have_count(0)
    expect(page.locator(".plan-steps li")).to_have_class(
        ["done", "done", "done", "done", "open current"]
    )
    me.click(page.get_by_role("button", name=zh("Schedule")))
    expect(page.locator(".alert.success", has_text=zh("Meeting scheduled."))).to_be_visible()
    check_page(page)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert (meeting.goal, meeting.kind, meeting.duration_minutes, meeting.location) == (
        "确定Q3产品上线分工",
        Meeting.Kind.KICKOFF,
        90,
        "3号会议室",
    )
    assert (meeting.host.name, meeting.recorder.name) == ("王经理", "赵专员")
    assert list(
        meeting.topics.order_by("order").values_list(
            "title", "planned_minutes", "lead_department__name"
        )
    ) == [(title, minutes, lead) for title, minutes, lead in TOPICS]
    assert sorted(
        meeting.participants.values_list("department__name", "person__name", "role")
    ) == sorted(
        [
            ("市场部", "王经理", "decision_maker"),
            ("市场部", "张专员", "executor"),
            ("研发部", "李主管", "decision_maker"),
            ("研发部", "周工程师", "executor"),
            ("设计部", "陈主管", "decision_maker"),
            ("销售部", "刘代表", "decision_maker"),
            ("行政部", "赵专员", "executor"),
        ]
    )
    assert list(meeting.questions.values_list("text", "topic__title")) == [(QUESTION, TOPICS[0][0])]
    print(f"\nPlanning the source meeting took {me.actions} user actions (clicks, fills, selects).")
    # 7 to create, 2 for the early publish, 11 for the topics, 6 for host and recorder,
    # 14 for the departments, 5 for one more person, 4 for the question, 2 to publish.
    assert me.actions == 51
