"""An item's reminders belong to a commitment, not to a date (S-TRACK-1..3): re-planned back
to a date whose reminder already went out, the item is reminded of the new commitment;
each commitment is reminded once. The keys name the commitment (``planner.commitment``)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings.models import Meeting
from accord.notify import planner
from accord.notify.models import Channel, Notification
from tests.conftest import STARTS, Org


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


def plan_at(moment: dt.datetime) -> dict[str, int]:
    with clock.frozen(moment):
        return planner.plan(moment)


def told(kind: str) -> list[str]:
    """The event keys of the in-app ``kind`` rows, oldest first."""
    rows = Notification.objects.filter(kind=kind, via=Channel.Kind.IN_APP).order_by("id")
    return list(rows.values_list("event", flat=True))


def replan(org: Org, item: ActionItem, moment: dt.datetime, due: dt.date) -> None:
    with clock.frozen(moment):
        tracking.action_replan(actor=org.sun, action=item, due=due, reason="供应商排期变化")


@pytest.fixture
def item(org: Org, running_meeting: Meeting) -> ActionItem:
    """Zhou's item, due Tuesday 2026-09-15."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due=dt.date(2026, 9, 15),
        )


def test_replanned_back_to_a_date_already_reminded_is_reminded_again_once_s_track_1(
    org: Org, item: ActionItem
):
    """Reminded on the 12th of the 15th; re-planned to the 25th, then back to the 15th on
    the 13th: the new commitment is reminded at once (it is inside the three days), and
    later passes add nothing."""
    assert plan_at(at(9, 12))["due_reminders"] == 1
    replan(org, item, at(9, 12, 10), dt.date(2026, 9, 25))
    replan(org, item, at(9, 13, 8), dt.date(2026, 9, 15))

    assert plan_at(at(9, 13))["due_reminders"] == 1
    for moment in (at(9, 13, 17), at(9, 14), at(9, 14, 23)):
        assert plan_at(moment)["due_reminders"] == 0

    assert told("action.reminder") == [
        f"remind:action:{item.pk}:due:2026-09-15",
        f"remind:action:{item.pk}:due:2026-09-15:r2",
    ]
    latest = Notification.objects.filter(kind="action.reminder").latest("id")
    assert (latest.recipient, latest.send_after, latest.payload) == (
        org.zhou,
        at(9, 13),
        {"due": "2026-09-15"},
    )


def test_a_status_request_of_a_new_commitment_on_the_same_day_goes_out_s_track_2_s_track_3(
    org: Org, item: ActionItem
):
    """Asked for its status on the 15th at 09:00; re-planned to the 20th at 10:00 and back to
    the 15th at 11:00: the new commitment is asked again at once, once; its overdue notice
    on the 18th names it."""
    assert plan_at(at(9, 15))["status_requests"] == 1
    replan(org, item, at(9, 15, 10), dt.date(2026, 9, 20))
    replan(org, item, at(9, 15, 11), dt.date(2026, 9, 15))

    assert plan_at(at(9, 15, 12))["status_requests"] == 1
    assert plan_at(at(9, 15, 13))["status_requests"] == 0
    assert told("action.status_request") == [
        f"status:action:{item.pk}:due:2026-09-15:d0",
        f"status:action:{item.pk}:due:2026-09-15:r2:d0",
    ]

    for day in (16, 17, 18):
        plan_at(at(9, day))
    assert plan_at(at(9, 18, 10))["overdue_notices"] == 0
    rows = Notification.objects.filter(kind="action.overdue", via=Channel.Kind.IN_APP)
    assert sorted(rows.values_list("event", "recipient__username")) == [
        (f"overdue:action:{item.pk}:due:2026-09-15:r2", name) for name in ("li", "sun", "zhou")
    ]


def test_an_item_never_replanned_keeps_its_keys_s_track_1(org: Org, item: ActionItem):
    plan_at(at(9, 12))
    plan_at(at(9, 15))

    assert told("action.reminder") == [f"remind:action:{item.pk}:due:2026-09-15"]
    assert told("action.status_request") == [f"status:action:{item.pk}:due:2026-09-15:d0"]


def test_the_upgrade_moves_planned_rows_to_the_commitment_keys_so_nothing_goes_twice(
    org: Org, item: ActionItem, settings
):
    """A re-planned item's reminder planned by a version whose keys did not name the
    commitment: migration 0010 renames its rows (in the app and by e-mail), and the rule
    then finds it planned. An item never re-planned is left as it was."""
    settings.ACCORD_NOTIFY_EMAIL = True
    org.zhou.email = "zhou@example.cn"
    org.zhou.save(update_fields=["email"])
    replan(org, item, at(9, 12, 10), dt.date(2026, 9, 25))
    assert plan_at(at(9, 22))["due_reminders"] == 2
    old = f"remind:action:{item.pk}:due:2026-09-25"
    rows = Notification.objects.filter(kind="action.reminder")
    for row in rows:  # as the older version wrote them
        rows.filter(pk=row.pk).update(event=old, key=row.key.replace(f"{old}:r1", old))
    assert sorted(rows.values_list("key", flat=True)) == [
        f"{old}>app:{org.zhou.pk}",
        f"{old}>email:{org.zhou.pk}",
    ]

    migration = importlib.import_module("accord.notify.migrations.0010_commitment_in_item_keys")
    migration.name_commitments(apps, None)

    assert sorted(rows.values_list("event", "key")) == [
        (f"{old}:r1", f"{old}:r1>app:{org.zhou.pk}"),
        (f"{old}:r1", f"{old}:r1>email:{org.zhou.pk}"),
    ]
    assert plan_at(at(9, 22, 10))["due_reminders"] == 0
    assert rows.count() == 2


def test_going_back_before_the_upgrade_gives_the_rows_their_earlier_keys(
    org: Org, item: ActionItem
):
    """Migration 0010 undone: the rows of a re-planned item's commitment get the keys the
    earlier planner looks for, so it does not remind the item again."""
    replan(org, item, at(9, 12, 10), dt.date(2026, 9, 25))
    assert plan_at(at(9, 22))["due_reminders"] == 1
    old = f"remind:action:{item.pk}:due:2026-09-25"
    rows = Notification.objects.filter(kind="action.reminder")
    assert list(rows.values_list("event", "key")) == [(f"{old}:r1", f"{old}:r1>app:{org.zhou.pk}")]

    migration = importlib.import_module("accord.notify.migrations.0010_commitment_in_item_keys")
    migration.unname_commitments(apps, None)

    assert list(rows.values_list("event", "key")) == [(old, f"{old}>app:{org.zhou.pk}")]
