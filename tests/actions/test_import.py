"""Import of action items from XLSX (S-MEET-4): every row checked as action_create checks it,
a report with row, column and message, nothing imported from a file with refusals unless the
valid part is accepted, a bad file refused whole; and the round trip of the demo's plan."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accord.actions.imports import RowError, actions_import
from accord.actions.models import ActionItem
from accord.actions.selectors import action_export_rows
from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.models import AuditEvent
from accord.exports.xlsx import actions_xlsx
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting, Participant
from accord.notify.models import Notification
from accord.ops import demo
from accord.org.models import Person

pytestmark = pytest.mark.django_db

HEADER = ["任务", "负责人", "部门", "完成时间", "所需资源"]


def sheet_file(rows, header=HEADER, name="plan.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


GOOD = [
    ["输出技术方案", "李主管", "研发部", dt.date(2026, 9, 15), "2名后端工程师"],
    ["完成设计稿", "chen", "", "9月18日前", ""],  # user name; the owner's department
]
MIXED = [
    *GOOD,
    ["尽快处理", "刘代表", "销售部", "尽快", ""],
    ["", "无名氏", "财务部X", dt.date(2026, 9, 1), ""],
    [None, None, None, None, None],  # blank: skipped
    ["制定推广计划", "王经理", "市场部", "下周五", "预算10万"],
]


@pytest.fixture
def names(org):
    """The conftest's people have user names, not Chinese names: give them names."""
    for person, name in [
        (org.li, "李主管"),
        (org.chen, "陈主管"),
        (org.liu, "刘代表"),
        (org.wang, "王经理"),
    ]:
        Person.objects.filter(pk=person.pk).update(name=name)
    return org


def test_a_valid_sheet_is_imported_through_action_create(names, running_meeting):
    o = names
    audits = AuditEvent.objects.filter(verb="action.created").count()

    report = actions_import(actor=o.zhao, meeting=running_meeting, file=sheet_file(GOOD))

    assert report.errors == []
    assert [
        (a.task, a.owner_id, a.department_id, a.due_date, a.resources, a.due_text)
        for a in report.created
    ] == [
        ("输出技术方案", o.li.pk, o.rnd.pk, dt.date(2026, 9, 15), "2名后端工程师", ""),
        ("完成设计稿", o.chen.pk, o.design.pk, dt.date(2026, 9, 18), "", "9月18日前"),
    ]
    assert ActionItem.objects.filter(meeting=running_meeting).count() == 2
    assert AuditEvent.objects.filter(verb="action.created").count() == audits + 2


def test_refused_rows_are_reported_and_nothing_is_imported(names, running_meeting):
    o = names
    notifications = Notification.objects.count()

    report = actions_import(actor=o.zhao, meeting=running_meeting, file=sheet_file(MIXED))

    assert [(e.row, e.column, e.label) for e in report.errors] == [
        (4, "due_date", "Due date"),
        (5, "task", "Task"),
        (5, "owner", "Owner"),
        (5, "department", "Department"),
        (5, "due_date", "Due date"),
    ]
    assert report.errors[1] == RowError(5, "task", "Task", "Say what is to be done.")
    assert report.errors[2] == RowError(5, "owner", "Owner", "No active person is called 无名氏.")
    assert report.errors[3] == RowError(
        5, "department", "Department", "There is no department called 财务部X."
    )
    assert "2026-09-01" in report.errors[4].message
    assert report.rejected_rows == [4, 5]
    assert [row.row for row in report.accepted] == [2, 3, 7]
    assert [row.due_date for row in report.accepted] == [
        dt.date(2026, 9, 15),
        dt.date(2026, 9, 18),
        dt.date(2026, 9, 18),
    ]
    assert report.created == []
    assert not ActionItem.objects.filter(meeting=running_meeting).exists()
    assert Notification.objects.count() == notifications


def test_the_vague_word_gets_the_due_date_rules_message(names, running_meeting):
    from accord.actions.deadlines import parse_due_date

    with pytest.raises(AppError) as rule:
        parse_due_date("尽快", reference=dt.date(2026, 9, 9))

    report = actions_import(actor=names.zhao, meeting=running_meeting, file=sheet_file(MIXED))

    assert report.errors[0].message == rule.value.message


def test_accepting_the_valid_part_imports_only_the_valid_rows(names, running_meeting):
    report = actions_import(
        actor=names.zhao, meeting=running_meeting, file=sheet_file(MIXED), accept_valid=True
    )

    assert [a.task for a in report.created] == ["输出技术方案", "完成设计稿", "制定推广计划"]
    assert sorted(
        ActionItem.objects.filter(meeting=running_meeting).values_list("task", flat=True)
    ) == sorted(["输出技术方案", "完成设计稿", "制定推广计划"])


def test_a_shared_name_asks_for_the_user_name(names, running_meeting):
    Person.objects.filter(pk=names.zhou.pk).update(name="李主管")

    report = actions_import(actor=names.zhao, meeting=running_meeting, file=sheet_file(GOOD[:1]))

    assert report.errors == [
        RowError(
            2, "owner", "Owner", "Several people are called 李主管: write the user name instead."
        )
    ]


@pytest.mark.parametrize(
    ("upload", "code", "message"),
    [
        (
            SimpleUploadedFile("plan.xlsx", b"not a workbook at all"),
            "invalid_file",
            "This is not an Excel workbook (.xlsx).",
        ),
        (
            SimpleUploadedFile("plan.xlsx", b"PK\x03\x04broken zip"),
            "invalid_file",
            "This is not an Excel workbook (.xlsx).",
        ),
        (
            sheet_file(
                GOOD, header=["Task", "Who", "Department", "Due date", "Required resources"]
            ),
            "wrong_header",
            "The first row must be the action plan's header: Task, Owner, Department, Due date, Required resources.",
        ),
        (sheet_file([]), "empty", "The sheet holds no action items."),
    ],
)
def test_a_bad_file_is_refused_whole(names, running_meeting, upload, code, message):
    with pytest.raises(AppError) as refusal:
        actions_import(actor=names.zhao, meeting=running_meeting, file=upload, accept_valid=True)

    assert (refusal.value.field, refusal.value.code, refusal.value.message) == (
        "file",
        code,
        message,
    )
    assert not ActionItem.objects.exists()


def test_an_english_header_is_accepted(names, running_meeting):
    upload = sheet_file(
        GOOD, header=["Task", "Owner", "Department", "Due date", "Required resources"]
    )

    report = actions_import(actor=names.zhao, meeting=running_meeting, file=upload)

    assert len(report.created) == 2


def test_a_file_over_the_upload_limit_is_refused(names, running_meeting, settings):
    settings.ACCORD_MAX_UPLOAD_MB = 1
    upload = SimpleUploadedFile("plan.xlsx", b"PK" + b"0" * (1024 * 1024))

    with pytest.raises(AppError) as refusal:
        actions_import(actor=names.zhao, meeting=running_meeting, file=upload)

    assert (refusal.value.code, refusal.value.message) == (
        "too_large",
        "The file is larger than 1 MB.",
    )
    assert not ActionItem.objects.exists()


def test_only_the_recorder_side_imports(names, running_meeting):
    with pytest.raises(PermissionDenied):
        actions_import(actor=names.zhou, meeting=running_meeting, file=sheet_file(GOOD))

    assert not ActionItem.objects.exists()


# -- the page ----------------------------------------------------------------------------


def test_the_page_reports_then_imports_the_valid_rows(client, names, running_meeting):
    client.force_login(names.zhao)
    url = reverse("actions:import", args=[running_meeting.pk])

    checked = client.post(url, {"file": sheet_file(MIXED)})
    page = checked.content.decode()
    imported = client.post(url, {"file": sheet_file(MIXED), "accept_valid": "True"})

    assert checked.status_code == 200
    assert 'data-accepted="3" data-rejected="2"' in page
    assert "No active person is called 无名氏." in page
    assert "Import the 3 valid rows" in page
    assert imported.status_code == 302
    assert imported["Location"] == reverse("minutes:detail", args=[running_meeting.pk])
    assert ActionItem.objects.filter(meeting=running_meeting).count() == 3


def test_the_page_shows_a_bad_file_and_imports_nothing(client, names, running_meeting):
    client.force_login(names.zhao)

    response = client.post(
        reverse("actions:import", args=[running_meeting.pk]),
        {"file": SimpleUploadedFile("plan.docx", b"hello")},
    )

    assert response.status_code == 422
    assert "This is not an Excel workbook (.xlsx)." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_the_page_of_a_meeting_one_may_not_see_is_404(client, names, running_meeting):
    client.force_login(names.outsider)

    response = client.post(
        reverse("actions:import", args=[running_meeting.pk]), {"file": sheet_file(GOOD)}
    )

    assert response.status_code == 404
    assert not ActionItem.objects.exists()


def test_a_participant_who_may_not_record_gets_403(client, names, running_meeting):
    client.force_login(names.zhou)

    response = client.post(
        reverse("actions:import", args=[running_meeting.pk]), {"file": sheet_file(GOOD)}
    )

    assert response.status_code == 403
    assert not ActionItem.objects.exists()


# -- round trip --------------------------------------------------------------------------


def test_round_trip_of_the_demo_plan(db):
    demo.demo_load(admin_password="x")
    source = Meeting.objects.get(title=demo.MEETING_TITLE)
    people = {p.username: p for p in Person.objects.all()}
    day = timezone.localtime(source.starts_at).date()
    at = lambda hour: timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))  # noqa: E731
    with clock.frozen(at(9) - dt.timedelta(days=2)):
        target = meetings.meeting_create(
            actor=people["sun.zhuren"],
            title="导入测试会",
            starts_at=at(16),
            duration_minutes=60,
            host=people["wang.jingli"],
            recorder=people["zhao.zhuanyuan"],
        )
        for title in ("议题一", "议题二", "议题三"):
            meetings.topic_add(
                actor=people["sun.zhuren"], meeting=target, title=title, planned_minutes=20
            )
        meetings.participant_invite(
            actor=people["sun.zhuren"],
            meeting=target,
            person=people["zhao.zhuanyuan"],
            role=Participant.Role.EXECUTOR,
        )
        meetings.meeting_schedule(actor=people["sun.zhuren"], meeting=target)
    sheet = actions_xlsx(
        action_export_rows(items=ActionItem.objects.filter(meeting=source).order_by("id")),
        language="zh-hans",
    )

    with clock.frozen(at(16)):
        live.meeting_start(actor=people["wang.jingli"], meeting=target)
        report = actions_import(
            actor=people["zhao.zhuanyuan"],
            meeting=target,
            file=SimpleUploadedFile("plan.xlsx", sheet),
        )

    def items(meeting):
        return [
            (a.task, a.owner_id, a.department_id, a.due_date, a.resources)
            for a in ActionItem.objects.filter(meeting=meeting).order_by("id")
        ]

    assert report.errors == []
    assert len(items(source)) >= 4
    assert items(target) == items(source)
