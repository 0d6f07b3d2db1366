"""Quick capture on the run page (``accord.live.capture_views``): the recorder sees the
proposals of the topic's notes with one Accept and one Discard button each, named for what
they act on; a refused accept keeps what was typed (422); only those who record capture
(S-MEET-3..5). Rendering the proposals runs no query per proposal."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.actions.models import ActionItem
from accord.live import services as live
from accord.live.capture_selectors import proposals_of, topic_scope
from accord.live.models import CaptureDecision, CaptureSource
from tests.conftest import Org

ACTION = "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境"
VAGUE = "【待办】@张专员 整理客户反馈 尽快"


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def topic(org: Org, running_meeting):
    first = running_meeting.topics.order_by("order").first()
    return live.topic_record_notes(actor=org.zhao, topic=first, notes=f"{ACTION}\n{VAGUE}")


def urls(meeting, topic, line: str) -> tuple[str, str, str]:
    (p,) = [
        p
        for p in proposals_of(meeting=meeting, text=topic.notes, scope=topic_scope(topic))
        if p.line == line
    ]
    args = [meeting.pk, topic_scope(topic), p.key]
    query = f"?topic={topic.pk}"
    return (
        reverse("meetings:run_capture_accept", args=args) + query,
        reverse("meetings:run_capture_discard", args=args) + query,
        f"c{p.key}-",
    )


def run_page(meeting, topic) -> str:
    return reverse("meetings:run", args=[meeting.pk]) + f"?topic={topic.pk}"


def test_the_recorder_sees_each_proposal_with_named_buttons(
    client, org: Org, running_meeting, topic
):
    client.force_login(org.zhao)

    page = client.get(run_page(running_meeting, topic))

    shown = text(page)
    assert "Accept action item “完成A需求技术方案初稿”" in shown
    assert "Discard action item “整理客户反馈”" in shown
    assert (
        "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real date "
        "instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
    ) in shown
    assert 'value="9月15日前"' in page.content.decode()


def test_a_participant_sees_no_proposals(client, org: Org, running_meeting, topic):
    client.force_login(org.zhang)

    page = client.get(run_page(running_meeting, topic))

    assert page.status_code == 200
    assert "Accept action item" not in text(page)


def test_accepting_without_javascript_creates_the_item_and_returns_to_the_topic(
    client, org: Org, running_meeting, topic
):
    accept, _discard, prefix = urls(running_meeting, topic, ACTION)
    client.force_login(org.zhao)

    response = client.post(
        accept,
        {
            f"{prefix}text": "完成A需求技术方案初稿",
            f"{prefix}owner": str(org.li.pk),
            f"{prefix}department": "",
            f"{prefix}due_date": "9月15日前",
            f"{prefix}resources": "研发工程师3名、测试环境",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == run_page(running_meeting, topic) + "#capture"
    item = ActionItem.objects.get()
    assert (item.task, item.owner, item.due_text, item.resources) == (
        "完成A需求技术方案初稿",
        org.li,
        "9月15日前",
        "研发工程师3名、测试环境",
    )
    assert "Accept action item “完成A需求技术方案初稿”" not in text(
        client.get(run_page(running_meeting, topic))
    )


def test_a_refused_accept_keeps_what_was_typed_422(client, org: Org, running_meeting, topic):
    accept, _discard, prefix = urls(running_meeting, topic, VAGUE)
    client.force_login(org.zhao)

    response = client.post(
        accept,
        {
            f"{prefix}text": "整理三家客户的反馈",
            f"{prefix}owner": str(org.zhang.pk),
            f"{prefix}due_date": "尽快吧",
            f"{prefix}resources": "市场预算",
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "整理三家客户的反馈" in html and 'value="尽快吧"' in html and 'value="市场预算"' in html
    assert "“尽快吧” is not a date" in text(response)
    assert ActionItem.objects.count() == 0
    assert CaptureDecision.objects.count() == 0


def test_with_htmx_the_list_and_the_action_items_come_back(
    client, org: Org, running_meeting, topic
):
    accept, _discard, prefix = urls(running_meeting, topic, ACTION)
    client.force_login(org.zhao)

    response = client.post(
        accept,
        {
            f"{prefix}text": "完成A需求技术方案初稿",
            f"{prefix}owner": str(org.li.pk),
            f"{prefix}due_date": "9月15日前",
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="capture-list"' in html and 'id="actions"' in html and 'id="readback"' in html
    assert "<html" not in html
    assert "Action item" in text(response) and "完成A需求技术方案初稿" in text(response)


def test_a_double_click_creates_one_item(client, org: Org, running_meeting, topic):
    accept, _discard, prefix = urls(running_meeting, topic, ACTION)
    client.force_login(org.zhao)
    data = {
        f"{prefix}text": "完成A需求技术方案初稿",
        f"{prefix}owner": str(org.li.pk),
        f"{prefix}due_date": "9月15日前",
    }

    first = client.post(accept, data)
    second = client.post(accept, data)

    assert (first.status_code, second.status_code) == (302, 422)
    assert "This line was already decided." in text(second)
    assert ActionItem.objects.count() == 1


def test_discarding_without_javascript(client, org: Org, running_meeting, topic):
    _accept, discard, _prefix = urls(running_meeting, topic, VAGUE)
    client.force_login(org.zhao)

    response = client.post(discard)

    assert response.status_code == 302
    assert list(CaptureDecision.objects.values_list("verdict", "line")) == [("discarded", VAGUE)]
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("zhang", 403), ("outsider", 404)])
def test_who_does_not_record_changes_nothing(client, org: Org, running_meeting, topic, who, status):
    accept, discard, prefix = urls(running_meeting, topic, ACTION)
    client.force_login(getattr(org, who))

    accepted = client.post(
        accept,
        {f"{prefix}text": "x", f"{prefix}owner": str(org.li.pk), f"{prefix}due_date": "9月15日前"},
    )
    discarded = client.post(discard)

    assert (accepted.status_code, discarded.status_code) == (status, status)
    assert ActionItem.objects.count() == 0
    assert CaptureDecision.objects.count() == 0


def test_an_uploaded_gb18030_transcript_is_read(client, org: Org, running_meeting, topic):
    client.force_login(org.zhao)
    upload = SimpleUploadedFile("妙记.txt", "王经理 00:00:05\n共识：优先开发A。".encode("gb18030"))

    response = client.post(
        reverse("meetings:run_capture_transcript", args=[running_meeting.pk])
        + f"?topic={topic.pk}",
        {"capture-transcript-file": upload},
    )

    assert response.status_code == 302
    source = CaptureSource.objects.get()
    assert (source.kind, source.name, source.text, source.topic) == (
        "transcript",
        "妙记.txt",
        "王经理 00:00:05\n共识：优先开发A。",
        topic,
    )
    assert "Accept consensus “优先开发A”" in text(client.get(run_page(running_meeting, topic)))


def test_an_upload_of_another_kind_is_refused_and_the_pasted_text_kept(
    client, org: Org, running_meeting, topic
):
    client.force_login(org.zhao)
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.7")

    response = client.post(
        reverse("meetings:run_capture_transcript", args=[running_meeting.pk])
        + f"?topic={topic.pk}",
        {"capture-transcript-file": upload, "capture-transcript-text": "共识：保留"},
    )

    assert response.status_code == 422
    assert "Upload a .txt, .srt or .vtt file (this is “minutes.pdf”)." in text(response)
    assert "共识：保留" in response.content.decode()
    assert CaptureSource.objects.count() == 0


# The run page of the recorder with quick capture: its pinned count (tests/live/test_views.py)
# whatever the number of proposals.
RUN_PAGE_QUERIES_RECORDER = 15


@pytest.mark.parametrize("lines", [1, 20])
def test_the_run_page_runs_no_query_per_proposal(
    client, org: Org, running_meeting, topic, lines, django_assert_num_queries
):
    notes = "\n".join(f"【待办】@李主管 任务{n} 9月15日前" for n in range(lines))
    live.topic_record_notes(actor=org.zhao, topic=topic, notes=notes)
    client.force_login(org.zhao)
    client.get(run_page(running_meeting, topic))  # the session is read once

    with django_assert_num_queries(RUN_PAGE_QUERIES_RECORDER):
        page = client.get(run_page(running_meeting, topic))

    assert text(page).count("Accept action item") == lines
