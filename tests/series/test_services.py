"""Follow-up meetings and series: a meeting that follows another opens by reviewing how the
previous action plan was carried out (S-REVIEW-2); long projects hold weekly 15–30 minute
check-ins planned as a series (S-REVIEW-1)."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, ActionUpdate
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.org.models import Person
from accord.series import services as series_services
from accord.series.models import MeetingSeries
from accord.series.selectors import previous_plan_review
from tests.conftest import STARTS, Org, close_topics

REVIEW = "上期行动计划完成情况回顾"  # stored in the organisation's language (zh-hans)
Status = ActionItem.Status


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def refusal(call, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    return caught.value


def agenda(meeting: Meeting) -> list[tuple]:
    return list(
        meeting.topics.order_by("order").values_list(
            "order", "title", "planned_minutes", "is_review", "carried_from"
        )
    )


def new_meeting(org: Org, title: str, starts_at: dt.datetime, topics=()) -> Meeting:
    meeting = meetings.meeting_create(
        actor=org.sun,
        title=title,
        starts_at=starts_at,
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
    )
    for topic_title, minutes in topics:
        meetings.topic_add(
            actor=org.sun, meeting=meeting, title=topic_title, planned_minutes=minutes
        )
    return meeting


def run(org: Org, meeting: Meeting, outcomes=None) -> Meeting:
    """Schedule, hold and end a draft ``meeting`` (zhou takes part if nobody does yet); topics
    not named in ``outcomes`` ({title: kind}) end in consensus."""
    if not meeting.participants.exists():
        meetings.participant_invite(
            actor=org.sun, meeting=meeting, person=org.zhou, role=Participant.Role.EXECUTOR
        )
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(meeting.starts_at):
        live.meeting_start(actor=org.wang, meeting=meeting)
        for title, kind in (outcomes or {}).items():
            live.outcome_record(
                actor=org.zhao,
                topic=meeting.topics.get(title=title),
                kind=kind,
                text="再议",
                next_meeting_on=meeting.starts_at.date() + dt.timedelta(days=7),
            )
        close_topics(org, meeting)
        live.meeting_end(actor=org.wang, meeting=meeting)
    return meeting


@pytest.fixture
def previous(org: Org, running_meeting: Meeting) -> Meeting:
    """The launch meeting, ended: topic 1 agreed, topics 2 and 3 go to the next meeting."""
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        for topic in running_meeting.topics.filter(order__in=[2, 3]):
            live.outcome_record(
                actor=org.zhao,
                topic=topic,
                kind=TopicOutcome.Kind.NEXT_MEETING,
                text="再议",
                next_meeting_on=dt.date(2026, 9, 16),
            )
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    return running_meeting


@pytest.fixture
def follow_up(org: Org) -> Meeting:
    """A draft one week after the launch meeting, with two topics of its own."""
    return new_meeting(
        org, "Q3产品上线第二次协调会", at(9, 16, 14, 0), [("上线物料准备", 20), ("渠道分工", 20)]
    )


# -- meeting_follow (S-REVIEW-2) -------------------------------------------------------------


def test_follow_puts_the_review_first_and_carries_next_meeting_topics_s_review_2(
    org: Org, previous: Meeting, follow_up: Meeting
):
    carried_2 = previous.topics.get(order=2)
    carried_3 = previous.topics.get(order=3)

    result = series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=previous)

    assert result == follow_up
    assert agenda(follow_up) == [
        (1, REVIEW, 10, True, None),  # a sixth of the 60 minutes
        (2, "上线物料准备", 20, False, None),
        (3, "渠道分工", 20, False, None),
        (4, "责任部门划分", 30, False, carried_2.pk),
        (5, "时间节点确认", 20, False, carried_3.pk),
    ]
    assert list(follow_up.previous_meetings.all()) == [previous]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.actor, event.meeting, event.data) == (
        "meeting.follows",
        org.sun,
        follow_up,
        {"previous": previous.pk},
    )


def test_follow_carries_lead_department_and_description(
    org: Org, draft_meeting: Meeting, follow_up: Meeting
):
    first = draft_meeting.topics.get(order=1)
    meetings.topic_update(actor=org.sun, topic=first, description="A、B、C、D四项需求排序")
    run(org, draft_meeting, outcomes={"产品需求优先级确认": TopicOutcome.Kind.NEXT_MEETING})

    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=draft_meeting)

    carried = follow_up.topics.get(carried_from=first)
    assert (carried.order, carried.title, carried.description, carried.lead_department) == (
        4,
        "产品需求优先级确认",
        "A、B、C、D四项需求排序",
        org.marketing,
    )


def test_follow_a_second_previous_meeting_adds_no_second_review_s_review_2(
    org: Org, previous: Meeting, follow_up: Meeting
):
    other = run(
        org,
        new_meeting(org, "渠道专题会", at(9, 10, 10, 0), [("渠道政策", 30), ("返点", 20)]),
        outcomes={"返点": TopicOutcome.Kind.NEXT_MEETING},
    )
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=previous)

    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=other)

    assert [(order, title, is_review) for order, title, _m, is_review, _c in agenda(follow_up)] == [
        (1, REVIEW, True),
        (2, "上线物料准备", False),
        (3, "渠道分工", False),
        (4, "责任部门划分", False),
        (5, "时间节点确认", False),
        (6, "返点", False),
    ]
    assert set(follow_up.previous_meetings.all()) == {previous, other}


def test_follow_with_an_empty_agenda(org: Org, previous: Meeting):
    empty = new_meeting(org, "复盘会", at(9, 16, 14, 0))

    series_services.meeting_follow(actor=org.sun, meeting=empty, previous=previous)

    assert [(o, t, r) for o, t, _m, r, _c in agenda(empty)] == [
        (1, REVIEW, True),
        (2, "责任部门划分", False),
        (3, "时间节点确认", False),
    ]


def _assert_nothing_changed(meeting: Meeting, topics: list, audits: int) -> None:
    assert agenda(meeting) == topics
    assert AuditEvent.objects.count() == audits


def test_follow_itself_is_refused_s_review_2(org: Org, follow_up: Meeting):
    topics, audits = agenda(follow_up), AuditEvent.objects.count()

    error = refusal(
        series_services.meeting_follow, actor=org.sun, meeting=follow_up, previous=follow_up
    )

    assert (error.field, error.code) == ("previous", "invalid")
    assert list(follow_up.previous_meetings.all()) == []
    _assert_nothing_changed(follow_up, topics, audits)


def test_follow_a_later_meeting_is_refused_s_review_2(
    org: Org, draft_meeting: Meeting, follow_up: Meeting
):
    """The launch meeting (9 September) cannot follow the one of 16 September."""
    topics, audits = agenda(draft_meeting), AuditEvent.objects.count()

    error = refusal(
        series_services.meeting_follow, actor=org.sun, meeting=draft_meeting, previous=follow_up
    )

    assert (error.field, error.code) == ("previous", "invalid")
    assert list(draft_meeting.previous_meetings.all()) == []
    _assert_nothing_changed(draft_meeting, topics, audits)


def test_follow_twice_is_refused_s_review_2(org: Org, previous: Meeting, follow_up: Meeting):
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=previous)
    topics, audits = agenda(follow_up), AuditEvent.objects.count()

    error = refusal(
        series_services.meeting_follow, actor=org.sun, meeting=follow_up, previous=previous
    )

    assert (error.field, error.code) == ("previous", "duplicate")
    assert list(follow_up.previous_meetings.all()) == [previous]
    _assert_nothing_changed(follow_up, topics, audits)


@pytest.mark.parametrize("who", ["zhou", "zhao", "outsider"])
def test_follow_only_by_the_organiser(org: Org, previous: Meeting, follow_up: Meeting, who: str):
    topics, audits = agenda(follow_up), AuditEvent.objects.count()

    error = refusal(
        series_services.meeting_follow,
        actor=getattr(org, who),
        meeting=follow_up,
        previous=previous,
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert list(follow_up.previous_meetings.all()) == []
    _assert_nothing_changed(follow_up, topics, audits)


def test_follow_after_the_meeting_started_is_refused(org: Org, previous: Meeting):
    later = new_meeting(org, "复盘会", at(9, 16, 14, 0), [("复盘", 30)])
    meetings.participant_invite(
        actor=org.sun, meeting=later, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=org.sun, meeting=later)
    with clock.frozen(later.starts_at):
        live.meeting_start(actor=org.wang, meeting=later)
    topics, audits = agenda(later), AuditEvent.objects.count()

    error = refusal(series_services.meeting_follow, actor=org.sun, meeting=later, previous=previous)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert list(later.previous_meetings.all()) == []
    _assert_nothing_changed(later, topics, audits)


def test_meeting_end_needs_no_outcome_for_the_review_topic_s_review_2(
    org: Org, previous: Meeting, follow_up: Meeting
):
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=previous)

    run(org, follow_up)

    follow_up.refresh_from_db()
    assert follow_up.status == Meeting.Status.MINUTES_DRAFT
    assert list(follow_up.topics.filter(outcome__isnull=True).values_list("title", flat=True)) == [
        REVIEW
    ]


# -- previous_plan_review (S-REVIEW-2) ----------------------------------------------------------


@pytest.fixture
def reviewed_plan(org: Org, running_meeting: Meeting) -> dict[str, ActionItem]:
    """The launch meeting's action plan, carried out in different ways until 20 September."""

    def add(task, owner, due):
        return actions.action_create(
            actor=org.zhao, meeting=running_meeting, task=task, owner=owner, due=due
        )

    items = {
        "on_time": add("技术方案", org.zhou, "9月15日前"),
        "late": add("用户调研报告", org.zhang, "9月15日前"),
        "overdue": add("设计稿", org.chen, "9月18日前"),
        "not_due": add("上线物料", org.liu, "9月30日前"),
        "replanned": add("测试环境", org.zhou, "9月15日前"),
        "cancelled": add("渠道合同", org.liu, "9月18日前"),
    }
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    with clock.frozen(at(9, 14, 18, 0)):
        tracking.action_set_status(actor=org.zhou, action=items["on_time"], status=Status.DONE)
    with clock.frozen(at(9, 16, 0, 30)):  # 15 September 16:30 UTC, but the 16th in Shanghai
        tracking.action_set_status(actor=org.zhang, action=items["late"], status=Status.DONE)
    with clock.frozen(at(9, 16, 10, 0)):
        tracking.action_set_status(
            actor=org.zhou, action=items["replanned"], status=Status.IN_PROGRESS
        )
        tracking.action_replan(
            actor=org.sun, action=items["replanned"], due="9月25日前", reason="等待测试服务器"
        )
        tracking.action_set_status(
            actor=org.sun, action=items["cancelled"], status=Status.CANCELLED
        )
    return items


def test_previous_plan_review_rows_s_review_2(
    org: Org, reviewed_plan, follow_up: Meeting, django_assert_num_queries
):
    """S-REVIEW-2: each item of the previous plan with its status, whether it was on time
    (None while it still can be), its re-plans and whether it slipped. S-TRACK-3: measured
    against the committed date, the item re-planned after its committed 15 September passed
    is late and slipped, not "not yet due"."""
    series_services.meeting_follow(
        actor=org.sun, meeting=follow_up, previous=reviewed_plan["on_time"].meeting
    )

    with django_assert_num_queries(3):
        rows = previous_plan_review(meeting=follow_up, today=dt.date(2026, 9, 20))

    assert [
        (row.action.task, row.meeting_title, row.status, row.on_time, row.overdue, row.slipped)
        for row in rows
    ] == [
        ("技术方案", "Q3产品上线跨部门协作启动会", "done", True, False, False),
        ("用户调研报告", "Q3产品上线跨部门协作启动会", "done", False, False, False),
        ("设计稿", "Q3产品上线跨部门协作启动会", "open", False, True, False),
        ("上线物料", "Q3产品上线跨部门协作启动会", "open", None, False, False),
        ("测试环境", "Q3产品上线跨部门协作启动会", "in_progress", False, False, True),
        ("渠道合同", "Q3产品上线跨部门协作启动会", "cancelled", None, False, False),
    ]
    assert [row.moves for row in rows] == [0, 0, 0, 0, 1, 0]
    replans = {row.action.task: row.replans for row in rows}
    assert [
        (u.kind, u.author_id, u.old_due_date, u.new_due_date, u.text, u.created_at)
        for u in replans["测试环境"]
    ] == [
        (
            ActionUpdate.Kind.REPLAN,
            org.sun.pk,
            dt.date(2026, 9, 15),
            dt.date(2026, 9, 25),
            "等待测试服务器",
            at(9, 16, 10, 0),
        )
    ]
    assert all(replans[task] == [] for task in replans if task != "测试环境")


def test_previous_plan_review_reads_the_clock_by_default_s_review_2(
    org: Org, reviewed_plan, follow_up: Meeting
):
    series_services.meeting_follow(
        actor=org.sun, meeting=follow_up, previous=reviewed_plan["on_time"].meeting
    )

    with clock.frozen(at(9, 18, 23, 0)):  # the due day of 设计稿: not overdue yet
        rows = {
            row.action.task: (row.on_time, row.overdue)
            for row in previous_plan_review(meeting=follow_up)
        }

    assert rows["设计稿"] == (None, False)


def test_previous_plan_review_only_of_followed_meetings(
    org: Org, reviewed_plan, follow_up: Meeting
):
    assert previous_plan_review(meeting=follow_up, today=dt.date(2026, 9, 20)) == []


# -- series (S-REVIEW-1) ------------------------------------------------------------------------

WEEKLY = "FREQ=WEEKLY;BYDAY=MO"
STANDING = [{"title": "本周进展", "minutes": 15}, {"title": "风险与求助", "minutes": 10}]


@pytest.fixture
def weekly(org: Org) -> MeetingSeries:
    return series_services.series_create(
        actor=org.sun,
        title="Q3产品上线周会",
        recurrence=WEEKLY,
        duration_minutes=30,
        location="2号会议室",
        standing_topics=STANDING,
    )


def test_series_create_s_review_1(org: Org):
    audits = AuditEvent.objects.count()

    series = series_services.series_create(
        actor=org.sun,
        title=" Q3产品上线周会 ",
        recurrence=WEEKLY,
        duration_minutes=30,
        location=" 2号会议室 ",
        standing_topics=[
            {"title": " 本周进展 ", "minutes": 15},
            {"title": "风险与求助", "minutes": 10},
        ],
    )

    series.refresh_from_db()
    assert (
        series.title,
        series.organiser,
        series.recurrence,
        series.duration_minutes,
        series.location,
        series.standing_topics,
        series.active,
    ) == ("Q3产品上线周会", org.sun, WEEKLY, 30, "2号会议室", STANDING, True)
    assert AuditEvent.objects.count() == audits + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.subject_id) == ("series.created", series.pk)


@pytest.mark.parametrize(
    ("fields", "field", "code", "message"),
    [
        (
            {"recurrence": "FREQ=SOMETIMES"},
            "recurrence",
            "invalid",
            "Not a recurrence rule (invalid 'FREQ': SOMETIMES); write e.g. FREQ=WEEKLY;BYDAY=MO.",
        ),
        (
            {"recurrence": ""},
            "recurrence",
            "invalid",
            "Not a recurrence rule (empty string); write e.g. FREQ=WEEKLY;BYDAY=MO.",
        ),
        ({"title": "  "}, "title", "required", "A series needs a name."),
        (
            {"duration_minutes": 0},
            "duration_minutes",
            "invalid",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        (
            {"standing_topics": [{"title": "本周进展", "minutes": 15}, {"title": "风险"}]},
            "standing_topics",
            "invalid",
            "Standing topic 2 needs a title and a number of minutes.",
        ),
        (
            {"standing_topics": [{"title": " ", "minutes": 15}]},
            "standing_topics",
            "invalid",
            "Standing topic 1 needs a title and a number of minutes.",
        ),
        (
            {"standing_topics": [{"title": "本周进展", "minutes": 0}]},
            "standing_topics",
            "invalid",
            "Standing topic 1 needs a title and a number of minutes.",
        ),
    ],
    ids=["bad-rule", "no-rule", "no-title", "no-minutes", "topic-minutes", "topic-title", "zero"],
)
def test_series_create_refusals_s_review_1(org: Org, fields, field, code, message):
    audits = AuditEvent.objects.count()
    values = {"title": "Q3产品上线周会", "recurrence": WEEKLY, "duration_minutes": 30}

    error = refusal(series_services.series_create, actor=org.sun, **(values | fields))

    assert (error.field, error.code, str(error)) == (field, code, message)
    assert MeetingSeries.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_series_create_refuses_a_standing_topic_that_is_not_a_mapping(org: Org):
    error = refusal(
        series_services.series_create,
        actor=org.sun,
        title="Q3产品上线周会",
        recurrence=WEEKLY,
        standing_topics=["本周进展"],
    )

    assert (error.field, error.code) == ("standing_topics", "invalid")
    assert MeetingSeries.objects.count() == 0


def test_series_plan_next_first_needs_a_start(org: Org, weekly: MeetingSeries):
    meetings_before, audits = Meeting.objects.count(), AuditEvent.objects.count()

    error = refusal(series_services.series_plan_next, actor=org.sun, series=weekly)

    assert (error.field, error.code) == ("starts_at", "required")
    assert Meeting.objects.count() == meetings_before
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("who", ["zhou", "wang", "outsider"])
def test_series_plan_next_only_by_the_organiser_s_review_1(
    org: Org, weekly: MeetingSeries, who: str
):
    audits = AuditEvent.objects.count()

    error = refusal(
        series_services.series_plan_next,
        actor=getattr(org, who),
        series=weekly,
        first_start=at(9, 14, 9, 30),
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert Meeting.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def _first_occurrence(org: Org, series: MeetingSeries) -> Meeting:
    """The first check-in, Monday 14 September 09:30, with its host, recorder and people."""
    first = series_services.series_plan_next(
        actor=org.sun, series=series, first_start=at(9, 14, 9, 30)
    )
    meetings.meeting_update(actor=org.sun, meeting=first, host=org.wang, recorder=org.zhao)
    meetings.participants_invite_department(
        actor=org.sun, meeting=first, department=org.marketing, decision_maker=org.wang
    )
    meetings.participants_invite_department(
        actor=org.sun,
        meeting=first,
        department=org.rnd,
        decision_maker=org.li,
        executors=[org.zhou],
    )
    return first


def people(meeting: Meeting) -> set[tuple]:
    return set(meeting.participants.values_list("person", "department", "role"))


def test_series_plan_next_three_weekly_check_ins_s_review_1(org: Org, weekly: MeetingSeries):
    """S-REVIEW-1: a weekly 30-minute check-in, each one a draft with the standing topics and
    the previous one's people, opening with the review of the previous one's plan."""
    first = _first_occurrence(org, weekly)
    second = series_services.series_plan_next(actor=org.sun, series=weekly)
    third = series_services.series_plan_next(actor=org.sun, series=weekly)

    assert [
        (m.title, m.starts_at, m.duration_minutes, m.kind, m.status, m.location, m.series)
        for m in (first, second, third)
    ] == [
        ("Q3产品上线周会", at(9, 14, 9, 30), 30, "check_in", "draft", "2号会议室", weekly),
        ("Q3产品上线周会", at(9, 21, 9, 30), 30, "check_in", "draft", "2号会议室", weekly),
        ("Q3产品上线周会", at(9, 28, 9, 30), 30, "check_in", "draft", "2号会议室", weekly),
    ]
    assert [m.starts_at.weekday() for m in (first, second, third)] == [0, 0, 0]
    assert agenda(first) == [(1, "本周进展", 15, False, None), (2, "风险与求助", 10, False, None)]
    for meeting in (second, third):
        assert agenda(meeting) == [
            (1, REVIEW, 5, True, None),
            (2, "本周进展", 15, False, None),
            (3, "风险与求助", 10, False, None),
        ]
        assert (meeting.organiser, meeting.host, meeting.recorder) == (org.sun, org.wang, org.zhao)
    assert list(first.previous_meetings.all()) == []
    assert list(second.previous_meetings.all()) == [first]
    assert list(third.previous_meetings.all()) == [second]
    expected_people = {
        (org.wang.pk, org.marketing.pk, Participant.Role.DECISION_MAKER),
        (org.li.pk, org.rnd.pk, Participant.Role.DECISION_MAKER),
        (org.zhou.pk, org.rnd.pk, Participant.Role.EXECUTOR),
    }
    assert people(second) == people(third) == expected_people
    assert list(weekly.meetings.order_by("starts_at")) == [first, second, third]


def test_series_plan_next_carries_the_open_topics_of_the_last_check_in_s_review_2(
    org: Org, weekly: MeetingSeries
):
    first = _first_occurrence(org, weekly)
    extra = meetings.topic_add(actor=org.sun, meeting=first, title="服务器采购", planned_minutes=5)
    meetings.meeting_schedule(actor=org.sun, meeting=first)
    with clock.frozen(first.starts_at):
        live.meeting_start(actor=org.wang, meeting=first)
        live.outcome_record(
            actor=org.zhao,
            topic=extra,
            kind=TopicOutcome.Kind.NEXT_MEETING,
            text="预算待批",
            next_meeting_on=first.starts_at.date() + dt.timedelta(days=7),
        )
        close_topics(org, first)
        live.meeting_end(actor=org.wang, meeting=first)

    second = series_services.series_plan_next(actor=org.sun, series=weekly)

    assert agenda(second) == [
        (1, REVIEW, 5, True, None),
        (2, "本周进展", 15, False, None),
        (3, "风险与求助", 10, False, None),
        (4, "服务器采购", 5, False, extra.pk),
    ]


def test_series_plan_next_leaves_out_inactive_people(org: Org, weekly: MeetingSeries):
    first = _first_occurrence(org, weekly)
    Person.objects.filter(pk=org.zhou.pk).update(is_active=False)

    second = series_services.series_plan_next(actor=org.sun, series=weekly)

    assert people(second) == {
        (org.wang.pk, org.marketing.pk, Participant.Role.DECISION_MAKER),
        (org.li.pk, org.rnd.pk, Participant.Role.DECISION_MAKER),
    }
    assert people(first) == people(second) | {(org.zhou.pk, org.rnd.pk, "executor")}


def test_series_plan_next_when_the_rule_has_no_further_dates(org: Org):
    once = series_services.series_create(
        actor=org.sun, title="上线复盘会", recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=1"
    )
    series_services.series_plan_next(actor=org.sun, series=once, first_start=at(9, 14, 9, 30))

    error = refusal(series_services.series_plan_next, actor=org.sun, series=once)

    assert (error.field, error.code) == ("recurrence", "finished")
    assert once.meetings.count() == 1


def test_series_plan_next_respects_the_count_of_the_rule_s_review_1(org: Org):
    three = series_services.series_create(
        actor=org.sun, title="上线冲刺周会", recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3"
    )
    series_services.series_plan_next(actor=org.sun, series=three, first_start=at(9, 14, 9, 30))
    series_services.series_plan_next(actor=org.sun, series=three)
    series_services.series_plan_next(actor=org.sun, series=three)

    error = refusal(series_services.series_plan_next, actor=org.sun, series=three)

    assert (error.field, error.code) == ("recurrence", "finished")
    assert three.meetings.count() == 3


def test_series_plan_next_skips_a_cancelled_week_s_review_1(org: Org, weekly: MeetingSeries):
    first = _first_occurrence(org, weekly)
    skipped = series_services.series_plan_next(actor=org.sun, series=weekly)
    meetings.meeting_cancel(actor=org.sun, meeting=skipped, reason="国庆调休")

    after = series_services.series_plan_next(actor=org.sun, series=weekly)

    assert after.starts_at == at(9, 28, 9, 30)
    assert list(after.previous_meetings.all()) == [first]
