"""The host and the recorder type the same position or notes in two browsers (S-MEET-2):
neither loses words silently. A save over text its author has not seen is refused (409)
with the other text shown and the typed text kept; the person keeps both, or saves theirs
over it knowingly. An autosave learns the version it saved from ``X-Accord-Seen``."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accord.core.edits import version_of
from accord.core.models import AuditEvent
from accord.meetings.models import AgendaTopic, Meeting, Position
from tests.conftest import Org

AUTOSAVE = {"HTTP_X_ACCORD_AUTOSAVE": "1"}
HTMX = {"HTTP_HX_REQUEST": "true"}
EMPTY = version_of("", "")


def position_url(meeting: Meeting, topic: AgendaTopic, department) -> str:
    return reverse("meetings:run_position", args=[meeting.pk, topic.pk, department.pk])


def position(department, statement: str, evidence: str = "", **extra: str) -> dict:
    prefix = f"position-{department.pk}"
    data = {f"{prefix}-statement": statement, f"{prefix}-evidence": evidence}
    return data | {f"{prefix}-{name}": value for name, value in extra.items()}


def first_topic(meeting: Meeting) -> AgendaTopic:
    return meeting.topics.order_by("order").first()


def stored(topic: AgendaTopic, department) -> tuple[str, str] | None:
    found = Position.objects.filter(topic=topic, department=department).first()
    return (found.statement, found.evidence) if found else None


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def host(org: Org) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.wang)
    return client


@pytest.fixture
def recorder(org: Org) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.zhao)
    return client


def test_the_page_shows_the_version_and_an_autosave_answers_with_the_new_one(
    recorder: Client, org: Org, running_meeting
):
    topic = first_topic(running_meeting)
    page = recorder.get(reverse("meetings:run", args=[running_meeting.pk])).content.decode()
    assert (
        f'<input type="hidden" name="position-{org.marketing.pk}-seen" value="{EMPTY}" data-seen'
        in page
    )

    response = recorder.post(
        position_url(running_meeting, topic, org.marketing),
        position(org.marketing, "优先开发A", seen=EMPTY),
        **AUTOSAVE,
    )

    assert response.status_code == 204
    assert response["X-Accord-Seen"] == version_of("优先开发A", "")
    assert stored(topic, org.marketing) == ("优先开发A", "")


def test_the_later_save_is_refused_with_the_other_text_and_keeps_what_was_typed(
    host: Client, recorder: Client, org: Org, running_meeting
):
    topic = first_topic(running_meeting)
    url = position_url(running_meeting, topic, org.sales)
    # given both pages showed no position yet, and the host saved first
    assert (
        host.post(url, position(org.sales, "客户反馈D需求紧急", seen=EMPTY), **AUTOSAVE).status_code
        == 204
    )
    audits = AuditEvent.objects.count()

    # when the recorder's autosave arrives from the same empty version
    response = recorder.post(
        url, position(org.sales, "3个大客户已提出D需求", "来自CRM", seen=EMPTY), **AUTOSAVE
    )

    # then it is refused, shows the host's text, keeps the recorder's, and changes nothing
    assert response.status_code == 409
    shown = text(response)
    assert (
        "Someone else saved this while you were typing. Their text is shown below; yours is "
        "still in the field. Keep both, or save yours over theirs. Saved meanwhile by someone "
        "else Position of 销售部 客户反馈D需求紧急 Keep both texts Save mine over theirs" in shown
    )
    html = response.content.decode()
    assert "3个大客户已提出D需求</textarea>" in html
    assert "来自CRM</textarea>" in html
    mine = version_of("客户反馈D需求紧急", "")
    assert f'name="position-{org.sales.pk}-resolve" value="mine:{mine}"' in html
    assert stored(topic, org.sales) == ("客户反馈D需求紧急", "")
    assert AuditEvent.objects.count() == audits


def test_keeping_both_stores_the_other_text_first_then_the_typed_one(
    host: Client, recorder: Client, org: Org, running_meeting
):
    topic = first_topic(running_meeting)
    url = position_url(running_meeting, topic, org.sales)
    host.post(url, position(org.sales, "客户反馈D需求紧急", seen=EMPTY), **AUTOSAVE)

    response = recorder.post(
        url,
        position(org.sales, "3个大客户已提出D需求", seen=EMPTY, resolve="both"),
        **HTMX,
    )

    assert response.status_code == 200
    assert stored(topic, org.sales) == ("客户反馈D需求紧急\n\n3个大客户已提出D需求", "")
    both = version_of("客户反馈D需求紧急\n\n3个大客户已提出D需求", "")
    assert f'name="position-{org.sales.pk}-seen" value="{both}"' in response.content.decode()
    assert "Saved meanwhile" not in text(response)


def test_saving_mine_over_theirs_needs_the_version_that_was_shown(
    host: Client, recorder: Client, org: Org, running_meeting
):
    topic = first_topic(running_meeting)
    url = position_url(running_meeting, topic, org.sales)
    host.post(url, position(org.sales, "客户反馈D需求紧急", seen=EMPTY), **AUTOSAVE)
    shown = version_of("客户反馈D需求紧急", "")
    # the host saves once more before the recorder chooses
    host.post(url, position(org.sales, "客户反馈D需求很紧急", seen=shown), **AUTOSAVE)

    stale = recorder.post(
        url, position(org.sales, "只记录我的", seen=EMPTY, resolve=f"mine:{shown}"), **AUTOSAVE
    )
    assert stale.status_code == 409
    assert "客户反馈D需求很紧急" in text(stale)
    assert stored(topic, org.sales) == ("客户反馈D需求很紧急", "")

    newest = version_of("客户反馈D需求很紧急", "")
    saved = recorder.post(
        url, position(org.sales, "只记录我的", seen=EMPTY, resolve=f"mine:{newest}"), **AUTOSAVE
    )
    assert saved.status_code == 204
    assert stored(topic, org.sales) == ("只记录我的", "")


def test_notes_are_compared_the_same_way(host: Client, recorder: Client, org: Org, running_meeting):
    topic = first_topic(running_meeting)
    url = reverse("meetings:run_notes", args=[running_meeting.pk, topic.pk])
    empty = version_of("")
    saved = host.post(url, {"notes-notes": "A优先", "notes-seen": empty}, **AUTOSAVE)
    assert (saved.status_code, saved["X-Accord-Seen"]) == (204, version_of("A优先"))

    refused = recorder.post(url, {"notes-notes": "D待评估", "notes-seen": empty}, **AUTOSAVE)
    assert refused.status_code == 409
    assert "Saved meanwhile by someone else Notes A优先 Keep both texts" in text(refused)
    topic.refresh_from_db()
    assert topic.notes == "A优先"

    kept = recorder.post(
        url, {"notes-notes": "D待评估", "notes-seen": empty, "notes-resolve": "both"}, **AUTOSAVE
    )
    assert kept.status_code == 204
    topic.refresh_from_db()
    assert topic.notes == "A优先\n\nD待评估"


def test_one_autosave_of_a_position_costs_a_fixed_number_of_queries(
    recorder: Client, org: Org, running_meeting, django_assert_num_queries
):
    """One field's autosave: session, person, the meeting, its participants and topics (not
    its record), the transaction, the lock, the stored position, the write, its audit row."""
    topic = first_topic(running_meeting)
    url = position_url(running_meeting, topic, org.marketing)
    recorder.post(url, position(org.marketing, "优先开发A", seen=EMPTY), **AUTOSAVE)
    seen = version_of("优先开发A", "")
    with django_assert_num_queries(QUERIES) as counted:
        response = recorder.post(
            url, position(org.marketing, "优先开发A，B其次", seen=seen), **AUTOSAVE
        )
    assert response.status_code == 204
    assert len(counted.captured_queries) == QUERIES


QUERIES = 11


def test_the_meeting_notes_box_is_compared_the_same_way(
    host: Client, recorder: Client, running_meeting
):
    from accord.live.models import CaptureSource

    url = reverse("meetings:run_capture_notes", args=[running_meeting.pk])
    empty = version_of("")
    saved = host.post(
        url, {"capture-notes-text": "host line", "capture-notes-seen": empty}, **AUTOSAVE
    )
    assert (saved.status_code, saved["X-Accord-Seen"]) == (204, version_of("host line"))

    refused = recorder.post(
        url, {"capture-notes-text": "recorder line", "capture-notes-seen": empty}, **AUTOSAVE
    )
    assert refused.status_code == 409
    assert "Saved meanwhile by someone else Notes for the whole meeting host line" in text(refused)
    assert list(CaptureSource.objects.values_list("text", flat=True)) == ["host line"]

    kept = recorder.post(
        url,
        {
            "capture-notes-text": "recorder line",
            "capture-notes-seen": empty,
            "capture-notes-resolve": "both",
        },
        **AUTOSAVE,
    )
    assert kept.status_code == 204
    assert list(CaptureSource.objects.values_list("text", flat=True)) == [
        "host line\n\nrecorder line"
    ]


def test_a_version_no_text_can_have_shows_the_stored_text(
    recorder: Client, host: Client, org: Org, running_meeting
):
    topic = first_topic(running_meeting)
    url = position_url(running_meeting, topic, org.sales)
    host.post(url, position(org.sales, "客户反馈D需求紧急", seen=EMPTY), **AUTOSAVE)

    response = recorder.post(url, position(org.sales, "我的", seen="x" * 5000), **AUTOSAVE)

    assert response.status_code == 409
    assert stored(topic, org.sales) == ("客户反馈D需求紧急", "")
