"""The action item page (S-TRACK-2, S-TRACK-3, S-POST-3) and the boards (S-TRACK-1..3), through
the web client: what each person sees, every form's success and refusal, query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, ActionUpdate, OverdueReason, Signature
from accord.core import clock
from accord.core.models import AuditEvent
from accord.core.paging import CappedPaginator
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.minutes import services as minutes_services
from tests.conftest import STARTS, Org

Status = ActionItem.Status
VAGUE = (
    "“尽快” is not a date: nobody can be reminded of it or held to it. "
    "Write a real date instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware moment in 2026, Shanghai time."""
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def page(response) -> str:
    return response.content.decode()


def text_of(html: str) -> str:
    """The visible text, tags removed and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def fact(response, name: str) -> str:
    match = re.search(rf'<dd data-fact="{name}">(.*?)</dd>', page(response), re.S)
    assert match, f"no fact {name}"
    return text_of(match.group(1))


def errors(response) -> list[str]:
    """Field errors and non-field errors shown on the page, in page order."""
    html = page(response)
    found = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(
        r'<div class="alert error" role="alert">(.*?)</div>\s*(?:</div>)?', html, re.S
    )
    return [text_of(item) for item in found]


def forms_on(response) -> set[str]:
    """The action of every form on the action item page, by URL name."""
    names = {
        "set_status",
        "report_progress",
        "report_overdue_reason",
        "replan",
        "sign",
    }
    html = page(response)
    return {
        name
        for name in names
        if re.search(rf'<form method="post" action="/actions/\d+/{_path(name)}/"', html)
    }


def _path(name: str) -> str:
    return {
        "set_status": "status",
        "report_progress": "progress",
        "report_overdue_reason": "overdue-reason",
        "replan": "replan",
        "sign": "sign",
    }[name]


def status_options(response) -> list[str]:
    match = re.search(r'<select name="status"[^>]*>(.*?)</select>', page(response), re.S)
    return re.findall(r'<option value="([a-z_]+)"', match.group(1)) if match else []


def history_rows(response) -> list[list[str]]:
    match = re.search(r'<section class="card" id="history".*?</section>', page(response), re.S)
    rows = re.findall(r"<tr data-kind=[^>]*>(.*?)</tr>", match.group(0), re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def due_history(response) -> list[str]:
    match = re.search(r'<section class="card" id="due-history".*?</section>', page(response), re.S)
    return [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", match.group(0), re.S)]


def snapshot(action: ActionItem) -> tuple:
    """Everything a refused POST must leave as it was."""
    action.refresh_from_db()
    return (
        action.status,
        action.progress,
        action.due_date,
        action.due_text,
        action.overdue_reason,
        action.overdue_reason_text,
        ActionUpdate.objects.count(),
        Signature.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def action(org: Org, running_meeting: Meeting) -> ActionItem:
    """Zhou's item from topic 1, recorded half an hour into the meeting: due 15 September."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
            resources="测试服务器2台",
            topic=running_meeting.topics.get(order=1),
        )


@pytest.fixture
def approved(org: Org, action: ActionItem, ended_meeting: Meeting) -> Meeting:
    """The meeting of ``action``, its minutes submitted and approved as version 1."""
    with clock.frozen(at(9, 9, 16, 0)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    with clock.frozen(at(9, 9, 17, 0)):
        minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
    return ended_meeting


def url(name: str, *args) -> str:
    return reverse(f"actions:{name}", args=args)


# -- the action item page: who sees what (S-TRACK-2, S-TRACK-3, S-POST-3) ------------------


def test_detail_for_the_owner_s_track_2(
    client, org: Org, action: ActionItem, django_assert_num_queries
):
    """The owner sees every fact of the commitment and may report progress and move it on."""
    client.force_login(org.zhou)

    # session, person, the bell, the item, its history, its proposed due dates
    with django_assert_num_queries(6):
        response = client.get(url("detail", action.pk))

    assert response.status_code == 200
    meeting_url = reverse("meetings:detail", args=[action.meeting_id])
    topic = action.meeting.topics.get(order=1)
    assert re.findall(r"<h1>(.*?)</h1>", page(response)) == ["提交技术方案初稿"]
    assert fact(response, "owner") == "研发部 周工程师"
    assert fact(response, "department") == "研发部"
    assert fact(response, "due") == "2026-09-15 (said as “9月15日前”)"
    assert fact(response, "resources") == "测试服务器2台"
    assert fact(response, "status") == "Open 0% 0%"
    assert fact(response, "signed") == "Not signed yet"
    assert fact(response, "meeting") == "Q3产品上线跨部门协作启动会 In progress"
    assert fact(response, "topic") == "产品需求优先级确认"
    assert f'<a href="{meeting_url}">Q3产品上线跨部门协作启动会</a>' in page(response)
    assert f'<a href="{meeting_url}#topic-{topic.pk}">产品需求优先级确认</a>' in page(response)
    assert forms_on(response) == {"set_status", "report_progress"}
    assert status_options(response) == ["in_progress", "done"]  # cancelling is the organiser's
    assert due_history(response) == ["Planned in the meeting: 2026-09-15"]
    assert "Not re-planned." in page(response)
    assert history_rows(response) == []


def test_detail_for_the_organiser_s_track_3(client, org: Org, action: ActionItem):
    """The organiser side may also cancel and re-plan."""
    client.force_login(org.sun)

    response = client.get(url("detail", action.pk))

    assert response.status_code == 200
    assert forms_on(response) == {"set_status", "report_progress", "replan"}
    assert status_options(response) == ["in_progress", "done", "cancelled"]
    assert f'hx-get="{url("replan_preview", action.pk)}"' in page(response)


def test_detail_for_another_participant_shows_no_forms(client, org: Org, action: ActionItem):
    """Zhang takes part for marketing: he reads the item and may change nothing."""
    client.force_login(org.zhang)

    response = client.get(url("detail", action.pk))

    assert response.status_code == 200
    assert fact(response, "owner") == "研发部 周工程师"
    assert forms_on(response) == set()
    assert status_options(response) == []


def test_detail_for_the_owners_head(client, org: Org, action: ActionItem):
    """Li heads R&D: he may track his engineer's item, but not cancel or re-plan it."""
    client.force_login(org.li)

    response = client.get(url("detail", action.pk))

    assert forms_on(response) == {"set_status", "report_progress"}
    assert status_options(response) == ["in_progress", "done"]


def test_detail_for_an_outsider_is_404(client, org: Org, action: ActionItem):
    client.force_login(org.outsider)

    assert client.get(url("detail", action.pk)).status_code == 404
    assert client.get(url("replan_preview", action.pk), {"due_date": "下周五"}).status_code == 404


def test_detail_of_a_missing_item_is_404(client, org: Org, action: ActionItem):
    client.force_login(org.admin)

    assert client.get(url("detail", action.pk + 1000)).status_code == 404


def test_detail_needs_sign_in(client, action: ActionItem):
    response = client.get(url("detail", action.pk))

    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={url('detail', action.pk)}"


def test_detail_shows_the_whole_history_s_track_2_s_track_3(client, org: Org, action: ActionItem):
    """Progress notes, status changes, re-plans (old → new date, reason) and overdue reasons."""
    with clock.frozen(at(9, 10, 10, 0)):
        tracking.action_report_progress(
            actor=org.zhou, action=action, progress=40, note="完成架构设计"
        )
    with clock.frozen(at(9, 16, 9, 30)):
        tracking.action_report_overdue_reason(
            actor=org.zhou, action=action, reason=OverdueReason.RESOURCES, text="测试服务器未到位"
        )
    with clock.frozen(at(9, 16, 11, 0)):
        tracking.action_replan(actor=org.sun, action=action, due="9月25日", reason="服务器下周到货")
    with clock.frozen(at(9, 24, 18, 0)):
        tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE, note="已提交")
    client.force_login(org.zhou)

    response = client.get(url("detail", action.pk))

    assert history_rows(response) == [
        ["2026-09-10 10:00", "周工程师", "Progress", "40% — 完成架构设计"],
        [
            "2026-09-16 09:30",
            "周工程师",
            "Overdue reason",
            "Not enough resources — 测试服务器未到位",
        ],
        ["2026-09-16 11:00", "孙主任", "Re-plan", "2026-09-15 → 2026-09-25 — 服务器下周到货"],
        ["2026-09-24 18:00", "周工程师", "Status change", "In progress → Done — 已提交"],
    ]
    assert due_history(response) == [
        "Planned in the meeting: 2026-09-15",
        "2026-09-15 → 2026-09-25: 服务器下周到货 (孙主任, 2026-09-16 11:00)",
    ]
    assert fact(response, "due") == "2026-09-25 (said as “9月25日”)"
    assert fact(response, "status") == "Done 100% 100%"
    assert forms_on(response) == {"set_status"}  # done: only back to in progress
    assert status_options(response) == ["in_progress"]


def test_detail_query_count_does_not_grow_with_history(
    client, org: Org, action: ActionItem, django_assert_num_queries
):
    for progress in range(5, 100, 5):
        tracking.action_report_progress(actor=org.zhou, action=action, progress=progress)
    tracking.action_replan(actor=org.sun, action=action, due="9月20日", reason="调整")
    tracking.action_replan(actor=org.sun, action=action, due="9月22日", reason="再调整")
    client.force_login(org.sun)

    with django_assert_num_queries(6):  # as for the owner: the proposals are one query
        response = client.get(url("detail", action.pk))

    assert len(history_rows(response)) == 21
    assert len(due_history(response)) == 3


def test_detail_at_phone_width_stacks_the_history(client, org: Org, action: ActionItem):
    """Owners update from their phones: the history table stacks, every cell labelled."""
    tracking.action_report_progress(actor=org.zhou, action=action, progress=10, note="开始")
    client.force_login(org.zhou)

    html = page(client.get(url("detail", action.pk)))

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<table class="stack">' in html
    assert re.findall(r'<td data-label="([^"]+)">', html) == ["When", "Who", "What", "Details"]


# -- status (S-TRACK-2) ----------------------------------------------------------------------


def test_set_status_by_the_owner_s_track_2(client, org: Org, action: ActionItem):
    client.force_login(org.zhou)

    response = client.post(
        url("set_status", action.pk), {"status": "in_progress", "note": "开始编写"}
    )

    assert response.status_code == 302
    assert response.url == url("detail", action.pk) + "#history"
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS
    assert list(
        action.updates.values_list("kind", "author", "old_status", "new_status", "text")
    ) == [("status", org.zhou.pk, "open", "in_progress", "开始编写")]
    shown = client.get(response.url)
    assert '<div class="alert success" role="status">The status is saved.</div>' in page(shown)


def test_set_status_cancel_by_the_owner_is_refused_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("set_status", action.pk), {"status": "cancelled", "note": "不做了"})

    assert response.status_code == 403
    assert errors(response) == ["Only the organiser may cancel or reopen an item."]
    assert "不做了</textarea>" in page(response)
    assert snapshot(action) == before


def test_set_status_illegal_move_is_refused(client, org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE)
    before = snapshot(action)
    client.force_login(org.sun)

    response = client.post(url("set_status", action.pk), {"status": "cancelled", "note": ""})

    assert response.status_code == 422
    assert errors(response) == ["An item that is Done cannot become Cancelled."]
    assert snapshot(action) == before


def test_set_status_unknown_value_is_422(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("set_status", action.pk), {"status": "paused", "note": "暂停"})

    assert response.status_code == 422
    assert errors(response) == [
        "Select a valid choice. paused is not one of the available choices."
    ]
    assert "暂停</textarea>" in page(response)
    assert snapshot(action) == before


def test_set_status_by_a_participant_is_refused(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhang)

    response = client.post(url("set_status", action.pk), {"status": "done", "note": ""})

    assert response.status_code == 403
    assert errors(response) == ["Only the owner or the organiser may change this item."]
    assert snapshot(action) == before


def test_post_by_an_outsider_is_404_and_changes_nothing(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.outsider)

    posts = [
        ("set_status", {"status": "done"}),
        ("report_progress", {"progress": "50", "text": "x"}),
        ("report_overdue_reason", {"reason": "other", "text": "x"}),
        ("replan", {"due_date": "下周五", "reason": "x"}),
        ("sign", {}),
    ]
    assert [client.post(url(name, action.pk), data).status_code for name, data in posts] == [
        404
    ] * 5
    assert snapshot(action) == before


def test_get_on_a_form_url_is_405(client, org: Org, action: ActionItem):
    client.force_login(org.zhou)

    assert client.get(url("set_status", action.pk)).status_code == 405


# -- progress (S-TRACK-2) --------------------------------------------------------------------


def test_report_progress_by_the_owner_s_track_2(client, org: Org, action: ActionItem):
    client.force_login(org.zhou)

    response = client.post(
        url("report_progress", action.pk), {"progress": "40", "text": "完成架构设计"}
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.status) == (40, Status.IN_PROGRESS)
    assert list(action.updates.values_list("kind", "progress", "text")) == [
        ("progress", 40, "完成架构设计")
    ]
    assert "The progress is saved." in page(client.get(response.url))


def status_select(response) -> list[tuple[str, str, bool]]:
    """The status select's options: value, label, selected."""
    match = re.search(r'<select name="status"[^>]*>(.*?)</select>', page(response), re.S)
    return [
        (value, text_of(label), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([a-z_]*)"( selected)?>(.*?)</option>', match.group(1), re.S
        )
    ]


def test_after_progress_the_status_select_keeps_the_current_status_s_track_2(
    client, org: Org, action: ActionItem
):
    """40 % makes the item "In progress"; the status form then shows that status selected,
    so that saving it unchanged moves nothing back to "Open"."""
    client.force_login(org.zhou)
    client.post(url("report_progress", action.pk), {"progress": "40", "text": "完成架构设计"})

    response = client.get(url("detail", action.pk))

    assert status_select(response) == [
        ("", "In progress (current)", True),
        ("open", "Open", False),
        ("done", "Done", False),
    ]
    before = snapshot(action)
    assert before[:2] == (Status.IN_PROGRESS, 40)

    refused = client.post(url("set_status", action.pk), {"status": "", "note": "本周继续"})

    assert refused.status_code == 422
    assert errors(refused) == ["Choose the new status."]
    assert status_select(refused)[0] == ("", "In progress (current)", True)
    assert "本周继续</textarea>" in page(refused)
    assert snapshot(action) == before


def test_report_progress_out_of_range_is_422(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("report_progress", action.pk), {"progress": "150", "text": "超额"})

    assert response.status_code == 422
    assert errors(response) == ["Ensure this value is less than or equal to 100."]
    assert 'name="progress" value="150"' in page(response)
    assert "超额</textarea>" in page(response)
    assert snapshot(action) == before


def test_report_progress_without_a_change_is_refused(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("report_progress", action.pk), {"progress": "0", "text": ""})

    assert response.status_code == 422
    assert errors(response) == ["Write what changed."]
    assert snapshot(action) == before


def test_report_progress_by_a_participant_is_refused(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhang)

    response = client.post(url("report_progress", action.pk), {"progress": "50", "text": "代报"})

    assert response.status_code == 403
    assert errors(response) == ["Only the owner or the organiser may report progress."]
    assert "代报</textarea>" in page(response)
    assert snapshot(action) == before


# -- overdue reason (S-TRACK-3) --------------------------------------------------------------


def test_overdue_reason_form_for_the_owner_when_overdue_s_track_3(
    client, org: Org, action: ActionItem
):
    client.force_login(org.zhou)
    assert "report_overdue_reason" not in forms_on(client.get(url("detail", action.pk)))

    with clock.frozen(at(9, 17)):
        response = client.get(url("detail", action.pk))

    assert "report_overdue_reason" in forms_on(response)
    assert fact(response, "due") == "2026-09-15 2 days overdue (said as “9月15日前”)"
    client.force_login(org.sun)
    with clock.frozen(at(9, 17)):
        assert "report_overdue_reason" not in forms_on(client.get(url("detail", action.pk)))


def test_overdue_reason_by_the_owner_s_track_3(client, org: Org, action: ActionItem):
    client.force_login(org.zhou)

    with clock.frozen(at(9, 17)):
        response = client.post(
            url("report_overdue_reason", action.pk),
            {"reason": "resources", "text": "测试服务器未到位"},
        )
        shown = client.get(response.url)

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.overdue_reason, action.overdue_reason_text) == ("resources", "测试服务器未到位")
    assert list(action.updates.values_list("kind", "reason", "text")) == [
        ("overdue_reason", "resources", "测试服务器未到位")
    ]
    assert fact(shown, "overdue-reason") == "Not enough resources: 测试服务器未到位"


def test_overdue_reason_on_an_item_not_overdue_is_refused_s_track_3(
    client, org: Org, action: ActionItem
):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(
        url("report_overdue_reason", action.pk), {"reason": "dependency", "text": "等设计稿"}
    )

    assert response.status_code == 422
    assert errors(response) == ["This item is not overdue."]
    assert "等设计稿</textarea>" in page(response)
    assert '<option value="dependency" selected>Waiting on a dependency</option>' in page(response)
    assert snapshot(action) == before


def test_overdue_reason_other_needs_words_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    with clock.frozen(at(9, 17)):
        response = client.post(url("report_overdue_reason", action.pk), {"reason": "other"})

    assert response.status_code == 422
    assert errors(response) == ["Say what the other reason is."]
    assert snapshot(action) == before


def test_overdue_reason_by_the_organiser_is_refused_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.sun)

    with clock.frozen(at(9, 17)):
        response = client.post(
            url("report_overdue_reason", action.pk), {"reason": "priority_change", "text": "x"}
        )

    assert response.status_code == 403
    assert errors(response) == ["Only the owner or their department head may give the reason."]
    assert snapshot(action) == before


# -- re-plan (S-TRACK-3) ---------------------------------------------------------------------


def test_replan_by_the_organiser_s_track_3(client, org: Org, action: ActionItem):
    """ "下周五" from Monday 7 September is Friday 18 September; the history keeps 15 → 18."""
    client.force_login(org.sun)

    response = client.post(
        url("replan", action.pk), {"due_date": "下周五", "reason": "等测试服务器"}
    )

    assert response.status_code == 302
    assert response.url == url("detail", action.pk) + "#due-history"
    action.refresh_from_db()
    assert (action.due_date, action.due_text) == (dt.date(2026, 9, 18), "下周五")
    assert list(
        action.updates.values_list("kind", "author", "old_due_date", "new_due_date", "text")
    ) == [("replan", org.sun.pk, dt.date(2026, 9, 15), dt.date(2026, 9, 18), "等测试服务器")]
    shown = client.get(response.url)
    assert due_history(shown) == [
        "Planned in the meeting: 2026-09-15",
        "2026-09-15 → 2026-09-18: 等测试服务器 (孙主任, 2026-09-07 09:00)",
    ]
    assert "The item is re-planned." in page(shown)


def test_replan_with_a_vague_date_keeps_the_text_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.sun)

    response = client.post(url("replan", action.pk), {"due_date": "尽快", "reason": "客户催"})

    assert response.status_code == 422
    assert errors(response) == [VAGUE]
    assert 'name="due_date" value="尽快"' in page(response)
    assert "客户催</textarea>" in page(response)
    assert snapshot(action) == before


def test_replan_to_a_past_date_is_refused_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.sun)

    response = client.post(url("replan", action.pk), {"due_date": "2026-09-01", "reason": "补记"})

    assert response.status_code == 422
    assert errors(response) == [
        "The due date 2026-09-01 has already passed. Choose today (2026-09-07) or a later date."
    ]
    assert snapshot(action) == before


def test_replan_without_a_reason_is_422(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.sun)

    response = client.post(url("replan", action.pk), {"due_date": "下周五", "reason": ""})

    assert response.status_code == 422
    assert errors(response) == ["This field is required."]
    assert 'name="due_date" value="下周五"' in page(response)
    assert snapshot(action) == before


def test_replan_by_the_owner_is_refused_s_track_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("replan", action.pk), {"due_date": "下周五", "reason": "来不及"})

    assert response.status_code == 403
    assert errors(response) == ["Only the organiser may re-plan an item."]
    assert 'name="due_date" value="下周五"' in page(response)
    assert snapshot(action) == before


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("下周五", '<span class="badge ok">= Friday 2026-09-18</span>'),
        ("尽快", f'<span class="errorlist">{VAGUE}</span>'),
        ("", ""),
    ],
)
def test_replan_preview_shows_the_date_as_typed(client, org: Org, action: ActionItem, typed, shown):
    client.force_login(org.sun)

    response = client.get(
        url("replan_preview", action.pk), {"due_date": typed}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert page(response).strip() == shown


# -- sign-off (S-POST-3) ---------------------------------------------------------------------


def test_sign_by_the_owner_s_post_3(client, org: Org, action: ActionItem, approved: Meeting):
    client.force_login(org.zhou)
    assert "sign" in forms_on(client.get(url("detail", action.pk)))

    with clock.frozen(at(9, 10, 8, 15)):
        response = client.post(url("sign", action.pk))

    assert response.status_code == 302
    signature = Signature.objects.get(action=action)
    assert (signature.person, signature.version, signature.signed_at) == (
        org.zhou,
        1,
        at(9, 10, 8, 15),
    )
    shown = client.get(response.url)
    assert fact(shown, "signed") == "Signed by 周工程师 on 2026-09-10 08:15, minutes version 1"
    assert "sign" not in forms_on(shown)
    assert "You have signed this item." in page(shown)


def test_sign_by_someone_else_is_refused_s_post_3(
    client, org: Org, action: ActionItem, approved: Meeting
):
    before = snapshot(action)
    client.force_login(org.sun)
    assert "sign" not in forms_on(client.get(url("detail", action.pk)))

    response = client.post(url("sign", action.pk))

    assert response.status_code == 403
    assert errors(response) == ["Only the owner signs for an action item."]
    assert snapshot(action) == before


def test_sign_before_approval_is_refused_s_post_3(client, org: Org, action: ActionItem):
    before = snapshot(action)
    client.force_login(org.zhou)
    assert "sign" not in forms_on(client.get(url("detail", action.pk)))

    response = client.post(url("sign", action.pk))

    assert response.status_code == 422
    assert errors(response) == ["Items are signed once the host has approved the minutes."]
    assert snapshot(action) == before


def test_sign_twice_is_refused_s_post_3(client, org: Org, action: ActionItem, approved: Meeting):
    actions.action_sign(actor=org.zhou, action=action)
    before = snapshot(action)
    client.force_login(org.zhou)

    response = client.post(url("sign", action.pk))

    assert response.status_code == 422
    assert errors(response) == ["You have already signed this item."]
    assert snapshot(action) == before


# -- boards (S-TRACK-1..3) -------------------------------------------------------------------


def add(org: Org, meeting: Meeting, task: str, due: dt.date, owner=None, department=None):
    return actions.action_create(
        actor=org.zhao,
        meeting=meeting,
        task=task,
        owner=owner or org.zhou,
        due=due,
        department=department,
    )


def confidential_meeting(org: Org, task: str, due: dt.date) -> Meeting:
    """A confidential meeting Sun organises and hosts, with Zhou for R&D and Zhou's item."""
    with clock.frozen(at(9, 6)):
        secret = meetings.meeting_create(
            actor=org.sun,
            title="薪酬调整沟通会",
            starts_at=at(9, 7, 8, 0),
            duration_minutes=60,
            host=org.sun,
            recorder=org.zhao,
            confidential=True,
        )
        meetings.topic_add(actor=org.sun, meeting=secret, title="调整方案", planned_minutes=30)
        meetings.participant_invite(
            actor=org.sun, meeting=secret, person=org.zhou, role=Participant.Role.EXECUTOR
        )
        meetings.meeting_schedule(actor=org.sun, meeting=secret)
    with clock.frozen(at(9, 7, 8, 0)):
        live.meeting_start(actor=org.sun, meeting=secret)
    add(org, secret, task, due)
    return secret


def board_rows(response) -> list[tuple[str, str]]:
    """(status group, task) for each row of a department board, in page order."""
    rows = []
    for status, body in re.findall(
        r'<section aria-labelledby="status-[a-z_]+" data-status="([a-z_]+)">(.*?)</section>',
        page(response),
        re.S,
    ):
        for task in re.findall(r'<td data-label="Task"><a href="[^"]+">(.*?)</a>', body):
            rows.append((status, task))
    return rows


def overdue_rows(response) -> list[list[str]]:
    rows = re.findall(r"<tr data-action=[^>]*>(.*?)</tr>", page(response), re.S)
    return [
        [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
    ]


def counted(response) -> int:
    return int(re.search(r'data-count="(\d+)"', page(response)).group(1))


@pytest.fixture
def rnd_plan(org: Org, running_meeting: Meeting) -> dict[str, ActionItem]:
    """R&D's items in every status, plus one of design's."""
    items = {
        "方案": add(org, running_meeting, "方案", dt.date(2026, 9, 15)),
        "样机": add(org, running_meeting, "样机", dt.date(2026, 9, 30), owner=org.li),
        "测试": add(org, running_meeting, "测试", dt.date(2026, 9, 10)),
        "接口": add(org, running_meeting, "接口", dt.date(2026, 9, 12)),
        "旧需求": add(org, running_meeting, "旧需求", dt.date(2026, 9, 11)),
        "评审": add(org, running_meeting, "评审", dt.date(2026, 9, 9)),
        "设计稿": add(org, running_meeting, "设计稿", dt.date(2026, 9, 14), owner=org.chen),
    }
    tracking.action_set_status(actor=org.zhou, action=items["接口"], status=Status.IN_PROGRESS)
    tracking.action_set_status(actor=org.zhou, action=items["评审"], status=Status.DONE)
    tracking.action_set_status(actor=org.sun, action=items["旧需求"], status=Status.CANCELLED)
    return items


def test_boards_index_for_an_engineer(client, org: Org, rnd_plan):
    """Zhou sees his department's board; he organises nothing, so no overdue board."""
    client.force_login(org.zhou)

    response = client.get(url("boards"))

    assert response.status_code == 200
    rows = re.findall(r"<tr>\s*(<td.*?)</tr>", page(response), re.S)
    assert [text_of(row) for row in rows] == ["研发部 4 0"]
    assert url("overdue_board") not in page(response)
    assert "My department" in page(response)


def test_boards_index_for_the_pmo(client, org: Org, rnd_plan, django_assert_num_queries):
    client.force_login(org.sun)

    with clock.frozen(at(9, 13)), django_assert_num_queries(4):  # with the bell
        response = client.get(url("boards"))

    rows = [text_of(row) for row in re.findall(r"<tr>\s*(<td.*?)</tr>", page(response), re.S)]
    # R&D: 4 open (in progress counts), 2 of them past due on the 13th (测试 9-10, 接口 9-12).
    assert rows == [
        "市场部 0 0",
        "研发部 4 2",
        "行政部 0 0",
        "设计部 1 0",
        "财务部 0 0",
        "销售部 0 0",
    ]
    assert f'href="{url("overdue_board")}"' in page(response)
    assert "Department boards" in page(response)


def test_boards_index_for_a_host(client, org: Org, rnd_plan):
    """Wang hosts the meeting: his own department's board and the overdue board."""
    client.force_login(org.wang)

    response = client.get(url("boards"))

    rows = [text_of(row) for row in re.findall(r"<tr>\s*(<td.*?)</tr>", page(response), re.S)]
    assert rows == ["市场部 0 0"]
    assert f'href="{url("overdue_board")}"' in page(response)


def test_department_board_groups_by_status_and_due_date_s_track_2(
    client, org: Org, rnd_plan, django_assert_num_queries
):
    client.force_login(org.li)

    # session, person, the bell, department, count, page, owners
    with django_assert_num_queries(7):
        response = client.get(url("department_board", org.rnd.pk))

    assert response.status_code == 200
    assert board_rows(response) == [
        ("open", "测试"),
        ("open", "方案"),
        ("open", "样机"),
        ("in_progress", "接口"),
        ("done", "评审"),
        ("cancelled", "旧需求"),
    ]
    assert counted(response) == 6
    assert re.findall(r'<h2 id="status-[a-z_]+">(.*?)</h2>', page(response)) == [
        '<span class="badge ">Open</span>',
        '<span class="badge ">In progress</span>',
        '<span class="badge ok">Done</span>',
        '<span class="badge grey">Cancelled</span>',
    ]
    first = re.search(r'<tr data-action="\d+">(.*?)</tr>', page(response), re.S).group(1)
    assert text_of(first) == "测试 周工程师 2026-09-10 in 3 days 0% Q3产品上线跨部门协作启动会"
    options = re.search(r'<select name="owner"[^>]*>(.*?)</select>', page(response), re.S).group(1)
    assert [text_of(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", options)] == [
        "Anyone",
        "周工程师",
        "李主管",
    ]


def test_department_board_filters_s_track_2(client, org: Org, rnd_plan):
    client.force_login(org.li)

    by_owner = client.get(url("department_board", org.rnd.pk), {"owner": org.li.pk})
    by_dates = client.get(
        url("department_board", org.rnd.pk), {"due_after": "2026-09-10", "due_before": "2026-09-15"}
    )

    assert board_rows(by_owner) == [("open", "样机")]
    assert board_rows(by_dates) == [
        ("open", "测试"),
        ("open", "方案"),
        ("in_progress", "接口"),
        ("cancelled", "旧需求"),
    ]
    assert 'name="due_after" value="2026-09-10"' in page(by_dates)


def test_department_board_htmx_returns_the_board_alone(client, org: Org, rnd_plan):
    client.force_login(org.li)

    response = client.get(
        url("department_board", org.rnd.pk), {"owner": org.li.pk}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "<html" not in page(response)
    assert board_rows(response) == [("open", "样机")]


def test_department_board_bad_filter_is_422(client, org: Org, rnd_plan):
    client.force_login(org.li)

    response = client.get(
        url("department_board", org.rnd.pk), {"due_after": "someday", "owner": "abc"}
    )

    assert response.status_code == 422
    assert errors(response) == [
        "Select a valid choice. That choice is not one of the available choices.",
        "Enter a valid date.",
    ]
    assert 'name="due_after" value="someday"' in page(response)
    assert counted(response) == 6  # the unfiltered board


def test_department_board_shows_only_visible_items(client, org: Org, rnd_plan):
    """Items of a confidential meeting stay off the board of those who may not see it."""
    confidential_meeting(org, "薪酬数据", dt.date(2026, 9, 20))

    client.force_login(org.li)
    li_sees = board_rows(client.get(url("department_board", org.rnd.pk)))
    client.force_login(org.zhou)
    zhou_sees = board_rows(client.get(url("department_board", org.rnd.pk)))

    assert ("open", "薪酬数据") not in li_sees
    assert ("open", "薪酬数据") in zhou_sees
    assert len(zhou_sees) == len(li_sees) + 1


def test_department_board_of_a_missing_department_is_404(client, org: Org):
    client.force_login(org.sun)

    assert client.get(url("department_board", 99999)).status_code == 404


def test_department_board_paginates_with_constant_queries(
    client, org: Org, running_meeting: Meeting, django_assert_num_queries
):
    for number in range(30):
        add(
            org,
            running_meeting,
            f"任务{number:02d}",
            dt.date(2026, 9, 10) + dt.timedelta(days=number),
        )
    client.force_login(org.li)

    with django_assert_num_queries(7):
        first = client.get(url("department_board", org.rnd.pk))
    with django_assert_num_queries(7):
        second = client.get(url("department_board", org.rnd.pk), {"page": "2"})

    assert [task for _status, task in board_rows(first)] == [f"任务{n:02d}" for n in range(25)]
    assert [task for _status, task in board_rows(second)] == [f"任务{n:02d}" for n in range(25, 30)]
    assert "Page 1 of 2" in page(first)
    assert "Page 2 of 2" in page(second)


def _overdue_plan(org: Org, meeting: Meeting) -> dict[str, ActionItem]:
    items = {
        "方案": add(org, meeting, "方案", dt.date(2026, 9, 15)),
        "调研": add(org, meeting, "调研", dt.date(2026, 9, 10), owner=org.zhang),
        "设计稿": add(org, meeting, "设计稿", dt.date(2026, 9, 18), owner=org.chen),
        "已完成": add(org, meeting, "已完成", dt.date(2026, 9, 9)),
        "未到期": add(org, meeting, "未到期", dt.date(2026, 9, 25)),
    }
    tracking.action_set_status(actor=org.zhou, action=items["已完成"], status=Status.DONE)
    with clock.frozen(at(9, 19)):
        tracking.action_report_overdue_reason(
            actor=org.zhang,
            action=items["调研"],
            reason=OverdueReason.DEPENDENCY,
            text="等销售数据",
        )
    return items


def test_overdue_board_for_the_pmo_s_track_3(
    client, org: Org, running_meeting: Meeting, django_assert_num_queries
):
    _overdue_plan(org, running_meeting)
    client.force_login(org.sun)

    with clock.frozen(at(9, 20)), django_assert_num_queries(5):  # + the bell
        oldest = client.get(url("overdue_board"))
    with clock.frozen(at(9, 20)):
        newest = client.get(url("overdue_board"), {"sort": "newest"})

    assert oldest.status_code == 200
    meeting = "Q3产品上线跨部门协作启动会"
    assert overdue_rows(oldest) == [
        [
            "调研 due 2026-09-10",
            "10 days",
            "Waiting on a dependency: 等销售数据",
            "张专员",
            "市场部",
            meeting,
        ],
        ["方案 due 2026-09-15", "5 days", "no reason given", "周工程师", "研发部", meeting],
        ["设计稿 due 2026-09-18", "2 days", "no reason given", "陈主管", "设计部", meeting],
    ]
    assert [row[0] for row in overdue_rows(newest)] == [
        "设计稿 due 2026-09-18",
        "方案 due 2026-09-15",
        "调研 due 2026-09-10",
    ]
    assert counted(oldest) == 3
    assert 'href="?sort=newest"' in page(oldest)
    assert 'href="?sort=oldest"' in page(newest)


def test_overdue_board_query_count_does_not_grow(
    client, org: Org, running_meeting: Meeting, django_assert_num_queries
):
    for number in range(30):
        add(
            org,
            running_meeting,
            f"逾期{number:02d}",
            dt.date(2026, 9, 9) + dt.timedelta(days=number % 9),
        )
    client.force_login(org.sun)

    with clock.frozen(at(9, 20)), django_assert_num_queries(5):
        first = client.get(url("overdue_board"))
    with clock.frozen(at(9, 20)), django_assert_num_queries(5):
        second = client.get(url("overdue_board"), {"page": "2"})

    assert len(overdue_rows(first)) == 25
    assert len(overdue_rows(second)) == 5
    assert counted(first) == 30


def test_overdue_board_counts_up_to_a_cap(
    client, org: Org, running_meeting: Meeting, monkeypatch, django_assert_num_queries
):
    """Past the cap the board says "more than", and its pages reach as far as the cap:
    the count reads at most cap + 1 rows, whatever is stored."""
    monkeypatch.setattr(CappedPaginator, "cap", 26)
    for number in range(30):
        add(org, running_meeting, f"逾期{number:02d}", dt.date(2026, 9, 9))
    client.force_login(org.sun)

    with clock.frozen(at(9, 20)), django_assert_num_queries(5):
        first = client.get(url("overdue_board"))
    with clock.frozen(at(9, 20)):
        second = client.get(url("overdue_board"), {"page": "2"})
        third = client.get(url("overdue_board"), {"page": "3"})

    assert re.search(r'data-count="26\+">More than 26 overdue items</p>', page(first))
    assert len(overdue_rows(first)) == 25
    assert [row[0] for row in overdue_rows(second)] == ["逾期25 due 2026-09-09"]
    assert overdue_rows(third) == overdue_rows(second)  # beyond the last page: the last

    monkeypatch.setattr(CappedPaginator, "cap", 30)
    with clock.frozen(at(9, 20)):
        exact = client.get(url("overdue_board"))
    assert re.search(r'data-count="30">30 overdue items</p>', page(exact))


def test_overdue_board_for_a_host_shows_what_they_may_see_s_track_3(
    client, org: Org, running_meeting: Meeting, django_assert_num_queries
):
    """Wang hosts the launch meeting, not the confidential one: only its items."""
    _overdue_plan(org, running_meeting)
    confidential_meeting(org, "薪酬数据", dt.date(2026, 9, 8))

    client.force_login(org.wang)
    with clock.frozen(at(9, 20)), django_assert_num_queries(6):  # + does wang organise?
        wang_sees = client.get(url("overdue_board"))
    client.force_login(org.sun)
    with clock.frozen(at(9, 20)):
        sun_sees = client.get(url("overdue_board"))

    assert [row[0] for row in overdue_rows(wang_sees)] == [
        "调研 due 2026-09-10",
        "方案 due 2026-09-15",
        "设计稿 due 2026-09-18",
    ]
    assert [row[0] for row in overdue_rows(sun_sees)] == [
        "薪酬数据 due 2026-09-08",
        "调研 due 2026-09-10",
        "方案 due 2026-09-15",
        "设计稿 due 2026-09-18",
    ]


@pytest.mark.parametrize("who", ["zhou", "li", "outsider"])
def test_overdue_board_is_for_organisers_only(client, org: Org, running_meeting: Meeting, who):
    client.force_login(getattr(org, who))

    assert client.get(url("overdue_board")).status_code == 403


def test_overdue_board_bad_sort_is_422(client, org: Org, running_meeting: Meeting):
    _overdue_plan(org, running_meeting)
    client.force_login(org.sun)

    with clock.frozen(at(9, 20)):
        response = client.get(url("overdue_board"), {"sort": "loudest"})

    assert response.status_code == 422
    assert errors(response) == [
        "Select a valid choice. loudest is not one of the available choices."
    ]
    assert counted(response) == 3


def test_overdue_board_empty(client, org: Org, running_meeting: Meeting):
    client.force_login(org.sun)

    response = client.get(url("overdue_board"))

    assert response.status_code == 200
    assert "Nothing is overdue. Well done." in page(response)


def test_boards_index_query_count_does_not_grow(
    client, org: Org, running_meeting: Meeting, django_assert_num_queries
):
    """Session, person, departments with counts, and whether the person organises."""
    for number in range(30):
        add(org, running_meeting, f"任务{number:02d}", dt.date(2026, 9, 10))
    client.force_login(org.zhou)

    with django_assert_num_queries(5):  # with the bell
        response = client.get(url("boards"))

    rows = [text_of(row) for row in re.findall(r"<tr>\s*(<td.*?)</tr>", page(response), re.S)]
    assert rows == ["研发部 30 0"]


def test_out_of_range_ids_are_404(client, org: Org, action: ActionItem):
    client.force_login(org.admin)
    huge = 10**30

    assert client.get(url("detail", huge)).status_code == 404
    assert client.post(url("sign", huge)).status_code == 404
    assert client.get(url("department_board", huge)).status_code == 404
    assert client.get(url("department_board", org.rnd.pk), {"page": "abc"}).status_code == 200
    assert client.get(url("department_board", org.rnd.pk), {"owner": str(huge)}).status_code == 422
