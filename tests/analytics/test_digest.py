"""The weekly digest (issue #7): on Monday from 09:00 each department head gets their
department's week, each organiser who heads no department the week of their meetings'
items, once per ISO week, with the figures of ``conftest.History`` worked out by hand.

With the office's head moved from sun to zhao, sun (organiser of meetings A, C and D) heads
no department and gets the organiser's digest. At Monday 2026-09-07 (ISO week 2026-W37) the
past week is 08-31..09-06 and the coming one 09-07..09-13:

  市场部 (wang): c1 due 09-03, open → 1 due, 0 on time, 1 late, 0.0 %; overdue c1
  研发部 (li):   b2 due 09-04, open → 1 due, 0 on time, 1 late, 0.0 %; overdue a4, b2
  设计部 (chen): nothing due → –; overdue b1
  销售部 (liu), 行政部 (zhao): nothing at all
  sun's meetings (A, C, D): c1 → 1 due, 1 late, 0.0 %; overdue a4, c1
Nothing is due in the coming week (b3 is due 09-30, c2 10-15)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.core import clock
from accord.notify import digest, messages, outbox, planner
from accord.notify.models import Channel, Notification
from accord.org import services as org_services
from accord.org.models import Department
from tests.analytics.conftest import History
from tests.conftest import STARTS

KIND = "digest.weekly"
NONE = {"count": 0, "items": []}


def at(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute, second))


def plan_at(moment: dt.datetime) -> dict[str, int]:
    with clock.frozen(moment):
        return planner.plan(moment)


def told() -> list[tuple[str, str]]:
    """(event key, recipient) of every digest in the app."""
    rows = Notification.objects.filter(kind=KIND, via=Channel.Kind.IN_APP)
    return sorted(rows.values_list("event", "recipient__username"))


def payload(username: str) -> dict:
    return Notification.objects.get(
        kind=KIND, via=Channel.Kind.IN_APP, recipient__username=username
    ).payload


@pytest.fixture
def week(history: History, settings) -> History:
    """The history, with zhao heading the office instead of sun; the digest switched on."""
    settings.ACCORD_DIGEST_ENABLED = True
    o = history.org
    org_services.department_set_head(actor=o.admin, department=o.office, head=o.zhao)
    return history


def expected_keys(h: History, stamp: str = "2026-W37") -> list[tuple[str, str]]:
    o = h.org
    heads = [(o.marketing, "wang"), (o.rnd, "li"), (o.design, "chen"), (o.sales, "liu")]
    heads.append((o.office, "zhao"))
    keys = [(f"digest:week:{stamp}:dept:{d.pk}", name) for d, name in heads]
    keys.append((f"digest:week:{stamp}:organiser:{o.sun.pk}", "sun"))
    return sorted(keys)


def test_digest_fires_on_monday_at_nine_not_sunday_not_twice(week: History):
    for moment in (at(9, 6), at(9, 6, 23, 59), at(9, 7, 8, 59, 59)):
        assert plan_at(moment)["weekly_digest"] == 0
    assert told() == []

    assert plan_at(at(9, 7, 9))["weekly_digest"] == 6  # rows: one in the app for each
    assert told() == expected_keys(week)

    # later that day, the next morning before nine (still Monday's), the rest of the week
    for moment in (at(9, 7, 17), at(9, 8, 8, 59), at(9, 8, 9), at(9, 10), at(9, 13, 23)):
        assert plan_at(moment)["weekly_digest"] == 0
    assert len(told()) == 6

    # next Monday: the next week's digest
    assert plan_at(at(9, 14, 9))["weekly_digest"] == 6
    assert told() == sorted(expected_keys(week) + expected_keys(week, "2026-W38"))


def test_digest_goes_to_each_head_and_to_organisers_heading_nothing(week: History):
    """Heads: wang, li, chen, liu, zhao (finance has none). Organisers of the last 90 days:
    sun (A, C, D) and wang (B); wang heads marketing, so only sun gets an organiser's one.
    Nobody else (zhang, zhou, the outsider …) gets anything."""
    assert plan_at(at(9, 7, 9))["weekly_digest"] == 6
    assert sorted(name for _key, name in told()) == ["chen", "li", "liu", "sun", "wang", "zhao"]


def test_digest_numbers_are_the_history_worked_out_by_hand(week: History):
    o = week.org
    plan_at(at(9, 7, 9))
    common = {
        "week": "2026-W37",
        "start": "2026-08-31",
        "end": "2026-09-06",
        "next_end": "2026-09-13",
        "next": NONE,
    }
    assert payload("wang") == {
        **common,
        "scope": "department",
        "id": o.marketing.pk,
        "name": "市场部",
        "due": 1,
        "on_time": 0,
        "late": 1,
        "rate": 0.0,
        "overdue": {
            "count": 1,
            "items": [{"task": "任务c1", "owner": "王经理", "due": "2026-09-03"}],
        },
    }
    assert payload("li") == {
        **common,
        "scope": "department",
        "id": o.rnd.pk,
        "name": "研发部",
        "due": 1,
        "on_time": 0,
        "late": 1,
        "rate": 0.0,
        "overdue": {
            "count": 2,
            "items": [
                {"task": "任务a4", "owner": "李主管", "due": "2026-07-31"},
                {"task": "任务b2", "owner": "李主管", "due": "2026-09-04"},
            ],
        },
    }
    assert payload("chen") == {
        **common,
        "scope": "department",
        "id": o.design.pk,
        "name": "设计部",
        "due": 0,
        "on_time": 0,
        "late": 0,
        "rate": None,
        "overdue": {
            "count": 1,
            "items": [{"task": "任务b1", "owner": "陈主管", "due": "2026-08-14"}],
        },
    }
    for username, dept in (("liu", o.sales), ("zhao", o.office)):
        assert payload(username) == {
            **common,
            "scope": "department",
            "id": dept.pk,
            "name": dept.name,
            "due": 0,
            "on_time": 0,
            "late": 0,
            "rate": None,
            "overdue": NONE,
        }
    assert payload("sun") == {
        **common,
        "scope": "organiser",
        "id": o.sun.pk,
        "name": "孙主任",
        "due": 1,
        "on_time": 0,
        "late": 1,
        "rate": 0.0,
        "overdue": {
            "count": 2,
            "items": [
                {"task": "任务a4", "owner": "李主管", "due": "2026-07-31"},
                {"task": "任务c1", "owner": "王经理", "due": "2026-09-03"},
            ],
        },
    }


def test_digest_text_is_compact_and_the_email_says_the_same(week: History, settings):
    settings.ACCORD_NOTIFY_EMAIL = True
    settings.LANGUAGE_CODE = "en"  # li reads the installation's language, here English
    o = week.org
    org_services.person_update(actor=o.admin, person=o.li, email="li@example.cn")
    slack = Channel.objects.create(
        kind="slack", name="Li's Slack", person=o.li, target="https://hooks.example/x"
    )
    plan_at(at(9, 7, 9))
    # through every channel of li's, like any notice: the app, e-mail, the Slack bot
    assert sorted(
        Notification.objects.filter(kind=KIND, recipient=o.li).values_list("via", "channel_id")
    ) == sorted([("in_app", None), ("email", None), ("slack", slack.pk)])
    row = Notification.objects.get(kind=KIND, via=Channel.Kind.IN_APP, recipient=o.li)
    subject, text, link, label = messages.texts(row)
    assert subject == "Weekly digest: 研发部, 2026-W37"
    assert text == (
        "2026-08-31 – 2026-09-06: 1 due, 0 done on time, 1 late, on-time rate 0.0%.\n"
        "Overdue now: 2\n"
        "- 任务a4 (李主管, 2026-07-31)\n"
        "- 任务b2 (李主管, 2026-09-04)\n"
        "Due by 2026-09-13: 0"
    )
    assert link.endswith(f"/analytics/?start=2026-08-31&end=2026-09-06&department={o.rnd.pk}")
    assert label == "Open the analytics"
    mail = Notification.objects.get(kind=KIND, via=Channel.Kind.EMAIL, recipient=o.li)
    message = messages.render(mail)
    assert message.to_email == "li@example.cn"
    assert (message.subject, message.text) == (subject, text)
    for line in text.splitlines():
        assert line.replace("&", "&amp;") in message.html.replace("<br>", "\n")
    sun = Notification.objects.get(kind=KIND, via=Channel.Kind.IN_APP, recipient=o.sun)
    assert messages.texts(sun)[0] == "Weekly digest of your meetings, 2026-W37"


def test_due_next_week_lists_ten_and_counts_the_rest(week: History, running_meeting):
    """Twelve items for chen due in the week from Monday 09-14, and b3 moved to 09-10:
    at 09-07 design has b3 due in the coming week; at 09-14 the twelve, ten listed."""
    o = week.org
    with clock.frozen(at(9, 7, 8)):
        tracking.action_replan(
            actor=o.wang, action=week.items["b3"], due="2026-09-10", reason="提前"
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        for n in range(12):
            actions.action_create(
                actor=o.zhao,
                meeting=running_meeting,
                task=f"设计稿{n:02d}",
                owner=o.chen,
                due=dt.date(2026, 9, 14 + n % 6),
            )
    plan_at(at(9, 7, 9))
    assert payload("chen")["next"] == {
        "count": 1,
        "items": [{"task": "任务b3", "owner": "陈主管", "due": "2026-09-10"}],
    }
    Notification.objects.filter(kind=KIND).delete()

    plan_at(at(9, 14, 9))
    later = payload("chen")
    assert (later["start"], later["end"], later["next_end"]) == (
        "2026-09-07",
        "2026-09-13",
        "2026-09-20",
    )
    # b3 (due 09-10, committed 09-30) is open past its current date: overdue, and not in
    # the past week's count, which goes by the committed date
    assert later["due"] == 0
    assert later["overdue"]["count"] == 2  # b1, b3
    listed = later["next"]["items"]
    assert later["next"]["count"] == 12 and len(listed) == 10
    assert [item["due"] for item in listed] == sorted(item["due"] for item in listed)
    assert listed[0] == {"task": "设计稿00", "owner": "陈主管", "due": "2026-09-14"}
    row = Notification.objects.get(kind=KIND, via=Channel.Kind.IN_APP, recipient=o.chen)
    assert messages.texts(row)[1].endswith("… and 2 more")


def test_the_digest_costs_a_fixed_number_of_queries(week: History, running_meeting):
    """Nine queries for the whole pass (heads, organisers, planned keys, and for departments
    and for organisers the completion, the lists' first items and their tasks and owners),
    with five departments or twenty-five; once planned, the week's later passes cost three."""

    def cost() -> int:
        moment = at(9, 7, 9)
        with clock.frozen(moment), CaptureQueriesContext(connection) as queries:
            events = digest.weekly_digest(moment)
        return len(queries), events

    count, events = cost()
    assert (count, len(events)) == (9, 6)

    o = week.org
    for n in range(20):
        dept = org_services.department_create(actor=o.admin, name=f"部门{n}")
        head = org_services.person_create(
            actor=o.admin, username=f"head{n}", name=f"主管{n}", department=dept
        )
        org_services.department_set_head(actor=o.admin, department=dept, head=head)
    assert Department.objects.filter(head__isnull=False).count() == 25
    count, events = cost()
    assert (count, len(events)) == (9, 26)

    outbox.publish(events)
    count, events = cost()
    assert (count, events) == (3, [])


def test_digest_weekday_is_a_setting(week: History, settings):
    """ACCORD_DIGEST_WEEKDAY=4: Friday 09-11 from 09:00, not Monday."""
    settings.ACCORD_DIGEST_WEEKDAY = 4
    assert plan_at(at(9, 7, 9))["weekly_digest"] == 0
    assert plan_at(at(9, 11, 8, 59))["weekly_digest"] == 0
    assert plan_at(at(9, 11, 9))["weekly_digest"] == 6
    assert payload("li")["week"] == "2026-W37"
    assert (payload("li")["start"], payload("li")["end"]) == ("2026-09-04", "2026-09-10")
