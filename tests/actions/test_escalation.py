"""What the review of a plan may do with an item (S-REVIEW-2): the committed due date stays as
agreed while re-plans move the due date; a stuck item is escalated to the owner's department
head and the PMO; a later meeting that reviews the plan may steer its items."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import rules, tracking
from accord.actions import services as actions
from accord.actions.models import ActionItem, ActionUpdate
from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.models import AuditEvent
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.notify.models import Notification
from accord.series import services as series_services
from tests.conftest import STARTS, Org

Status = ActionItem.Status
AFTER_DUE = timezone.make_aware(dt.datetime(2026, 9, 17, 10, 0))


@pytest.fixture
def action(org: Org, running_meeting: Meeting) -> ActionItem:
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
        )


def state(action: ActionItem) -> tuple:
    action.refresh_from_db()
    return (
        action.status,
        action.due_date,
        action.committed_due_date,
        action.replan_count,
        action.escalated_at,
    )


def test_the_committed_due_date_is_what_the_meeting_agreed(org: Org, action: ActionItem):
    assert state(action) == (Status.OPEN, dt.date(2026, 9, 15), dt.date(2026, 9, 15), 0, None)

    # A correction while the minutes are written changes what was agreed …
    with clock.frozen(STARTS + dt.timedelta(minutes=40)):
        actions.action_update(actor=org.zhao, action=action, due=dt.date(2026, 9, 14))
    assert state(action) == (Status.OPEN, dt.date(2026, 9, 14), dt.date(2026, 9, 14), 0, None)

    # … a re-plan does not: it moves the work, not the commitment.
    with clock.frozen(AFTER_DUE):
        tracking.action_replan(actor=org.sun, action=action, due="9月25日", reason="服务器未到")
        tracking.action_replan(actor=org.sun, action=action, due="9月28日", reason="又延期")
    assert state(action) == (Status.OPEN, dt.date(2026, 9, 28), dt.date(2026, 9, 14), 2, None)


def test_escalate_tells_the_owners_head_and_the_pmo(org: Org, action: ActionItem):
    with clock.frozen(AFTER_DUE):
        update = tracking.action_escalate(
            actor=org.wang, action=action, note="  需要财务批准采购服务器 "
        )

    assert (update.kind, update.author, update.created_at, update.text) == (
        ActionUpdate.Kind.ESCALATION,
        org.wang,
        AFTER_DUE,
        "需要财务批准采购服务器",
    )
    assert state(action) == (Status.OPEN, dt.date(2026, 9, 15), dt.date(2026, 9, 15), 0, AFTER_DUE)
    told = Notification.objects.filter(kind="action.escalated", action=action)
    # zhou owns it, li heads R&D, sun is the PMO; wang, who escalated, is not told
    assert sorted(told.values_list("recipient__username", flat=True)) == ["li", "sun", "zhou"]
    assert {n.payload["note"] for n in told} == {"需要财务批准采购服务器"}
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.actor, event.data) == (
        "action.escalated",
        org.wang,
        {"note": "需要财务批准采购服务器"},
    )


@pytest.mark.parametrize(
    ("who", "note", "error", "field"),
    [
        ("wang", "  ", AppError, "note"),
        ("zhou", "需要支持", PermissionDenied, None),  # the owner asks, the meeting escalates
        ("outsider", "需要支持", PermissionDenied, None),
    ],
)
def test_escalate_refusals_change_nothing(
    org: Org, action: ActionItem, who: str, note: str, error, field
):
    audits = AuditEvent.objects.count()
    with clock.frozen(AFTER_DUE), pytest.raises(error) as caught:
        tracking.action_escalate(actor=getattr(org, who), action=action, note=note)

    assert caught.value.field == field
    assert state(action)[4] is None
    assert not ActionUpdate.objects.filter(kind=ActionUpdate.Kind.ESCALATION).exists()
    assert not Notification.objects.filter(kind="action.escalated").exists()
    assert AuditEvent.objects.count() == audits


def test_a_done_item_is_not_escalated(org: Org, action: ActionItem):
    with clock.frozen(AFTER_DUE):
        tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE)
        with pytest.raises(AppError) as caught:
            tracking.action_escalate(actor=org.sun, action=action, note="需要支持")

    assert (caught.value.field, caught.value.code) == ("status", "illegal_state")
    assert state(action)[4] is None


def test_a_later_meeting_of_the_series_may_steer_its_items_a_mere_follower_may_not(
    org: Org, action: ActionItem
):
    """Chen neither organised nor hosted the launch meeting. Linking his own meeting to it
    shows him its plan but gives him no say over its items; hosting the next meeting of
    the launch meeting's series does."""
    assert not rules.can_steer(org.chen, action)
    own = meetings.meeting_create(
        actor=org.chen,
        title="设计部复盘会",
        starts_at=timezone.make_aware(dt.datetime(2026, 9, 16, 14, 0)),
    )
    series_services.meeting_follow(actor=org.chen, meeting=own, previous=action.meeting)
    assert not rules.can_steer(org.chen, action)
    with clock.frozen(AFTER_DUE), pytest.raises(PermissionDenied):
        tracking.action_replan(actor=org.chen, action=action, due="9月20日", reason="等设计")

    series = series_services.series_create(
        actor=org.sun, title="Q3上线周例会", recurrence="FREQ=WEEKLY", host=org.chen
    )
    Meeting.objects.filter(pk=action.meeting_id).update(series=series)
    action.refresh_from_db()
    follow_up = series_services.series_plan_next(actor=org.sun, series=series)
    assert (follow_up.host, follow_up.starts_at) == (
        org.chen,
        timezone.make_aware(dt.datetime(2026, 9, 16, 14, 0)),
    )

    assert rules.can_steer(org.chen, action)
    assert not rules.can_steer(org.liu, action)
    with clock.frozen(AFTER_DUE):
        tracking.action_replan(actor=org.chen, action=action, due="9月20日", reason="等设计")
        tracking.action_escalate(actor=org.chen, action=action, note="需要研发加人")
        tracking.action_set_status(actor=org.chen, action=action, status=Status.CANCELLED)
    assert state(action) == (
        Status.CANCELLED,
        dt.date(2026, 9, 20),
        dt.date(2026, 9, 15),
        1,
        AFTER_DUE,
    )

    # A cancelled next meeting reviews nothing.
    meetings.meeting_cancel(actor=org.sun, meeting=follow_up, reason="合并到周会")
    assert not rules.can_steer(org.chen, action)
