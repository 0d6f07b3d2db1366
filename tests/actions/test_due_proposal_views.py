"""Proposing and answering a new due date on the item's page, and the organiser's list of
proposals on "My work" (S-TRACK-3)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.actions import tracking
from accord.actions.models import ActionItem, DueDateProposal
from accord.core import clock
from accord.core.models import AuditEvent
from tests.conftest import Org

Status = DueDateProposal.Status


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


@pytest.fixture
def on_the_20th(item):
    """Five days after the item's due date (the item is made first, on its own day)."""
    with clock.frozen(at(9, 20, 10)):
        yield


def url(name: str, *args) -> str:
    return reverse(f"actions:{name}", args=args)


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(response, id_: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<section class="card" id="{id_}".*?</section>', html, flags=re.S)
    assert match is not None, f"no section #{id_}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def forms(response) -> list[str]:
    """Where the proposal forms of the page post to."""
    return re.findall(
        r'<form method="post" action="(/actions/\d+/propose-date/[^"]*)"',
        (response.content.decode()),
    )


def propose(org: Org, item: ActionItem, due: str = "9月25日前") -> DueDateProposal:
    return tracking.due_proposal_create(
        actor=org.zhou, action=item, due=due, reason="测试服务器未到货"
    )


def test_owner_proposes_from_the_item_page_s_track_3(client, org: Org, item, on_the_20th):
    client.force_login(org.zhou)
    assert forms(client.get(url("detail", item.pk))) == [url("propose_due", item.pk)]

    response = client.post(
        url("propose_due", item.pk), {"due_date": "9月25日前", "reason": "测试服务器未到货"}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        url("detail", item.pk) + "#proposals",
    )
    proposal = DueDateProposal.objects.get()
    assert (proposal.action, proposal.due_date, proposal.status) == (
        item,
        dt.date(2026, 9, 25),
        Status.PENDING,
    )
    page = client.get(response["Location"])
    assert section(page, "proposals") == (
        "Proposed due dates 研发部 周工程师 proposes to move the item from 2026-09-15 to "
        "2026-09-25: 测试服务器未到货 (2026-09-20 10:00) Waiting for an answer "
        "Withdraw my proposal"
    )
    assert forms(page) == [url("proposal_withdraw", item.pk, proposal.pk)]


def test_a_past_date_is_refused_at_its_field_and_what_was_typed_stays(
    client, org: Org, item, on_the_20th
):
    client.force_login(org.zhou)
    audits = AuditEvent.objects.count()

    response = client.post(
        url("propose_due", item.pk), {"due_date": "2026-09-18", "reason": "测试服务器未到货"}
    )

    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(r'id="id_due_date_error"[^>]*><li>([^<]*)</li>', html)
    assert error is not None
    assert error.group(1) == (
        "The due date 2026-09-18 has already passed. Choose today (2026-09-20) or a later date."
    )
    assert 'value="2026-09-18"' in html
    assert ">\n测试服务器未到货</textarea>" in html
    assert (DueDateProposal.objects.count(), AuditEvent.objects.count()) == (0, audits)


def test_the_organiser_accepts_from_the_item_page(client, org: Org, item, on_the_20th):
    proposal = propose(org, item)
    client.force_login(org.sun)
    page = client.get(url("detail", item.pk))
    assert forms(page) == [
        url("proposal_accept", item.pk, proposal.pk),
        url("proposal_decline", item.pk, proposal.pk),
    ]
    assert "Accept: re-plan to 2026-09-25" in text(page)

    response = client.post(url("proposal_accept", item.pk, proposal.pk))

    assert (response.status_code, response["Location"]) == (
        302,
        url("detail", item.pk) + "#due-history",
    )
    item.refresh_from_db()
    assert (item.due_date, item.replan_count) == (dt.date(2026, 9, 25), 1)
    page = client.get(response["Location"])
    assert section(page, "proposals") == (
        "Proposed due dates 2026-09-25, proposed by 周工程师 on 2026-09-20: 测试服务器未到货 — "
        "accepted by 孙主任"
    )
    assert "2026-09-15 → 2026-09-25: 测试服务器未到货" in section(page, "due-history")


def test_a_decline_without_a_reason_is_refused_and_the_proposal_waits(
    client, org: Org, item, on_the_20th
):
    proposal = propose(org, item)
    client.force_login(org.wang)

    response = client.post(url("proposal_decline", item.pk, proposal.pk), {"answer": ""})

    assert response.status_code == 422
    assert "This field is required." in section(response, "proposals")
    proposal.refresh_from_db()
    assert proposal.status == Status.PENDING

    response = client.post(
        url("proposal_decline", item.pk, proposal.pk), {"answer": "上线日期不能再推"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer) == (Status.DECLINED, "上线日期不能再推")
    item.refresh_from_db()
    assert item.due_date == dt.date(2026, 9, 15)


def test_the_owner_may_not_accept_their_own_proposal(client, org: Org, item, on_the_20th):
    proposal = propose(org, item)
    client.force_login(org.zhou)

    response = client.post(url("proposal_accept", item.pk, proposal.pk))

    assert response.status_code == 403
    assert "Only the organiser may answer a proposed date." in text(response)
    proposal.refresh_from_db()
    item.refresh_from_db()
    assert (proposal.status, item.due_date, item.replan_count) == (
        Status.PENDING,
        dt.date(2026, 9, 15),
        0,
    )


def test_unknown_or_unseen_proposals_are_404(client, org: Org, item, on_the_20th):
    proposal = propose(org, item)
    client.force_login(org.sun)
    assert client.post(url("proposal_accept", item.pk, proposal.pk + 1)).status_code == 404
    client.force_login(org.outsider)
    for name in ("proposal_accept", "proposal_decline", "proposal_withdraw"):
        assert client.post(url(name, item.pk, proposal.pk), {"answer": "x"}).status_code == 404
    assert (
        client.post(
            url("propose_due", item.pk), {"due_date": "9月30日前", "reason": "x"}
        ).status_code
        == 404
    )
    proposal.refresh_from_db()
    assert (proposal.status, DueDateProposal.objects.count()) == (Status.PENDING, 1)


def test_my_work_lists_the_proposals_waiting_for_my_answer(client, org: Org, item, on_the_20th):
    propose(org, item)
    expected = (
        "研发部 周工程师 proposes to move “搭建测试环境” from 2026-09-15 to 2026-09-25 — "
        "Q3产品上线跨部门协作启动会"
    )
    for person in (org.sun, org.wang):  # the organiser and the host
        client.force_login(person)
        assert expected in text(client.get("/"))
    for person in (org.li, org.zhou):  # the owner's head, the owner
        client.force_login(person)
        assert "proposes to move" not in text(client.get("/"))
