"""The meeting services: planning (S-PREP-*), the meeting itself (S-MEET-*) and its end.

The organisation and the meetings come from ``tests/conftest.py``: sun (PMO, organiser),
wang (marketing head, host), zhao (office, recorder), outsider (finance, takes no part). The
clock stands at Monday 2026-09-07 09:00 Shanghai time; the meeting starts Wednesday 14:00.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.errors import AppError
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import (
    CopiedDepartment,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepAnswer,
    TopicOutcome,
)
from accord.meetings.rules import MeetingIncomplete, meeting_missing
from accord.minutes import services as minutes_services
from accord.minutes.models import Minutes
from accord.org import services as org_services
from accord.org.models import Person
from tests.conftest import NOW, STARTS, Org, close_topics

Status = Meeting.Status
Outcome = TopicOutcome.Kind


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in September 2026, Shanghai time."""
    return timezone.make_aware(dt.datetime(2026, 9, day, hour, minute))


def refuse(service, /, **kwargs) -> AppError:
    """Call a service that must refuse; a refused call leaves no audit event behind."""
    events = AuditEvent.objects.count()
    with pytest.raises(AppError) as caught:
        service(**kwargs)
    assert AuditEvent.objects.count() == events
    return caught.value


def verbs(meeting: Meeting) -> list[str]:
    return list(
        AuditEvent.objects.filter(meeting=meeting).order_by("id").values_list("verb", flat=True)
    )


def agenda(meeting: Meeting) -> list[tuple[int, str]]:
    return list(meeting.topics.order_by("order").values_list("order", "title"))


def deactivate(person: Person) -> Person:
    # No service deactivates people yet; this is the state an administrator leaves behind.
    Person.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    return person


def bare_meeting(org: Org, *, actor: Person | None = None, **fields) -> Meeting:
    """A draft with host and recorder but no topics and no participants."""
    return meetings.meeting_create(
        actor=actor or org.sun,
        title=fields.pop("title", "流程优化研讨会"),
        starts_at=fields.pop("starts_at", STARTS),
        **{"host": org.wang, "recorder": org.zhao, **fields},
    )


# -- meeting_create (S-KIND-*, S-PREP-1) ------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(Meeting.Kind.KICKOFF, id="S-KIND-1-kickoff"),
        pytest.param(Meeting.Kind.PROBLEM, id="S-KIND-2-problem"),
        pytest.param(Meeting.Kind.PROCESS, id="S-KIND-3-process"),
        pytest.param(Meeting.Kind.RESOURCES, id="S-KIND-4-resources"),
        pytest.param(Meeting.Kind.ALIGNMENT, id="S-KIND-5-alignment"),
    ],
)
def test_meeting_of_each_kind_can_be_created(org, kind):
    """S-KIND-1, S-KIND-2, S-KIND-3, S-KIND-4, S-KIND-5: every kind the source names."""
    meeting = meetings.meeting_create(
        actor=org.sun, title="跨部门会议", starts_at=STARTS, kind=kind
    )

    meeting.refresh_from_db()
    assert meeting.kind == kind
    assert meeting.status == Status.DRAFT


def test_meeting_create_with_unknown_kind_is_refused(org):
    """S-KIND-1..S-KIND-5 are the only kinds; anything else creates nothing."""
    error = refuse(
        meetings.meeting_create, actor=org.sun, title="跨部门会议", starts_at=STARTS, kind="party"
    )

    assert (error.field, error.code, error.message) == (
        "kind",
        "invalid",
        "Unknown kind of meeting.",
    )
    assert Meeting.objects.count() == 0


def test_meeting_create_stores_the_plan_and_makes_the_actor_organiser(org):
    """S-PREP-1: the organiser states one core goal; S-PREP-5: length and host."""
    meeting = meetings.meeting_create(
        actor=org.sun,
        title="  Q3产品上线跨部门协作启动会 ",
        goal=" 确定Q3产品上线分工 ",
        kind=Meeting.Kind.KICKOFF,
        starts_at=STARTS,
        duration_minutes=90,
        location=" 3号会议室 ",
        online_link="https://meeting.tencent.com/dm/618",
        online_meeting_number="618-2023-815",
        host=org.wang,
        recorder=org.zhao,
    )

    meeting.refresh_from_db()
    assert meeting.title == "Q3产品上线跨部门协作启动会"
    assert meeting.goal == "确定Q3产品上线分工"
    assert meeting.starts_at == STARTS
    assert meeting.ends_at == at(9, 15, 30)
    assert meeting.duration_minutes == 90
    assert meeting.location == "3号会议室"
    assert meeting.online_link == "https://meeting.tencent.com/dm/618"
    assert meeting.online_meeting_number == "618-2023-815"
    assert meeting.organiser == org.sun
    assert meeting.organiser_department == org.office  # the organiser's own department
    assert (meeting.host, meeting.recorder) == (org.wang, org.zhao)
    assert meeting.status == Status.DRAFT
    assert meeting.confidential is False
    event = AuditEvent.objects.get(meeting=meeting)
    assert (event.verb, event.actor, event.subject_type, event.subject_id, event.data) == (
        "meeting.created",
        org.sun,
        "meetings.meeting",
        meeting.pk,
        {},
    )


@pytest.mark.parametrize(
    ("fields", "field", "code", "message"),
    [
        ({"title": ""}, "title", "required", "A meeting needs a name."),
        ({"title": "   "}, "title", "required", "A meeting needs a name."),
        ({"title": "会" * 201}, "title", "too_long", "At most 200 characters."),
        (
            {"duration_minutes": 0},
            "duration_minutes",
            "invalid",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        (
            {"duration_minutes": 1441},
            "duration_minutes",
            "invalid",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        (
            {"duration_minutes": "90"},
            "duration_minutes",
            "invalid",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        (
            {"duration_minutes": True},
            "duration_minutes",
            "invalid",
            "Minutes must be a whole number between 1 and 1440.",
        ),
        (
            {"starts_at": dt.datetime(2026, 9, 9, 14, 0)},
            "starts_at",
            "invalid",
            "Give a date and time.",
        ),
        ({"starts_at": "2026-09-09 14:00"}, "starts_at", "invalid", "Give a date and time."),
        ({"starts_at": dt.date(2026, 9, 9)}, "starts_at", "invalid", "Give a date and time."),
        (
            {"online_link": "ftp://meeting.example.com/618"},
            "online_link",
            "invalid",
            "The online meeting link must be an http(s) address.",
        ),
        (
            {"online_link": "腾讯会议618"},
            "online_link",
            "invalid",
            "The online meeting link must be an http(s) address.",
        ),
    ],
)
def test_meeting_create_refuses_bad_input_and_creates_nothing(org, fields, field, code, message):
    """S-PREP-1, S-PREP-5: a meeting needs a name, a real start and a sensible length."""
    values = {"title": "跨部门会议", "starts_at": STARTS, **fields}

    error = refuse(meetings.meeting_create, actor=org.sun, **values)

    assert (error.field, error.code, error.message) == (field, code, message)
    assert Meeting.objects.count() == 0


def test_meeting_create_refuses_an_inactive_host(org):
    """S-PREP-5: the host keeps time, so it must be someone who can sign in."""
    deactivate(org.wang)

    error = refuse(
        meetings.meeting_create, actor=org.sun, title="跨部门会议", starts_at=STARTS, host=org.wang
    )

    assert (error.field, error.code) == ("host", "inactive")
    assert error.message == "王经理 cannot sign in and cannot take this role."
    assert Meeting.objects.count() == 0


def test_meeting_create_by_an_inactive_person_is_refused(org):
    deactivate(org.zhang)

    error = refuse(meetings.meeting_create, actor=org.zhang, title="跨部门会议", starts_at=STARTS)

    assert (error.field, error.code) == (None, "forbidden")
    assert Meeting.objects.count() == 0


# -- meeting_update ---------------------------------------------------------------------------


def test_meeting_update_changes_the_plan_and_audits_what_changed(org, draft_meeting):
    """S-PREP-5: the organiser sets the length and the host."""
    meetings.meeting_update(
        actor=org.sun, meeting=draft_meeting, duration_minutes=60, host=org.li, location="3号会议室"
    )

    draft_meeting.refresh_from_db()
    assert (draft_meeting.duration_minutes, draft_meeting.host) == (60, org.li)
    assert draft_meeting.location == "3号会议室"
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert event.verb == "meeting.updated"
    # Only what changed is recorded: the location was already "3号会议室".
    assert event.data == {"duration_minutes": 60, "host": org.li.pk}


def test_meeting_update_without_a_change_writes_no_audit_event(org, draft_meeting):
    before = verbs(draft_meeting)

    meetings.meeting_update(
        actor=org.sun, meeting=draft_meeting, title="Q3产品上线跨部门协作启动会"
    )

    assert verbs(draft_meeting) == before


@pytest.mark.parametrize("who", ["zhang", "wang", "sun", "admin"])
def test_meeting_update_is_open_to_organiser_host_pmo_and_admin(org, who):
    """zhang organises, wang hosts, sun is PMO (and nothing else here), admin administers."""
    meeting = bare_meeting(org, actor=org.zhang)

    meetings.meeting_update(actor=getattr(org, who), meeting=meeting, title="改名后的会议")

    meeting.refresh_from_db()
    assert meeting.title == "改名后的会议"


@pytest.mark.parametrize("who", ["zhao", "li", "outsider"])
def test_meeting_update_by_anyone_else_is_refused(org, draft_meeting, who):
    """The recorder, a participant and an outsider may not change the plan."""
    error = refuse(
        meetings.meeting_update, actor=getattr(org, who), meeting=draft_meeting, title="改名"
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert error.message == "Only the organiser may change this meeting."
    draft_meeting.refresh_from_db()
    assert draft_meeting.title == "Q3产品上线跨部门协作启动会"


def test_meeting_update_after_the_start_is_refused(org, running_meeting):
    error = refuse(
        meetings.meeting_update, actor=org.sun, meeting=running_meeting, duration_minutes=120
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert error.message == "A meeting can only be changed before it starts."
    running_meeting.refresh_from_db()
    assert (running_meeting.duration_minutes, running_meeting.status) == (90, Status.IN_PROGRESS)


def test_meeting_update_refuses_a_field_it_does_not_edit(org, draft_meeting):
    """Only a service moves the status; meeting_update is not a back door."""
    error = refuse(meetings.meeting_update, actor=org.sun, meeting=draft_meeting, status="closed")

    assert (error.field, error.code) == ("status", "invalid")
    assert error.message == "These fields cannot be changed here: status"
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Status.DRAFT


def test_meeting_update_validates_like_create(org, draft_meeting):
    error = refuse(meetings.meeting_update, actor=org.sun, meeting=draft_meeting, kind="party")

    assert (error.field, error.code) == ("kind", "invalid")
    draft_meeting.refresh_from_db()
    assert draft_meeting.kind == Meeting.Kind.KICKOFF


def test_scheduled_meeting_cannot_lose_its_host(org, scheduled_meeting):
    """S-PREP-5: a scheduled meeting has a host who keeps time."""
    error = refuse(meetings.meeting_update, actor=org.sun, meeting=scheduled_meeting, host=None)

    assert (error.field, error.code) == ("host", "required")
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.host == org.wang


def test_scheduled_meeting_cannot_move_into_the_past(org, scheduled_meeting):
    error = refuse(
        meetings.meeting_update,
        actor=org.sun,
        meeting=scheduled_meeting,
        starts_at=NOW - dt.timedelta(days=1),
    )

    assert error.field == "starts_at"
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.starts_at == STARTS


# -- meeting_schedule and meeting_cancel ------------------------------------------------------


def test_meeting_schedule_announces_a_complete_draft(org, draft_meeting):
    """S-PREP-1, S-PREP-2, S-PREP-5: topics, participants, host and recorder are named."""
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)

    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Status.SCHEDULED
    assert verbs(draft_meeting)[-1] == "meeting.scheduled"


def _without(org: Org, missing: str) -> Meeting:
    """A draft complete but for one thing."""
    meeting = bare_meeting(org, **({missing: None} if missing in ("host", "recorder") else {}))
    if missing != "topics":
        meetings.topic_add(actor=org.sun, meeting=meeting, title="责任部门划分", planned_minutes=30)
    if missing != "participants":
        meetings.participant_invite(
            actor=org.sun, meeting=meeting, person=org.li, role=Participant.Role.DECISION_MAKER
        )
    return meeting


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("host", "Name a host who keeps time before scheduling."),
        ("recorder", "Name a recorder before scheduling."),
        ("topics", "Add at least one agenda topic before scheduling."),
        ("participants", "Invite at least one participant before scheduling."),
    ],
)
def test_meeting_schedule_needs_host_recorder_topic_and_participant(org, missing, message):
    """S-PREP-5 (a host who keeps time), S-PREP-1 (topics), S-PREP-2 (participants)."""
    meeting = _without(org, missing)

    error = refuse(meetings.meeting_schedule, actor=org.sun, meeting=meeting)

    assert (error.field, error.code, error.message) == (missing, "required", message)
    meeting.refresh_from_db()
    assert meeting.status == Status.DRAFT


def test_meeting_schedule_names_everything_missing_at_once(org):
    """The refusal lists every item, in the order of the planning steps; its field and
    code are the first item's (the API's one-field error shape)."""
    meeting = bare_meeting(org, host=None, recorder=None)

    with clock.frozen(STARTS + dt.timedelta(minutes=1)):
        error = refuse(meetings.meeting_schedule, actor=org.sun, meeting=meeting)

    assert isinstance(error, MeetingIncomplete)
    assert [(item.field, item.code, item.message) for item in error.missing] == [
        ("starts_at", "invalid", "A meeting can only be scheduled in the future."),
        ("topics", "required", "Add at least one agenda topic before scheduling."),
        ("host", "required", "Name a host who keeps time before scheduling."),
        ("recorder", "required", "Name a recorder before scheduling."),
        ("participants", "required", "Invite at least one participant before scheduling."),
    ]
    assert (error.field, error.code) == ("starts_at", "invalid")
    assert error.message == (
        "A meeting can only be scheduled in the future. "
        "Add at least one agenda topic before scheduling. "
        "Name a host who keeps time before scheduling. "
        "Name a recorder before scheduling. "
        "Invite at least one participant before scheduling."
    )
    meeting.refresh_from_db()
    assert meeting.status == Status.DRAFT


def test_meeting_missing_is_empty_for_a_complete_draft(draft_meeting):
    assert meeting_missing(draft_meeting, now=NOW) == []


@pytest.mark.parametrize("service", ["create", "update"])
def test_a_start_in_the_past_needs_a_confirmation(org, draft_meeting, service):
    """Refused with confirm_past=False (what a person sends unticked), allowed with True;
    programs that pass nothing are not asked (a series, the demo)."""
    past = NOW - dt.timedelta(days=2)

    def call(**extra):
        if service == "create":
            return meetings.meeting_create(actor=org.sun, title="补录会", starts_at=past, **extra)
        return meetings.meeting_update(
            actor=org.sun, meeting=draft_meeting, starts_at=past, **extra
        )

    error = refuse(call, confirm_past=False)

    assert (error.field, error.code) == ("confirm_past", "in_the_past")
    assert error.message == (
        "2026-09-05 09:00 is in the past. Check the date; if the meeting really is in the "
        "past, confirm it."
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.starts_at == STARTS
    assert Meeting.objects.count() == 1

    meeting = call(confirm_past=True)

    assert meeting.starts_at == past


@pytest.mark.parametrize("now", [STARTS, STARTS + dt.timedelta(days=1)], ids=["at", "after"])
def test_meeting_schedule_needs_a_future_start(org, draft_meeting, now):
    with clock.frozen(now):
        error = refuse(meetings.meeting_schedule, actor=org.sun, meeting=draft_meeting)

    assert (error.field, error.code) == ("starts_at", "invalid")
    assert error.message == "A meeting can only be scheduled in the future."
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Status.DRAFT


def test_meeting_schedule_a_second_time_is_refused(org, scheduled_meeting):
    error = refuse(meetings.meeting_schedule, actor=org.sun, meeting=scheduled_meeting)

    assert (error.field, error.code) == ("status", "illegal_state")
    assert error.message == "Only a draft meeting can be scheduled."
    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.status == Status.SCHEDULED
    assert verbs(scheduled_meeting).count("meeting.scheduled") == 1


def test_meeting_schedule_by_an_outsider_is_refused(org, draft_meeting):
    error = refuse(meetings.meeting_schedule, actor=org.outsider, meeting=draft_meeting)

    assert (error.code, error.message) == (
        "forbidden",
        "Only the organiser may schedule this meeting.",
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.status == Status.DRAFT


def test_meeting_cancel_keeps_the_reason(org, scheduled_meeting):
    meetings.meeting_cancel(actor=org.sun, meeting=scheduled_meeting, reason=" 产品延期 ")

    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.cancel_reason) == (
        Status.CANCELLED,
        "产品延期",
    )
    event = AuditEvent.objects.filter(meeting=scheduled_meeting).latest("id")
    assert (event.verb, event.data) == ("meeting.cancelled", {"reason": "产品延期"})


@pytest.mark.parametrize("reason", ["", "   "])
def test_meeting_cancel_needs_a_reason(org, scheduled_meeting, reason):
    error = refuse(meetings.meeting_cancel, actor=org.sun, meeting=scheduled_meeting, reason=reason)

    assert (error.field, error.code) == ("reason", "required")
    assert error.message == "Say why the meeting is cancelled."
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.cancel_reason) == (Status.SCHEDULED, "")


def test_meeting_cancel_after_the_start_is_refused(org, running_meeting):
    error = refuse(meetings.meeting_cancel, actor=org.sun, meeting=running_meeting, reason="延期")

    assert (error.field, error.code) == ("status", "illegal_state")
    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.IN_PROGRESS


# -- agenda topics (S-PREP-1, S-PREP-5) ---------------------------------------------------------


def test_topic_add_appends_with_its_time_allocation(org, draft_meeting):
    """S-PREP-1: concrete topics; S-PREP-5: each topic's time allocated in advance."""
    topic = meetings.topic_add(
        actor=org.sun,
        meeting=draft_meeting,
        title=" 资源支持需求 ",
        planned_minutes=10,
        lead_department=org.rnd,
        description="研发人力缺口",
    )

    topic.refresh_from_db()
    assert (topic.order, topic.title, topic.planned_minutes) == (4, "资源支持需求", 10)
    assert (topic.lead_department, topic.description) == (org.rnd, "研发人力缺口")
    assert agenda(draft_meeting) == [
        (1, "产品需求优先级确认"),
        (2, "责任部门划分"),
        (3, "时间节点确认"),
        (4, "资源支持需求"),
    ]
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.subject_id, event.data) == (
        "topic.added",
        topic.pk,
        {"title": "资源支持需求", "planned_minutes": 10},
    )


@pytest.mark.parametrize(
    ("title", "planned_minutes", "field", "code"),
    [
        ("", 10, "title", "required"),
        ("资源支持需求", 0, "planned_minutes", "invalid"),
        ("资源支持需求", None, "planned_minutes", "invalid"),
    ],
)
def test_topic_add_refuses_bad_input(org, draft_meeting, title, planned_minutes, field, code):
    """S-PREP-5: every topic has a positive time allocation."""
    error = refuse(
        meetings.topic_add,
        actor=org.sun,
        meeting=draft_meeting,
        title=title,
        planned_minutes=planned_minutes,
    )

    assert (error.field, error.code) == (field, code)
    assert draft_meeting.topics.count() == 3


def test_topic_add_by_an_outsider_is_refused(org, draft_meeting):
    error = refuse(
        meetings.topic_add,
        actor=org.outsider,
        meeting=draft_meeting,
        title="预算",
        planned_minutes=5,
    )

    assert (error.code, error.message) == ("forbidden", "Only the organiser may change the agenda.")
    assert draft_meeting.topics.count() == 3


def test_topic_update_changes_title_and_time(org, draft_meeting):
    topic = draft_meeting.topics.get(order=3)

    meetings.topic_update(actor=org.wang, topic=topic, title="上线时间节点", planned_minutes=25)

    topic.refresh_from_db()
    assert (topic.order, topic.title, topic.planned_minutes) == (3, "上线时间节点", 25)
    assert verbs(draft_meeting)[-1] == "topic.updated"


def test_topic_update_refuses_zero_minutes(org, draft_meeting):
    topic = draft_meeting.topics.get(order=3)

    error = refuse(meetings.topic_update, actor=org.sun, topic=topic, planned_minutes=0)

    assert (error.field, error.code) == ("planned_minutes", "invalid")
    topic.refresh_from_db()
    assert topic.planned_minutes == 20


def test_topic_remove_keeps_the_order_contiguous(org, draft_meeting):
    middle = draft_meeting.topics.get(order=2)

    meetings.topic_remove(actor=org.sun, topic=middle)

    assert agenda(draft_meeting) == [(1, "产品需求优先级确认"), (2, "时间节点确认")]
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.data) == ("topic.removed", {"title": "责任部门划分"})


def test_topic_added_after_a_removal_goes_last(org, draft_meeting):
    meetings.topic_remove(actor=org.sun, topic=draft_meeting.topics.get(order=1))

    meetings.topic_add(
        actor=org.sun, meeting=draft_meeting, title="资源支持需求", planned_minutes=10
    )

    assert agenda(draft_meeting) == [(1, "责任部门划分"), (2, "时间节点确认"), (3, "资源支持需求")]


def test_topics_reorder_puts_topics_in_the_given_order(org, draft_meeting):
    first, second, third = draft_meeting.topics.order_by("order")

    result = meetings.topics_reorder(
        actor=org.sun, meeting=draft_meeting, topic_ids=[third.pk, first.pk, second.pk]
    )

    assert [(t.order, t.title) for t in result] == [
        (1, "时间节点确认"),
        (2, "产品需求优先级确认"),
        (3, "责任部门划分"),
    ]
    assert agenda(draft_meeting) == [(t.order, t.title) for t in result]
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.data) == (
        "topics.reordered",
        {"order": [third.pk, first.pk, second.pk]},
    )


@pytest.mark.parametrize("mistake", ["missing", "duplicate", "foreign"])
def test_topics_reorder_must_name_each_topic_exactly_once(org, draft_meeting, mistake):
    first, second, third = (t.pk for t in draft_meeting.topics.order_by("order"))
    other = bare_meeting(org)
    foreign = meetings.topic_add(actor=org.sun, meeting=other, title="别的会", planned_minutes=5)
    topic_ids = {
        "missing": [third, first],
        "duplicate": [third, first, first],
        "foreign": [third, first, foreign.pk],
    }[mistake]

    error = refuse(
        meetings.topics_reorder, actor=org.sun, meeting=draft_meeting, topic_ids=topic_ids
    )

    assert (error.field, error.code) == ("topic_ids", "invalid")
    assert error.message == "Give every topic of this meeting exactly once."
    assert agenda(draft_meeting) == [
        (1, "产品需求优先级确认"),
        (2, "责任部门划分"),
        (3, "时间节点确认"),
    ]


def test_agenda_is_frozen_once_the_meeting_starts(org, running_meeting):
    """S-MEET-2: topics are taken in the announced order; no changes during the meeting."""
    first, second, third = running_meeting.topics.order_by("order")
    calls = [
        (meetings.topic_add, {"meeting": running_meeting, "title": "新议题", "planned_minutes": 5}),
        (meetings.topic_update, {"topic": first, "title": "改名"}),
        (meetings.topic_remove, {"topic": second}),
        (
            meetings.topics_reorder,
            {"meeting": running_meeting, "topic_ids": [third.pk, second.pk, first.pk]},
        ),
    ]

    for service, kwargs in calls:
        error = refuse(service, actor=org.sun, **kwargs)
        assert (error.field, error.code) == ("status", "illegal_state")
        assert error.message == "The agenda can only change before the meeting starts."

    assert agenda(running_meeting) == [
        (1, "产品需求优先级确认"),
        (2, "责任部门划分"),
        (3, "时间节点确认"),
    ]


# -- participants and copied departments (S-PREP-2) -----------------------------------------------


def test_participants_invite_department_brings_decision_maker_and_executors(org):
    """S-PREP-2: per department, its decision-maker and its executor (接口人)."""
    meeting = bare_meeting(org)

    invited = meetings.participants_invite_department(
        actor=org.sun,
        meeting=meeting,
        department=org.rnd,
        decision_maker=org.li,
        executors=[org.zhou],
    )

    assert [(p.person, p.department, p.role, p.attendance) for p in invited] == [
        (org.li, org.rnd, Participant.Role.DECISION_MAKER, Participant.Attendance.INVITED),
        (org.zhou, org.rnd, Participant.Role.EXECUTOR, Participant.Attendance.INVITED),
    ]
    assert meeting.participants.count() == 2
    assert verbs(meeting) == ["meeting.created", "participant.invited", "participant.invited"]


def test_participant_invite_speaks_for_their_own_department_by_default(org):
    """S-PREP-2: the example invites a design specialist for design."""
    meeting = bare_meeting(org)

    participant = meetings.participant_invite(
        actor=org.sun, meeting=meeting, person=org.chen, role=Participant.Role.EXECUTOR
    )

    participant.refresh_from_db()
    assert (participant.person, participant.department, participant.role) == (
        org.chen,
        org.design,
        Participant.Role.EXECUTOR,
    )


def test_participant_invited_twice_is_refused(org, draft_meeting):
    """S-PREP-2: invite only the people needed, each once."""
    error = refuse(
        meetings.participant_invite,
        actor=org.sun,
        meeting=draft_meeting,
        person=org.zhang,
        role=Participant.Role.OBSERVER,
    )

    assert (error.field, error.code, error.message) == (
        "person",
        "duplicate",
        "张专员 is already invited.",
    )
    assert draft_meeting.participants.count() == 7
    assert draft_meeting.participants.get(person=org.zhang).role == Participant.Role.EXECUTOR


def test_department_invite_with_a_duplicate_invites_nobody(org):
    """The department is invited as a whole or not at all."""
    meeting = bare_meeting(org)

    error = refuse(
        meetings.participants_invite_department,
        actor=org.sun,
        meeting=meeting,
        department=org.marketing,
        decision_maker=org.wang,
        executors=[org.zhang, org.wang],
    )

    assert (error.field, error.code) == ("person", "duplicate")
    assert meeting.participants.count() == 0


def test_inactive_person_cannot_be_invited(org):
    meeting = bare_meeting(org)
    deactivate(org.zhou)

    error = refuse(
        meetings.participant_invite,
        actor=org.sun,
        meeting=meeting,
        person=org.zhou,
        role=Participant.Role.EXECUTOR,
    )

    assert (error.field, error.code, error.message) == (
        "person",
        "inactive",
        "周工程师 cannot sign in and cannot be invited.",
    )
    assert meeting.participants.count() == 0


def test_person_without_department_needs_one_named(org):
    """S-PREP-2: participants are invited per department."""
    meeting = bare_meeting(org)
    consultant = org_services.person_create(actor=org.admin, username="gu", name="顾问")

    error = refuse(
        meetings.participant_invite,
        actor=org.sun,
        meeting=meeting,
        person=consultant,
        role=Participant.Role.OBSERVER,
    )

    assert (error.field, error.code) == ("department", "required")
    assert error.message == "顾问 belongs to no department: choose the department they speak for."
    assert meeting.participants.count() == 0


def test_participant_invite_refuses_an_unknown_role(org):
    meeting = bare_meeting(org)

    error = refuse(
        meetings.participant_invite, actor=org.sun, meeting=meeting, person=org.li, role="boss"
    )

    assert (error.field, error.code) == ("role", "invalid")
    assert meeting.participants.count() == 0


def test_outsider_may_not_invite(org, draft_meeting):
    error = refuse(
        meetings.participant_invite,
        actor=org.outsider,
        meeting=draft_meeting,
        person=org.outsider,
        role=Participant.Role.OBSERVER,
    )

    assert (error.code, error.message) == (
        "forbidden",
        "Only the organiser may invite participants.",
    )
    assert not draft_meeting.participants.filter(person=org.outsider).exists()


def test_invite_after_the_start_is_refused(org, running_meeting):
    error = refuse(
        meetings.participant_invite,
        actor=org.sun,
        meeting=running_meeting,
        person=org.outsider,
        role=Participant.Role.OBSERVER,
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert running_meeting.participants.count() == 7


def test_department_copy_and_uncopy(org, draft_meeting):
    """Copied departments receive the minutes; they do not attend."""
    finance = org.outsider.department

    copy = meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=finance)

    assert list(draft_meeting.copied_departments.all()) == [finance]
    assert copy.department == finance
    assert not draft_meeting.participants.filter(department=finance).exists()

    meetings.department_uncopy(actor=org.sun, meeting=draft_meeting, department=finance)

    assert list(draft_meeting.copied_departments.all()) == []
    assert verbs(draft_meeting)[-2:] == ["department.copied", "department.uncopied"]


def test_department_copied_twice_is_refused(org, draft_meeting):
    finance = org.outsider.department
    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=finance)

    error = refuse(
        meetings.department_copy, actor=org.sun, meeting=draft_meeting, department=finance
    )

    assert (error.field, error.code, error.message) == (
        "department",
        "duplicate",
        "财务部 is already copied.",
    )
    assert CopiedDepartment.objects.filter(meeting=draft_meeting).count() == 1


def test_department_uncopy_of_a_department_not_copied_is_refused(org, draft_meeting):
    error = refuse(
        meetings.department_uncopy, actor=org.sun, meeting=draft_meeting, department=org.sales
    )

    assert (error.field, error.code) == ("department", "not_found")


def test_outsider_may_not_copy_their_department(org, draft_meeting):
    error = refuse(
        meetings.department_copy,
        actor=org.outsider,
        meeting=draft_meeting,
        department=org.outsider.department,
    )

    assert error.code == "forbidden"
    assert CopiedDepartment.objects.count() == 0


# -- materials and when they go out (S-PREP-3) ----------------------------------------------------


def test_material_as_a_link(org, draft_meeting):
    """S-PREP-3: background, data and cases, e.g. the current process chart."""
    topic = draft_meeting.topics.get(order=1)

    material = preparation.material_add(
        actor=org.sun,
        meeting=draft_meeting,
        title=" 现有流程图 ",
        url=" https://wiki.example.com/flow ",
        topic=topic,
    )

    material.refresh_from_db()
    assert (material.title, material.url, material.file.name) == (
        "现有流程图",
        "https://wiki.example.com/flow",
        "",
    )
    assert (material.topic, material.added_by) == (topic, org.sun)
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.data) == ("material.added", {"title": "现有流程图"})


def test_material_as_a_file(org, draft_meeting, settings, tmp_path):
    """S-PREP-3: e.g. complaints statistics for the last 3 months."""
    settings.MEDIA_ROOT = tmp_path
    content = "月份,投诉数\n6月,12\n7月,9\n8月,15\n".encode()

    material = preparation.material_add(
        actor=org.sun,
        meeting=draft_meeting,
        title="近3个月投诉统计",
        file=ContentFile(content, name="complaints.csv"),
    )

    material.refresh_from_db()
    assert material.url == ""
    assert material.file.name.startswith("materials/")
    assert material.file.name.endswith("/complaints.csv")
    stored = Path(material.file.path)
    assert stored.is_relative_to(tmp_path)
    assert stored.read_bytes() == content


def test_material_needs_a_file_or_a_link(org, draft_meeting):
    error = refuse(preparation.material_add, actor=org.sun, meeting=draft_meeting, title="背景资料")

    assert (error.field, error.code, error.message) == (
        "url",
        "required",
        "Upload a file or give a link.",
    )
    assert Material.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["ftp://files.example.com/flow.pdf", "javascript:alert(1)", "wiki/flow"]
)
def test_material_link_must_be_http(org, draft_meeting, url):
    error = refuse(
        preparation.material_add, actor=org.sun, meeting=draft_meeting, title="背景资料", url=url
    )

    assert (error.field, error.code, error.message) == (
        "url",
        "invalid",
        "The link must be an http(s) address.",
    )
    assert Material.objects.count() == 0


def test_material_after_the_start_is_refused(org, running_meeting):
    error = refuse(
        preparation.material_add,
        actor=org.sun,
        meeting=running_meeting,
        title="背景资料",
        url="https://wiki.example.com/flow",
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert Material.objects.count() == 0


def test_materials_go_out_two_days_before_by_default(org, draft_meeting):
    """S-PREP-3: 1–2 days before; by default at the start of that window."""
    preparation.meeting_set_materials_send_at(actor=org.sun, meeting=draft_meeting)

    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at == at(7, 14)
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.data) == (
        "materials.send_at",
        {"send_at": "2026-09-07T06:00:00+00:00"},  # 14:00 in Shanghai
    )


def test_materials_window_follows_the_settings(org, draft_meeting, settings):
    """S-PREP-3: the organisation may choose one day before."""
    settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE = 1

    preparation.meeting_set_materials_send_at(actor=org.sun, meeting=draft_meeting)

    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at == at(8, 14)


def test_materials_send_at_a_chosen_time(org, draft_meeting):
    """S-PREP-3: at a chosen time within the 1–2 days."""
    preparation.meeting_set_materials_send_at(
        actor=org.sun, meeting=draft_meeting, send_at=at(8, 10)
    )

    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at == at(8, 10)


@pytest.mark.parametrize("offset", [0, 60], ids=["at-start", "after-start"])
def test_materials_cannot_go_out_at_or_after_the_start(org, draft_meeting, offset):
    """S-PREP-3: materials go out *before* the meeting."""
    error = refuse(
        preparation.meeting_set_materials_send_at,
        actor=org.sun,
        meeting=draft_meeting,
        send_at=STARTS + dt.timedelta(minutes=offset),
    )

    assert (error.field, error.code, error.message) == (
        "materials_send_at",
        "invalid",
        "Materials must go out before the meeting starts.",
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at is None


def test_materials_send_at_without_a_time_zone_is_refused(org, draft_meeting):
    """S-PREP-3: like starts_at, a send time must be a real, time-zoned moment."""
    error = refuse(
        preparation.meeting_set_materials_send_at,
        actor=org.sun,
        meeting=draft_meeting,
        send_at=dt.datetime(2026, 9, 8, 10, 0),
    )

    assert (error.field, error.code) == ("materials_send_at", "invalid")
    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at is None


# -- pre-discussion questions and written answers (S-PREP-3, S-PREP-4) ------------------------------


@pytest.fixture
def questions(org, draft_meeting):
    """S-PREP-3: two pre-discussion questions sent with the materials."""
    return [
        preparation.question_add(
            actor=org.sun, meeting=draft_meeting, text="贵部门的核心需求是什么？"
        ),
        preparation.question_add(
            actor=org.sun,
            meeting=draft_meeting,
            text="上线前还缺哪些资源？",
            topic=draft_meeting.topics.get(order=3),
        ),
    ]


def test_question_add_numbers_the_questions(org, draft_meeting, questions):
    """S-PREP-3: the pre-discussion questions."""
    assert [question.order for question in questions] == [1, 2]
    assert [(q.order, q.text, q.topic) for q in draft_meeting.questions.all()] == [
        (1, "贵部门的核心需求是什么？", None),
        (2, "上线前还缺哪些资源？", draft_meeting.topics.get(order=3)),
    ]
    assert verbs(draft_meeting)[-2:] == ["question.added", "question.added"]


def test_answer_is_a_draft_that_can_be_edited(org, draft_meeting, questions):
    """S-PREP-4: a department answers in writing; until submitted the draft may change."""
    first, _second = questions
    preparation.answer_save(actor=org.zhang, question=first, department=org.marketing, text="需求A")

    answer = preparation.answer_save(
        actor=org.wang, question=first, department=org.marketing, text=" 需求A、B、C，先做A "
    )

    answer.refresh_from_db()
    assert (answer.text, answer.author, answer.submitted_at) == (
        "需求A、B、C，先做A",
        org.wang,
        None,
    )
    assert PrepAnswer.objects.filter(question=first, department=org.marketing).count() == 1


def test_answers_submit_sends_all_answers_at_once(org, draft_meeting, questions):
    """S-PREP-4: the answers are collected before the meeting."""
    first, second = questions
    preparation.answer_save(actor=org.zhang, question=first, department=org.marketing, text="需求A")
    preparation.answer_save(
        actor=org.zhang, question=second, department=org.marketing, text="设计资源"
    )

    count = preparation.answers_submit(
        actor=org.zhang, meeting=draft_meeting, department=org.marketing
    )

    assert count == 2
    assert list(
        PrepAnswer.objects.filter(department=org.marketing)
        .order_by("question__order")
        .values_list("text", "submitted_at")
    ) == [("需求A", NOW), ("设计资源", NOW)]
    event = AuditEvent.objects.filter(meeting=draft_meeting).latest("id")
    assert (event.verb, event.data) == (
        "answers.submitted",
        {"department": org.marketing.pk, "count": 2},
    )


def test_incomplete_answers_cannot_be_submitted(org, draft_meeting, questions):
    """S-PREP-4: every question gets a written answer."""
    first, _second = questions
    preparation.answer_save(actor=org.zhang, question=first, department=org.marketing, text="需求A")

    error = refuse(
        preparation.answers_submit, actor=org.zhang, meeting=draft_meeting, department=org.marketing
    )

    assert (error.field, error.code, error.message) == (
        "text",
        "incomplete",
        "Answer every question before submitting; 1 still open.",
    )
    assert PrepAnswer.objects.get(question=first, department=org.marketing).submitted_at is None


def test_submitted_answer_cannot_be_edited_or_submitted_again(org, draft_meeting, questions):
    """S-PREP-4: what was submitted is what the organiser collected."""
    first, second = questions
    preparation.answer_save(actor=org.li, question=first, department=org.rnd, text="技术方案")
    preparation.answer_save(actor=org.li, question=second, department=org.rnd, text="测试环境")
    preparation.answers_submit(actor=org.li, meeting=draft_meeting, department=org.rnd)

    edit = refuse(
        preparation.answer_save, actor=org.li, question=first, department=org.rnd, text="改主意了"
    )
    again = refuse(
        preparation.answers_submit, actor=org.li, meeting=draft_meeting, department=org.rnd
    )

    assert (edit.field, edit.code, edit.message) == (
        "text",
        "already_submitted",
        "研发部 has already submitted its answers.",
    )
    assert (again.field, again.code) == (None, "already_submitted")
    assert PrepAnswer.objects.get(question=first, department=org.rnd).text == "技术方案"


def test_department_head_who_is_not_a_participant_may_answer(org, draft_meeting, questions):
    """S-PREP-4: sun heads the office; zhao is its participant."""
    first, _second = questions

    answer = preparation.answer_save(
        actor=org.sun, question=first, department=org.office, text="会议室"
    )

    assert (answer.department, answer.author) == (org.office, org.sun)


@pytest.mark.parametrize(
    ("who", "department"),
    [("li", "marketing"), ("sun", "marketing"), ("outsider", "marketing"), ("outsider", "rnd")],
)
def test_only_that_departments_participants_or_head_may_answer(
    org, draft_meeting, questions, who, department
):
    """S-PREP-4: each department answers for itself; not another one, not the organiser."""
    first, _second = questions
    target = getattr(org, department)

    error = refuse(
        preparation.answer_save,
        actor=getattr(org, who),
        question=first,
        department=target,
        text="...",
    )

    assert (error.field, error.code) == (None, "forbidden")
    assert error.message == f"Only participants of {target.name} may answer for it."
    assert PrepAnswer.objects.count() == 0


def test_outsider_may_not_submit_for_a_department(org, draft_meeting, questions):
    for question in questions:
        preparation.answer_save(
            actor=org.chen, question=question, department=org.design, text="设计稿"
        )

    error = refuse(
        preparation.answers_submit, actor=org.outsider, meeting=draft_meeting, department=org.design
    )

    assert error.code == "forbidden"
    assert set(PrepAnswer.objects.values_list("submitted_at", flat=True)) == {None}


def test_answers_are_written_before_the_meeting(org, draft_meeting, questions):
    first, _second = questions
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=org.wang, meeting=draft_meeting)

    error = refuse(
        preparation.answer_save,
        actor=org.zhang,
        question=first,
        department=org.marketing,
        text="晚了",
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert PrepAnswer.objects.count() == 0


def test_question_added_after_a_department_submitted_can_still_be_answered(
    org, draft_meeting, questions
):
    """S-PREP-4: every question gets an answer, also one the organiser adds later."""
    for question in questions:
        preparation.answer_save(
            actor=org.zhang, question=question, department=org.marketing, text="A"
        )
    preparation.answers_submit(actor=org.zhang, meeting=draft_meeting, department=org.marketing)
    late = preparation.question_add(actor=org.sun, meeting=draft_meeting, text="预算够吗？")
    preparation.answer_save(actor=org.zhang, question=late, department=org.marketing, text="够")

    count = preparation.answers_submit(
        actor=org.zhang, meeting=draft_meeting, department=org.marketing
    )

    assert count == 1
    assert PrepAnswer.objects.get(question=late, department=org.marketing).submitted_at == NOW


# -- meeting_start (S-MEET-1) ---------------------------------------------------------------------


def test_host_starts_the_scheduled_meeting(org, scheduled_meeting):
    """S-MEET-1: the host opens the meeting."""
    with clock.frozen(STARTS + dt.timedelta(minutes=2)):
        live.meeting_start(actor=org.wang, meeting=scheduled_meeting)

    scheduled_meeting.refresh_from_db()
    assert scheduled_meeting.status == Status.IN_PROGRESS
    assert scheduled_meeting.started_at == at(9, 14, 2)
    assert verbs(scheduled_meeting)[-1] == "meeting.started"


@pytest.mark.parametrize("who", ["zhao", "li", "outsider"])
def test_meeting_start_by_anyone_but_the_host_is_refused(org, scheduled_meeting, who):
    """S-MEET-1: the host opens, not the recorder nor a participant."""
    error = refuse(live.meeting_start, actor=getattr(org, who), meeting=scheduled_meeting)

    assert (error.code, error.message) == (
        "forbidden",
        "Only the host or the organiser may start the meeting.",
    )
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.started_at) == (Status.SCHEDULED, None)


@pytest.mark.parametrize("stage", ["draft_meeting", "running_meeting", "ended_meeting"])
def test_only_a_scheduled_meeting_starts(org, request, stage):
    meeting = request.getfixturevalue(stage)
    status, started_at = meeting.status, meeting.started_at

    error = refuse(live.meeting_start, actor=org.wang, meeting=meeting)

    assert (error.field, error.code, error.message) == (
        "status",
        "illegal_state",
        "Only a scheduled meeting can start.",
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.started_at) == (status, started_at)


# -- positions (S-MEET-2) --------------------------------------------------------------------------


def test_recorder_records_a_departments_position(org, running_meeting):
    """S-MEET-2: each department states its view, argued with data and facts (S-TPL-2)."""
    topic = running_meeting.topics.get(order=1)

    position = live.position_record(
        actor=org.zhao,
        topic=topic,
        department=org.marketing,
        statement="核心需求为A、B、C，建议优先A",
        evidence="用户调研：A占用户需求的60%",
    )

    position.refresh_from_db()
    assert (position.topic, position.department) == (topic, org.marketing)
    assert (position.statement, position.evidence) == (
        "核心需求为A、B、C，建议优先A",
        "用户调研：A占用户需求的60%",
    )
    event = AuditEvent.objects.filter(meeting=running_meeting).latest("id")
    assert (event.verb, event.data) == ("position.recorded", {"department": org.marketing.pk})


def test_second_position_of_a_department_corrects_the_first(org, running_meeting):
    """S-MEET-2: one position per department and topic; the host may correct it."""
    topic = running_meeting.topics.get(order=1)
    live.position_record(actor=org.zhao, topic=topic, department=org.sales, statement="需求D")

    live.position_record(
        actor=org.wang,
        topic=topic,
        department=org.sales,
        statement="需求D紧急",
        evidence="3家重点客户提出",
    )

    assert list(Position.objects.values_list("department", "statement", "evidence")) == [
        (org.sales.pk, "需求D紧急", "3家重点客户提出")
    ]
    assert verbs(running_meeting)[-2:] == ["position.recorded", "position.corrected"]


@pytest.mark.parametrize("who", ["li", "outsider"])
def test_position_by_anyone_but_recorder_or_host_is_refused(org, running_meeting, who):
    error = refuse(
        live.position_record,
        actor=getattr(org, who),
        topic=running_meeting.topics.get(order=1),
        department=org.rnd,
        statement="我们的看法",
    )

    assert (error.code, error.message) == (
        "forbidden",
        "Only the recorder or the host may record this.",
    )
    assert Position.objects.count() == 0


def test_position_before_the_start_is_refused(org, scheduled_meeting):
    error = refuse(
        live.position_record,
        actor=org.zhao,
        topic=scheduled_meeting.topics.get(order=1),
        department=org.rnd,
        statement="我们的看法",
    )

    assert (error.field, error.code) == ("status", "illegal_state")
    assert error.message == (
        "The record can only change during the meeting or while the minutes are written."
    )
    assert Position.objects.count() == 0


def test_position_needs_a_statement(org, running_meeting):
    error = refuse(
        live.position_record,
        actor=org.zhao,
        topic=running_meeting.topics.get(order=1),
        department=org.rnd,
        statement="  ",
    )

    assert (error.field, error.code) == ("statement", "required")
    assert Position.objects.count() == 0


# -- outcomes (S-MEET-3) ---------------------------------------------------------------------------


def test_consensus_is_recorded_with_its_text(org, running_meeting):
    """S-MEET-3: after each topic the host states the consensus."""
    topic = running_meeting.topics.get(order=1)

    outcome = live.outcome_record(
        actor=org.zhao, topic=topic, kind=Outcome.CONSENSUS, text=" 先做需求A，9月底上线 "
    )

    outcome.refresh_from_db()
    assert (outcome.topic, outcome.kind, outcome.text, outcome.research_department) == (
        topic,
        Outcome.CONSENSUS,
        "先做需求A，9月底上线",
        None,
    )
    event = AuditEvent.objects.filter(meeting=running_meeting).latest("id")
    assert (event.verb, event.data) == ("outcome.recorded", {"kind": "consensus"})


@pytest.mark.parametrize("text", ["", "   "])
def test_consensus_without_text_is_refused(org, running_meeting, text):
    """S-MEET-3: a consensus is stated, not implied."""
    error = refuse(
        live.outcome_record,
        actor=org.zhao,
        topic=running_meeting.topics.get(order=1),
        kind=Outcome.CONSENSUS,
        text=text,
    )

    assert (error.field, error.code, error.message) == (
        "text",
        "required",
        "Write the consensus the host stated.",
    )
    assert TopicOutcome.objects.count() == 0


def test_topic_without_consensus_goes_to_the_next_meeting(org, running_meeting):
    """S-MEET-3: explicitly marked "discuss again at the next meeting", on a given day."""
    topic = running_meeting.topics.get(order=2)

    outcome = live.outcome_record(
        actor=org.zhao, topic=topic, kind=Outcome.NEXT_MEETING, next_meeting_on="2026-09-16"
    )

    outcome.refresh_from_db()
    assert (outcome.kind, outcome.text, outcome.research_department) == (
        Outcome.NEXT_MEETING,
        "",
        None,
    )
    assert outcome.next_meeting_on == dt.date(2026, 9, 16)
    assert ActionItem.objects.count() == 0


def test_outcome_recorded_again_replaces_the_first(org, running_meeting):
    """S-MEET-3: one outcome per topic; the recorder may correct it."""
    topic = running_meeting.topics.get(order=2)
    live.outcome_record(
        actor=org.zhao, topic=topic, kind=Outcome.NEXT_MEETING, next_meeting_on="2026-09-16"
    )

    live.outcome_record(actor=org.wang, topic=topic, kind=Outcome.CONSENSUS, text="市场部牵头")

    assert list(TopicOutcome.objects.values_list("topic", "kind", "text", "next_meeting_on")) == [
        (topic.pk, Outcome.CONSENSUS, "市场部牵头", None)
    ]


def test_research_outcome_creates_exactly_one_action_item(org, running_meeting):
    """S-MEET-3: "a named department researches it after the meeting" becomes an action
    item with owner, department and a real due date read relative to the meeting date."""
    topic = running_meeting.topics.get(order=3)

    outcome = live.outcome_record(
        actor=org.zhao,
        topic=topic,
        kind=Outcome.RESEARCH,
        text="研发部评估上线时间",
        research_department=org.rnd,
        research_owner=org.li,
        research_due="9月15日前",
    )

    outcome.refresh_from_db()
    assert (outcome.kind, outcome.text, outcome.research_department) == (
        Outcome.RESEARCH,
        "研发部评估上线时间",
        org.rnd,
    )
    action = ActionItem.objects.get()
    assert (action.meeting, action.topic, action.task) == (
        running_meeting,
        topic,
        "研发部评估上线时间",
    )
    assert (action.owner, action.department) == (org.li, org.rnd)
    assert (action.due_date, action.due_text) == (dt.date(2026, 9, 15), "9月15日前")
    assert action.status == ActionItem.Status.OPEN
    assert verbs(running_meeting)[-2:] == ["outcome.recorded", "action.created"]


def test_research_without_text_gets_a_task_named_after_the_topic(org, running_meeting):
    """S-MEET-3."""
    topic = running_meeting.topics.get(order=3)

    live.outcome_record(
        actor=org.zhao,
        topic=topic,
        kind=Outcome.RESEARCH,
        research_department=org.rnd,
        research_owner=org.zhou,
        research_due=dt.date(2026, 9, 18),
    )

    action = ActionItem.objects.get()
    assert (action.task, action.owner, action.due_date, action.due_text) == (
        "Research: 时间节点确认",
        org.zhou,
        dt.date(2026, 9, 18),
        "",
    )


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("research_department", "research_department", "Name the department that researches it."),
        ("research_owner", "research_owner", "Name who leads the research."),
        ("research_due", "due_date", "Give a due date for the research."),
    ],
)
def test_research_needs_department_owner_and_due_date(
    org, running_meeting, missing, field, message
):
    """S-MEET-3: a *named* department researches it; S-MEET-4: with owner and due date."""
    research = {
        "research_department": org.rnd,
        "research_owner": org.li,
        "research_due": "9月15日前",
        missing: None,
    }

    error = refuse(
        live.outcome_record,
        actor=org.zhao,
        topic=running_meeting.topics.get(order=3),
        kind=Outcome.RESEARCH,
        **research,
    )

    assert (error.field, error.code, error.message) == (field, "required", message)
    assert TopicOutcome.objects.count() == 0
    assert ActionItem.objects.count() == 0


def test_research_with_a_vague_due_date_records_nothing(org, running_meeting):
    """S-MEET-3, S-MEET-4: "尽快" is not a date; the outcome is not half-written."""
    error = refuse(
        live.outcome_record,
        actor=org.zhao,
        topic=running_meeting.topics.get(order=3),
        kind=Outcome.RESEARCH,
        research_department=org.rnd,
        research_owner=org.li,
        research_due="尽快",
    )

    assert (error.field, error.code) == ("due_date", "vague_due_date")
    assert TopicOutcome.objects.count() == 0
    assert ActionItem.objects.count() == 0


def test_research_outcome_cannot_be_replaced(org, running_meeting):
    """S-MEET-3: the research became an action item; that is where it changes."""
    topic = running_meeting.topics.get(order=3)
    live.outcome_record(
        actor=org.zhao,
        topic=topic,
        kind=Outcome.RESEARCH,
        research_department=org.rnd,
        research_owner=org.li,
        research_due="9月15日前",
    )

    error = refuse(
        live.outcome_record, actor=org.zhao, topic=topic, kind=Outcome.CONSENSUS, text="算了"
    )

    assert (error.field, error.code) == ("kind", "illegal_state")
    assert list(TopicOutcome.objects.values_list("kind", flat=True)) == [Outcome.RESEARCH]
    assert ActionItem.objects.count() == 1


def test_unknown_outcome_is_refused(org, running_meeting):
    error = refuse(
        live.outcome_record,
        actor=org.zhao,
        topic=running_meeting.topics.get(order=1),
        kind="vote",
        text="投票",
    )

    assert (error.field, error.code, error.message) == ("kind", "invalid", "Unknown outcome.")
    assert TopicOutcome.objects.count() == 0


def test_outcome_by_a_participant_is_refused(org, running_meeting):
    error = refuse(
        live.outcome_record,
        actor=org.li,
        topic=running_meeting.topics.get(order=1),
        kind=Outcome.CONSENSUS,
        text="共识",
    )

    assert error.code == "forbidden"
    assert TopicOutcome.objects.count() == 0


# -- time actually spent (S-PREP-5) -------------------------------------------------------------


def test_topic_record_time_keeps_planned_and_actual(org, running_meeting):
    """S-PREP-5: the host keeps time; planned against actual minutes."""
    topic = running_meeting.topics.get(order=1)

    live.topic_record_time(actor=org.zhao, topic=topic, actual_minutes=35)

    topic.refresh_from_db()
    assert (topic.planned_minutes, topic.actual_minutes) == (30, 35)
    event = AuditEvent.objects.filter(meeting=running_meeting).latest("id")
    assert (event.verb, event.data) == ("topic.timed", {"planned": 30, "actual": 35})


@pytest.mark.parametrize("minutes", [0, -5, 1441, "35"])
def test_topic_record_time_refuses_bad_minutes(org, running_meeting, minutes):
    topic = running_meeting.topics.get(order=1)

    error = refuse(live.topic_record_time, actor=org.zhao, topic=topic, actual_minutes=minutes)

    assert (error.field, error.code) == ("actual_minutes", "invalid")
    topic.refresh_from_db()
    assert topic.actual_minutes is None


def test_topic_record_time_before_the_start_is_refused(org, scheduled_meeting):
    topic = scheduled_meeting.topics.get(order=1)

    error = refuse(live.topic_record_time, actor=org.zhao, topic=topic, actual_minutes=35)

    assert (error.field, error.code) == ("status", "illegal_state")
    topic.refresh_from_db()
    assert topic.actual_minutes is None


# -- objections (S-MEET-5) ------------------------------------------------------------------------


def test_participant_raises_an_objection_during_the_meeting(org, running_meeting):
    """S-MEET-5: objections are raised there and then."""
    topic = running_meeting.topics.get(order=3)

    objection = live.objection_raise(
        actor=org.li, meeting=running_meeting, topic=topic, text=" 9月底上线太紧 "
    )

    objection.refresh_from_db()
    assert (objection.meeting, objection.topic, objection.raised_by) == (
        running_meeting,
        topic,
        org.li,
    )
    assert (objection.text, objection.resolution, objection.resolved_at) == (
        "9月底上线太紧",
        "",
        None,
    )
    assert verbs(running_meeting)[-1] == "objection.raised"


def test_outsider_may_not_raise_an_objection(org, running_meeting):
    """S-MEET-5: objections come from the people in the meeting."""
    error = refuse(live.objection_raise, actor=org.outsider, meeting=running_meeting, text="反对")

    assert (error.code, error.message) == (
        "forbidden",
        "Only people in the meeting may raise an objection.",
    )
    assert Objection.objects.count() == 0


def test_objection_before_the_meeting_is_refused(org, scheduled_meeting):
    error = refuse(live.objection_raise, actor=org.li, meeting=scheduled_meeting, text="反对")

    assert (error.field, error.code) == ("status", "illegal_state")
    assert Objection.objects.count() == 0


def test_objection_after_the_meeting_ended_is_refused(org, ended_meeting):
    """S-MEET-5: once the meeting ends, the consensus is not overturned."""
    error = refuse(live.objection_raise, actor=org.li, meeting=ended_meeting, text="我反对")

    assert (error.field, error.code, error.message) == (
        "status",
        "illegal_state",
        "Objections are raised during the meeting; once it has ended the consensus stands.",
    )
    assert Objection.objects.count() == 0
    ended_meeting.refresh_from_db()
    assert ended_meeting.status == Status.MINUTES_DRAFT


def test_inactive_participant_may_not_raise_an_objection(org, running_meeting):
    deactivate(org.li)

    error = refuse(live.objection_raise, actor=org.li, meeting=running_meeting, text="反对")

    assert error.code == "forbidden"
    assert Objection.objects.count() == 0


def test_objection_on_another_meetings_topic_is_refused(org, running_meeting):
    other = bare_meeting(org)
    foreign = meetings.topic_add(actor=org.sun, meeting=other, title="别的会", planned_minutes=5)

    error = refuse(
        live.objection_raise, actor=org.li, meeting=running_meeting, topic=foreign, text="反对"
    )

    assert (error.field, error.code) == ("topic", "invalid")
    assert Objection.objects.count() == 0


def test_host_resolves_an_objection(org, running_meeting):
    """S-MEET-5: the objection is settled before the meeting closes."""
    objection = live.objection_raise(actor=org.li, meeting=running_meeting, text="9月底太紧")

    with clock.frozen(STARTS + dt.timedelta(minutes=80)):
        live.objection_resolve(actor=org.wang, objection=objection, resolution=" 改为10月8日 ")

    objection.refresh_from_db()
    assert (objection.resolution, objection.resolved_at) == ("改为10月8日", at(9, 15, 20))
    assert verbs(running_meeting)[-1] == "objection.resolved"


def test_objection_resolution_needs_text_and_happens_once(org, running_meeting):
    objection = live.objection_raise(actor=org.li, meeting=running_meeting, text="9月底太紧")

    empty = refuse(live.objection_resolve, actor=org.wang, objection=objection, resolution=" ")
    live.objection_resolve(actor=org.wang, objection=objection, resolution="改为10月8日")
    twice = refuse(live.objection_resolve, actor=org.wang, objection=objection, resolution="再议")

    assert (empty.field, empty.code) == ("resolution", "required")
    assert (twice.code, twice.message) == ("illegal_state", "This objection is already resolved.")
    objection.refresh_from_db()
    assert objection.resolution == "改为10月8日"


def test_participant_may_not_resolve_an_objection(org, running_meeting):
    objection = live.objection_raise(actor=org.li, meeting=running_meeting, text="9月底太紧")

    error = refuse(live.objection_resolve, actor=org.chen, objection=objection, resolution="好")

    assert (error.code, error.message) == (
        "forbidden",
        "Only the host or the recorder may resolve an objection.",
    )
    objection.refresh_from_db()
    assert (objection.resolution, objection.resolved_at) == ("", None)


# -- meeting_end (S-MEET-3, S-MEET-5) -------------------------------------------------------------


def test_meeting_end_opens_the_minutes_due_24_hours_later(org, running_meeting):
    """S-MEET-5: the read-back is done; the 24-hour clock of the minutes starts (S-POST-1)."""
    close_topics(org, running_meeting)

    with clock.frozen(at(9, 15, 25)):
        live.meeting_end(actor=org.wang, meeting=running_meeting)

    running_meeting.refresh_from_db()
    assert (running_meeting.status, running_meeting.ended_at) == (
        Status.MINUTES_DRAFT,
        at(9, 15, 25),
    )
    minutes = Minutes.objects.get()
    assert (minutes.meeting, minutes.due_at) == (running_meeting, at(10, 15, 25))
    assert (minutes.version, minutes.submitted_at, minutes.summary) == (1, None, "")
    assert verbs(running_meeting)[-1] == "meeting.ended"


def test_meeting_end_needs_an_outcome_for_every_topic(org, running_meeting):
    """S-MEET-3: each topic ends in consensus, the next meeting or research."""
    live.outcome_record(
        actor=org.zhao,
        topic=running_meeting.topics.get(order=1),
        kind=Outcome.CONSENSUS,
        text="先做需求A",
    )

    error = refuse(live.meeting_end, actor=org.wang, meeting=running_meeting)

    assert (error.field, error.code, error.message) == (
        "outcome",
        "incomplete",
        "Every topic needs an outcome before the meeting ends; open: 责任部门划分, 时间节点确认",
    )
    running_meeting.refresh_from_db()
    assert (running_meeting.status, running_meeting.ended_at) == (Status.IN_PROGRESS, None)
    assert Minutes.objects.count() == 0


def test_open_objection_blocks_the_end_until_resolved(org, running_meeting):
    """S-MEET-5: objections are settled before the meeting closes."""
    close_topics(org, running_meeting)
    objection = live.objection_raise(actor=org.chen, meeting=running_meeting, text="设计排期冲突")

    error = refuse(live.meeting_end, actor=org.wang, meeting=running_meeting)

    assert (error.field, error.code, error.message) == (
        "objections",
        "incomplete",
        "Resolve every objection before the meeting ends.",
    )
    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.IN_PROGRESS
    assert Minutes.objects.count() == 0

    live.objection_resolve(actor=org.wang, objection=objection, resolution="设计提前一周")
    live.meeting_end(actor=org.wang, meeting=running_meeting)

    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.MINUTES_DRAFT


def test_meeting_end_by_a_participant_is_refused(org, running_meeting):
    close_topics(org, running_meeting)

    error = refuse(live.meeting_end, actor=org.li, meeting=running_meeting)

    assert (error.code, error.message) == (
        "forbidden",
        "Only the host or the organiser may end the meeting.",
    )
    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.IN_PROGRESS
    assert Minutes.objects.count() == 0


def test_meeting_end_twice_is_refused(org, ended_meeting):
    error = refuse(live.meeting_end, actor=org.wang, meeting=ended_meeting)

    assert (error.field, error.code, error.message) == (
        "status",
        "illegal_state",
        "Only a meeting in progress can end.",
    )
    assert Minutes.objects.count() == 1


# -- meeting_close ---------------------------------------------------------------------------------


def _distribute(org: Org, meeting: Meeting) -> None:
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)


def test_meeting_closes_once_minutes_are_out_and_actions_done(org, running_meeting):
    action = actions.action_create(
        actor=org.zhao, meeting=running_meeting, task="完成初稿", owner=org.zhang, due="9月15日前"
    )
    close_topics(org, running_meeting)
    with clock.frozen(at(9, 15, 25)):
        live.meeting_end(actor=org.wang, meeting=running_meeting)
    _distribute(org, running_meeting)

    blocked = refuse(minutes_services.meeting_close, actor=org.sun, meeting=running_meeting)

    assert (blocked.field, blocked.code, blocked.message) == (
        "actions",
        "incomplete",
        "1 action item is still open.",
    )
    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.DISTRIBUTED

    tracking.action_set_status(actor=org.zhang, action=action, status=ActionItem.Status.DONE)
    minutes_services.meeting_close(actor=org.sun, meeting=running_meeting)

    running_meeting.refresh_from_db()
    assert running_meeting.status == Status.CLOSED
    assert verbs(running_meeting)[-1] == "meeting.closed"


def test_meeting_close_before_distribution_is_refused(org, ended_meeting):
    error = refuse(minutes_services.meeting_close, actor=org.sun, meeting=ended_meeting)

    assert (error.field, error.code, error.message) == (
        "status",
        "illegal_state",
        "Only a meeting whose minutes went out can close.",
    )
    ended_meeting.refresh_from_db()
    assert ended_meeting.status == Status.MINUTES_DRAFT


def test_meeting_close_by_an_outsider_is_refused(org, ended_meeting):
    _distribute(org, ended_meeting)

    error = refuse(minutes_services.meeting_close, actor=org.outsider, meeting=ended_meeting)

    assert error.code == "forbidden"
    ended_meeting.refresh_from_db()
    assert ended_meeting.status == Status.DISTRIBUTED
