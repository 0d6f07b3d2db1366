"""My in-app inbox through the API: listed in my language, counted, marked read; never
anyone else's."""

import datetime as dt

import pytest
from api.conftest import bearer
from django.test import Client
from django.utils import translation

from accord.core import clock
from accord.notify import messages
from accord.notify.models import Channel, Notification

pytestmark = pytest.mark.django_db


def notice(world, *, person=None, minutes_ago: int = 1, kind: str = "action.reminder", **extra):
    """An in-app notice about the world's action item, due ``minutes_ago`` minutes ago."""
    person = person or world.org.zhou
    at = clock.now() - dt.timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        key=f"test:{kind}:{person.pk}:{minutes_ago}:{extra.get('via', 'in_app')}",
        event=f"test:{kind}",
        kind=kind,
        via=extra.pop("via", Channel.Kind.IN_APP),
        recipient=person,
        action=world.action,
        meeting=world.meeting,
        payload={"due": "2026-09-15"},
        send_after=at,
        status=Notification.Status.SENT,
        **extra,
    )


def invitation(world) -> Notification:
    return Notification.objects.get(recipient=world.org.zhou, kind="meeting.invitation")


def post(client: Client, path: str):
    return client.post(path, "{}", content_type="application/json")


def test_inbox_lists_my_due_in_app_notices_newest_first(world, api_clients):
    reminder = notice(world, minutes_ago=0)
    notice(world, minutes_ago=-60)  # not due yet
    notice(world, minutes_ago=5, via=Channel.Kind.EMAIL)  # the e-mail copy is not in the inbox
    notice(world, person=world.org.li)  # someone else's
    response = api_clients["participant"].get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [reminder.pk, invitation(world).pk]
    assert body["items"][0] == {
        "id": reminder.pk,
        "kind": "action.reminder",
        "subject": "Due 2026-09-15 (Tuesday): 完成产品需求文档",
        "text": "Your action item from Q3产品上线跨部门协作启动会 is due on 2026-09-15 "
        "(Tuesday): 完成产品需求文档",
        "link": f"/actions/{world.action.pk}/",
        "link_label": "Open the action item",
        "meeting_id": world.meeting.pk,
        "action_id": world.action.pk,
        "at": "2026-09-07T01:00:00Z",
        "read_at": None,
        "done_at": None,
    }


def test_inbox_speaks_my_language(world, api_clients):
    world.org.zhou.locale = "zh-hans"
    world.org.zhou.save(update_fields=["locale"])
    reminder = notice(world, minutes_ago=0)
    with translation.override("zh-hans"):
        subject, text, _link, label = messages.texts(reminder)
    assert subject != "Due 2026-09-15 (Tuesday): 完成产品需求文档"
    item = api_clients["participant"].get("/api/v1/notifications").json()["items"][0]
    assert (item["subject"], item["text"], item["link_label"]) == (subject, text, label)


def test_a_notice_of_an_unknown_kind_shows_its_kind(world, api_clients):
    odd = notice(world, minutes_ago=0, kind="no.such.kind")
    item = api_clients["participant"].get("/api/v1/notifications").json()["items"][0]
    assert (item["id"], item["subject"], item["text"], item["link"]) == (
        odd.pk,
        "no.such.kind",
        "",
        "",
    )


@pytest.mark.parametrize("rows", [0, 40])
def test_inbox_query_count_is_constant(world, tokens, django_assert_num_queries, rows):
    for i in range(rows):
        notice(world, minutes_ago=i + 2)
    client = bearer(tokens["participant"])
    client.get("/api/v1/notifications/unread-count")
    # token, count, the page with its meetings, items and owners
    with django_assert_num_queries(3):
        response = client.get("/api/v1/notifications?page_size=100")
    assert response.json()["count"] == rows + 1
    assert len(response.json()["items"]) == rows + 1


def test_unread_count_and_marking_read(world, api_clients):
    reminder = notice(world, minutes_ago=0)
    client = api_clients["participant"]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}

    response = post(client, f"/api/v1/notifications/{reminder.pk}/read")
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    reminder.refresh_from_db()
    assert reminder.read_at == clock.now()
    assert post(client, f"/api/v1/notifications/{reminder.pk}/read").json() == {"marked": 0}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    listed = client.get("/api/v1/notifications").json()["items"]
    assert listed[0]["read_at"] == "2026-09-07T01:00:00Z"

    everything = post(client, "/api/v1/notifications/read-all")
    assert everything.json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_nobody_marks_anothers_notice(world, api_clients):
    theirs = notice(world, person=world.org.li)
    later = notice(world, minutes_ago=-60)
    for path in (
        f"/api/v1/notifications/{theirs.pk}/read",
        f"/api/v1/notifications/{later.pk}/read",
        "/api/v1/notifications/999999/read",
    ):
        response = post(api_clients["participant"], path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    later.refresh_from_db()
    assert theirs.read_at is None and later.read_at is None
    post(api_clients["participant"], "/api/v1/notifications/read-all")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bad_page_is_422(world, api_clients):
    response = api_clients["participant"].get("/api/v1/notifications?page_size=0")
    assert (response.status_code, response.json()["field"]) == (422, "page_size")


def test_session_calls_need_csrf_for_marking(world):
    reminder = notice(world)
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.org.zhou)
    assert session.get("/api/v1/notifications").status_code == 200
    refused = post(session, f"/api/v1/notifications/{reminder.pk}/read")
    assert refused.status_code == 403
    refused_all = post(session, "/api/v1/notifications/read-all")
    assert refused_all.status_code == 403
    reminder.refresh_from_db()
    assert reminder.read_at is None
    assert Notification.objects.filter(recipient=world.org.zhou, read_at__isnull=False).count() == 0


def test_anonymous_calls_are_401(world):
    assert Client().get("/api/v1/notifications").status_code == 401
    assert post(Client(), "/api/v1/notifications/read-all").status_code == 401
