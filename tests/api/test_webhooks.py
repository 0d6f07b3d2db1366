"""Outgoing event webhooks for integrators, delivered through the outbox to a real
receiver on 127.0.0.1 that checks the signature (README "Signed webhook")."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.utils import timezone
from notify.receivers import Answer, HttpReceiver

from accord.actions import services as actions
from accord.actions import tracking
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.minutes import services as minutes
from accord.notify.models import Channel, Notification
from accord.notify.worker import Worker

SECRET = "integration-secret"
ALL = [
    "action.created",
    "action.due_soon",
    "action.overdue",
    "action.completed",
    "minutes.approved",
    "meeting.scheduled",
]


def client_for(person) -> Client:
    _token, text = token_create(actor=person, name="OA")
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def verified_events(receiver: HttpReceiver) -> list[tuple[str, dict]]:
    """The (event, data) of every request whose signature checks out with SECRET."""
    events = []
    for request in receiver.requests:
        timestamp = request.headers["x-accord-timestamp"]
        expected = (
            "sha256="
            + hmac.new(
                SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
            ).hexdigest()
        )
        assert hmac.compare_digest(expected, request.headers["x-accord-signature"])
        body = json.loads(request.body)
        events.append((body["event"], body["data"]))
    return events


@pytest.fixture
def receiver():
    with HttpReceiver(lambda request: Answer(204, b"")) as server:
        yield server


def subscribe(org, receiver, events=ALL) -> dict:
    response = client_for(org.admin).post(
        "/api/v1/webhooks",
        {"name": "OA", "url": receiver.url + "/events", "secret": SECRET, "events": events},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_administrator_subscribes_and_reads_it_back(org, receiver):
    created = subscribe(org, receiver, ["action.created", "minutes.approved"])
    assert created["events"] == ["action.created", "minutes.approved"]
    assert created["url"] == receiver.url + "/events"
    assert "secret" not in created
    listed = client_for(org.admin).get("/api/v1/webhooks").json()
    assert [(hook["id"], hook["name"], hook["enabled"]) for hook in listed] == [
        (created["id"], "OA", True)
    ]


def test_only_administrators_connect_integrations(org, receiver):
    response = client_for(org.sun).post(
        "/api/v1/webhooks",
        {"name": "OA", "url": receiver.url, "secret": SECRET, "events": ["action.created"]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client_for(org.sun).get("/api/v1/webhooks").status_code == 403
    assert not Channel.objects.exclude(events=[]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"name": "OA", "url": "not a url", "secret": SECRET, "events": ["action.created"]},
            "url",
        ),
        (
            {"name": "OA", "url": "https://oa.example.com/x", "secret": SECRET, "events": ["nope"]},
            "events.0",
        ),
        (
            {"name": "OA", "url": "https://oa.example.com/x", "secret": SECRET, "events": []},
            "events",
        ),
        (
            {
                "name": "OA",
                "url": "https://oa.example.com/x",
                "secret": "",
                "events": ["action.created"],
            },
            "secret",
        ),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(org, body, field):
    response = client_for(org.admin).post("/api/v1/webhooks", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not Channel.objects.exists()


def test_every_event_reaches_the_integration_signed(org, running_meeting, receiver):
    """meeting.scheduled, action.created, action.due_soon, action.completed,
    minutes.approved and action.overdue, each once, with the object's data."""
    hook = subscribe(org, receiver)
    meeting = running_meeting
    with clock.frozen(meeting.starts_at + dt.timedelta(minutes=10)):
        first = actions.action_create(
            actor=org.zhao, meeting=meeting, task="完成需求文档", owner=org.zhang, due="9月15日前"
        )
        second = actions.action_create(
            actor=org.zhao, meeting=meeting, task="输出技术方案", owner=org.zhou, due="9月11日前"
        )
    with clock.frozen(meeting.starts_at + dt.timedelta(minutes=85)):
        for topic in meeting.topics.all():
            live.outcome_record(actor=org.zhao, topic=topic, kind="consensus", text="同意")
        live.meeting_end(actor=org.wang, meeting=meeting)
        minutes.minutes_submit(actor=org.zhao, meeting=meeting)
        minutes.minutes_approve(actor=org.wang, meeting=meeting)
        Worker().run(once=True)
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 10, 10, 0))):
        tracking.action_set_status(actor=org.zhou, action=second, status="in_progress")
        tracking.action_set_status(actor=org.zhou, action=second, status="done")
        Worker().run(once=True)
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 12, 9, 0))):
        Worker().run(once=True)  # 3 days before the 15th
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 18, 9, 0))):
        Worker().run(once=True)  # D+3: overdue

    got = verified_events(receiver)
    assert [name for name, _data in got] == [
        "action.created",
        "action.created",
        "minutes.approved",
        "action.due_soon",  # the item due the 11th was due soon from the start
        "action.completed",
        "action.due_soon",
        "action.overdue",
    ]
    assert got[0][1]["action"] == {
        "id": first.pk,
        "task": "完成需求文档",
        "owner": {"id": org.zhang.pk, "name": org.zhang.name},
        "department_id": org.marketing.pk,
        "due_date": "2026-09-15",
        "status": "open",
        "meeting_id": meeting.pk,
    }
    assert got[2][1]["meeting"]["id"] == meeting.pk and got[2][1]["version"] == 1
    assert got[4][1]["action"]["id"] == second.pk and got[4][1]["action"]["status"] == "done"
    assert got[5][1]["action"]["id"] == first.pk
    assert got[6][1]["action"]["id"] == first.pk
    assert Notification.objects.filter(channel_id=hook["id"], status="sent").count() == 7
    # the integration gets only its events: no personal notices went to it
    assert not Notification.objects.filter(channel_id=hook["id"]).exclude(kind__in=ALL).exists()


def test_scheduling_is_announced_once(org, draft_meeting, receiver):
    subscribe(org, receiver, ["meeting.scheduled"])
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    meetings.meeting_update(actor=org.sun, meeting=draft_meeting, location="5号会议室")
    Worker().run(once=True)
    got = verified_events(receiver)
    assert [name for name, _data in got] == ["meeting.scheduled"]
    assert got[0][1]["meeting"]["title"] == "Q3产品上线跨部门协作启动会"
    assert got[0][1]["meeting"]["starts_at"] == "2026-09-09T06:00:00+00:00"


def test_a_removed_webhook_gets_nothing_more(org, draft_meeting, receiver):
    hook = subscribe(org, receiver, ["meeting.scheduled"])
    response = client_for(org.admin).delete(f"/api/v1/webhooks/{hook['id']}")
    assert response.status_code == 204
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    Worker().run(once=True)
    assert receiver.requests == []
