"""The minutes in the template's layout (S-TPL-1 basic information, S-TPL-2 topics with each
department's position and notes, S-TPL-3 consensus and the action plan), with the objections
(S-MEET-5) and the owners' signature table (S-POST-3)."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.actions.models import ActionItem
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.meetings.selectors import meeting_with_record
from accord.minutes import services as minutes_services
from accord.minutes.models import Minutes
from accord.minutes.selectors import (
    minutes_diff,
    minutes_history,
    minutes_permissions,
    minutes_record,
)
from accord.org.models import Department
from tests.conftest import STARTS, Org


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def record_the_meeting(org: Org, meeting: Meeting) -> tuple[ActionItem, ActionItem]:
    """What the recorder captures in the source's launch meeting, then the host ends it at
    15:25. Returns the two action items (zhou's, chen's)."""
    first, second, third = meeting.topics.order_by("order")
    with clock.frozen(STARTS + dt.timedelta(minutes=20)):
        live.position_record(
            actor=org.zhao,
            topic=first,
            department=org.marketing,
            statement="用户调研显示核心需求为A、B、C，优先开发A",
            evidence="A占用户需求的60%",
        )
        live.position_record(
            actor=org.zhao,
            topic=first,
            department=org.sales,
            statement="客户反馈需求D紧急",
            evidence="3家重点客户提出",
        )
        live.topic_record_notes(actor=org.zhao, topic=first, notes="D列入二期评估")
        live.topic_record_time(actor=org.zhao, topic=first, actual_minutes=35)
        live.outcome_record(
            actor=org.zhao, topic=first, kind=TopicOutcome.Kind.CONSENSUS, text="先开发A，D列入二期"
        )
        zhou_item = actions.action_create(
            actor=org.zhao,
            meeting=meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
            resources="测试服务器2台",
            topic=first,
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=60)):
        live.position_record(
            actor=org.zhao, topic=second, department=org.rnd, statement="研发负责A的开发"
        )
        live.outcome_record(
            actor=org.zhao,
            topic=second,
            kind=TopicOutcome.Kind.CONSENSUS,
            text="研发部负责开发，设计部负责UI",
        )
        chen_item = actions.action_create(
            actor=org.zhao,
            meeting=meeting,
            task="完成UI设计稿",
            owner=org.chen,
            due="9月18日前",
            topic=second,
        )
        live.outcome_record(
            actor=org.zhao,
            topic=third,
            kind=TopicOutcome.Kind.NEXT_MEETING,
            text="待研发评估工期后再定",
            next_meeting_on=dt.date(2026, 9, 16),
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=80)):
        objection = live.objection_raise(
            actor=org.liu, meeting=meeting, text="需求D的优先级过低", topic=first
        )
        live.objection_resolve(actor=org.wang, objection=objection, resolution="二期首个迭代评估D")
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        live.meeting_end(actor=org.wang, meeting=meeting)
    return zhou_item, chen_item


def expected_record(org: Org, meeting: Meeting, zhou_item, chen_item) -> dict:
    """The record of ``record_the_meeting`` before anyone signed."""
    return {
        "meeting": {
            "id": meeting.pk,
            "title": "Q3产品上线跨部门协作启动会",
            "goal": "确定Q3产品上线分工",
            "kind": "kickoff",
            "starts_at": "2026-09-09T14:00:00+08:00",
            "ends_at": "2026-09-09T15:30:00+08:00",
            "started_at": "2026-09-09T14:00:00+08:00",
            "ended_at": "2026-09-09T15:25:00+08:00",
            "planned": None,
            "location": "3号会议室",
            "online_link": "",
            "online_meeting_number": "618-2023-815",
            "host": {"id": org.wang.pk, "name": "王经理", "title": "经理"},
            "recorder": {"id": org.zhao.pk, "name": "赵专员", "title": "专员"},
            "departments": [
                {"department": "市场部", "people": ["经理", "专员"]},
                {"department": "研发部", "people": ["主管", "工程师"]},
                {"department": "行政部", "people": ["专员"]},
                {"department": "设计部", "people": ["主管"]},
                {"department": "销售部", "people": ["代表"]},
            ],
            "copied_departments": [],
        },
        "topics": [
            {
                "order": 1,
                "title": "产品需求优先级确认",
                "lead_department": "市场部",
                "planned_minutes": 30,
                "actual_minutes": 35,
                "notes": "D列入二期评估",
                "positions": [
                    {
                        "department": "市场部",
                        "statement": "用户调研显示核心需求为A、B、C，优先开发A",
                        "evidence": "A占用户需求的60%",
                    },
                    {
                        "department": "销售部",
                        "statement": "客户反馈需求D紧急",
                        "evidence": "3家重点客户提出",
                    },
                ],
                "outcome": {
                    "kind": "consensus",
                    "text": "先开发A，D列入二期",
                    "research_department": "",
                    "next_meeting_on": None,
                },
            },
            {
                "order": 2,
                "title": "责任部门划分",
                "lead_department": "",
                "planned_minutes": 30,
                # closed 40 minutes after the first topic (S-PREP-5)
                "actual_minutes": 40,
                "notes": "",
                "positions": [
                    {"department": "研发部", "statement": "研发负责A的开发", "evidence": ""}
                ],
                "outcome": {
                    "kind": "consensus",
                    "text": "研发部负责开发，设计部负责UI",
                    "research_department": "",
                    "next_meeting_on": None,
                },
            },
            {
                "order": 3,
                "title": "时间节点确认",
                "lead_department": "",
                "planned_minutes": 20,
                # closed the moment the second was: a topic that was opened took a minute
                "actual_minutes": 1,
                "notes": "",
                "positions": [],
                "outcome": {
                    "kind": "next_meeting",
                    "text": "待研发评估工期后再定",
                    "research_department": "",
                    "next_meeting_on": "2026-09-16",
                },
            },
        ],
        "consensus": [
            {"topic": "产品需求优先级确认", "text": "先开发A，D列入二期"},
            {"topic": "责任部门划分", "text": "研发部负责开发，设计部负责UI"},
        ],
        "actions": [
            {
                "id": zhou_item.pk,
                "task": "提交技术方案初稿",
                "owner": "周工程师",
                "department": "研发部",
                "due_date": "2026-09-15",
                "resources": "测试服务器2台",
                "status": "open",
                "topic": "产品需求优先级确认",
            },
            {
                "id": chen_item.pk,
                "task": "完成UI设计稿",
                "owner": "陈主管",
                "department": "设计部",
                "due_date": "2026-09-18",
                "resources": "",
                "status": "open",
                "topic": "责任部门划分",
            },
        ],
        "objections": [
            {"text": "需求D的优先级过低", "raised_by": "刘代表", "resolution": "二期首个迭代评估D"}
        ],
        "signatures": [
            {
                "action_id": zhou_item.pk,
                "owner": "周工程师",
                "task": "提交技术方案初稿",
                "signed_at": None,
                "version": None,
            },
            {
                "action_id": chen_item.pk,
                "owner": "陈主管",
                "task": "完成UI设计稿",
                "signed_at": None,
                "version": None,
            },
        ],
        # everyone invited; nobody's attendance was taken in this recording
        "attendance": [
            {
                "person_id": person.pk,
                "person": person.name,
                "department": department,
                "attendance": "invited",
            }
            for person, department in [
                (org.wang, "市场部"),
                (org.zhang, "市场部"),
                (org.li, "研发部"),
                (org.zhou, "研发部"),
                (org.zhao, "行政部"),
                (org.chen, "设计部"),
                (org.liu, "销售部"),
            ]
        ],
    }


@pytest.fixture
def recorded(org: Org, running_meeting: Meeting) -> tuple[Meeting, ActionItem, ActionItem]:
    zhou_item, chen_item = record_the_meeting(org, running_meeting)
    return running_meeting, zhou_item, chen_item


def test_minutes_record_in_the_template_layout_s_tpl_1_s_tpl_2_s_tpl_3(org: Org, recorded):
    """S-TPL-1 basic information; S-TPL-2 topics, positions per department and notes;
    S-TPL-3 consensus and the action plan; objections; the signature table, nobody signed."""
    meeting, zhou_item, chen_item = recorded

    record = minutes_record(meeting=meeting_with_record(pk=meeting.pk))

    assert record == expected_record(org, meeting, zhou_item, chen_item)


def test_minutes_record_basic_information_s_tpl_1(org: Org, recorded):
    """S-TPL-1: name, time, place and online meeting number, host, recorder, departments and
    people, and the departments copied."""
    meeting, _zhou_item, _chen_item = recorded
    finance = Department.objects.get(name="财务部")
    meetings.department_copy(actor=org.sun, meeting=meeting, department=finance)

    basic = minutes_record(meeting=meeting_with_record(pk=meeting.pk))["meeting"]

    assert (basic["title"], basic["starts_at"], basic["ends_at"]) == (
        "Q3产品上线跨部门协作启动会",
        "2026-09-09T14:00:00+08:00",
        "2026-09-09T15:30:00+08:00",
    )
    assert (basic["location"], basic["online_meeting_number"]) == ("3号会议室", "618-2023-815")
    assert (basic["host"]["name"], basic["recorder"]["name"]) == ("王经理", "赵专员")
    assert basic["copied_departments"] == ["财务部"]


def test_minutes_record_signature_table_s_post_3(org: Org, recorded):
    """Signed and unsigned rows side by side, with the version and local time of signing."""
    meeting, zhou_item, chen_item = recorded
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    with clock.frozen(at(9, 10, 9, 30)):
        actions.action_sign(actor=org.zhou, action=zhou_item)

    record = minutes_record(meeting=meeting_with_record(pk=meeting.pk))

    assert record["signatures"] == [
        {
            "action_id": zhou_item.pk,
            "owner": "周工程师",
            "task": "提交技术方案初稿",
            "signed_at": "2026-09-10T09:30:00+08:00",
            "version": 1,
        },
        {
            "action_id": chen_item.pk,
            "owner": "陈主管",
            "task": "完成UI设计稿",
            "signed_at": None,
            "version": None,
        },
    ]


def test_minutes_record_research_outcome_names_the_department(org: Org, running_meeting):
    """S-MEET-3: "a named department researches it" shows the department and its action."""
    topic = running_meeting.topics.get(order=3)

    live.outcome_record(
        actor=org.zhao,
        topic=topic,
        kind=TopicOutcome.Kind.RESEARCH,
        text="评估上线工期",
        research_department=org.rnd,
        research_owner=org.li,
        research_due="9月12日前",
    )

    record = minutes_record(meeting=meeting_with_record(pk=running_meeting.pk))
    assert record["topics"][2]["outcome"] == {
        "kind": "research",
        "text": "评估上线工期",
        "research_department": "研发部",
        "next_meeting_on": None,
    }
    assert [(a["task"], a["owner"], a["department"], a["due_date"]) for a in record["actions"]] == [
        ("评估上线工期", "李主管", "研发部", "2026-09-12")
    ]
    assert record["consensus"] == []


def test_minutes_record_runs_no_further_queries(org: Org, recorded, django_assert_num_queries):
    meeting, _zhou_item, _chen_item = recorded
    loaded = meeting_with_record(pk=meeting.pk)

    with django_assert_num_queries(0):
        minutes_record(meeting=loaded)


def test_minutes_record_leaves_out_absent_people_s_tpl_1(org: Org, running_meeting: Meeting):
    zhang = running_meeting.participants.get(person=org.zhang)
    chen = running_meeting.participants.get(person=org.chen)
    live.participant_set_attendance(
        actor=org.zhao, participant=zhang, attendance=Participant.Attendance.ABSENT
    )
    live.participant_set_attendance(
        actor=org.zhao, participant=chen, attendance=Participant.Attendance.EXCUSED
    )

    record = minutes_record(meeting=meeting_with_record(pk=running_meeting.pk))

    assert record["meeting"]["departments"] == [
        {"department": "市场部", "people": ["经理"]},
        {"department": "研发部", "people": ["主管", "工程师"]},
        {"department": "行政部", "people": ["专员"]},
        {"department": "销售部", "people": ["代表"]},
    ]


# -- the minutes page: permissions, history, what changed (S-POST-1..3) -------------------------


def _record(**parts) -> dict:
    record = {"actions": [], "consensus": [], "topics": [], "summary": ""}
    record.update(parts)
    return record


def _action(pk: int, task: str, **fields) -> dict:
    item = {
        "id": pk,
        "task": task,
        "owner": "周工程师",
        "department": "研发部",
        "due_date": "2026-09-15",
        "resources": "",
        "status": "open",
        "topic": "",
    }
    item.update(fields)
    return item


def _topic(title: str, *positions: tuple[str, str, str]) -> dict:
    return {
        "title": title,
        "positions": [{"department": d, "statement": s, "evidence": e} for d, s, e in positions],
    }


def test_minutes_diff_of_equal_records_is_empty(org: Org, recorded):
    meeting, _zhou_item, _chen_item = recorded
    record = minutes_record(meeting=meeting_with_record(pk=meeting.pk))

    assert minutes_diff(record, record) == []


def test_minutes_diff_lists_actions_consensus_positions_and_summary_s_post_2():
    old = _record(
        actions=[
            _action(1, "提交技术方案初稿"),
            _action(2, "完成UI设计稿", owner="陈主管", department="设计部"),
            _action(3, "预算复核"),
        ],
        consensus=[
            {"topic": "产品需求优先级确认", "text": "先开发A"},
            {"topic": "时间节点确认", "text": "10月上线"},
        ],
        topics=[
            _topic(
                "产品需求优先级确认",
                ("市场部", "优先开发A", "A占60%"),
                ("销售部", "需求D紧急", ""),
                ("研发部", "人手不足", ""),
            )
        ],
        summary="初稿",
    )
    new = _record(
        actions=[
            _action(1, "提交技术方案初稿", due_date="2026-09-30", owner="李主管"),
            _action(2, "完成UI设计稿", owner="陈主管", department="设计部"),
            _action(
                4, "整理重点客户需求", owner="刘代表", department="销售部", due_date="2026-09-20"
            ),
        ],
        consensus=[
            {"topic": "产品需求优先级确认", "text": "先开发A，D列入二期"},
            {"topic": "责任部门划分", "text": "研发部负责开发"},
        ],
        topics=[
            _topic(
                "产品需求优先级确认",
                ("市场部", "优先开发A", "A占用户需求的60%"),
                ("销售部", "需求D紧急", ""),
                ("设计部", "UI两周", ""),
            )
        ],
        summary="定稿",
    )

    assert minutes_diff(old, new) == [
        "Action item changed: “提交技术方案初稿”: owner “周工程师” → “李主管”; "
        "due date “2026-09-15” → “2026-09-30”.",
        "Action item added: “整理重点客户需求” — 刘代表, 销售部, due 2026-09-20.",
        "Action item removed: “预算复核”.",
        "Consensus changed on “产品需求优先级确认”: “先开发A” → “先开发A，D列入二期”.",
        "Consensus added on “责任部门划分”: “研发部负责开发”.",
        "Consensus removed on “时间节点确认”: “10月上线”.",
        "Position of 市场部 on “产品需求优先级确认” changed: “优先开发A”.",
        "Position of 设计部 on “产品需求优先级确认” added: “UI两周”.",
        "Position of 研发部 on “产品需求优先级确认” removed.",
        "Summary changed.",
    ]


def test_minutes_diff_ignores_status_and_signatures():
    """Progress is not a change of the plan: only what the minutes agreed counts."""
    old = _record(actions=[_action(1, "提交技术方案初稿")])
    new = _record(actions=[_action(1, "提交技术方案初稿", status="done")], signatures=[{"x": 1}])

    assert minutes_diff(old, new) == []


def _attendance(*entries: tuple[int, str, str, str]) -> list[dict]:
    return [
        {"person_id": pk, "person": person, "department": department, "attendance": attendance}
        for pk, person, department, attendance in entries
    ]


def test_minutes_diff_names_who_was_marked_present_absent_or_excused_s_tpl_1():
    """S-TPL-1 lists the people present: a change of attendance is a change of the record."""
    old = _record(
        attendance=_attendance(
            (1, "王经理", "市场部", "present"),
            (2, "周工程师", "研发部", "invited"),
            (3, "刘代表", "销售部", "present"),
            (4, "陈主管", "设计部", "present"),
        )
    )
    new = _record(
        attendance=_attendance(
            (1, "王经理", "市场部", "present"),
            (2, "周工程师", "研发部", "absent"),
            (3, "刘代表", "销售部", "excused"),
            (5, "钱会计", "财务部", "present"),
        )
    )

    assert minutes_diff(old, new) == [
        "Attendance of 周工程师 (研发部): Invited → Absent.",
        "Attendance of 刘代表 (销售部): Present → Excused.",
        "Attendance: 钱会计 (财务部) added, Present.",
        "Attendance: 陈主管 (设计部) is no longer invited.",
    ]


def test_minutes_diff_of_a_version_without_attendance_compares_the_people_present():
    """A version approved before records held everyone's attendance lists only the people
    present per department: those lists are compared."""
    old = _record(
        meeting={
            "departments": [
                {"department": "市场部", "people": ["经理", "专员"]},
                {"department": "研发部", "people": ["主管"]},
            ]
        }
    )
    new = _record(
        meeting={
            "departments": [
                {"department": "市场部", "people": ["经理", "专员"]},
                {"department": "销售部", "people": ["代表"]},
            ]
        },
        attendance=_attendance((1, "刘代表", "销售部", "present")),
    )

    assert minutes_diff(old, new) == [
        "People present from 销售部: “—” → “代表”.",
        "People present from 研发部: “主管” → “—”.",
    ]


def _permissions(person, meeting: Meeting) -> tuple:
    loaded = meeting_with_record(pk=meeting.pk)
    p = minutes_permissions(person=person, meeting=loaded)
    return (p.edit_summary, p.submit, p.review, p.distribute, p.open_revision, set(p.sign))


def test_minutes_permissions_follow_role_and_state_s_post_1_2_3(org: Org, recorded):
    meeting, zhou_item, chen_item = recorded
    nothing = (False, False, False, False, False, set())

    # being written: the recorder writes and submits; the host may correct the record
    assert _permissions(org.zhao, meeting) == (True, True, False, False, False, set())
    assert _permissions(org.wang, meeting) == (True, False, False, False, False, set())
    assert _permissions(org.sun, meeting) == nothing
    assert _permissions(org.zhou, meeting) == nothing

    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    assert _permissions(org.wang, meeting) == (False, False, True, False, False, set())
    assert _permissions(org.zhao, meeting) == nothing

    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    assert _permissions(org.sun, meeting) == (False, False, False, True, True, set())
    assert _permissions(org.zhao, meeting) == (False, False, False, True, True, set())
    assert _permissions(org.zhou, meeting) == (False, False, False, False, False, {zhou_item.pk})
    assert _permissions(org.chen, meeting) == (False, False, False, False, False, {chen_item.pk})

    minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)
    actions.action_sign(actor=org.zhou, action=zhou_item)
    assert _permissions(org.zhou, meeting) == nothing
    assert _permissions(org.zhao, meeting) == (False, False, False, False, True, set())
    org.chen.is_active = False
    assert _permissions(org.chen, meeting) == nothing


def test_minutes_permissions_run_no_query(org: Org, recorded, django_assert_num_queries):
    meeting, _zhou_item, _chen_item = recorded
    loaded = meeting_with_record(pk=meeting.pk)

    with django_assert_num_queries(0):
        minutes_permissions(person=org.zhao, meeting=loaded)


def test_minutes_history_with_what_changed_s_post_2(org: Org, recorded, django_assert_num_queries):
    meeting, zhou_item, _chen_item = recorded
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    minutes_services.minutes_open_revision(actor=org.zhao, meeting=meeting, reason="研发工期调整")
    actions.action_update(actor=org.zhao, action=zhou_item, due="9月30日前")
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    minutes = Minutes.objects.get(meeting=meeting)

    with django_assert_num_queries(1):
        history = minutes_history(minutes=minutes)
        approvers = [entry.version.approved_by.name for entry in history]

    assert [(e.version.number, e.version.reason, e.changes) for e in history] == [
        (1, "", None),
        (
            2,
            "研发工期调整",
            ["Action item changed: “提交技术方案初稿”: due date “2026-09-15” → “2026-09-30”."],
        ),
    ]
    assert approvers == ["王经理", "王经理"]
