"""Quick capture in the browser (S-MEET-3..5): the recorder of the source meeting types
marked lines into topic 1's notes, the proposals appear beside them as the notes are
autosaved, and one click each makes them records; the line with "尽快" shows the due-date
rule's refusal and records nothing. The database then holds exactly those records.

The capture strings are new (English until the catalogs are regenerated), so the page is
opened in English; the notes are the source's Chinese."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.actions.models import ActionItem
from accord.core import clock
from accord.live import services as live
from accord.live.models import CaptureDecision
from accord.meetings import services as meetings
from accord.meetings.models import Objection, TopicOutcome
from tests.conftest import Org
from tests.e2e.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

STARTS = timezone.make_aware(dt.datetime(2026, 9, 9, 14, 0))
CONSENSUS = "优先开发A；D需求由销售部整理客户清单后评估"
NOTES = "\n".join(
    [
        f"【共识】{CONSENSUS}",
        "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境",
        "【待办】@张专员 整理客户反馈 尽快",
        "【异议】销售部：D需求也很紧急",
    ]
)


def source_meeting(o: Org):
    meeting = meetings.meeting_create(
        actor=o.sun,
        title="Q3产品上线跨部门协作启动会",
        goal="确定Q3产品上线分工",
        starts_at=STARTS,
        duration_minutes=90,
        host=o.wang,
        recorder=o.zhao,
    )
    meetings.topic_add(
        actor=o.sun,
        meeting=meeting,
        title="产品需求优先级确认",
        planned_minutes=30,
        lead_department=o.marketing,
    )
    for department, head, executors in [
        (o.marketing, o.wang, [o.zhang]),
        (o.rnd, o.li, [o.zhou]),
        (o.design, o.chen, []),
        (o.sales, o.liu, []),
    ]:
        meetings.participants_invite_department(
            actor=o.sun,
            meeting=meeting,
            department=department,
            decision_maker=head,
            executors=executors,
        )
    meetings.meeting_schedule(actor=o.sun, meeting=meeting)
    with clock.frozen(STARTS):
        return live.meeting_start(actor=o.wang, meeting=meeting)


def test_the_recorder_captures_topic_one_from_typed_notes(new_page, log_in, staff: Org):
    o = staff
    actions = 0
    meeting = source_meeting(o)
    with clock.frozen(STARTS + dt.timedelta(minutes=5)):
        topic = meeting.topics.get()
        page = new_page(locale="en-US")
        log_in(page, o.zhao)
        page.goto(f"/meetings/{meeting.pk}/run/?topic={topic.pk}")
        check_page(page)

        # given the recorder types marker lines only (autosaved; the proposals follow)
        page.locator("#id_notes-notes").fill(NOTES)
        actions += 1
        capture = page.locator("#capture-list")
        accept_consensus = capture.get_by_role("button", name=f"Accept consensus “{CONSENSUS}”")
        expect(accept_consensus).to_be_visible()
        vague = capture.locator("li.proposal").filter(has_text="整理客户反馈")
        expect(vague).to_contain_text("“尽快” is not a date")
        check_page(page)

        # when each proposal is accepted with one click
        capture.get_by_role("button", name="Accept action item “完成A需求技术方案初稿”").click()
        actions += 1
        expect(page.locator("#actions")).to_contain_text("完成A需求技术方案初稿")
        capture.get_by_role("button", name="Accept objection “D需求也很紧急”").click()
        actions += 1
        expect(page.locator("#objections")).to_contain_text("D需求也很紧急")
        accept_consensus.click()
        actions += 1
        # The topic is closed: the page comes back with its outcome.
        expect(page.locator("#readback")).to_contain_text(CONSENSUS)
        check_page(page)
        expect(page.get_by_role("button", name=f"Accept consensus “{CONSENSUS}”")).to_have_count(0)
        # the vague one is refused with the rule's reason, and stays with what it said
        capture = page.locator("#capture-list")
        vague = capture.locator("li.proposal").filter(has_text="整理客户反馈")
        capture.get_by_role("button", name="Accept action item “整理客户反馈”").click()
        actions += 1
        expect(vague.get_by_role("alert")).to_contain_text("“尽快” is not a date")
        expect(vague.get_by_label("Due date")).to_have_value("尽快")
        check_page(page)

    # then the database holds exactly those records
    print(f"\nquick capture of topic 1: {actions} user actions (clicks and fills)")
    assert actions == 5
    assert list(TopicOutcome.objects.values_list("topic", "kind", "text")) == [
        (topic.pk, "consensus", CONSENSUS)
    ]
    assert list(
        ActionItem.objects.values_list("task", "owner", "department", "due_date", "resources")
    ) == [
        (
            "完成A需求技术方案初稿",
            o.li.pk,
            o.rnd.pk,
            dt.date(2026, 9, 15),
            "研发工程师3名、测试环境",
        )
    ]
    assert list(
        Objection.objects.values_list("text", "raised_by", "raised_by_department", "topic")
    ) == [("D需求也很紧急", None, o.sales.pk, topic.pk)]
    assert sorted(CaptureDecision.objects.values_list("kind", "verdict")) == [
        ("action", "accepted"),
        ("consensus", "accepted"),
        ("objection", "accepted"),
    ]
