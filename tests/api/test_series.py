"""Series, follow-up meetings and the review of the previous plan in the API (S-REVIEW-1,
S-REVIEW-2)."""

import datetime as dt

import pytest
from conftest import STARTS
from django.test import Client
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.api.services import token_create
from accord.core import clock
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.series import services as series_services
from accord.series.models import MeetingSeries

pytestmark = pytest.mark.django_db

WEEKLY = "FREQ=WEEKLY;BYDAY=MO"
MONDAY = timezone.make_aware(dt.datetime(2026, 9, 14, 10, 0))


def api(person) -> Client:
    text = token_create(actor=person, name="tests")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, path: str, payload: dict | None = None):
    return client.post(path, payload or {}, content_type="application/json")


def refused(response, status: int, field=None, code=None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    if code is not None:
        assert body["code"] == code
    return body


def weekly(org, *, by=None, title="Q3上线周例会") -> MeetingSeries:
    return series_services.series_create(
        actor=by or org.wang,
        title=title,
        recurrence=WEEKLY,
        standing_topics=[{"title": "本周进展", "minutes": 10}],
    )


# -- create, list, read -----------------------------------------------------------------------


def test_create_a_series(org):
    response = post(
        api(org.wang),
        "/api/v1/series",
        {
            "title": " Q3上线周例会 ",
            "recurrence": WEEKLY,
            "duration_minutes": 20,
            "location": "3号会议室",
            "standing_topics": [{"title": "本周进展", "minutes": 10}],
        },
    )
    assert response.status_code == 201, response.content
    series = MeetingSeries.objects.get()
    assert response.json() == {
        "id": series.pk,
        "title": "Q3上线周例会",
        "organiser": {"id": org.wang.pk, "name": "王经理", "department": "市场部"},
        "host": None,
        "recorder": None,
        "recurrence": WEEKLY,
        "duration_minutes": 20,
        "location": "3号会议室",
        "standing_topics": [{"title": "本周进展", "minutes": 10}],
        "plan_ahead": True,
        "members": [],
        "active": True,
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "周会", "recurrence": "EVERY MONDAY"}, "recurrence"),
        ({"title": "  ", "recurrence": WEEKLY}, "title"),
        ({"recurrence": WEEKLY}, "title"),
        ({"title": "周会", "recurrence": WEEKLY, "duration_minutes": 0}, "duration_minutes"),
        (
            {
                "title": "周会",
                "recurrence": WEEKLY,
                "standing_topics": [{"title": "进展", "minutes": 0}],
            },
            "standing_topics.0.minutes",
        ),
    ],
)
def test_create_bad_input_names_the_field(org, payload, field):
    refused(post(api(org.wang), "/api/v1/series", payload), 422, field=field)
    assert not MeetingSeries.objects.exists()


def test_series_are_shown_to_those_who_may_see_one_of_their_meetings(org, draft_meeting):
    lonely = weekly(org, title="A 无会议的系列")
    shared = weekly(org, by=org.li, title="B 研发周会")
    Meeting.objects.filter(pk=draft_meeting.pk).update(series=shared)

    def titles(person) -> list[str]:
        response = api(person).get("/api/v1/series")
        assert response.status_code == 200, response.content
        assert response.json()["count"] == len(response.json()["items"])
        return [item["title"] for item in response.json()["items"]]

    assert titles(org.wang) == ["A 无会议的系列", "B 研发周会"]  # organises A, hosts B's meeting
    assert titles(org.zhou) == ["B 研发周会"]  # takes part in B's meeting
    assert titles(org.sun) == ["A 无会议的系列", "B 研发周会"]  # PMO
    assert titles(org.outsider) == []
    assert api(org.outsider).get(f"/api/v1/series/{lonely.pk}").status_code == 404
    assert api(org.zhou).get(f"/api/v1/series/{lonely.pk}").status_code == 404
    response = api(org.zhou).get(f"/api/v1/series/{shared.pk}")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["organiser"]["name"]) == (shared.pk, "李主管")


def test_series_list_filters(org):
    weekly(org, title="A 周会")
    ended = weekly(org, title="B 周会")
    MeetingSeries.objects.filter(pk=ended.pk).update(active=False)
    client = api(org.wang)
    assert [i["title"] for i in client.get("/api/v1/series?active=false").json()["items"]] == [
        "B 周会"
    ]
    assert [i["title"] for i in client.get("/api/v1/series?q=A").json()["items"]] == ["A 周会"]
    refused(client.get("/api/v1/series?active=maybe"), 422, field="active")


def test_series_list_query_count_is_constant(org, django_assert_num_queries):
    client = api(org.zhou)
    people = [org.wang, org.li, org.chen]

    def add(count: int) -> None:
        for index in range(count):
            series = weekly(org, by=people[index % 3], title=f"周会{MeetingSeries.objects.count()}")
            meeting = meetings.meeting_create(
                actor=series.organiser, title=series.title, starts_at=STARTS
            )
            Meeting.objects.filter(pk=meeting.pk).update(series=series)
            meetings.participant_invite(
                actor=series.organiser, meeting=meeting, person=org.zhou, role="executor"
            )
            series_services.series_update(
                actor=series.organiser, series=series, host=org.wang, recorder=org.zhao
            )
            for person in (org.zhou, org.zhang):
                series_services.series_member_add(
                    actor=series.organiser, series=series, person=person, role="executor"
                )

    add(1)
    client.get("/api/v1/series")  # the token's first use is recorded once
    # token, count, page (with organiser, host and recorder), standing participants
    with django_assert_num_queries(4) as few:
        assert client.get("/api/v1/series").json()["count"] == 1
    add(9)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/series").json()["count"] == 10


# -- plan the next meeting ------------------------------------------------------------------------


def test_plan_the_first_and_the_next_meeting(org):
    series = weekly(org)
    client = api(org.wang)
    response = post(
        client,
        f"/api/v1/series/{series.pk}/plan-next",
        {"first_start": "2026-09-14T10:00:00+08:00"},
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert (
        first["title"],
        first["kind"],
        first["status"],
        first["starts_at"],
        first["series_id"],
    ) == (
        "Q3上线周例会",
        "check_in",
        "draft",
        "2026-09-14T02:00:00Z",
        series.pk,
    )
    assert [(t["order"], t["title"], t["is_review"]) for t in first["topics"]] == [
        (1, "本周进展", False)
    ]
    meeting = Meeting.objects.get(pk=first["id"])
    meetings.participant_invite(actor=org.wang, meeting=meeting, person=org.zhou, role="executor")
    response = post(client, f"/api/v1/series/{series.pk}/plan-next")
    assert response.status_code == 201, response.content
    second = response.json()
    assert second["starts_at"] == "2026-09-21T02:00:00Z"
    assert [(t["order"], t["is_review"]) for t in second["topics"]] == [(1, True), (2, False)]
    assert [p["person"]["name"] for p in second["participants"]] == ["周工程师"]
    assert Meeting.objects.get(pk=second["id"]).previous_meetings.get() == meeting


def test_plan_next_refused_and_bad_input(org):
    series = weekly(org)
    refused(
        post(api(org.wang), f"/api/v1/series/{series.pk}/plan-next"),
        422,
        field="first_start",
        code="required",
    )
    refused(
        post(api(org.wang), f"/api/v1/series/{series.pk}/plan-next", {"first_start": "Monday"}),
        422,
        field="first_start",
    )
    refused(
        post(
            api(org.outsider),
            f"/api/v1/series/{series.pk}/plan-next",
            {"first_start": MONDAY.isoformat()},
        ),
        404,
    )
    assert not Meeting.objects.exists()
    meeting = series_services.series_plan_next(actor=org.wang, series=series, first_start=MONDAY)
    meetings.participant_invite(actor=org.wang, meeting=meeting, person=org.zhou, role="executor")
    body = refused(
        post(api(org.zhou), f"/api/v1/series/{series.pk}/plan-next"), 403, code="forbidden"
    )
    assert body["message"] == "Only the organiser of the series plans its meetings."
    assert Meeting.objects.count() == 1


# -- follow an earlier meeting, and review its plan --------------------------------------------


@pytest.fixture
def follow_up(org) -> Meeting:
    return meetings.meeting_create(
        actor=org.sun,
        title="Q3上线第二次协调会",
        starts_at=STARTS + dt.timedelta(days=7),
        host=org.wang,
    )


def test_follow_an_earlier_meeting(org, ended_meeting, follow_up):
    response = post(
        api(org.sun), f"/api/v1/meetings/{follow_up.pk}/follow", {"previous_id": ended_meeting.pk}
    )
    assert response.status_code == 200, response.content
    review = follow_up.topics.get(is_review=True)
    assert [(t["order"], t["title"], t["is_review"]) for t in response.json()["topics"]] == [
        (1, review.title, True)
    ]
    assert list(follow_up.previous_meetings.all()) == [ended_meeting]


def test_follow_refused_and_bad_input(org, ended_meeting, follow_up):
    secret = meetings.meeting_create(
        actor=org.li, title="机密会", starts_at=STARTS, confidential=True, host=org.li
    )
    path = f"/api/v1/meetings/{follow_up.pk}/follow"
    refused(post(api(org.sun), path, {"previous_id": secret.pk}), 422, field="previous_id")
    refused(post(api(org.sun), path, {}), 422, field="previous_id")
    later = meetings.meeting_create(
        actor=org.sun, title="更晚的会", starts_at=STARTS + dt.timedelta(days=30)
    )
    body = refused(post(api(org.sun), path, {"previous_id": later.pk}), 422, field="previous_id")
    assert body["message"] == "A meeting can only follow an earlier meeting."
    refused(post(api(org.zhou), path, {"previous_id": ended_meeting.pk}), 404)  # not his meeting
    meetings.participant_invite(actor=org.sun, meeting=follow_up, person=org.zhou, role="executor")
    refused(post(api(org.zhou), path, {"previous_id": ended_meeting.pk}), 403, code="forbidden")
    assert not follow_up.previous_meetings.exists()
    assert not follow_up.topics.exists()


def _plan(org, meeting, count: int) -> list:
    owners = [(org.zhou, org.rnd), (org.zhang, org.marketing), (org.chen, org.design)]
    return [
        actions.action_create(
            actor=org.zhao,
            meeting=meeting,
            task=f"任务{meeting.actions.count() + 1}",
            owner=owners[index % 3][0],
            department=owners[index % 3][1],
            due=dt.date(2026, 9, 15),
        )
        for index in range(count)
    ]


def test_review_of_the_previous_plan(org, ended_meeting, follow_up):
    done, late, pending = _plan(org, ended_meeting, 3)
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 14, 18, 0))):
        tracking.action_set_status(actor=org.zhou, action=done, status="done")
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=ended_meeting)
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 9, 16, 9, 0))):
        tracking.action_replan(actor=org.sun, action=pending, due="9月30日前", reason="等待供应商")
        tracking.action_escalate(actor=org.sun, action=late, note="需要市场部负责人协调")
        response = api(org.wang).get(f"/api/v1/meetings/{follow_up.pk}/review")
    assert response.status_code == 200, response.content
    rows = response.json()
    assert [
        (
            r["task"],
            r["owner"]["name"],
            r["department"]["name"],
            r["status"],
            r["on_time"],
            r["overdue"],
            r["slipped"],
        )
        for r in rows
    ] == [
        ("任务1", "周工程师", "研发部", "done", True, False, False),
        ("任务2", "张专员", "市场部", "open", False, True, False),
        # S-TRACK-3: a day past its committed date, re-planned: late and slipped, not pending
        ("任务3", "陈主管", "设计部", "open", False, False, True),
    ]
    assert [
        (r["carried"], r["committed_due_date"], r["replan_count"], r["escalated_at"]) for r in rows
    ] == [
        (False, "2026-09-15", 0, None),
        (False, "2026-09-15", 0, "2026-09-16T01:00:00Z"),
        (False, "2026-09-15", 1, None),
    ]
    assert rows[0]["meeting_id"] == ended_meeting.pk
    assert rows[0]["meeting_title"] == "Q3产品上线跨部门协作启动会"
    assert rows[2]["due_date"] == "2026-09-30"
    assert [(p["old_due_date"], p["new_due_date"], p["text"]) for p in rows[2]["replans"]] == [
        ("2026-09-15", "2026-09-30", "等待供应商")
    ]


def test_review_carries_open_items_of_earlier_meetings_of_the_series(org, ended_meeting):
    """C follows B; A came before B in the series: A's open items are carried into C's
    review, A's done items are not."""
    series = weekly(org, by=org.sun)
    done, still_open = _plan(org, ended_meeting, 2)
    tracking.action_set_status(actor=org.zhou, action=done, status="done")
    second, third = (
        meetings.meeting_create(
            actor=org.sun, title=f"周会{days}", starts_at=STARTS + dt.timedelta(days=days)
        )
        for days in (7, 14)
    )
    Meeting.objects.filter(pk__in=[ended_meeting.pk, second.pk, third.pk]).update(series=series)
    series_services.meeting_follow(actor=org.sun, meeting=third, previous=second)
    response = api(org.sun).get(f"/api/v1/meetings/{third.pk}/review")
    assert response.status_code == 200, response.content
    assert [
        (r["action_id"], r["task"], r["status"], r["carried"], r["committed_due_date"])
        for r in response.json()
    ] == [(still_open.pk, "任务2", "open", True, "2026-09-15")]


def test_review_hidden_from_those_who_may_not_see_the_meeting(org, ended_meeting, follow_up):
    _plan(org, ended_meeting, 1)
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=ended_meeting)
    refused(api(org.outsider).get(f"/api/v1/meetings/{follow_up.pk}/review"), 404, code="not_found")
    refused(api(org.outsider).get("/api/v1/meetings/99999/review"), 404, code="not_found")


def test_review_query_count_is_constant(org, ended_meeting, follow_up, django_assert_num_queries):
    series_services.meeting_follow(actor=org.sun, meeting=follow_up, previous=ended_meeting)
    client = api(org.sun)
    _plan(org, ended_meeting, 1)
    client.get(f"/api/v1/meetings/{follow_up.pk}/review")  # the token's first use is recorded once
    # token, meeting, the meetings it follows, the items, their re-plans
    with django_assert_num_queries(5) as few:
        assert len(client.get(f"/api/v1/meetings/{follow_up.pk}/review").json()) == 1
    for action in _plan(org, ended_meeting, 8):
        tracking.action_replan(actor=org.sun, action=action, due="9月30日前", reason="资源不足")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(f"/api/v1/meetings/{follow_up.pk}/review").json()) == 9
