"""Downloading the minutes as PDF from the minutes page and the API: the approved version
once approved (never today's data), the live record before; 404 for whoever may not see the
meeting or before there are minutes."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from exports.pdf_reader import pdf_text
from minutes.test_views import approve_and_distribute

from accord.actions.models import ActionItem
from accord.api.services import token_create
from accord.meetings.models import Meeting
from tests.conftest import Org
from tests.minutes.test_selectors import record_the_meeting

pytestmark = pytest.mark.django_db

TITLE = "Q3产品上线跨部门协作启动会"


@pytest.fixture
def recorded(org: Org, running_meeting: Meeting) -> Meeting:
    record_the_meeting(org, running_meeting)
    running_meeting.refresh_from_db()
    return running_meeting


def url(meeting: Meeting) -> str:
    return reverse("minutes:download_pdf", args=[meeting.pk])


def test_a_participant_downloads_the_live_minutes_while_they_are_written(
    client, org: Org, recorded
):
    client.force_login(org.zhang)

    response = client.get(url(recorded))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="minutes-{recorded.pk}.pdf"; '
        f"filename*=UTF-8''{quote(TITLE + ' Minutes.pdf', safe='')}"
    )
    text = pdf_text(response.content)
    assert f"Minutes and action plan: {TITLE}" in text
    assert "提交技术方案初稿" in text
    assert "用户调研显示核心需求为A、B、C，优先开发A" in text


def test_approved_minutes_download_the_frozen_version_not_todays_data(client, org: Org, recorded):
    approve_and_distribute(org, recorded)
    ActionItem.objects.filter(meeting=recorded, task="提交技术方案初稿").update(
        task="批准后改过的任务"
    )
    client.force_login(org.zhang)

    text = pdf_text(client.get(url(recorded)).content)

    # the action plan as approved (the signature table beside it is live: owners sign later)
    plan = text[text.index("Action plan") : text.index("Objections and resolutions")]
    assert "提交技术方案初稿" in plan
    assert "批准后改过的任务" not in plan


def test_labels_follow_the_persons_language(client, org: Org, recorded):
    client.force_login(org.zhang)

    response = client.get(url(recorded), HTTP_ACCEPT_LANGUAGE="zh-hans")

    text = pdf_text(response.content)
    assert f"会议纪要及行动计划：{TITLE}" in text
    assert "会议基本信息" in text
    assert quote(f"{TITLE} 会议纪要.pdf", safe="") in response["Content-Disposition"]


def test_the_minutes_page_links_the_pdf(client, org: Org, recorded):
    client.force_login(org.zhang)

    page = client.get(reverse("minutes:detail", args=[recorded.pk])).content.decode()

    assert f'href="{url(recorded)}"' in page


def test_whoever_may_not_see_the_meeting_gets_404_and_no_pdf(client, org: Org, recorded):
    client.force_login(org.outsider)

    response = client.get(url(recorded))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"
    assert TITLE not in response.content.decode()


def test_no_pdf_before_the_meeting_has_minutes(client, org: Org, scheduled_meeting):
    client.force_login(org.sun)

    response = client.get(url(scheduled_meeting))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_anonymous_visitors_are_sent_to_sign_in(client, recorded):
    response = client.get(url(recorded))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


# -- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api_client():
    def make(person) -> Client:
        text = token_create(actor=person, name="tests")[1]
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")

    return make


def test_the_api_answers_the_pdf_to_whoever_sees_the_meeting(org: Org, recorded, api_client):
    response = api_client(org.zhang).get(f"/api/v1/meetings/{recorded.pk}/minutes.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f"attachment; filename=\"minutes-{recorded.pk}.pdf\"; filename*=UTF-8''"
    )
    assert "提交技术方案初稿" in pdf_text(response.content)


def test_the_api_answers_404_to_whoever_may_not_see_it(org: Org, recorded, api_client):
    response = api_client(org.outsider).get(f"/api/v1/meetings/{recorded.pk}/minutes.pdf")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert TITLE not in response.content.decode()
