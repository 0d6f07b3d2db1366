"""A series' host, recorder, planning ahead and standing participants in the API: create with
them, change a series under If-Match, add and remove standing participants."""

import json

import pytest
from api.test_series import WEEKLY, api, post, refused, weekly
from conftest import STARTS
from django.test import Client

from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.series import services as series_services
from accord.series.models import MeetingSeries, SeriesMember

pytestmark = pytest.mark.django_db


def patch(client: Client, path: str, data: dict, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", **headers)


def person(p) -> dict:
    return {"id": p.pk, "name": p.name, "department": p.department.name}


def shared(org) -> MeetingSeries:
    """wang's series, with a meeting zhou takes part in (so zhou sees the series)."""
    series = weekly(org)
    meeting = meetings.meeting_create(actor=org.wang, title=series.title, starts_at=STARTS)
    Meeting.objects.filter(pk=meeting.pk).update(series=series)
    meetings.participant_invite(actor=org.wang, meeting=meeting, person=org.zhou, role="executor")
    return series


def state(series: MeetingSeries) -> tuple:
    series.refresh_from_db()
    return (
        series.title,
        series.host_id,
        series.recorder_id,
        series.plan_ahead,
        series.duration_minutes,
        list(series.members.values_list("person_id", "role")),
    )


# -- create with a host, a recorder and planning ahead ----------------------------------------


def test_create_with_host_recorder_and_plan_ahead(org):
    response = post(
        api(org.wang),
        "/api/v1/series",
        {
            "title": "Q3上线周例会",
            "recurrence": WEEKLY,
            "host_id": org.wang.pk,
            "recorder_id": org.zhao.pk,
            "plan_ahead": False,
        },
    )
    assert response.status_code == 201, response.content
    series = MeetingSeries.objects.get()
    assert response.json() == {
        "id": series.pk,
        "title": "Q3上线周例会",
        "organiser": person(org.wang),
        "host": person(org.wang),
        "recorder": person(org.zhao),
        "recurrence": WEEKLY,
        "duration_minutes": 30,
        "location": "",
        "standing_topics": [],
        "plan_ahead": False,
        "members": [],
        "active": True,
    }
    assert response["ETag"]


@pytest.mark.parametrize("field", ["host_id", "recorder_id"])
def test_create_with_an_unknown_or_inactive_person_names_the_field(org, field):
    org.zhang.is_active = False
    org.zhang.save()
    for pk in (999_999, org.zhang.pk):
        body = refused(
            post(
                api(org.wang),
                "/api/v1/series",
                {"title": "周会", "recurrence": WEEKLY, field: pk},
            ),
            422,
            field=field,
            code="not_found",
        )
        assert body["message"] == f"No person with id {pk}."
    assert not MeetingSeries.objects.exists()


# -- change a series ---------------------------------------------------------------------------


def test_patch_needs_if_match_and_refuses_a_stale_one(org):
    series = shared(org)
    client = api(org.wang)
    path = f"/api/v1/series/{series.pk}"
    before = state(series)
    missing = patch(client, path, {"title": "双周会"})
    refused(missing, 428, field="If-Match", code="if_match_required")
    stale = patch(client, path, {"title": "双周会"}, HTTP_IF_MATCH='"1-1"')
    refused(stale, 412, field="If-Match", code="stale")
    assert state(series) == before

    etag = client.get(path)["ETag"]
    response = patch(
        client,
        path,
        {
            "title": " 双周会 ",
            "duration_minutes": 20,
            "host_id": org.li.pk,
            "recorder_id": org.zhao.pk,
            "plan_ahead": False,
        },
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": series.pk,
        "title": "双周会",
        "organiser": person(org.wang),
        "host": person(org.li),
        "recorder": person(org.zhao),
        "recurrence": WEEKLY,
        "duration_minutes": 20,
        "location": "",
        "standing_topics": [{"title": "本周进展", "minutes": 10}],
        "plan_ahead": False,
        "members": [],
        "active": True,
    }
    assert response["ETag"] != etag
    assert state(series) == ("双周会", org.li.pk, org.zhao.pk, False, 20, [])

    # someone else's change since: the old ETag is stale
    again = patch(client, path, {"title": "月会"}, HTTP_IF_MATCH=etag)
    refused(again, 412, field="If-Match", code="stale")
    assert state(series)[0] == "双周会"

    # null clears a role; what is not sent stays
    cleared = patch(client, path, {"host_id": None}, HTTP_IF_MATCH=response["ETag"])
    assert cleared.status_code == 200, cleared.content
    assert (cleared.json()["host"], cleared.json()["recorder"]) == (None, person(org.zhao))
    assert state(series) == ("双周会", None, org.zhao.pk, False, 20, [])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": " "}, "title"),
        ({"recurrence": "EVERY MONDAY"}, "recurrence"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"host_id": 999_999}, "host_id"),
        ({"plan_ahead": "maybe"}, "plan_ahead"),
        ({"standing_topics": [{"title": "进展", "minutes": 0}]}, "standing_topics.0.minutes"),
    ],
)
def test_patch_bad_input_names_the_field_and_changes_nothing(org, data, field):
    series = shared(org)
    client = api(org.wang)
    path = f"/api/v1/series/{series.pk}"
    before = state(series)
    refused(patch(client, path, data, HTTP_IF_MATCH=client.get(path)["ETag"]), 422, field=field)
    assert state(series) == before


def test_patch_by_others(org):
    series = shared(org)
    path = f"/api/v1/series/{series.pk}"
    before = state(series)
    etag = api(org.zhou).get(path)["ETag"]
    body = refused(patch(api(org.zhou), path, {"title": "改"}, HTTP_IF_MATCH=etag), 403)
    assert body["message"] == "Only the organiser of the series plans its meetings."
    refused(patch(api(org.outsider), path, {"title": "改"}, HTTP_IF_MATCH="*"), 404)
    assert state(series) == before
    # the PMO may change any series
    response = patch(api(org.sun), path, {"active": False}, HTTP_IF_MATCH=etag)
    assert (response.status_code, response.json()["active"]) == (200, False)


# -- standing participants ---------------------------------------------------------------------


def test_add_and_remove_standing_participants(org):
    series = shared(org)
    client = api(org.wang)
    members = f"/api/v1/series/{series.pk}/members"
    response = post(client, members, {"person_id": org.zhou.pk, "role": "executor"})
    assert response.status_code == 201, response.content
    assert response.json() == {"person": person(org.zhou), "role": "executor"}
    response = post(client, members, {"person_id": org.li.pk, "role": "decision_maker"})
    assert response.status_code == 201, response.content
    read = client.get(f"/api/v1/series/{series.pk}").json()
    assert read["members"] == [
        {"person": person(org.zhou), "role": "executor"},
        {"person": person(org.li), "role": "decision_maker"},
    ]

    response = client.delete(f"{members}/{org.zhou.pk}")
    assert response.status_code == 204
    assert state(series)[-1] == [(org.li.pk, "decision_maker")]
    assert [
        m["person"]["name"] for m in client.get("/api/v1/series").json()["items"][0]["members"]
    ] == ["李主管"]


def test_adding_a_standing_participant_twice_is_a_conflict(org):
    series = shared(org)
    series_services.series_member_add(
        actor=org.wang, series=series, person=org.zhou, role="executor"
    )
    body = refused(
        post(
            api(org.wang),
            f"/api/v1/series/{series.pk}/members",
            {"person_id": org.zhou.pk, "role": "observer"},
        ),
        409,
        field="person_id",
        code="duplicate",
    )
    assert body["message"] == "周工程师 is already a standing participant."
    assert state(series)[-1] == [(org.zhou.pk, "executor")]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"person_id": 999_999, "role": "executor"}, "person_id"),
        ({"role": "executor"}, "person_id"),
        ({"person_id": "PERSON", "role": "executor"}, "person_id"),
        ({"person_id": 0, "role": "chair"}, "role"),
    ],
)
def test_add_bad_input_names_the_field_and_adds_no_one(org, data, field):
    series = shared(org)
    if data.get("person_id") == 0:
        data["person_id"] = org.zhou.pk
    refused(post(api(org.wang), f"/api/v1/series/{series.pk}/members", data), 422, field=field)
    assert not SeriesMember.objects.exists()


def test_removing_someone_who_is_not_a_standing_participant(org):
    series = shared(org)
    series_services.series_member_add(
        actor=org.wang, series=series, person=org.zhou, role="executor"
    )
    members = f"/api/v1/series/{series.pk}/members"
    body = refused(
        api(org.wang).delete(f"{members}/{org.li.pk}"), 422, field="person_id", code="not_found"
    )
    assert body["message"] == "Not a standing participant."
    refused(api(org.wang).delete(f"{members}/999999"), 422, field="person_id", code="not_found")
    assert state(series)[-1] == [(org.zhou.pk, "executor")]


def test_only_the_organiser_changes_standing_participants(org):
    series = shared(org)
    series_services.series_member_add(
        actor=org.wang, series=series, person=org.zhou, role="executor"
    )
    members = f"/api/v1/series/{series.pk}/members"
    payload = {"person_id": org.li.pk, "role": "executor"}
    body = refused(post(api(org.zhou), members, payload), 403, code="forbidden")
    assert body["message"] == "Only the organiser of the series plans its meetings."
    refused(api(org.zhou).delete(f"{members}/{org.zhou.pk}"), 403, code="forbidden")
    refused(post(api(org.outsider), members, payload), 404, code="not_found")
    refused(api(org.outsider).delete(f"{members}/{org.zhou.pk}"), 404, code="not_found")
    assert state(series)[-1] == [(org.zhou.pk, "executor")]


def test_series_read_query_count_does_not_grow_with_members(org, django_assert_num_queries):
    series = shared(org)
    client = api(org.zhou)
    path = f"/api/v1/series/{series.pk}"
    people = [org.zhou, org.li, org.chen, org.zhang, org.liu, org.zhao]
    series_services.series_member_add(
        actor=org.wang, series=series, person=people[0], role="executor"
    )
    client.get(path)  # the token's first use is recorded once
    # token, series (with organiser, host, recorder), standing participants
    with django_assert_num_queries(3):
        assert len(client.get(path).json()["members"]) == 1
    for p in people[1:]:
        series_services.series_member_add(actor=org.wang, series=series, person=p, role="executor")
    with django_assert_num_queries(3):
        assert len(client.get(path).json()["members"]) == 6
