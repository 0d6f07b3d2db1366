"""The minutes' review and distribution: the recorder issues them within 24 hours (S-POST-1),
the host reviews and approves, then they go to everyone (S-POST-2). Approval freezes a
version; a change opens the next version with its reason."""

import copy
import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import services as actions
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.minutes import services as minutes_services
from accord.minutes.models import Minutes, MinutesVersion
from accord.minutes.selectors import minutes_is_late, minutes_late
from tests.conftest import Org, close_topics
from tests.minutes.test_selectors import expected_record, record_the_meeting

Status = Meeting.Status
ENDED = timezone.make_aware(dt.datetime(2026, 9, 9, 15, 25))
DUE_AT = ENDED + dt.timedelta(hours=24)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def refusal(call, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    return caught.value


def assert_unchanged(meeting: Meeting, status: str, audits: int, versions: int = 0) -> None:
    meeting.refresh_from_db()
    assert meeting.status == status
    assert AuditEvent.objects.count() == audits
    assert MinutesVersion.objects.count() == versions


@pytest.fixture
def recorded(org: Org, running_meeting: Meeting):
    """The launch meeting with positions, outcomes, two action items and an objection; ended at
    15:25, its minutes being written."""
    zhou_item, chen_item = record_the_meeting(org, running_meeting)
    return running_meeting, zhou_item, chen_item


@pytest.fixture
def in_review(org: Org, ended_meeting: Meeting) -> Meeting:
    with clock.frozen(at(9, 9, 17, 0)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    return ended_meeting


@pytest.fixture
def approved(org: Org, in_review: Meeting) -> Meeting:
    with clock.frozen(at(9, 9, 18, 0)):
        minutes_services.minutes_approve(actor=org.wang, meeting=in_review)
    return in_review


# -- the 24-hour clock starts at the end (S-POST-1) -------------------------------------------


def test_meeting_end_starts_the_24_hour_clock_s_post_1(ended_meeting: Meeting):
    minutes = Minutes.objects.get(meeting=ended_meeting)

    assert (minutes.due_at, minutes.version, minutes.submitted_at) == (DUE_AT, 1, None)
    assert minutes.first_distributed_at is None


# -- submit, return (S-POST-1, S-POST-2) --------------------------------------------------------


def test_submit_by_the_recorder_s_post_1(org: Org, ended_meeting: Meeting):
    with clock.frozen(at(9, 9, 17, 0)):
        minutes = minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)

    ended_meeting.refresh_from_db()
    minutes.refresh_from_db()
    assert ended_meeting.status == Status.IN_REVIEW
    assert minutes.submitted_at == at(9, 9, 17, 0)
    event = last_audit()
    assert (event.verb, event.actor, event.data) == ("minutes.submitted", org.zhao, {"version": 1})


@pytest.mark.parametrize("who", ["wang", "sun", "zhou"])
def test_submit_by_anyone_but_the_recorder_is_refused_s_post_1(
    org: Org, ended_meeting: Meeting, who: str
):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_submit, actor=getattr(org, who), meeting=ended_meeting)

    assert (error.field, error.code) == (None, "forbidden")
    assert_unchanged(ended_meeting, Status.MINUTES_DRAFT, audits)
    assert Minutes.objects.get(meeting=ended_meeting).submitted_at is None


def test_submit_twice_is_refused(org: Org, in_review: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_submit, actor=org.zhao, meeting=in_review)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)


def test_return_by_the_host_with_a_comment_s_post_2(org: Org, in_review: Meeting):
    minutes_services.minutes_return(actor=org.wang, meeting=in_review, comment=" 请补充销售部意见 ")

    in_review.refresh_from_db()
    assert in_review.status == Status.MINUTES_DRAFT
    assert Minutes.objects.get(meeting=in_review).review_comment == "请补充销售部意见"
    event = last_audit()
    assert (event.verb, event.actor, event.data) == (
        "minutes.returned",
        org.wang,
        {"comment": "请补充销售部意见"},
    )


def test_return_without_a_comment_is_refused_s_post_2(org: Org, in_review: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_return, actor=org.wang, meeting=in_review, comment=" ")

    assert (error.field, error.code) == ("comment", "required")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)
    assert Minutes.objects.get(meeting=in_review).review_comment == ""


@pytest.mark.parametrize("who", ["zhao", "sun", "li"])
def test_return_by_anyone_but_the_host_is_refused_s_post_2(org: Org, in_review: Meeting, who: str):
    audits = AuditEvent.objects.count()

    error = refusal(
        minutes_services.minutes_return,
        actor=getattr(org, who),
        meeting=in_review,
        comment="请补充",
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)


def test_returned_minutes_go_round_again_and_approval_clears_the_comment_s_post_2(
    org: Org, in_review: Meeting
):
    minutes_services.minutes_return(actor=org.wang, meeting=in_review, comment="请补充销售部意见")
    minutes_services.minutes_update_summary(
        actor=org.zhao, meeting=in_review, summary="销售部意见已补充"
    )
    minutes_services.minutes_submit(actor=org.zhao, meeting=in_review)

    version = minutes_services.minutes_approve(actor=org.wang, meeting=in_review)

    minutes = Minutes.objects.get(meeting=in_review)
    assert (minutes.review_comment, minutes.summary) == ("", "销售部意见已补充")
    assert (version.number, version.record["summary"]) == (1, "销售部意见已补充")


# -- approve: a frozen version (S-POST-2) -----------------------------------------------------


def test_approve_freezes_version_1_with_the_record_s_post_1_s_post_2(org: Org, recorded):
    """S-POST-1: the record holds basic information, topics, positions, consensus and the
    action plan; S-POST-2: the host's approval freezes it."""
    meeting, zhou_item, chen_item = recorded
    minutes_services.minutes_update_summary(
        actor=org.zhao, meeting=meeting, summary="确定Q3上线分工"
    )
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)

    with clock.frozen(at(9, 9, 18, 0)):
        version = minutes_services.minutes_approve(actor=org.wang, meeting=meeting)

    version.refresh_from_db()
    meeting.refresh_from_db()
    assert meeting.status == Status.APPROVED
    assert (version.number, version.reason, version.approved_by, version.approved_at) == (
        1,
        "",
        org.wang,
        at(9, 9, 18, 0),
    )
    assert version.distributed_at is None
    expected = expected_record(org, meeting, zhou_item, chen_item)
    expected["summary"] = "确定Q3上线分工"
    assert version.record == expected
    # the parts the source names, spelled out
    assert version.record["meeting"]["title"] == "Q3产品上线跨部门协作启动会"
    assert [t["title"] for t in version.record["topics"]] == [
        "产品需求优先级确认",
        "责任部门划分",
        "时间节点确认",
    ]
    assert [
        (p["department"], p["statement"]) for p in version.record["topics"][0]["positions"]
    ] == [("市场部", "用户调研显示核心需求为A、B、C，优先开发A"), ("销售部", "客户反馈需求D紧急")]
    assert [c["text"] for c in version.record["consensus"]] == [
        "先开发A，D列入二期",
        "研发部负责开发，设计部负责UI",
    ]
    assert [
        (a["owner"], a["department"], a["due_date"], a["resources"])
        for a in version.record["actions"]
    ] == [
        ("周工程师", "研发部", "2026-09-15", "测试服务器2台"),
        ("陈主管", "设计部", "2026-09-18", ""),
    ]
    event = last_audit()
    assert (event.verb, event.actor, event.data) == ("minutes.approved", org.wang, {"version": 1})


@pytest.mark.parametrize("who", ["zhao", "sun", "li"])
def test_approve_by_anyone_but_the_host_is_refused_s_post_2(org: Org, in_review: Meeting, who: str):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_approve, actor=getattr(org, who), meeting=in_review)

    assert (error.field, error.code) == (None, "forbidden")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)


def test_approve_by_an_administrator_s_post_2(org: Org, in_review: Meeting):
    version = minutes_services.minutes_approve(actor=org.admin, meeting=in_review)

    assert (version.number, version.approved_by) == (1, org.admin)


def test_approve_twice_is_refused_s_post_2(org: Org, approved: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_approve, actor=org.wang, meeting=approved)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert_unchanged(approved, Status.APPROVED, audits, versions=1)
    assert list(MinutesVersion.objects.values_list("number", "approved_at")) == [
        (1, at(9, 9, 18, 0))
    ]


def test_approve_before_submission_is_refused_s_post_2(org: Org, ended_meeting: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_approve, actor=org.wang, meeting=ended_meeting)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert_unchanged(ended_meeting, Status.MINUTES_DRAFT, audits)


# -- distribute (S-POST-2) --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sun", "wang", "zhao"])
def test_distribute_s_post_2(org: Org, approved: Meeting, who: str):
    """The organiser, the host or the recorder sends the approved version out."""
    with clock.frozen(at(9, 9, 19, 0)):
        version = minutes_services.minutes_distribute(actor=getattr(org, who), meeting=approved)

    approved.refresh_from_db()
    version.refresh_from_db()
    assert approved.status == Status.DISTRIBUTED
    assert Minutes.objects.get(meeting=approved).first_distributed_at == at(9, 9, 19, 0)
    assert (version.number, version.distributed_at) == (1, at(9, 9, 19, 0))
    event = last_audit()
    assert (event.verb, event.data) == ("minutes.distributed", {"version": 1})


@pytest.mark.parametrize("who", ["zhou", "outsider"])
def test_distribute_by_someone_else_is_refused_s_post_2(org: Org, approved: Meeting, who: str):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_distribute, actor=getattr(org, who), meeting=approved)

    assert (error.field, error.code) == (None, "forbidden")
    assert_unchanged(approved, Status.APPROVED, audits, versions=1)
    assert Minutes.objects.get(meeting=approved).first_distributed_at is None


def test_distribute_before_approval_is_refused_s_post_2(org: Org, in_review: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(minutes_services.minutes_distribute, actor=org.sun, meeting=in_review)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)
    assert Minutes.objects.get(meeting=in_review).first_distributed_at is None


# -- revisions: never a silent change (S-POST-2) ------------------------------------------------


def test_revision_needs_a_reason_s_post_2(org: Org, approved: Meeting):
    minutes_services.minutes_distribute(actor=org.sun, meeting=approved)
    audits = AuditEvent.objects.count()

    error = refusal(
        minutes_services.minutes_open_revision, actor=org.zhao, meeting=approved, reason="  "
    )

    assert (error.field, error.code) == ("reason", "required")
    assert_unchanged(approved, Status.DISTRIBUTED, audits, versions=1)
    minutes = Minutes.objects.get(meeting=approved)
    assert (minutes.version, minutes.revision_reason) == (1, "")


def test_revision_only_from_approved_minutes(org: Org, in_review: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(
        minutes_services.minutes_open_revision, actor=org.zhao, meeting=in_review, reason="改日期"
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert_unchanged(in_review, Status.IN_REVIEW, audits)


@pytest.mark.parametrize("who", ["zhou", "outsider"])
def test_revision_by_someone_else_is_refused(org: Org, approved: Meeting, who: str):
    audits = AuditEvent.objects.count()

    error = refusal(
        minutes_services.minutes_open_revision,
        actor=getattr(org, who),
        meeting=approved,
        reason="改日期",
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert_unchanged(approved, Status.APPROVED, audits, versions=1)


def test_second_version_keeps_the_first_s_post_2(org: Org, recorded):
    """A change after approval is version 2 with its reason; version 1 stays as approved and
    the first distribution time stays the first."""
    meeting, zhou_item, _chen_item = recorded
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    with clock.frozen(at(9, 9, 18, 0)):
        first = minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    with clock.frozen(at(9, 9, 19, 0)):
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)
    frozen_record = copy.deepcopy(MinutesVersion.objects.get(pk=first.pk).record)

    with clock.frozen(at(9, 11, 10, 0)):
        minutes = minutes_services.minutes_open_revision(
            actor=org.zhao, meeting=meeting, reason=" 研发工期调整 "
        )
        meeting.refresh_from_db()
        assert (meeting.status, minutes.version, minutes.revision_reason) == (
            Status.MINUTES_DRAFT,
            2,
            "研发工期调整",
        )
        actions.action_update(actor=org.zhao, action=zhou_item, due="9月30日前")
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
        second = minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    with clock.frozen(at(9, 11, 11, 0)):
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)

    assert list(
        MinutesVersion.objects.filter(minutes__meeting=meeting).values_list(
            "number", "reason", "approved_at", "distributed_at"
        )
    ) == [
        (1, "", at(9, 9, 18, 0), at(9, 9, 19, 0)),
        (2, "研发工期调整", at(9, 11, 10, 0), at(9, 11, 11, 0)),
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.record == frozen_record
    assert first.record["actions"][0]["due_date"] == "2026-09-15"
    assert second.record["actions"][0]["due_date"] == "2026-09-30"
    assert Minutes.objects.get(meeting=meeting).first_distributed_at == at(9, 9, 19, 0)
    meeting.refresh_from_db()
    assert meeting.status == Status.DISTRIBUTED


# -- late minutes (S-POST-1) ------------------------------------------------------------------


def _distribute(org: Org, meeting: Meeting, when: dt.datetime) -> Minutes:
    with clock.frozen(when):
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
        minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)
    return Minutes.objects.get(meeting=meeting)


@pytest.mark.parametrize(
    ("distributed", "late"),
    [
        (DUE_AT - dt.timedelta(minutes=1), False),
        (DUE_AT, False),  # exactly 24 hours after the end
        (DUE_AT + dt.timedelta(minutes=1), True),
    ],
    ids=["23h59", "24h", "24h01"],
)
def test_minutes_is_late_once_distributed_s_post_1(
    org: Org, ended_meeting: Meeting, distributed: dt.datetime, late: bool
):
    minutes = _distribute(org, ended_meeting, distributed)

    assert minutes.first_distributed_at == distributed
    assert minutes_is_late(minutes) is late
    assert minutes_is_late(minutes, now=distributed + dt.timedelta(days=30)) is late


@pytest.mark.parametrize(
    ("now", "late"),
    [(DUE_AT, False), (DUE_AT + dt.timedelta(minutes=1), True)],
    ids=["24h", "24h01"],
)
def test_minutes_is_late_while_undistributed_s_post_1(
    ended_meeting: Meeting, now: dt.datetime, late: bool
):
    minutes = Minutes.objects.get(meeting=ended_meeting)

    assert minutes_is_late(minutes, now=now) is late
    with clock.frozen(now):
        assert minutes_is_late(minutes) is late


def _ended(org: Org, title: str, starts_at: dt.datetime) -> Meeting:
    """A one-topic, one-hour meeting, run and ended through the services."""
    meeting = meetings.meeting_create(
        actor=org.sun,
        title=title,
        starts_at=starts_at,
        duration_minutes=60,
        host=org.wang,
        recorder=org.zhao,
    )
    meetings.topic_add(actor=org.sun, meeting=meeting, title="进度同步", planned_minutes=30)
    meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.zhou, role=Participant.Role.EXECUTOR
    )
    meetings.meeting_schedule(actor=org.sun, meeting=meeting)
    with clock.frozen(starts_at):
        live.meeting_start(actor=org.wang, meeting=meeting)
    with clock.frozen(starts_at + dt.timedelta(minutes=60)):
        close_topics(org, meeting)
        live.meeting_end(actor=org.wang, meeting=meeting)
    return meeting


def test_minutes_late_lists_the_undistributed_past_due_s_post_1(org: Org, ended_meeting: Meeting):
    """Late and still not out: the input of the "minutes late" rule. Minutes that went out,
    even late, are no longer waited for; minutes not yet due are not late."""
    on_time = _ended(org, "周例会A", at(9, 9, 10, 0))  # due 9/10 11:00
    _distribute(org, on_time, at(9, 9, 18, 0))
    went_out_late = _ended(org, "周例会B", at(9, 8, 10, 0))  # due 9/9 11:00
    _distribute(org, went_out_late, at(9, 10, 9, 0))
    not_yet_due = _ended(org, "周例会C", at(9, 10, 10, 0))  # due 9/11 11:00

    def late(now: dt.datetime) -> set[str]:
        return {minutes.meeting.title for minutes in minutes_late(now=now)}

    assert late(at(9, 10, 15, 25)) == set()  # the launch meeting's minutes are due now
    assert late(at(9, 10, 15, 26)) == {"Q3产品上线跨部门协作启动会"}
    assert late(at(9, 11, 11, 1)) == {"Q3产品上线跨部门协作启动会", "周例会C"}
    with clock.frozen(at(9, 10, 16, 0)):
        assert {m.meeting.title for m in minutes_late()} == {"Q3产品上线跨部门协作启动会"}
    assert [
        minutes_is_late(Minutes.objects.get(meeting=m), now=at(9, 10, 16, 0))
        for m in (ended_meeting, on_time, went_out_late, not_yet_due)
    ] == [True, False, True, False]


@pytest.mark.parametrize(
    ("service", "extra"),
    [
        (minutes_services.minutes_update_summary, {"summary": "纪要"}),
        (minutes_services.minutes_submit, {}),
        (minutes_services.minutes_return, {"comment": "请补充"}),
        (minutes_services.minutes_approve, {}),
        (minutes_services.minutes_distribute, {}),
        (minutes_services.minutes_open_revision, {"reason": "补充"}),
    ],
)
def test_minutes_moves_before_the_meeting_ended_are_refused_s_post_1(
    org: Org, scheduled_meeting: Meeting, service, extra: dict
):
    """S-POST-1: the minutes begin when the meeting ends; before that there is nothing to move."""
    audits = AuditEvent.objects.count()
    with pytest.raises(AppError) as error:
        service(actor=org.admin, meeting=scheduled_meeting, **extra)
    assert (error.value.field, error.value.code) == ("status", "illegal_state")
    assert str(error.value) == "This meeting has no minutes yet: they start when the meeting ends."
    assert Minutes.objects.count() == 0
    assert AuditEvent.objects.count() == audits
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.status == Meeting.Status.SCHEDULED
