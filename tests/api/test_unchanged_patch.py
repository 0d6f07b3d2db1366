"""A PATCH whose body is what is stored changes nothing: 200 with the same ETag, no audit
row, no notice, no outbox row (``core.services.model_update``)."""

import datetime as dt
import json

from accord.core.models import AuditEvent
from accord.meetings import services as meetings
from accord.notify.models import Notification
from tests.conftest import STARTS


def patch(client, path: str, data: dict, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", **headers)


def side_effects() -> tuple[int, int]:
    return AuditEvent.objects.count(), Notification.objects.count()


def test_patching_an_action_item_with_what_it_holds_changes_nothing(world, api_clients):
    client = api_clients["recorder"]
    path = f"/api/v1/actions/{world.action.pk}"
    read = client.get(path)
    item, etag = read.json(), read["ETag"]
    before = side_effects()

    response = patch(
        client,
        path,
        {
            "task": item["task"],
            "due": item["due_text"],
            "owner_id": item["owner"]["id"],
            "department_id": item["department"]["id"],
            "resources": item["resources"],
        },
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == etag
    assert side_effects() == before
    assert patch(client, path, {"task": "再改"}, HTTP_IF_MATCH=etag).status_code == 200


def test_patching_the_summary_with_the_same_text_changes_nothing(world, api_clients):
    client = api_clients["recorder"]
    path = f"/api/v1/meetings/{world.meeting.pk}/minutes"
    etag = client.get(path)["ETag"]
    before = side_effects()

    response = patch(client, path, {"summary": "三个议题均达成共识"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert (response["ETag"], response.json()["summary"]) == (etag, "三个议题均达成共识")
    assert side_effects() == before


def test_patching_a_topic_with_what_it_holds_changes_nothing(org, world, api_clients):
    draft = meetings.meeting_create(
        actor=org.sun, title="Q4规划会", starts_at=STARTS + dt.timedelta(days=7)
    )
    topic = meetings.topic_add(
        actor=org.sun,
        meeting=draft,
        title="产品需求优先级确认",
        planned_minutes=30,
        lead_department=org.marketing,
    )
    path = f"/api/v1/meetings/{draft.pk}/topics/{topic.pk}"
    updated_at = topic.updated_at
    before = side_effects()

    response = patch(
        api_clients["organiser"],
        path,
        {
            "title": "产品需求优先级确认",
            "planned_minutes": 30,
            "lead_department_id": org.marketing.pk,
            "description": "",
        },
    )

    assert response.status_code == 200, response.content
    assert side_effects() == before
    topic.refresh_from_db()
    assert topic.updated_at == updated_at
