"""The meeting selectors: who sees a meeting (DESIGN "Visibility"), the agenda warnings
(S-PREP-1, S-PREP-5), the answers side by side (S-PREP-4) and the record the minutes are built
from (S-MEET-2, S-MEET-3), in a fixed number of queries."""

import dataclasses
import datetime as dt

import pytest

from accord.actions import services as actions
from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.meetings.selectors import (
    AgendaWarning,
    agenda_warnings,
    answers_matrix,
    meeting_get_visible,
    meeting_with_record,
    meetings_visible_to,
)
from accord.minutes.selectors import minutes_record
from accord.org import services as org_services
from accord.org.models import Person
from tests.conftest import STARTS, Org, close_topics

# -- meetings_visible_to ---------------------------------------------------------------------------


@dataclasses.dataclass
class Scene:
    meeting: Meeting
    people: dict[str, Person]


def _scene(org: Org, *, confidential: bool) -> Scene:
    """One meeting in which each person below matches exactly one visibility rule.

    zhang organises, chen hosts, liu records, zhou (R&D) is the only participant, so li
    heads a participating department; the office (zhao) is copied; wu (design) owns an
    action item without taking part; mo is PMO and nothing else. wang, head of marketing,
    and the outsider have nothing to do with it.
    """
    wu = org_services.person_create(
        actor=org.admin, username="wu", name="吴设计师", department=org.design, title="设计师"
    )
    mo = org_services.person_create(actor=org.admin, username="mo", name="莫主任", is_pmo=True)
    meeting = meetings.meeting_create(
        actor=org.zhang,
        title="市场活动资源协调会",
        kind=Meeting.Kind.RESOURCES,
        starts_at=STARTS,
        duration_minutes=60,
        host=org.chen,
        recorder=org.liu,
        confidential=confidential,
    )
    meetings.topic_add(actor=org.zhang, meeting=meeting, title="研发支持排期", planned_minutes=30)
    meetings.participant_invite(
        actor=org.zhang, meeting=meeting, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    meetings.department_copy(actor=org.zhang, meeting=meeting, department=org.office)
    meetings.meeting_schedule(actor=org.zhang, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=org.chen, meeting=meeting)
        actions.action_create(
            actor=org.liu, meeting=meeting, task="活动页面设计", owner=wu, due="9月15日前"
        )
    people = {
        "organiser": org.zhang,
        "host": org.chen,
        "recorder": org.liu,
        "participant": org.zhou,
        "action owner": wu,
        "copied department member": org.zhao,
        "participating department head": org.li,
        "PMO": mo,
        "PMO in the copied department": org.sun,
        "admin": org.admin,
        "unrelated department head": org.wang,
        "outsider": org.outsider,
    }
    return Scene(meeting, people)


OPEN_TO = [
    "organiser",
    "host",
    "recorder",
    "participant",
    "action owner",
    "copied department member",
    "participating department head",
    "PMO",
    "PMO in the copied department",
    "admin",
]


@pytest.mark.parametrize("who", OPEN_TO)
def test_meeting_is_visible_to(org, who):
    """DESIGN Visibility: take part, copied department, head of a participating department,
    organiser side (PMO) or admin."""
    scene = _scene(org, confidential=False)

    assert list(meetings_visible_to(scene.people[who])) == [scene.meeting]


@pytest.mark.parametrize("who", ["unrelated department head", "outsider"])
def test_meeting_is_hidden_from(org, who):
    scene = _scene(org, confidential=False)

    assert list(meetings_visible_to(scene.people[who])) == []


@pytest.mark.parametrize("who", ["participant", "organiser", "admin"])
def test_inactive_person_sees_nothing(org, who):
    scene = _scene(org, confidential=False)
    person = scene.people[who]
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()

    assert list(meetings_visible_to(person)) == []


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("organiser", True),
        ("host", True),
        ("recorder", True),
        ("participant", True),
        # The selector counts an action owner as taking part: they must see what they sign.
        ("action owner", True),
        ("admin", True),
        ("copied department member", False),
        ("participating department head", False),
        ("PMO", False),
        ("PMO in the copied department", False),
        ("unrelated department head", False),
        ("outsider", False),
    ],
)
def test_confidential_meeting_narrows_to_those_who_take_part(org, who, sees):
    """DESIGN Visibility: confidential meetings narrow to participants and admins."""
    scene = _scene(org, confidential=True)

    assert list(meetings_visible_to(scene.people[who])) == ([scene.meeting] if sees else [])


def test_person_matching_several_rules_sees_the_meeting_once(org, running_meeting):
    """wang hosts, takes part, heads marketing, owns an item and is in a copied department;
    sun organises, is PMO and heads the office that zhao attends for."""
    meetings.department_copy(actor=org.sun, meeting=running_meeting, department=org.marketing)
    for task in ("完成初稿", "确认预算"):
        actions.action_create(
            actor=org.zhao, meeting=running_meeting, task=task, owner=org.wang, due="9月15日前"
        )

    for person in (org.wang, org.sun, org.admin):
        visible = meetings_visible_to(person)
        assert list(visible) == [running_meeting]
        assert visible.count() == 1


def test_each_person_sees_only_their_meetings(org, draft_meeting):
    """Two meetings: the launch meeting and one that only R&D attends."""
    other = meetings.meeting_create(
        actor=org.li, title="研发周会", starts_at=STARTS + dt.timedelta(days=7)
    )
    meetings.participant_invite(
        actor=org.li, meeting=other, person=org.zhou, role=Participant.Role.EXECUTOR
    )

    assert list(meetings_visible_to(org.zhou)) == [other, draft_meeting]  # latest first
    assert list(meetings_visible_to(org.chen)) == [draft_meeting]
    assert list(meetings_visible_to(org.sun)) == [other, draft_meeting]  # PMO
    assert list(meetings_visible_to(org.outsider)) == []


def test_meeting_get_visible_hides_what_one_may_not_see(org, draft_meeting):
    assert meeting_get_visible(person=org.chen, pk=draft_meeting.pk) == draft_meeting
    with pytest.raises(Meeting.DoesNotExist):
        meeting_get_visible(person=org.outsider, pk=draft_meeting.pk)


# -- agenda_warnings (S-PREP-1, S-PREP-5) ------------------------------------------------------------


def _planned(org: Org, minutes: list[int], *, duration: int = 90) -> Meeting:
    meeting = meetings.meeting_create(
        actor=org.sun, title="议程检查", starts_at=STARTS, duration_minutes=duration
    )
    for number, planned in enumerate(minutes, start=1):
        meetings.topic_add(
            actor=org.sun, meeting=meeting, title=f"议题{number}", planned_minutes=planned
        )
    return meeting


def test_the_source_agenda_needs_no_warning(org, draft_meeting):
    """S-PREP-1: 3 topics; S-PREP-5: 90 minutes, 80 of them planned."""
    assert agenda_warnings(meeting=draft_meeting) == []


@pytest.mark.parametrize(
    ("minutes", "duration"),
    [([20, 20, 20], 60), ([15, 15, 15, 15, 15], 90), ([30, 30, 30], 90), ([10, 10, 10, 10], 75)],
    ids=["3-topics-60-min", "5-topics-90-min", "planned-equals-length", "4-topics-75-min"],
)
def test_agenda_within_the_bounds_needs_no_warning(org, minutes, duration):
    """S-PREP-1: 3–5 topics; S-PREP-5: 60–90 minutes; the bounds themselves are fine."""
    assert agenda_warnings(meeting=_planned(org, minutes, duration=duration)) == []


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ([45, 45], "2 topics: 3 to 5 keep the discussion focused."),
        ([15] * 6, "6 topics: 3 to 5 keep the discussion focused."),
    ],
    ids=["2-topics", "6-topics"],
)
def test_agenda_with_too_few_or_too_many_topics_warns(org, minutes, message):
    """S-PREP-1: split the goal into 3–5 topics."""
    assert agenda_warnings(meeting=_planned(org, minutes)) == [
        AgendaWarning("topic_count", message)
    ]


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        (45, "45 minutes: 60 to 90 minutes are recommended."),
        (59, "59 minutes: 60 to 90 minutes are recommended."),
        (91, "91 minutes: 60 to 90 minutes are recommended."),
    ],
)
def test_meeting_outside_60_to_90_minutes_warns(org, duration, message):
    """S-PREP-5: 60–90 minutes recommended."""
    meeting = _planned(org, [15, 15, 15], duration=duration)

    assert agenda_warnings(meeting=meeting) == [AgendaWarning("meeting_length", message)]


def test_topics_planned_past_the_meeting_length_warn(org, draft_meeting):
    """S-PREP-5: the time allocations must fit in the meeting."""
    meetings.topic_update(
        actor=org.sun, topic=draft_meeting.topics.get(order=3), planned_minutes=40
    )

    assert agenda_warnings(meeting=draft_meeting) == [
        AgendaWarning("over_length", "The topics need 100 minutes but the meeting has 90.")
    ]


def test_all_agenda_warnings_at_once(org):
    """S-PREP-1, S-PREP-5."""
    meeting = _planned(org, [30, 30], duration=45)

    assert agenda_warnings(meeting=meeting) == [
        AgendaWarning("topic_count", "2 topics: 3 to 5 keep the discussion focused."),
        AgendaWarning("meeting_length", "45 minutes: 60 to 90 minutes are recommended."),
        AgendaWarning("over_length", "The topics need 60 minutes but the meeting has 45."),
    ]


def test_agenda_bounds_follow_the_settings(org, settings):
    """S-PREP-1, S-PREP-5: the organisation can change the bounds."""
    settings.ACCORD_AGENDA_MIN_TOPICS = 2
    settings.ACCORD_AGENDA_MAX_TOPICS = 4
    settings.ACCORD_MEETING_MIN_MINUTES = 30
    settings.ACCORD_MEETING_MAX_MINUTES = 60

    assert agenda_warnings(meeting=_planned(org, [20, 20], duration=45)) == []
    assert agenda_warnings(meeting=_planned(org, [10] * 5, duration=90)) == [
        AgendaWarning("topic_count", "5 topics: 2 to 4 keep the discussion focused."),
        AgendaWarning("meeting_length", "90 minutes: 30 to 60 minutes are recommended."),
    ]


def test_agenda_warnings_do_not_block_scheduling(org):
    """S-PREP-1: a warning is shown to the organiser; it never blocks."""
    meeting = _planned(org, [60, 60], duration=45)
    meetings.meeting_update(actor=org.sun, meeting=meeting, host=org.wang, recorder=org.zhao)
    meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.li, role=Participant.Role.DECISION_MAKER
    )

    meetings.meeting_schedule(actor=org.sun, meeting=meeting)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert [warning.code for warning in agenda_warnings(meeting=meeting)] == [
        "topic_count",
        "meeting_length",
        "over_length",
    ]


# -- answers_matrix (S-PREP-4) ---------------------------------------------------------------------


def test_answers_matrix_shows_submitted_answers_side_by_side(
    org, draft_meeting, django_assert_num_queries
):
    """S-PREP-4: the answers are collected and summarised per question; the organiser sees
    who has not answered. Design's draft is its own business until submitted."""
    first = preparation.question_add(actor=org.sun, meeting=draft_meeting, text="核心需求是什么？")
    second = preparation.question_add(actor=org.sun, meeting=draft_meeting, text="缺哪些资源？")
    written = {
        (org.zhang, org.marketing): ("需求A、B、C，先做A", "设计资源"),
        (org.li, org.rnd): ("技术方案可行", "测试环境"),
    }
    for (author, department), texts in written.items():
        for question, text in zip((first, second), texts, strict=True):
            preparation.answer_save(
                actor=author, question=question, department=department, text=text
            )
        preparation.answers_submit(actor=author, meeting=draft_meeting, department=department)
    preparation.answer_save(actor=org.chen, question=first, department=org.design, text="草稿")

    with django_assert_num_queries(3):
        departments, rows = answers_matrix(meeting=draft_meeting)

    # Every participating department once (marketing has two participants), by name.
    assert [d.name for d in departments] == ["市场部", "研发部", "行政部", "设计部", "销售部"]
    assert [row.question for row in rows] == [first, second]
    assert [
        {department: answer.text for department, answer in row.answers.items()} for row in rows
    ] == [
        {org.marketing.pk: "需求A、B、C，先做A", org.rnd.pk: "技术方案可行"},
        {org.marketing.pk: "设计资源", org.rnd.pk: "测试环境"},
    ]
    assert [answer.author for answer in rows[0].answers.values()] == [org.zhang, org.li]
    assert [[d.name for d in row.missing] for row in rows] == [
        ["行政部", "设计部", "销售部"],
        ["行政部", "设计部", "销售部"],
    ]


def test_answers_matrix_without_answers_lists_everyone_as_missing(org, draft_meeting):
    """S-PREP-4."""
    question = preparation.question_add(
        actor=org.sun, meeting=draft_meeting, text="核心需求是什么？"
    )

    departments, rows = answers_matrix(meeting=draft_meeting)

    assert len(rows) == 1
    assert (rows[0].question, rows[0].answers) == (question, {})
    assert rows[0].missing == departments
    assert len(departments) == 5


# -- meeting_with_record (S-MEET-2, S-MEET-3) ------------------------------------------------------

# the meeting, participants, copies, topics, positions, action items, objections (with who
# raised and who typed them), the minutes' versions
RECORD_QUERIES = 8


def _run_small(org: Org, meeting: Meeting) -> Meeting:
    """The launch meeting: 3 topics, 2 action items, one objection, no positions.

    Both meetings carry an objection, as a meeting's record usually does."""
    objection = live.objection_raise(actor=org.chen, meeting=meeting, text="设计排期冲突")
    live.objection_resolve(actor=org.wang, objection=objection, resolution="设计提前一周")
    for task, owner in (("完成初稿", org.zhang), ("技术方案", org.li)):
        actions.action_create(
            actor=org.zhao, meeting=meeting, task=task, owner=owner, due="9月15日前"
        )
    close_topics(org, meeting)
    live.meeting_end(actor=org.wang, meeting=meeting)
    return meeting


def _run_large(org: Org) -> Meeting:
    """8 topics, a position of each of 4 departments on each, 20 action items, a copied
    department and an objection: built through the services like a real meeting."""
    meeting = meetings.meeting_create(
        actor=org.sun,
        title="年度目标对齐会",
        kind=Meeting.Kind.ALIGNMENT,
        starts_at=STARTS,
        host=org.wang,
        recorder=org.zhao,
    )
    topics = [
        meetings.topic_add(
            actor=org.sun, meeting=meeting, title=f"议题{n}", planned_minutes=10, lead_department=d
        )
        for n, d in enumerate([org.marketing, org.rnd, org.design, org.sales] * 2, start=1)
    ]
    departments = {
        org.marketing: (org.wang, [org.zhang]),
        org.rnd: (org.li, [org.zhou]),
        org.design: (org.chen, []),
        org.sales: (org.liu, []),
    }
    for department, (head, executors) in departments.items():
        meetings.participants_invite_department(
            actor=org.sun,
            meeting=meeting,
            department=department,
            decision_maker=head,
            executors=executors,
        )
    meetings.department_copy(actor=org.sun, meeting=meeting, department=org.office)
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=org.wang, meeting=meeting)
    for topic in topics:
        for department in departments:
            live.position_record(
                actor=org.zhao,
                topic=topic,
                department=department,
                statement=f"{department.name}对{topic.title}的意见",
                evidence="数据",
            )
    owners = [org.wang, org.zhang, org.li, org.zhou, org.chen]
    for n in range(20):
        actions.action_create(
            actor=org.zhao,
            meeting=meeting,
            task=f"任务{n + 1}",
            owner=owners[n % 5],
            due=dt.date(2026, 9, 10 + n),
            resources="两名工程师",
            topic=topics[n % 8],
        )
    objection = live.objection_raise(actor=org.li, meeting=meeting, text="排期太紧")
    live.objection_resolve(actor=org.wang, objection=objection, resolution="顺延一周")
    for topic in topics:
        live.outcome_record(
            actor=org.zhao, topic=topic, kind=TopicOutcome.Kind.CONSENSUS, text="同意"
        )
    live.meeting_end(actor=org.wang, meeting=meeting)
    return meeting


def test_meeting_with_record_takes_the_same_queries_however_big(
    org, running_meeting, django_assert_num_queries
):
    """S-MEET-2, S-MEET-3: the record behind the minutes loads in a fixed number of queries,
    and building the minutes from it needs none."""
    small = _run_small(org, running_meeting)
    large = _run_large(org)

    with django_assert_num_queries(RECORD_QUERIES):
        loaded_small = meeting_with_record(pk=small.pk)
    with django_assert_num_queries(RECORD_QUERIES):
        loaded_large = meeting_with_record(pk=large.pk, person=org.li)
    with django_assert_num_queries(0):
        small_record = minutes_record(meeting=loaded_small)
        large_record = minutes_record(meeting=loaded_large)

    assert (len(small_record["topics"]), len(small_record["actions"])) == (3, 2)
    assert (len(large_record["topics"]), len(large_record["actions"])) == (8, 20)
    assert [len(topic["positions"]) for topic in large_record["topics"]] == [4] * 8
    assert large_record["topics"][0]["positions"][0] == {
        "department": "市场部",
        "statement": "市场部对议题1的意见",
        "evidence": "数据",
    }
    assert large_record["meeting"]["copied_departments"] == ["行政部"]
    assert large_record["objections"] == [
        {"text": "排期太紧", "raised_by": "李主管", "resolution": "顺延一周"}
    ]
    assert large_record["actions"][19] == {
        "id": large_record["actions"][19]["id"],
        "task": "任务20",
        "owner": "陈主管",
        "department": "设计部",
        "due_date": "2026-09-29",
        "resources": "两名工程师",
        "status": "open",
        "topic": "议题4",
    }


def test_meeting_with_record_goes_through_visibility(org, ended_meeting):
    with pytest.raises(Meeting.DoesNotExist):
        meeting_with_record(pk=ended_meeting.pk, person=org.outsider)
    assert meeting_with_record(pk=ended_meeting.pk, person=org.chen) == ended_meeting


# -- reads behind the meeting pages (web) -------------------------------------------------------------
# Imports are local so that these additions leave the module's import block to its authors.


def test_meetings_search_filters_and_orders(org, draft_meeting):
    """S-KIND-1..5: the list's filters; newest first, ties by id, through visibility."""
    from accord.meetings.selectors import meetings_search

    meetings.meeting_create(
        actor=org.zhang,
        title="市场活动复盘",
        goal="预算回顾",
        kind=Meeting.Kind.ALIGNMENT,
        starts_at=STARTS,
    )
    earlier = meetings.meeting_create(
        actor=org.sun,
        title="流程优化会",
        kind=Meeting.Kind.PROCESS,
        starts_at=STARTS - dt.timedelta(days=3),
    )
    meetings.meeting_cancel(actor=org.sun, meeting=earlier, reason="改期")

    def titles(person=org.sun, **filters) -> list[str]:
        return [m.title for m in meetings_search(person=person, **filters)]

    assert titles() == ["市场活动复盘", "Q3产品上线跨部门协作启动会", "流程优化会"]
    assert titles(person=org.outsider) == []
    assert titles(status="cancelled") == ["流程优化会"]
    assert titles(kind="alignment") == ["市场活动复盘"]
    assert titles(department=org.rnd) == ["Q3产品上线跨部门协作启动会"]
    assert titles(department=org.marketing) == ["市场活动复盘", "Q3产品上线跨部门协作启动会"]
    assert titles(starts_from=dt.date(2026, 9, 9), starts_to=dt.date(2026, 9, 9)) == [
        "市场活动复盘",
        "Q3产品上线跨部门协作启动会",
    ]
    assert titles(starts_to=dt.date(2026, 9, 6)) == ["流程优化会"]
    assert titles(text=" 预算 ") == ["市场活动复盘"]
    assert titles(text="跨部门", kind="kickoff", status="draft") == ["Q3产品上线跨部门协作启动会"]


def test_meetings_search_days_are_local_days(org):
    """A meeting at 00:30 Shanghai time is on that local day, though it is the day before
    in UTC."""
    from django.utils import timezone

    from accord.meetings.selectors import meetings_search

    late = meetings.meeting_create(
        actor=org.sun,
        title="凌晨会",
        starts_at=timezone.make_aware(dt.datetime(2026, 9, 10, 0, 30)),
    )

    assert list(meetings_search(person=org.sun, starts_from=dt.date(2026, 9, 10))) == [late]
    assert list(meetings_search(person=org.sun, starts_to=dt.date(2026, 9, 9))) == []


def test_meetings_in_week(org, draft_meeting):
    from django.utils import timezone

    from accord.meetings.selectors import meetings_in_week, week_start

    sunday_night = meetings.meeting_create(
        actor=org.sun,
        title="周日晚会",
        starts_at=timezone.make_aware(dt.datetime(2026, 9, 13, 23, 30)),
    )
    meetings.meeting_create(
        actor=org.sun, title="下周一", starts_at=timezone.make_aware(dt.datetime(2026, 9, 14, 0, 0))
    )

    assert week_start(dt.date(2026, 9, 13)) == dt.date(2026, 9, 7)
    assert week_start(dt.date(2026, 9, 7)) == dt.date(2026, 9, 7)
    assert meetings_in_week(person=org.sun, monday=dt.date(2026, 9, 7)) == [
        draft_meeting,
        sunday_night,
    ]
    assert meetings_in_week(person=org.zhang, monday=dt.date(2026, 9, 7)) == [draft_meeting]
    assert meetings_in_week(person=org.outsider, monday=dt.date(2026, 9, 7)) == []


def test_meeting_for_planning_loads_everything_in_fixed_queries(
    org, draft_meeting, django_assert_num_queries
):
    from accord.meetings.selectors import meeting_for_planning

    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=org.office)
    preparation.question_add(actor=org.sun, meeting=draft_meeting, text="核心需求？")
    preparation.material_add(
        actor=org.sun, meeting=draft_meeting, title="资料", url="https://a.example.com"
    )

    with django_assert_num_queries(6):
        meeting = meeting_for_planning(person=org.zhang, pk=draft_meeting.pk)
    with django_assert_num_queries(0):
        shown = (
            [t.title for t in meeting.topics.all()],
            [(p.person.name, p.department.name) for p in meeting.participants.all()][:2],
            [c.department.name for c in meeting.copies.all()],
            [q.text for q in meeting.questions.all()],
            [m.title for m in meeting.materials.all()],
            meeting.host.display,
            meeting.recorder.display,
            hasattr(meeting, "minutes"),
        )

    assert shown == (
        ["产品需求优先级确认", "责任部门划分", "时间节点确认"],
        [("王经理", "市场部"), ("张专员", "市场部")],
        ["行政部"],
        ["核心需求？"],
        ["资料"],
        "市场部 王经理",
        "行政部 赵专员",
        False,
    )
    with pytest.raises(Meeting.DoesNotExist):
        meeting_for_planning(person=org.outsider, pk=draft_meeting.pk)


def test_meeting_for_preparation(org, draft_meeting, django_assert_num_queries):
    from accord.meetings.selectors import meeting_for_preparation

    preparation.question_add(actor=org.sun, meeting=draft_meeting, text="核心需求？")

    with django_assert_num_queries(3):
        meeting = meeting_for_preparation(person=org.chen, pk=draft_meeting.pk)
        assert [q.text for q in meeting.questions.all()] == ["核心需求？"]
        assert list(meeting.materials.all()) == []
    with pytest.raises(Meeting.DoesNotExist):
        meeting_for_preparation(person=org.outsider, pk=draft_meeting.pk)


def test_material_get_visible(org, draft_meeting):
    from accord.meetings.models import Material
    from accord.meetings.selectors import material_get_visible

    material = preparation.material_add(
        actor=org.sun, meeting=draft_meeting, title="资料", url="https://a.example.com"
    )

    assert material_get_visible(person=org.zhou, pk=material.pk) == material
    with pytest.raises(Material.DoesNotExist):
        material_get_visible(person=org.outsider, pk=material.pk)


def test_people_and_departments_to_choose(org):
    from accord.meetings.selectors import departments_to_choose, people_to_choose

    org_services.person_update(actor=org.admin, person=org.zhou, is_active=False)

    assert [d.name for d in departments_to_choose()] == [
        "市场部",
        "研发部",
        "行政部",
        "设计部",
        "财务部",
        "销售部",
    ]
    assert [p.name for p in people_to_choose()] == [
        "张专员",
        "王经理",
        "李主管",
        "孙主任",
        "赵专员",
        "陈主管",
        "钱会计",
        "刘代表",
        "管理员",
    ]
    # A department's members and its head, even a head from elsewhere.
    org_services.department_set_head(actor=org.admin, department=org.design, head=org.sun)
    assert [p.name for p in people_to_choose(department=org.design)] == ["孙主任", "陈主管"]
    assert [p.name for p in people_to_choose(department=org.rnd)] == ["李主管"]


def test_answering_departments_and_their_answers(org, draft_meeting):
    """S-PREP-4: a department's participants and its head write its answers."""
    from accord.meetings.selectors import answering_departments, department_answers

    question = preparation.question_add(actor=org.sun, meeting=draft_meeting, text="核心需求？")
    preparation.answer_save(actor=org.zhang, question=question, department=org.marketing, text="A")
    preparation.answer_save(actor=org.li, question=question, department=org.rnd, text="B")

    def names(person) -> list[str]:
        return [d.name for d in answering_departments(person=person, meeting=draft_meeting)]

    assert names(org.zhang) == ["市场部"]
    assert names(org.wang) == ["市场部"]
    assert names(org.sun) == ["行政部"]  # heads the office, which zhao attends for
    assert names(org.outsider) == []
    finance = org.outsider.department
    org_services.department_set_head(actor=org.admin, department=finance, head=org.zhang)
    assert names(org.zhang) == ["市场部"]  # finance does not take part
    answers = department_answers(meeting=draft_meeting, departments=[org.marketing])
    assert {key: a.text for key, a in answers.items()} == {(question.pk, org.marketing.pk): "A"}
    assert department_answers(meeting=draft_meeting, departments=[]) == {}
