"""The owner proposes a new due date through the API; the organiser side answers
(S-TRACK-3). The world's item (zhou's, due 15 September) is five days overdue."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import DueDateProposal
from accord.core import clock
from accord.core.models import AuditEvent
from accord.notify.models import Notification

pytestmark = pytest.mark.django_db

LATER = timezone.make_aware(dt.datetime(2026, 9, 20, 10, 0))


@pytest.fixture(autouse=True)
def later(world):
    with clock.frozen(LATER):
        yield


def post(client: Client, path: str, data: dict | None = None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def person_ref(person) -> dict:
    return {"id": person.pk, "name": person.name, "department": person.department.name}


def proposals(world) -> str:
    return f"/api/v1/actions/{world.action.pk}/due-proposals"


def test_owner_proposes_and_the_organiser_accepts(world, api_clients):
    o = world.org

    response = post(
        api_clients["participant"], proposals(world), {"due": "9月25日前", "reason": "等服务器"}
    )

    assert response.status_code == 201, response.content
    proposal = DueDateProposal.objects.get()
    assert response.json() == {
        "id": proposal.pk,
        "action_id": world.action.pk,
        "status": "pending",
        "proposed_by": person_ref(o.zhou),
        "old_due_date": "2026-09-15",
        "due_date": "2026-09-25",
        "reason": "等服务器",
        "created_at": "2026-09-20T02:00:00Z",
        "decided_by": None,
        "decided_at": None,
        "answer": "",
    }
    waiting = api_clients["organiser"].get("/api/v1/due-proposals")
    assert [p["id"] for p in waiting.json()] == [proposal.pk]
    assert api_clients["participant"].get("/api/v1/due-proposals").json() == []

    response = post(api_clients["organiser"], f"{proposals(world)}/{proposal.pk}/accept")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decided_by"]) == (
        "accepted",
        person_ref(o.sun),
    )
    item = api_clients["participant"].get(f"/api/v1/actions/{world.action.pk}").json()
    assert (item["due_date"], item["committed_due_date"], item["replan_count"]) == (
        "2026-09-25",
        "2026-09-15",
        1,
    )
    assert [(u["kind"], u["text"]) for u in item["updates"]] == [("replan", "等服务器")]
    assert [p["status"] for p in item["due_proposals"]] == ["accepted"]
    assert api_clients["organiser"].get("/api/v1/due-proposals").json() == []


def test_organiser_declines_with_a_reason(world, api_clients):
    proposal = post(
        api_clients["participant"], proposals(world), {"due": "9月25日前", "reason": "等服务器"}
    ).json()
    decline = f"{proposals(world)}/{proposal['id']}/decline"

    missing = post(api_clients["host"], decline, {})
    blank = post(api_clients["host"], decline, {"answer": "  "})
    response = post(api_clients["host"], decline, {"answer": "上线日期不能再推"})

    assert (missing.status_code, missing.json()["field"]) == (422, "answer")
    assert (blank.status_code, blank.json()) == (
        422,
        {
            "message": "Say why the date is declined, so the owner knows what to do.",
            "field": "answer",
            "code": "required",
        },
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["answer"]) == (
        "declined",
        "上线日期不能再推",
    )
    told = Notification.objects.filter(kind="action.due_declined", via="in_app")
    assert list(told.values_list("recipient__username", "payload")) == [
        (
            "zhou",
            {
                "due": "2026-09-15",
                "proposed": "2026-09-25",
                "answer": "上线日期不能再推",
                "by": "市场部 王经理",
            },
        )
    ]


@pytest.mark.parametrize(
    ("payload", "status", "field", "code"),
    [
        ({"due": "2026-09-18", "reason": "等服务器"}, 422, "due", "due_date_before_meeting"),
        ({"due": "尽快", "reason": "等服务器"}, 422, "due", None),
        ({"due": "9月25日前", "reason": " "}, 422, "reason", "required"),
        ({"due": "9月25日前", "reason": "慢" * 2001}, 422, "reason", None),
        ({"due": "9月25日前"}, 422, "reason", None),
    ],
)
def test_bad_proposals_are_refused_naming_the_input(
    world, api_clients, payload, status, field, code
):
    client = api_clients["participant"]
    audits = AuditEvent.objects.count()

    response = post(client, proposals(world), payload)

    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    if code is not None:
        assert response.json()["code"] == code
    assert (DueDateProposal.objects.count(), AuditEvent.objects.count()) == (0, audits)


def test_who_may_propose_and_answer(world, api_clients):
    body = {"due": "9月25日前", "reason": "等服务器"}
    assert post(api_clients["organiser"], proposals(world), body).status_code == 403
    assert post(api_clients["outsider"], proposals(world), body).status_code == 404
    proposal = post(api_clients["participant"], proposals(world), body).json()
    again = post(api_clients["participant"], proposals(world), {**body, "due": "9月30日前"})
    assert (again.status_code, again.json()["code"]) == (409, "duplicate")
    accept = f"{proposals(world)}/{proposal['id']}/accept"
    assert post(api_clients["participant"], accept).status_code == 403
    assert post(api_clients["outsider"], accept).status_code == 404
    assert post(api_clients["organiser"], f"{proposals(world)}/999999/accept").status_code == 404
    assert DueDateProposal.objects.get().status == "pending"
    world.action.refresh_from_db()
    assert world.action.due_date == dt.date(2026, 9, 15)


def test_the_waiting_list_costs_the_same_however_many_proposals(
    world, api_clients, django_assert_num_queries
):
    """One proposal or six, on items of meetings sun organises: the same queries."""
    o = world.org
    organiser = api_clients["organiser"]
    post(api_clients["participant"], proposals(world), {"due": "9月25日前", "reason": "等服务器"})
    organiser.get("/api/v1/due-proposals")  # the token's first use is recorded once
    with django_assert_num_queries(2):  # the token, the proposals with their items
        assert len(organiser.get("/api/v1/due-proposals").json()) == 1
    for index in range(5):
        item = actions.action_create(
            actor=o.zhao, meeting=world.meeting, task=f"任务{index}", owner=o.zhou, due="9月16日前"
        )
        tracking.due_proposal_create(actor=o.zhou, action=item, due="9月28日前", reason="等待")

    with django_assert_num_queries(2):
        waiting = organiser.get("/api/v1/due-proposals").json()

    assert len(waiting) == 6
