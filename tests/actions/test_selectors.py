"""The inputs of the tracking rules the notification planner applies: the reminder 3 days before
the due date (S-TRACK-1), the status request from the due date to 2 days after (S-TRACK-2),
overdue items (S-TRACK-3), unsigned items (S-POST-3), and who sees which items."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import selectors
from accord.actions import services as actions
from accord.actions.models import ActionItem, OverdueReason
from accord.core import clock
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
    actions.action_set_status(actor=org.zhou, action=items["done"], status=Status.DONE)
    actions.action_set_status(actor=org.sun, action=items["cancelled"], status=Status.CANCELLED)
    actions.action_set_status(
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
        actions.action_report_overdue_reason(
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

        actions.action_replan(actor=org.sun, action=item, due=day(9, 21), reason="等待硬件")

        assert list(selectors.actions_overdue()) == []
        assert list(selectors.actions_due_for_reminder()) == [item]


# -- sign-off (S-POST-3) ----------------------------------------------------------------------


def _approve(org: Org, meeting: Meeting) -> None:
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, meeting)
        meetings.meeting_end(actor=org.wang, meeting=meeting)
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

    actions.action_set_status(actor=org.sun, action=dropped, status=Status.CANCELLED)

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
        meetings.meeting_start(actor=org.wang, meeting=meeting)
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
