"""The demo organisation: the source document's own example, run through the real services
with the clock set to each moment, and dated relative to today so the loop is live."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem, OverdueReason
from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant, TopicOutcome
from accord.minutes import services as minutes
from accord.org import services as org
from accord.org.models import Person
from accord.series.services import meeting_follow

MEETING_TITLE = "Q3产品上线跨部门协作启动会"
FOLLOW_UP_TITLE = "Q3产品上线周进度会"

# username, name, department, title, is_pmo
PEOPLE = [
    ("wang.jingli", "王经理", "市场部", "经理", False),
    ("zhang.zhuanyuan", "张专员", "市场部", "专员", False),
    ("li.zhuguan", "李主管", "研发部", "主管", False),
    ("zhou.gongchengshi", "周工程师", "研发部", "工程师", False),
    ("chen.zhuguan", "陈主管", "设计部", "主管", False),
    ("liu.daibiao", "刘代表", "销售部", "代表", False),
    ("sun.zhuren", "孙主任", "行政部", "主任", True),
    ("zhao.zhuanyuan", "赵专员", "行政部", "专员", False),
]
HEADS = {
    "市场部": "wang.jingli",
    "研发部": "li.zhuguan",
    "设计部": "chen.zhuguan",
    "销售部": "liu.daibiao",
    "行政部": "sun.zhuren",
}


@dataclass
class DemoResult:
    created: bool
    admin_password: str | None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@transaction.atomic
def demo_load(*, today: dt.date | None = None, admin_password: str | None = None) -> DemoResult:
    """Load the demo once; a second call finds it and changes nothing."""
    if Meeting.objects.filter(title=MEETING_TITLE).exists():
        return DemoResult(created=False, admin_password=None)
    today = today or clock.today()
    password = admin_password or secrets.token_urlsafe(12)
    admin = org.person_create(
        actor=None, username="admin", name="管理员", password=password, is_superuser=True
    )
    departments = {name: org.department_create(actor=admin, name=name) for name in HEADS}
    people: dict[str, Person] = {}
    for username, name, department, title, is_pmo in PEOPLE:
        people[username] = org.person_create(
            actor=admin,
            username=username,
            name=name,
            department=departments[department],
            title=title,
            email=f"{username}@example.com",
            password=password,
            is_pmo=is_pmo,
        )
    for department, username in HEADS.items():
        org.department_set_head(
            actor=admin, department=departments[department], head=people[username]
        )

    p = people
    d = departments
    meeting_day = today - dt.timedelta(days=10)
    starts = _at(meeting_day, 14)
    organiser = p["sun.zhuren"]
    host, recorder = p["wang.jingli"], p["zhao.zhuanyuan"]

    # Before the meeting (S-PREP-1..5), two days ahead.
    with clock.frozen(starts - dt.timedelta(days=3)):
        meeting = meetings.meeting_create(
            actor=organiser,
            title=MEETING_TITLE,
            goal="确定Q3产品上线分工",
            kind=Meeting.Kind.KICKOFF,
            starts_at=starts,
            duration_minutes=90,
            location="3号会议室",
            online_meeting_number="腾讯会议 618-2023-815",
            host=host,
            recorder=recorder,
        )
        t1 = meetings.topic_add(
            actor=organiser,
            meeting=meeting,
            title="产品需求优先级确认",
            planned_minutes=30,
            lead_department=d["市场部"],
            description="确定Q3上线版本包含的需求及其先后顺序。",
        )
        t2 = meetings.topic_add(
            actor=organiser,
            meeting=meeting,
            title="责任部门划分",
            planned_minutes=30,
            lead_department=d["行政部"],
            description="需求、开发、设计、推广全链路的分工。",
        )
        t3 = meetings.topic_add(
            actor=organiser,
            meeting=meeting,
            title="时间节点确认",
            planned_minutes=20,
            lead_department=d["研发部"],
            description="上线日期与各里程碑。",
        )
        invitations = [
            ("市场部", "wang.jingli", ["zhang.zhuanyuan"]),
            ("研发部", "li.zhuguan", ["zhou.gongchengshi"]),
            ("设计部", "chen.zhuguan", []),
            ("销售部", "liu.daibiao", []),
        ]
        for department, decision_maker, executors in invitations:
            meetings.participants_invite_department(
                actor=organiser,
                meeting=meeting,
                department=d[department],
                decision_maker=p[decision_maker],
                executors=[p[u] for u in executors],
            )
        meetings.participant_invite(
            actor=organiser, meeting=meeting, person=recorder, role=Participant.Role.EXECUTOR
        )
        meetings.department_copy(actor=organiser, meeting=meeting, department=d["行政部"])
        preparation.material_add(
            actor=organiser,
            meeting=meeting,
            topic=t1,
            title="近3个月客户投诉统计表",
            url="https://example.com/q3/complaints.xlsx",
        )
        preparation.material_add(
            actor=organiser,
            meeting=meeting,
            topic=t2,
            title="现有流程图",
            url="https://example.com/q3/process.pdf",
        )
        question = preparation.question_add(
            actor=organiser,
            meeting=meeting,
            topic=t1,
            text="贵部门认为Q3版本必须包含哪些需求？请附数据。",
        )
        preparation.meeting_set_materials_send_at(actor=organiser, meeting=meeting)
        meetings.meeting_schedule(actor=organiser, meeting=meeting)
    with clock.frozen(starts - dt.timedelta(days=1)):
        for department, author, text in [
            ("市场部", "zhang.zhuanyuan", "A、B、C为核心需求，A占用户需求的60%。"),
            ("研发部", "zhou.gongchengshi", "A可在六周内完成；D需要额外两名后端工程师。"),
            ("销售部", "liu.daibiao", "D需求紧急，3个大客户已提出。"),
        ]:
            preparation.answer_save(
                actor=p[author], question=question, department=d[department], text=text
            )
            preparation.answers_submit(actor=p[author], meeting=meeting, department=d[department])

    # In the meeting (S-MEET-1..5).
    with clock.frozen(starts):
        live.meeting_start(actor=host, meeting=meeting)
    with clock.frozen(starts + dt.timedelta(minutes=30)):
        live.position_record(
            actor=recorder,
            topic=t1,
            department=d["市场部"],
            statement="根据用户调研，核心需求为A、B、C，建议优先开发A。",
            evidence="用户需求占比60%",
        )
        live.position_record(
            actor=recorder,
            topic=t1,
            department=d["销售部"],
            statement="客户反馈D需求紧急，建议提前排期。",
            evidence="3个大客户已提出",
        )
        live.outcome_record(
            actor=recorder,
            topic=t1,
            kind=TopicOutcome.Kind.CONSENSUS,
            text="优先开发A；D需求纳入第二迭代，由研发部评估工作量。",
        )
        live.topic_record_time(actor=recorder, topic=t1, actual_minutes=35)
    with clock.frozen(starts + dt.timedelta(minutes=62)):
        live.position_record(
            actor=recorder,
            topic=t2,
            department=d["研发部"],
            statement="研发部负责A的技术方案与开发，需要设计稿在第一周内到位。",
        )
        live.position_record(
            actor=recorder,
            topic=t2,
            department=d["设计部"],
            statement="设计部可承担界面设计，但人手紧张。",
        )
        live.outcome_record(
            actor=recorder,
            topic=t2,
            kind=TopicOutcome.Kind.CONSENSUS,
            text="研发部负责开发，设计部负责界面，市场部负责推广，销售部负责客户沟通。",
        )
        live.topic_record_time(actor=recorder, topic=t2, actual_minutes=28)
        a1 = actions.action_create(
            actor=recorder,
            meeting=meeting,
            topic=t1,
            task="完成需求A的技术方案初稿",
            owner=p["zhou.gongchengshi"],
            due="一周内",
            resources="需求文档、两名后端工程师",
        )
        a2 = actions.action_create(
            actor=recorder,
            meeting=meeting,
            topic=t2,
            task="完成需求A的界面设计稿",
            owner=p["chen.zhuguan"],
            due=meeting_day + dt.timedelta(days=5),
            resources="一名外包设计师",
        )
        a3 = actions.action_create(
            actor=recorder,
            meeting=meeting,
            topic=t2,
            task="制定Q3上线推广计划",
            owner=p["zhang.zhuanyuan"],
            due=today + dt.timedelta(days=10),
            resources="市场预算5万元",
        )
        a4 = actions.action_create(
            actor=recorder,
            meeting=meeting,
            topic=t1,
            task="整理3个大客户对需求D的具体反馈",
            owner=p["liu.daibiao"],
            due=today + dt.timedelta(days=3),
        )
    with clock.frozen(starts + dt.timedelta(minutes=80)):
        live.outcome_record(
            actor=recorder,
            topic=t3,
            kind=TopicOutcome.Kind.NEXT_MEETING,
            text="上线日期待研发部评估D需求后，下次会议确认。",
            next_meeting_on=today + dt.timedelta(days=2),  # the follow-up meeting below
        )
        live.topic_record_time(actor=recorder, topic=t3, actual_minutes=15)
        objection = live.objection_raise(
            actor=p["liu.daibiao"],
            meeting=meeting,
            topic=t1,
            text="D需求放到第二迭代太晚，客户可能流失。",
        )
        live.objection_resolve(
            actor=host,
            objection=objection,
            resolution="研发部一周内评估D的工作量，下次会议再议排期。",
        )
    with clock.frozen(starts + dt.timedelta(minutes=88)):
        live.meeting_end(actor=host, meeting=meeting)

    # After the meeting (S-POST-1..3), within 24 hours.
    ended = starts + dt.timedelta(minutes=88)
    with clock.frozen(ended + dt.timedelta(hours=3)):
        minutes.minutes_update_summary(
            actor=recorder,
            meeting=meeting,
            summary="确定Q3上线以需求A为先，分工明确，时间节点下次会议确认。",
        )
        minutes.minutes_submit(actor=recorder, meeting=meeting)
    with clock.frozen(ended + dt.timedelta(hours=5)):
        minutes.minutes_approve(actor=host, meeting=meeting)
    with clock.frozen(ended + dt.timedelta(hours=6)):
        minutes.minutes_distribute(actor=organiser, meeting=meeting)
    with clock.frozen(ended + dt.timedelta(days=1)):
        for action in (a1, a2, a4):
            actions.action_sign(actor=action.owner, action=action)

    # Tracking (S-TRACK-1..3): one done, one overdue with its reason, two open.
    with clock.frozen(_at(meeting_day + dt.timedelta(days=6), 17)):
        tracking.action_report_progress(
            actor=a1.owner, action=a1, progress=100, note="已提交技术方案，符合要求。"
        )
        tracking.action_set_status(actor=a1.owner, action=a1, status=ActionItem.Status.DONE)
    with clock.frozen(_at(meeting_day + dt.timedelta(days=6), 10)):
        tracking.action_report_overdue_reason(
            actor=a2.owner,
            action=a2,
            reason=OverdueReason.RESOURCES,
            text="外包设计师未到位，两名设计师请假。",
        )
    with clock.frozen(_at(today - dt.timedelta(days=1), 11)):
        tracking.action_report_progress(
            actor=a3.owner, action=a3, progress=30, note="推广渠道已确定。"
        )

    # The follow-up meeting opens with the review of this plan (S-REVIEW-1, S-REVIEW-2).
    with clock.frozen(_at(today - dt.timedelta(days=1), 9)):
        follow_up = meetings.meeting_create(
            actor=organiser,
            title=FOLLOW_UP_TITLE,
            goal="同步Q3上线进度，确认上线日期",
            kind=Meeting.Kind.CHECK_IN,
            starts_at=_at(today + dt.timedelta(days=2), 10),
            duration_minutes=30,
            location="3号会议室",
            host=host,
            recorder=recorder,
        )
        meeting_follow(actor=organiser, meeting=follow_up, previous=meeting)
        meetings.topic_add(
            actor=organiser,
            meeting=follow_up,
            title="需求D工作量评估",
            planned_minutes=10,
            lead_department=d["研发部"],
        )
        for username in (
            "wang.jingli",
            "li.zhuguan",
            "chen.zhuguan",
            "liu.daibiao",
            "zhao.zhuanyuan",
        ):
            meetings.participant_invite(
                actor=organiser,
                meeting=follow_up,
                person=p[username],
                role=Participant.Role.DECISION_MAKER
                if HEADS.get(p[username].department.name) == username
                else Participant.Role.EXECUTOR,
            )
        meetings.meeting_schedule(actor=organiser, meeting=follow_up)
    return DemoResult(created=True, admin_password=password)
