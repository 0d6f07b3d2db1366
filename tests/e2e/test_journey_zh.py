"""The source's own meeting, "Q3产品上线跨部门协作启动会", walked end to end in a Chinese browser
(zh-CN): plan → written answers → run → minutes → review → distribute → sign → done.

Every step is done by the person the source names, with their own login, on the page they
would look at, and checked there (visible text and state); the database confirms where a
page could mislead. The clock is the app's (frozen) clock, moved between steps.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accord.actions.models import ActionItem, Signature
from accord.core import clock
from accord.meetings.models import Meeting, PrepAnswer, TopicOutcome
from tests.conftest import Org
from tests.e2e.conftest import PHONE, check_page, follow, sign_in, zh

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Q3产品上线跨部门协作启动会"
TOPICS = [
    ("产品需求优先级确认", 30, "市场部"),
    ("责任部门划分", 30, None),
    ("时间节点确认", 20, None),
]
QUESTION = "请说明本部门对Q3上线的核心需求、可投入人力和最早可交付时间。"
ANSWER_MARKETING = "核心需求为A、B、C；市场部可投入2人，8月底完成用户调研。"
ANSWER_RND = "A需求可在9月中旬完成技术方案；研发部可投入3名工程师。"
MARKETING_POSITION = "根据用户调研，核心需求为A、B、C，建议优先开发A"
MARKETING_EVIDENCE = "用户需求占比60%"
SALES_POSITION = "客户反馈D需求紧急"
SALES_EVIDENCE = "3个大客户已提出"
CONSENSUS_1 = "优先开发A；D需求由销售部整理客户清单后评估"
CONSENSUS_2 = "市场部牵头上线；研发部开发A；设计部负责交互；销售部对接大客户"
NEXT_MEETING_3 = "技术方案初稿完成后再定上线日期"
TASK_RND = "完成A需求技术方案初稿"
TASK_SALES = "整理3个大客户的D需求清单"
TASK_DESIGN = "输出A功能交互设计稿"
RETURN_COMMENT = "请在摘要中写明D需求的评估时间。"
SUMMARY_1 = "会议确定了Q3产品上线的分工：优先开发A。"
SUMMARY_2 = "会议确定了Q3产品上线的分工：优先开发A；D需求待销售部9月18日前提交清单后评估。"
DONE_NOTE = "技术方案初稿已提交，符合要求。"


def at(*args: int) -> dt.datetime:
    """A moment in the organisation's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(*args))


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def notice(page: Page, text: str) -> Locator:
    """A success message (django.contrib.messages), on the page or in a swapped part."""
    return page.locator(".alert.success").filter(has_text=text)


def open_link(page: Page, name: str) -> None:
    follow(page, page.get_by_role("link", name=name).first)


def test_the_source_meeting_in_chinese(new_page, staff: Org) -> None:
    o = staff
    meeting = plan_and_schedule(new_page)
    answer_and_compare(new_page, meeting)
    with clock.frozen(at(2026, 9, 9, 14, 0)):
        host = new_page()
        sign_in(host, "wang")
        start(host, meeting)
        recorder = new_page()
        sign_in(recorder, "zhao")
        record_topic_one(recorder, meeting)
        record_action_items(recorder, meeting, o)
        close_other_topics(recorder)
    with clock.frozen(at(2026, 9, 9, 15, 25)):
        end_after_read_back(host, meeting)
    review_minutes(host, recorder, meeting)
    distribute(new_page, meeting)
    with clock.frozen(at(2026, 9, 10, 9, 30)):
        sign_items(new_page, meeting)
    with clock.frozen(at(2026, 9, 14, 10, 0)):
        mark_done(new_page, meeting)


# -- before the meeting (S-PREP-1..5) ---------------------------------------------------------


def plan_and_schedule(new_page) -> Meeting:
    """The organiser (孙主任, PMO) plans the meeting step by step — details, topics, people,
    questions, review — and schedules it."""
    page = new_page()

    def pick(box: str, name: str) -> None:
        """The person picker: type the name, choose the person among the results."""
        page.locator(f"#{box}").fill(name)
        page.locator(f"#{box}_results").get_by_role("radio", name=re.compile(f"^{name} ")).check()

    def next_step(path: str) -> None:
        follow(page, page.locator("nav.step-nav a").last)
        expect(page).to_have_url(re.compile(f"/plan/{path}/$"))

    def settled() -> None:
        """htmx has put the swapped part in place and bound its controls."""
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )

    sign_in(page, "sun")
    expect(h1(page)).to_have_text(zh("My work"))
    open_link(page, zh("Plan a meeting"))
    expect(h1(page)).to_have_text(zh("Plan a meeting"))

    page.get_by_label(zh("Core goal")).fill("确定Q3产品上线分工")
    page.get_by_label(zh("Kind")).select_option(label=zh("Project kickoff and progress"))
    page.locator("#id_title").fill(TITLE)
    page.get_by_label(zh("Date and time")).fill("2026-09-09T14:00")
    page.get_by_label(zh("Length (minutes)")).fill("90")
    page.get_by_label(zh("Place"), exact=True).fill("3号会议室")
    page.get_by_label(zh("Online meeting number"), exact=True).fill("618-2023-815")
    pick("id_host", "王经理")
    pick("id_recorder", "赵专员")
    page.get_by_role("button", name=zh("Create draft")).click()

    # Creating is the first step; the topics are next.
    expect(notice(page, zh("Meeting “%(title)s” created as a draft.", title=TITLE))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/plan/topics/$"))
    check_page(page)
    meeting = Meeting.objects.get(title=TITLE)
    assert meeting.status == Meeting.Status.DRAFT
    assert (meeting.host.name, meeting.recorder.name) == ("王经理", "赵专员")

    # Three topics with their time allocation (S-PREP-1, S-PREP-5); the agenda warning
    # about too few topics goes away with the third.
    agenda = page.locator("#agenda")
    add = agenda.locator("form[aria-labelledby='topic-add-h']")
    warnings = page.locator("#agenda-warnings")
    for count, (title, minutes, lead) in enumerate(TOPICS, start=1):
        add.get_by_label(zh("Topic"), exact=True).fill(title)
        # By id: its label ("Minutes") is translated as the meeting's minutes (会议纪要).
        add.locator("#topic_planned_minutes").fill(str(minutes))
        if lead:
            add.get_by_label(zh("Lead department")).select_option(label=lead)
        add.get_by_role("button", name=zh("Add topic")).click()
        expect(agenda.locator("tbody")).to_contain_text(title)
        expect(agenda.get_by_role("status").filter(has_text=zh("Topic added."))).to_be_visible()
        if count < 3:
            too_few = zh(
                "%(count)d topics: %(low)d to %(high)d keep the discussion focused.",
                count=count,
                low=3,
                high=5,
            )
            expect(warnings).to_contain_text(too_few)
    expect(agenda.locator("tfoot")).to_contain_text("80")
    expect(warnings).to_contain_text(zh("No agenda warnings."))
    check_page(page)

    # Per department its decision-maker and executors (S-PREP-2): choosing the department
    # brings its people; the recorder from 行政部 as one more person.
    next_step("people")
    invite = page.locator("form[aria-labelledby='invite-h']")
    for department, decision_maker, executors in [
        ("市场部", "王经理", ["张专员"]),
        ("研发部", "李主管", ["周工程师"]),
        ("设计部", "陈主管", []),
        ("销售部", "刘代表", []),
    ]:
        invite.get_by_label(zh("Department")).select_option(label=department)
        # Choosing the department brings its people (htmx).
        invite.get_by_label(zh("Decision-maker")).select_option(label=decision_maker)
        # Executors are checkboxes under their department's name (no Ctrl-click list).
        for executor in executors:
            invite.get_by_role("checkbox", name=executor, exact=True).check()
        invite.get_by_role("button", name=zh("Invite department")).click()
        expect(page.locator("#participants h3", has_text=department)).to_be_visible()
        settled()
    # Once people are invited, the form for one more person is folded under its heading.
    page.locator("#participants summary", has_text=zh("Invite one person")).click()
    one = page.locator("form[aria-labelledby='participant-h']")
    pick("participant_person", "赵专员")
    one.get_by_label(zh("Role")).select_option(label=zh("Executor"))
    one.get_by_role("button", name=zh("Invite"), exact=True).click()
    participants = page.locator("#participants")
    expect(participants.locator("h3", has_text="行政部")).to_be_visible()
    for name in ["王经理", "张专员", "李主管", "周工程师", "陈主管", "刘代表", "赵专员"]:
        expect(participants).to_contain_text(name)
    check_page(page)

    # A pre-discussion question (S-PREP-3) for the first topic.
    next_step("preparation")
    questions = page.locator("#questions")
    questions.get_by_label(zh("Question"), exact=True).fill(QUESTION)
    questions.get_by_label(zh("Topic")).select_option(label=TOPICS[0][0])
    questions.get_by_role("button", name=zh("Add question")).click()
    expect(questions.locator("ol")).to_contain_text(QUESTION)

    # The review has nothing missing; scheduling announces the meeting.
    next_step("review")
    expect(page.locator("#missing")).to_have_count(0)
    page.get_by_role("button", name=zh("Schedule")).click()
    expect(notice(page, zh("Meeting scheduled."))).to_be_visible()
    # The steps say the status (no second badge beside the title).
    expect(page.locator(".steps li[aria-current=step]")).to_have_text(zh("Scheduled"))
    check_page(page)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert [t.title for t in meeting.topics.order_by("order")] == [t[0] for t in TOPICS]
    assert meeting.participants.count() == 7
    return meeting


def sheet_of(page: Page, department: str) -> Locator:
    heading = page.get_by_role(
        "heading", name=zh("Answers of %(department)s", department=department)
    )
    return page.locator("section.sheet", has=heading)


def answer_for(page: Page, department: str, answer: str) -> None:
    """A department's participant answers in writing from their home page (S-PREP-4)."""
    expect(h1(page)).to_have_text(zh("My work"))
    waiting = page.locator("#waiting")
    to_answer = zh(
        "%(department)s: %(counter)s question to answer for “%(meeting)s”",
        "%(department)s: %(counter)s questions to answer for “%(meeting)s”",
        1,
        department=department,
        counter=1,
        meeting=TITLE,
    )
    follow(page, waiting.get_by_role("link", name=to_answer))
    expect(h1(page)).to_have_text(zh("Prepare “%(title)s”", title=TITLE))
    sheet = sheet_of(page, department)
    sheet.get_by_label(zh("Answer")).fill(answer)
    sheet.get_by_role("button", name=zh("Save draft")).click()
    expect(sheet.get_by_role("status")).to_have_text(zh("Draft saved."))
    submit = zh("Submit answers of %(department)s", department=department)
    sheet.get_by_role("button", name=submit).click()
    done = zh("%(department)s's answers are submitted.", department=department)
    expect(notice(page, done)).to_be_visible()
    check_page(page)
    sheet = sheet_of(page, department)
    expect(sheet.locator("blockquote")).to_have_text(answer)
    when = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    expect(sheet).to_contain_text(zh("Submitted at %(at)s.", at=when))
    # Submitted answers are final: no more editing.
    expect(sheet.get_by_role("button", name=zh("Save draft"))).to_have_count(0)


def answer_and_compare(new_page, meeting: Meeting) -> None:
    marketing = new_page()
    sign_in(marketing, "zhang")
    answer_for(marketing, "市场部", ANSWER_MARKETING)
    with clock.frozen(at(2026, 9, 8, 10, 0)):
        rnd = new_page()
        sign_in(rnd, "li")
        answer_for(rnd, "研发部", ANSWER_RND)
    assert set(
        PrepAnswer.objects.filter(
            question__meeting=meeting, submitted_at__isnull=False
        ).values_list("department__name", "text")
    ) == {("市场部", ANSWER_MARKETING), ("研发部", ANSWER_RND)}

    # The organiser sees the answers side by side, and who has not answered.
    organiser = new_page()
    sign_in(organiser, "sun", next=f"/meetings/{meeting.pk}/prepare/")
    matrix = organiser.locator("#matrix")
    expect(matrix.get_by_role("heading", name=zh("Answers side by side"))).to_be_visible()
    expect(matrix.locator("td[data-label='市场部']")).to_contain_text(ANSWER_MARKETING)
    expect(matrix.locator("td[data-label='市场部']")).to_contain_text("张专员")
    expect(matrix.locator("td[data-label='研发部']")).to_contain_text(ANSWER_RND)
    expect(matrix.locator("td[data-label='研发部']")).to_contain_text("09-08 10:00")
    for department in ["设计部", "销售部"]:
        expect(matrix.locator(f"td[data-label='{department}']")).to_have_text(zh("Missing"))
    missing = matrix.locator(".missing")
    expect(missing).to_contain_text(zh("Not answered by:"))
    expect(missing).to_contain_text("设计部")
    expect(missing).to_contain_text("销售部")
    expect(missing).not_to_contain_text("市场部")


# -- in the meeting (S-MEET-1..5) -------------------------------------------------------------


def status_badge(page: Page) -> Locator:
    return page.locator(".spread .badge").first


def start(host: Page, meeting: Meeting) -> None:
    """The host opens the meeting from its page (S-MEET-1)."""
    expect(host.locator("#content")).to_contain_text(TITLE)
    open_link(host, TITLE)
    expect(h1(host)).to_have_text(TITLE)
    open_link(host, zh("Run"))
    expect(host.locator("#rules")).to_contain_text("确定Q3产品上线分工")
    host.get_by_role("button", name=zh("Start meeting")).click()
    expect(notice(host, zh("The meeting has started."))).to_be_visible()
    topic_1 = zh("Topic %(order)s: %(title)s", order=1, title=TOPICS[0][0])
    expect(host.get_by_role("heading", name=topic_1)).to_be_visible()
    expect(host.get_by_role("timer")).to_be_visible()
    check_page(host)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_PROGRESS
    assert meeting.started_at == at(2026, 9, 9, 14, 0)


def position(page: Page, department: str) -> Locator:
    heading = page.get_by_role("heading", name=department, exact=True)
    return page.locator("div.position", has=heading)


def record_position(page: Page, department: str, statement: str, evidence: str) -> None:
    box = position(page, department)
    box.get_by_label(zh("Position of %(department)s", department=department)).fill(statement)
    box.get_by_label(zh("Data and facts")).fill(evidence)
    box.get_by_role(
        "button", name=zh("Record the position of %(department)s", department=department)
    ).click()
    recorded = zh("Position of %(department)s recorded.", department=department)
    expect(position(page, department).get_by_role("status")).to_have_text(recorded)
    correct = position(page, department).get_by_role(
        "button", name=zh("Correct the position of %(department)s", department=department)
    )
    expect(correct).to_be_visible()


def close_topic(page: Page, kind: str, text: str, title: str, on: str = "") -> None:
    topic = page.locator("#topic")
    topic.get_by_role("radio", name=zh(kind)).check()
    topic.get_by_label(zh("Consensus or conclusion")).fill(text)
    if on:  # the day a topic sent to the next meeting is discussed again
        topic.locator("input[name='outcome-next_meeting_on']").fill(on)
    topic.get_by_role("button", name=zh("Close the topic")).click()
    closed = zh("Outcome of “%(topic)s”: %(kind)s.", topic=title, kind=zh(kind))
    expect(notice(page, closed)).to_be_visible()
    check_page(page)


def record_topic_one(page: Page, meeting: Meeting) -> None:
    """The recorder (赵专员) records the departments' positions and the consensus (S-MEET-2/3)."""
    open_link(page, TITLE)
    open_link(page, zh("Run"))
    expect(status_badge(page)).to_have_text(zh("In progress"))
    record_position(page, "市场部", MARKETING_POSITION, MARKETING_EVIDENCE)
    record_position(page, "销售部", SALES_POSITION, SALES_EVIDENCE)
    check_page(page)
    close_topic(page, "Consensus", CONSENSUS_1, TOPICS[0][0])
    topic_2 = zh("Topic %(order)s: %(title)s", order=2, title=TOPICS[1][0])
    expect(page.get_by_role("heading", name=topic_2)).to_be_visible()
    topic = meeting.topics.get(order=1)
    assert set(topic.positions.values_list("department__name", "statement", "evidence")) == {
        ("市场部", MARKETING_POSITION, MARKETING_EVIDENCE),
        ("销售部", SALES_POSITION, SALES_EVIDENCE),
    }
    assert topic.outcome.kind == TopicOutcome.Kind.CONSENSUS


def due_shown(date: str, weekday: str) -> str:
    """The date a due phrase stands for, as shown while it is typed: "2026-09-15（星期二）"."""
    return zh("%(date)s (%(weekday)s)", date=date, weekday=weekday)


def add_action(page: Page, task: str, owner: str, due: str, shown: str, resources: str) -> None:
    actions = page.locator("#actions")
    actions.get_by_label(zh("Task")).fill(task)
    actions.get_by_label(zh("Owner")).select_option(label=owner)
    actions.get_by_label(zh("Due date")).fill(due)
    # The date the phrase stands for is shown while typing (S-MEET-4).
    expect(page.locator("#due-check-action")).to_have_text(shown)
    actions.get_by_label(zh("Required resources")).fill(resources)
    actions.get_by_label(zh("Topic")).select_option(label=f"1. {TOPICS[0][0]}")
    actions.get_by_role("button", name=zh("Add the action item")).click()
    added = zh(
        "Action item added: “%(task)s”, %(owner)s, due %(due)s.",
        task=task,
        owner=owner.split()[-1],
        due=shown[:10],
    )
    expect(notice(page, added)).to_be_visible()
    row = actions.locator("tbody tr", has_text=task)
    expect(row).to_contain_text(shown[:10])
    expect(row).to_contain_text(zh("(said as “%(text)s”)", text=due))
    expect(row).to_contain_text(resources)


def record_action_items(page: Page, meeting: Meeting, o: Org) -> None:
    """Three action items, each with a real date: "尽快" is refused (S-MEET-4)."""
    actions = page.locator("#actions")
    vague = zh(
        "“%(text)s” is not a date: nobody can be reminded of it or held to it. "
        "Write a real date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”.",
        text="尽快",
    )
    actions.get_by_label(zh("Task")).fill(TASK_RND)
    actions.get_by_label(zh("Owner")).select_option(label="研发部 李主管")
    due = actions.get_by_label(zh("Due date"))
    due.fill("尽快")
    # Refused next to the field while typing (and announced with the field) …
    expect(page.locator("#due-check-action")).to_have_text(vague)
    # (Chromium reads the <output> as the field's description; Playwright's own computation
    # skips <output>, so the wiring is asserted instead.)
    expect(due).to_have_attribute("aria-describedby", re.compile(r"\bdue-check-action\b"))
    actions.get_by_label(zh("Required resources")).fill("研发工程师3名、测试环境")
    actions.get_by_role("button", name=zh("Add the action item")).click()
    # … and on submit, under the field, with everything typed kept.
    field = actions.locator(".field.invalid")
    expect(field.locator(".errorlist")).to_have_text(vague)
    expect(field.get_by_label(zh("Due date"))).to_have_value("尽快")
    expect(field.get_by_label(zh("Due date"))).to_have_attribute("aria-invalid", "true")
    expect(actions.get_by_label(zh("Task"))).to_have_value(TASK_RND)
    expect(actions.get_by_label(zh("Owner"))).to_have_value(str(o.li.pk))
    expect(actions.get_by_label(zh("Required resources"))).to_have_value("研发工程师3名、测试环境")
    expect(actions.locator("tbody tr")).to_have_count(0)
    check_page(page)
    assert not ActionItem.objects.filter(meeting=meeting).exists()

    # "9月15日前" is a date: Tuesday 2026-09-15.
    actions.get_by_label(zh("Due date")).fill("9月15日前")
    expect(page.locator("#due-check-action")).to_have_text(due_shown("2026-09-15", "星期二"))
    actions.get_by_label(zh("Topic")).select_option(label=f"1. {TOPICS[0][0]}")
    actions.get_by_role("button", name=zh("Add the action item")).click()
    row = actions.locator("tbody tr", has_text=TASK_RND)
    expect(row).to_contain_text("李主管")
    expect(row).to_contain_text("研发部")
    expect(row).to_contain_text("2026-09-15")
    expect(row).to_contain_text("研发工程师3名、测试环境")

    sales_due, design_due = due_shown("2026-09-18", "星期五"), due_shown("2026-09-30", "星期三")
    add_action(page, TASK_SALES, "销售部 刘代表", "下周五", sales_due, "客户拜访记录")
    add_action(page, TASK_DESIGN, "设计部 陈主管", "本月底", design_due, "设计师2名")
    check_page(page)
    assert list(
        ActionItem.objects.filter(meeting=meeting)
        .order_by("due_date")
        .values_list("task", "owner__username", "department__name", "due_date", "topic__order")
    ) == [
        (TASK_RND, "li", "研发部", dt.date(2026, 9, 15), 1),
        (TASK_SALES, "liu", "销售部", dt.date(2026, 9, 18), 1),
        (TASK_DESIGN, "chen", "设计部", dt.date(2026, 9, 30), 1),
    ]


def close_other_topics(page: Page) -> None:
    close_topic(page, "Consensus", CONSENSUS_2, TOPICS[1][0])
    topic_3 = zh("Topic %(order)s: %(title)s", order=3, title=TOPICS[2][0])
    expect(page.get_by_role("heading", name=topic_3)).to_be_visible()
    close_topic(
        page, "Discuss again at the next meeting", NEXT_MEETING_3, TOPICS[2][0], on="2026-09-16"
    )


def end_after_read_back(host: Page, meeting: Meeting) -> None:
    """The host reads back consensus, plan and owners, then ends (S-MEET-5)."""
    host.reload()
    check_page(host)
    readback = host.locator("#readback")
    expect(readback.locator("li", has_text=TOPICS[0][0])).to_contain_text(CONSENSUS_1)
    expect(readback.locator("li", has_text=TOPICS[1][0])).to_contain_text(CONSENSUS_2)
    expect(readback.locator("li", has_text=TOPICS[2][0])).to_contain_text(
        zh("Discuss again at the next meeting")
    )
    for task, owner, due in [
        (TASK_RND, "李主管", "2026-09-15"),
        (TASK_SALES, "刘代表", "2026-09-18"),
        (TASK_DESIGN, "陈主管", "2026-09-30"),
    ]:
        expect(readback.locator("li", has_text=task)).to_contain_text(owner)
        expect(readback.locator("li", has_text=task)).to_contain_text(due)
    expect(readback).not_to_contain_text(zh("No outcome yet"))
    asked: list[str] = []
    host.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    readback.get_by_role("button", name=zh("End meeting")).click()
    ended = zh("The meeting has ended. The minutes are due by %(due)s.", due="2026-09-10 15:25")
    expect(notice(host, ended)).to_be_visible()
    assert asked == [
        zh("End the meeting now? The consensus stands and cannot be changed afterwards.")
    ]
    expect(h1(host)).to_have_text(zh("Minutes and action plan: %(title)s", title=TITLE))
    expect(status_badge(host)).to_have_text(zh("Minutes being written"))
    check_page(host)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.MINUTES_DRAFT
    assert meeting.minutes.due_at == at(2026, 9, 10, 15, 25)


# -- after the meeting (S-POST-1..3, S-TRACK-2) -----------------------------------------------


def write_and_submit(recorder: Page, summary: str) -> None:
    recorder.get_by_label(zh("Summary")).fill(summary)
    recorder.get_by_role("button", name=zh("Save the summary")).click()
    expect(notice(recorder, zh("Summary saved."))).to_be_visible()
    recorder.get_by_role("button", name=zh("Submit to the host for review")).click()
    expect(notice(recorder, zh("The minutes went to the host for review."))).to_be_visible()
    expect(status_badge(recorder)).to_have_text(zh("Minutes in review"))
    check_page(recorder)


def review_minutes(host: Page, recorder: Page, meeting: Meeting) -> None:
    with clock.frozen(at(2026, 9, 9, 16, 30)):
        # The recorder finds the minutes on her home page, built from the record (S-POST-1).
        recorder.goto("/")
        check_page(recorder)
        write = zh("Write the minutes of “%(meeting)s”", meeting=TITLE)
        follow(recorder, recorder.locator("#waiting").get_by_role("link", name=write))
        expect(recorder.locator("#clock")).to_contain_text("2026-09-10 15:25")
        topic_1 = recorder.locator("#topics article").first
        for text in [MARKETING_POSITION, MARKETING_EVIDENCE, SALES_POSITION, SALES_EVIDENCE]:
            expect(topic_1).to_contain_text(text)
        expect(topic_1).to_contain_text(CONSENSUS_1)
        expect(recorder.locator("#plan tbody tr")).to_have_count(3)
        write_and_submit(recorder, SUMMARY_1)

    with clock.frozen(at(2026, 9, 9, 17, 0)):
        # The host reviews and returns it once, with a comment (S-POST-2).
        host.goto("/")
        review = zh("Review the minutes of “%(meeting)s”", meeting=TITLE)
        follow(host, host.locator("#waiting").get_by_role("link", name=review))
        expect(host.locator("#basic")).to_contain_text(SUMMARY_1)
        host.get_by_label(zh("What must change")).fill(RETURN_COMMENT)
        host.get_by_role("button", name=zh("Return to the recorder")).click()
        returned = zh("The minutes went back to the recorder with your comment.")
        expect(notice(host, returned)).to_be_visible()
        expect(status_badge(host)).to_have_text(zh("Minutes being written"))
        check_page(host)

    with clock.frozen(at(2026, 9, 9, 17, 10)):
        # The recorder reads the comment on the minutes page, fixes and submits again.
        recorder.reload()
        check_page(recorder)
        comment = recorder.locator("#review .alert.warning")
        expect(comment).to_contain_text(zh("Returned by the host:"))
        expect(comment).to_contain_text(RETURN_COMMENT)
        write_and_submit(recorder, SUMMARY_2)

    with clock.frozen(at(2026, 9, 9, 17, 30)):
        host.reload()
        check_page(host)
        expect(host.locator("#basic")).to_contain_text(SUMMARY_2)
        host.get_by_role("button", name=zh("Approve")).click()
        expect(notice(host, zh("The minutes are approved."))).to_be_visible()
        expect(status_badge(host)).to_have_text(zh("Minutes approved"))
        expect(host.locator("#version-1")).to_contain_text("王经理")
        expect(host.locator("#version-1")).to_contain_text("2026-09-09 17:30")
        check_page(host)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    assert meeting.minutes.summary == SUMMARY_2
    assert list(meeting.minutes.versions.values_list("number", flat=True)) == [1]


def distribute(new_page, meeting: Meeting) -> None:
    """The organiser distributes within the 24 hours (S-POST-2)."""
    with clock.frozen(at(2026, 9, 9, 17, 40)):
        page = new_page()
        sign_in(page, "sun", next=f"/minutes/{meeting.pk}/")
        page.get_by_role(
            "button", name=zh("Distribute to participants and copied departments")
        ).click()
        distributed = zh(
            "The minutes were distributed to the participants and the copied departments."
        )
        expect(notice(page, distributed)).to_be_visible()
        expect(page.locator("#clock")).to_contain_text(zh("On time"))
        expect(status_badge(page)).to_have_text(zh("Minutes distributed"))
        check_page(page)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DISTRIBUTED

    # Someone who takes no part (财务部 钱会计) cannot even find the meeting.
    outsider = new_page()
    sign_in(outsider, "qian")
    for url in [f"/minutes/{meeting.pk}/", f"/meetings/{meeting.pk}/"]:
        assert outsider.goto(url).status == 404


def sign_items(new_page, meeting: Meeting) -> None:
    """Each owner signs their own item (签字确认, S-POST-3), each with their own login."""
    # 李主管 on his phone, from his home page.
    phone = new_page(**PHONE)
    sign_in(phone, "li")
    to_sign = phone.locator("#sign")
    expect(to_sign).to_contain_text(TASK_RND)
    follow(phone, to_sign.get_by_role("link", name=TASK_RND))
    expect(h1(phone)).to_have_text(TASK_RND)
    expect(phone.locator("[data-fact=due]")).to_contain_text("2026-09-15")
    expect(phone.locator("[data-fact=signed]")).to_contain_text(zh("Not signed yet"))
    phone.get_by_role("button", name=zh("Sign")).click()
    expect(notice(phone, zh("You have signed this item."))).to_be_visible()
    expect(phone.locator("[data-fact=signed]")).to_contain_text(zh("Signed"))
    expect(phone.get_by_role("button", name=zh("Sign"))).to_have_count(0)
    check_page(phone)
    # Nothing on the phone page is wider than the phone.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # 刘代表 on the minutes page.
    sales = new_page()
    sign_in(sales, "liu", next=f"/minutes/{meeting.pk}/")
    row = sales.locator("#signatures tbody tr", has_text=TASK_SALES)
    row.get_by_role("button", name=zh("Sign")).click()
    expect(notice(sales, zh("You signed “%(task)s”.", task=TASK_SALES))).to_be_visible()
    signed = zh("Signed %(at)s (version %(number)s)", at="2026-09-10 09:30", number=1)
    expect(row).to_contain_text(signed)
    # Only the owner signs: the other rows offer 刘代表 no button.
    expect(sales.locator("#signatures").get_by_role("button", name=zh("Sign"))).to_have_count(0)
    check_page(sales)

    # 陈主管 on his phone too.
    design = new_page(**PHONE)
    sign_in(design, "chen")
    follow(design, design.locator("#sign").get_by_role("link", name=TASK_DESIGN))
    design.get_by_role("button", name=zh("Sign")).click()
    expect(notice(design, zh("You have signed this item."))).to_be_visible()
    check_page(design)

    # The organiser sees every item signed.
    organiser = new_page()
    sign_in(organiser, "sun", next=f"/minutes/{meeting.pk}/")
    expect(organiser.locator("#signatures tbody .badge.ok")).to_have_count(3)
    assert set(
        Signature.objects.filter(action__meeting=meeting).values_list(
            "action__task", "person__username", "version"
        )
    ) == {(TASK_RND, "li", 1), (TASK_SALES, "liu", 1), (TASK_DESIGN, "chen", 1)}


def mark_done(new_page, meeting: Meeting) -> None:
    """The owner reports his item done on its page (S-TRACK-2); the organiser sees it."""
    phone = new_page(**PHONE)
    sign_in(phone, "li")
    follow(phone, phone.locator("#overdue").get_by_role("link", name=TASK_RND))
    phone.get_by_label(zh("New status")).select_option(label=zh("Done"))
    phone.get_by_label(zh("Note")).fill(DONE_NOTE)
    phone.get_by_role("button", name=zh("Save the status")).click()
    expect(notice(phone, zh("The status is saved."))).to_be_visible()
    expect(phone.locator("[data-fact=status]")).to_contain_text(zh("Done"))
    expect(phone.locator("#history")).to_contain_text(DONE_NOTE)
    check_page(phone)
    item = ActionItem.objects.get(meeting=meeting, task=TASK_RND)
    assert item.status == ActionItem.Status.DONE

    organiser = new_page()
    sign_in(organiser, "sun", next=f"/minutes/{meeting.pk}/")
    plan = organiser.locator("#plan tbody tr")
    expect(plan.filter(has_text=TASK_RND)).to_contain_text(zh("Done"))
    expect(plan.filter(has_text=TASK_SALES)).not_to_contain_text(zh("Done"))
    check_page(organiser)
