"""Large action-plan exports: rendered by the worker, not in the request. Each file is read
back with openpyxl; the person who asked is told in the app, and only they can download it."""

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accord.actions import services as actions
from accord.actions.models import Export
from accord.api.services import token_create
from accord.core import clock
from accord.exports import jobs as export_jobs
from accord.meetings.models import Meeting
from accord.notify.selectors import inbox, notice
from accord.notify.worker import Worker
from tests.conftest import NOW, Org

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TASKS = [f"任务{i}：准备上线材料" for i in range(1, 7)]


@pytest.fixture(autouse=True)
def small_exports(settings, tmp_path):
    """Anything over 5 rows is a job; files go to a throw-away VAR_DIR."""
    settings.ACCORD_EXPORT_INLINE_ROWS = 5
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def six_items(org: Org, ended_meeting: Meeting) -> Meeting:
    for task in TASKS:
        actions.action_create(
            actor=org.zhao, meeting=ended_meeting, task=task, owner=org.li, due="2026-10-15"
        )
    return ended_meeting


def stored_files(var_dir) -> list:
    folder = var_dir / "exports"
    return sorted(folder.iterdir()) if folder.exists() else []


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_large_export_answers_at_once_and_the_worker_renders_it(
    client, org: Org, six_items: Meeting, small_exports
):
    client.force_login(org.zhao)
    response = client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))

    assert response.status_code == 202
    assert response["Content-Type"].startswith("text/html")
    assert "The export of 6 rows is being prepared" in response.content.decode()
    export = Export.objects.get()
    assert (export.person, export.kind, export.params) == (
        org.zhao,
        "meeting",
        {"meeting": six_items.pk},
    )
    assert (export.status, export.stored_name, export.rows) == ("pending", "", 6)
    assert stored_files(small_exports) == []  # nothing rendered in the request
    assert not inbox(org.zhao).filter(kind="export.ready").exists()

    totals = Worker().run(once=True)

    assert totals["exported"] == 1
    export.refresh_from_db()
    assert export.status == "done"
    assert export.finished_at == NOW
    assert [path.name for path in stored_files(small_exports)] == [export.stored_name]
    assert len(export.stored_name) > 30  # a random name, not the meeting's

    ready = inbox(org.zhao).get(kind="export.ready")
    shown = notice(ready)
    assert shown.subject == f"Your export is ready: {six_items.title}-actions.xlsx"
    assert "(6 rows)" in shown.text
    assert shown.link == reverse("actions:export", args=[export.pk])

    download = client.get(shown.link)
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Cache-Control"] == "private, no-store"
    rows = sheet_rows(body(download))
    assert sorted(row[0] for row in rows) == TASKS
    assert {row[1] for row in rows} == {org.li.name}
    assert {row[3] for row in rows} == {dt.datetime(2026, 10, 15)}


@pytest.mark.parametrize("who", ["li", "wang", "outsider", "admin"])
def test_only_the_person_who_asked_can_download(client, org: Org, six_items: Meeting, who):
    client.force_login(org.zhao)
    client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))
    Worker().run(once=True)
    export = Export.objects.get(status="done")

    client.force_login(getattr(org, who))
    assert client.get(reverse("actions:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("actions:export", args=[export.pk + 1])).status_code == 404


def test_an_export_of_at_most_the_setting_is_rendered_in_the_request(
    client, org: Org, six_items: Meeting, settings, small_exports
):
    settings.ACCORD_EXPORT_INLINE_ROWS = 6
    client.force_login(org.zhao)
    response = client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))
    assert response.status_code == 200
    assert len(sheet_rows(response.content)) == 6
    assert not Export.objects.exists()
    assert stored_files(small_exports) == []


def test_the_page_shows_where_a_pending_export_stands(client, org: Org, six_items: Meeting):
    client.force_login(org.zhao)
    client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))
    export = Export.objects.get()
    response = client.get(reverse("actions:export", args=[export.pk]))
    assert response.status_code == 200
    assert 'data-status="pending"' in response.content.decode()


def test_a_failing_render_ends_failed_and_the_worker_goes_on(
    client, org: Org, six_items: Meeting, small_exports
):
    broken = Export.objects.create(
        person=org.zhao,
        kind="department",
        params={"department": 999_999},
        filename="gone.xlsx",
        rows=6,
    )
    client.force_login(org.zhao)
    client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))
    good = Export.objects.exclude(pk=broken.pk).get()

    totals = Worker().run(once=True)

    broken.refresh_from_db()
    good.refresh_from_db()
    assert (totals["exported"], totals["export_failed"]) == (1, 1)
    assert broken.status == "failed"
    assert broken.error.startswith("DoesNotExist: Department matching query does not exist")
    assert broken.stored_name == ""
    assert good.status == "done"
    assert [path.name for path in stored_files(small_exports)] == [good.stored_name]
    assert inbox(org.zhao).filter(kind="export.failed").count() == 1
    page = client.get(reverse("actions:export", args=[broken.pk]))
    assert page.status_code == 200
    assert "The export could not be prepared." in page.content.decode()
    # a failed job is not taken again
    assert Worker().run(once=True)["export_failed"] == 0


def test_two_workers_never_render_one_job(org: Org, six_items: Meeting):
    Export.objects.create(
        person=org.zhao, kind="meeting", params={"meeting": six_items.pk}, filename="a.xlsx"
    )
    lease = dt.timedelta(minutes=2)
    first = export_jobs.exports_claim(token="a" * 32, now=clock.now(), lease=lease, batch=10)
    second = export_jobs.exports_claim(token="b" * 32, now=clock.now(), lease=lease, batch=10)
    assert (len(first), second) == (1, [])
    # a worker that died: once its lease has run out another one takes the job
    later = clock.now() + dt.timedelta(minutes=3)
    third = export_jobs.exports_claim(token="c" * 32, now=later, lease=lease, batch=10)
    assert [export.pk for export in third] == [first[0].pk]
    assert export_jobs.export_run_one(first[0], token="a" * 32) == "skipped"
    assert export_jobs.export_run_one(third[0], token="c" * 32) == "done"


def test_exports_older_than_seven_days_are_deleted(client, org: Org, six_items, small_exports):
    client.force_login(org.zhao)
    client.get(reverse("minutes:actions_xlsx", args=[six_items.pk]))
    Worker().run(once=True)
    export = Export.objects.get()
    assert len(stored_files(small_exports)) == 1

    with clock.frozen(NOW + dt.timedelta(days=7)):
        assert Worker().run(once=True)["exports_purged"] == 0
    with clock.frozen(NOW + dt.timedelta(days=7, seconds=1)):
        assert Worker().run(once=True)["exports_purged"] == 1
    assert not Export.objects.filter(pk=export.pk).exists()
    assert stored_files(small_exports) == []
    assert client.get(reverse("actions:export", args=[export.pk])).status_code == 404


def test_the_api_answers_202_with_a_location_and_then_the_file(org: Org, six_items: Meeting):
    api = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(actor=org.zhao, name='t')[1]}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    response = api.get("/api/v1/actions.xlsx", {"meeting": six_items.pk})
    assert response.status_code == 202
    export = Export.objects.get()
    assert response["Location"] == f"/api/v1/exports/{export.pk}"
    assert response.json()["status"] == "pending"
    assert response.json()["rows"] == 6
    assert export.params["meeting"] == six_items.pk

    waiting = api.get(response["Location"])
    assert (waiting.status_code, waiting.json()["status"]) == (202, "pending")

    Worker().run(once=True)
    done = api.get(response["Location"])
    assert done.status_code == 200
    assert done["Content-Type"] == XLSX
    assert sorted(row[0] for row in sheet_rows(done.content)) == TASKS

    other = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(actor=org.li, name='t')[1]}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert other.get(response["Location"]).status_code == 404
