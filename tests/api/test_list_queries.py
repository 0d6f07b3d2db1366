"""Every list of the API answers in the same number of queries however many rows there
are. The lists are found in the OpenAPI schema (GET operations without a path parameter),
so a new list is measured as soon as it exists."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.actions import services as actions
from accord.api.main import api
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Participant
from accord.notify import services as notify
from accord.notify.outbox import Event, publish
from accord.org import services as org_services
from accord.series import services as series

# Lists whose size this file cannot grow from the caller's side, with why.
FIXED = {
    "/api/v1/notifications/unread-count": "a count, not a list",
    "/api/v1/me": "one person",
    # the organiser's and host's answers to give: neither role here organises or hosts;
    # tests/api/test_due_proposals.py measures it
    "/api/v1/due-proposals": "proposals waiting for an organiser's or host's answer",
}


def ok_content(operation: dict) -> dict:
    responses = operation["responses"]  # keys are ints before the schema is dumped to JSON
    return (responses.get(200) or responses.get("200") or {}).get("content", {})


def list_paths() -> list[str]:
    """GET operations without a path parameter that answer JSON (downloads are files)."""
    schema = api.get_openapi_schema()
    return sorted(
        path
        for path, operations in schema["paths"].items()
        if "get" in operations
        and "{" not in path
        and path not in FIXED
        and "application/json" in ok_content(operations["get"])
    )


def grow(world, n: int) -> None:
    """``n`` more rows in every list: meetings with participants, departments, people,
    notices, series and integration webhooks."""
    o = world.org
    for i in range(n):
        department = org_services.department_create(actor=o.admin, name=f"新部门{i}")
        person = org_services.person_create(
            actor=o.admin, username=f"new{i}", name=f"新人{i}", department=department
        )
        meeting = meetings.meeting_create(
            actor=o.sun,
            title=f"周会 {i}",
            starts_at=world.meeting.starts_at + dt.timedelta(days=7 + i),
            host=o.wang,
            recorder=o.zhao,
        )
        meetings.topic_add(actor=o.sun, meeting=meeting, title="进展", planned_minutes=20)
        meetings.participant_invite(
            actor=o.sun, meeting=meeting, person=person, role=Participant.Role.EXECUTOR
        )
        meetings.participant_invite(
            actor=o.sun, meeting=meeting, person=o.zhou, role=Participant.Role.EXECUTOR
        )
        meetings.meeting_schedule(actor=o.sun, meeting=meeting)
        with clock.frozen(meeting.starts_at):
            live.meeting_start(actor=o.wang, meeting=meeting)
            actions.action_create(
                actor=o.zhao, meeting=meeting, task=f"任务 {i}", owner=o.zhou, due="下周五"
            )
        series.series_create(actor=o.sun, title=f"例会 {i}", recurrence="FREQ=WEEKLY;BYDAY=MO")
        notify.integration_create(
            actor=o.admin,
            name=f"OA {i}",
            target=f"https://oa{i}.example.com/events",
            secret="s",
            events=["action.created"],
        )
    publish(
        [Event(key=f"extra:{i}", kind="channel.test", people=[o.admin, o.zhou]) for i in range(n)]
    )


def counts(client, paths) -> dict[str, tuple[int, int]]:
    """(queries, rows) of each list."""
    measured = {}
    for path in paths:
        if client.get(path).status_code == 403:  # (the first use also records the token's)
            continue  # a list for administrators only
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        rows = body["count"] if isinstance(body, dict) and "count" in body else len(body)
        measured[path] = (len(queries), rows)
    return measured


@pytest.mark.parametrize("role", ["admin", "participant"])
def test_every_list_costs_the_same_with_more_rows(world, role):
    paths = list_paths()
    assert "/api/v1/meetings" in paths and "/api/v1/actions" in paths
    _token, text = token_create(actor=world.person(role), name="lists")
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    # a row in every list before measuring: an empty page fetches nothing for its rows (no
    # standing participants of no series), which would not compare like with like
    series.series_create(actor=world.org.sun, title="例会", recurrence="FREQ=WEEKLY;BYDAY=MO")
    before = counts(client, paths)
    grow(world, 12)
    after = counts(client, paths)
    assert {path: q for path, (q, _rows) in after.items()} == {
        path: q for path, (q, _rows) in before.items()
    }
    # the measurement means something only where the list grew: for the administrator every
    # list; for a participant the lists that hold what they take part in
    grown = {path for path in after if after[path][1] > before[path][1]}
    if role == "admin":
        assert grown == set(paths)
    else:
        assert {"/api/v1/meetings", "/api/v1/actions", "/api/v1/notifications"} <= grown
