"""Issue #16, item 9: a confidential meeting counts only for the people who may see it.

On top of the hand-built quarter of ``tests/analytics/conftest.History`` (meetings A–D), R&D
holds a confidential review, meeting E, that nobody from the history's PMO office takes part
in. Whoever may not see E — the PMO sun (organiser of A, C and D), a second PMO, wu, who
takes part in nothing, and marketing's head wang (host of A–D, but not in E, though two of
E's items are his department's) — gets every figure, chart, export, board and digest
exactly as the history's own, worked out by hand there. li, who organises E, gets E
counted, and so does the administrator.

Meeting E (研发部, li organiser and host, zhou recorder; zhang and zhou take part),
08-10 10:00–11:00, one topic planned 30 and held 45 minutes; minutes distributed 08-10
15:00 (on time):
  e1 研发部 zhou  08-20 done 08-19 (on time), signed 08-11 10:00 (19 h after distribution)
  e2 研发部 zhou  09-02 open (5 days overdue), reason "resources" 09-05
  e3 市场部 zhang 09-01 open (6 days overdue, no reason)
  e4 市场部 zhang 09-10 open (due in the coming week)
"""

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accord.actions import selectors as action_selectors
from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, OverdueReason
from accord.analytics.figures import analytics_figures
from accord.analytics.period import Period
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.minutes import services as minutes
from accord.notify import messages, planner
from accord.notify.models import Channel, Notification
from accord.notify.selectors import delivery_log
from accord.org import services as org_services
from accord.org.models import Person
from tests.analytics.conftest import History, build_history
from tests.analytics.test_views import TABLES, table

URL = reverse("analytics:dashboard")
Q3 = {"start": "2026-07-01", "end": "2026-09-30"}
PERIOD = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
DIGEST = "digest.weekly"

COMPLETION_HEADER = [
    "Department",
    "Due",
    "Done on time",
    "Done late",
    "Open, late",
    "Late",
    "Overdue now",
    "Re-planned",
    "On-time rate (%)",
]

# The history's figures (tests/analytics/test_views.py), headers first: what everyone who
# may not see meeting E gets, as if E did not exist.
WITHOUT_E = {
    "departments": [
        COMPLETION_HEADER,
        ["市场部", "2", "0", "1", "1", "2", "1", "0", "0.0"],
        ["研发部", "5", "2", "1", "2", "3", "2", "1", "40.0"],
        ["设计部", "2", "0", "0", "1", "1", "1", "0", "0.0"],
        ["Total", "9", "2", "2", "4", "6", "4", "1", "25.0"],
    ],
    "people": [
        ["Owner", *COMPLETION_HEADER[1:]],
        ["周工程师", "3", "2", "1", "0", "1", "0", "1", "66.7"],
        ["张专员", "1", "0", "1", "0", "1", "0", "0", "0.0"],
        ["李主管", "2", "0", "0", "2", "2", "2", "0", "0.0"],
        ["王经理", "1", "0", "0", "1", "1", "1", "0", "0.0"],
        ["陈主管", "2", "0", "0", "1", "1", "1", "0", "0.0"],
    ],
    "age": [
        ["1–7 days", "8–30 days", "Over 30 days", "Total", "No reason given"],
        ["2", "1", "1", "4", "2"],
    ],
    "reasons": [
        ["Reason", "Items"],
        ["Not enough resources", "1"],
        ["Process blocked", "1"],
        ["Waiting on a dependency", "1"],
        ["Priorities changed", "0"],
        ["Other", "0"],
    ],
    "minutes": [
        ["Department", "Meetings", "On time", "Late", "Within time", "On-time rate (%)"],
        ["市场部", "1", "0", "1", "0", "0.0"],
        ["行政部", "3", "1", "1", "1", "50.0"],
    ],
    "signoff": [
        ["Department", "Signed", "Not signed", "Average hours to sign"],
        ["市场部", "1", "0", "48.0"],
        ["研发部", "2", "3", "8.8"],
        ["设计部", "1", "1", "2.0"],
    ],
    "discipline": [
        [
            "Department",
            "Meetings held",
            "Topics per meeting",
            "Planned minutes per topic",
            "Actual minutes per topic",
            "Over 90 minutes",
        ],
        ["市场部", "1", "3.0", "25.0", "13.7", "0"],
        ["行政部", "3", "1.3", "25.0", "31.2", "2"],
        ["Total", "4", "1.8", "25.0", "23.7", "2"],
    ],
    "matrix": [
        ["Meeting organised by", "Work given to", "Items", "Late"],
        ["市场部", "研发部", "2", "1"],
        ["市场部", "设计部", "2", "1"],
        ["行政部", "市场部", "2", "2"],
        ["行政部", "研发部", "3", "2"],
    ],
    "weeks": [
        ["Week of", *COMPLETION_HEADER[1:]],
        ["2026-07-06", "1", "1", "0", "0", "0", "0", "0", "100.0"],
        ["2026-07-13", "1", "0", "1", "0", "1", "0", "0", "0.0"],
        ["2026-07-20", "1", "0", "1", "0", "1", "0", "1", "0.0"],
        ["2026-07-27", "1", "0", "0", "1", "1", "1", "0", "0.0"],
        ["2026-08-10", "2", "1", "0", "1", "1", "1", "0", "50.0"],
        ["2026-08-31", "2", "0", "0", "2", "2", "2", "0", "0.0"],
        ["2026-09-28", "1", "0", "0", "0", "0", "0", "0", "–"],
    ],
    "months": [
        ["Month", *COMPLETION_HEADER[1:]],
        ["2026-07", "4", "1", "2", "1", "3", "1", "1", "25.0"],
        ["2026-08", "2", "1", "0", "1", "1", "1", "0", "50.0"],
        ["2026-09", "3", "0", "0", "2", "2", "2", "0", "0.0"],
    ],
}


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@dataclass
class Secret:
    history: History
    meeting: Meeting
    items: dict[str, ActionItem]
    wu: Person  # a second PMO, who takes part in nothing


def build_meeting_e(h: History) -> Secret:
    o = h.org
    with clock.frozen(at(8, 3)):
        e = meetings.meeting_create(
            actor=o.li,
            title="机密并购评审",
            starts_at=at(8, 10, 10),
            duration_minutes=60,
            host=o.li,
            recorder=o.zhou,
            confidential=True,
        )
        meetings.topic_add(actor=o.li, meeting=e, title="并购估值", planned_minutes=30)
        for person in (o.zhang, o.zhou):
            meetings.participant_invite(
                actor=o.li, meeting=e, person=person, role=Participant.Role.EXECUTOR
            )
        meetings.meeting_schedule(actor=o.li, meeting=e)
    items = {}
    with clock.frozen(at(8, 10, 10)):
        live.meeting_start(actor=o.li, meeting=e)
    with clock.frozen(at(8, 10, 10, 30)):
        for key, owner, due in [
            ("e1", o.zhou, dt.date(2026, 8, 20)),
            ("e2", o.zhou, dt.date(2026, 9, 2)),
            ("e3", o.zhang, dt.date(2026, 9, 1)),
            ("e4", o.zhang, dt.date(2026, 9, 10)),
        ]:
            items[key] = actions.action_create(
                actor=o.zhou, meeting=e, task=f"机密{key}", owner=owner, due=due
            )
        topic = e.topics.get(is_review=False)
        live.topic_record_time(actor=o.zhou, topic=topic, actual_minutes=45)
        live.outcome_record(
            actor=o.zhou, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="按计划推进"
        )
    with clock.frozen(at(8, 10, 11)):
        live.meeting_end(actor=o.li, meeting=e)
    with clock.frozen(at(8, 10, 13)):
        minutes.minutes_submit(actor=o.zhou, meeting=e)
    with clock.frozen(at(8, 10, 14)):
        minutes.minutes_approve(actor=o.li, meeting=e)
    with clock.frozen(at(8, 10, 15)):
        minutes.minutes_distribute(actor=o.li, meeting=e)
    with clock.frozen(at(8, 11, 10)):
        actions.action_sign(actor=o.zhou, action=items["e1"])
    with clock.frozen(at(8, 19, 12)):
        tracking.action_set_status(actor=o.zhou, action=items["e1"], status=ActionItem.Status.DONE)
    with clock.frozen(at(9, 5, 10)):
        tracking.action_report_overdue_reason(
            actor=o.zhou, action=items["e2"], reason=OverdueReason.RESOURCES
        )
    wu = org_services.person_create(
        actor=o.admin, username="wu", name="吴主任", department=o.office, title="主任", is_pmo=True
    )
    for item in items.values():
        item.refresh_from_db()
    return Secret(history=h, meeting=e, items=items, wu=wu)


@pytest.fixture
def secret(org) -> Secret:
    return build_meeting_e(build_history(org))


def numbers(rows: list[list]) -> list[list]:
    """Cells that are numbers as numbers (Excel keeps 0.0 as 0), the rest as text."""

    def cell(value):
        try:
            return float(value)
        except (TypeError, ValueError):
            return "" if value is None else str(value)

    return [[cell(value) for value in row] for row in rows]


def download(client, key: str, fmt: str) -> list[list]:
    """A table's CSV as text, or its Excel sheet read back with openpyxl (through
    ``numbers``: compare it with ``numbers(expected)``)."""
    response = client.get(URL, {**Q3, "format": fmt, "table": key})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return numbers([list(row) for row in sheet.iter_rows(values_only=True)])


def page_tables(client, person, **params) -> dict[str, list[list[str]]]:
    client.force_login(person)
    response = client.get(URL, {**Q3, **params})
    assert response.status_code == 200
    return {key: table(response, key) for key in TABLES}


def viewers_who_may_not_see_e(secret: Secret) -> list[Person]:
    o = secret.history.org
    return [o.sun, secret.wu, o.wang]


# -- the analytics page, its charts and its exports ------------------------------------------


def test_no_one_who_may_not_see_e_counts_it_on_the_page(client, secret: Secret):
    for person in viewers_who_may_not_see_e(secret):
        # when
        tables = page_tables(client, person)
        # then: every table exactly as the history's, E's four items, its minutes, its
        # signature, its overdue reason and its meeting nowhere
        assert tables == WITHOUT_E, person.username


def test_the_charts_of_a_pmo_who_takes_part_in_nothing_leave_e_out(client, secret: Secret):
    client.force_login(secret.wu)
    body = client.get(URL, Q3).content.decode()
    svg = "{http://www.w3.org/2000/svg}"
    charts = [
        ET.fromstring(m) for m in re.findall(r"<svg xmlns[^>]*class=\"chart\".*?</svg>", body, re.S)
    ]
    titles = [[t.text for t in chart.iter(f"{svg}title")] for chart in charts]
    # then: every bar, point and cell is the history's (with E: R&D 42.9 %, two items
    # short of resources, 4 due in the week of 08-31, R&D giving work)
    assert titles[0] == [
        "On-time rate by department (%)",
        "市场部: 0%",
        "研发部: 40%",
        "设计部: 0%",
    ]
    assert titles[1] == [
        "Overdue reasons (items)",
        "Not enough resources: 1",
        "Process blocked: 1",
        "Waiting on a dependency: 1",
        "Priorities changed: 0",
        "Other: 0",
    ]
    weeks = ["07-06", "07-13", "07-20", "07-27", "08-10", "08-31", "09-28"]
    assert titles[2] == [
        "Items by week of their due date",
        "Due",
        *(f"Due · {w}: {n}" for w, n in zip(weeks, [1, 1, 1, 1, 2, 2, 1], strict=True)),
        "Done on time",
        *(f"Done on time · {w}: {n}" for w, n in zip(weeks, [1, 0, 0, 0, 1, 0, 0], strict=True)),
        "Late",
        *(f"Late · {w}: {n}" for w, n in zip(weeks, [0, 1, 1, 1, 1, 2, 0], strict=True)),
    ]
    assert titles[3] == [
        "Work given across departments (items)",
        "市场部 → 市场部: 0 (0 late)",
        "市场部 → 研发部: 2 (1 late)",
        "市场部 → 设计部: 2 (1 late)",
        "行政部 → 市场部: 2 (2 late)",
        "行政部 → 研发部: 3 (2 late)",
        "行政部 → 设计部: 0 (0 late)",
    ]
    for name in ("机密", secret.meeting.title):
        assert name not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_of_a_pmo_who_takes_part_in_nothing_leaves_e_out(
    client, secret: Secret, fmt: str
):
    client.force_login(secret.wu)
    for key in TABLES:
        expected = WITHOUT_E[key] if fmt == "csv" else numbers(WITHOUT_E[key])
        assert download(client, key, fmt) == expected, key


def test_the_department_filter_leaves_e_out_on_both_sides(client, secret: Secret):
    """With R&D chosen, the matrix shows the work R&D gave and was given: E (organised by
    R&D, giving work to R&D and marketing) is in neither."""
    tables = page_tables(client, secret.wu, department=secret.history.org.rnd.pk)
    assert tables["departments"][1:] == [
        ["研发部", "5", "2", "1", "2", "3", "2", "1", "40.0"],
        ["Total", "5", "2", "1", "2", "3", "2", "1", "40.0"],
    ]
    assert tables["matrix"][1:] == [["市场部", "研发部", "2", "1"], ["行政部", "研发部", "3", "2"]]
    assert tables["minutes"] == [] and tables["discipline"] == []
    client.force_login(secret.wu)
    response = client.get(
        URL, {**Q3, "department": secret.history.org.rnd.pk, "format": "csv", "table": "matrix"}
    )
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        ["Meeting organised by", "Work given to", "Items", "Late"],
        ["市场部", "研发部", "2", "1"],
        ["行政部", "研发部", "3", "2"],
    ]


def test_the_figures_leave_e_out_for_a_pmo_who_takes_part_in_nothing(secret: Secret):
    figures = analytics_figures(person=secret.wu, period=PERIOD)
    total = figures.total
    assert (total.due, total.on_time, total.late, total.overdue, total.on_time_rate) == (
        9,
        2,
        6,
        4,
        25.0,
    )
    assert [(r.label, r.due) for r in figures.people] == [
        ("周工程师", 3),
        ("张专员", 1),
        ("李主管", 2),
        ("王经理", 1),
        ("陈主管", 2),
    ]
    assert [(r.label, r.meetings, r.on_time) for r in figures.minutes] == [
        ("市场部", 1, 0),
        ("行政部", 3, 1),
    ]
    assert [(r.label, r.signed, r.unsigned) for r in figures.sign_off] == [
        ("市场部", 1, 0),
        ("研发部", 2, 3),
        ("设计部", 1, 1),
    ]
    assert figures.discipline_overall.meetings == 4
    assert figures.matrix.givers == ["市场部", "行政部"]
    assert figures.age.total == 4
    assert {r.reason: r.items for r in figures.reasons}["resources"] == 1


def test_li_who_organises_e_counts_it(client, secret: Secret):
    tables = page_tables(client, secret.history.org.li)
    assert tables["departments"][1:] == [
        ["市场部", "4", "0", "1", "2", "3", "2", "0", "0.0"],  # + e3 open late, e4 not due
        ["研发部", "7", "3", "1", "3", "4", "3", "1", "42.9"],  # + e1 on time, e2 open late
        ["设计部", "2", "0", "0", "1", "1", "1", "0", "0.0"],
        ["Total", "13", "3", "2", "6", "8", "6", "1", "27.3"],
    ]
    assert tables["people"][1:3] == [
        ["周工程师", "5", "3", "1", "1", "2", "1", "1", "60.0"],
        ["张专员", "3", "0", "1", "1", "2", "1", "0", "0.0"],
    ]
    assert tables["age"][1:] == [["4", "1", "1", "6", "3"]]  # + e2 5 days, e3 6 days
    assert tables["reasons"][1] == ["Not enough resources", "2"]  # b1 and e2
    # li sees A, B, C and E, not D (the office's own morning meeting)
    assert tables["minutes"][1:] == [
        ["市场部", "1", "0", "1", "0", "0.0"],
        ["研发部", "1", "1", "0", "0", "100.0"],
        ["行政部", "2", "1", "1", "0", "50.0"],
    ]
    # e1 signed 19 h after the distribution: R&D's (2 + 15⅔ + 19) / 3 hours
    assert tables["signoff"][1:] == [
        ["市场部", "1", "2", "48.0"],
        ["研发部", "3", "4", "12.2"],
        ["设计部", "1", "1", "2.0"],
    ]
    assert tables["discipline"][2] == ["研发部", "1", "1.0", "30.0", "45.0", "0"]
    assert tables["matrix"][3:5] == [["研发部", "市场部", "2", "1"], ["研发部", "研发部", "2", "1"]]
    client.force_login(secret.history.org.li)
    assert download(client, "departments", "xlsx") == numbers(tables["departments"])


def test_the_administrator_counts_e_as_the_visibility_rule_lets_them_see_it(client, secret: Secret):
    tables = page_tables(client, secret.history.org.admin)
    assert tables["departments"][-1] == ["Total", "13", "3", "2", "6", "8", "6", "1", "27.3"]
    assert tables["discipline"][-1] == ["Total", "5", "1.6", "25.6", "26.4", "2"]


def test_leaving_e_out_costs_no_query(client, secret: Secret, django_assert_num_queries):
    for person in (secret.wu, secret.history.org.li):
        client.force_login(person)
        # session, person, the bell, the department choices, and the ten figures
        with django_assert_num_queries(14):
            assert client.get(URL, Q3).status_code == 200


# -- the boards and their exports ------------------------------------------------------------


def overdue_tasks(client, person) -> list[str]:
    client.force_login(person)
    response = client.get(reverse("actions:overdue_board_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_boards_leave_e_out_for_whoever_may_not_see_it(client, secret: Secret):
    o = secret.history.org
    counts = {
        d.name: (d.open_count, d.overdue_count)
        for d in action_selectors.board_departments(person=secret.wu)
    }
    assert counts == {
        "市场部": (2, 1),  # c1, c2 (not e3, e4)
        "研发部": (2, 2),  # a4, b2 (not e2)
        "设计部": (2, 1),
        "销售部": (0, 0),
        "行政部": (0, 0),
        "财务部": (0, 0),
    }
    assert overdue_tasks(client, secret.wu) == ["任务a4", "任务b1", "任务c1", "任务b2"]
    assert overdue_tasks(client, o.li) == [
        "任务a4",
        "任务b1",
        "机密e3",
        "机密e2",
        "任务c1",
        "任务b2",
    ]


# -- the weekly digest -----------------------------------------------------------------------


def plan_digest(settings) -> None:
    settings.ACCORD_DIGEST_ENABLED = True
    moment = at(9, 7, 9)  # Monday, ISO week 2026-W37
    with clock.frozen(moment):
        planner.plan(moment)


def digest_of(person) -> Notification:
    return Notification.objects.get(kind=DIGEST, via=Channel.Kind.IN_APP, recipient=person)


COMMON = {
    "week": "2026-W37",
    "scope": "department",
    "start": "2026-08-31",
    "end": "2026-09-06",
    "next_end": "2026-09-13",
}


def test_a_head_who_does_not_take_part_gets_a_digest_without_e(secret: Secret, settings):
    """Marketing's head wang: e3 (due 09-01, open) and e4 (due 09-10) are his department's
    but E is not his to see: his digest is the history's."""
    o = secret.history.org
    plan_digest(settings)
    row = digest_of(o.wang)
    assert row.payload == {
        **COMMON,
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
        "next": {"count": 0, "items": []},
    }
    assert "机密" not in messages.texts(row)[1]


def test_a_head_who_takes_part_gets_e_counted_in_the_digest(secret: Secret, settings):
    """R&D's head li organises E: e2 (due 09-02, open) is in his week and overdue."""
    o = secret.history.org
    plan_digest(settings)
    row = digest_of(o.li)
    assert row.payload == {
        **COMMON,
        "id": o.rnd.pk,
        "name": "研发部",
        "due": 2,
        "on_time": 0,
        "late": 2,
        "rate": 0.0,
        "overdue": {
            "count": 3,
            "items": [
                {"task": "任务a4", "owner": "李主管", "due": "2026-07-31"},
                {"task": "机密e2", "owner": "周工程师", "due": "2026-09-02"},
                {"task": "任务b2", "owner": "李主管", "due": "2026-09-04"},
            ],
        },
        "next": {"count": 0, "items": []},
        "confidential": True,
    }
    assert messages.texts(row)[1] == (
        "2026-08-31 – 2026-09-06: 2 due, 0 done on time, 2 late, on-time rate 0.0%.\n"
        "Overdue now: 3\n"
        "- 任务a4 (李主管, 2026-07-31)\n"
        "- 机密e2 (周工程师, 2026-09-02)\n"
        "- 任务b2 (李主管, 2026-09-04)\n"
        "Due by 2026-09-13: 0"
    )


def test_a_digest_counting_e_stays_out_of_the_pmos_delivery_log(client, secret: Secret, settings):
    o = secret.history.org
    plan_digest(settings)
    digests = Notification.objects.filter(kind=DIGEST)

    def seen_by(person) -> list[str]:
        rows = delivery_log(person=person, kind=DIGEST)
        return sorted(rows.values_list("recipient__username", flat=True))

    assert sorted(digests.values_list("recipient__username", flat=True)) == [
        "chen",
        "li",
        "liu",
        "sun",
        "wang",
    ]
    for pmo in (o.sun, secret.wu):
        assert seen_by(pmo) == ["chen", "liu", "sun", "wang"]
    assert seen_by(o.li) == ["li"]
    assert seen_by(o.admin) == ["chen", "li", "liu", "sun", "wang"]
    client.force_login(secret.wu)
    body = client.get(reverse("notify:log"), {"kind": DIGEST}).content.decode()
    assert "Weekly digest: 市场部, 2026-W37" in body
    assert "Weekly digest: 研发部, 2026-W37" not in body
    assert not digests.filter(recipient__isnull=True).exists()  # no group bot got one


def test_an_organiser_heading_nothing_gets_their_confidential_meetings_items(
    secret: Secret, settings
):
    """With zhou (who takes part in E) heading R&D instead of li, li heads nothing and gets
    the organiser's digest of E; zhou's R&D digest counts e2 as li's did."""
    o = secret.history.org
    org_services.department_set_head(actor=o.admin, department=o.rnd, head=o.zhou)
    plan_digest(settings)
    assert digest_of(o.li).payload == {
        **COMMON,
        "scope": "organiser",
        "id": o.li.pk,
        "name": "李主管",
        "due": 2,
        "on_time": 0,
        "late": 2,
        "rate": 0.0,
        "overdue": {
            "count": 2,
            "items": [
                {"task": "机密e3", "owner": "张专员", "due": "2026-09-01"},
                {"task": "机密e2", "owner": "周工程师", "due": "2026-09-02"},
            ],
        },
        "next": {
            "count": 1,
            "items": [{"task": "机密e4", "owner": "张专员", "due": "2026-09-10"}],
        },
        "confidential": True,
    }
    zhou = digest_of(o.zhou).payload
    assert (zhou["due"], zhou["late"], zhou["overdue"]["count"], zhou["confidential"]) == (
        2,
        2,
        3,
        True,
    )
    assert digest_of(o.wang).payload["overdue"]["count"] == 1  # still without e3


@pytest.mark.django_db(transaction=True)
def test_over_http_a_pmo_who_takes_part_in_nothing_sees_the_page_without_e(secret, browser_as):
    """The same attack against the live server: wu, a PMO in nothing, reads the analytics
    page and its Excel over HTTP."""
    browser = browser_as(secret.wu)
    response = browser.get(URL, params=Q3)
    assert response.status_code == 200
    assert {key: table(response, key) for key in TABLES} == WITHOUT_E
    assert secret.meeting.title not in response.text
