"""Every analytics figure over the hand-built quarter of ``conftest.History``, with the values
worked out by hand there; what each person's scope and the department filter leave out; the
default period; and the number of queries."""

import datetime as dt

from accord.analytics.completion import (
    completion_by_department,
    completion_by_person,
    completion_total,
    trend_by_month,
    trend_by_week,
)
from accord.analytics.cross_department import cross_department_matrix
from accord.analytics.figures import analytics_figures
from accord.analytics.meeting_discipline import discipline_total, meeting_discipline
from accord.analytics.minutes_sign_off import minutes_timeliness, sign_off_latency
from accord.analytics.overdue import overdue_age, overdue_reasons
from accord.analytics.period import Period, last_quarter
from tests.analytics.conftest import History

Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
D = dt.date


def completion(rows) -> list[tuple]:
    """(label, due, on time, done late, open late, late, overdue now, re-planned, rate %)."""
    return [
        (
            r.label,
            r.due,
            r.on_time,
            r.done_late,
            r.open_late,
            r.late,
            r.overdue,
            r.replanned,
            r.on_time_rate,
        )
        for r in rows
    ]


def test_completion_by_department_against_the_committed_due_date(history: History):
    # given the quarter, as the PMO
    # when
    rows = completion_by_department(person=history.org.sun, period=Q3)
    # then: a3 met its re-planned date but is late against 07-24; a5 (cancelled) and c2
    # (due 10-15) are not counted
    assert completion(rows) == [
        ("市场部", 2, 0, 1, 1, 2, 1, 0, 0.0),  # a2 done late, c1 open late
        ("研发部", 5, 2, 1, 2, 3, 2, 1, 40.0),  # a1 b4 on time; a3 late; a4 b2 open late
        ("设计部", 2, 0, 0, 1, 1, 1, 0, 0.0),  # b1 open late; b3 not due yet
    ]
    assert completion([completion_total(rows, "all")]) == [("all", 9, 2, 2, 4, 6, 4, 1, 25.0)]


def test_completion_by_person(history: History):
    rows = completion_by_person(person=history.org.sun, period=Q3)
    assert completion(rows) == [
        ("周工程师", 3, 2, 1, 0, 1, 0, 1, 66.7),
        ("张专员", 1, 0, 1, 0, 1, 0, 0, 0.0),
        ("李主管", 2, 0, 0, 2, 2, 2, 0, 0.0),
        ("王经理", 1, 0, 0, 1, 1, 1, 0, 0.0),
        ("陈主管", 2, 0, 0, 1, 1, 1, 0, 0.0),
    ]


def test_age_of_open_overdue_items(history: History):
    age = overdue_age(person=history.org.sun, period=Q3)
    # b2 3 days and c1 4 days; b1 24 days; a4 38 days; b2 and c1 have no reason
    assert (age.days_1_7, age.days_8_30, age.over_30, age.total, age.without_reason) == (
        2,
        1,
        1,
        4,
        2,
    )


def test_overdue_reasons_come_from_the_history(history: History):
    # a3's reason was cleared by its re-plan and still counts
    assert history.items["a3"].overdue_reason == ""
    reasons = overdue_reasons(person=history.org.sun, period=Q3)
    assert [(r.reason, r.label, r.items) for r in reasons] == [
        ("resources", "Not enough resources", 1),
        ("process_blocked", "Process blocked", 1),
        ("dependency", "Waiting on a dependency", 1),
        ("priority_change", "Priorities changed", 0),
        ("other", "Other", 0),
    ]


def test_minutes_on_time_per_organising_department(history: History):
    rows = minutes_timeliness(person=history.org.sun, period=Q3)
    assert [(r.label, r.meetings, r.on_time, r.late, r.pending, r.on_time_rate) for r in rows] == [
        ("市场部", 1, 0, 1, 0, 0.0),  # B distributed 08-05 10:00, due 08-04 15:20
        ("行政部", 3, 1, 1, 1, 50.0),  # A on time, C never distributed, D within time
    ]


def test_sign_off_latency_is_the_average_hours_after_distribution(history: History):
    rows = sign_off_latency(person=history.org.sun, period=Q3)
    assert [(r.label, r.signed, r.unsigned, r.average_hours) for r in rows] == [
        ("市场部", 1, 0, 48.0),  # a2: 07-06 18:00 → 07-08 18:00
        ("研发部", 2, 3, 8.8),  # a1 15 h 40 min, a3 2 h; a4 b2 b4 unsigned
        ("设计部", 1, 1, 2.0),  # b1 2 h; b3 unsigned
    ]


def test_meeting_discipline(history: History):
    rows = meeting_discipline(person=history.org.sun, period=Q3)
    assert [
        (
            r.label,
            r.meetings,
            r.topics,
            r.topics_per_meeting,
            r.timed_topics,
            r.planned_per_topic,
            r.actual_per_topic,
            r.over_90,
        )
        for r in [*rows, discipline_total(rows, "all")]
    ] == [
        ("市场部", 1, 3, 3.0, 3, 25.0, 13.7, 0),  # B: 30/30, 30/1, 15/10; 80 minutes
        ("行政部", 3, 4, 1.3, 4, 25.0, 31.2, 2),  # A 100 min, C 95 min, D 30 min
        ("all", 4, 7, 1.8, 7, 25.0, 23.7, 2),
    ]


def test_cross_department_matrix(history: History):
    matrix = cross_department_matrix(person=history.org.sun, period=Q3)
    assert [(c.giver, c.given, c.items, c.late) for c in matrix.cells] == [
        ("市场部", "研发部", 2, 1),  # b2 late, b4 on time
        ("市场部", "设计部", 2, 1),  # b1 late, b3 not due
        ("行政部", "市场部", 2, 2),  # a2, c1
        ("行政部", "研发部", 3, 2),  # a3, a4 late; a1 on time
    ]
    assert matrix.givers == ["市场部", "行政部"]
    assert matrix.given == ["市场部", "研发部", "设计部"]
    assert matrix.grid() == [[0, 2, 2], [2, 3, 0]]
    assert matrix.grid("late") == [[0, 1, 1], [2, 2, 0]]


def test_trends_by_week_and_month(history: History):
    sun = history.org.sun
    weeks = trend_by_week(person=sun, period=Q3)
    assert [(r.key, r.due, r.on_time, r.late) for r in weeks] == [
        (D(2026, 7, 6), 1, 1, 0),  # a1
        (D(2026, 7, 13), 1, 0, 1),  # a2
        (D(2026, 7, 20), 1, 0, 1),  # a3, counted in the week of 07-24, not of 08-07
        (D(2026, 7, 27), 1, 0, 1),  # a4
        (D(2026, 8, 10), 2, 1, 1),  # b4, b1
        (D(2026, 8, 31), 2, 0, 2),  # c1, b2
        (D(2026, 9, 28), 1, 0, 0),  # b3
    ]
    months = trend_by_month(person=sun, period=Q3)
    assert [(r.key, r.due, r.on_time, r.late) for r in months] == [
        (D(2026, 7, 1), 4, 1, 3),
        (D(2026, 8, 1), 2, 1, 1),
        (D(2026, 9, 1), 3, 0, 2),
    ]


def test_the_period_bounds_are_included(history: History):
    # 07-10 .. 07-24: a1 (07-10), a2 (07-17), a3 (07-24) and meeting A is outside
    period = Period(D(2026, 7, 10), D(2026, 7, 24))
    rows = completion_by_department(person=history.org.sun, period=period)
    assert completion(rows) == [
        ("市场部", 1, 0, 1, 0, 1, 0, 0, 0.0),
        ("研发部", 2, 1, 1, 0, 1, 0, 1, 50.0),
    ]
    assert minutes_timeliness(person=history.org.sun, period=period) == []
    assert meeting_discipline(person=history.org.sun, period=period) == []


def test_department_filter(history: History):
    o = history.org
    f = analytics_figures(person=o.sun, period=Q3, department=o.rnd)
    assert completion(f.departments) == [("研发部", 5, 2, 1, 2, 3, 2, 1, 40.0)]
    assert [r.label for r in f.people] == ["周工程师", "李主管"]
    assert (f.age.days_1_7, f.age.days_8_30, f.age.over_30) == (1, 0, 1)  # b2; a4
    assert [(r.reason, r.items) for r in f.reasons if r.items] == [
        ("process_blocked", 1),
        ("dependency", 1),
    ]
    # meetings organised by R&D: none
    assert f.minutes == [] and f.discipline == []
    assert [(r.label, r.signed, r.unsigned) for r in f.sign_off] == [("研发部", 2, 3)]
    # the matrix keeps both sides of the department: here, the work it was given
    assert [(c.giver, c.given, c.items, c.late) for c in f.matrix.cells] == [
        ("市场部", "研发部", 2, 1),
        ("行政部", "研发部", 3, 2),
    ]
    marketing = cross_department_matrix(person=o.sun, period=Q3, department=o.marketing)
    assert [(c.giver, c.given, c.items) for c in marketing.cells] == [
        ("市场部", "研发部", 2),
        ("市场部", "设计部", 2),
        ("行政部", "市场部", 2),
    ]


def test_a_department_head_counts_only_what_they_may_see(history: History):
    # chen (design head) takes part in meeting B only
    f = analytics_figures(person=history.org.chen, period=Q3)
    assert completion(f.departments) == [
        ("研发部", 2, 1, 0, 1, 1, 1, 0, 50.0),
        ("设计部", 2, 0, 0, 1, 1, 1, 0, 0.0),
    ]
    assert [(r.label, r.meetings, r.on_time, r.late) for r in f.minutes] == [("市场部", 1, 0, 1)]
    assert [(r.label, r.meetings, r.over_90) for r in f.discipline] == [("市场部", 1, 0)]
    assert [(c.giver, c.given, c.items) for c in f.matrix.cells] == [
        ("市场部", "研发部", 2),
        ("市场部", "设计部", 2),
    ]
    assert [(r.reason, r.items) for r in f.reasons if r.items] == [("resources", 1)]


def test_an_outsider_counts_nothing(history: History):
    f = analytics_figures(person=history.org.outsider, period=Q3)
    assert f.departments == f.people == f.minutes == f.sign_off == f.discipline == []
    assert f.weeks == f.months == f.matrix.cells == []
    assert (f.age.total, f.age.without_reason) == (0, 0)
    assert sum(r.items for r in f.reasons) == 0


def test_the_default_period_is_the_last_calendar_quarter():
    assert last_quarter(D(2026, 9, 7)) == Period(D(2026, 4, 1), D(2026, 6, 30))
    assert last_quarter(D(2026, 1, 1)) == Period(D(2025, 10, 1), D(2025, 12, 31))
    assert last_quarter(D(2026, 12, 31)) == Period(D(2026, 7, 1), D(2026, 9, 30))


def test_every_figure_in_ten_queries(history: History, django_assert_num_queries):
    with django_assert_num_queries(10):
        analytics_figures(person=history.org.chen, period=Q3)
    with django_assert_num_queries(10):
        analytics_figures(person=history.org.sun, period=Q3, department=history.org.rnd)
