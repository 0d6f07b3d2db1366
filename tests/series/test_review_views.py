"""The review of the previous plan on the meeting pages (S-REVIEW-2), and its moves.

A weekly check-in series: the first check-in (14 September) leaves an item open, the second
(21 September) an action plan carried out in every way — on time, late, overdue, re-planned
twice (it slipped), not yet due — and the third (28 September) follows the second. On the morning of the
28th its organiser (sun, PMO) and host (wang) go through the plan and steer it from the page;
a participant (zhou) sees the review and may not steer it.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, ActionUpdate
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.notify.models import Channel, Notification
from accord.series import services as series_services
from accord.series.services import meeting_follow
from tests.conftest import STARTS, Org, close_topics
from tests.meetings.test_views import messages_of, page

Status = ActionItem.Status


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


REVIEW_DAY = at(9, 28, 8, 0)  # the morning of the third check-in
FIRST, SECOND = "Q3产品上线周会", "Q3产品上线周会"


@contextmanager
def held(org: Org, meeting: Meeting):
    """Schedule and start ``meeting`` at its time; what the block records happens in it;
    then every topic is agreed and the meeting ends."""
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(meeting.starts_at):
        live.meeting_start(actor=org.wang, meeting=meeting)
        yield
        close_topics(org, meeting)
        live.meeting_end(actor=org.wang, meeting=meeting)


def add(org: Org, meeting: Meeting, task: str, owner, due: str) -> ActionItem:
    return actions.action_create(actor=org.zhao, meeting=meeting, task=task, owner=owner, due=due)


def done(person, item: ActionItem, when: dt.datetime) -> None:
    with clock.frozen(when):
        tracking.action_set_status(actor=person, action=item, status=Status.DONE)


@pytest.fixture
def plan(org: Org) -> dict:
    """Three weekly check-ins; the third, a draft, follows the second."""
    weekly = series_services.series_create(
        actor=org.sun,
        title="Q3产品上线周会",
        recurrence="FREQ=WEEKLY;BYDAY=MO",
        duration_minutes=30,
        location="2号会议室",
        standing_topics=[{"title": "本周进展", "minutes": 15}],
        host=org.wang,
        recorder=org.zhao,
    )
    first = series_services.series_plan_next(
        actor=org.sun, series=weekly, first_start=at(9, 14, 9, 30)
    )
    meetings.participants_invite_department(
        actor=org.sun, meeting=first, department=org.marketing, decision_maker=org.wang
    )
    meetings.participants_invite_department(
        actor=org.sun,
        meeting=first,
        department=org.rnd,
        decision_maker=org.li,
        executors=[org.zhou],
    )
    items = {}
    with held(org, first):
        items["server"] = add(org, first, "服务器采购", org.li, "9月18日前")
        items["old_done"] = add(org, first, "需求文档", org.zhang, "9月18日前")
    done(org.zhang, items["old_done"], at(9, 17, 10))

    second = series_services.series_plan_next(actor=org.sun, series=weekly)
    with held(org, second):
        items["tech"] = add(org, second, "技术方案", org.zhou, "9月24日前")
        items["survey"] = add(org, second, "用户调研报告", org.zhang, "9月24日前")
        items["design"] = add(org, second, "设计稿", org.chen, "9月25日前")
        items["testenv"] = add(org, second, "测试环境", org.zhou, "9月24日前")
        items["material"] = add(org, second, "上线物料", org.liu, "10月9日前")
    done(org.zhou, items["tech"], at(9, 23, 18))
    done(org.zhang, items["survey"], at(9, 25, 11))
    with clock.frozen(at(9, 22, 10)):
        tracking.action_replan(
            actor=org.sun, action=items["testenv"], due="9月30日前", reason="等待测试服务器"
        )
    with clock.frozen(at(9, 23, 10)):
        tracking.action_replan(
            actor=org.sun, action=items["testenv"], due="10月9日前", reason="服务器到货延迟"
        )
    with clock.frozen(at(9, 24, 16)):
        tracking.action_escalate(actor=org.sun, action=items["server"], note="采购审批卡住")

    third = series_services.series_plan_next(actor=org.sun, series=weekly)
    return {"first": first, "second": second, "third": third, **items}


@pytest.fixture
def review_day(plan):
    with clock.frozen(REVIEW_DAY):
        yield REVIEW_DAY


def detail(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def move_url(meeting: Meeting, item: ActionItem, move: str) -> str:
    return reverse(f"review:{move}", args=[meeting.pk, item.pk])


def post_move(client, meeting: Meeting, item: ActionItem, move: str, **fields):
    data = {f"review-{item.pk}-{move}-{name}": value for name, value in fields.items()}
    if "next" in fields:
        data["next"] = data.pop(f"review-{item.pk}-{move}-next")
    return client.post(move_url(meeting, item, move), data)


def review_rows(response) -> list[list[str]]:
    """Each row's task, owner, department, meeting, due, status and on-time cells."""
    table = page(response).find("section", id="review").find("table")
    return [row[:7] for row in table.rows()]


def summary(response) -> str:
    return page(response).find("section", id="review").find("p", cls="review-summary").text


def snapshot(item: ActionItem) -> tuple:
    item.refresh_from_db()
    return (
        item.status,
        item.completed_at,
        item.due_date,
        item.replan_count,
        item.escalated_at,
        item.updates.count(),
    )


# -- what the review shows ---------------------------------------------------------------------

ROWS = [
    [
        "服务器采购",
        "李主管",
        "研发部",
        "Q3产品上线周会 carried over",
        "2026-09-18",
        "Open escalated 2026-09-24",
        "overdue",
    ],
    ["技术方案", "周工程师", "研发部", "Q3产品上线周会", "2026-09-24", "Done", "on time"],
    ["用户调研报告", "张专员", "市场部", "Q3产品上线周会", "2026-09-24", "Done", "late"],
    ["设计稿", "陈主管", "设计部", "Q3产品上线周会", "2026-09-25", "Open", "overdue"],
    [
        "测试环境",
        "周工程师",
        "研发部",
        "Q3产品上线周会",
        "2026-09-24 committed 2 moves, now due 2026-10-09 "
        "2026-09-24 → 2026-09-30: 等待测试服务器 (2026-09-22) "
        "2026-09-30 → 2026-10-09: 服务器到货延迟 (2026-09-23)",
        "Open",
        "slipped",
    ],
    ["上线物料", "刘代表", "销售部", "Q3产品上线周会", "2026-10-09", "Open", "open — not yet due"],
]


def test_detail_page_reviews_the_previous_plan_s_review_2(client, org: Org, plan, review_day):
    """S-REVIEW-2: the items of the meeting followed, and the still-open ones of earlier
    check-ins (carried over), with the due date as agreed, its re-plans and reasons, the
    status, whether it was on time, and an escalation with its date. A done item of an
    earlier check-in is no longer reviewed."""
    client.force_login(org.sun)

    response = client.get(detail(plan["third"]))

    assert response.status_code == 200
    assert review_rows(response) == ROWS
    assert summary(response) == (
        "6 items: 1 done on time, 1 late, 1 slipped, 4 still open (2 overdue)"
    )
    doc = page(response).find("section", id="review")
    links = [a.attrs["href"] for a in doc.find("tbody").find_all("a")]
    assert links == [
        reverse("actions:detail", args=[plan[key].pk])
        for key in ("server", "tech", "survey", "design", "testenv", "material")
    ]
    # The organiser steers the open items; done ones have nothing to do.
    steer = {
        tr.attrs["id"]: [s.text for s in tr.find_all("summary") if s.parent.tag == "details"]
        for tr in doc.find("tbody").find_all("tr")
    }
    moves = ["Close as done", "Cancel item", "Re-plan", "Escalate"]
    assert steer == {
        f"review-{plan['server'].pk}": moves,
        f"review-{plan['tech'].pk}": [],
        f"review-{plan['survey'].pk}": [],
        f"review-{plan['design'].pk}": moves,
        f"review-{plan['testenv'].pk}": ["2 moves, now due 2026-10-09", *moves],
        f"review-{plan['material'].pk}": moves,
    }
    assert doc.find("form", id=f"review-{plan['design'].pk}-replan").attrs["action"] == (
        move_url(plan["third"], plan["design"], "replan")
    )
    assert doc.find("input", name="next").attrs["value"] == detail(plan["third"]) + "#review"


def test_a_participant_sees_the_review_without_moves(client, org: Org, plan, review_day):
    client.force_login(org.zhou)

    response = client.get(detail(plan["third"]))

    assert response.status_code == 200
    assert review_rows(response) == ROWS
    doc = page(response).find("section", id="review")
    assert "Steer" not in doc.texts("th")
    assert not doc.has("form")


def test_the_run_page_shows_the_same_review_and_comes_back_to_itself(
    client, org: Org, plan, review_day
):
    third = plan["third"]
    meetings.meeting_schedule(actor=org.sun, meeting=third)
    client.force_login(org.wang)
    run = reverse("meetings:run", args=[third.pk])

    response = client.get(run)

    assert response.status_code == 200
    assert review_rows(response) == ROWS
    assert (
        page(response).find("section", id="review").find("input", name="next").attrs["value"]
        == run + "#review"
    )

    response = post_move(client, third, plan["design"], "close", note="", next=run + "#review")

    assert (response.status_code, response["Location"]) == (302, run + "#review")


def test_no_review_for_a_meeting_that_follows_none(client, org: Org, draft_meeting):
    client.force_login(org.sun)

    response = client.get(detail(draft_meeting))

    assert response.status_code == 200
    assert not page(response).has("section", id="review")


# -- the moves -----------------------------------------------------------------------------------


def test_close_as_done(client, org: Org, plan, review_day):
    client.force_login(org.sun)
    item = plan["design"]

    response = post_move(client, plan["third"], item, "close", note="设计稿已交付")

    assert (response.status_code, response["Location"]) == (
        302,
        detail(plan["third"]) + "#review",
    )
    item.refresh_from_db()
    assert (item.status, item.completed_at, item.progress) == (Status.DONE, REVIEW_DAY, 100)
    update = item.updates.get()
    assert (update.kind, update.author, update.old_status, update.new_status, update.text) == (
        ActionUpdate.Kind.STATUS,
        org.sun,
        "open",
        "done",
        "设计稿已交付",
    )
    response = client.get(response["Location"])
    assert messages_of(response) == ["“设计稿” is closed as done."]
    assert review_rows(response)[3][5:] == ["Done", "late"]


def test_cancel_with_a_note(client, org: Org, plan, review_day):
    client.force_login(org.wang)
    item = plan["material"]

    response = post_move(client, plan["third"], item, "cancel", note="渠道方案取消")

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.completed_at) == (Status.CANCELLED, None)
    assert list(item.updates.values_list("kind", "old_status", "new_status", "text")) == [
        ("status", "open", "cancelled", "渠道方案取消")
    ]
    response = client.get(response["Location"])
    assert messages_of(response) == ["“上线物料” is cancelled."]
    assert review_rows(response)[5][5:] == ["Cancelled", "—"]
    assert (
        summary(response)
        == "6 items: 1 done on time, 1 late, 1 slipped, 3 still open (2 overdue), 1 cancelled"
    )


def test_replan_with_a_phrase(client, org: Org, plan, review_day):
    client.force_login(org.sun)
    item = plan["design"]

    response = post_move(
        client, plan["third"], item, "replan", due_date="下周五", reason="等供应商"
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.due_date, item.due_text, item.committed_due_date, item.replan_count) == (
        dt.date(2026, 10, 9),
        "下周五",
        dt.date(2026, 9, 25),
        1,
    )
    assert list(
        item.updates.values_list("kind", "author", "old_due_date", "new_due_date", "text")
    ) == [("replan", org.sun.pk, dt.date(2026, 9, 25), dt.date(2026, 10, 9), "等供应商")]
    response = client.get(response["Location"])
    assert messages_of(response) == ["“设计稿” is re-planned to 2026-10-09."]
    # S-TRACK-3: three days overdue and re-planned, it slipped; it is not "not yet due"
    assert review_rows(response)[3][4:] == [
        "2026-09-25 committed 1 move, now due 2026-10-09 "
        "2026-09-25 → 2026-10-09: 等供应商 (2026-09-28)",
        "Open",
        "slipped",
    ]
    assert summary(response) == (
        "6 items: 1 done on time, 1 late, 2 slipped, 4 still open (1 overdue)"
    )


def test_escalate_tells_the_department_head_and_the_pmo(client, org: Org, plan, review_day):
    client.force_login(org.wang)
    item = plan["testenv"]

    response = post_move(client, plan["third"], item, "escalate", note="测试服务器需要预算")

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.escalated_at, item.status, item.due_date) == (
        REVIEW_DAY,
        Status.OPEN,
        dt.date(2026, 10, 9),
    )
    assert list(
        item.updates.filter(kind=ActionUpdate.Kind.ESCALATION).values_list("author", "text")
    ) == [(org.wang.pk, "测试服务器需要预算")]
    notices = Notification.objects.filter(kind="action.escalated", action=item)
    # The owner (zhou), the head of R&D (li) and the PMO (sun); not wang, who escalated.
    assert set(notices.filter(via=Channel.Kind.IN_APP).values_list("recipient", flat=True)) == {
        org.zhou.pk,
        org.li.pk,
        org.sun.pk,
    }
    response = client.get(response["Location"])
    assert messages_of(response) == [
        "“测试环境” is escalated: the department head and the PMO are told."
    ]
    assert review_rows(response)[4][5] == "Open escalated 2026-09-28"


# -- refusals -----------------------------------------------------------------------------------


def form_errors(response, item: ActionItem, move: str) -> list[str]:
    form = page(response).find("form", id=f"review-{item.pk}-{move}")
    return form.texts("ul", cls="errorlist") + form.texts("div", cls="alert")


@pytest.mark.parametrize(
    ("move", "fields", "message"),
    [
        ("replan", {"due_date": "10月9日前", "reason": "  "}, "Say why the plan changes."),
        (
            "replan",
            {"due_date": "尽快", "reason": "等供应商"},
            "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real "
            "date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”.",
        ),
        ("cancel", {"note": ""}, "Say why the item is cancelled."),
        ("escalate", {"note": " "}, "Say what help is needed."),
    ],
)
def test_refused_moves_keep_what_was_typed_and_change_nothing(
    client, org: Org, plan, review_day, move, fields, message
):
    client.force_login(org.sun)
    item = plan["design"]
    before = snapshot(item)
    notices = Notification.objects.count()

    response = post_move(client, plan["third"], item, move, **fields)

    assert response.status_code == 422
    assert form_errors(response, item, move) == [message]
    doc = page(response)
    assert doc.find("form", id=f"review-{item.pk}-{move}").parent.attrs.get("open") == ""
    for name, value in fields.items():
        assert doc.value(f"review-{item.pk}-{move}-{name}") == value.strip() or value
    # The other rows' forms stay closed and empty.
    assert (
        doc.find("form", id=f"review-{plan['material'].pk}-{move}").parent.attrs.get("open") is None
    )
    assert review_rows(response) == ROWS
    assert snapshot(item) == before
    assert Notification.objects.count() == notices


def test_typed_values_are_kept_exactly(client, org: Org, plan, review_day):
    client.force_login(org.sun)
    item = plan["design"]

    response = post_move(client, plan["third"], item, "replan", due_date="尽快", reason="等供应商")

    doc = page(response)
    assert doc.value(f"review-{item.pk}-replan-due_date") == "尽快"
    assert doc.value(f"review-{item.pk}-replan-reason") == "等供应商"


def test_a_refusal_keeps_where_to_go_back_to(client, org: Org, plan, review_day):
    client.force_login(org.sun)
    run = reverse("meetings:run", args=[plan["third"].pk]) + "#review"

    response = post_move(client, plan["third"], plan["design"], "escalate", note="", next=run)

    assert response.status_code == 422
    assert (
        page(response).find("section", id="review").find("input", name="next").attrs["value"] == run
    )


def test_a_closed_item_cannot_be_closed_again(client, org: Org, plan, review_day):
    """The page offers no moves on a done item; a stale form gets the service's word."""
    client.force_login(org.sun)
    item = plan["tech"]
    before = snapshot(item)

    response = post_move(client, plan["third"], item, "close", note="")

    assert response.status_code == 422
    row = page(response).find("tr", id=f"review-{item.pk}")
    assert row.texts("div", cls="alert") == ["An item that is Done cannot become Done."]
    assert snapshot(item) == before


def test_a_participant_may_not_steer_403(client, org: Org, plan, review_day):
    client.force_login(org.zhou)
    item = plan["design"]
    before = snapshot(item)

    response = post_move(client, plan["third"], item, "replan", due_date="下周五", reason="等")

    assert response.status_code == 403
    row = page(response).find("tr", id=f"review-{item.pk}")
    assert row.texts("div", cls="alert") == ["Only the organiser may re-plan an item."]
    assert snapshot(item) == before
    assert messages_of(response) == []


def test_an_item_not_in_the_review_is_404(client, org: Org, running_meeting, plan, review_day):
    client.force_login(org.sun)
    elsewhere = add(org, running_meeting, "别的会议的任务", org.zhou, "9月30日前")
    for item in (plan["old_done"], elsewhere):
        before = snapshot(item)

        response = post_move(client, plan["third"], item, "close", note="")

        assert response.status_code == 404
        assert snapshot(item) == before
    # The second check-in reviews the first: there its done item is no longer reviewed
    # either, and the second's own items are not in its own review.
    response = post_move(client, plan["second"], plan["design"], "close", note="")
    assert response.status_code == 404


def test_a_meeting_one_may_not_see_is_404(client, org: Org, plan, review_day):
    client.force_login(org.outsider)
    before = snapshot(plan["design"])

    response = post_move(client, plan["third"], plan["design"], "close", note="")

    assert response.status_code == 404
    assert snapshot(plan["design"]) == before


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"]
)
def test_next_elsewhere_goes_to_the_meeting(client, org: Org, plan, review_day, target):
    client.force_login(org.sun)

    response = post_move(client, plan["third"], plan["design"], "close", note="", next=target)

    assert (response.status_code, response["Location"]) == (
        302,
        detail(plan["third"]) + "#review",
    )


def test_only_post(client, org: Org, plan, review_day):
    client.force_login(org.sun)

    assert client.get(move_url(plan["third"], plan["design"], "close")).status_code == 405


# -- query count ----------------------------------------------------------------------------------

# The detail page of a draft its organiser plans (12 for this one; see DETAIL_QUERIES in
# tests/meetings/test_views.py), plus the review: the meetings it follows, their items
# (through visibility), their re-plans (whether it follows one at all is in the 12).
DETAIL_WITH_REVIEW_QUERIES = 16
# session, person, the bell, the meeting and its five lists, whether it follows a meeting, the
# meetings it follows, their items, their re-plans.
PARTICIPANT_DETAIL_WITH_REVIEW_QUERIES = 13


def _followed_plan(org: Org, count: int, title: str, start: dt.datetime) -> Meeting:
    previous = meetings.meeting_create(
        actor=org.sun,
        title=title,
        starts_at=start,
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
    )
    meetings.topic_add(actor=org.sun, meeting=previous, title="议题", planned_minutes=30)
    meetings.participant_invite(
        actor=org.sun, meeting=previous, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    with held(org, previous):
        items = [
            add(org, previous, f"任务{n}", [org.zhou, org.chen, org.liu][n % 3], "9月30日前")
            for n in range(count)
        ]
    with clock.frozen(start + dt.timedelta(days=1)):
        tracking.action_replan(actor=org.sun, action=items[0], due="10月9日前", reason="延后")
        tracking.action_replan(actor=org.sun, action=items[-1], due="10月16日前", reason="再延后")
        done(org.chen, items[1], start + dt.timedelta(days=1))
    follow_up = meetings.meeting_create(
        actor=org.sun,
        title=f"{title}（跟进）",
        starts_at=start + dt.timedelta(days=7),
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
    )
    meetings.participant_invite(
        actor=org.sun, meeting=follow_up, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    meeting_follow(actor=org.sun, meeting=follow_up, previous=previous)
    return follow_up


def test_detail_query_count_does_not_grow_with_the_review(
    client, org: Org, django_assert_num_queries
):
    small = _followed_plan(org, 3, "三项", STARTS)
    big = _followed_plan(org, 15, "十五项", STARTS + dt.timedelta(hours=3))
    client.force_login(org.sun)

    with django_assert_num_queries(DETAIL_WITH_REVIEW_QUERIES):
        small_page = client.get(detail(small))
    with django_assert_num_queries(DETAIL_WITH_REVIEW_QUERIES):
        big_page = client.get(detail(big))
    client.force_login(org.zhou)  # a participant: no planning, no moves
    for meeting in (small, big):
        with django_assert_num_queries(PARTICIPANT_DETAIL_WITH_REVIEW_QUERIES):
            assert client.get(detail(meeting)).status_code == 200

    assert (small_page.status_code, big_page.status_code) == (200, 200)
    assert len(review_rows(small_page)) == 3
    assert len(review_rows(big_page)) == 15
    assert summary(big_page) == "15 items: 1 done on time, 0 late, 2 slipped, 14 still open"
