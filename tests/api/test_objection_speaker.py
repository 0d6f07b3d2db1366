"""Who raised an objection through the API: a person or a department, apart from who typed
it (S-MEET-5); refusals name the input."""

import pytest
from django.test import Client

from accord.api.services import token_create
from accord.core.models import AuditEvent
from accord.meetings.models import Objection

pytestmark = pytest.mark.django_db


def api(person) -> Client:
    text = token_create(actor=person, name="tests")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


def path(meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.pk}{rest}"


def person_ref(person) -> dict:
    return {"id": person.pk, "name": person.name, "department": person.department.name}


def test_recorder_raises_a_departments_objection(org, running_meeting):
    response = api(org.zhao).post(
        path(running_meeting, "/objections"),
        {"text": "上线日期太紧", "raised_by_department_id": org.rnd.pk},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    objection = Objection.objects.get()
    assert response.json() == {
        "id": objection.pk,
        "topic_id": None,
        "raised_by": None,
        "raised_by_department": {"id": org.rnd.pk, "name": "研发部"},
        "raised_by_label": "研发部",
        "recorded_by": person_ref(org.zhao),
        "text": "上线日期太紧",
        "resolution": "",
        "resolved_at": None,
    }
    detail = api(org.sun).get(path(running_meeting)).json()
    assert [(o["raised_by_label"], o["recorded_by"]["name"]) for o in detail["objections"]] == [
        ("研发部", "赵专员")
    ]


def test_recorder_raises_a_persons_objection(org, running_meeting):
    response = api(org.zhao).post(
        path(running_meeting, "/objections"),
        {"text": "需求D的优先级过低", "raised_by_id": org.liu.pk},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["raised_by"], body["raised_by_department"], body["raised_by_label"]) == (
        person_ref(org.liu),
        None,
        "刘代表",
    )


@pytest.mark.parametrize(
    ("payload", "field", "code", "message"),
    [
        (
            {},
            "raised_by_id",
            "required",
            "Say who raised the objection: a person in the meeting or a department.",
        ),
        (
            {"raised_by_id": "outsider"},
            "raised_by_id",
            "invalid",
            "钱会计 does not take part in this meeting.",
        ),
        (
            {"raised_by_department_id": "finance"},
            "raised_by_department_id",
            "invalid",
            "财务部 does not take part in this meeting.",
        ),
        (
            {"raised_by_department_id": 999999},
            "raised_by_department_id",
            "not_found",
            "No department with id 999999.",
        ),
        (
            {"raised_by_id": "liu", "raised_by_department_id": "rnd"},
            "raised_by_id",
            "invalid",
            "Name the person or the department who raised it, not both.",
        ),
    ],
)
def test_who_raised_it_is_checked_and_named_in_the_refusal(
    org, running_meeting, payload, field, code, message
):
    ids = {
        "outsider": org.outsider.pk,
        "liu": org.liu.pk,
        "finance": org.outsider.department_id,
        "rnd": org.rnd.pk,
    }
    body = {name: ids.get(value, value) for name, value in payload.items()}
    recorder = api(org.zhao)
    audits = AuditEvent.objects.count()

    response = recorder.post(
        path(running_meeting, "/objections"),
        {"text": "反对", **body},
        content_type="application/json",
    )

    assert response.status_code == 422, response.content
    assert response.json() == {"message": message, "field": field, "code": code}
    assert (Objection.objects.count(), AuditEvent.objects.count()) == (0, audits)


def test_the_schema_documents_who_raised_it(client, db):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert {"raised_by_id", "raised_by_department_id"} <= set(schema["ObjectionIn"]["properties"])
    assert {"raised_by", "raised_by_department", "raised_by_label", "recorded_by"} <= set(
        schema["ObjectionOut"]["properties"]
    )
