"""The inputs of the tracking rules the notification planner applies: the reminder 3 days before
the due date (S-TRACK-1), the status request from the due date to 2 days after (S-TRACK-2),
overdue items (S-TRACK-3), unsigned items (S-POST-3), and who sees which items."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import selectors, tracking
from accord.actions import services as actions
from accord.actions.models import ActionItem, OverdueReason
from accord.core import clock
from accord.core.errors import AppError
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.minutes import services as minutes_services
from tests.conftest import STARTS, Org, close_topics

Status = ActionItem.Status
TODAY = dt.date(2026, 9, 20)  # a Sunday, eleven days after the meeting


def day(month: int, number: int) -> dt.date:
    return dt.date(2026, month, number)


def at(month: int, number: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, number, hour, minute))


def tasks(queryset) -> set[str]:
    return {action.task for action in queryset}


def add(org: Org, meeting: Meeting, task: str, due: dt.date, owner=None) -> ActionItem:
    return actions.action_create(
        actor=org.zhao, meeting=meeting, task=task, owner=owner or org.zhou, due=due
    )


@pytest.fixture
def plan(org: Org, running_meeting: Meeting) -> dict[str, ActionItem]:
    """Items around TODAY, named by their due date relative to it."""
    items = {
        "due+3": add(org, running_meeting, "due+3", day(9, 23)),
        "due+2": add(org, running_meeting, "due+2", day(9, 22)),
        "due+4": add(org, running_meeting, "due+4", day(9, 24)),
        "today": add(org, running_meeting, "today", TODAY),
        "today-2": add(org, running_meeting, "today-2", day(9, 18), owner=org.zhang),
        "today-3": add(org, running_meeting, "today-3", day(9, 17)),
        "done": add(org, running_meeting, "done", day(9, 23)),
        "cancelled": add(org, running_meeting, "cancelled", day(9, 17)),
        "in-progress-2": add(org, running_meeting, "in-progress-2", day(9, 18)),
    }
    tracking.action_set_status(actor=org.zhou, action=items["done"], status=Status.DONE)
    tracking.action_set_status(actor=org.sun, action=items["cancelled"], status=Status.CANCELLED)
    tracking.action_set_status(
        actor=org.zhou, action=items["in-progress-2"], status=Status.IN_PROGRESS
    )
    return items


def test_reminder_exactly_three_days_before_the_due_date_s_track_1(plan):
    """S-TRACK-1: open items due in exactly 3 days; 2 or 4 days, done or cancelled: no."""
    assert tasks(selectors.actions_due_for_reminder(today=TODAY)) == {"due+3"}


def test_reminder_reads_the_clock_by_default_s_track_1(plan):
    with clock.frozen(at(9, 20, 23, 59)):
        assert tasks(selectors.actions_due_for_reminder()) == {"due+3"}
    with clock.frozen(at(9, 21, 0, 0)):
        assert tasks(selectors.actions_due_for_reminder()) == {"due+4"}


def test_awaiting_status_from_the_due_date_to_two_days_after_s_track_2(plan):
    """S-TRACK-2: due today, 1 or 2 days ago; not 3 days ago; not closed items."""
    assert tasks(selectors.actions_awaiting_status(today=TODAY)) == {
        "today",
        "today-2",
        "in-progress-2",
    }


def test_overdue_are_open_items_past_their_due_date_s_track_3(plan):
    """S-TRACK-3: the due day itself is not overdue; in progress counts as open."""
    assert tasks(selectors.actions_overdue(today=TODAY)) == {
        "today-2",
        "today-3",
        "in-progress-2",
    }


def test_overdue_without_reason_s_track_3(org: Org, plan):
    with clock.frozen(at(9, 20, 10, 0)):
        tracking.action_report_overdue_reason(
            actor=org.zhou, action=plan["today-3"], reason=OverdueReason.DEPENDENCY
        )

        assert tasks(selectors.actions_overdue_without_reason()) == {"today-2", "in-progress-2"}
        assert tasks(selectors.actions_overdue()) == {"today-2", "today-3", "in-progress-2"}


def test_the_rules_day_by_day_for_one_item_s_track_1_s_track_2_s_track_3(
    org: Org, running_meeting: Meeting
):
    """One item due on 15 September, asked about every day from the meeting to 20 September."""
    add(org, running_meeting, "方案", day(9, 15))
    days = [day(9, 9) + dt.timedelta(days=n) for n in range(12)]

    def when(selector) -> list[dt.date]:
        return [d for d in days if selector(today=d).exists()]

    assert when(selectors.actions_due_for_reminder) == [day(9, 12)]
    assert when(selectors.actions_awaiting_status) == [day(9, 15), day(9, 16), day(9, 17)]
    assert when(selectors.actions_overdue) == [day(9, n) for n in range(16, 21)]


def test_the_rules_follow_a_replan_s_track_3(org: Org, running_meeting: Meeting):
    item = add(org, running_meeting, "方案", day(9, 15))
    with clock.frozen(at(9, 18, 10, 0)):
        assert list(selectors.actions_overdue()) == [item]
        assert list(selectors.actions_awaiting_status()) == []  # due + 3 days: no longer

        tracking.action_replan(actor=org.sun, action=item, due=day(9, 21), reason="等待硬件")

        assert list(selectors.actions_overdue()) == []
        assert list(selectors.actions_due_for_reminder()) == [item]


# -- sign-off (S-POST-3) ----------------------------------------------------------------------


def _approve(org: Org, meeting: Meeting) -> None:
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, meeting)
        live.meeting_end(actor=org.wang, meeting=meeting)
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)


def test_unsigned_items_of_approved_minutes_s_post_3(org: Org, running_meeting: Meeting):
    first = add(org, running_meeting, "技术方案", day(9, 15))
    add(org, running_meeting, "用户调研", day(9, 18), owner=org.zhang)
    add(org, running_meeting, "设计稿", day(9, 18), owner=org.chen)
    assert tasks(selectors.actions_unsigned()) == set()  # nothing to sign before approval

    _approve(org, running_meeting)
    assert tasks(selectors.actions_unsigned()) == {"技术方案", "用户调研", "设计稿"}

    actions.action_sign(actor=org.zhou, action=first)
    assert tasks(selectors.actions_unsigned()) == {"用户调研", "设计稿"}

    minutes_services.minutes_distribute(actor=org.sun, meeting=running_meeting)
    assert tasks(selectors.actions_unsigned()) == {"用户调研", "设计稿"}


def test_unsigned_leaves_out_cancelled_items_s_post_3(org: Org, running_meeting: Meeting):
    add(org, running_meeting, "技术方案", day(9, 15))
    dropped = add(org, running_meeting, "用户调研", day(9, 18), owner=org.zhang)
    _approve(org, running_meeting)

    tracking.action_set_status(actor=org.sun, action=dropped, status=Status.CANCELLED)

    assert tasks(selectors.actions_unsigned()) == {"技术方案"}


# -- visibility and "my work" ---------------------------------------------------------------


def _confidential_meeting(org: Org) -> Meeting:
    """A confidential meeting in which only zhou takes part for R&D."""
    meeting = meetings.meeting_create(
        actor=org.sun,
        title="薪酬调整沟通会",
        starts_at=at(9, 10, 10, 0),
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
        confidential=True,
    )
    meetings.topic_add(actor=org.sun, meeting=meeting, title="调整方案", planned_minutes=30)
    meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(at(9, 10, 10, 0)):
        live.meeting_start(actor=org.wang, meeting=meeting)
    add(org, meeting, "整理薪酬数据", day(9, 18))
    return meeting


def test_actions_visible_to_by_part_in_the_meeting(org: Org, running_meeting: Meeting):
    add(org, running_meeting, "技术方案", day(9, 15))
    _confidential_meeting(org)

    visible = {
        name: tasks(selectors.actions_visible_to(getattr(org, name)))
        for name in ["admin", "sun", "wang", "zhao", "zhou", "li", "zhang", "outsider"]
    }

    both = {"技术方案", "整理薪酬数据"}
    assert visible == {
        "admin": both,
        "sun": both,  # organiser of both
        "wang": both,  # host of both
        "zhao": both,  # recorder of both
        "zhou": both,  # participant of both
        "li": {"技术方案"},  # heads R&D, but the other meeting is confidential
        "zhang": {"技术方案"},
        "outsider": set(),
    }


def test_actions_visible_to_a_copied_department_and_an_owner(org: Org, running_meeting: Meeting):
    add(org, running_meeting, "技术方案", day(9, 15))
    assert tasks(selectors.actions_visible_to(org.outsider)) == set()

    meetings.department_copy(
        actor=org.sun, meeting=running_meeting, department=org.outsider.department
    )
    assert tasks(selectors.actions_visible_to(org.outsider)) == {"技术方案"}


def test_actions_visible_to_the_owner_of_an_item(org: Org, running_meeting: Meeting):
    """Owning an item is taking part: its meeting, and so its action plan, is visible."""
    add(org, running_meeting, "技术方案", day(9, 15))
    add(org, running_meeting, "预算复核", day(9, 18), owner=org.outsider)

    assert tasks(selectors.actions_visible_to(org.outsider)) == {"技术方案", "预算复核"}


def test_actions_for_owner_only_their_own(org: Org, plan):
    assert tasks(selectors.actions_for_owner(person=org.zhang)) == {"today-2"}
    assert tasks(selectors.actions_for_owner(person=org.outsider)) == set()


def test_actions_for_owner_open_first_by_due_date(org: Org, plan):
    mine = list(selectors.actions_for_owner(person=org.zhou))

    assert [action.status in ActionItem.OPEN_STATUSES for action in mine] == [True] * 6 + [
        False
    ] * 2
    assert [action.due_date for action in mine[:6]] == [
        day(9, 17),
        day(9, 18),
        TODAY,
        day(9, 22),
        day(9, 23),
        day(9, 24),
    ]


# -- the action item page (S-TRACK-2, S-TRACK-3, S-POST-3) ---------------------------------


def _permissions(org: Org, who: str, action: ActionItem, today: dt.date = TODAY) -> tuple:
    allowed = selectors.action_permissions(person=getattr(org, who), action=action, today=today)
    return (
        allowed.track,
        allowed.report_progress,
        allowed.explain,
        allowed.replan,
        allowed.sign,
        allowed.statuses,
    )


def test_action_permissions_by_person_s_track_2_s_track_3(org: Org, plan):
    """Owner and head track; the organiser side also cancels and re-plans; the owner or head
    explains an overdue item; others do nothing."""
    late = plan["today-3"]  # zhou's, open, three days overdue on TODAY

    assert {who: _permissions(org, who, late) for who in ["zhou", "li", "sun", "zhang"]} == {
        "zhou": (True, True, True, False, False, ("in_progress", "done")),
        "li": (True, True, True, False, False, ("in_progress", "done")),
        "sun": (True, True, False, True, False, ("in_progress", "done", "cancelled")),
        "zhang": (False, False, False, False, False, ()),
    }
    assert _permissions(org, "zhou", late, today=day(9, 17))[2] is False  # due that day


def test_action_permissions_follow_the_status_s_track_2(org: Org, plan):
    done, cancelled = plan["done"], plan["cancelled"]
    in_progress = plan["in-progress-2"]

    assert _permissions(org, "zhou", done) == (True, False, False, False, False, ("in_progress",))
    assert _permissions(org, "zhou", cancelled) == (True, False, False, False, False, ())
    assert _permissions(org, "sun", cancelled) == (True, False, False, False, False, ("open",))
    # Back to open from in progress is the owner's own call; cancelling is not.
    assert _permissions(org, "zhou", in_progress)[5] == ("open", "done")


def test_action_permissions_sign_s_post_3(org: Org, running_meeting: Meeting):
    mine = add(org, running_meeting, "技术方案", day(9, 15))
    assert _permissions(org, "zhou", mine, today=day(9, 9))[4] is False  # not yet approved

    _approve(org, running_meeting)
    mine = selectors.action_get_visible(person=org.zhou, pk=mine.pk)
    assert _permissions(org, "zhou", mine, today=day(9, 9))[4] is True
    assert _permissions(org, "sun", mine, today=day(9, 9))[4] is False  # only the owner signs

    actions.action_sign(actor=org.zhou, action=mine)
    mine = selectors.action_get_visible(person=org.zhou, pk=mine.pk)
    assert _permissions(org, "zhou", mine, today=day(9, 9))[4] is False  # signed already


def test_action_get_visible_only_to_those_who_see_the_meeting(org: Org, running_meeting: Meeting):
    item = add(org, running_meeting, "技术方案", day(9, 15))

    assert selectors.action_get_visible(person=org.zhang, pk=item.pk) == item
    with pytest.raises(ActionItem.DoesNotExist):
        selectors.action_get_visible(person=org.outsider, pk=item.pk)


def test_action_history_and_due_history_s_track_3(org: Org, running_meeting: Meeting):
    item = add(org, running_meeting, "技术方案", day(9, 15))
    with clock.frozen(at(9, 10)):
        tracking.action_set_status(actor=org.zhou, action=item, status=Status.IN_PROGRESS)
    with clock.frozen(at(9, 16)):
        tracking.action_report_overdue_reason(
            actor=org.zhou, action=item, reason=OverdueReason.PROCESS_BLOCKED, text="审批卡住"
        )
        tracking.action_replan(actor=org.sun, action=item, due="9月22日", reason="审批已催")
    with clock.frozen(at(9, 21)):
        tracking.action_replan(actor=org.sun, action=item, due="9月25日", reason="再延三天")
    item = selectors.action_get_visible(person=org.zhou, pk=item.pk)

    history = selectors.action_history(action=item)
    due = selectors.action_due_history(action=item)

    assert [(e.update.kind, e.old_status, e.new_status, e.reason) for e in history] == [
        ("status", "Open", "In progress", ""),
        ("overdue_reason", "", "", "Process blocked"),
        ("replan", "", "", ""),
        ("replan", "", "", ""),
    ]
    assert due.original == day(9, 15)
    assert [(u.old_due_date, u.new_due_date, u.text) for u in due.replans] == [
        (day(9, 15), day(9, 22), "审批已催"),
        (day(9, 22), day(9, 25), "再延三天"),
    ]


def test_action_due_history_without_replans(org: Org, running_meeting: Meeting):
    item = add(org, running_meeting, "技术方案", day(9, 15))

    due = selectors.action_due_history(action=item)

    assert (due.original, due.replans) == (day(9, 15), [])


def test_replan_due_preview_reads_from_today_s_track_3():
    assert selectors.replan_due_preview(text="下周五", today=day(9, 7)) == day(9, 18)
    assert selectors.replan_due_preview(text="月底前", today=day(9, 7)) == day(9, 30)
    with pytest.raises(AppError) as refused:
        selectors.replan_due_preview(text="尽快", today=day(9, 7))
    assert (refused.value.field, refused.value.code) == ("due_date", "vague_due_date")
    with pytest.raises(AppError) as refused:
        selectors.replan_due_preview(text="2026-09-01", today=day(9, 7))
    assert refused.value.code == "due_date_before_meeting"


# -- boards (S-TRACK-1..3) ------------------------------------------------------------------


def test_department_board_groups_by_status_then_due_date_s_track_2(org: Org, plan):
    board = selectors.department_board(person=org.li, department=org.rnd)

    assert [(a.task, a.status, a.due_date) for a in board] == [
        ("today-3", "open", day(9, 17)),
        ("today", "open", TODAY),
        ("due+2", "open", day(9, 22)),
        ("due+3", "open", day(9, 23)),
        ("due+4", "open", day(9, 24)),
        ("in-progress-2", "in_progress", day(9, 18)),
        ("done", "done", day(9, 23)),
        ("cancelled", "cancelled", day(9, 17)),
    ]


def test_department_board_filters_s_track_2(org: Org, plan):
    li_items = add(org, Meeting.objects.get(), "样机", day(9, 19), owner=org.li)

    by_owner = selectors.department_board(person=org.li, department=org.rnd, owner=org.li)
    by_dates = selectors.department_board(
        person=org.li, department=org.rnd, due_after=day(9, 18), due_before=TODAY
    )
    marketing = selectors.department_board(person=org.li, department=org.marketing)

    assert [a.task for a in by_owner] == [li_items.task]
    assert [a.task for a in by_dates] == ["样机", "today", "in-progress-2"]
    assert [a.task for a in marketing] == ["today-2"]
    assert list(selectors.department_board_owners(person=org.li, department=org.rnd)) == [
        org.zhou,
        org.li,
    ]
    assert list(selectors.department_board_owners(person=org.outsider, department=org.rnd)) == []


def test_department_board_only_what_the_person_may_see(org: Org, plan):
    _confidential_meeting(org)  # zhou's item 整理薪酬数据, due 9-18

    li_sees = {a.task for a in selectors.department_board(person=org.li, department=org.rnd)}
    zhou_sees = {a.task for a in selectors.department_board(person=org.zhou, department=org.rnd)}

    assert zhou_sees - li_sees == {"整理薪酬数据"}
    assert selectors.department_board(person=org.outsider, department=org.rnd).count() == 0


def test_overdue_board_ages_reasons_and_order_s_track_3(org: Org, plan):
    with clock.frozen(at(9, 19)):
        tracking.action_report_overdue_reason(
            actor=org.zhang, action=plan["today-2"], reason=OverdueReason.DEPENDENCY
        )

    oldest = selectors.overdue_board(person=org.sun, today=TODAY)
    newest = selectors.overdue_board(person=org.sun, today=TODAY, oldest_first=False)

    assert [(a.task, a.age.days, a.overdue_reason, a.department.name) for a in oldest] == [
        ("today-3", 3, "", "研发部"),
        ("today-2", 2, "dependency", "市场部"),
        ("in-progress-2", 2, "", "研发部"),
    ]
    assert [a.task for a in newest] == ["in-progress-2", "today-2", "today-3"]
    assert selectors.overdue_board(person=org.outsider, today=TODAY).count() == 0


def test_overdue_board_only_what_the_person_may_see_s_track_3(org: Org, running_meeting):
    add(org, running_meeting, "技术方案", day(9, 15))
    _confidential_meeting(org)  # 整理薪酬数据, due 9-18; wang hosts it, li does not take part

    assert [a.task for a in selectors.overdue_board(person=org.wang, today=TODAY)] == [
        "技术方案",
        "整理薪酬数据",
    ]
    assert [a.task for a in selectors.overdue_board(person=org.li, today=TODAY)] == ["技术方案"]


def test_who_organises_meetings_and_sees_all_departments(org: Org, running_meeting: Meeting):
    """PMO and admins see every department; organisers and hosts chase overdue items."""
    people = ["admin", "sun", "wang", "zhao", "zhou", "li", "outsider"]

    assert {p: selectors.organises_meetings(getattr(org, p)) for p in people} == {
        "admin": True,
        "sun": True,
        "wang": True,  # hosts
        "zhao": False,  # records, does not organise
        "zhou": False,
        "li": False,
        "outsider": False,
    }
    assert [p for p in people if selectors.sees_all_departments(getattr(org, p))] == [
        "admin",
        "sun",
    ]


def test_board_departments_with_counts_s_track_3(org: Org, plan):
    everyone = selectors.board_departments(person=org.sun, today=TODAY)
    mine = selectors.board_departments(person=org.zhou, today=TODAY)

    assert [(d.name, d.open_count, d.overdue_count) for d in everyone] == [
        ("市场部", 1, 1),
        ("研发部", 6, 2),
        ("行政部", 0, 0),
        ("设计部", 0, 0),
        ("财务部", 0, 0),
        ("销售部", 0, 0),
    ]
    assert [(d.name, d.open_count, d.overdue_count) for d in mine] == [("研发部", 6, 2)]
    assert selectors.board_departments(person=org.outsider, today=TODAY)[0].open_count == 0


# -- the due date answered as it is typed (S-MEET-4) ---------------------------------------------


@pytest.mark.parametrize(
    ("typed", "due"),
    [("9月15日前", day(9, 15)), ("下周五", day(9, 18)), ("明天", day(9, 10))],
)
def test_meeting_due_preview_reads_as_action_create_does_s_meet_4(
    org: Org, running_meeting: Meeting, typed: str, due: dt.date
):
    """Relative to the meeting's date (Wednesday 2026-09-09), not today (Monday 09-07)."""
    preview = selectors.meeting_due_preview(meeting=running_meeting, text=typed)
    created = actions.action_create(
        actor=org.zhao, meeting=running_meeting, task="任务", owner=org.zhou, due=typed
    )

    assert preview == created.due_date == due


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("尽快", "vague_due_date"),
        ("2026-09-08", "due_date_before_meeting"),
        ("", "required"),
        ("下辈子", "unknown_due_date"),
    ],
)
def test_meeting_due_preview_refuses_what_action_create_refuses_s_meet_4(
    running_meeting: Meeting, typed: str, code: str
):
    with pytest.raises(AppError) as caught:
        selectors.meeting_due_preview(meeting=running_meeting, text=typed)

    assert (caught.value.field, caught.value.code) == ("due_date", code)


def test_meeting_due_preview_before_the_start_reads_the_planned_date(scheduled_meeting: Meeting):
    assert selectors.meeting_due_preview(meeting=scheduled_meeting, text="明天") == day(9, 10)
