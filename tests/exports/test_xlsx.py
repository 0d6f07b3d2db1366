"""The action plan as XLSX: the renderer read back with openpyxl (header, real dates, filter,
frozen header, status colours, widths), and every download (minutes page, department board,
overdue board, API) through the visibility selectors with the page's filters."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import ActionItem
from accord.actions.sheet import ActionRow
from accord.api.services import token_create
from accord.core import clock
from accord.exports.xlsx import FILLS, actions_xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ActionRow(
        "输出技术方案",
        "李主管",
        "研发部",
        dt.date(2026, 9, 15),
        "2名后端工程师",
        "done",
        False,
        "启动会",
        "责任部门划分",
    ),
    ActionRow(
        "完成设计稿",
        "陈主管",
        "设计部",
        dt.date(2026, 9, 1),
        "",
        "open",
        True,
        "启动会",
        "",
        "等待依赖: 需求未定",
    ),
    ActionRow(
        "制定推广计划",
        "王经理",
        "市场部",
        dt.date(2026, 9, 20),
        "预算10万",
        "in_progress",
        False,
        "启动会",
    ),
    ActionRow(
        "客户沟通", "刘代表", "销售部", dt.date(2026, 9, 30), "", "cancelled", False, "启动会"
    ),
    ActionRow("准备会场", "赵专员", "行政部", dt.date(2026, 9, 25), "", "open", False, "启动会"),
]


def read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_header_values_and_real_dates_in_chinese():
    sheet = read(actions_xlsx(ROWS, language="zh-hans"))

    with translation.override("zh-hans"):
        meeting_date = gettext("Meeting date")
    assert [c.value for c in sheet[1]][:10] == [
        "任务",
        "负责人",
        "部门",
        "完成时间",
        "所需资源",
        "状态",
        "会议",
        "议题",
        "逾期原因",
        meeting_date,
    ]
    assert sheet.title == "行动计划"
    assert sheet.max_row == 6
    assert [sheet.cell(r, 1).value for r in range(2, 7)] == [row.task for row in ROWS]
    assert [sheet.cell(r, 2).value for r in range(2, 7)] == [
        "李主管",
        "陈主管",
        "王经理",
        "刘代表",
        "赵专员",
    ]
    due = sheet.cell(2, 4)
    assert isinstance(due.value, dt.datetime)  # a real Excel date, read back as a datetime
    assert due.value.date() == dt.date(2026, 9, 15)
    assert due.number_format == "yyyy-mm-dd"
    assert due.is_date
    assert [sheet.cell(r, 6).value for r in range(2, 7)] == [
        "已完成",
        "已逾期",
        "进行中",
        "已取消",
        "待办",
    ]
    assert sheet.cell(3, 9).value == "等待依赖: 需求未定"
    assert sheet.cell(2, 5).value == "2名后端工程师"


def test_frozen_header_filter_and_status_fills():
    sheet = read(actions_xlsx(ROWS, language="en"))

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J6"
    assert [c.value for c in sheet[1]][:5] == [
        "Task",
        "Owner",
        "Department",
        "Due date",
        "Required resources",
    ]
    fills = [sheet.cell(r, 6).fill.fgColor.rgb[-6:] for r in range(2, 7)]
    assert fills == [
        FILLS["done"],
        FILLS["overdue"],
        FILLS["in_progress"],
        FILLS["cancelled"],
        FILLS["open"],
    ]
    assert [sheet.cell(r, 6).value for r in range(2, 7)] == [
        "Done",
        "Overdue",
        "In progress",
        "Cancelled",
        "Open",
    ]
    assert sheet.cell(1, 1).font.bold


def test_columns_are_wide_enough_for_chinese():
    long_task = "输出完整的技术方案并组织评审会议"  # 16 wide characters
    rows = [ActionRow(long_task, "李主管", "研发部", dt.date(2026, 9, 15), "", "open", False, "会")]
    sheet = read(actions_xlsx(rows, language="zh-hans"))

    assert sheet.column_dimensions["A"].width == 34  # 2 per character, plus 2
    assert sheet.column_dimensions["D"].width >= 12  # yyyy-mm-dd fits


def test_the_sheet_says_as_of_when_its_statuses_are():
    """As every minutes document: "Statuses as of …", beside the header one column right of
    the table (the import reads the first five columns, the filter stays on the table) and in
    the printed page's header."""
    as_of = timezone.make_aware(dt.datetime(2026, 9, 10, 10, 30))

    sheet = read(actions_xlsx(ROWS, language="en", as_of=as_of))

    header = [c.value for c in sheet[1]]
    titles = header[: header.index(None)]
    assert titles[:6] == ["Task", "Owner", "Department", "Due date", "Required resources", "Status"]
    assert header[len(titles) :] == [None, "Statuses as of 2026-09-10 10:30"]
    assert sheet.cell(1, len(titles) + 2).font.italic
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(titles))}6"
    assert sheet.oddHeader.right.text == "Statuses as of 2026-09-10 10:30"


def test_the_sheet_reads_its_statuses_now_by_default():
    sheet = read(actions_xlsx(ROWS, language="en"))  # the clock is frozen at 2026-09-07 09:00

    assert [c.value for c in sheet[1]][-1] == "Statuses as of 2026-09-07 09:00"


def test_empty_list_still_has_header_and_filter():
    sheet = read(actions_xlsx([], language="en"))

    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:J1"


# -- downloads ---------------------------------------------------------------------------


@pytest.fixture
def plan(org, running_meeting):
    """Three items on the running meeting: R&D (due 9-15), design (due 9-10), marketing."""
    o = org
    with clock.frozen(running_meeting.started_at):
        made = [
            actions.action_create(
                actor=o.zhao,
                meeting=running_meeting,
                task="输出技术方案",
                owner=o.li,
                due="9月15日前",
                resources="2名后端工程师",
            ),
            actions.action_create(
                actor=o.zhao,
                meeting=running_meeting,
                task="完成设计稿",
                owner=o.chen,
                due=dt.date(2026, 9, 10),
            ),
            actions.action_create(
                actor=o.zhao,
                meeting=running_meeting,
                task="制定推广计划",
                owner=o.zhang,
                due="9月20日前",
            ),
        ]
    return made


def tasks(response) -> list[str]:
    sheet = read(b"".join(response.streaming_content) if response.streaming else response.content)
    return [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]


def test_minutes_page_download(client: Client, org, running_meeting, plan):
    client.force_login(org.zhang)

    response = client.get(reverse("minutes:actions_xlsx", args=[running_meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert tasks(response) == ["完成设计稿", "输出技术方案", "制定推广计划"]


def test_the_overdue_reason_reads_as_chinese_in_chinese(client: Client, org, running_meeting, plan):
    """The reason and the owner's words are joined as the language writes it: "：" in Chinese,
    not the half-width ": " of an English sentence."""
    from accord.actions.models import OverdueReason

    with clock.frozen(clock.now() + dt.timedelta(days=6)):  # 2026-09-13: design's is late
        tracking.action_report_overdue_reason(
            actor=org.chen, action=plan[1], reason=OverdueReason.DEPENDENCY, text="需求未定"
        )
    client.force_login(org.zhang)

    for language, expected in [
        ("zh-hans", "等待前置事项：需求未定"),
        ("en", "Waiting on a dependency: 需求未定"),
    ]:
        sheet = read(
            client.get(
                reverse("minutes:actions_xlsx", args=[running_meeting.pk]),
                HTTP_ACCEPT_LANGUAGE=language,
            ).content
        )
        header = [c.value for c in sheet[1]]
        with translation.override(language):
            column = header.index(gettext("Overdue reason")) + 1
        reasons = {sheet.cell(r, 1).value: sheet.cell(r, column).value for r in (2, 3, 4)}
        assert reasons == {"完成设计稿": expected, "输出技术方案": None, "制定推广计划": None}


def test_minutes_download_of_a_meeting_one_may_not_see_is_404(client, org, running_meeting, plan):
    client.force_login(org.outsider)

    response = client.get(reverse("minutes:actions_xlsx", args=[running_meeting.pk]))

    assert response.status_code == 404
    assert "输出技术方案".encode() not in response.content


def test_department_board_download_keeps_the_filters(client, org, running_meeting, plan):
    client.force_login(org.li)  # head of R&D
    url = reverse("actions:department_board_xlsx", args=[org.rnd.pk])

    assert tasks(client.get(url)) == ["输出技术方案"]
    assert tasks(client.get(url, {"due_before": "2026-09-14"})) == []
    page = client.get(reverse("actions:department_board", args=[org.rnd.pk]), {"owner": org.li.pk})
    assert f"{url}?owner={org.li.pk}" in page.content.decode()


def test_overdue_board_download(client, org, running_meeting, plan):
    client.force_login(org.sun)  # PMO, organiser

    with clock.frozen(clock.now() + dt.timedelta(days=6)):  # 2026-09-13: design's is late
        response = client.get(reverse("actions:overdue_board_xlsx"))
        sheet = read(response.content)

    assert response.status_code == 200
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == ["完成设计稿"]
    assert sheet.cell(2, 6).value == "Overdue"
    assert sheet.cell(2, 6).fill.fgColor.rgb[-6:] == FILLS["overdue"]


def test_overdue_board_download_is_for_the_organiser_side(client, org, running_meeting, plan):
    client.force_login(org.zhou)

    assert client.get(reverse("actions:overdue_board_xlsx")).status_code == 403


def test_api_download_with_the_list_filters(org, running_meeting, plan):
    _token, text = token_create(actor=org.sun, name="xlsx")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    everything = api.get("/api/v1/actions.xlsx")
    by_owner = api.get("/api/v1/actions.xlsx", {"owner": org.chen.pk})
    bad = api.get("/api/v1/actions.xlsx", {"due_after": "not a date"})

    assert everything.status_code == 200
    assert tasks(everything) == ["完成设计稿", "输出技术方案", "制定推广计划"]
    assert read(everything.content).cell(1, 1).value == "任务"
    assert tasks(by_owner) == ["完成设计稿"]
    assert bad.status_code == 422


def test_api_download_shows_only_what_the_caller_may_see(org, running_meeting, plan):
    _token, text = token_create(actor=org.outsider, name="xlsx")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    response = api.get("/api/v1/actions.xlsx")

    assert response.status_code == 200
    assert tasks(response) == []
    assert ActionItem.objects.count() == 3


def test_minutes_page_links_to_the_download(client, org, ended_meeting, plan):
    client.force_login(org.zhao)

    page = client.get(reverse("minutes:detail", args=[ended_meeting.pk])).content.decode()

    assert reverse("minutes:actions_xlsx", args=[ended_meeting.pk]) in page
    assert reverse("actions:import", args=[ended_meeting.pk]) in page


def test_api_download_takes_a_fixed_number_of_queries(
    org, running_meeting, plan, django_assert_max_num_queries
):
    _token, text = token_create(actor=org.sun, name="xlsx")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    api.get("/api/v1/actions.xlsx")  # the token's first use writes its last-used time

    with django_assert_max_num_queries(4):
        assert tasks(api.get("/api/v1/actions.xlsx")) == [
            "完成设计稿",
            "输出技术方案",
            "制定推广计划",
        ]
