"""Downloading the minutes as Word and Markdown from the minutes page."""

import io

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse

from accord.meetings.models import Meeting
from accord.ops.demo import MEETING_TITLE
from accord.org import services as org_services
from accord.org.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Meeting:
    call_command("demo", stdout=io.StringIO())
    return Meeting.objects.get(title=MEETING_TITLE)


def test_participant_downloads_word(client, demo, django_assert_max_num_queries):
    client.force_login(Person.objects.get(username="zhang.zhuanyuan"))

    with django_assert_max_num_queries(16):
        response = client.get(reverse("minutes:download_docx", args=[demo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="minutes-{demo.pk}.docx"')
    assert "filename*=UTF-8''Q3%E4%BA%A7%E5%93%81" in disposition
    document = docx.Document(io.BytesIO(response.content))
    tasks = [row.cells[1].text for row in document.tables[3].rows[1:]]
    assert tasks == [
        "完成需求A的技术方案初稿",
        "完成需求A的界面设计稿",
        "制定Q3上线推广计划",
        "整理3个大客户对需求D的具体反馈",
    ]


def test_participant_downloads_markdown(client, demo):
    client.force_login(Person.objects.get(username="zhang.zhuanyuan"))

    response = client.get(reverse("minutes:download_markdown", args=[demo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# Q3产品上线跨部门协作启动会\n")
    assert "| 4 | 整理3个大客户对需求D的具体反馈 | 刘代表 | 销售部 | " in text


def test_minutes_page_links_the_downloads(client, demo):
    client.force_login(Person.objects.get(username="zhang.zhuanyuan"))

    page = client.get(reverse("minutes:detail", args=[demo.pk])).content.decode()

    assert reverse("minutes:download_docx", args=[demo.pk]) in page
    assert reverse("minutes:download_markdown", args=[demo.pk]) in page


@pytest.mark.parametrize("name", ["minutes:download_docx", "minutes:download_markdown"])
def test_someone_who_may_not_see_the_meeting_gets_404(client, demo, name):
    outsider = org_services.person_create(actor=None, username="qian", name="钱会计")
    client.force_login(outsider)

    assert client.get(reverse(name, args=[demo.pk])).status_code == 404
    assert client.get(reverse(name, args=[demo.pk + 1000])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, demo):
    response = client.get(reverse("minutes:download_docx", args=[demo.pk]))
    assert response.status_code == 302
