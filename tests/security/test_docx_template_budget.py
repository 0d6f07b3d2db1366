"""A company DOCX template has a time and a memory budget (issue #16, item 7).

A template is code written by whoever uploads it; Jinja's sandbox keeps it from the server
but not from the processor and memory. These templates are real DOCX files built with
python-docx, filled by the real child process: the upload refuses them naming the cause and
keeps nothing; a template that fails only on a real record refuses the download (a page, or
422 JSON) and the built-in layout stays available."""

import datetime as dt
import io
import time

import docx
import pytest
from conftest import STARTS, close_topics
from django.test import Client
from django.urls import reverse
from minutes.test_templates import _docx, _upload

from accord.actions import services as actions
from accord.api.services import token_create
from accord.core import clock
from accord.core.models import AuditEvent
from accord.exports import company_templates
from accord.exports.docx import TemplateError, minutes_docx_from_template
from accord.live import services as live
from accord.minutes.models import MinutesTemplate

pytestmark = pytest.mark.django_db

URL = "/manage/templates/"

# Time allowed beyond the budget for the answer: the child's start-up, the upload's own
# work, and a busy test machine.
MARGIN = 3.0


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _nothing_kept(media) -> None:
    assert MinutesTemplate.objects.count() == 0
    assert not (media / "minutes_templates").exists()
    assert not AuditEvent.objects.filter(verb__startswith="minutes_template.").exists()


# -- at upload -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("placeholder", "seconds", "message"),
    [
        # 200 MB of text asked for by one operator: refused before it is made
        (
            "{{ 'A'*200000000 }}",
            5,
            "The template makes a text longer than 1,000,000 characters.",
        ),
        # 100 million "x" from two nested loops: refused once the output passes the cap
        (
            "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}",
            5,
            "The template makes a document longer than 10,000,000 characters.",
        ),
        # the same loops printing nothing: only the processor budget stops them
        (
            "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
            2,
            "The template took longer than 2 seconds to fill.",
        ),
        # a text that doubles forty times through `~`: only the memory budget stops it
        (
            "{% set ns = namespace(text='A') %}{% for i in range(40) %}"
            "{% set ns.text = ns.text ~ ns.text %}{% endfor %}{{ ns.text|length }}",
            5,
            "The template needed more than 512 MB of memory to fill.",
        ),
    ],
    ids=["text", "document", "time", "memory"],
)
def test_upload_refuses_a_template_past_its_budget_and_keeps_nothing(
    client, org, media, settings, placeholder, seconds, message
):
    settings.ACCORD_TEMPLATE_SECONDS = seconds
    settings.ACCORD_TEMPLATE_MEMORY_MB = 512
    client.force_login(org.sun)  # PMO

    started = time.monotonic()
    response = client.post(
        URL, {"name": "公司纪要", "file": _upload(_docx(placeholder)), "activate": "on"}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 422
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert elapsed < seconds + MARGIN
    _nothing_kept(media)


@pytest.mark.parametrize(
    ("placeholder", "kind", "limit"),
    [
        ("{{ 'x'|center(100000000) }}", "text_too_long", 1_000_000),
        ("{{ 'x'.ljust(100000000) }}", "text_too_long", 1_000_000),
        ("{{ '%0100000000d' % 1 }}", "text_too_long", 1_000_000),
        ("{{ [0] * 10000000 }}", "text_too_long", 1_000_000),
        ("{{ title * 50000 + title * 50000 }}", "text_too_long", 1_000_000),
        ("{{ 7 ** 100000 }}", "number_too_long", 10_000),
    ],
)
def test_the_sandbox_refuses_what_grows_past_its_caps(placeholder, kind, limit):
    with pytest.raises(TemplateError) as caught:
        minutes_docx_from_template(
            company_templates.SAMPLE_RECORD, language="en", template=_docx(placeholder)
        )

    assert (caught.value.kind, caught.value.limit) == (kind, limit)


def test_a_template_within_its_caps_still_fills():
    content = minutes_docx_from_template(
        company_templates.SAMPLE_RECORD,
        language="en",
        template=_docx("{{ title }}", "{{ '-' * 20 }}", "{{ 2 ** 10 }}"),
    )

    document = docx.Document(io.BytesIO(content))
    assert [p.text for p in document.paragraphs] == [
        "Q3产品上线跨部门协作启动会",
        "-" * 20,
        "1024",
    ]


# -- at download -----------------------------------------------------------------------------

# Passes the upload check (the sample has one action item: one pass through ten loops) but
# not a meeting with eight items: 8 ** 10 passes.
DEEP_LOOPS = "{% for a in actions %}" * 10 + "{% endfor %}" * 10


@pytest.fixture
def busy_meeting(org, running_meeting):
    """The launch meeting with eight action items, ended: its minutes are being written."""
    owners = [org.zhou, org.chen, org.zhang, org.liu]
    for number in range(8):
        actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task=f"任务{number + 1}",
            owner=owners[number % 4],
            due="2026-09-30",
        )
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        close_topics(org, running_meeting)
        return live.meeting_end(actor=org.wang, meeting=running_meeting)


@pytest.fixture
def deep_template(client, org, media) -> MinutesTemplate:
    client.force_login(org.sun)
    response = client.post(
        URL,
        {
            "name": "公司纪要",
            "file": _upload(_docx("纪要：{{ title }}", DEEP_LOOPS)),
            "activate": "on",
        },
    )
    assert response.status_code == 302
    return MinutesTemplate.objects.get(active=True)


def _refusal(template: MinutesTemplate) -> str:
    return (
        f"The Word template “{template.name}” could not be filled with these minutes. "
        "The template took longer than 1 second to fill. An administrator can fix the "
        "template or stop using it under Minutes templates; meanwhile, download the minutes "
        "in the built-in layout."
    )


def _built_in_tasks(content: bytes) -> list[str]:
    """The tasks of the built-in layout's action plan table (its header: No., Task, …)."""
    document = docx.Document(io.BytesIO(content))
    (plan,) = [
        t for t in document.tables if [c.text for c in t.rows[0].cells][:2] == ["No.", "Task"]
    ]
    return [row.cells[1].text for row in plan.rows[1:]]


TASKS = [f"任务{number}" for number in range(1, 9)]


def test_download_refuses_a_template_past_its_budget_and_offers_the_built_in_layout(
    client, org, busy_meeting, deep_template, settings
):
    settings.ACCORD_TEMPLATE_SECONDS = 1
    client.force_login(org.zhang)
    url = reverse("minutes:download_docx", args=[busy_meeting.pk])

    started = time.monotonic()
    response = client.get(url)
    elapsed = time.monotonic() - started

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert response.context["message"] == _refusal(deep_template)
    assert f'href="{url}?layout=builtin"' in page
    assert reverse("minutes_templates:list") not in page  # zhang does not manage templates
    assert elapsed < 1 + MARGIN
    failure = AuditEvent.objects.get(verb="minutes_template.failed")
    assert (failure.actor, failure.subject_id, failure.meeting, failure.data["cause"]) == (
        org.zhang,
        deep_template.pk,
        busy_meeting,
        "time",
    )
    assert MinutesTemplate.objects.get().active is True  # the administrator decides

    built_in = client.get(f"{url}?layout=builtin")

    assert built_in.status_code == 200
    assert built_in["Content-Disposition"].startswith(
        f'attachment; filename="minutes-{busy_meeting.pk}.docx"'
    )
    assert _built_in_tasks(built_in.content) == TASKS
    assert AuditEvent.objects.filter(verb="minutes_template.failed").count() == 1


def test_reloading_a_refused_download_answers_at_once_without_a_second_audit_row(
    client, org, busy_meeting, deep_template, settings
):
    """Anyone in the meeting may reload the page: the failure is remembered, so no second
    filling process runs and the audit trail records it once — minutes later too, though the
    record then says its statuses are as of a later time."""
    settings.ACCORD_TEMPLATE_SECONDS = 1
    client.force_login(org.zhang)
    url = reverse("minutes:download_docx", args=[busy_meeting.pk])
    first = client.get(url)
    started = time.monotonic()
    again = []
    for minute in range(1, 6):
        with clock.frozen(clock.now() + dt.timedelta(minutes=minute)):
            again.append(client.get(url))
    elapsed = time.monotonic() - started

    assert [r.status_code for r in [first, *again]] == [422] * 6
    assert {r.context["message"] for r in again} == {_refusal(deep_template)}
    assert elapsed < 1  # five answers without a filling process
    assert AuditEvent.objects.filter(verb="minutes_template.failed").count() == 1


def test_the_refusal_page_leads_an_administrator_to_the_templates(
    client, org, busy_meeting, deep_template, settings
):
    settings.ACCORD_TEMPLATE_SECONDS = 1
    client.force_login(org.sun)

    response = client.get(reverse("minutes:download_docx", args=[busy_meeting.pk]))

    assert response.status_code == 422
    assert f'href="{reverse("minutes_templates:list")}"' in response.content.decode()


def test_api_download_answers_422_naming_the_cause_and_the_built_in_layout_still_works(
    org, busy_meeting, deep_template, settings
):
    settings.ACCORD_TEMPLATE_SECONDS = 1
    _token, text = token_create(actor=org.zhang, name="budget")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/meetings/{busy_meeting.pk}/minutes.docx"

    response = api.get(url)

    assert response.status_code == 422
    assert response.json() == {
        "message": _refusal(deep_template),
        "field": None,
        "code": "template_failed",
    }
    assert AuditEvent.objects.filter(verb="minutes_template.failed").count() == 1

    built_in = api.get(f"{url}?layout=builtin")

    assert built_in.status_code == 200
    assert _built_in_tasks(built_in.content) == TASKS
    assert api.get(f"{url}?layout=other").status_code == 422


def test_the_template_still_fills_a_meeting_within_its_budget(
    client, org, ended_meeting, deep_template
):
    """The same template on a meeting with no action items: one pass, a normal download."""
    client.force_login(org.zhang)

    response = client.get(reverse("minutes:download_docx", args=[ended_meeting.pk]))

    assert response.status_code == 200
    paragraphs = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert paragraphs[0] == "纪要：Q3产品上线跨部门协作启动会"
    assert not AuditEvent.objects.filter(verb="minutes_template.failed").exists()


@pytest.mark.django_db(transaction=True)
def test_over_http_a_template_past_its_budget_is_refused_and_the_site_answers(
    org, busy_meeting, deep_template, settings, browser_as
):
    """The attack against the live server: the Word download answers within the budget
    with the refusal, and the built-in layout still downloads."""
    settings.ACCORD_TEMPLATE_SECONDS = 1
    browser = browser_as(org.zhang)
    url = reverse("minutes:download_docx", args=[busy_meeting.pk])
    started = time.monotonic()
    refused = browser.get(url)
    elapsed = time.monotonic() - started
    built_in = browser.get(url, params={"layout": "builtin"})

    assert refused.status_code == 422
    assert "The template took longer than 1 second to fill." in refused.text
    assert elapsed < 1 + MARGIN
    assert built_in.status_code == 200
    assert _built_in_tasks(built_in.content) == TASKS


def test_the_django_admin_cannot_slip_a_template_past_its_check(client, org, deep_template):
    """The admin site lists templates but neither adds one nor swaps a file: both would skip
    the sample filling and its budget."""
    client.force_login(org.admin)
    stored = (deep_template.name, deep_template.active, deep_template.file.name)
    add = client.get(reverse("admin:minutes_minutestemplate_add"))
    change = reverse("admin:minutes_minutestemplate_change", args=[deep_template.pk])
    swapped = client.post(
        change, {"name": "换掉", "active": "", "file": _upload(_docx("{{ 'A' * 200000000 }}"))}
    )

    assert add.status_code == 403
    assert swapped.status_code == 302  # the page of read-only fields saves nothing of this
    deep_template.refresh_from_db()
    assert (deep_template.name, deep_template.active, deep_template.file.name) == stored
