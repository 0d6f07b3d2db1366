"""The action item API: list and filters, detail with history and signature, recording,
correcting, removing, and the tracking moves; who may do each, and what bad input gets."""

import datetime as dt
import json

import pytest
from api.conftest import bearer
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.deadlines import parse_due_date
from accord.actions.models import ActionItem, ActionUpdate
from accord.actions.selectors import LIST_RELATIONS
from accord.api.routers.actions import ActionOut
from accord.api.services import token_create
from accord.core import clock
from accord.core.errors import AppError
from accord.minutes import services as minutes_services
from accord.notify.models import Notification
from accord.org import services as org_services
from accord.org.models import Person

pytestmark = pytest.mark.django_db

LATER = timezone.make_aware(dt.datetime(2026, 9, 20, 9, 0))  # the world's item is overdue


def post(client: Client, path: str, data: dict | None = None, **headers):
    return client.post(path, json.dumps(data or {}), content_type="application/json", **headers)


def patch(client: Client, path: str, data: dict, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", **headers)


def person_ref(person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "department": person.department.name if person.department_id else None,
    }


def item_json(action: ActionItem, *, overdue: bool = False) -> dict:
    action.refresh_from_db()
    return {
        "id": action.pk,
        "task": action.task,
        "status": action.status,
        "progress": action.progress,
        "due_date": action.due_date.isoformat(),
        "due_text": action.due_text,
        "committed_due_date": action.committed_due_date.isoformat(),
        "replan_count": action.replan_count,
        "escalated_at": None,
        "overdue": overdue,
        "overdue_reason": action.overdue_reason,
        "overdue_reason_text": action.overdue_reason_text,
        "resources": action.resources,
        "owner": person_ref(action.owner),
        "department": {"id": action.department_id, "name": action.department.name},
        "meeting": {"id": action.meeting_id, "title": action.meeting.title},
        "topic": None,
        "completed_at": None,
        "minutes_version": 1,
    }


def add_items(world, count: int) -> list[ActionItem]:
    """``count`` more items on the world's meeting (recorded while the minutes are written),
    owned by zhang, due one day apart from 2026-09-10."""
    o = world.org
    return [
        actions.action_create(
            actor=o.zhao,
            meeting=world.meeting,
            task=f"任务{i}",
            owner=o.zhang,
            due=dt.date(2026, 9, 10) + dt.timedelta(days=i),
        )
        for i in range(count)
    ]


# -- list ------------------------------------------------------------------------------------


def test_list_shows_what_the_caller_may_see_by_due_date(world, api_clients):
    response = api_clients["participant"].get("/api/v1/actions")
    assert response.status_code == 200
    assert response.json() == {"items": [item_json(world.action)], "count": 1}
    assert response.json()["items"][0]["due_date"] == "2026-09-15"
    assert response.json()["items"][0]["due_text"] == "9月15日前"

    admin = api_clients["admin"].get("/api/v1/actions").json()
    assert [item["id"] for item in admin["items"]] == [world.action.pk, world.secret_action.pk]
    assert admin["count"] == 2

    outsider = api_clients["outsider"].get("/api/v1/actions").json()
    assert outsider == {"items": [], "count": 0}


def test_list_orders_equal_due_dates_by_id_and_pages(world, api_clients):
    o = world.org
    same_day = [
        actions.action_create(
            actor=o.zhao, meeting=world.meeting, task=f"同日{i}", owner=o.zhang, due="9月15日"
        )
        for i in range(3)
    ]
    first = api_clients["recorder"].get("/api/v1/actions?page_size=2").json()
    second = api_clients["recorder"].get("/api/v1/actions?page_size=2&page=2").json()
    assert [i["id"] for i in first["items"]] == [world.action.pk, same_day[0].pk]
    assert [i["id"] for i in second["items"]] == [same_day[1].pk, same_day[2].pk]
    assert first["count"] == second["count"] == 4


def test_list_filters(world, api_clients):
    o = world.org
    extra = add_items(world, 3)  # zhang, marketing, due 09-10, 09-11, 09-12
    tracking.action_set_status(actor=o.zhang, action=extra[1], status="in_progress")
    client = api_clients["admin"]

    def ids(query: str) -> list[int]:
        response = client.get("/api/v1/actions?" + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    everything = [extra[0].pk, extra[1].pk, extra[2].pk, world.action.pk, world.secret_action.pk]
    assert ids("") == everything
    assert ids(f"owner={o.zhang.pk}") == [e.pk for e in extra]
    assert ids(f"department={o.rnd.pk}") == [world.action.pk]
    assert ids("status=in_progress") == [extra[1].pk]
    assert ids("due_after=2026-09-11&due_before=2026-09-15") == [
        extra[1].pk,
        extra[2].pk,
        world.action.pk,
    ]
    assert ids(f"meeting={world.secret.pk}") == [world.secret_action.pk]
    assert ids("q=产品需求") == [world.action.pk]
    assert ids("series=999999") == []
    assert ids("owner=999999") == []
    assert ids("overdue=true") == []
    assert ids("overdue=false") == everything
    with clock.frozen(LATER):  # 09-20: everything due before it and still open is overdue
        assert ids("overdue=true") == [extra[0].pk, extra[1].pk, extra[2].pk, world.action.pk]
        assert ids("overdue=false") == [world.secret_action.pk]
        item = client.get(f"/api/v1/actions?meeting={world.secret.pk}").json()["items"][0]
        assert item["overdue"] is False
        item = client.get(f"/api/v1/actions?owner={o.zhou.pk}").json()["items"][0]
        assert item["overdue"] is True


def test_own_items_answer_as_the_general_list_does_in_one_query(world, api_clients):
    """One's own items take one query written once per set of filters (core.compiled), the
    page and its count together: each filter, page and day gives what the administrator's
    list gives for the same owner, and a shape asked again on another day reads that day."""
    o = world.org
    extra = add_items(world, 3)  # zhang, marketing, due 09-10, 09-11, 09-12
    tracking.action_set_status(actor=o.zhang, action=extra[1], status="in_progress")
    elsewhere = actions.action_create(  # on the confidential meeting: owning it, zhang sees it
        actor=o.admin, meeting=world.secret, task="尽调补充", owner=o.zhang, due="9月16日"
    )
    mine = bearer(token_create(actor=o.zhang, name="mine")[1])
    admin = api_clients["admin"]
    mine.get("/api/v1/actions")  # the token's first use is recorded: once a minute

    def both(query: str) -> dict:
        own = mine.get(f"/api/v1/actions?owner={o.zhang.pk}&{query}")
        seen = admin.get(f"/api/v1/actions?owner={o.zhang.pk}&{query}")
        assert own.status_code == seen.status_code == 200, own.content
        assert own.json() == seen.json(), query
        return own.json()

    def ids(query: str) -> list[int]:
        return [item["id"] for item in both(query)["items"]]

    assert ids("") == [extra[0].pk, extra[1].pk, extra[2].pk, elsewhere.pk]
    assert ids("status=in_progress") == [extra[1].pk]
    assert ids(f"department={o.marketing.pk}&due_after=2026-09-11") == [
        extra[1].pk,
        extra[2].pk,
        elsewhere.pk,
    ]
    assert ids("due_before=2026-09-11&status=open") == [extra[0].pk]
    assert ids(f"meeting={world.secret.pk}") == [elsewhere.pk]
    assert ids(f"meeting={world.meeting.pk}&q=任务2") == [extra[2].pk]
    assert ids("series=999999") == []
    assert ids("overdue=true") == []
    assert both("page_size=2&page=2") == {
        "items": both("")["items"][2:],
        "count": 4,
    }
    assert both("page_size=2&page=3") == {"items": [], "count": 4}
    assert both("status=cancelled") == {"items": [], "count": 0}
    with clock.frozen(LATER):  # the same shape, another day
        assert ids("overdue=true") == [extra[0].pk, extra[1].pk, extra[2].pk, elsewhere.pk]
        assert ids("overdue=false") == []
        assert [item["overdue"] for item in both("")["items"]] == [True] * 4

    with CaptureQueriesContext(connection) as queries:
        response = mine.get(f"/api/v1/actions?owner={o.zhang.pk}&status=open&page_size=30")
    assert response.json()["count"] == 3
    assert len(queries) == 2  # the token and its person; the page with its count


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("due_before=soon", "due_before"),
        ("due_after=2026-13-45", "due_after"),
        ("status=nonsense", "status"),
        ("overdue=maybe", "overdue"),
        ("owner=abc", "owner"),
        ("page=0", "page"),
        ("page_size=101", "page_size"),
        ("q=%00", "q"),
    ],
)
def test_list_refuses_bad_filters_naming_the_field(world, api_clients, query, field):
    response = api_clients["admin"].get("/api/v1/actions?" + query)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["code"] == "invalid"


def test_list_rows_are_what_the_item_schema_makes_of_each_item(world, api_clients):
    """The list shapes its rows from values (action_rows); each row must be, field for field,
    what ActionOut makes of the item: a topic, done, escalated and late with a reason and
    re-plans, an owner with no name and no department, and the confidential meeting's item."""
    o = world.org
    done, late, nameless = add_items(world, 3)
    now = clock.now()
    ActionItem.objects.filter(pk=done.pk).update(
        topic=world.meeting.topics.order_by("order").first(),
        status=ActionItem.Status.DONE,
        progress=100,
        completed_at=now,
    )
    ActionItem.objects.filter(pk=late.pk).update(
        status=ActionItem.Status.IN_PROGRESS,
        due_date=dt.date(2026, 9, 1),
        escalated_at=now,
        overdue_reason="dependency",
        overdue_reason_text="等待设计稿",
        replan_count=2,
    )
    Person.objects.filter(pk=o.zhang.pk).update(name="", department=None)
    ActionItem.objects.filter(pk=nameless.pk).update(owner=o.zhang)

    listed = api_clients["admin"].get("/api/v1/actions?page_size=100").json()

    items = ActionItem.objects.select_related(*LIST_RELATIONS).order_by("due_date", "id")
    expected = [
        json.loads(json.dumps(ActionOut.from_orm(item).model_dump(), cls=NinjaJSONEncoder))
        for item in items
    ]
    assert listed == {"items": expected, "count": 5}
    assert [row["overdue"] for row in listed["items"]] == [True, False, False, False, False]
    assert listed["items"][0]["id"] == late.pk
    by_id = {row["id"]: row for row in listed["items"]}
    assert by_id[nameless.pk]["owner"] == {"id": o.zhang.pk, "name": "zhang", "department": None}
    assert by_id[done.pk]["topic"]["id"] == world.meeting.topics.order_by("order").first().pk
    assert set(listed["items"][0]) == set(ActionOut.model_fields)


@pytest.mark.parametrize("rows", [0, 30])
def test_list_query_count_is_constant(world, tokens, django_assert_num_queries, rows):
    add_items(world, rows)
    client = bearer(tokens["organiser"])
    client.get("/api/v1/actions")  # the token's first use is recorded once
    # token, page, count
    with django_assert_num_queries(3):
        response = client.get("/api/v1/actions?page_size=100")
    assert response.json()["count"] == rows + 1
    assert len(response.json()["items"]) == rows + 1


# -- detail ----------------------------------------------------------------------------------


def test_detail_has_history_and_no_signature(world, api_clients):
    o = world.org
    action = world.action
    with clock.frozen(clock.now() + dt.timedelta(hours=1)):
        tracking.action_report_progress(actor=o.zhou, action=action, progress=40, note="初稿")
    with clock.frozen(LATER):
        tracking.action_report_overdue_reason(
            actor=o.zhou, action=action, reason="dependency", text="等设计稿"
        )
        tracking.action_replan(actor=o.sun, action=action, due="9月30日前", reason="设计延期")
        response = api_clients["participant"].get(f"/api/v1/actions/{action.pk}")
    assert response.status_code == 200
    body = response.json()
    action.refresh_from_db()
    assert response["ETag"] == f'"{action.pk}-{int(action.updated_at.timestamp() * 1_000_000)}"'
    assert body["due_date"] == "2026-09-30"
    assert body["status"] == "in_progress"
    assert body["progress"] == 40
    assert body["overdue"] is False
    assert body["signature"] is None
    updates = [
        {k: u[k] for k in ("kind", "progress", "old_due_date", "new_due_date", "reason", "text")}
        | {"author": u["author"]["id"]}
        for u in body["updates"]
    ]
    assert updates == [
        {
            "kind": "progress",
            "progress": 40,
            "old_due_date": None,
            "new_due_date": None,
            "reason": "",
            "text": "初稿",
            "author": o.zhou.pk,
        },
        {
            "kind": "overdue_reason",
            "progress": None,
            "old_due_date": None,
            "new_due_date": None,
            "reason": "dependency",
            "text": "等设计稿",
            "author": o.zhou.pk,
        },
        {
            "kind": "replan",
            "progress": None,
            "old_due_date": "2026-09-15",
            "new_due_date": "2026-09-30",
            "reason": "",
            "text": "设计延期",
            "author": o.sun.pk,
        },
    ]
    assert body["updates"][0]["author"] == person_ref(o.zhou)


@pytest.mark.parametrize("updates", [0, 20])
def test_detail_query_count_is_constant(world, tokens, django_assert_num_queries, updates):
    o = world.org
    for i in range(updates):
        with clock.frozen(clock.now() + dt.timedelta(minutes=i + 1)):
            tracking.action_report_progress(actor=o.zhou, action=world.action, progress=i + 1)
    client = bearer(tokens["participant"])
    client.get("/api/v1/actions")
    # token, the item with its relations, its updates, its proposed due dates
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/actions/{world.action.pk}")
    assert len(response.json()["updates"]) == updates


def test_an_item_one_may_not_see_is_the_same_404_as_a_missing_one(world, api_clients):
    hidden = api_clients["outsider"].get(f"/api/v1/actions/{world.action.pk}")
    missing = api_clients["outsider"].get("/api/v1/actions/999999")
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()
        == missing.json()
        == {
            "message": "Not found, or not yours to see.",
            "field": None,
            "code": "not_found",
        }
    )
    secret = api_clients["organiser"].get(f"/api/v1/actions/{world.secret_action.pk}")
    assert secret.status_code == 404
    assert "尽调" not in secret.content.decode()


# -- create ----------------------------------------------------------------------------------


def test_recorder_records_an_item_with_a_due_phrase(world, api_clients):
    o = world.org
    response = post(
        api_clients["recorder"],
        f"/api/v1/meetings/{world.meeting.pk}/actions",
        {"task": "输出技术方案", "owner_id": o.li.pk, "due": "9月15日前", "resources": "2人"},
    )
    assert response.status_code == 201, response.content
    action = ActionItem.objects.get(task="输出技术方案")
    assert response.json() == item_json(action) | {
        "updates": [],
        "signature": None,
        "due_proposals": [],
    }
    assert (action.due_date, action.due_text) == (dt.date(2026, 9, 15), "9月15日前")
    assert (action.owner, action.department, action.resources) == (o.li, o.rnd, "2人")
    assert response["ETag"]


def test_create_query_count(world, api_clients, django_assert_num_queries):
    """Token, meeting, owner; then in one transaction the meeting's lock, its minutes (the
    item records their version), the item, its audit event and the integrations' hooks
    (none here: nothing more is written). The answer reads nothing more: a new item has no
    history and no signature."""
    o = world.org
    api_clients["recorder"].get("/api/v1/actions")  # the token's use is recorded once a minute
    with django_assert_num_queries(10):  # with the transaction's start and end
        response = post(
            api_clients["recorder"],
            f"/api/v1/meetings/{world.meeting.pk}/actions",
            {"task": "输出技术方案", "owner_id": o.li.pk, "due": "2026-09-15"},
        )
    assert response.status_code == 201, response.content
    assert (response.json()["updates"], response.json()["signature"]) == ([], None)
    assert not Notification.objects.filter(kind="action.created").exists()


def test_a_picked_date_and_a_topic(world, api_clients):
    o = world.org
    topic = world.meeting.topics.order_by("order").first()
    response = post(
        api_clients["recorder"],
        f"/api/v1/meetings/{world.meeting.pk}/actions",
        {
            "task": "确认设计稿",
            "owner_id": o.chen.pk,
            "due": "2026-09-18",
            "department_id": o.marketing.pk,
            "topic_id": topic.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["due_date"] == "2026-09-18"
    assert body["department"] == {"id": o.marketing.pk, "name": "市场部"}
    assert body["topic"] == {"id": topic.pk, "title": topic.title}


def test_a_vague_due_date_is_refused_on_due_with_the_rules_message(world, api_clients):
    with pytest.raises(AppError) as rule:
        parse_due_date("尽快", reference=dt.date(2026, 9, 9), not_before=dt.date(2026, 9, 9))
    response = post(
        api_clients["recorder"],
        f"/api/v1/meetings/{world.meeting.pk}/actions",
        {"task": "输出技术方案", "owner_id": world.org.li.pk, "due": "尽快"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": rule.value.message,
        "field": "due",
        "code": "vague_due_date",
    }
    assert ActionItem.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"owner_id": 999999, "due": "9月15日前"}, "owner_id"),
        ({"owner_id": "abc", "due": "9月15日前"}, "owner_id"),
        ({"due": "9月15日前", "owner_id": ...}, "owner_id"),
        ({"owner_id": None, "due": "9月15日前", "task": ""}, "owner_id"),
        ({"due": "9月15日前", "department_id": 999999}, "department_id"),
        ({"due": "9月15日前", "topic_id": 999999}, "topic_id"),
        ({"due": "2026-09-01"}, "due"),
        ({"due": ""}, "due"),
        ({"due": ...}, "due"),
        ({"due": "9月15日前", "task": "  "}, "task"),
        ({"due": "9月15日前", "task": "a\x00b"}, "task"),
        ({"due": "9月15日前", "resources": "\x00"}, "resources"),
        ({"due": "x" * 101}, "due"),
    ],
)
def test_bad_input_is_422_on_the_field_and_creates_nothing(world, api_clients, data, field):
    payload = {"task": "输出技术方案", "owner_id": world.org.li.pk} | data
    payload = {key: value for key, value in payload.items() if value is not ...}
    response = post(
        api_clients["recorder"], f"/api/v1/meetings/{world.meeting.pk}/actions", payload
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert ActionItem.objects.count() == 2


def test_a_topic_of_another_meeting_is_refused(world, api_clients):
    topic = world.secret.topics.first()
    response = post(
        api_clients["recorder"],
        f"/api/v1/meetings/{world.meeting.pk}/actions",
        {"task": "x", "owner_id": world.org.li.pk, "due": "9月15日前", "topic_id": topic.pk},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "topic_id"
    assert ActionItem.objects.count() == 2


def test_only_the_recorder_or_host_records(world, api_clients):
    payload = {"task": "输出技术方案", "owner_id": world.org.li.pk, "due": "9月15日前"}
    path = f"/api/v1/meetings/{world.meeting.pk}/actions"
    forbidden = post(api_clients["participant"], path, payload)
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "message": "Only the recorder or the host may record action items.",
        "field": None,
        "code": "forbidden",
    }
    hidden = post(api_clients["outsider"], path, payload)
    assert hidden.status_code == 404
    secret = post(api_clients["recorder"], f"/api/v1/meetings/{world.secret.pk}/actions", payload)
    assert secret.status_code == 404
    assert ActionItem.objects.count() == 2


def test_session_writes_need_the_csrf_token(world):
    payload = {"task": "输出技术方案", "owner_id": world.org.li.pk, "due": "9月15日前"}
    path = f"/api/v1/meetings/{world.meeting.pk}/actions"
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.org.zhao)
    refused = post(session, path, payload)
    assert refused.status_code == 403
    assert refused.json()["code"] == "http_403"
    assert ActionItem.objects.count() == 2

    session.get("/api-tokens/")  # any page sets the CSRF cookie
    csrf = session.cookies["csrftoken"].value
    allowed = post(session, path, payload, HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 201
    assert ActionItem.objects.count() == 3


def test_token_writes_need_no_csrf(world, tokens):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {tokens['recorder']}")
    payload = {"task": "输出技术方案", "owner_id": world.org.li.pk, "due": "9月15日前"}
    response = post(client, f"/api/v1/meetings/{world.meeting.pk}/actions", payload)
    assert response.status_code == 201
    assert ActionItem.objects.count() == 3


# -- update and delete -----------------------------------------------------------------------


def test_patch_needs_if_match_and_refuses_a_stale_one(world, api_clients):
    client = api_clients["recorder"]
    path = f"/api/v1/actions/{world.action.pk}"
    missing = patch(client, path, {"task": "新任务"})
    assert missing.status_code == 428
    assert missing.json()["field"] == "If-Match"
    stale = patch(client, path, {"task": "新任务"}, HTTP_IF_MATCH='"1-1"')
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale"
    world.action.refresh_from_db()
    assert world.action.task == "完成产品需求文档"

    etag = client.get(path)["ETag"]
    response = patch(
        client,
        path,
        {"task": "新任务", "due": "9月20日前", "owner_id": world.org.li.pk},
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    world.action.refresh_from_db()
    assert (world.action.task, world.action.due_date, world.action.owner) == (
        "新任务",
        dt.date(2026, 9, 20),
        world.org.li,
    )
    assert response.json()["due_text"] == "9月20日前"
    assert response["ETag"] != etag
    again = patch(client, path, {"task": "再改"}, HTTP_IF_MATCH=etag)
    assert again.status_code == 412


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"due": "待定"}, "due"),
        ({"task": " "}, "task"),
        ({"owner_id": 999999}, "owner_id"),
        ({"department_id": 999999}, "department_id"),
        ({"task": 5}, "task"),
    ],
)
def test_patch_bad_input_changes_nothing(world, api_clients, data, field):
    client = api_clients["recorder"]
    path = f"/api/v1/actions/{world.action.pk}"
    etag = client.get(path)["ETag"]
    response = patch(client, path, data, HTTP_IF_MATCH=etag)
    assert response.status_code == 422
    assert response.json()["field"] == field
    world.action.refresh_from_db()
    assert (world.action.task, world.action.due_date, world.action.owner) == (
        "完成产品需求文档",
        dt.date(2026, 9, 15),
        world.org.zhou,
    )


def test_patch_by_others(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}"
    etag = api_clients["participant"].get(path)["ETag"]
    forbidden = patch(api_clients["participant"], path, {"task": "改"}, HTTP_IF_MATCH=etag)
    assert forbidden.status_code == 403
    hidden = patch(api_clients["outsider"], path, {"task": "改"}, HTTP_IF_MATCH=etag)
    assert hidden.status_code == 404
    world.action.refresh_from_db()
    assert world.action.task == "完成产品需求文档"


def test_delete(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}"
    assert api_clients["participant"].delete(path).status_code == 403
    assert api_clients["outsider"].delete(path).status_code == 404
    assert ActionItem.objects.filter(pk=world.action.pk).exists()
    response = api_clients["recorder"].delete(path)
    assert response.status_code == 204
    assert not ActionItem.objects.filter(pk=world.action.pk).exists()
    assert api_clients["recorder"].delete(path).status_code == 404


# -- moves -----------------------------------------------------------------------------------


def test_status_moves(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}/status"
    response = post(api_clients["participant"], path, {"status": "in_progress", "note": "开始"})
    assert response.status_code == 200
    assert response.json() == {"id": world.action.pk, "status": "in_progress"}
    update = ActionUpdate.objects.get(action=world.action)
    assert (update.old_status, update.new_status, update.text) == ("open", "in_progress", "开始")

    cancel = post(api_clients["participant"], path, {"status": "cancelled"})
    assert cancel.status_code == 403
    assert cancel.json()["message"] == "Only the organiser may cancel or reopen an item."
    assert post(api_clients["outsider"], path, {"status": "done"}).status_code == 404
    assert post(api_clients["reader"], path, {"status": "done"}).status_code == 403
    bad = post(api_clients["participant"], path, {"status": "finished"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "status"
    world.action.refresh_from_db()
    assert world.action.status == "in_progress"
    assert ActionUpdate.objects.filter(action=world.action).count() == 1

    assert post(api_clients["participant"], path, {"status": "done"}).status_code == 200
    illegal = post(api_clients["organiser"], path, {"status": "cancelled"})
    assert illegal.status_code == 409
    assert illegal.json()["code"] == "illegal_state"
    world.action.refresh_from_db()
    assert (world.action.status, world.action.progress) == ("done", 100)


def test_progress(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}/progress"
    response = post(api_clients["participant"], path, {"progress": 60, "note": "方案已提交"})
    assert response.status_code == 200
    assert response.json() == {"id": world.action.pk, "status": "in_progress"}
    for data, field in (
        ({"progress": 101}, "progress"),
        ({"progress": "x"}, "progress"),
        ({"progress": 60}, "text"),
    ):
        bad = post(api_clients["participant"], path, data)
        assert bad.status_code == 422
        assert bad.json()["field"] == field
    assert post(api_clients["reader"], path, {"progress": 80}).status_code == 403
    assert post(api_clients["outsider"], path, {"progress": 80}).status_code == 404
    world.action.refresh_from_db()
    assert world.action.progress == 60
    assert ActionUpdate.objects.filter(action=world.action).count() == 1


def test_overdue_reason(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}/overdue-reason"
    early = post(api_clients["participant"], path, {"reason": "dependency"})
    assert early.status_code == 409
    assert early.json()["code"] == "illegal_state"
    with clock.frozen(LATER):
        assert post(api_clients["participant"], path, {"reason": "late"}).status_code == 422
        other = post(api_clients["participant"], path, {"reason": "other"})
        assert (other.status_code, other.json()["field"]) == (422, "text")
        assert post(api_clients["organiser"], path, {"reason": "dependency"}).status_code == 403
        assert post(api_clients["outsider"], path, {"reason": "dependency"}).status_code == 404
        world.action.refresh_from_db()
        assert world.action.overdue_reason == ""
        response = post(
            api_clients["participant"], path, {"reason": "dependency", "text": "等设计"}
        )
    assert response.status_code == 200
    assert response.json() == {"id": world.action.pk, "status": "open"}
    world.action.refresh_from_db()
    assert (world.action.overdue_reason, world.action.overdue_reason_text) == (
        "dependency",
        "等设计",
    )


def test_replan(world, api_clients):
    path = f"/api/v1/actions/{world.action.pk}/replan"
    payload = {"due": "9月30日前", "reason": "设计资源调整"}
    assert post(api_clients["participant"], path, payload).status_code == 403
    assert post(api_clients["outsider"], path, payload).status_code == 404
    vague = post(api_clients["organiser"], path, {"due": "尽快", "reason": "x"})
    assert (vague.status_code, vague.json()["field"], vague.json()["code"]) == (
        422,
        "due",
        "vague_due_date",
    )
    same = post(api_clients["organiser"], path, {"due": "2026-09-15", "reason": "x"})
    assert (same.status_code, same.json()["field"]) == (409, "due")
    no_reason = post(api_clients["organiser"], path, {"due": "9月30日前", "reason": " "})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    world.action.refresh_from_db()
    assert world.action.due_date == dt.date(2026, 9, 15)

    response = post(api_clients["organiser"], path, payload)
    assert response.status_code == 200
    world.action.refresh_from_db()
    assert world.action.due_date == dt.date(2026, 9, 30)
    update = ActionUpdate.objects.get(action=world.action, kind="replan")
    assert (update.old_due_date, update.new_due_date, update.text) == (
        dt.date(2026, 9, 15),
        dt.date(2026, 9, 30),
        "设计资源调整",
    )


def test_sign(world, api_clients):
    o = world.org
    path = f"/api/v1/actions/{world.action.pk}/sign"
    early = post(api_clients["participant"], path)
    assert early.status_code == 409
    minutes_services.minutes_submit(actor=o.zhao, meeting=world.meeting)
    minutes_services.minutes_approve(actor=o.wang, meeting=world.meeting)
    assert post(api_clients["recorder"], path).status_code == 403
    assert post(api_clients["outsider"], path).status_code == 404
    assert (
        api_clients["participant"].get(f"/api/v1/actions/{world.action.pk}").json()["signature"]
        is None
    )
    response = post(api_clients["participant"], path)
    assert response.status_code == 200
    assert response.json() == {"id": world.action.pk, "status": "open"}
    body = api_clients["participant"].get(f"/api/v1/actions/{world.action.pk}").json()
    assert body["signature"] == {
        "person_id": o.zhou.pk,
        "version": 1,
        "signed_at": "2026-09-07T01:00:00Z",
    }
    again = post(api_clients["participant"], path)
    assert (again.status_code, again.json()["code"]) == (409, "already_signed")


def _escalation_state(action: ActionItem) -> tuple:
    action.refresh_from_db()
    return (
        action.escalated_at,
        ActionUpdate.objects.filter(action=action, kind="escalation").count(),
        Notification.objects.filter(kind="action.escalated").count(),
    )


def test_escalate(world, api_clients):
    o = world.org
    ma = org_services.person_create(
        actor=o.admin, username="ma", name="马专员", department=o.office, is_pmo=True
    )
    path = f"/api/v1/actions/{world.action.pk}/escalate"
    response = post(api_clients["organiser"], path, {"note": " 需要研发部负责人协调资源 "})
    assert response.status_code == 200, response.content
    assert response.json() == {"id": world.action.pk, "status": "open"}
    world.action.refresh_from_db()
    assert world.action.escalated_at == clock.now()
    update = ActionUpdate.objects.get(action=world.action)
    assert (update.kind, update.author, update.text) == (
        "escalation",
        o.sun,
        "需要研发部负责人协调资源",
    )
    # the owner, the head of the owner's department (R&D: li) and the PMO (sun escalated it)
    notices = Notification.objects.filter(kind="action.escalated").order_by("recipient_id")
    assert [(n.recipient, n.via, n.action_id, n.payload) for n in notices] == [
        (
            person,
            "in_app",
            world.action.pk,
            {"due": "2026-09-15", "note": "需要研发部负责人协调资源", "by": "行政部 孙主任"},
        )
        for person in sorted((o.li, o.zhou, ma), key=lambda person: person.pk)
    ]
    detail = api_clients["participant"].get(f"/api/v1/actions/{world.action.pk}").json()
    assert detail["escalated_at"] == "2026-09-07T01:00:00Z"
    assert (detail["committed_due_date"], detail["replan_count"]) == ("2026-09-15", 0)
    assert [(u["kind"], u["author"]["name"], u["text"]) for u in detail["updates"]] == [
        ("escalation", "孙主任", "需要研发部负责人协调资源")
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [({"note": "  "}, "required"), ({}, "required"), ({"note": "x" * 5001}, "invalid")],
)
def test_escalate_needs_a_note_and_changes_nothing_without(world, api_clients, data, code):
    path = f"/api/v1/actions/{world.action.pk}/escalate"
    response = post(api_clients["organiser"], path, data)
    assert (response.status_code, response.json()["field"], response.json()["code"]) == (
        422,
        "note",
        code,
    )
    assert _escalation_state(world.action) == (None, 0, 0)


def test_escalate_is_the_organisers_call(world, api_clients):
    """The organiser side (organiser, host, PMO, administrators) escalates; the owner, the
    recorder and a copied department may not."""
    path = f"/api/v1/actions/{world.action.pk}/escalate"
    payload = {"note": "需要协调"}
    for role in ("participant", "recorder", "reader"):
        response = post(api_clients[role], path, payload)
        assert (response.status_code, response.json()["code"]) == (403, "forbidden"), role
    assert response.json()["message"] == "Only the organiser may escalate an item."
    assert post(api_clients["outsider"], path, payload).status_code == 404
    assert _escalation_state(world.action) == (None, 0, 0)


def test_escalate_a_closed_item_is_refused(world, api_clients):
    tracking.action_set_status(actor=world.org.zhou, action=world.action, status="done")
    path = f"/api/v1/actions/{world.action.pk}/escalate"
    response = post(api_clients["organiser"], path, {"note": "需要协调"})
    assert (response.status_code, response.json()["field"], response.json()["code"]) == (
        409,
        "status",
        "illegal_state",
    )
    assert _escalation_state(world.action) == (None, 0, 0)
