"""Minutes in the API: the record with its 24-hour clock, the summary guarded by If-Match,
the approved versions, and the review moves (S-POST-1, S-POST-2)."""

import datetime as dt

import pytest
from conftest import STARTS
from django.test import Client

from accord.api.services import token_create
from accord.core import clock
from accord.meetings.models import Meeting
from accord.minutes import services as minutes
from accord.minutes.models import Minutes, MinutesVersion

pytestmark = pytest.mark.django_db

ENDED = STARTS + dt.timedelta(minutes=85)  # 2026-09-09 15:25 Shanghai
DUE = ENDED + dt.timedelta(hours=24)


def api(person) -> Client:
    text = token_create(actor=person, name="tests")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


def url(meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.pk}/minutes{rest}"


def post(client: Client, path: str, payload: dict | None = None):
    return client.post(path, payload or {}, content_type="application/json")


def refused(response, status: int, field=None, code=None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    if code is not None:
        assert body["code"] == code
    return body


def status_of(meeting) -> str:
    return Meeting.objects.get(pk=meeting.pk).status


@pytest.fixture
def after_meeting():
    """An hour after the meeting ended: the clock shows 23 h 0 min left."""
    with clock.frozen(ENDED + dt.timedelta(hours=1)):
        yield


@pytest.fixture
def approved(org, ended_meeting):
    with clock.frozen(ENDED + dt.timedelta(hours=2)):
        minutes.minutes_update_summary(
            actor=org.zhao, meeting=ended_meeting, summary="三个议题均达成共识"
        )
        minutes.minutes_submit(actor=org.zhao, meeting=ended_meeting)
        minutes.minutes_approve(actor=org.wang, meeting=ended_meeting)
    ended_meeting.refresh_from_db()
    return ended_meeting


def test_read_the_minutes_with_their_clock(org, ended_meeting, after_meeting):
    response = api(org.zhou).get(url(ended_meeting))
    assert response.status_code == 200, response.content
    row = Minutes.objects.get(meeting=ended_meeting)
    body = response.json()
    record = body.pop("record")
    assert body == {
        "id": row.pk,
        "meeting_id": ended_meeting.pk,
        "status": "minutes_draft",
        "version": 1,
        "summary": "",
        "due_at": "2026-09-10T07:25:00Z",
        "late": False,
        "minutes_left": 23 * 60,
        "submitted_at": None,
        "first_distributed_at": None,
        "review_comment": "",
        "revision_reason": "",
    }
    assert response["ETag"] == f'"{row.pk}-{int(row.updated_at.timestamp() * 1_000_000)}"'
    assert [(t["order"], t["title"], t["outcome"]["kind"]) for t in record["topics"]] == [
        (1, "产品需求优先级确认", "consensus"),
        (2, "责任部门划分", "consensus"),
        (3, "时间节点确认", "consensus"),
    ]
    assert record["meeting"]["ended_at"] == "2026-09-09T15:25:00+08:00"
    assert record["summary"] == ""


def test_late_minutes_show_late(org, ended_meeting):
    with clock.frozen(DUE + dt.timedelta(minutes=1)):
        body = api(org.zhou).get(url(ended_meeting)).json()
    assert (body["late"], body["minutes_left"]) == (True, 0)


def test_minutes_hidden_or_not_there_are_not_found(org, ended_meeting):
    refused(api(org.outsider).get(url(ended_meeting)), 404, code="not_found")
    refused(api(org.outsider).get(url(ended_meeting, "/versions")), 404)
    from accord.meetings import services as meetings

    draft = meetings.meeting_create(actor=org.sun, title="未开的会", starts_at=STARTS)
    refused(api(org.sun).get(url(draft)), 404, code="not_found")
    refused(api(org.sun).get(url(draft, "/versions")), 404)


def test_write_the_summary_with_if_match(org, ended_meeting, after_meeting):
    client = api(org.zhao)
    tag = client.get(url(ended_meeting))["ETag"]
    response = client.patch(
        url(ended_meeting),
        {"summary": " 达成共识 "},
        content_type="application/json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"] == "达成共识"
    assert response["ETag"] != tag
    assert Minutes.objects.get(meeting=ended_meeting).summary == "达成共识"
    # The old tag is stale now.
    refused(
        client.patch(
            url(ended_meeting),
            {"summary": "覆盖"},
            content_type="application/json",
            HTTP_IF_MATCH=tag,
        ),
        412,
        field="If-Match",
        code="stale",
    )
    assert Minutes.objects.get(meeting=ended_meeting).summary == "达成共识"


def test_summary_refused_and_bad_input(org, ended_meeting, after_meeting):
    tag = api(org.zhao).get(url(ended_meeting))["ETag"]
    refused(
        api(org.zhao).patch(
            url(ended_meeting), {"summary": "覆盖"}, content_type="application/json"
        ),
        428,
        field="If-Match",
    )
    body = refused(
        api(org.zhou).patch(
            url(ended_meeting),
            {"summary": "覆盖"},
            content_type="application/json",
            HTTP_IF_MATCH=tag,
        ),
        403,
    )
    assert body["message"] == "Only the recorder writes the minutes."
    refused(
        api(org.zhao).patch(
            url(ended_meeting), {"summary": 5}, content_type="application/json", HTTP_IF_MATCH=tag
        ),
        422,
        field="summary",
    )
    refused(
        api(org.outsider).patch(
            url(ended_meeting),
            {"summary": "覆盖"},
            content_type="application/json",
            HTTP_IF_MATCH=tag,
        ),
        404,
    )
    assert Minutes.objects.get(meeting=ended_meeting).summary == ""


def test_submit_return_approve_distribute_revise(org, ended_meeting, after_meeting):
    recorder, host = api(org.zhao), api(org.wang)
    response = post(recorder, url(ended_meeting, "/submit"))
    assert response.status_code == 200, response.content
    assert response.json() == {"id": ended_meeting.pk, "status": "in_review"}
    response = post(host, url(ended_meeting, "/return"), {"comment": "请补充研发部资源"})
    assert response.json() == {"id": ended_meeting.pk, "status": "minutes_draft"}
    assert recorder.get(url(ended_meeting)).json()["review_comment"] == "请补充研发部资源"
    post(recorder, url(ended_meeting, "/submit"))
    response = post(host, url(ended_meeting, "/approve"))
    assert response.json() == {"id": ended_meeting.pk, "status": "approved"}
    version = MinutesVersion.objects.get(minutes__meeting=ended_meeting)
    assert (version.number, version.approved_by) == (1, org.wang)
    response = post(api(org.sun), url(ended_meeting, "/distribute"))
    assert response.json() == {"id": ended_meeting.pk, "status": "distributed"}
    response = post(recorder, url(ended_meeting, "/revise"), {"reason": "销售部截止日期记录有误"})
    assert response.json() == {"id": ended_meeting.pk, "status": "minutes_draft"}
    body = recorder.get(url(ended_meeting)).json()
    assert (body["version"], body["revision_reason"], body["late"]) == (
        2,
        "销售部截止日期记录有误",
        False,
    )


def test_moves_refused_change_nothing(org, ended_meeting, after_meeting):
    body = refused(post(api(org.wang), url(ended_meeting, "/submit")), 403, code="forbidden")
    assert body["message"] == "Only the recorder submits the minutes."
    refused(post(api(org.outsider), url(ended_meeting, "/submit")), 404)
    # Not in review yet: approving is a conflict.
    refused(
        post(api(org.wang), url(ended_meeting, "/approve")),
        409,
        field="status",
        code="illegal_state",
    )
    refused(post(api(org.sun), url(ended_meeting, "/distribute")), 409, field="status")
    assert status_of(ended_meeting) == "minutes_draft"
    minutes.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    refused(post(api(org.zhao), url(ended_meeting, "/approve")), 403)
    refused(post(api(org.zhou), url(ended_meeting, "/return"), {"comment": "改"}), 403)
    assert status_of(ended_meeting) == "in_review"
    assert not MinutesVersion.objects.exists()


def test_moves_bad_input_names_the_field(org, ended_meeting, approved):
    refused(
        post(api(org.zhao), url(ended_meeting, "/revise"), {"reason": "  "}), 422, field="reason"
    )
    refused(post(api(org.zhao), url(ended_meeting, "/revise"), {}), 422, field="reason")
    assert status_of(ended_meeting) == "approved"
    assert Minutes.objects.get(meeting=ended_meeting).version == 1
    minutes.minutes_open_revision(actor=org.zhao, meeting=ended_meeting, reason="改日期")
    minutes.minutes_submit(actor=org.zhao, meeting=ended_meeting)
    refused(
        post(api(org.wang), url(ended_meeting, "/return"), {"comment": ""}), 422, field="comment"
    )
    refused(
        post(api(org.wang), url(ended_meeting, "/return"), {"comment": ["x"]}), 422, field="comment"
    )
    row = Minutes.objects.get(meeting=ended_meeting)
    assert (status_of(ended_meeting), row.review_comment) == ("in_review", "")


def test_approved_minutes_show_the_frozen_version(org, approved):
    from accord.meetings.models import AgendaTopic

    # A later change to the live record does not reach approved minutes.
    AgendaTopic.objects.filter(meeting=approved, order=1).update(title="改过的标题")
    body = api(org.zhou).get(url(approved)).json()
    assert body["status"] == "approved"
    assert body["record"]["topics"][0]["title"] == "产品需求优先级确认"
    assert body["record"]["summary"] == "三个议题均达成共识"


def test_approved_minutes_show_todays_statuses_as_every_other_view_s_post_2(org, ended_meeting):
    """The API's record is the minutes page's and the documents' (``minutes_document_record``):
    the approved content, each item's status today, a re-plan's new date, a removal."""
    from accord.actions import services as actions
    from accord.actions import tracking
    from accord.actions.models import ActionItem
    from accord.minutes.selectors import minutes_document_record

    with clock.frozen(ENDED + dt.timedelta(hours=1)):
        done = actions.action_create(
            actor=org.zhao, meeting=ended_meeting, task="测试环境", owner=org.zhou, due="9月15日前"
        )
        moved = actions.action_create(
            actor=org.zhao, meeting=ended_meeting, task="报价单", owner=org.liu, due="9月16日前"
        )
        gone = actions.action_create(
            actor=org.zhao, meeting=ended_meeting, task="样机", owner=org.li, due="9月17日前"
        )
        minutes.minutes_submit(actor=org.zhao, meeting=ended_meeting)
        minutes.minutes_approve(actor=org.wang, meeting=ended_meeting)
    when = dt.datetime(2026, 9, 10, 10, 30, tzinfo=dt.UTC)
    with clock.frozen(when):
        tracking.action_set_status(actor=org.zhou, action=done, status="done")
        tracking.action_replan(actor=org.sun, action=moved, due="9月30日前", reason="客户延期")
        ActionItem.objects.filter(pk=gone.pk).delete()
        record = api(org.zhou).get(url(ended_meeting)).json()["record"]

    assert [
        (a["task"], a["due_date"], a.get("status"), a.get("replanned_to"), a.get("removed"))
        for a in record["actions"]
    ] == [
        ("测试环境", "2026-09-15", "done", None, None),
        ("报价单", "2026-09-16", "open", "2026-09-30", None),
        ("样机", "2026-09-17", "open", None, True),
    ]
    assert record["statuses_as_of"] == "2026-09-10T18:30:00+08:00"
    ended_meeting.refresh_from_db()
    with clock.frozen(when):
        from accord.meetings.selectors import meeting_with_record

        page = minutes_document_record(
            meeting=meeting_with_record(pk=ended_meeting.pk, person=org.zhou)
        )
    assert record == api_json(page)


def api_json(value):
    """``value`` as the API's JSON renders it (dates as ISO strings)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def test_versions_and_one_version(org, approved):
    client = api(org.zhou)
    response = client.get(url(approved, "/versions"))
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "number": 1,
            "reason": "",
            "approved_at": "2026-09-09T09:25:00Z",
            "approved_by": {"id": org.wang.pk, "name": "王经理"},
            "distributed_at": None,
            "changes": None,
        }
    ]
    response = client.get(url(approved, "/versions/1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["approved_by"]["name"], body["record"]["summary"]) == (
        1,
        "王经理",
        "三个议题均达成共识",
    )
    refused(client.get(url(approved, "/versions/2")), 404, code="not_found")
    refused(api(org.outsider).get(url(approved, "/versions/1")), 404)


def test_versions_list_query_count_is_constant(org, approved, django_assert_num_queries):
    client = api(org.zhou)

    def another_version(reason: str) -> None:
        minutes.minutes_open_revision(actor=org.zhao, meeting=approved, reason=reason)
        minutes.minutes_update_summary(actor=org.zhao, meeting=approved, summary=reason)
        minutes.minutes_submit(actor=org.zhao, meeting=approved)
        minutes.minutes_approve(actor=org.wang, meeting=approved)

    client.get(url(approved, "/versions"))  # the token's first use is recorded once
    with django_assert_num_queries(4) as few:
        assert len(client.get(url(approved, "/versions")).json()) == 1
    for number in range(2, 7):
        another_version(f"第{number}版")
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(url(approved, "/versions")).json()
    assert [(v["number"], v["reason"], v["changes"]) for v in body[-2:]] == [
        (5, "第5版", ["Summary changed."]),
        (6, "第6版", ["Summary changed."]),
    ]


def test_minutes_read_query_count_is_constant(org, approved, django_assert_num_queries):
    client = api(org.zhou)
    client.get(url(approved))
    with django_assert_num_queries(9) as few:
        client.get(url(approved))
    minutes.minutes_open_revision(actor=org.zhao, meeting=approved, reason="改")
    minutes.minutes_submit(actor=org.zhao, meeting=approved)
    minutes.minutes_approve(actor=org.wang, meeting=approved)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url(approved)).json()["version"] == 2
