"""The writes of quick capture (``accord.live.capture_services``): accepting a proposal
creates exactly its record through the owning service (S-MEET-3 outcomes, S-MEET-4 action
items with a real date, S-MEET-5 objections) and keeps the decision; a refusal, a second
click or someone who does not record creates nothing."""

import datetime as dt
import io

import pytest

from accord.actions.models import ActionItem
from accord.core.errors import AppError, PermissionDenied
from accord.live import capture_services as capture
from accord.live import services as live
from accord.live.capture_selectors import decided_keys, open_notes, proposals_of, topic_scope
from accord.live.models import CaptureDecision, CaptureSource
from accord.meetings.models import Objection, TopicOutcome
from tests.conftest import Org

NOTES = "\n".join(
    [
        "市场部先讲了用户调研",
        "【共识】优先开发A；D需求由销售部整理客户清单后评估",
        "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境",
        "【待办】@张专员 整理客户反馈 尽快",
        "【异议】销售部：D需求也很紧急",
        "【下次再议】上线日期 9月16日",
        "【调研】研发部 评估D需求 @周工程师 9月20日前",
    ]
)


@pytest.fixture
def topic(org: Org, running_meeting):
    first = running_meeting.topics.order_by("order").first()
    return live.topic_record_notes(actor=org.zhao, topic=first, notes=NOTES)


def proposal(meeting, topic, kind: str, index: int = 0):
    found = [
        p
        for p in proposals_of(meeting=meeting, text=topic.notes, scope=topic_scope(topic))
        if p.kind == kind
    ]
    return found[index]


def accept(org: Org, meeting, topic, p, **values):
    values = {
        "text": p.text,
        "owner": p.owner,
        "department": p.department,
        "raised_by": p.raised_by,
        "due": p.due_text,
        "resources": p.resources,
    } | values
    return capture.proposal_accept(
        actor=org.zhao, meeting=meeting, scope=topic_scope(topic), key=p.key, **values
    )


def test_accepting_an_action_item_creates_exactly_it_s_meet_4(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action")

    decision = accept(org, running_meeting, topic, p)

    item = ActionItem.objects.get()
    assert (item.task, item.owner, item.department, item.due_date, item.due_text) == (
        "完成A需求技术方案初稿",
        org.li,
        org.rnd,
        dt.date(2026, 9, 15),
        "9月15日前",
    )
    assert (item.resources, item.topic, item.meeting) == (
        "研发工程师3名、测试环境",
        topic,
        running_meeting,
    )
    assert (decision.verdict, decision.kind, decision.action, decision.decided_by) == (
        "accepted",
        "action",
        item,
        org.zhao,
    )
    assert (
        decision.line
        == "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境"
    )


def test_an_edited_action_item_is_created_as_edited(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action", 1)

    accept(org, running_meeting, topic, p, due="9月14日前", owner=org.zhang, resources="市场预算")

    item = ActionItem.objects.get()
    assert (item.task, item.owner, item.due_date, item.resources) == (
        "整理客户反馈",
        org.zhang,
        dt.date(2026, 9, 14),
        "市场预算",
    )


def test_a_vague_date_is_refused_with_the_rules_reason_and_nothing_is_written(
    org: Org, running_meeting, topic
):
    p = proposal(running_meeting, topic, "action", 1)

    with pytest.raises(AppError) as refused:
        accept(org, running_meeting, topic, p)

    assert (refused.value.code, refused.value.field) == ("vague_due_date", "due_date")
    assert ActionItem.objects.count() == 0
    assert CaptureDecision.objects.count() == 0
    assert p.key in {q.key for q in open_notes(meeting=running_meeting, topic=topic)[0].proposals}


def test_a_second_accept_is_refused_and_creates_nothing_more(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action")
    accept(org, running_meeting, topic, p)

    with pytest.raises(AppError) as refused:
        accept(org, running_meeting, topic, p)

    assert refused.value.code == "already_decided"
    assert ActionItem.objects.count() == 1
    assert CaptureDecision.objects.count() == 1


def test_accepting_the_consensus_closes_the_topic_s_meet_3(org: Org, running_meeting, topic):
    decision = accept(org, running_meeting, topic, proposal(running_meeting, topic, "consensus"))

    outcome = TopicOutcome.objects.get(topic=topic)
    assert (outcome.kind, outcome.text) == (
        "consensus",
        "优先开发A；D需求由销售部整理客户清单后评估",
    )
    assert decision.outcome == outcome


def test_accepting_the_next_meeting_keeps_its_day(org: Org, running_meeting, topic):
    accept(org, running_meeting, topic, proposal(running_meeting, topic, "next_meeting"))

    outcome = TopicOutcome.objects.get(topic=topic)
    assert (outcome.kind, outcome.text, outcome.next_meeting_on) == (
        "next_meeting",
        "上线日期",
        dt.date(2026, 9, 16),
    )


def test_accepting_research_creates_the_outcome_and_its_action_item(
    org: Org, running_meeting, topic
):
    decision = accept(org, running_meeting, topic, proposal(running_meeting, topic, "research"))

    outcome = TopicOutcome.objects.get(topic=topic)
    item = ActionItem.objects.get()
    assert (outcome.kind, outcome.research_department) == ("research", org.rnd)
    assert (item.task, item.owner, item.department, item.due_date) == (
        "评估D需求",
        org.zhou,
        org.rnd,
        dt.date(2026, 9, 20),
    )
    assert (decision.outcome, decision.action) == (outcome, item)


def test_accepting_an_objection_credits_the_department_s_meet_5(org: Org, running_meeting, topic):
    decision = accept(org, running_meeting, topic, proposal(running_meeting, topic, "objection"))

    objection = Objection.objects.get()
    assert (objection.text, objection.raised_by, objection.raised_by_department) == (
        "D需求也很紧急",
        None,
        org.sales,
    )
    assert (objection.topic, objection.recorded_by, decision.objection) == (
        topic,
        org.zhao,
        objection,
    )


def test_discarding_hides_the_proposal_and_creates_no_record(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action")

    decision = capture.proposal_discard(
        actor=org.zhao, meeting=running_meeting, scope=topic_scope(topic), key=p.key
    )

    assert (decision.verdict, decision.action) == ("discarded", None)
    assert ActionItem.objects.count() == 0
    shown = open_notes(meeting=running_meeting, topic=topic)[0].proposals
    assert [q.kind.value for q in shown] == [
        "consensus",
        "action",
        "objection",
        "next_meeting",
        "research",
    ]
    assert decided_keys(meeting=running_meeting) == {(topic_scope(topic), p.key)}


def test_a_decision_survives_edits_to_the_rest_of_the_notes(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action")
    capture.proposal_discard(
        actor=org.zhao, meeting=running_meeting, scope=topic_scope(topic), key=p.key
    )

    live.topic_record_notes(actor=org.zhao, topic=topic, notes="新的一行\n" + NOTES + "\n又一行")

    shown = open_notes(meeting=running_meeting, topic=topic)[0].proposals
    assert p.key not in {q.key for q in shown}
    assert len(shown) == 5


@pytest.mark.parametrize("who", ["zhang", "liu"])
def test_a_participant_who_does_not_record_changes_nothing(org: Org, running_meeting, topic, who):
    p = proposal(running_meeting, topic, "objection")
    person = getattr(org, who)

    with pytest.raises(PermissionDenied):
        capture.proposal_accept(
            actor=person,
            meeting=running_meeting,
            scope=topic_scope(topic),
            key=p.key,
            text=p.text,
            department=org.sales,
        )
    with pytest.raises(PermissionDenied):
        capture.proposal_discard(
            actor=person, meeting=running_meeting, scope=topic_scope(topic), key=p.key
        )

    assert Objection.objects.count() == 0
    assert CaptureDecision.objects.count() == 0


def test_a_line_that_left_the_notes_is_refused(org: Org, running_meeting, topic):
    p = proposal(running_meeting, topic, "action")
    live.topic_record_notes(actor=org.zhao, topic=topic, notes="全部删掉了")

    with pytest.raises(AppError) as refused:
        accept(org, running_meeting, topic, p)

    assert refused.value.code == "gone"
    assert ActionItem.objects.count() == 0


# -- the meeting notes box and transcripts --------------------------------------------------


def test_the_meeting_notes_box_is_one_per_meeting(org: Org, running_meeting):
    first = capture.capture_notes_save(actor=org.zhao, meeting=running_meeting, text="【共识】A")
    second = capture.capture_notes_save(actor=org.zhao, meeting=running_meeting, text="【共识】B")

    assert first.pk == second.pk
    assert list(CaptureSource.objects.values_list("kind", "text", "topic")) == [
        ("notes", "【共识】B", None)
    ]


def test_a_transcript_proposes_and_its_proposal_goes_to_the_chosen_topic(org: Org, running_meeting):
    first, second = running_meeting.topics.order_by("order")[:2]
    source = capture.transcript_add(
        actor=org.zhao,
        meeting=running_meeting,
        text="王经理 00:00:05\n那我们达成共识：优先开发A。",
        name="妙记.txt",
        topic=first,
    )
    (p,) = proposals_of(meeting=running_meeting, text=source.text, scope=source.scope)

    capture.proposal_accept(
        actor=org.zhao,
        meeting=running_meeting,
        scope=source.scope,
        key=p.key,
        text=p.text,
        topic=second,
    )

    assert list(TopicOutcome.objects.values_list("topic", "kind", "text")) == [
        (second.pk, "consensus", "优先开发A")
    ]


def test_an_empty_transcript_is_refused(org: Org, running_meeting):
    with pytest.raises(AppError) as refused:
        capture.transcript_add(actor=org.zhao, meeting=running_meeting, text="  \n ")

    assert (refused.value.code, refused.value.field) == ("required", "text")
    assert CaptureSource.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("【共识】先做A".encode(), "【共识】先做A"),
        ("\ufeff【共识】先做A".encode(), "【共识】先做A"),
        ("【共识】先做A".encode("gb18030"), "【共识】先做A"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030"],
)
def test_an_upload_is_read_as_utf8_or_gb18030(data, text):
    assert capture.transcript_read(io.BytesIO(data), name="notes.TXT") == text


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"%PDF-1.7", "minutes.pdf", "file_type"),
        (b"no suffix", "notes", "file_type"),
        (b"\x00\x01binary", "notes.txt", "not_text"),
        (b"\xff\xfe\xfd\xfc\x80\x81", "notes.srt", "encoding"),
    ],
)
def test_an_upload_that_is_no_text_file_is_refused(data, name, code):
    with pytest.raises(AppError) as refused:
        capture.transcript_read(io.BytesIO(data), name=name)

    assert (refused.value.code, refused.value.field) == (code, "file")


def test_an_upload_over_the_limit_is_refused(settings):
    settings.ACCORD_MAX_UPLOAD_MB = 1

    with pytest.raises(AppError) as refused:
        capture.transcript_read(io.BytesIO(b"a" * (1024 * 1024 + 1)), name="big.txt")

    assert refused.value.message == "The file is larger than 1 MB."
