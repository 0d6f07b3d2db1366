"""The planner's rules, driven by the clock: each notice goes out at its moment, to exactly
its people, once (S-PREP-3, S-PREP-4, S-POST-1..3, S-TRACK-1..3), and the calendar
invitations carry the RFC 5545/5546 fields channels.md §6 lists.

Time moves with ``clock.frozen``; ``plan_at`` runs one planner pass at that moment, as the
worker does. Rows are asserted through the outbox itself: kind, event key, recipient."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, OverdueReason
from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.minutes import services as minutes_services
from accord.notify import messages, outbox, planner
from accord.notify import services as notify_services
from accord.notify.models import Channel, Notification
from accord.notify.worker import Worker
from accord.org import services as org_services
from accord.org.models import Department, Person
from tests.conftest import STARTS, Org, close_topics

ENDED = timezone.make_aware(dt.datetime(2026, 9, 9, 15, 25))
MINUTES_DUE = ENDED + dt.timedelta(hours=24)  # 2026-09-10 15:25
SECOND = dt.timedelta(seconds=1)


def at(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute, second))


def plan_at(moment: dt.datetime) -> dict[str, int]:
    """One planner pass at ``moment``, as the worker runs it."""
    with clock.frozen(moment):
        return planner.plan(moment)


def told(kind: str, *, via: str = Channel.Kind.IN_APP) -> list[tuple[str, str]]:
    """(event key, recipient's username) of every ``kind`` row through ``via``."""
    rows = Notification.objects.filter(kind=kind, via=via).select_related("recipient")
    return sorted((n.event, n.recipient.username) for n in rows)


def events(kind: str) -> list[str]:
    return sorted(set(Notification.objects.filter(kind=kind).values_list("event", flat=True)))


def usernames(*people: Person) -> list[str]:
    return sorted(person.username for person in people)


def rows_to(event: str, *people: Person) -> list[tuple[str, str]]:
    return sorted((event, username) for username in usernames(*people))


@pytest.fixture
def item(org: Org, running_meeting: Meeting) -> ActionItem:
    """Zhou's item from the launch meeting, due Tuesday 2026-09-15."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due=dt.date(2026, 9, 15),
        )


@pytest.fixture
def mail(org: Org, settings) -> Org:
    """E-mail on, and everyone with an address: the e-mail rows wait in the outbox as
    ``pending`` until a worker sends them."""
    settings.ACCORD_NOTIFY_EMAIL = True
    for person in Person.objects.filter(is_superuser=False):
        org_services.person_update(
            actor=org.admin, person=person, email=f"{person.username}@example.cn"
        )
    for name in ("wang", "zhang", "li", "zhou", "chen", "liu", "sun", "zhao", "outsider"):
        getattr(org, name).refresh_from_db()
    return org


# -- S-TRACK-1: the reminder 3 days before the due date ---------------------------------------


def test_reminder_fires_exactly_three_days_before_at_nine_once_s_track_1(org: Org, item):
    """Due 2026-09-15: the reminder is due at 2026-09-12 09:00, not on the 11th, not at
    08:59 on the 12th; later passes that day and on the 13th and 14th add nothing."""
    for moment in (at(9, 10), at(9, 11), at(9, 11, 23, 59), at(9, 12, 8, 59, 59)):
        assert plan_at(moment)["due_reminders"] == 0
    assert told("action.reminder") == []

    assert plan_at(at(9, 12, 9, 0))["due_reminders"] == 1

    key = f"remind:action:{item.pk}:due:2026-09-15"
    assert told("action.reminder") == [(key, "zhou")]
    row = Notification.objects.get(kind="action.reminder")
    assert (row.send_after, row.action_id, row.meeting_id) == (at(9, 12), item.pk, item.meeting_id)
    assert row.payload == {"due": "2026-09-15"}

    for moment in (at(9, 12, 9, 0), at(9, 12, 17, 30), at(9, 13), at(9, 14), at(9, 14, 23)):
        assert plan_at(moment)["due_reminders"] == 0
    assert Notification.objects.filter(kind="action.reminder").count() == 1


def test_a_pass_once_everything_is_planned_loads_nothing(org: Org, item, django_assert_num_queries):
    """The reminder and the overdue rules ask the database which items are not planned
    yet: once the reminder of the 15th is in the outbox, the rule's one query finds no
    item, and no key is looked up in Python."""
    assert plan_at(at(9, 12, 9, 0))["due_reminders"] == 1

    with clock.frozen(at(9, 12, 17, 0)), django_assert_num_queries(1):
        assert planner.due_reminders(clock.now()) == []

    assert plan_at(at(9, 19, 9, 0))["overdue_notices"] == 3  # owner, head, organiser
    with clock.frozen(at(9, 19, 17, 0)), django_assert_num_queries(1):
        assert planner.overdue_notices(clock.now()) == []


def test_reminder_offset_is_a_setting_s_track_1(org: Org, item, settings):
    """ACCORD_REMINDER_DAYS_BEFORE=5: the reminder of the 15th moves to the 10th, 09:00."""
    settings.ACCORD_REMINDER_DAYS_BEFORE = 5

    assert plan_at(at(9, 10, 8, 59))["due_reminders"] == 0
    assert plan_at(at(9, 10, 9, 0))["due_reminders"] == 1
    assert plan_at(at(9, 12, 9, 0))["due_reminders"] == 0

    assert told("action.reminder") == [(f"remind:action:{item.pk}:due:2026-09-15", "zhou")]
    assert Notification.objects.get(kind="action.reminder").send_after == at(9, 10)


def test_the_notify_hour_is_a_setting_s_track_1(org: Org, item, settings):
    """ACCORD_NOTIFY_HOUR=7: the same reminder goes out at 07:00 on the 12th."""
    settings.ACCORD_NOTIFY_HOUR = 7

    assert plan_at(at(9, 12, 6, 59))["due_reminders"] == 0
    assert plan_at(at(9, 12, 7, 0))["due_reminders"] == 1
    assert Notification.objects.get(kind="action.reminder").send_after == at(9, 12, 7)


def test_reminder_of_an_item_recorded_inside_the_window_goes_at_once_s_track_1(
    org: Org, running_meeting: Meeting
):
    """An item recorded on the 9th and due on the 11th is reminded at the next pass."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        soon = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="确认测试服务器",
            owner=org.li,
            due=dt.date(2026, 9, 11),
        )

    assert plan_at(STARTS + dt.timedelta(minutes=31))["due_reminders"] == 1
    assert told("action.reminder") == [(f"remind:action:{soon.pk}:due:2026-09-11", "li")]


# -- S-TRACK-2: status requests from the due date to 2 days after -----------------------------


def test_status_requests_on_the_due_date_and_two_days_after_s_track_2(org: Org, item):
    """One request a day at 09:00 on D+0, D+1, D+2 (15th–17th); none on D+3."""
    assert plan_at(at(9, 15, 8, 59))["status_requests"] == 0
    for day, offset in ((15, 0), (16, 1), (17, 2)):
        assert plan_at(at(9, day, 9, 0))["status_requests"] == 1
        assert plan_at(at(9, day, 16, 0))["status_requests"] == 0
        row = Notification.objects.get(kind="action.status_request", payload__day=offset)
        assert (row.recipient, row.send_after) == (org.zhou, at(9, day))
    assert plan_at(at(9, 18, 9, 0))["status_requests"] == 0
    assert plan_at(at(9, 19, 9, 0))["status_requests"] == 0

    key = f"status:action:{item.pk}:due:2026-09-15"
    assert told("action.status_request") == [
        (f"{key}:d0", "zhou"),
        (f"{key}:d1", "zhou"),
        (f"{key}:d2", "zhou"),
    ]


def test_no_status_request_or_overdue_for_a_done_item_s_track_2(org: Org, item):
    """Done on the 13th, after its reminder: nothing more about it, ever."""
    plan_at(at(9, 12))
    with clock.frozen(at(9, 13, 10)):
        tracking.action_set_status(actor=org.zhou, action=item, status=ActionItem.Status.DONE)

    for day in range(13, 26):
        counts = plan_at(at(9, day, 9))
        assert (counts["status_requests"], counts["overdue_notices"]) == (0, 0)
    kinds = Notification.objects.filter(action=item).values_list("kind", flat=True)
    assert sorted(set(kinds)) == ["action.reminder"]


def test_a_pending_status_request_is_cancelled_when_the_item_is_done_s_track_2(
    org: Org, item, mail
):
    """The e-mail of the 15th's request still waits when zhou marks the item done: the
    worker cancels it instead of sending it."""
    plan_at(at(9, 15, 9))
    pending = Notification.objects.get(kind="action.status_request", via=Channel.Kind.EMAIL)
    assert pending.status == Notification.Status.PENDING
    with clock.frozen(at(9, 15, 9, 5)):
        tracking.action_set_status(actor=org.zhou, action=item, status=ActionItem.Status.DONE)
        counts = Worker().tick()

    pending.refresh_from_db()
    assert (pending.status, pending.last_error) == (
        Notification.Status.CANCELLED,
        "the action item is no longer open",
    )
    assert (counts["claimed"], counts["cancelled"], counts["sent"]) == (1, 1, 0)


def test_a_row_planned_while_its_item_was_deleted_is_cancelled_not_sent(org: Org, item, mail):
    """The outbox's references are not checked by the database: an item deleted while a
    pass that read it was still writing (its cascade could not see the pass's rows yet)
    leaves that pass's rows behind, and the worker cancels them."""
    plan_at(at(9, 15, 9))
    pending = Notification.objects.get(kind="action.status_request", via=Channel.Kind.EMAIL)
    item_id = item.pk
    item.delete()
    assert not Notification.objects.filter(action_id=item_id).exists()  # the cascade
    pending.save(force_insert=True)  # the pass commits after the delete

    with clock.frozen(at(9, 15, 9, 5)):
        counts = Worker().tick()

    pending.refresh_from_db()
    assert (pending.status, pending.last_error, pending.sent_at) == (
        Notification.Status.CANCELLED,
        "the action item was deleted",
        None,
    )
    assert (counts["claimed"], counts["cancelled"], counts["sent"]) == (1, 1, 0)


def test_follow_up_days_are_a_setting_s_track_2_s_track_3(org: Org, item, settings):
    """ACCORD_FOLLOW_UP_DAYS_AFTER=1: status requests on D+0 and D+1 only, the overdue
    notice on D+2 (the 17th)."""
    settings.ACCORD_FOLLOW_UP_DAYS_AFTER = 1

    counts = [plan_at(at(9, day, 9)) for day in (15, 16, 17, 18)]

    assert [c["status_requests"] for c in counts] == [1, 1, 0, 0]
    assert [c["overdue_notices"] for c in counts] == [0, 0, 3, 0]
    key = f"status:action:{item.pk}:due:2026-09-15"
    assert told("action.status_request") == [(f"{key}:d0", "zhou"), (f"{key}:d1", "zhou")]
    assert Notification.objects.filter(kind="action.overdue").first().send_after == at(9, 17)


# -- S-TRACK-3: the overdue notice ------------------------------------------------------------


def test_overdue_notice_on_d_plus_3_to_owner_head_and_organiser_once_s_track_3(org: Org, item):
    """On the 18th at 09:00, zhou (owner), li (R&D head) and sun (organiser) are told, once."""
    assert plan_at(at(9, 17, 23, 59))["overdue_notices"] == 0
    assert plan_at(at(9, 18, 8, 59))["overdue_notices"] == 0

    assert plan_at(at(9, 18, 9, 0))["overdue_notices"] == 3

    key = f"overdue:action:{item.pk}:due:2026-09-15"
    assert told("action.overdue") == rows_to(key, org.zhou, org.li, org.sun)
    for moment in (at(9, 18, 15), at(9, 19), at(9, 22)):
        assert plan_at(moment)["overdue_notices"] == 0
    assert Notification.objects.filter(kind="action.overdue").count() == 3


def test_no_overdue_notice_when_the_owner_gave_the_reason_first_s_track_3(org: Org, item):
    """Zhou gives the reason on the 16th: no overdue notice on the 18th or later; the status
    requests of the follow-up days still come."""
    plan_at(at(9, 15, 9))
    plan_at(at(9, 16, 9))
    with clock.frozen(at(9, 16, 10)):
        tracking.action_report_overdue_reason(
            actor=org.zhou, action=item, reason=OverdueReason.DEPENDENCY, text="等设计稿"
        )

    for day in (17, 18, 19, 20):
        assert plan_at(at(9, day, 9))["overdue_notices"] == 0
    assert told("action.overdue") == []
    key = f"status:action:{item.pk}:due:2026-09-15"
    assert told("action.status_request") == [(f"{key}:d{day}", "zhou") for day in (0, 1, 2)]


# -- re-plan ------------------------------------------------------------------------------


def test_replan_tells_three_people_cancels_old_reminders_and_plans_new_ones_s_track_3(
    org: Org, item, mail
):
    """On the 12th the reminder of the 15th is planned (its e-mail still waiting); sun moves
    the item to the 25th: owner, head and organiser hear of it, the old reminder's e-mail is
    cancelled, nothing more comes for the 15th, and the new reminder is due on the 22nd."""
    plan_at(at(9, 12, 9))
    old_mail = Notification.objects.get(kind="action.reminder", via=Channel.Kind.EMAIL)
    assert old_mail.status == Notification.Status.PENDING

    with clock.frozen(at(9, 12, 10)):
        tracking.action_replan(
            actor=org.sun, action=item, due=dt.date(2026, 9, 25), reason="等待供应商排期"
        )

    key = f"replan:action:{item.pk}:due:2026-09-25:{int(at(9, 12, 10).timestamp())}"
    assert told("action.replanned") == rows_to(key, org.zhou, org.li, org.sun)
    assert Notification.objects.filter(kind="action.replanned").first().payload == {
        "due": "2026-09-25",
        "old_due": "2026-09-15",
        "reason": "等待供应商排期",
    }
    old_mail.refresh_from_db()
    assert (old_mail.status, old_mail.last_error) == (
        Notification.Status.CANCELLED,
        "the due date or owner changed",
    )

    for day in range(13, 22):
        counts = plan_at(at(9, day, 9))
        assert counts["due_reminders"] == counts["status_requests"] == 0
        assert counts["overdue_notices"] == 0
    assert plan_at(at(9, 22, 8, 59))["due_reminders"] == 0
    assert plan_at(at(9, 22, 9, 0))["due_reminders"] == 2  # in the app and by e-mail

    assert told("action.reminder") == [
        (f"remind:action:{item.pk}:due:2026-09-15", "zhou"),
        (f"remind:action:{item.pk}:due:2026-09-25:r1", "zhou"),  # the first re-plan's date
    ]
    new_mail = Notification.objects.get(
        kind="action.reminder", via=Channel.Kind.EMAIL, status=Notification.Status.PENDING
    )
    assert (new_mail.event, new_mail.send_after) == (
        f"remind:action:{item.pk}:due:2026-09-25:r1",
        at(9, 22),
    )


def test_every_replan_is_told_even_back_to_an_earlier_date_s_track_3(org: Org, item):
    """15th → 25th → 20th → 25th: three notices to each of the three people, the last one
    although the item was due on the 25th once before."""
    for hour, due in ((10, 25), (11, 20), (12, 25)):
        with clock.frozen(at(9, 12, hour)):
            tracking.action_replan(
                actor=org.sun, action=item, due=dt.date(2026, 9, due), reason=f"调整{hour}"
            )

    rows = Notification.objects.filter(kind="action.replanned", recipient=org.zhou)
    assert [(n.payload["old_due"], n.payload["due"]) for n in rows.order_by("id")] == [
        ("2026-09-15", "2026-09-25"),
        ("2026-09-25", "2026-09-20"),
        ("2026-09-20", "2026-09-25"),
    ]
    assert Notification.objects.filter(kind="action.replanned").count() == 9


# -- S-POST-1: the minutes' 24-hour clock ------------------------------------------------------


@pytest.fixture
def ended(org: Org, item, ended_meeting: Meeting) -> Meeting:
    """The launch meeting with zhou's item, ended at 15:25 on the 9th: minutes due at 15:25
    on the 10th."""
    return ended_meeting


def test_minutes_late_one_second_after_the_24_hours_s_post_1(org: Org, ended: Meeting):
    assert plan_at(MINUTES_DUE - SECOND)["minutes_late"] == 0
    assert plan_at(MINUTES_DUE)["minutes_late"] == 0

    assert plan_at(MINUTES_DUE + SECOND)["minutes_late"] == 3

    key = f"late:minutes:{ended.pk}"
    assert told("minutes.late") == rows_to(key, org.zhao, org.wang, org.sun)
    row = Notification.objects.filter(kind="minutes.late").first()
    assert dt.datetime.fromisoformat(row.payload["due_at"]) == MINUTES_DUE
    for moment in (MINUTES_DUE + dt.timedelta(hours=1), at(9, 11), at(9, 14)):
        assert plan_at(moment)["minutes_late"] == 0
    assert Notification.objects.filter(kind="minutes.late").count() == 3


def test_no_late_notice_when_the_minutes_went_out_in_time_s_post_1(org: Org, ended: Meeting):
    with clock.frozen(at(9, 10, 10)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended)
    with clock.frozen(at(9, 10, 11)):
        minutes_services.minutes_approve(actor=org.wang, meeting=ended)
    with clock.frozen(MINUTES_DUE - SECOND):
        minutes_services.minutes_distribute(actor=org.zhao, meeting=ended)

    for moment in (MINUTES_DUE + SECOND, at(9, 11), at(9, 15)):
        assert plan_at(moment)["minutes_late"] == 0
    assert told("minutes.late") == []


def test_minutes_due_hours_is_a_setting_s_post_1(org: Org, running_meeting: Meeting, settings):
    """ACCORD_MINUTES_DUE_HOURS=48: late only after 15:25 on the 11th."""
    settings.ACCORD_MINUTES_DUE_HOURS = 48
    with clock.frozen(ENDED):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)

    assert plan_at(MINUTES_DUE + SECOND)["minutes_late"] == 0
    assert plan_at(MINUTES_DUE + dt.timedelta(hours=24) + SECOND)["minutes_late"] == 3


# -- S-POST-2/3: distribution, sign-off requests and reminders ---------------------------------


@pytest.fixture
def finance(org: Org) -> Department:
    """The finance department, headed by qian (the outsider), with its group bot."""
    department = org.outsider.department
    org_services.department_set_head(actor=org.admin, department=department, head=org.outsider)
    return department


def test_distribution_reaches_participants_copied_heads_and_bots_s_post_2_s_post_3(
    org: Org, item, running_meeting: Meeting, finance: Department
):
    """Finance is copied: the distributed notice goes to every participant, the organiser,
    finance's head qian and finance's group bot (mentioning qian). Zhou signed one of his two
    items already, so his sign-off request lists only the other; chen's lists hers."""
    bot = notify_services.channel_create(
        actor=org.sun,
        kind=Channel.Kind.WEBHOOK,
        name="财务群",
        target="http://127.0.0.1:9/hook",
        secret="s3cret",
        department=finance,
    )
    with clock.frozen(STARTS + dt.timedelta(minutes=40)):
        second = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="评估需求D工期",
            owner=org.zhou,
            due=dt.date(2026, 9, 20),
        )
        chens = actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="完成UI设计稿",
            owner=org.chen,
            due=dt.date(2026, 9, 18),
        )
        meetings.department_copy(actor=org.sun, meeting=running_meeting, department=finance)
    with clock.frozen(ENDED):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    with clock.frozen(at(9, 10, 9)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=running_meeting)
        minutes_services.minutes_approve(actor=org.wang, meeting=running_meeting)
        actions.action_sign(actor=org.zhou, action=item)
    with clock.frozen(at(9, 10, 10)):
        minutes_services.minutes_distribute(actor=org.zhao, meeting=running_meeting)

    meeting = running_meeting
    everyone = (org.wang, org.zhang, org.li, org.zhou, org.chen, org.liu, org.zhao, org.sun)
    assert told("minutes.distributed") == rows_to(
        f"distributed:meeting:{meeting.pk}:v1", *everyone, org.outsider
    )
    post = Notification.objects.get(kind="minutes.distributed", channel=bot)
    assert (post.via, post.department, post.recipient, post.status) == (
        Channel.Kind.WEBHOOK,
        finance,
        None,
        Notification.Status.PENDING,
    )
    assert post.payload == {"version": 1, "mentions": [org.outsider.pk]}

    assert told("action.sign_request") == sorted(
        [
            (f"sign:meeting:{meeting.pk}:v1:p{org.chen.pk}", "chen"),
            (f"sign:meeting:{meeting.pk}:v1:p{org.zhou.pk}", "zhou"),
        ]
    )
    requests = {
        n.recipient.username: n.payload["items"]
        for n in Notification.objects.filter(kind="action.sign_request").select_related("recipient")
    }
    assert requests == {
        "zhou": [{"id": second.pk, "task": "评估需求D工期", "due": "2026-09-20"}],
        "chen": [{"id": chens.pk, "task": "完成UI设计稿", "due": "2026-09-18"}],
    }

    # S-POST-3: a reminder each day after, up to ACCORD_SIGN_REMINDERS (3), until signed
    assert plan_at(at(9, 10, 18))["sign_reminders"] == 0
    assert plan_at(at(9, 11, 8, 59))["sign_reminders"] == 0
    assert plan_at(at(9, 11, 9))["sign_reminders"] == 2
    with clock.frozen(at(9, 11, 10)):
        actions.action_sign(actor=org.chen, action=chens)
    assert plan_at(at(9, 11, 17))["sign_reminders"] == 0
    assert plan_at(at(9, 12, 9))["sign_reminders"] == 1
    assert plan_at(at(9, 13, 9))["sign_reminders"] == 1
    assert plan_at(at(9, 14, 9))["sign_reminders"] == 0
    assert plan_at(at(9, 15, 9))["sign_reminders"] == 0

    prefix = f"sign-remind:meeting:{meeting.pk}"
    assert told("action.sign_reminder") == sorted(
        [
            (f"{prefix}:p{org.chen.pk}:d1", "chen"),
            (f"{prefix}:p{org.zhou.pk}:d1", "zhou"),
            (f"{prefix}:p{org.zhou.pk}:d2", "zhou"),
            (f"{prefix}:p{org.zhou.pk}:d3", "zhou"),
        ]
    )
    reminder = Notification.objects.get(event=f"{prefix}:p{org.zhou.pk}:d3")
    assert reminder.payload == {
        "items": [{"id": second.pk, "task": "评估需求D工期", "due": "2026-09-20"}],
        "day": 3,
    }


def test_no_sign_reminder_once_everything_is_signed_s_post_3(org: Org, item, ended: Meeting):
    with clock.frozen(at(9, 10, 9)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended)
        minutes_services.minutes_approve(actor=org.wang, meeting=ended)
        minutes_services.minutes_distribute(actor=org.zhao, meeting=ended)
    assert told("action.sign_request") == [(f"sign:meeting:{ended.pk}:v1:p{org.zhou.pk}", "zhou")]
    with clock.frozen(at(9, 10, 11)):
        actions.action_sign(actor=org.zhou, action=item)

    for day in (11, 12, 13):
        assert plan_at(at(9, day, 9))["sign_reminders"] == 0
    assert told("action.sign_reminder") == []


def test_sign_reminders_count_is_a_setting_s_post_3(org: Org, item, ended: Meeting, settings):
    """ACCORD_SIGN_REMINDERS=1: one reminder, the day after distribution."""
    settings.ACCORD_SIGN_REMINDERS = 1
    with clock.frozen(at(9, 10, 9)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended)
        minutes_services.minutes_approve(actor=org.wang, meeting=ended)
        minutes_services.minutes_distribute(actor=org.zhao, meeting=ended)

    assert [plan_at(at(9, day, 9))["sign_reminders"] for day in (11, 12, 13)] == [1, 0, 0]
    assert told("action.sign_reminder") == [
        (f"sign-remind:meeting:{ended.pk}:p{org.zhou.pk}:d1", "zhou")
    ]


# -- S-PREP-3/4: materials and the nudge -----------------------------------------------------

PARTICIPANTS = ("wang", "zhang", "li", "zhou", "chen", "liu", "zhao")


def test_materials_go_out_two_days_before_the_start_once_s_prep_3(
    org: Org, scheduled_meeting: Meeting
):
    """The meeting starts on the 9th at 14:00: materials at 14:00 on the 7th, to every
    participant, once."""
    assert plan_at(STARTS - dt.timedelta(days=2) - SECOND)["materials"] == 0

    assert plan_at(STARTS - dt.timedelta(days=2))["materials"] == 7

    key = f"materials:meeting:{scheduled_meeting.pk}"
    assert told("meeting.materials") == sorted((key, name) for name in PARTICIPANTS)
    for moment in (at(9, 7, 18), at(9, 8, 9), at(9, 9, 13)):
        assert plan_at(moment)["materials"] == 0
    assert Notification.objects.filter(kind="meeting.materials").count() == 7


def test_materials_go_out_at_the_time_the_organiser_chose_s_prep_3(
    org: Org, scheduled_meeting: Meeting
):
    """Sun chose 10:00 on the 8th: not at the 2-day mark, at 10:00 sharp."""
    with clock.frozen(at(9, 7, 9, 30)):
        preparation.meeting_set_materials_send_at(
            actor=org.sun, meeting=scheduled_meeting, send_at=at(9, 8, 10)
        )

    assert plan_at(STARTS - dt.timedelta(days=2))["materials"] == 0
    assert plan_at(at(9, 8, 9, 59, 59))["materials"] == 0
    assert plan_at(at(9, 8, 10))["materials"] == 7
    assert Notification.objects.get(kind="meeting.materials", recipient=org.zhou).send_after == (
        at(9, 8, 10)
    )


def test_materials_days_are_a_setting_s_prep_3(org: Org, scheduled_meeting: Meeting, settings):
    """ACCORD_MATERIALS_MAX_DAYS_BEFORE=1: the pack goes out one day before, at 14:00."""
    settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE = 1

    assert plan_at(STARTS - dt.timedelta(days=2))["materials"] == 0
    assert plan_at(STARTS - dt.timedelta(days=1) - SECOND)["materials"] == 0
    assert plan_at(STARTS - dt.timedelta(days=1))["materials"] == 7


def test_no_materials_for_a_cancelled_meeting_s_prep_3(org: Org, scheduled_meeting: Meeting):
    with clock.frozen(at(9, 7, 10)):
        meetings.meeting_cancel(actor=org.sun, meeting=scheduled_meeting, reason="改期")

    assert plan_at(STARTS - dt.timedelta(days=2))["materials"] == 0
    assert told("meeting.materials") == []


def test_nudge_one_day_before_only_to_departments_without_answers_s_prep_4(
    org: Org, scheduled_meeting: Meeting
):
    """Two questions; marketing submitted its answers, R&D only saved a draft. At 14:00 on
    the 8th, R&D, design, sales and the office (zhao's) are nudged; marketing is not."""
    meeting = scheduled_meeting
    with clock.frozen(at(9, 7, 10)):
        first = preparation.question_add(actor=org.sun, meeting=meeting, text="需求A的工作量？")
        second = preparation.question_add(actor=org.sun, meeting=meeting, text="上线风险？")
        preparation.answer_save(
            actor=org.zhang, question=first, department=org.marketing, text="两周"
        )
        preparation.answer_save(
            actor=org.zhang, question=second, department=org.marketing, text="低"
        )
        preparation.answers_submit(actor=org.wang, meeting=meeting, department=org.marketing)
        preparation.answer_save(actor=org.zhou, question=first, department=org.rnd, text="三周")
        preparation.answer_save(actor=org.zhou, question=second, department=org.rnd, text="中")

    assert plan_at(STARTS - dt.timedelta(days=1) - SECOND)["answers_nudge"] == 0

    assert plan_at(STARTS - dt.timedelta(days=1))["answers_nudge"] == 6

    def nudge(department: Department) -> str:
        return f"nudge:meeting:{meeting.pk}:dept:{department.pk}"

    assert told("meeting.answers_nudge") == sorted(
        rows_to(nudge(org.rnd), org.li, org.zhou)
        + rows_to(nudge(org.design), org.chen)
        + rows_to(nudge(org.sales), org.liu)
        + rows_to(nudge(org.office), org.zhao, org.sun)
    )
    office = Notification.objects.get(event=nudge(org.office), recipient=org.sun)
    assert office.payload == {"department_name": "行政部"}
    assert plan_at(at(9, 9, 9))["answers_nudge"] == 0
    assert Notification.objects.filter(kind="meeting.answers_nudge").count() == 6


def test_no_nudge_without_questions_s_prep_4(org: Org, scheduled_meeting: Meeting):
    assert plan_at(STARTS - dt.timedelta(hours=20))["answers_nudge"] == 0
    assert told("meeting.answers_nudge") == []


# -- calendar invitations (channels.md §6) -------------------------------------------------


def calendar_of(row: Notification) -> tuple[Calendar, object, str, str]:
    """The row's .ics parsed: calendar, its one VEVENT, the MIME type, the raw text."""
    attachment = messages.calendar(row)
    text = attachment.content.decode()
    calendar = Calendar.from_ical(attachment.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, attachment.mimetype, text


def attendees(event) -> dict[str, dict]:
    found = event.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return {
        str(address).removeprefix("mailto:"): {
            key: address.params.get(key) for key in ("CN", "ROLE", "PARTSTAT", "RSVP")
        }
        for address in found
    }


def invited(org: Org, *, rsvp: str | None) -> dict[str, dict]:
    names = {
        "wang": "王经理",
        "zhang": "张专员",
        "li": "李主管",
        "zhou": "周工程师",
        "chen": "陈主管",
        "liu": "刘代表",
        "zhao": "赵专员",
    }
    return {
        f"{username}@example.cn": {
            "CN": name,
            "ROLE": "CHAIR" if username == "wang" else "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": rsvp,
        }
        for username, name in names.items()
    }


def test_invitation_update_and_cancel_keep_one_uid_and_raise_sequence(
    org: Org, draft_meeting: Meeting, mail
):
    """Scheduled: REQUEST with SEQUENCE 0 to the 7 attendees. Moved a day later: REQUEST,
    same UID, SEQUENCE 1, and the invitations still waiting are retired. Cancelled: CANCEL,
    same UID, SEQUENCE 2, STATUS:CANCELLED, and the waiting updates are retired."""
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    uid = f"meeting-{meeting.pk}@127.0.0.1"

    invitation = Notification.objects.get(
        kind="meeting.invitation", via=Channel.Kind.EMAIL, recipient=org.zhou
    )
    calendar, event, mimetype, text = calendar_of(invitation)
    assert (mimetype, calendar["METHOD"], calendar["VERSION"]) == (
        "text/calendar; method=REQUEST",
        "REQUEST",
        "2.0",
    )
    assert (str(event["UID"]), event["SEQUENCE"], str(event["SUMMARY"])) == (
        uid,
        0,
        "Q3产品上线跨部门协作启动会",
    )
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == STARTS + dt.timedelta(minutes=90)
    assert event.decoded("DTSTAMP") == invitation.created_at
    assert "DURATION" not in event
    assert "TZID" not in text and "VTIMEZONE" not in text  # times in UTC
    assert "DTSTART:20260909T060000Z" in text.splitlines()
    assert str(event["ORGANIZER"]) == "mailto:sun@example.cn"
    assert event["ORGANIZER"].params["CN"] == "孙主任"
    assert attendees(event) == invited(org, rsvp="TRUE")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert (
        Notification.objects.filter(
            kind="meeting.invitation", via=Channel.Kind.EMAIL, status=Notification.Status.PENDING
        ).count()
        == 7
    )

    with clock.frozen(at(9, 7, 10)):
        meetings.meeting_update(
            actor=org.sun, meeting=meeting, starts_at=STARTS + dt.timedelta(days=1)
        )

    update = Notification.objects.get(
        kind="meeting.updated", via=Channel.Kind.EMAIL, recipient=org.zhou
    )
    assert update.event == f"invite:meeting:{meeting.pk}:seq:1"
    calendar, event, mimetype, _text = calendar_of(update)
    assert (mimetype, calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == (
        "text/calendar; method=REQUEST",
        "REQUEST",
        uid,
        1,
    )
    assert event.decoded("DTSTART") == STARTS + dt.timedelta(days=1)
    assert event.decoded("DTSTAMP") == at(9, 7, 10)
    assert attendees(event) == invited(org, rsvp="TRUE")
    retired = Notification.objects.filter(kind="meeting.invitation", via=Channel.Kind.EMAIL)
    assert sorted(set(retired.values_list("status", "last_error"))) == [
        (Notification.Status.CANCELLED, "superseded by a newer change")
    ]
    assert told("meeting.updated") == sorted(
        (f"invite:meeting:{meeting.pk}:seq:1", name) for name in PARTICIPANTS
    )

    with clock.frozen(at(9, 7, 11)):
        meetings.meeting_cancel(actor=org.sun, meeting=meeting, reason="产品评审推迟")

    cancel = Notification.objects.get(
        kind="meeting.cancelled", via=Channel.Kind.EMAIL, recipient=org.zhou
    )
    assert cancel.event == f"cancel:meeting:{meeting.pk}"
    calendar, event, mimetype, _text = calendar_of(cancel)
    assert (mimetype, calendar["METHOD"], str(event["UID"]), event["SEQUENCE"]) == (
        "text/calendar; method=CANCEL",
        "CANCEL",
        uid,
        2,
    )
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["ORGANIZER"]) == "mailto:sun@example.cn"
    assert event.decoded("DTSTAMP") == at(9, 7, 11)
    assert attendees(event) == invited(org, rsvp="FALSE")
    updates = Notification.objects.filter(kind="meeting.updated", via=Channel.Kind.EMAIL)
    assert sorted(set(updates.values_list("status", "last_error"))) == [
        (Notification.Status.CANCELLED, "the meeting was cancelled")
    ]
    assert told("meeting.cancelled") == sorted(
        (f"cancel:meeting:{meeting.pk}", name) for name in PARTICIPANTS
    )


def test_invitation_organiser_without_address_uses_the_sender_address(
    org: Org, draft_meeting: Meeting
):
    """ORGANIZER is a mailto: URI even when the organiser has no e-mail address (the
    installation's sender address, not its display form ``Accord <…>``)."""
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    row = Notification.objects.filter(kind="meeting.invitation").first()

    _calendar, event, _mimetype, _text = calendar_of(row)

    assert str(event["ORGANIZER"]) == "mailto:accord@localhost"
    assert event["ORGANIZER"].params["CN"] == "孙主任"
    assert meeting.calendar_sequence == 0


def test_a_renamed_meeting_before_any_send_retires_the_first_invitation(
    org: Org, draft_meeting: Meeting, mail
):
    """Two changes in a row: only the newest revision's e-mails are left to send."""
    meeting = meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(at(9, 7, 10)):
        meetings.meeting_update(actor=org.sun, meeting=meeting, location="5号会议室")
    with clock.frozen(at(9, 7, 11)):
        meetings.meeting_update(actor=org.sun, meeting=meeting, duration_minutes=60)

    pending = Notification.objects.filter(
        via=Channel.Kind.EMAIL, status=Notification.Status.PENDING
    )
    assert sorted(set(pending.values_list("event", flat=True))) == [
        f"invite:meeting:{meeting.pk}:seq:2"
    ]
    assert pending.count() == 7
    _calendar, event, _mimetype, _text = calendar_of(pending.first())
    assert (event["SEQUENCE"], str(event["LOCATION"])) == (2, "5号会议室")
    assert event.decoded("DTEND") == STARTS + dt.timedelta(minutes=60)


# -- cost: a pass's queries do not grow with what is due --------------------------------------


@pytest.mark.parametrize("per_rule", [1, 10])
def test_a_planner_pass_uses_the_same_queries_for_3_or_30_due_items(
    org: Org, running_meeting: Meeting, mail, per_rule: int
):
    """3 items (one each reminder, status request and overdue notice) or 30 (ten each), with
    e-mail on and R&D's group bot carrying members' notices: the same number of queries."""
    notify_services.channel_create(
        actor=org.li,
        kind=Channel.Kind.WEBHOOK,
        name="研发群",
        target="http://127.0.0.1:9/hook",
        secret="s3cret",
        department=org.rnd,
    )
    owners = [org.zhou, org.chen, org.zhang, org.li, org.liu]
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        for day in (12, 19, 22):  # overdue, status request, reminder on the 20th
            for n in range(per_rule):
                actions.action_create(
                    actor=org.zhao,
                    meeting=running_meeting,
                    task=f"任务{day}-{n}",
                    owner=owners[n % len(owners)],
                    due=dt.date(2026, 9, day),
                )

    before = Notification.objects.count()
    with CaptureQueriesContext(connection) as queries:
        counts = plan_at(at(9, 20, 9))

    assert len(events("action.overdue")) == per_rule
    assert len(events("action.reminder")) == len(events("action.status_request")) == per_rule
    assert Notification.objects.count() - before == sum(counts.values())  # all of it new
    # 17, 2 for the integrations' webhooks of action.due_soon and action.overdue, and the
    # people of each of the three item rules (the reminder and overdue rules look up no
    # keys: they chose only items not planned yet); on PostgreSQL two more, the SETs that
    # ask for plans made with the values and for memory to sort in
    assert len(queries) == 22 + 2 * (connection.vendor == "postgresql"), "\n".join(
        q["sql"][:200] for q in queries.captured_queries
    )


def test_planned_events_are_looked_up_in_chunks_and_planned_once(
    org: Org, running_meeting: Meeting, monkeypatch
):
    """Five status requests due with a lookup chunk of 2 keys: three lookups, five requests;
    the next pass that day finds all five planned across the chunks and adds nothing."""
    monkeypatch.setattr(outbox, "PLANNED_CHUNK", 2)
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        items = [
            actions.action_create(
                actor=org.zhao,
                meeting=running_meeting,
                task=f"任务{n}",
                owner=org.zhou,
                due=dt.date(2026, 9, 15),
            )
            for n in range(5)
        ]

    with CaptureQueriesContext(connection) as queries:
        assert plan_at(at(9, 15, 9))["status_requests"] == 5
    lookups = [q for q in queries.captured_queries if 'DISTINCT "notify_notification"' in q["sql"]]
    assert len(lookups) == 3

    assert plan_at(at(9, 15, 15))["status_requests"] == 0
    assert told("action.status_request") == sorted(
        (f"status:action:{item.pk}:due:2026-09-15:d0", "zhou") for item in items
    )


def test_a_large_publish_writes_each_new_row_once_and_leaves_the_planned_ones(
    org: Org, running_meeting: Meeting, settings
):
    """1,200 events at once, 200 of them already in the outbox: the 1,000 new ones are
    written with every field (on PostgreSQL by COPY, from ``outbox.COPY_FROM`` rows on), the
    200 planned ones stay as they were, and nothing is written twice."""
    settings.ACCORD_NOTIFY_EMAIL = True
    org.zhou.email = "zhou@example.cn"
    org.zhou.save(update_fields=["email"])
    assert outbox.COPY_FROM <= 1200
    when = at(9, 10, 9)
    first = [
        outbox.Event(key=f"bench:{n}", kind="action.reminder", people=[org.zhou])
        for n in range(200)
    ]
    with clock.frozen(at(9, 9, 9)):
        outbox.publish(first)
    before = {
        n.key: (n.created_at, n.send_after)
        for n in Notification.objects.filter(event__startswith="bench:")
    }
    assert len(before) == 400  # in the app and by e-mail

    with clock.frozen(when):
        offered = outbox.publish(
            [
                outbox.Event(
                    key=f"bench:{n}",
                    kind="action.reminder",
                    people=[org.zhou],
                    meeting_id=running_meeting.pk,
                    payload={"due": "2026-09-13", "n": n},
                )
                for n in range(1200)
            ]
        )

    assert offered == 2400
    rows = Notification.objects.filter(event__startswith="bench:")
    assert rows.count() == 2400
    for key, stamps in before.items():
        row = rows.get(key=key)
        assert (row.created_at, row.send_after) == stamps
    new = rows.exclude(key__in=before).order_by("id")
    assert new.count() == 2000
    app = new.filter(via=Channel.Kind.IN_APP).get(event="bench:1199")
    assert (app.status, app.sent_at, app.recipient_id) == (
        Notification.Status.SENT,
        when,
        org.zhou.pk,
    )
    mail = new.filter(via=Channel.Kind.EMAIL).get(event="bench:1199")
    assert mail.key == f"bench:1199>email:{org.zhou.pk}"
    assert (mail.status, mail.sent_at, mail.attempts, mail.claimed_by) == (
        Notification.Status.PENDING,
        None,
        0,
        "",
    )
    assert (mail.meeting_id, mail.payload, mail.send_after, mail.created_at) == (
        running_meeting.pk,
        {"due": "2026-09-13", "n": 1199},
        when,
        when,
    )
