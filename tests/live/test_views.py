"""The run page (S-MEET-1..5): the host opens with goal, rules and time (S-MEET-1), each
department states its position with data (S-MEET-2), each topic ends in an outcome
(S-MEET-3), action items get real due dates as they are typed (S-MEET-4), objections are
raised and resolved before the host ends the meeting after the read-back (S-MEET-5)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import AgendaTopic, Meeting, Objection, Participant, Position
from accord.org import services as org_services
from tests.conftest import STARTS, Org

Status = Meeting.Status


# -- helpers ---------------------------------------------------------------------------------


def text(response) -> str:
    """The visible text of a page, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def run_url(meeting: Meeting, name: str = "run", *args) -> str:
    return reverse(f"meetings:{name}", args=[meeting.pk, *args])


def topics(meeting: Meeting) -> list[AgendaTopic]:
    return list(meeting.topics.order_by("order"))


def position_data(department, statement: str, evidence: str = "") -> dict:
    prefix = f"position-{department.pk}"
    return {f"{prefix}-statement": statement, f"{prefix}-evidence": evidence}


def action_data(org: Org, due: str, **extra) -> dict:
    data = {
        "task": "提交技术方案初稿",
        "owner": str(org.zhou.pk),
        "department": "",
        "due_date": due,
        "resources": "测试服务器2台",
        "topic": "",
    }
    data.update(extra)
    return data


def consensus(text_: str) -> dict:
    return {"outcome-kind": "consensus", "outcome-text": text_}


def during(minutes: int) -> dt.datetime:
    return STARTS + dt.timedelta(minutes=minutes)


# -- the whole meeting through the views ------------------------------------------------------


def test_the_whole_meeting_runs_through_the_page_s_meet_1_to_5(client, org: Org, scheduled_meeting):
    """S-MEET-1..5: start, goal and rules, positions of marketing and sales, consensus, an action
    item refused for “尽快” then dated, an objection raised and resolved, the read-back, the end."""
    meeting = scheduled_meeting
    first, second, third = topics(meeting)
    page = run_url(meeting)

    # given the host before the start (S-MEET-1)
    client.force_login(org.wang)
    with clock.frozen(STARTS):
        response = client.get(page)
        assert response.status_code == 200
        shown = text(response)
        assert "Start meeting" in shown
        assert "Core goal 确定Q3产品上线分工" in shown
        assert "About the issue, not the person." in shown
        assert "Focus on solutions." in shown
        assert "80 of 90 minutes planned for the topics" in shown
        assert (
            "Agenda 1. 产品需求优先级确认 30 min 2. 责任部门划分 30 min 3. 时间节点确认 20 min"
            in shown
        )

        # when the host starts
        response = client.post(run_url(meeting, "run_start"))
    assert (response.status_code, response.url) == (302, page)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.started_at) == (Status.IN_PROGRESS, STARTS)

    # the recorder takes topic 1: the timer runs from the start (S-MEET-2)
    client.force_login(org.zhao)
    with clock.frozen(during(5)):
        response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'data-timer-start="2026-09-09T14:00:00+08:00" data-timer-planned="30">00:00</span>' in html
    )
    assert "Topic 1: 产品需求优先级确认" in text(response)
    assert "Start meeting" not in text(response)

    with clock.frozen(during(10)):
        response = client.post(
            run_url(meeting, "run_position", first.pk, org.marketing.pk),
            position_data(
                org.marketing, "用户调研显示核心需求为A、B、C，优先开发A", "A占用户需求的60%"
            ),
        )
        assert response.status_code == 302
        assert response.url == f"{page}?topic={first.pk}#position-{org.marketing.pk}"
        response = client.post(
            run_url(meeting, "run_position", first.pk, org.sales.pk),
            position_data(org.sales, "客户反馈需求D紧急", "3家重点客户提出"),
        )
        assert response.status_code == 302
        response = client.get(page)
    shown = text(response)
    assert (
        "Position of 市场部 recorded. Position of 销售部 recorded." in shown
    )  # after the redirect
    # the recorder sees them in the forms, to correct them …
    assert (
        "市场部 Recorded Position of 市场部 用户调研显示核心需求为A、B、C，优先开发A "
        "Data and facts A占用户需求的60% Correct the position of 市场部" in shown
    )
    assert (
        "销售部 Recorded Position of 销售部 客户反馈需求D紧急 Data and facts 3家重点客户提出"
        in shown
    )
    # a department still to be heard has no badge
    assert "研发部 Position of 研发部" in shown
    # … the others read them
    client.force_login(org.liu)
    shown = text(client.get(page))
    assert (
        "市场部 Recorded 用户调研显示核心需求为A、B、C，优先开发A Data and facts: A占用户需求的60%"
        in shown
    )
    assert "销售部 Recorded 客户反馈需求D紧急 Data and facts: 3家重点客户提出" in shown
    assert "研发部 No position recorded." in shown
    client.force_login(org.zhao)
    assert list(
        Position.objects.filter(topic=first).values_list(
            "department__name", "statement", "evidence"
        )
    ) == [
        ("市场部", "用户调研显示核心需求为A、B、C，优先开发A", "A占用户需求的60%"),
        ("销售部", "客户反馈需求D紧急", "3家重点客户提出"),
    ]

    # consensus closes topic 1 (S-MEET-3); topic 2 becomes current, its clock from now
    with clock.frozen(during(32)):
        response = client.post(
            run_url(meeting, "run_outcome", first.pk), consensus("先开发A，D列入二期")
        )
        assert (response.status_code, response.url) == (302, page)
        response = client.get(page)
    assert "Topic 2: 责任部门划分" in text(response)
    assert 'data-timer-start="2026-09-09T14:32:00+08:00" data-timer-planned="30"' in (
        response.content.decode()
    )

    # an action item "尽快" is refused with the message, the typed text kept (S-MEET-4)
    audits = AuditEvent.objects.count()
    with clock.frozen(during(35)):
        response = client.post(
            run_url(meeting, "run_action"), action_data(org, "尽快", topic=str(first.pk))
        )
    assert response.status_code == 422
    assert (
        "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real date "
        "instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”." in text(response)
    )
    html = response.content.decode()
    assert 'name="due_date" value="尽快"' in html
    assert ">\n提交技术方案初稿</textarea>" in html
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits

    # "9月15日前" is 2026-09-15
    with clock.frozen(during(36)):
        response = client.post(
            run_url(meeting, "run_action"), action_data(org, "9月15日前", topic=str(first.pk))
        )
    assert (response.status_code, response.url) == (302, f"{page}?topic={first.pk}#actions")
    item = ActionItem.objects.get()
    assert (
        item.task,
        item.owner,
        item.department,
        item.due_date,
        item.due_text,
        item.resources,
    ) == (
        "提交技术方案初稿",
        org.zhou,
        org.rnd,
        dt.date(2026, 9, 15),
        "9月15日前",
        "测试服务器2台",
    )
    assert item.topic == first

    # the other topics close; an objection is raised and resolved in the read-back (S-MEET-5)
    with clock.frozen(during(60)):
        client.post(
            run_url(meeting, "run_outcome", second.pk), consensus("研发部负责开发，设计部负责UI")
        )
        response = client.post(
            run_url(meeting, "run_outcome", third.pk),
            {
                "outcome-kind": "next_meeting",
                "outcome-text": "待研发评估工期后再定",
                "outcome-next_meeting_on": "2026-09-16",
            },
        )
        assert response.status_code == 302
    client.force_login(org.liu)
    with clock.frozen(during(80)):
        response = client.post(
            run_url(meeting, "run_objection"),
            {"objection-text": "需求D的优先级过低", "objection-topic": str(first.pk)},
        )
    assert (response.status_code, response.url) == (302, f"{page}#objections")
    objection = Objection.objects.get()
    assert (objection.raised_by, objection.topic, objection.resolved_at) == (org.liu, first, None)

    client.force_login(org.wang)
    with clock.frozen(during(82)):
        response = client.get(page)
        shown = text(response)
        assert "Open objections 刘代表: 需求D的优先级过低" in shown
        # ending now is refused, and says why
        response = client.post(run_url(meeting, "run_end"))
        assert response.status_code == 422
        assert "Resolve every objection before the meeting ends." in text(response)
        meeting.refresh_from_db()
        assert meeting.status == Status.IN_PROGRESS

        response = client.post(
            run_url(meeting, "run_objection_resolve", objection.pk),
            {f"resolve-{objection.pk}-resolution": "二期首个迭代评估D"},
        )
        assert (response.status_code, response.url) == (302, f"{page}#objections")
        response = client.get(page)
    shown = text(response)
    assert (
        "Consensus per topic 产品需求优先级确认: Consensus 先开发A，D列入二期 "
        "责任部门划分: Consensus 研发部负责开发，设计部负责UI "
        "时间节点确认: Discuss again at the next meeting (2026-09-16) 待研发评估工期后再定" in shown
    )
    assert (
        "Action plan and owners 提交技术方案初稿 — 周工程师 (研发部), 2026-09-15; 测试服务器2台"
        in shown
    )
    assert "Open objections None." in shown
    assert (
        "刘代表 · 产品需求优先级确认: 需求D的优先级过低 Resolved Resolution: 二期首个迭代评估D"
        in shown
    )

    with clock.frozen(during(85)):
        response = client.post(run_url(meeting, "run_end"))
    assert (response.status_code, response.url) == (
        302,
        reverse("minutes:detail", args=[meeting.pk]),
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.ended_at) == (Status.MINUTES_DRAFT, during(85))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["The meeting has ended. The minutes are due by 2026-09-10 15:25."]


def test_end_with_open_topics_is_refused_and_names_them_s_meet_3(client, org: Org, running_meeting):
    """S-MEET-3: every topic needs an outcome before the end; the refusal names the open ones."""
    client.force_login(org.wang)

    response = client.post(run_url(running_meeting, "run_end"))

    assert response.status_code == 422
    assert (
        "Every topic needs an outcome before the meeting ends; open: "
        "产品需求优先级确认, 责任部门划分, 时间节点确认" in text(response)
    )
    running_meeting.refresh_from_db()
    assert (running_meeting.status, running_meeting.ended_at) == (Status.IN_PROGRESS, None)


def test_research_outcome_becomes_an_action_item_s_meet_3(client, org: Org, running_meeting):
    """S-MEET-3, S-MEET-4: research by a department becomes an action item with a real date."""
    first = topics(running_meeting)[0]
    client.force_login(org.zhao)
    data = {
        "outcome-kind": "research",
        "outcome-text": "评估需求D的开发成本",
        "outcome-research_department": str(org.rnd.pk),
        "outcome-research_owner": str(org.li.pk),
        "outcome-due_date": "尽快",
    }

    refused = client.post(run_url(running_meeting, "run_outcome", first.pk), data)
    data["outcome-due_date"] = "下周五"
    accepted = client.post(run_url(running_meeting, "run_outcome", first.pk), data)

    assert refused.status_code == 422
    assert "“尽快” is not a date" in text(refused)
    assert 'name="outcome-due_date" value="尽快"' in refused.content.decode()
    assert accepted.status_code == 302
    item = ActionItem.objects.get()
    assert (item.task, item.owner, item.department, item.due_date) == (
        "评估需求D的开发成本",
        org.li,
        org.rnd,
        dt.date(2026, 9, 18),
    )


# -- the due date, answered as it is typed (S-MEET-4) -----------------------------------------


@pytest.mark.parametrize(
    ("typed", "status", "output"),
    [
        (
            "尽快",
            422,
            '<span class="errorlist">“尽快” is not a date: nobody can be reminded of it or held '
            "to it. Write a real date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
            "</span>",
        ),
        ("9月15日前", 200, '<span class="due-ok">2026-09-15 (Tuesday)</span>'),
        ("下周五", 200, '<span class="due-ok">2026-09-18 (Friday)</span>'),
        (
            "2026-09-08",
            422,
            '<span class="errorlist">The due date 2026-09-08 is before the meeting date '
            "2026-09-09. Choose 2026-09-09 or a later date.</span>",
        ),
        ("", 200, ""),
    ],
    ids=["vague", "date", "next-friday", "before-the-meeting", "empty"],
)
def test_due_check_answers_as_you_type_s_meet_4(
    client, org: Org, running_meeting, typed: str, status: int, output: str
):
    """Read relative to the meeting's date (Wednesday 2026-09-09), not today (Monday 09-07)."""
    client.force_login(org.zhao)

    response = client.get(run_url(running_meeting, "run_due_check"), {"due_date": typed})
    outcome = client.get(
        run_url(running_meeting, "run_due_check"), {"prefix": "outcome", "outcome-due_date": typed}
    )

    assert (response.status_code, response.content.decode()) == (status, output)
    assert (outcome.status_code, outcome.content.decode()) == (status, output)


def test_due_field_asks_the_due_check_as_you_type(client, org: Org, running_meeting):
    """S-MEET-4: both due fields ask the server as they are typed (htmx)."""
    client.force_login(org.zhao)

    html = client.get(run_url(running_meeting)).content.decode()

    check = run_url(running_meeting, "run_due_check")
    assert (
        f'name="due_date" autocomplete="off" maxlength="100" hx-get="{check}" '
        'hx-trigger="input changed delay:300ms" hx-target="#due-check-action" '
        'hx-swap="innerHTML" aria-describedby="due-check-action"' in html
    )
    assert f'hx-get="{check}?prefix=outcome"' in html
    assert '<output id="due-check-action" for="id_due_date" aria-live="polite"' in html


# -- htmx swaps the changed part ---------------------------------------------------------------


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_htmx_position_swaps_the_department_block(client, org: Org, running_meeting):
    """S-MEET-2: with htmx only the department's block comes back."""
    first = topics(running_meeting)[0]
    client.force_login(org.zhao)

    response = client.post(
        run_url(running_meeting, "run_position", first.pk, org.sales.pk),
        position_data(org.sales, "客户反馈需求D紧急"),
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<div id="position-{org.sales.pk}" class="position recorded">')
    assert text(response) == (
        "Position of 销售部 recorded. 销售部 Recorded Position of 销售部 客户反馈需求D紧急 "
        "Data and facts Correct the position of 销售部"
    )


def test_htmx_action_refusal_swaps_the_form_with_the_message(client, org: Org, running_meeting):
    """S-MEET-4: a vague date refused in place (422 is swapped), the typed text kept."""
    client.force_login(org.zhao)

    response = client.post(run_url(running_meeting, "run_action"), action_data(org, "尽快"), **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert html.startswith('<section id="actions"')
    assert 'name="due_date" value="尽快"' in html
    assert "“尽快” is not a date" in html
    assert ActionItem.objects.count() == 0


def test_htmx_action_swaps_the_list_and_the_read_back(client, org: Org, running_meeting):
    """S-MEET-4, S-MEET-5: the action list and, out of band, the read-back."""
    client.force_login(org.zhao)

    response = client.post(
        run_url(running_meeting, "run_action"), action_data(org, "9月15日前"), **HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="actions"')
    assert (
        '<section id="readback" class="card" aria-labelledby="readback-h" hx-swap-oob="true">'
        in html
    )
    shown = text(response)
    assert shown.startswith(
        "Action item added: “提交技术方案初稿”, 周工程师, due 2026-09-15. Action items"
    )
    assert "提交技术方案初稿 — 周工程师 (研发部), 2026-09-15" in shown


def test_htmx_objection_swaps_the_objections_and_the_read_back(client, org: Org, running_meeting):
    """S-MEET-5: a participant's objection shows in the list and in the read-back."""
    client.force_login(org.zhang)

    response = client.post(
        run_url(running_meeting, "run_objection"), {"objection-text": "工期太紧"}, **HTMX
    )

    assert response.status_code == 200
    shown = text(response)
    assert shown.startswith("Objection recorded; resolve it before the meeting ends. Objections")
    assert "Open objections 张专员: 工期太紧" in shown


# -- who sees what ---------------------------------------------------------------------------


def test_participant_follows_read_only_and_may_object_s_meet_5(client, org: Org, running_meeting):
    """S-MEET-5: a participant reads along without recording forms and may object."""
    first = topics(running_meeting)[0]
    live.position_record(
        actor=org.zhao, topic=first, department=org.marketing, statement="优先开发A"
    )
    client.force_login(org.zhang)

    response = client.get(run_url(running_meeting))

    assert response.status_code == 200
    html = response.content.decode()
    shown = text(response)
    assert "市场部 Recorded 优先开发A" in shown
    assert "研发部 No position recorded." in shown
    for name in ("run_start", "run_action", "run_end"):
        assert f'action="{run_url(running_meeting, name)}"' not in html
    assert "/positions/" not in html and "/outcome/" not in html and "/notes/" not in html
    assert f'action="{run_url(running_meeting, "run_objection")}"' in html
    assert "Raise an objection" in shown


def test_copied_department_member_reads_without_any_form(client, org: Org, running_meeting):
    """S-POST-2: a copied department reads; it does not take part."""
    legal = org_services.department_create(actor=org.admin, name="法务部")
    reader = org_services.person_create(
        actor=org.admin, username="wu", name="吴法务", department=legal
    )
    meetings.department_copy(actor=org.sun, meeting=running_meeting, department=legal)
    client.force_login(reader)

    response = client.get(run_url(running_meeting))

    assert response.status_code == 200
    assert "Topic 1: 产品需求优先级确认" in text(response)
    assert f'action="/meetings/{running_meeting.pk}/' not in response.content.decode()


def test_forbidden_position_is_refused_with_the_message_and_the_text_kept(
    client, org: Org, running_meeting
):
    """S-MEET-2: only the recorder or the host records; 403 with the message, nothing written."""
    first = topics(running_meeting)[0]
    client.force_login(org.zhang)
    audits = AuditEvent.objects.count()

    response = client.post(
        run_url(running_meeting, "run_position", first.pk, org.marketing.pk),
        position_data(org.marketing, "我们先做A"),
    )

    assert response.status_code == 403
    assert "Only the recorder or the host may record this." in text(response)
    assert ">\n我们先做A</textarea>" in response.content.decode()
    assert Position.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_start_by_the_recorder_is_refused(client, org: Org, scheduled_meeting):
    """S-MEET-1, S-PREP-5: the host (or the organiser) opens the meeting."""
    client.force_login(org.zhao)

    page = client.get(run_url(scheduled_meeting))
    response = client.post(run_url(scheduled_meeting, "run_start"))

    assert "Start meeting" not in text(page)
    assert response.status_code == 403
    assert "Only the host or the organiser may start the meeting." in text(response)
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.status == Status.SCHEDULED


def test_draft_meeting_cannot_start(client, org: Org, draft_meeting):
    """S-MEET-1: only a scheduled meeting starts; no button before."""
    client.force_login(org.wang)

    response = client.get(run_url(draft_meeting))

    assert response.status_code == 200
    assert "This meeting is still a draft: it can start once it is scheduled." in text(response)
    assert "Start meeting" not in text(response)


def _run_urls(meeting: Meeting, org: Org) -> list[tuple[str, str]]:
    topic = topics(meeting)[0]
    objection = live.objection_raise(actor=org.liu, meeting=meeting, text="异议")
    return [
        ("get", run_url(meeting)),
        ("get", run_url(meeting, "run_due_check") + "?due_date=9月15日前"),
        ("post", run_url(meeting, "run_start")),
        ("post", run_url(meeting, "run_position", topic.pk, org.marketing.pk)),
        ("post", run_url(meeting, "run_notes", topic.pk)),
        ("post", run_url(meeting, "run_time", topic.pk)),
        ("post", run_url(meeting, "run_outcome", topic.pk)),
        ("post", run_url(meeting, "run_action")),
        ("post", run_url(meeting, "run_objection")),
        ("post", run_url(meeting, "run_objection_resolve", objection.pk)),
        ("post", run_url(meeting, "run_end")),
    ]


def test_outsider_gets_404_on_every_run_url(client, org: Org, running_meeting):
    """Visibility: a meeting one may not see does not exist, on every run URL."""
    client.force_login(org.outsider)
    audits = AuditEvent.objects.count()

    for method, url in _run_urls(running_meeting, org):
        response = getattr(client, method)(url, {"notes-notes": "x"} if method == "post" else None)
        assert response.status_code == 404, url
    assert AuditEvent.objects.count() == audits + 1  # only the objection made above


def test_anonymous_is_sent_to_sign_in(client, org: Org, running_meeting):
    """Every page needs a signed-in person."""
    response = client.get(run_url(running_meeting))

    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


# -- bad input loses nothing ---------------------------------------------------------------------


def test_wrong_ids_are_404(client, org: Org, running_meeting, scheduled_meeting):
    """Wrong ids (another meeting's topic, unknown objection or department) are 404."""
    other = meetings.meeting_create(
        actor=org.sun, title="另一个会", starts_at=STARTS, host=org.wang
    )
    other_topic = meetings.topic_add(
        actor=org.sun, meeting=other, title="别的议题", planned_minutes=10
    )
    first = topics(running_meeting)[0]
    client.force_login(org.zhao)

    assert client.get(run_url(running_meeting) + "?topic=abc").status_code == 404
    assert client.get(run_url(running_meeting) + f"?topic={other_topic.pk}").status_code == 404
    assert client.post(run_url(running_meeting, "run_notes", other_topic.pk)).status_code == 404
    assert (
        client.post(run_url(running_meeting, "run_position", first.pk, org.outsider.department_id))
    ).status_code == 404
    assert client.post(run_url(running_meeting, "run_objection_resolve", 999999)).status_code == 404
    assert client.get(reverse("meetings:run", args=[999999])).status_code == 404


def test_malformed_values_are_422_and_kept(client, org: Org, running_meeting):
    """S-MEET-2..4: malformed input is 422 with the message and the value kept; nothing written."""
    first = topics(running_meeting)[0]
    client.force_login(org.zhao)

    minutes = client.post(
        run_url(running_meeting, "run_time", first.pk), {"time-actual_minutes": "abc"}
    )
    zero = client.post(run_url(running_meeting, "run_time", first.pk), {"time-actual_minutes": "0"})
    owner = client.post(
        run_url(running_meeting, "run_action"), action_data(org, "9月15日前", owner="999999")
    )
    kind = client.post(run_url(running_meeting, "run_outcome", first.pk), {"outcome-kind": "maybe"})
    no_text = client.post(run_url(running_meeting, "run_outcome", first.pk), consensus(" "))

    assert minutes.status_code == 422
    assert "Enter a whole number." in text(minutes)
    assert 'name="time-actual_minutes" value="abc"' in minutes.content.decode()
    assert zero.status_code == 422
    assert "Minutes must be a whole number between 1 and 1440." in text(zero)
    assert owner.status_code == 422
    assert "Select a valid choice. 999999 is not one of the available choices." in text(owner)
    assert kind.status_code == 422
    assert "Select a valid choice. maybe is not one of the available choices." in text(kind)
    assert no_text.status_code == 422
    assert "Write the consensus the host stated." in text(no_text)
    first.refresh_from_db()
    assert (first.actual_minutes, hasattr(first, "outcome")) == (None, False)
    assert ActionItem.objects.count() == 0


def test_notes_and_time_are_recorded(client, org: Org, running_meeting):
    """S-TPL-2, S-PREP-5: notes and the actual minutes of a topic."""
    first = topics(running_meeting)[0]
    client.force_login(org.zhao)

    notes = client.post(
        run_url(running_meeting, "run_notes", first.pk), {"notes-notes": " D列入二期评估 "}
    )
    time = client.post(
        run_url(running_meeting, "run_time", first.pk), {"time-actual_minutes": "35"}
    )
    page = client.get(run_url(running_meeting))

    assert (notes.status_code, time.status_code) == (302, 302)
    first.refresh_from_db()
    assert (first.notes, first.actual_minutes) == ("D列入二期评估", 35)
    assert "Planned: 30 minutes · actual: 35 minutes" in text(page)
    assert ">\nD列入二期评估</textarea>" in page.content.decode()


def test_other_topic_can_be_chosen_and_its_timer_starts_at_the_last_close(
    client, org: Org, running_meeting
):
    """S-MEET-2, S-PREP-5: ?topic= shows another topic; its clock runs from the last close."""
    first, second, third = topics(running_meeting)
    with clock.frozen(during(30)):
        live.outcome_record(actor=org.zhao, topic=first, kind="consensus", text="先开发A")
    client.force_login(org.wang)

    response = client.get(run_url(running_meeting) + f"?topic={third.pk}")

    assert "Topic 3: 时间节点确认" in text(response)
    assert "Back to the current topic: 责任部门划分" in text(response)
    assert 'data-timer-start="2026-09-09T14:30:00+08:00" data-timer-planned="20"' in (
        response.content.decode()
    )


# -- query counts --------------------------------------------------------------------------------


def _bigger_meeting(org: Org) -> Meeting:
    """Five topics with positions of four departments each, eight action items, three
    objections: more rows than the fixture meeting, in every list the page shows."""
    meeting = meetings.meeting_create(
        actor=org.sun, title="大会", goal="对齐", starts_at=STARTS, host=org.wang, recorder=org.zhao
    )
    for number in range(5):
        meetings.topic_add(
            actor=org.sun, meeting=meeting, title=f"议题{number}", planned_minutes=15
        )
    for department, head, executors in [
        (org.marketing, org.wang, [org.zhang]),
        (org.rnd, org.li, [org.zhou]),
        (org.design, org.chen, []),
        (org.sales, org.liu, []),
    ]:
        meetings.participants_invite_department(
            actor=org.sun,
            meeting=meeting,
            department=department,
            decision_maker=head,
            executors=executors,
        )
    meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.zhao, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=org.wang, meeting=meeting)
    from accord.actions.services import action_create

    for topic in meeting.topics.all():
        for department in (org.marketing, org.rnd, org.design, org.sales):
            live.position_record(
                actor=org.zhao, topic=topic, department=department, statement="观点"
            )
    for number in range(8):
        action_create(
            actor=org.zhao,
            meeting=meeting,
            task=f"任务{number}",
            owner=org.zhou,
            due="9月30日前",
            topic=meeting.topics.first(),
        )
    for number in range(3):
        objection = live.objection_raise(
            actor=org.liu, meeting=meeting, text=f"异议{number}", topic=meeting.topics.first()
        )
        if number:
            live.objection_resolve(actor=org.wang, objection=objection, resolution="已解决")
    return meeting


# session, person, the bell, the meeting and its record (participants, copies, topics, positions, action
# items, objections with who raised and who typed them in one query), whether it follows a meeting
# (S-REVIEW-2); the recorder's forms add people and departments, a participant's objection form
# asks whether they take part; quick capture reads the recorder's notes sources and decisions.
RUN_PAGE_QUERIES_RECORDER = 15
RUN_PAGE_QUERIES_PARTICIPANT = 12


def test_run_page_query_count_is_pinned_and_constant(
    client, org: Org, running_meeting, django_assert_num_queries
):
    """The run page runs a fixed number of queries, however many topics, positions, items and
    objections."""
    first = topics(running_meeting)[0]
    live.position_record(actor=org.zhao, topic=first, department=org.marketing, statement="A")
    live.objection_raise(actor=org.liu, meeting=running_meeting, text="异议")
    bigger = _bigger_meeting(org)
    for person, expected in [
        (org.zhao, RUN_PAGE_QUERIES_RECORDER),
        (org.zhang, RUN_PAGE_QUERIES_PARTICIPANT),
    ]:
        client.force_login(person)
        for meeting in (running_meeting, bigger):
            with django_assert_num_queries(expected):
                assert client.get(run_url(meeting)).status_code == 200
