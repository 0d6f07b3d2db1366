"""The meeting's nested resources in the API: participants, copied departments, agenda,
questions and answers, materials, and the live record (positions, outcomes, objections,
time and notes). Each operation: the allowed path with exact values, a refused path that
changes nothing, and bad input naming the field."""

import datetime as dt

import pytest
from conftest import STARTS
from django.test import Client

from accord.actions.models import ActionItem
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import preparation
from accord.meetings import services as meetings
from accord.meetings.models import (
    AgendaTopic,
    CopiedDepartment,
    Material,
    Meeting,
    Objection,
    Participant,
    Position,
    PrepAnswer,
    PrepQuestion,
    TopicOutcome,
)
from accord.org import services as org_services

pytestmark = pytest.mark.django_db


def api(person) -> Client:
    text = token_create(actor=person, name="tests")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


def url(meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.pk}{rest}"


def refused(response, status: int, field=None, code=None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    if code is not None:
        assert body["code"] == code
    return body


def topics(meeting) -> list[tuple[int, str]]:
    return list(meeting.topics.order_by("order").values_list("order", "title"))


# -- participants -----------------------------------------------------------------------------


def test_invite_one_person(org, draft_meeting):
    response = api(org.sun).post(
        url(draft_meeting, "/participants"),
        {"person_id": org.outsider.pk, "role": "observer"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    participant = Participant.objects.get(meeting=draft_meeting, person=org.outsider)
    assert response.json() == {
        "id": participant.pk,
        "person": {"id": org.outsider.pk, "name": "钱会计", "department": "财务部"},
        "department": {"id": org.outsider.department_id, "name": "财务部"},
        "role": "observer",
        "attendance": "invited",
    }


def test_invite_refused_to_a_participant_and_hidden_from_an_outsider(org, draft_meeting):
    payload = {"person_id": org.outsider.pk, "role": "observer"}
    body = refused(
        api(org.zhou).post(
            url(draft_meeting, "/participants"), payload, content_type="application/json"
        ),
        403,
        code="forbidden",
    )
    assert body["message"] == "Only the organiser may invite participants."
    refused(
        api(org.outsider).post(
            url(draft_meeting, "/participants"), payload, content_type="application/json"
        ),
        404,
        code="not_found",
    )
    assert not Participant.objects.filter(person=org.outsider).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"person_id": 0, "role": "boss"}, "role"),
        ({"person_id": 99999, "role": "observer"}, "person_id"),
        ({"role": "observer"}, "person_id"),
    ],
)
def test_invite_bad_input_names_the_field(org, draft_meeting, payload, field):
    before = draft_meeting.participants.count()
    refused(
        api(org.sun).post(
            url(draft_meeting, "/participants"), payload, content_type="application/json"
        ),
        422,
        field=field,
    )
    assert draft_meeting.participants.count() == before


def test_invite_twice_is_a_conflict(org, draft_meeting):
    body = refused(
        api(org.sun).post(
            url(draft_meeting, "/participants"),
            {"person_id": org.zhou.pk, "role": "observer"},
            content_type="application/json",
        ),
        409,
        field="person_id",
        code="duplicate",
    )
    assert body["message"] == "周工程师 is already invited."


def test_invite_a_department(org, draft_meeting):
    finance = org.outsider.department
    clerk = org_services.person_create(
        actor=org.admin, username="feng", name="冯出纳", department=finance, title="出纳"
    )
    response = api(org.sun).post(
        url(draft_meeting, "/participants/department"),
        {
            "department_id": finance.pk,
            "decision_maker_id": org.outsider.pk,
            "executor_ids": [clerk.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert [(p["person"]["name"], p["role"], p["department"]["name"]) for p in response.json()] == [
        ("钱会计", "decision_maker", "财务部"),
        ("冯出纳", "executor", "财务部"),
    ]


def test_invite_a_department_is_all_or_nothing(org, draft_meeting):
    finance = org.outsider.department
    before = draft_meeting.participants.count()
    refused(
        api(org.sun).post(
            url(draft_meeting, "/participants/department"),
            {
                "department_id": finance.pk,
                "decision_maker_id": org.outsider.pk,
                "executor_ids": [org.zhou.pk],
            },
            content_type="application/json",
        ),
        409,
        field="person",
        code="duplicate",
    )
    refused(
        api(org.sun).post(
            url(draft_meeting, "/participants/department"),
            {
                "department_id": finance.pk,
                "decision_maker_id": org.outsider.pk,
                "executor_ids": [99999],
            },
            content_type="application/json",
        ),
        422,
        field="executor_ids",
    )
    refused(
        api(org.zhang).post(
            url(draft_meeting, "/participants/department"),
            {"department_id": finance.pk, "decision_maker_id": org.outsider.pk},
            content_type="application/json",
        ),
        403,
    )
    assert draft_meeting.participants.count() == before
    assert not Participant.objects.filter(person=org.outsider).exists()


def test_take_attendance(org, scheduled_meeting):
    zhou = scheduled_meeting.participants.get(person=org.zhou)
    response = api(org.zhao).patch(
        url(scheduled_meeting, f"/participants/{zhou.pk}"),
        {"attendance": "present"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["attendance"] == "present"
    assert response.json()["person"] == {
        "id": org.zhou.pk,
        "name": "周工程师",
        "department": "研发部",
    }
    zhou.refresh_from_db()
    assert zhou.attendance == "present"


def test_attendance_refused_and_bad_input(org, scheduled_meeting):
    zhou = scheduled_meeting.participants.get(person=org.zhou)
    path = url(scheduled_meeting, f"/participants/{zhou.pk}")
    body = refused(
        api(org.zhou).patch(path, {"attendance": "present"}, content_type="application/json"),
        403,
    )
    assert body["message"] == "Only the host or the recorder may take attendance."
    refused(
        api(org.zhao).patch(path, {"attendance": "late"}, content_type="application/json"),
        422,
        field="attendance",
    )
    zhou.refresh_from_db()
    assert zhou.attendance == "invited"


def test_remove_a_participant(org, draft_meeting):
    liu = draft_meeting.participants.get(person=org.liu)
    response = api(org.sun).delete(url(draft_meeting, f"/participants/{liu.pk}"))
    assert response.status_code == 204
    assert response.content == b""
    assert not draft_meeting.participants.filter(person=org.liu).exists()


def test_remove_refused_or_not_found(org, draft_meeting):
    liu = draft_meeting.participants.get(person=org.liu)
    refused(api(org.zhou).delete(url(draft_meeting, f"/participants/{liu.pk}")), 403)
    refused(api(org.outsider).delete(url(draft_meeting, f"/participants/{liu.pk}")), 404)
    refused(api(org.sun).delete(url(draft_meeting, "/participants/99999")), 404)
    assert draft_meeting.participants.filter(person=org.liu).exists()


# -- copied departments -----------------------------------------------------------------------


def test_copy_and_uncopy_a_department(org, draft_meeting):
    client = api(org.sun)
    response = client.post(
        url(draft_meeting, "/copies"),
        {"department_id": org.office.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"id": org.office.pk, "name": "行政部"}
    assert list(draft_meeting.copies.values_list("department__name", flat=True)) == ["行政部"]
    response = client.delete(url(draft_meeting, f"/copies/{org.office.pk}"))
    assert response.status_code == 204
    assert not CopiedDepartment.objects.filter(meeting=draft_meeting).exists()


def test_copy_refused_bad_input_and_duplicate(org, draft_meeting):
    path = url(draft_meeting, "/copies")
    refused(
        api(org.zhou).post(path, {"department_id": org.office.pk}, content_type="application/json"),
        403,
    )
    refused(
        api(org.sun).post(path, {"department_id": 99999}, content_type="application/json"),
        422,
        field="department_id",
    )
    assert not CopiedDepartment.objects.filter(meeting=draft_meeting).exists()
    meetings.department_copy(actor=org.sun, meeting=draft_meeting, department=org.office)
    refused(
        api(org.sun).post(path, {"department_id": org.office.pk}, content_type="application/json"),
        409,
        field="department_id",
        code="duplicate",
    )
    refused(api(org.zhou).delete(url(draft_meeting, f"/copies/{org.office.pk}")), 403)
    refused(api(org.sun).delete(url(draft_meeting, f"/copies/{org.sales.pk}")), 404)
    assert draft_meeting.copies.count() == 1


# -- agenda -----------------------------------------------------------------------------------


def test_add_a_topic(org, draft_meeting):
    response = api(org.sun).post(
        url(draft_meeting, "/topics"),
        {"title": " 风险评估 ", "planned_minutes": 10, "lead_department_id": org.rnd.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    topic = draft_meeting.topics.get(order=4)
    assert response.json() == {
        "id": topic.pk,
        "order": 4,
        "title": "风险评估",
        "description": "",
        "lead_department": {"id": org.rnd.pk, "name": "研发部"},
        "planned_minutes": 10,
        "actual_minutes": None,
        "notes": "",
        "is_review": False,
        "positions": [],
        "outcome": None,
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "风险评估", "planned_minutes": 0}, "planned_minutes"),
        ({"title": "   ", "planned_minutes": 10}, "title"),
        (
            {"title": "风险评估", "planned_minutes": 10, "lead_department_id": 99999},
            "lead_department_id",
        ),
        ({"planned_minutes": 10}, "title"),
    ],
)
def test_add_a_topic_bad_input(org, draft_meeting, payload, field):
    refused(
        api(org.sun).post(url(draft_meeting, "/topics"), payload, content_type="application/json"),
        422,
        field=field,
    )
    assert draft_meeting.topics.count() == 3


def test_add_a_topic_refused(org, draft_meeting):
    payload = {"title": "风险评估", "planned_minutes": 10}
    refused(
        api(org.zhou).post(url(draft_meeting, "/topics"), payload, content_type="application/json"),
        403,
    )
    refused(
        api(org.outsider).post(
            url(draft_meeting, "/topics"), payload, content_type="application/json"
        ),
        404,
    )
    assert draft_meeting.topics.count() == 3


def test_add_a_topic_once_running_is_a_conflict(org, running_meeting):
    refused(
        api(org.sun).post(
            url(running_meeting, "/topics"),
            {"title": "风险评估", "planned_minutes": 10},
            content_type="application/json",
        ),
        409,
        field="status",
        code="illegal_state",
    )
    assert running_meeting.topics.count() == 3


def test_change_a_topic(org, draft_meeting):
    topic = draft_meeting.topics.get(order=2)
    response = api(org.sun).patch(
        url(draft_meeting, f"/topics/{topic.pk}"),
        {"planned_minutes": 25, "lead_department_id": org.sales.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["planned_minutes"], body["lead_department"]) == (
        "责任部门划分",
        25,
        {"id": org.sales.pk, "name": "销售部"},
    )


def test_change_a_topic_refused_and_bad_input(org, draft_meeting):
    topic = draft_meeting.topics.get(order=2)
    path = url(draft_meeting, f"/topics/{topic.pk}")
    refused(
        api(org.zhou).patch(path, {"planned_minutes": 25}, content_type="application/json"), 403
    )
    refused(
        api(org.sun).patch(path, {"planned_minutes": -5}, content_type="application/json"),
        422,
        field="planned_minutes",
    )
    refused(
        api(org.sun).patch(path, {"lead_department_id": 99999}, content_type="application/json"),
        422,
        field="lead_department_id",
    )
    topic.refresh_from_db()
    assert (topic.planned_minutes, topic.lead_department_id) == (30, None)


def test_remove_a_topic_closes_up(org, draft_meeting):
    topic = draft_meeting.topics.get(order=1)
    response = api(org.sun).delete(url(draft_meeting, f"/topics/{topic.pk}"))
    assert response.status_code == 204
    assert topics(draft_meeting) == [(1, "责任部门划分"), (2, "时间节点确认")]


def test_remove_a_topic_refused_or_not_found(org, draft_meeting):
    topic = draft_meeting.topics.get(order=1)
    refused(api(org.zhou).delete(url(draft_meeting, f"/topics/{topic.pk}")), 403)
    refused(api(org.sun).delete(url(draft_meeting, "/topics/99999")), 404)
    assert len(topics(draft_meeting)) == 3


def test_reorder_topics(org, draft_meeting):
    first, second, third = draft_meeting.topics.order_by("order")
    response = api(org.sun).post(
        url(draft_meeting, "/topics/reorder"),
        {"topic_ids": [third.pk, first.pk, second.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [(t["order"], t["title"]) for t in response.json()] == [
        (1, "时间节点确认"),
        (2, "产品需求优先级确认"),
        (3, "责任部门划分"),
    ]
    assert topics(draft_meeting) == [
        (1, "时间节点确认"),
        (2, "产品需求优先级确认"),
        (3, "责任部门划分"),
    ]


def test_reorder_refused_and_bad_input(org, draft_meeting):
    first, second, third = draft_meeting.topics.order_by("order")
    path = url(draft_meeting, "/topics/reorder")
    refused(
        api(org.zhou).post(
            path, {"topic_ids": [third.pk, first.pk, second.pk]}, content_type="application/json"
        ),
        403,
    )
    body = refused(
        api(org.sun).post(
            path, {"topic_ids": [third.pk, first.pk]}, content_type="application/json"
        ),
        422,
        field="topic_ids",
    )
    assert body["message"] == "Give every topic of this meeting exactly once."
    refused(
        api(org.sun).post(path, {"topic_ids": "1,2"}, content_type="application/json"),
        422,
        field="topic_ids",
    )
    assert topics(draft_meeting) == [
        (1, "产品需求优先级确认"),
        (2, "责任部门划分"),
        (3, "时间节点确认"),
    ]


# -- questions and answers --------------------------------------------------------------------


def test_ask_a_question(org, draft_meeting):
    topic = draft_meeting.topics.get(order=1)
    response = api(org.sun).post(
        url(draft_meeting, "/questions"),
        {"text": "贵部门需要哪些资源？", "topic_id": topic.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    question = PrepQuestion.objects.get(meeting=draft_meeting)
    assert response.json() == {
        "id": question.pk,
        "order": 1,
        "text": "贵部门需要哪些资源？",
        "topic_id": topic.pk,
    }


def test_ask_a_question_refused_and_bad_input(org, draft_meeting):
    other = meetings.meeting_create(actor=org.sun, title="另一个会", starts_at=STARTS)
    other_topic = meetings.topic_add(
        actor=org.sun, meeting=other, title="别的议题", planned_minutes=10
    )
    path = url(draft_meeting, "/questions")
    refused(api(org.zhou).post(path, {"text": "问题"}, content_type="application/json"), 403)
    refused(
        api(org.sun).post(
            path, {"text": "问题", "topic_id": other_topic.pk}, content_type="application/json"
        ),
        422,
        field="topic_id",
    )
    refused(
        api(org.sun).post(path, {"text": "  "}, content_type="application/json"), 422, field="text"
    )
    assert not PrepQuestion.objects.filter(meeting=draft_meeting).exists()


def _question(org, meeting, text="需要哪些资源？"):
    return preparation.question_add(actor=org.sun, meeting=meeting, text=text)


def test_save_and_submit_answers(org, draft_meeting):
    question = _question(org, draft_meeting)
    client = api(org.zhou)
    response = client.post(
        url(draft_meeting, "/answers"),
        {"question_id": question.pk, "department_id": org.rnd.pk, "text": "两名前端开发"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    answer = PrepAnswer.objects.get(question=question)
    assert response.json() == {
        "id": answer.pk,
        "question_id": question.pk,
        "department_id": org.rnd.pk,
        "author": {"id": org.zhou.pk, "name": "周工程师"},
        "text": "两名前端开发",
        "submitted_at": None,
    }
    response = client.post(
        url(draft_meeting, "/answers/submit"),
        {"department_id": org.rnd.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"department_id": org.rnd.pk, "submitted": 1}
    answer.refresh_from_db()
    assert answer.submitted_at == clock.now()


def test_answers_refused_and_bad_input(org, draft_meeting):
    question = _question(org, draft_meeting)
    path = url(draft_meeting, "/answers")
    body = refused(
        api(org.zhou).post(
            path,
            {"question_id": question.pk, "department_id": org.marketing.pk, "text": "答"},
            content_type="application/json",
        ),
        403,
    )
    assert body["message"] == "Only participants of 市场部 may answer for it."
    refused(
        api(org.zhou).post(
            path,
            {"question_id": question.pk, "department_id": org.rnd.pk, "text": " "},
            content_type="application/json",
        ),
        422,
        field="text",
    )
    refused(
        api(org.zhou).post(
            path,
            {"question_id": 99999, "department_id": org.rnd.pk, "text": "答"},
            content_type="application/json",
        ),
        422,
        field="question_id",
    )
    assert not PrepAnswer.objects.exists()
    refused(
        api(org.zhou).post(
            url(draft_meeting, "/answers/submit"),
            {"department_id": org.rnd.pk},
            content_type="application/json",
        ),
        409,
        field="text",
        code="incomplete",
    )
    refused(
        api(org.zhou).post(
            url(draft_meeting, "/answers/submit"), {}, content_type="application/json"
        ),
        422,
        field="department_id",
    )


def test_answers_matrix_for_the_organiser(org, draft_meeting):
    question = _question(org, draft_meeting)
    answer = preparation.answer_save(
        actor=org.zhou, question=question, department=org.rnd, text="两名前端"
    )
    preparation.answers_submit(actor=org.zhou, meeting=draft_meeting, department=org.rnd)
    preparation.answer_save(
        actor=org.wang, question=question, department=org.marketing, text="草稿"
    )
    response = api(org.sun).get(url(draft_meeting, "/answers"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert [d["name"] for d in body["departments"]] == [
        "市场部",
        "研发部",
        "行政部",
        "设计部",
        "销售部",
    ]
    assert body["rows"] == [
        {
            "question": {"id": question.pk, "order": 1, "text": "需要哪些资源？", "topic_id": None},
            "answers": [
                {
                    "id": answer.pk,
                    "question_id": question.pk,
                    "department_id": org.rnd.pk,
                    "author": {"id": org.zhou.pk, "name": "周工程师"},
                    "text": "两名前端",
                    "submitted_at": "2026-09-07T01:00:00Z",
                }
            ],
            "missing": [
                {"id": d.pk, "name": d.name}
                for d in (org.marketing, org.office, org.design, org.sales)
            ],
        }
    ]


def test_answers_matrix_is_for_the_organiser_only(org, draft_meeting):
    refused(api(org.zhou).get(url(draft_meeting, "/answers")), 403, code="forbidden")
    refused(api(org.outsider).get(url(draft_meeting, "/answers")), 404)


def test_answers_matrix_query_count_is_constant(org, draft_meeting, django_assert_num_queries):
    client = api(org.sun)

    def add(count: int) -> None:
        for index in range(count):
            question = _question(org, draft_meeting, f"问题{PrepQuestion.objects.count() + index}")
            for person, department in ((org.zhou, org.rnd), (org.wang, org.marketing)):
                preparation.answer_save(
                    actor=person, question=question, department=department, text="答"
                )

    add(1)
    client.get(url(draft_meeting, "/answers"))  # the token's first use is recorded once
    with django_assert_num_queries(5) as few:
        assert len(client.get(url(draft_meeting, "/answers")).json()["rows"]) == 1
    add(6)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url(draft_meeting, "/answers")).json()["rows"]) == 7


# -- materials --------------------------------------------------------------------------------


def test_add_a_link_and_list_materials(org, draft_meeting):
    client = api(org.sun)
    response = client.post(
        url(draft_meeting, "/materials"),
        {"title": "Q3产品需求文档", "url": "https://docs.example.com/q3"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    material = Material.objects.get(meeting=draft_meeting)
    expected = {
        "id": material.pk,
        "title": "Q3产品需求文档",
        "url": "https://docs.example.com/q3",
        "download_url": None,
        "topic_id": None,
        "added_by": {"id": org.sun.pk, "name": "孙主任"},
        "created_at": "2026-09-07T01:00:00Z",
    }
    assert response.json() == expected
    response = api(org.zhou).get(url(draft_meeting, "/materials"))
    assert response.status_code == 200
    assert response.json() == [expected]


def test_materials_refused_and_bad_input(org, draft_meeting):
    path = url(draft_meeting, "/materials")
    refused(
        api(org.zhou).post(
            path, {"title": "文档", "url": "https://x.example.com"}, content_type="application/json"
        ),
        403,
    )
    refused(
        api(org.sun).post(
            path, {"title": "文档", "url": "ftp://x.example.com"}, content_type="application/json"
        ),
        422,
        field="url",
    )
    refused(
        api(org.sun).post(path, {"title": "文档"}, content_type="application/json"),
        422,
        field="url",
    )
    refused(api(org.outsider).get(path), 404)
    assert not Material.objects.exists()


def test_materials_list_query_count_is_constant(org, draft_meeting, django_assert_num_queries):
    client = api(org.zhou)

    def add(count: int) -> None:
        for index in range(count):
            preparation.material_add(
                actor=org.sun if index % 2 else org.wang,
                meeting=draft_meeting,
                title=f"文档{index}",
                url="https://docs.example.com/",
            )

    add(1)
    client.get(url(draft_meeting, "/materials"))  # the token's first use is recorded once
    with django_assert_num_queries(3) as few:
        assert len(client.get(url(draft_meeting, "/materials")).json()) == 1
    add(8)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(url(draft_meeting, "/materials")).json()) == 9


def test_materials_send_at(org, draft_meeting):
    response = api(org.sun).post(
        url(draft_meeting, "/materials/send-at"),
        {"send_at": "2026-09-08T09:00:00+08:00"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": draft_meeting.pk,
        "materials_send_at": "2026-09-08T01:00:00Z",
    }
    response = api(org.sun).post(
        url(draft_meeting, "/materials/send-at"), {}, content_type="application/json"
    )
    # By default the start of the window (two days before), unless that has passed: now.
    assert response.json()["materials_send_at"] == "2026-09-07T06:00:00Z"


def test_materials_send_at_refused_and_bad_input(org, draft_meeting):
    path = url(draft_meeting, "/materials/send-at")
    refused(api(org.zhou).post(path, {}, content_type="application/json"), 403)
    refused(
        api(org.sun).post(
            path, {"send_at": "2026-09-01T09:00:00+08:00"}, content_type="application/json"
        ),
        422,
        field="send_at",
    )
    refused(
        api(org.sun).post(path, {"send_at": "tomorrow"}, content_type="application/json"),
        422,
        field="send_at",
    )
    draft_meeting.refresh_from_db()
    assert draft_meeting.materials_send_at is None


# -- in the meeting ---------------------------------------------------------------------------


def test_record_a_position(org, running_meeting):
    topic = running_meeting.topics.get(order=1)
    response = api(org.zhao).post(
        url(running_meeting, f"/topics/{topic.pk}/positions"),
        {"department_id": org.rnd.pk, "statement": "需延后两周", "evidence": "排期已满"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    position = Position.objects.get(topic=topic)
    assert response.json() == {
        "id": position.pk,
        "department": {"id": org.rnd.pk, "name": "研发部"},
        "statement": "需延后两周",
        "evidence": "排期已满",
    }


def test_position_refused_and_bad_input(org, running_meeting):
    topic = running_meeting.topics.get(order=1)
    path = url(running_meeting, f"/topics/{topic.pk}/positions")
    payload = {"department_id": org.rnd.pk, "statement": "需延后两周"}
    body = refused(api(org.zhou).post(path, payload, content_type="application/json"), 403)
    assert body["message"] == "Only the recorder or the host may record this."
    refused(api(org.outsider).post(path, payload, content_type="application/json"), 404)
    refused(
        api(org.zhao).post(
            path, {**payload, "department_id": 99999}, content_type="application/json"
        ),
        422,
        field="department_id",
    )
    refused(
        api(org.zhao).post(path, {**payload, "statement": ""}, content_type="application/json"),
        422,
        field="statement",
    )
    refused(
        api(org.zhao).post(
            url(running_meeting, "/topics/99999/positions"),
            payload,
            content_type="application/json",
        ),
        404,
    )
    assert not Position.objects.exists()


def test_record_outcomes(org, running_meeting):
    first, second, third = running_meeting.topics.order_by("order")
    client = api(org.zhao)
    response = client.post(
        url(running_meeting, f"/topics/{first.pk}/outcome"),
        {"kind": "consensus", "text": "按市场部方案执行"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "kind": "consensus",
        "text": "按市场部方案执行",
        "research_department": None,
        "next_meeting_on": None,
    }
    response = client.post(
        url(running_meeting, f"/topics/{second.pk}/outcome"),
        {"kind": "next_meeting", "next_meeting_on": "2026-09-16"},
        content_type="application/json",
    )
    assert response.json() == {
        "kind": "next_meeting",
        "text": "",
        "research_department": None,
        "next_meeting_on": "2026-09-16",
    }
    response = client.post(
        url(running_meeting, f"/topics/{third.pk}/outcome"),
        {
            "kind": "research",
            "text": "评估上线时间",
            "research_department_id": org.rnd.pk,
            "research_owner_id": org.li.pk,
            "research_due": "9月15日前",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "kind": "research",
        "text": "评估上线时间",
        "research_department": {"id": org.rnd.pk, "name": "研发部"},
        "next_meeting_on": None,
    }
    action = ActionItem.objects.get(topic=third)
    assert (action.task, action.owner, action.department, action.due_date) == (
        "评估上线时间",
        org.li,
        org.rnd,
        dt.date(2026, 9, 15),
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "agreed"}, "kind"),
        ({"kind": "consensus", "text": " "}, "text"),
        ({"kind": "research", "research_department_id": 0}, "research_department_id"),
        ({"kind": "research", "research_owner_id": 99999}, "research_owner_id"),
        ({"kind": "research", "text": "评估"}, "research_department_id"),
        (
            {
                "kind": "research",
                "research_department_id": "<rnd>",
                "research_owner_id": "<li>",
                "research_due": "尽快",
            },
            "research_due",
        ),
    ],
)
def test_outcome_bad_input(org, running_meeting, payload, field):
    topic = running_meeting.topics.get(order=1)
    ids = {"<rnd>": org.rnd.pk, "<li>": org.li.pk}
    payload = {key: ids.get(value, value) for key, value in payload.items()}
    refused(
        api(org.zhao).post(
            url(running_meeting, f"/topics/{topic.pk}/outcome"),
            payload,
            content_type="application/json",
        ),
        422,
        field=field,
    )
    assert not TopicOutcome.objects.exists()
    assert not ActionItem.objects.exists()


def test_outcome_refused(org, running_meeting):
    topic = running_meeting.topics.get(order=1)
    path = url(running_meeting, f"/topics/{topic.pk}/outcome")
    refused(
        api(org.zhou).post(path, {"kind": "next_meeting"}, content_type="application/json"), 403
    )
    refused(
        api(org.outsider).post(path, {"kind": "next_meeting"}, content_type="application/json"), 404
    )
    assert not TopicOutcome.objects.exists()


def test_raise_and_resolve_an_objection(org, running_meeting):
    topic = running_meeting.topics.get(order=3)
    response = api(org.chen).post(
        url(running_meeting, "/objections"),
        {"text": "设计时间不足", "topic_id": topic.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    objection = Objection.objects.get()
    assert response.json() == {
        "id": objection.pk,
        "topic_id": topic.pk,
        "raised_by": {"id": org.chen.pk, "name": "陈主管", "department": "设计部"},
        "raised_by_department": None,
        "raised_by_label": "陈主管",
        "recorded_by": {"id": org.chen.pk, "name": "陈主管", "department": "设计部"},
        "text": "设计时间不足",
        "resolution": "",
        "resolved_at": None,
    }
    response = api(org.wang).post(
        url(running_meeting, f"/objections/{objection.pk}/resolve"),
        {"resolution": "设计稿延后至9月20日"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["resolution"], response.json()["resolved_at"]) == (
        "设计稿延后至9月20日",
        "2026-09-07T01:00:00Z",
    )


def test_objection_refused_and_bad_input(org, running_meeting):
    path = url(running_meeting, "/objections")
    refused(api(org.outsider).post(path, {"text": "反对"}, content_type="application/json"), 404)
    refused(
        api(org.chen).post(path, {"text": ""}, content_type="application/json"), 422, field="text"
    )
    refused(
        api(org.chen).post(
            path, {"text": "反对", "topic_id": 99999}, content_type="application/json"
        ),
        422,
        field="topic_id",
    )
    assert not Objection.objects.exists()
    objection = live.objection_raise(actor=org.chen, meeting=running_meeting, text="反对")
    resolve = url(running_meeting, f"/objections/{objection.pk}/resolve")
    body = refused(
        api(org.chen).post(resolve, {"resolution": "好"}, content_type="application/json"), 403
    )
    assert body["message"] == "Only the host or the recorder may resolve an objection."
    refused(
        api(org.wang).post(resolve, {"resolution": " "}, content_type="application/json"),
        422,
        field="resolution",
    )
    refused(
        api(org.wang).post(
            url(running_meeting, "/objections/99999/resolve"),
            {"resolution": "好"},
            content_type="application/json",
        ),
        404,
    )
    objection.refresh_from_db()
    assert (objection.resolution, objection.resolved_at) == ("", None)


def test_topic_time_and_notes(org, running_meeting):
    topic = running_meeting.topics.get(order=1)
    client = api(org.zhao)
    response = client.post(
        url(running_meeting, f"/topics/{topic.pk}/time"),
        {"actual_minutes": 35},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": topic.pk,
        "planned_minutes": 30,
        "actual_minutes": 35,
        "notes": "",
    }
    response = client.post(
        url(running_meeting, f"/topics/{topic.pk}/notes"),
        {"notes": " 补充竞品数据 "},
        content_type="application/json",
    )
    assert response.json() == {
        "id": topic.pk,
        "planned_minutes": 30,
        "actual_minutes": 35,
        "notes": "补充竞品数据",
    }


def test_topic_time_and_notes_refused_and_bad_input(org, running_meeting):
    topic = running_meeting.topics.get(order=1)
    time, notes = (
        url(running_meeting, f"/topics/{topic.pk}/time"),
        url(running_meeting, f"/topics/{topic.pk}/notes"),
    )
    refused(api(org.zhou).post(time, {"actual_minutes": 35}, content_type="application/json"), 403)
    refused(api(org.zhou).post(notes, {"notes": "笔记"}, content_type="application/json"), 403)
    refused(
        api(org.zhao).post(time, {"actual_minutes": 0}, content_type="application/json"),
        422,
        field="actual_minutes",
    )
    refused(
        api(org.zhao).post(time, {"actual_minutes": "long"}, content_type="application/json"),
        422,
        field="actual_minutes",
    )
    refused(api(org.zhao).post(notes, {}, content_type="application/json"), 422, field="notes")
    topic.refresh_from_db()
    assert (topic.actual_minutes, topic.notes) == (None, "")


def test_nested_objects_of_another_meeting_are_not_found(org, draft_meeting):
    other = meetings.meeting_create(actor=org.sun, title="另一个会", starts_at=STARTS)
    other_topic = meetings.topic_add(
        actor=org.sun, meeting=other, title="别的议题", planned_minutes=10
    )
    client = api(org.sun)
    refused(client.delete(url(draft_meeting, f"/topics/{other_topic.pk}")), 404, code="not_found")
    refused(
        client.patch(
            url(draft_meeting, f"/topics/{other_topic.pk}"),
            {"title": "x"},
            content_type="application/json",
        ),
        404,
    )
    assert AgendaTopic.objects.filter(pk=other_topic.pk, title="别的议题").exists()


# -- starting far from the planned time (issue #17) ---------------------------------------------


def test_start_far_from_the_planned_time_needs_confirm_time(org, scheduled_meeting):
    """S-MEET-1: a start two days before the planned 2026-09-09 14:00 is refused (409, naming
    ``confirm_time``) and changes nothing; confirmed, the meeting is held now and says so."""
    client = api(org.wang)
    start = url(scheduled_meeting, "/start")

    body = refused(client.post(start), 409, field="confirm_time", code="off_schedule")
    refused(client.post(f"{start}?confirm_time=false"), 409, field="confirm_time")

    assert body["message"] == (
        "This meeting is planned for 2026-09-09 14:00–15:30 and it is now 2026-09-07 09:00. "
        "Confirm that it is held now: the meeting, its minutes and the calendars will then "
        "show when it really took place."
    )
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.status, scheduled_meeting.started_at) == ("scheduled", None)

    response = client.post(f"{start}?confirm_time=true")

    assert response.status_code == 200, response.content
    assert response.json() == {"id": scheduled_meeting.pk, "status": "in_progress"}
    detail = client.get(url(scheduled_meeting)).json()
    assert (
        detail["starts_at"],
        detail["duration_minutes"],
        detail["planned_starts_at"],
        detail["planned_duration_minutes"],
    ) == ("2026-09-07T01:00:00Z", 90, "2026-09-09T06:00:00Z", 90)


def test_start_at_the_planned_time_needs_no_confirmation(org, scheduled_meeting):
    with clock.frozen(STARTS):
        response = api(org.wang).post(url(scheduled_meeting, "/start"))

    assert response.status_code == 200, response.content
    scheduled_meeting.refresh_from_db()
    assert (scheduled_meeting.starts_at, scheduled_meeting.planned_starts_at) == (STARTS, None)


def test_schedule_refused_names_everything_missing_in_one_error(org):
    """The API keeps its one-field error shape: field and code of the first item, the
    message saying every item (S-PREP-1, S-PREP-2, S-PREP-5)."""
    meeting = meetings.meeting_create(actor=org.sun, title="资源协调会", starts_at=STARTS)

    body = refused(
        api(org.sun).post(url(meeting, "/schedule")), 422, field="topics", code="required"
    )

    assert body["message"] == (
        "Add at least one agenda topic before scheduling. "
        "Name a host who keeps time before scheduling. "
        "Name a recorder before scheduling. "
        "Invite at least one participant before scheduling."
    )
    meeting.refresh_from_db()
    assert meeting.status == "draft"


def test_create_in_the_past_when_asked_to_confirm(org):
    client = api(org.sun)
    payload = {"title": "补录会", "starts_at": "2026-09-01T14:00:00+08:00"}

    body = refused(
        client.post("/api/v1/meetings", {**payload, "confirm_past": False}, "application/json"),
        422,
        field="confirm_past",
        code="in_the_past",
    )
    assert body["message"].startswith("2026-09-01 14:00 is in the past.")
    assert not Meeting.objects.filter(title="补录会").exists()
    created = client.post("/api/v1/meetings", {**payload, "confirm_past": True}, "application/json")
    unasked = client.post("/api/v1/meetings", payload, "application/json")

    assert (created.status_code, unasked.status_code) == (201, 201)
