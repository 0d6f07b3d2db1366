"""Correcting and removing an action item from the run page (S-MEET-4; after approval only
in a new version, S-POST-2)."""

import datetime as dt

import pytest
from django.urls import reverse

from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.models import AuditEvent
from accord.live import services as live
from tests.conftest import Org
from tests.live.test_attendance import (
    NOBODY_MARKED,
    attendance_of,
    chosen,
    participant_of,
    section,
)
from tests.live.test_views import HTMX, _bigger_meeting, run_url, text, topics

# -- correcting an action item (S-MEET-4; after approval only in a new version, S-POST-2) ------


def edit_data(org: Org, **changes) -> dict:
    data = {
        "edit-task": "提交技术方案初稿",
        "edit-owner": str(org.zhou.pk),
        "edit-department": "",
        "edit-due_date": "9月15日前",
        "edit-resources": "测试服务器2台",
    }
    data.update({f"edit-{name}": value for name, value in changes.items()})
    return data


def item_state(item: ActionItem) -> tuple:
    item.refresh_from_db()
    return (
        item.task,
        item.owner.username,
        item.department.name,
        item.due_date,
        item.due_text,
        item.resources,
    )


ZHOU_ITEM = (
    "提交技术方案初稿",
    "zhou",
    "研发部",
    dt.date(2026, 9, 15),
    "9月15日前",
    "测试服务器2台",
)


@pytest.fixture
def zhou_item(org: Org, running_meeting) -> ActionItem:
    from accord.actions.services import action_create

    return action_create(
        actor=org.zhao,
        meeting=running_meeting,
        task="提交技术方案初稿",
        owner=org.zhou,
        due="9月15日前",
        resources="测试服务器2台",
        topic=topics(running_meeting)[0],
    )


def test_recorder_corrects_an_action_item_s_meet_4(client, org: Org, running_meeting, zhou_item):
    """S-MEET-4: “Edit” opens the item with what was recorded; the correction names a new owner
    (the department follows), a new due phrase read as a date, new resources."""
    meeting, item = running_meeting, zhou_item
    edit = run_url(meeting, "run_action_edit", item.pk)
    client.force_login(org.zhao)

    run_page = client.get(run_url(meeting))
    response = client.get(edit)

    assert (
        "提交技术方案初稿 周工程师 研发部 2026-09-15 (said as “9月15日前”) 测试服务器2台 产品需求优先级确认 Edit Remove"
        in (section(run_page, "actions"))
    )
    assert f'<a href="{edit}" hx-get="{edit}" hx-target="#actions" hx-swap="outerHTML"' in (
        run_page.content.decode()
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Correct an action item</h1>" in html
    assert (
        "The action item as recorded Task 提交技术方案初稿 Owner 周工程师 Department 研发部 "
        "Due date 2026-09-15 (said as “9月15日前”) Required resources 测试服务器2台 Topic 产品需求优先级确认"
        in text(response)
    )
    assert ">\n提交技术方案初稿</textarea>" in html
    assert chosen(response, "id_edit-owner") == [str(org.zhou.pk)]
    assert chosen(response, "id_edit-department") == [""]  # the owner's department
    assert 'name="edit-due_date" value="9月15日前"' in html
    assert 'name="edit-resources" value="测试服务器2台"' in html

    audits = AuditEvent.objects.count()
    response = client.post(
        edit,
        edit_data(
            org,
            task="提交技术方案终稿",
            owner=str(org.liu.pk),
            due_date="下周五",
            resources="测试服务器3台",
        ),
    )

    assert (response.status_code, response.url) == (302, run_url(meeting) + f"#action-{item.pk}")
    assert item_state(item) == (
        "提交技术方案终稿",
        "liu",
        "销售部",
        dt.date(2026, 9, 18),
        "下周五",
        "测试服务器3台",
    )
    assert item.topic == topics(meeting)[0]
    assert list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True)[audits:]) == [
        "action.updated"
    ]
    shown = text(client.get(run_url(meeting)))
    assert "Action item corrected: “提交技术方案终稿”, 刘代表 (销售部), due 2026-09-18." in shown
    assert (
        "Action plan and owners 提交技术方案终稿 — 刘代表 (销售部), 2026-09-18; 测试服务器3台"
        in shown
    )


def test_unchanged_due_date_is_not_read_again(client, org: Org, running_meeting):
    """S-MEET-4: an item dated by picking a date keeps its date (and no phrase) when only its
    resources change; a department chosen apart from the owner's stays chosen."""
    from accord.actions.services import action_create

    item = action_create(
        actor=org.zhao,
        meeting=running_meeting,
        task="评审设计稿",
        owner=org.zhou,
        department=org.design,
        due=dt.date(2026, 9, 16),
    )
    client.force_login(org.wang)  # the host records too

    page = client.get(run_url(running_meeting, "run_action_edit", item.pk))
    response = client.post(
        run_url(running_meeting, "run_action_edit", item.pk),
        edit_data(
            org,
            task="评审设计稿",
            department=str(org.design.pk),
            due_date="2026-09-16",
            resources="设计评审会议室",
        ),
    )

    assert 'name="edit-due_date" value="2026-09-16"' in page.content.decode()
    assert chosen(page, "id_edit-department") == [str(org.design.pk)]
    assert response.status_code == 302
    assert item_state(item) == (
        "评审设计稿",
        "zhou",
        "设计部",
        dt.date(2026, 9, 16),
        "",
        "设计评审会议室",
    )


def test_edit_refusals_keep_what_was_typed_and_change_nothing(
    client, org: Org, running_meeting, zhou_item
):
    """S-MEET-4: a vague date, no owner, no task, an unknown owner: 422 on the edit page with the
    message and everything typed; someone who does not record: 403. Nothing changes."""
    edit = run_url(running_meeting, "run_action_edit", zhou_item.pk)
    typed = {"task": "提交技术方案终稿", "owner": str(org.liu.pk), "resources": "测试服务器3台"}
    audits = AuditEvent.objects.count()
    client.force_login(org.zhao)

    vague = client.post(edit, edit_data(org, due_date="尽快", **typed))
    no_owner = client.post(edit, edit_data(org, owner=""))
    no_task = client.post(edit, edit_data(org, task="  "))
    unknown = client.post(edit, edit_data(org, owner="999999"))
    client.force_login(org.zhang)
    zhang_page = client.get(edit)
    zhang_run = client.get(run_url(running_meeting))
    forbidden = client.post(edit, edit_data(org, due_date="9月20日前", **typed))

    assert vague.status_code == 422
    html = vague.content.decode()
    assert "<h1>Correct an action item</h1>" in html
    assert (
        "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real date "
        "instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”." in text(vague)
    )
    assert 'name="edit-due_date" value="尽快"' in html
    assert ">\n提交技术方案终稿</textarea>" in html
    assert 'name="edit-resources" value="测试服务器3台"' in html
    assert chosen(vague, "id_edit-owner") == [str(org.liu.pk)]
    assert no_owner.status_code == 422
    assert "Owner * — " in text(no_owner)
    assert "This field is required." in text(no_owner)
    assert no_task.status_code == 422
    assert "Say what is to be done." in text(no_task)
    assert unknown.status_code == 422
    assert "Select a valid choice. 999999 is not one of the available choices." in text(unknown)
    assert zhang_page.status_code == 200
    assert "This action item cannot be corrected now" in text(zhang_page)
    assert f'action="{edit}"' not in zhang_page.content.decode()
    assert edit not in zhang_run.content.decode()
    assert "Correction" not in section(zhang_run, "actions")
    assert forbidden.status_code == 403
    assert "Only the recorder or the host may record action items." in text(forbidden)
    assert 'name="edit-due_date" value="9月20日前"' in forbidden.content.decode()
    assert item_state(zhou_item) == ZHOU_ITEM
    assert AuditEvent.objects.count() == audits


def test_htmx_edit_opens_in_the_list_and_swaps_it_back(
    client, org: Org, running_meeting, zhou_item
):
    """S-MEET-4: with htmx “Edit” opens the form in the action list; a refusal comes back in
    place (422) with what was typed; a correction swaps the list and the read-back."""
    edit = run_url(running_meeting, "run_action_edit", zhou_item.pk)
    client.force_login(org.zhao)

    opened = client.get(edit, **HTMX)
    refused = client.post(edit, edit_data(org, due_date="尽快", resources="测试服务器3台"), **HTMX)
    saved = client.post(edit, edit_data(org, due_date="9月25日前"), **HTMX)

    assert opened.status_code == 200
    html = opened.content.decode()
    assert html.startswith('<section id="actions"')
    assert f'<form method="post" action="{edit}" hx-post="{edit}" hx-target="#actions"' in html
    assert 'name="edit-due_date" value="9月15日前"' in html
    assert "Correct “提交技术方案初稿” Task 提交技术方案初稿 Owner" in text(opened)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert html.startswith('<section id="actions"')
    assert "“尽快” is not a date" in html
    assert 'name="edit-due_date" value="尽快"' in html
    assert 'name="edit-resources" value="测试服务器3台"' in html
    assert saved.status_code == 200
    html = saved.content.decode()
    assert html.startswith('<section id="actions"')
    assert 'id="edit-action"' not in html
    assert 'id="readback" class="card" aria-labelledby="readback-h" hx-swap-oob="true"' in html
    shown = text(saved)
    assert shown.startswith(
        "Action item corrected: “提交技术方案初稿”, 周工程师 (研发部), due 2026-09-25. Action items"
    )
    assert "提交技术方案初稿 — 周工程师 (研发部), 2026-09-25; 测试服务器2台" in shown
    assert item_state(zhou_item) == (
        *ZHOU_ITEM[:3],
        dt.date(2026, 9, 25),
        "9月25日前",
        ZHOU_ITEM[5],
    )


def test_edit_due_field_asks_the_due_check_as_you_type(
    client, org: Org, running_meeting, zhou_item
):
    """S-MEET-4: the corrected due phrase is checked as it is typed, as in the add form."""
    client.force_login(org.zhao)
    check = run_url(running_meeting, "run_due_check")

    page = client.get(run_url(running_meeting, "run_action_edit", zhou_item.pk))
    answer = client.get(check, {"prefix": "edit", "edit-due_date": "下周五"})
    vague = client.get(check, {"prefix": "edit", "edit-due_date": "尽快"})

    html = page.content.decode()
    assert (
        f'name="edit-due_date" value="9月15日前" autocomplete="off" maxlength="100" '
        f'hx-get="{check}?prefix=edit" hx-trigger="input changed delay:300ms" '
        'hx-target="#due-check-edit" hx-swap="innerHTML" aria-describedby="due-check-edit"' in html
    )
    assert '<output id="due-check-edit" for="id_edit-due_date" aria-live="polite"' in html
    assert (answer.status_code, answer.content.decode()) == (
        200,
        '<span class="due-ok">2026-09-18 (Friday)</span>',
    )
    assert vague.status_code == 422
    assert "“尽快” is not a date" in vague.content.decode()


# -- removing an action item, confirmed first ---------------------------------------------------


def test_remove_asks_first_then_removes_s_meet_4(client, org: Org, running_meeting, zhou_item):
    """S-MEET-4: “Remove” asks on a page of its own (no JavaScript needed); only a POST with
    confirm=yes removes the item."""
    remove = run_url(running_meeting, "run_action_remove", zhou_item.pk)
    audits = AuditEvent.objects.count()
    client.force_login(org.zhao)

    run_page = client.get(run_url(running_meeting)).content.decode()
    asked = client.post(remove)
    asked_again = client.get(remove)
    not_yes = client.post(remove, {"confirm": "no"})

    assert f'<form method="post" action="{remove}" hx-post="{remove}" hx-target="#actions"' in (
        run_page
    )
    for response in (asked, asked_again, not_yes):
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Remove this action item?</h1>" in html
        assert '<input type="hidden" name="confirm" value="yes">' in html
        assert (
            "Confirm the removal “提交技术方案初稿” — 周工程师 (研发部), due 2026-09-15. It leaves "
            "the action plan; its owner no longer signs it or gets reminders. "
            "Remove the action item Keep it" in text(response)
        )
        assert f'<a href="{run_url(running_meeting)}#action-{zhou_item.pk}">Keep it</a>' in html
    assert ActionItem.objects.count() == 1
    assert AuditEvent.objects.count() == audits

    response = client.post(remove, {"confirm": "yes"})

    assert (response.status_code, response.url) == (302, run_url(running_meeting) + "#actions")
    assert ActionItem.objects.count() == 0
    assert list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True)[audits:]) == [
        "action.removed"
    ]
    page = client.get(run_url(running_meeting))
    assert "Action item removed: “提交技术方案初稿”." in text(page)
    assert section(page, "actions").startswith("Action items No action items yet.")


def test_htmx_remove_asks_in_the_list_then_swaps_it(client, org: Org, running_meeting, zhou_item):
    """S-MEET-4: with htmx the question comes up in the action list; confirming swaps the list
    and the read-back."""
    remove = run_url(running_meeting, "run_action_remove", zhou_item.pk)
    client.force_login(org.zhao)

    asked = client.post(remove, **HTMX)
    assert ActionItem.objects.count() == 1
    removed = client.post(remove, {"confirm": "yes"}, **HTMX)

    assert asked.status_code == 200
    html = asked.content.decode()
    assert html.startswith('<section id="actions"')
    assert (
        f'<form method="post" action="{remove}" hx-post="{remove}" hx-target="#actions" '
        'hx-swap="outerHTML">' in html
    )
    assert "Remove this action item? “提交技术方案初稿” — 周工程师 (研发部), due 2026-09-15." in (
        text(asked)
    )
    assert removed.status_code == 200
    assert text(removed).startswith(
        "Action item removed: “提交技术方案初稿”. Action items No action items yet."
    )
    assert "Action plan and owners No action items yet." in text(removed)
    assert 'hx-swap-oob="true"' in removed.content.decode()
    assert ActionItem.objects.count() == 0


def test_remove_by_someone_who_does_not_record_is_refused(
    client, org: Org, running_meeting, zhou_item
):
    """S-MEET-4: only the recorder or the host removes an item: no button, no question, 403."""
    remove = run_url(running_meeting, "run_action_remove", zhou_item.pk)
    client.force_login(org.zhou)  # the owner himself
    audits = AuditEvent.objects.count()

    asked = client.get(remove)
    response = client.post(remove, {"confirm": "yes"})

    assert "This action item cannot be removed now" in text(asked)
    assert 'name="confirm"' not in asked.content.decode()
    assert response.status_code == 403
    assert "Only the recorder or the host may record action items." in text(response)
    assert ActionItem.objects.count() == 1
    assert AuditEvent.objects.count() == audits


# -- after approval: a new version, then the change shows in "what changed" (S-POST-2) ---------


def test_correction_after_approval_needs_a_new_version_and_shows_what_changed_s_post_2(
    client, org: Org, running_meeting
):
    """S-POST-2: approved minutes refuse a correction (the message says to open a new version);
    after “Open a new version” the recorder corrects one item and removes another, reached from
    the minutes page, and version 2's “what changed” lists both."""
    from accord.minutes.models import MinutesVersion
    from tests.minutes.test_selectors import at, record_the_meeting

    meeting = running_meeting
    zhou_item, chen_item = record_the_meeting(org, meeting)
    minutes_page = reverse("minutes:detail", args=[meeting.pk])
    edit = run_url(meeting, "run_action_edit", zhou_item.pk)
    remove = run_url(meeting, "run_action_remove", chen_item.pk)
    client.force_login(org.zhao)
    with clock.frozen(at(9, 9, 17)):
        assert client.post(reverse("minutes:submit", args=[meeting.pk])).status_code == 302
    client.force_login(org.wang)
    with clock.frozen(at(9, 9, 18)):
        assert client.post(reverse("minutes:approve", args=[meeting.pk])).status_code == 302

    # approved: no correction offered, and a correction is refused with what was typed kept
    client.force_login(org.zhao)
    audits = AuditEvent.objects.count()
    run_page = client.get(run_url(meeting))
    minutes_view = client.get(minutes_page)
    edit_page = client.get(edit)
    refused = client.post(edit, edit_data(org, due_date="9月25日前"))
    not_removed = client.post(remove, {"confirm": "yes"})

    frozen = (
        "The minutes are approved: open a new version, with a reason, to change the action plan."
    )
    assert edit not in run_page.content.decode() and remove not in run_page.content.decode()
    assert edit not in minutes_view.content.decode()
    assert "This action item cannot be corrected now" in text(edit_page)
    assert refused.status_code == 422
    assert frozen in text(refused)
    assert 'name="edit-due_date" value="9月25日前"' in refused.content.decode()
    assert not_removed.status_code == 422
    assert frozen in text(not_removed)
    assert item_state(zhou_item) == ZHOU_ITEM
    assert ActionItem.objects.filter(pk=chen_item.pk).exists()
    assert AuditEvent.objects.count() == audits

    # a new version is opened; the minutes page leads to the corrections
    with clock.frozen(at(9, 11, 10)):
        response = client.post(
            reverse("minutes:revise", args=[meeting.pk]), {"reason": "更正行动项"}
        )
        assert response.status_code == 302
        minutes_view = client.get(minutes_page)
        html = minutes_view.content.decode()
        assert f'<a href="{edit}?from=minutes"' in html
        assert f'<a href="{remove}?from=minutes"' in html
        assert section(minutes_view, "plan") == (
            "Action plan Statuses as of 2026-09-11 10:00 "
            "Task Owner Department Due date Required resources Status Correction "
            "提交技术方案初稿 周工程师 研发部 2026-09-15 测试服务器2台 Open Edit Remove "
            "完成UI设计稿 陈主管 设计部 2026-09-18 — Open Edit Remove "
            "Download Excel Import action items"
        )
        edit_page = client.get(edit + "?from=minutes")
        assert '<input type="hidden" name="from" value="minutes">' in edit_page.content.decode()
        assert f'<a href="{minutes_page}#plan">Cancel</a>' in edit_page.content.decode()
        corrected = client.post(
            edit,
            {**edit_data(org, due_date="9月25日前", resources="测试服务器3台"), "from": "minutes"},
        )
        asked = client.get(remove + "?from=minutes")
        removed = client.post(remove, {"confirm": "yes", "from": "minutes"})
        assert (corrected.status_code, corrected.url) == (302, f"{minutes_page}#plan")
        assert f'<a href="{minutes_page}#plan">Keep it</a>' in asked.content.decode()
        assert (removed.status_code, removed.url) == (302, f"{minutes_page}#plan")
        assert client.post(reverse("minutes:submit", args=[meeting.pk])).status_code == 302
    client.force_login(org.wang)
    with clock.frozen(at(9, 11, 11)):
        assert client.post(reverse("minutes:approve", args=[meeting.pk])).status_code == 302

    response = client.get(minutes_page)
    assert (
        "1 王经理 2026-09-09 18:00 — — First version "
        "2 王经理 2026-09-11 11:00 更正行动项 — "
        "Action item changed: “提交技术方案初稿”: due date “2026-09-15” → “2026-09-25”; "
        "required resources “测试服务器2台” → “测试服务器3台”. "
        "Action item removed: “完成UI设计稿”." in text(response)
    )
    assert item_state(zhou_item) == (
        *ZHOU_ITEM[:3],
        dt.date(2026, 9, 25),
        "9月25日前",
        "测试服务器3台",
    )
    assert not ActionItem.objects.filter(pk=chen_item.pk).exists()
    assert MinutesVersion.objects.filter(minutes__meeting=meeting).count() == 2


# -- visibility and wrong ids for the new URLs -------------------------------------------------


def test_outsider_gets_404_on_attendance_and_corrections(
    client, org: Org, running_meeting, zhou_item
):
    """Visibility: attendance, edit and remove of a meeting one may not see do not exist."""
    zhou = participant_of(running_meeting, org.zhou)
    client.force_login(org.outsider)
    audits = AuditEvent.objects.count()

    for method, address, data in [
        ("post", run_url(running_meeting, "run_attendance", zhou.pk), {"attendance": "absent"}),
        ("get", run_url(running_meeting, "run_action_edit", zhou_item.pk), None),
        ("post", run_url(running_meeting, "run_action_edit", zhou_item.pk), edit_data(org)),
        ("get", run_url(running_meeting, "run_action_remove", zhou_item.pk), None),
        ("post", run_url(running_meeting, "run_action_remove", zhou_item.pk), {"confirm": "yes"}),
    ]:
        response = getattr(client, method)(address, data)
        assert response.status_code == 404, address
    assert attendance_of(running_meeting) == NOBODY_MARKED
    assert item_state(zhou_item) == ZHOU_ITEM
    assert AuditEvent.objects.count() == audits


def test_other_meetings_items_and_participants_are_404(
    client, org: Org, running_meeting, zhou_item
):
    """Another meeting's action item or participant, or an unknown one, is 404."""
    bigger = _bigger_meeting(org)
    other_item = bigger.actions.first()
    other_participant = bigger.participants.first()
    client.force_login(org.zhao)

    for address in [
        run_url(running_meeting, "run_action_edit", other_item.pk),
        run_url(running_meeting, "run_action_remove", other_item.pk),
        run_url(running_meeting, "run_action_edit", 999999),
        run_url(running_meeting, "run_attendance", other_participant.pk),
        run_url(running_meeting, "run_attendance", 999999),
    ]:
        response = client.post(address, {"confirm": "yes", "attendance": "absent"})
        assert response.status_code == 404, address
    assert bigger.actions.count() == 8
    assert other_participant.attendance == "invited"


# session, person, the meeting and its record, the people and departments an owner may be;
# the whole page adds the bell, the htmx form does not.
ACTION_PAGE_QUERIES = 12
ACTION_FORM_QUERIES = 11
# the same without the people and departments (nothing to choose when removing)
REMOVE_PAGE_QUERIES = 10


def test_edit_and_remove_pages_query_count_is_pinned_and_constant(
    client, org: Org, running_meeting, zhou_item, django_assert_num_queries
):
    """The edit page, its htmx form in the list and the removal question run a fixed number
    of queries, however big the meeting."""
    live.objection_raise(actor=org.liu, meeting=running_meeting, text="异议")
    bigger = _bigger_meeting(org)
    client.force_login(org.zhao)
    for meeting, item in [(running_meeting, zhou_item), (bigger, bigger.actions.last())]:
        edit = run_url(meeting, "run_action_edit", item.pk)
        remove = run_url(meeting, "run_action_remove", item.pk)
        with django_assert_num_queries(ACTION_PAGE_QUERIES):
            assert client.get(edit).status_code == 200
        with django_assert_num_queries(ACTION_FORM_QUERIES):
            assert client.get(edit, **HTMX).status_code == 200
        with django_assert_num_queries(REMOVE_PAGE_QUERIES):
            assert client.get(remove).status_code == 200
