"""Action items through their life: captured in the meeting (S-MEET-4), changed only while the
minutes are written, tracked (S-TRACK-2), explained and re-planned when overdue (S-TRACK-3)
and confirmed by their owner (S-POST-3)."""

import datetime as dt

import pytest
from django.utils import timezone

from accord.actions import rules, tracking
from accord.actions import selectors as action_selectors
from accord.actions import services as actions
from accord.actions.models import ActionItem, ActionUpdate, OverdueReason, Signature
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.meetings.models import Meeting
from accord.minutes import services as minutes_services
from accord.org import services as org_services
from accord.org.models import Person
from tests.conftest import STARTS, Org

Status = ActionItem.Status
DUE = dt.date(2026, 9, 15)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware moment in 2026, Shanghai time."""
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def last_audit() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def refusal(call, **kwargs) -> AppError:
    with pytest.raises(AppError) as caught:
        call(**kwargs)
    return caught.value


@pytest.fixture
def action(org: Org, running_meeting: Meeting) -> ActionItem:
    """Zhou's item, captured by the recorder half an hour into the meeting."""
    with clock.frozen(STARTS + dt.timedelta(minutes=30)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案初稿",
            owner=org.zhou,
            due="9月15日前",
            resources="测试服务器2台",
            topic=running_meeting.topics.get(order=1),
        )


@pytest.fixture
def approved_meeting(org: Org, action: ActionItem, ended_meeting: Meeting) -> Meeting:
    """The meeting of ``action``, ended, its minutes submitted and approved as version 1."""
    with clock.frozen(at(9, 9, 16, 0)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    with clock.frozen(at(9, 9, 17, 0)):
        minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
    return ended_meeting


# -- capture in the meeting (S-MEET-4) ------------------------------------------------------


def test_action_create_stores_each_field_s_meet_4(org: Org, running_meeting: Meeting):
    """S-MEET-4: task, owner, department, a real due date and the resources, as said."""
    topic = running_meeting.topics.get(order=1)
    audits = AuditEvent.objects.count()

    action = actions.action_create(
        actor=org.zhao,
        meeting=running_meeting,
        task="  提交技术方案初稿 ",
        owner=org.zhou,
        due="9月15日前",
        resources=" 测试服务器2台 ",
        topic=topic,
    )

    action.refresh_from_db()
    assert action.meeting == running_meeting
    assert action.task == "提交技术方案初稿"
    assert action.owner == org.zhou
    assert action.department == org.rnd  # the owner's department, by default
    assert action.due_date == dt.date(2026, 9, 15)
    assert action.due_text == "9月15日前"
    assert action.resources == "测试服务器2台"
    assert action.topic == topic
    assert action.status == Status.OPEN
    assert action.progress == 0
    assert action.completed_at is None
    assert action.minutes_version == 1
    assert AuditEvent.objects.count() == audits + 1
    event = last_audit()
    assert (event.verb, event.actor, event.subject_id, event.meeting) == (
        "action.created",
        org.zhao,
        action.pk,
        running_meeting,
    )
    assert event.data == {"owner": org.zhou.pk, "department": org.rnd.pk, "due_date": "2026-09-15"}


def test_action_create_by_host_with_explicit_department_and_date_s_meet_4(
    org: Org, running_meeting: Meeting
):
    """The host may record too; a named department wins over the owner's; a date is kept as is."""
    action = actions.action_create(
        actor=org.wang,
        meeting=running_meeting,
        task="设计稿评审",
        owner=org.zhou,
        department=org.design,
        due=dt.date(2026, 9, 9),  # the meeting day itself is allowed
    )

    action.refresh_from_db()
    assert (
        action.department,
        action.due_date,
        action.due_text,
        action.topic,
        action.resources,
    ) == (
        org.design,
        dt.date(2026, 9, 9),
        "",
        None,
        "",
    )


def test_action_create_refuses_vague_due_date_s_meet_4(org: Org, running_meeting: Meeting):
    """S-MEET-4: "尽快完成" is not a due date; nothing is saved."""
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=running_meeting,
        task="提交技术方案初稿",
        owner=org.zhou,
        due="尽快",
    )

    assert (error.field, error.code) == ("due_date", "vague_due_date")
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (
            dt.date(2026, 9, 8),
            "The due date 2026-09-08 is before the meeting date 2026-09-09. "
            "Choose 2026-09-09 or a later date.",
        ),
        (
            "2026-09-08",
            "The due date 2026-09-08 is before the meeting date 2026-09-09. "
            "Choose 2026-09-09 or a later date.",
        ),
    ],
    ids=["date", "text"],
)
def test_action_create_refuses_due_date_before_the_meeting_s_meet_4(
    org: Org, running_meeting: Meeting, due, message: str
):
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=running_meeting,
        task="提交技术方案初稿",
        owner=org.zhou,
        due=due,
    )

    assert (error.field, error.code) == ("due_date", "due_date_before_meeting")
    assert str(error) == message
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("who", ["outsider", "zhou", "sun"])
def test_action_create_only_by_recorder_or_host_s_meet_4(
    org: Org, running_meeting: Meeting, who: str
):
    """Neither a stranger, nor a participant, nor the organiser writes the record."""
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=getattr(org, who),
        meeting=running_meeting,
        task="提交技术方案初稿",
        owner=org.zhou,
        due="9月15日前",
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_action_create_needs_a_task(org: Org, running_meeting: Meeting):
    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=running_meeting,
        task="   ",
        owner=org.zhou,
        due="9月15日前",
    )

    assert (error.field, error.code) == ("task", "required")
    assert ActionItem.objects.count() == 0


@pytest.fixture
def departed(org: Org) -> Person:
    """A former R&D engineer whose account is switched off."""
    person = org_services.person_create(
        actor=org.admin, username="wu", name="吴工程师", department=org.rnd, title="工程师"
    )
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    return person


def test_action_create_refuses_an_inactive_owner(
    org: Org, running_meeting: Meeting, departed: Person
):
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=running_meeting,
        task="提交技术方案初稿",
        owner=departed,
        due="9月15日前",
    )

    assert (error.field, error.code) == ("owner", "inactive")
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_action_create_before_the_meeting_starts_is_refused(org: Org, scheduled_meeting: Meeting):
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=scheduled_meeting,
        task="提交技术方案初稿",
        owner=org.zhou,
        due="9月15日前",
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert ActionItem.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_action_create_while_minutes_are_written_s_meet_4(org: Org, ended_meeting: Meeting):
    """The recorder may still complete the action plan before submitting the minutes."""
    action = actions.action_create(
        actor=org.zhao,
        meeting=ended_meeting,
        task="整理用户调研报告",
        owner=org.zhang,
        due="9月18日前",
    )

    action.refresh_from_db()
    assert (action.department, action.due_date, action.minutes_version) == (
        org.marketing,
        dt.date(2026, 9, 18),
        1,
    )


@pytest.mark.parametrize("distributed", [False, True], ids=["approved", "distributed"])
def test_action_create_after_approval_is_frozen_until_a_revision_s_post_2(
    org: Org, approved_meeting: Meeting, distributed: bool
):
    """Approved minutes never change silently: a new item needs a new version, and carries
    its number."""
    if distributed:
        minutes_services.minutes_distribute(actor=org.sun, meeting=approved_meeting)
    before = list(ActionItem.objects.values_list("pk", flat=True))
    audits = AuditEvent.objects.count()

    error = refusal(
        actions.action_create,
        actor=org.zhao,
        meeting=approved_meeting,
        task="补充竞品分析",
        owner=org.zhang,
        due="9月20日前",
    )

    assert (error.field, error.code) == ("status", "minutes_frozen")
    assert list(ActionItem.objects.values_list("pk", flat=True)) == before
    assert AuditEvent.objects.count() == audits

    minutes_services.minutes_open_revision(
        actor=org.zhao, meeting=approved_meeting, reason="遗漏一项行动"
    )
    added = actions.action_create(
        actor=org.zhao,
        meeting=approved_meeting,
        task="补充竞品分析",
        owner=org.zhang,
        due="9月20日前",
    )

    added.refresh_from_db()
    assert (added.minutes_version, added.due_date, added.department) == (
        2,
        dt.date(2026, 9, 20),
        org.marketing,
    )
    assert ActionItem.objects.get(task="提交技术方案初稿").minutes_version == 1


# -- corrections while recording --------------------------------------------------------------


def test_action_update_while_minutes_are_written(
    org: Org, action: ActionItem, ended_meeting: Meeting
):
    updated = actions.action_update(
        actor=org.zhao,
        action=action,
        task="提交技术方案终稿",
        owner=org.li,
        due="9月30日前",
        resources="测试服务器4台",
    )

    updated.refresh_from_db()
    assert (
        updated.task,
        updated.owner,
        updated.department,
        updated.due_date,
        updated.due_text,
        updated.resources,
    ) == ("提交技术方案终稿", org.li, org.rnd, dt.date(2026, 9, 30), "9月30日前", "测试服务器4台")
    event = last_audit()
    assert (event.verb, event.subject_id) == ("action.updated", action.pk)
    # what changed: Li is of R&D as Zhou is, so the department did not change
    assert event.data == {
        "task": "提交技术方案终稿",
        "owner": org.li.pk,
        "due_date": "2026-09-30",
        "due_text": "9月30日前",
        "resources": "测试服务器4台",
    }


def test_action_update_refuses_an_inactive_owner(org: Org, action: ActionItem, departed: Person):
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_update, actor=org.zhao, action=action, owner=departed)

    assert (error.field, error.code) == ("owner", "inactive")
    action.refresh_from_db()
    assert action.owner == org.zhou
    assert AuditEvent.objects.count() == audits


def test_action_update_refuses_a_vague_due_date(org: Org, action: ActionItem):
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_update, actor=org.zhao, action=action, due="待定")

    assert (error.field, error.code) == ("due_date", "vague_due_date")
    action.refresh_from_db()
    assert (action.due_date, action.due_text) == (DUE, "9月15日前")
    assert AuditEvent.objects.count() == audits


def test_action_update_in_review_is_refused(org: Org, action: ActionItem, ended_meeting: Meeting):
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_update, actor=org.zhao, action=action, task="改个说法")

    assert (error.field, error.code) == ("status", "illegal_state")
    action.refresh_from_db()
    assert action.task == "提交技术方案初稿"
    assert AuditEvent.objects.count() == audits


def test_action_update_after_approval_is_frozen(
    org: Org, action: ActionItem, approved_meeting: Meeting
):
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_update, actor=org.zhao, action=action, due="9月30日前")

    assert (error.field, error.code) == ("status", "minutes_frozen")
    action.refresh_from_db()
    assert action.due_date == DUE
    assert AuditEvent.objects.count() == audits


def test_action_update_by_a_participant_is_refused(org: Org, action: ActionItem):
    error = refusal(actions.action_update, actor=org.zhou, action=action, due="9月30日前")

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.due_date == DUE


def test_action_remove_while_recording(org: Org, action: ActionItem, running_meeting: Meeting):
    pk = action.pk

    actions.action_remove(actor=org.zhao, action=action)

    assert not ActionItem.objects.filter(pk=pk).exists()
    event = last_audit()
    assert (event.verb, event.subject_id, event.meeting, event.data) == (
        "action.removed",
        pk,
        running_meeting,
        {"task": "提交技术方案初稿"},
    )


@pytest.mark.parametrize(
    ("stage", "code"),
    [("approved", "minutes_frozen"), ("in_review", "illegal_state")],
)
def test_action_remove_outside_recording_is_refused(
    org: Org, action: ActionItem, ended_meeting: Meeting, stage: str, code: str
):
    minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    if stage == "approved":
        minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_remove, actor=org.zhao, action=action)

    assert (error.field, error.code) == ("status", code)
    assert ActionItem.objects.filter(pk=action.pk).exists()
    assert AuditEvent.objects.count() == audits


# -- status (S-TRACK-2) -----------------------------------------------------------------------


def test_status_open_to_in_progress_to_done_s_track_2(org: Org, action: ActionItem):
    """S-TRACK-2: the owner moves the item along; done records when and sets 100 %."""
    with clock.frozen(at(9, 10, 10, 0)):
        tracking.action_set_status(actor=org.zhou, action=action, status=Status.IN_PROGRESS)
    action.refresh_from_db()
    assert (action.status, action.completed_at, action.progress) == (Status.IN_PROGRESS, None, 0)

    with clock.frozen(at(9, 14, 18, 30)):
        tracking.action_set_status(
            actor=org.zhou, action=action, status=Status.DONE, note="技术方案已提交，符合要求"
        )

    action.refresh_from_db()
    assert (action.status, action.completed_at, action.progress) == (
        Status.DONE,
        at(9, 14, 18, 30),
        100,
    )
    assert list(
        action.updates.values_list(
            "kind", "author", "created_at", "old_status", "new_status", "text"
        )
    ) == [
        ("status", org.zhou.pk, at(9, 10, 10, 0), "open", "in_progress", ""),
        (
            "status",
            org.zhou.pk,
            at(9, 14, 18, 30),
            "in_progress",
            "done",
            "技术方案已提交，符合要求",
        ),
    ]
    event = last_audit()
    assert (event.verb, event.data) == ("action.status", {"from": "in_progress", "to": "done"})


def test_status_done_to_cancelled_is_refused_s_track_2(org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE)
    updates, audits = ActionUpdate.objects.count(), AuditEvent.objects.count()

    error = refusal(
        tracking.action_set_status, actor=org.sun, action=action, status=Status.CANCELLED
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert str(error) == "An item that is Done cannot become Cancelled."
    action.refresh_from_db()
    assert (action.status, action.progress) == (Status.DONE, 100)
    assert (ActionUpdate.objects.count(), AuditEvent.objects.count()) == (updates, audits)


def test_status_unknown_value_is_refused(org: Org, action: ActionItem):
    error = refusal(tracking.action_set_status, actor=org.zhou, action=action, status="paused")

    assert (error.field, error.code) == ("status", "invalid")
    action.refresh_from_db()
    assert action.status == Status.OPEN


@pytest.mark.parametrize("who", ["outsider", "zhang", "zhao"])
def test_status_change_by_someone_else_is_refused_s_track_2(org: Org, action: ActionItem, who: str):
    """Not the owner, not their head, not on the organiser side: refused."""
    audits = AuditEvent.objects.count()

    error = refusal(
        tracking.action_set_status,
        actor=getattr(org, who),
        action=action,
        status=Status.IN_PROGRESS,
    )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert ActionUpdate.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_status_change_by_the_owners_head(org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.li, action=action, status=Status.IN_PROGRESS)

    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS


def test_cancel_by_the_owner_is_refused_s_track_3(org: Org, action: ActionItem):
    audits = AuditEvent.objects.count()

    error = refusal(
        tracking.action_set_status, actor=org.zhou, action=action, status=Status.CANCELLED
    )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert AuditEvent.objects.count() == audits


def test_cancel_by_the_organiser_s_track_3(org: Org, action: ActionItem):
    tracking.action_set_status(
        actor=org.sun, action=action, status=Status.CANCELLED, note="需求取消"
    )

    action.refresh_from_db()
    assert (action.status, action.completed_at) == (Status.CANCELLED, None)
    assert list(action.updates.values_list("old_status", "new_status", "text")) == [
        ("open", "cancelled", "需求取消")
    ]


def test_cancel_an_item_in_progress_by_the_owner_is_refused_s_track_3(org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.zhou, action=action, status=Status.IN_PROGRESS)

    error = refusal(
        tracking.action_set_status, actor=org.zhou, action=action, status=Status.CANCELLED
    )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS


# -- progress (S-TRACK-2) ---------------------------------------------------------------------


def test_report_progress_s_track_2(org: Org, action: ActionItem):
    with clock.frozen(at(9, 12, 17, 0)):
        update = tracking.action_report_progress(
            actor=org.zhou, action=action, progress=40, note=" 完成架构设计 "
        )

    update.refresh_from_db()
    assert (
        update.action,
        update.author,
        update.created_at,
        update.kind,
        update.progress,
        update.text,
    ) == (action, org.zhou, at(9, 12, 17, 0), ActionUpdate.Kind.PROGRESS, 40, "完成架构设计")
    action.refresh_from_db()
    assert (action.progress, action.status) == (40, Status.IN_PROGRESS)
    event = last_audit()
    assert (event.verb, event.data) == ("action.progress", {"progress": 40})


@pytest.mark.parametrize("progress", [0, 100])
def test_report_progress_accepts_the_bounds_s_track_2(org: Org, action: ActionItem, progress: int):
    tracking.action_report_progress(actor=org.zhou, action=action, progress=progress, note="更新")

    action.refresh_from_db()
    assert action.progress == progress


@pytest.mark.parametrize("progress", [-1, 101, True, "50"])
def test_report_progress_outside_0_to_100_is_refused(org: Org, action: ActionItem, progress):
    audits = AuditEvent.objects.count()

    error = refusal(
        tracking.action_report_progress, actor=org.zhou, action=action, progress=progress, note="x"
    )

    assert (error.field, error.code) == ("progress", "invalid")
    action.refresh_from_db()
    assert action.progress == 0
    assert ActionUpdate.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_report_progress_unchanged_needs_a_note_s_track_2(org: Org, action: ActionItem):
    tracking.action_report_progress(actor=org.zhou, action=action, progress=40, note="")

    error = refusal(tracking.action_report_progress, actor=org.zhou, action=action, progress=40)

    assert (error.field, error.code) == ("text", "required")
    assert ActionUpdate.objects.count() == 1

    tracking.action_report_progress(actor=org.zhou, action=action, progress=40, note="等待评审")
    assert list(action.updates.values_list("progress", "text")) == [(40, ""), (40, "等待评审")]


def test_report_progress_on_a_done_item_is_refused(org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE)

    error = refusal(
        tracking.action_report_progress, actor=org.zhou, action=action, progress=50, note="x"
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    action.refresh_from_db()
    assert action.progress == 100
    assert ActionUpdate.objects.filter(kind=ActionUpdate.Kind.PROGRESS).count() == 0


def test_report_progress_by_an_outsider_is_refused(org: Org, action: ActionItem):
    error = refusal(
        tracking.action_report_progress, actor=org.outsider, action=action, progress=50, note="x"
    )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.progress == 0
    assert ActionUpdate.objects.count() == 0


# -- overdue: the reason and the re-plan (S-TRACK-3) ----------------------------------------------

AFTER_DUE = at(9, 16, 10, 0)  # the day after the due date


def test_overdue_reason_while_not_overdue_is_refused_s_track_3(org: Org, action: ActionItem):
    """On the due date itself the item is not yet overdue."""
    with clock.frozen(at(9, 15, 23, 59)):
        error = refusal(
            tracking.action_report_overdue_reason,
            actor=org.zhou,
            action=action,
            reason=OverdueReason.RESOURCES,
        )

    assert (error.field, error.code) == ("reason", "illegal_state")
    action.refresh_from_db()
    assert action.overdue_reason == ""
    assert ActionUpdate.objects.count() == 0


@pytest.mark.parametrize("who", ["zhou", "li"])
def test_overdue_reason_by_owner_or_head_s_track_3(org: Org, action: ActionItem, who: str):
    author = getattr(org, who)
    with clock.frozen(AFTER_DUE):
        update = tracking.action_report_overdue_reason(
            actor=author, action=action, reason=OverdueReason.RESOURCES, text="测试服务器未到位"
        )

    update.refresh_from_db()
    assert (update.kind, update.author, update.created_at, update.reason, update.text) == (
        ActionUpdate.Kind.OVERDUE_REASON,
        author,
        AFTER_DUE,
        "resources",
        "测试服务器未到位",
    )
    action.refresh_from_db()
    assert (action.overdue_reason, action.overdue_reason_text) == ("resources", "测试服务器未到位")


@pytest.mark.parametrize("who", ["sun", "outsider", "zhao"])
def test_overdue_reason_by_anyone_else_is_refused_s_track_3(org: Org, action: ActionItem, who: str):
    audits = AuditEvent.objects.count()
    with clock.frozen(AFTER_DUE):
        error = refusal(
            tracking.action_report_overdue_reason,
            actor=getattr(org, who),
            action=action,
            reason=OverdueReason.RESOURCES,
        )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.overdue_reason == ""
    assert AuditEvent.objects.count() == audits


def test_overdue_reason_other_needs_text_s_track_3(org: Org, action: ActionItem):
    with clock.frozen(AFTER_DUE):
        error = refusal(
            tracking.action_report_overdue_reason,
            actor=org.zhou,
            action=action,
            reason=OverdueReason.OTHER,
            text="  ",
        )
        assert (error.field, error.code) == ("text", "required")
        action.refresh_from_db()
        assert action.overdue_reason == ""

        tracking.action_report_overdue_reason(
            actor=org.zhou, action=action, reason=OverdueReason.OTHER, text="负责人病假"
        )

    action.refresh_from_db()
    assert (action.overdue_reason, action.overdue_reason_text) == ("other", "负责人病假")


def test_overdue_reason_must_be_from_the_list(org: Org, action: ActionItem):
    with clock.frozen(AFTER_DUE):
        error = refusal(
            tracking.action_report_overdue_reason, actor=org.zhou, action=action, reason="lazy"
        )

    assert (error.field, error.code) == ("reason", "invalid")
    assert ActionUpdate.objects.count() == 0


def test_replan_s_track_3(org: Org, action: ActionItem):
    """S-TRACK-3: the organiser adjusts the plan; history kept, the item is on track again and
    the rules read the new date."""
    with clock.frozen(AFTER_DUE):
        tracking.action_report_overdue_reason(
            actor=org.zhou, action=action, reason=OverdueReason.RESOURCES, text="服务器未到位"
        )
        assert rules.is_overdue(action)

        update = tracking.action_replan(
            actor=org.sun, action=action, due="9月25日前", reason=" 服务器9月22日到货 "
        )

        update.refresh_from_db()
        assert (
            update.kind,
            update.author,
            update.created_at,
            update.old_due_date,
            update.new_due_date,
            update.text,
        ) == (
            ActionUpdate.Kind.REPLAN,
            org.sun,
            AFTER_DUE,
            DUE,
            dt.date(2026, 9, 25),
            "服务器9月22日到货",
        )
        action.refresh_from_db()
        assert (action.due_date, action.due_text) == (dt.date(2026, 9, 25), "9月25日前")
        assert (action.overdue_reason, action.overdue_reason_text) == ("", "")
        assert not rules.is_overdue(action)
        assert list(action_selectors.actions_overdue()) == []
        assert list(action_selectors.actions_awaiting_status()) == []
        assert list(action_selectors.actions_overdue_without_reason()) == []
    assert list(action_selectors.actions_due_for_reminder(today=dt.date(2026, 9, 22))) == [action]
    event = last_audit()
    assert (event.verb, event.data) == (
        "action.replanned",
        {"from": "2026-09-15", "to": "2026-09-25", "reason": "服务器9月22日到货"},
    )


def test_replan_reads_relative_dates_from_today(org: Org, action: ActionItem):
    """ "下周五" on Wednesday 16 September is Friday 25 September."""
    with clock.frozen(AFTER_DUE):
        tracking.action_replan(actor=org.wang, action=action, due="下周五", reason="延期一周")

    action.refresh_from_db()
    assert action.due_date == dt.date(2026, 9, 25)


@pytest.mark.parametrize("who", ["zhou", "li", "zhao", "outsider"])
def test_replan_only_by_the_organiser_s_track_3(org: Org, action: ActionItem, who: str):
    audits = AuditEvent.objects.count()
    with clock.frozen(AFTER_DUE):
        error = refusal(
            tracking.action_replan,
            actor=getattr(org, who),
            action=action,
            due="9月25日前",
            reason="延期",
        )

    assert (error.field, error.code) == (None, "forbidden")
    action.refresh_from_db()
    assert action.due_date == DUE
    assert ActionUpdate.objects.count() == 0
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize(
    ("when", "due", "reason", "field", "code"),
    [
        (AFTER_DUE, "9月25日前", "  ", "reason", "required"),
        (at(9, 10), dt.date(2026, 9, 15), "延期", "due_date", "unchanged"),
        (AFTER_DUE, dt.date(2026, 9, 15), "延期", "due_date", "due_date_before_meeting"),
        (AFTER_DUE, "2026-09-14", "延期", "due_date", "due_date_before_meeting"),
        (AFTER_DUE, "尽快", "延期", "due_date", "vague_due_date"),
    ],
    ids=["no-reason", "same-date", "past-date", "past-text", "vague"],
)
def test_replan_refusals_s_track_3(
    org: Org, action: ActionItem, when: dt.datetime, due, reason: str, field: str, code: str
):
    audits = AuditEvent.objects.count()
    with clock.frozen(when):
        error = refusal(
            tracking.action_replan, actor=org.sun, action=action, due=due, reason=reason
        )

    assert (error.field, error.code) == (field, code)
    action.refresh_from_db()
    assert (action.due_date, action.due_text) == (DUE, "9月15日前")
    assert ActionUpdate.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_replan_a_done_item_is_refused(org: Org, action: ActionItem):
    tracking.action_set_status(actor=org.zhou, action=action, status=Status.DONE)

    error = refusal(
        tracking.action_replan, actor=org.sun, action=action, due="9月25日前", reason="延期"
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    action.refresh_from_db()
    assert action.due_date == DUE
    assert ActionUpdate.objects.filter(kind=ActionUpdate.Kind.REPLAN).count() == 0


# -- sign-off (S-POST-3) ----------------------------------------------------------------------


def test_sign_by_the_owner_after_approval_s_post_3(
    org: Org, action: ActionItem, approved_meeting: Meeting
):
    with clock.frozen(at(9, 10, 9, 30)):
        signature = actions.action_sign(actor=org.zhou, action=action)

    signature.refresh_from_db()
    assert (signature.action, signature.person, signature.version, signature.signed_at) == (
        action,
        org.zhou,
        1,
        at(9, 10, 9, 30),
    )
    event = last_audit()
    assert (event.verb, event.actor, event.subject_id, event.data) == (
        "action.signed",
        org.zhou,
        action.pk,
        {"version": 1},
    )


@pytest.mark.parametrize("who", ["zhao", "wang", "li", "sun"])
def test_sign_for_someone_else_is_refused_s_post_3(
    org: Org, action: ActionItem, approved_meeting: Meeting, who: str
):
    """Not the recorder, not the host, not the owner's head, not the organiser."""
    audits = AuditEvent.objects.count()

    error = refusal(actions.action_sign, actor=getattr(org, who), action=action)

    assert (error.field, error.code) == (None, "forbidden")
    assert Signature.objects.count() == 0
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("stage", ["minutes_draft", "in_review"])
def test_sign_before_approval_is_refused_s_post_3(
    org: Org, action: ActionItem, ended_meeting: Meeting, stage: str
):
    if stage == "in_review":
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)

    error = refusal(actions.action_sign, actor=org.zhou, action=action)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert Signature.objects.count() == 0


def test_sign_twice_is_refused_s_post_3(org: Org, action: ActionItem, approved_meeting: Meeting):
    with clock.frozen(at(9, 10, 9, 30)):
        actions.action_sign(actor=org.zhou, action=action)
    audits = AuditEvent.objects.count()

    with clock.frozen(at(9, 11, 9, 30)):
        error = refusal(actions.action_sign, actor=org.zhou, action=action)

    assert (error.field, error.code) == (None, "already_signed")
    assert list(Signature.objects.values_list("action", "version", "signed_at")) == [
        (action.pk, 1, at(9, 10, 9, 30))
    ]
    assert AuditEvent.objects.count() == audits


def test_sign_after_distribution_s_post_3(org: Org, action: ActionItem, approved_meeting: Meeting):
    minutes_services.minutes_distribute(actor=org.sun, meeting=approved_meeting)

    signature = actions.action_sign(actor=org.zhou, action=action)

    assert (signature.person, signature.version) == (org.zhou, 1)


def test_sign_records_the_latest_approved_version_s_post_3(
    org: Org, action: ActionItem, approved_meeting: Meeting
):
    minutes_services.minutes_open_revision(
        actor=org.zhao, meeting=approved_meeting, reason="遗漏一项行动"
    )
    added = actions.action_create(
        actor=org.zhao,
        meeting=approved_meeting,
        task="补充竞品分析",
        owner=org.zhou,
        due="9月20日前",
    )
    error = refusal(actions.action_sign, actor=org.zhou, action=added)
    assert (error.field, error.code) == ("status", "illegal_state")

    minutes_services.minutes_submit(actor=org.zhao, meeting=approved_meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=approved_meeting)
    with clock.frozen(at(9, 11, 8, 0)):
        signature = actions.action_sign(actor=org.zhou, action=added)

    assert (signature.version, signature.signed_at) == (2, at(9, 11, 8, 0))
