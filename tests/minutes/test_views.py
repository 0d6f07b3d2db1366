"""The minutes page: the record in the template's layout (S-TPL-1..3), the 24-hour clock
(S-POST-1), review by the host with comments and distribution (S-POST-2), versions with what
changed, and each owner's signature on their own items (S-POST-3)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.actions import services as actions
from accord.actions import tracking
from accord.actions.models import Signature
from accord.core import clock
from accord.core.models import AuditEvent
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.minutes import services as minutes_services
from accord.minutes.models import Minutes, MinutesVersion
from accord.org import services as org_services
from tests.conftest import Org
from tests.live.test_views import _bigger_meeting, position_data
from tests.minutes.test_selectors import record_the_meeting

Status = Meeting.Status


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def url(meeting: Meeting, name: str = "detail", *args) -> str:
    return reverse(f"minutes:{name}", args=[meeting.pk, *args])


def forms_of(response) -> list[str]:
    """The minutes forms on the page (the language and sign-out forms left out)."""
    return re.findall(r'<form method="post" action="(/minutes/[^"]+)"', response.content.decode())


@pytest.fixture
def recorded(org: Org, running_meeting: Meeting):
    """The launch meeting recorded as the source describes it, ended at 15:25."""
    zhou_item, chen_item = record_the_meeting(org, running_meeting)
    return running_meeting, zhou_item, chen_item


def approve_and_distribute(org: Org, meeting: Meeting) -> None:
    with clock.frozen(at(9, 9, 17)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    with clock.frozen(at(9, 9, 18)):
        minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    with clock.frozen(at(9, 9, 19)):
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)


# -- the record in the template's layout (S-TPL-1..3) -----------------------------------------


def test_record_in_the_template_layout_s_tpl_1_s_tpl_2_s_tpl_3(client, org: Org, recorded):
    """S-TPL-1..3: basic information, topics with each department's position, notes and outcome,
    consensus, action plan, objections, signatures."""
    meeting, _zhou_item, _chen_item = recorded
    client.force_login(org.zhang)  # a participant reads it

    with clock.frozen(at(9, 9, 16)):
        response = client.get(url(meeting))

    assert response.status_code == 200
    shown = text(response)
    assert (
        "Basic information Meeting name Q3产品上线跨部门协作启动会 "
        "Time 2026-09-09 14:00–15:25 (planned 14:00–15:30) "
        "Place / online meeting 3号会议室 · meeting number 618-2023-815 "
        "Host 市场部 王经理 Recorder 行政部 赵专员 "
        "Departments and people present 市场部: 经理, 专员 研发部: 主管, 工程师 行政部: 专员 设计部: 主管 销售部: 代表 "
        "Core goal 确定Q3产品上线分工" in shown
    )
    assert (
        "1. 产品需求优先级确认 Lead: 市场部 · planned 30 min · actual 35 min "
        "Department Position Data and facts "
        "市场部 用户调研显示核心需求为A、B、C，优先开发A A占用户需求的60% "
        "销售部 客户反馈需求D紧急 3家重点客户提出 "
        "Notes: D列入二期评估 Outcome: Consensus 先开发A，D列入二期" in shown
    )
    assert (
        "3. 时间节点确认 planned 20 min · actual 1 min No positions recorded. "
        "Outcome: Discuss again at the next meeting (2026-09-16) 待研发评估工期后再定" in shown
    )
    assert (
        "Consensus 产品需求优先级确认 : 先开发A，D列入二期 责任部门划分 : 研发部负责开发，设计部负责UI"
        in shown
    )
    assert (
        "Action plan Statuses as of 2026-09-09 16:00 "
        "Task Owner Department Due date Required resources Status "
        "提交技术方案初稿 周工程师 研发部 2026-09-15 测试服务器2台 Open "
        "完成UI设计稿 陈主管 设计部 2026-09-18 — Open" in shown
    )
    assert (
        "Objections and resolutions 刘代表 : 需求D的优先级过低 Resolution: 二期首个迭代评估D"
        in shown
    )
    assert (
        "Signatures Each owner confirms their own items once the host has approved the minutes. "
        "Task Owner Sign-off 提交技术方案初稿 周工程师 Not signed 完成UI设计稿 陈主管 Not signed"
        in shown
    )
    assert "Versions No version approved yet." in shown
    assert forms_of(response) == []


def test_before_the_end_there_are_no_minutes_yet(client, org: Org, running_meeting):
    """S-POST-1: the minutes start when the meeting ends."""
    client.force_login(org.zhao)

    response = client.get(url(running_meeting))

    assert response.status_code == 200
    assert "The minutes are written once the meeting has ended. Follow the meeting" in text(
        response
    )


# -- the 24-hour clock (S-POST-1) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (at(9, 9, 15, 30), "Due 2026-09-10 15:25 23 h 55 min left"),
        (at(9, 10, 15, 25), "Due 2026-09-10 15:25 0 h 00 min left"),
        (at(9, 10, 15, 26), "Due 2026-09-10 15:25 Late"),
    ],
    ids=["5-minutes-after-the-end", "24h", "24h01"],
)
def test_the_24_hour_clock_s_post_1(client, org: Org, ended_meeting, now, shown):
    """S-POST-1: time left until 24 hours after the end, then “Late”."""
    client.force_login(org.zhao)

    with clock.frozen(now):
        response = client.get(url(ended_meeting))

    assert f"24-hour clock {shown} Review and distribution" in text(response)


def test_minutes_distributed_late_stay_marked_late_s_post_1(client, org: Org, ended_meeting):
    """S-POST-1: minutes that went out late stay marked late."""
    with clock.frozen(at(9, 11, 10)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=ended_meeting)
        minutes_services.minutes_approve(actor=org.wang, meeting=ended_meeting)
        minutes_services.minutes_distribute(actor=org.sun, meeting=ended_meeting)
    client.force_login(org.zhang)

    with clock.frozen(at(9, 20)):
        response = client.get(url(ended_meeting))

    assert "24-hour clock Due 2026-09-10 15:25 · distributed 2026-09-11 10:00 Late" in text(
        response
    )


# -- review, distribution and signatures: the whole path (S-POST-1..3) ----------------------------


def test_the_minutes_path_submit_return_approve_distribute_sign_s_post_1_2_3(
    client, org: Org, recorded
):
    """S-POST-1..3: submit, returned with a comment the recorder reads, approve, distribute, each
    owner signs their own item; someone else cannot."""
    meeting, zhou_item, chen_item = recorded
    page = url(meeting)

    # the recorder writes the summary and submits
    client.force_login(org.zhao)
    with clock.frozen(at(9, 9, 16)):
        response = client.get(page)
        assert forms_of(response) == [url(meeting, "summary"), url(meeting, "submit")]
        response = client.post(url(meeting, "summary"), {"summary": " 确定Q3分工 "})
        assert (response.status_code, response.url) == (302, f"{page}#summary")
        response = client.post(url(meeting, "submit"))
        assert (response.status_code, response.url) == (302, f"{page}#review")
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW
    assert Minutes.objects.get(meeting=meeting).summary == "确定Q3分工"

    # the host returns them; a comment is required
    client.force_login(org.wang)
    response = client.get(page)
    assert forms_of(response) == [
        url(meeting, "approve"),
        url(meeting, "return"),
    ]
    audits = AuditEvent.objects.count()
    response = client.post(url(meeting, "return"), {"comment": "  "})
    assert response.status_code == 422
    assert "What must change Say what must change." in text(response)
    meeting.refresh_from_db()
    assert (meeting.status, AuditEvent.objects.count()) == (Status.IN_REVIEW, audits)
    response = client.post(url(meeting, "return"), {"comment": "请补充销售部意见"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFT

    # the recorder reads the comment, submits again; the host approves
    client.force_login(org.zhao)
    response = client.get(page)
    assert "Returned by the host: 请补充销售部意见" in text(response)
    assert client.post(url(meeting, "submit")).status_code == 302
    client.force_login(org.wang)
    with clock.frozen(at(9, 9, 18)):
        response = client.post(url(meeting, "approve"))
    assert response.status_code == 302
    version = MinutesVersion.objects.get(minutes__meeting=meeting)
    assert (version.number, version.approved_by, version.approved_at) == (1, org.wang, at(9, 9, 18))

    # the recorder distributes
    client.force_login(org.zhao)
    response = client.get(page)
    assert "Returned by the host" not in text(response)
    assert forms_of(response) == [url(meeting, "distribute"), url(meeting, "revise")]
    with clock.frozen(at(9, 9, 19)):
        response = client.post(url(meeting, "distribute"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.DISTRIBUTED

    # each owner signs their own item, and only theirs
    client.force_login(org.zhou)
    with clock.frozen(at(9, 10, 8, 30)):
        response = client.get(page)
        assert forms_of(response) == [url(meeting, "sign", zhou_item.pk)]
        response = client.post(url(meeting, "sign", zhou_item.pk))
        assert (response.status_code, response.url) == (302, f"{page}#signatures")
        response = client.get(page)
    assert "You signed “提交技术方案初稿”." in text(response)
    assert (
        "提交技术方案初稿 周工程师 Signed 2026-09-10 08:30 (version 1) 完成UI设计稿 陈主管 Not signed"
        in text(response)
    )
    assert forms_of(response) == []
    signature = Signature.objects.get()
    assert (signature.action, signature.person, signature.version) == (zhou_item, org.zhou, 1)

    # someone else: no Sign button, and a POST is refused with nothing changed
    client.force_login(org.liu)
    response = client.get(page)
    assert forms_of(response) == []
    audits = AuditEvent.objects.count()
    response = client.post(url(meeting, "sign", chen_item.pk))
    assert response.status_code == 403
    assert "Only the owner signs for an action item." in text(response)
    assert forms_of(response) == []
    assert Signature.objects.count() == 1
    assert AuditEvent.objects.count() == audits


def test_signing_twice_is_refused(client, org: Org, recorded):
    """S-POST-3: one signature per item."""
    meeting, zhou_item, _chen_item = recorded
    approve_and_distribute(org, meeting)
    actions.action_sign(actor=org.zhou, action=zhou_item)
    client.force_login(org.zhou)

    response = client.post(url(meeting, "sign", zhou_item.pk))

    assert response.status_code == 422
    assert "You have already signed this item." in text(response)
    assert Signature.objects.count() == 1


def test_htmx_sign_swaps_the_signature_table(client, org: Org, recorded):
    """S-POST-3: with htmx the signature table comes back signed."""
    meeting, _zhou_item, chen_item = recorded
    approve_and_distribute(org, meeting)
    client.force_login(org.chen)

    with clock.frozen(at(9, 10, 9)):
        response = client.post(url(meeting, "sign", chen_item.pk), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.content.decode().startswith('<section id="signatures"')
    assert text(response).startswith("You signed “完成UI设计稿”. Signatures")
    assert "完成UI设计稿 陈主管 Signed 2026-09-10 09:00 (version 1)" in text(response)


def test_signing_before_approval_shows_no_button_and_is_refused(client, org: Org, recorded):
    """S-POST-3: items are signed once the host approved the minutes."""
    meeting, zhou_item, _chen_item = recorded
    client.force_login(org.zhou)

    page = client.get(url(meeting))
    response = client.post(url(meeting, "sign", zhou_item.pk))

    assert forms_of(page) == []
    assert response.status_code == 422
    assert "Items are signed once the host has approved the minutes." in text(response)
    assert Signature.objects.count() == 0


# -- versions and what changed (S-POST-2) ----------------------------------------------------------


def test_new_version_with_reason_and_what_changed(client, org: Org, recorded):
    """S-POST-2: approved minutes change only as a new version with a reason; the versions list
    says what changed."""
    meeting, _zhou_item, _chen_item = recorded
    approve_and_distribute(org, meeting)
    client.force_login(org.zhao)

    # a reason is required
    refused = client.post(url(meeting, "revise"), {"reason": ""})
    assert refused.status_code == 422
    assert "Say why the approved minutes must change." in text(refused)
    meeting.refresh_from_db()
    assert meeting.status == Status.DISTRIBUTED

    with clock.frozen(at(9, 11, 10)):
        response = client.post(url(meeting, "revise"), {"reason": "补充销售部行动项"})
        assert response.status_code == 302
        # the record is corrected on the run page, then reviewed again
        first = meeting.topics.get(order=1)
        client.post(
            reverse("meetings:run_position", args=[meeting.pk, first.pk, org.sales.pk]),
            position_data(org.sales, "客户反馈需求D紧急，需排期", "3家重点客户提出"),
        )
        client.post(
            reverse("meetings:run_action", args=[meeting.pk]),
            {"task": "整理重点客户需求", "owner": str(org.liu.pk), "due_date": "9月20日前"},
        )
        page = client.get(url(meeting))
        assert "Version 2 is being written because: 补充销售部行动项" in text(page)
        client.post(url(meeting, "submit"))
    client.force_login(org.wang)
    with clock.frozen(at(9, 11, 11)):
        client.post(url(meeting, "approve"))
    client.force_login(org.sun)
    with clock.frozen(at(9, 11, 12)):
        client.post(url(meeting, "distribute"))

    response = client.get(url(meeting))
    assert (
        "Versions Version Approved by Approved at Reason Distributed at What changed "
        "1 王经理 2026-09-09 18:00 — 2026-09-09 19:00 First version "
        "2 王经理 2026-09-11 11:00 补充销售部行动项 2026-09-11 12:00 "
        "Action item added: “整理重点客户需求” — 刘代表, 销售部, due 2026-09-20. "
        "Position of 销售部 on “产品需求优先级确认” changed: “客户反馈需求D紧急，需排期”."
        in text(response)
    )


def steps(response) -> list[tuple[str, str]]:
    """The review steps of the minutes page: (state, text), state "done", "current" or ""."""
    page = response.content.decode()
    match = re.search(r'<section id="review".*?<ol class="steps"[^>]*>(.*?)</ol>', page, re.S)
    items = re.findall(r'<li(?: class="(\w+)")?(?: aria-current="step")?>(.*?)</li>', match[1])
    return [(state, unescape(re.sub(r"<[^>]+>", "", label))) for state, label in items]


def test_each_step_is_done_only_once_it_happened_s_post_1_s_post_2(client, org: Org, recorded):
    """S-POST-1, S-POST-2: written, approved, distributed — each shown done with the moment it
    happened, and the step waiting to happen named as waiting, never as done."""
    meeting, _zhou_item, _chen_item = recorded
    client.force_login(org.zhang)

    assert steps(client.get(url(meeting))) == [
        ("current", "Being written by the recorder"),
        ("", "Review by the host"),
        ("", "Distribution"),
    ]
    with clock.frozen(at(9, 9, 17)):
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    assert steps(client.get(url(meeting))) == [
        ("done", "Written by the recorder 2026-09-09 17:00"),
        ("current", "Waiting for the host's review"),
        ("", "Distribution"),
    ]
    with clock.frozen(at(9, 9, 18)):
        minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    # approved, not distributed: nothing says "Distributed" yet
    assert steps(client.get(url(meeting))) == [
        ("done", "Written by the recorder 2026-09-09 17:00"),
        ("done", "Approved by the host 2026-09-09 18:00"),
        ("current", "Waiting to be distributed"),
    ]
    with clock.frozen(at(9, 9, 19)):
        minutes_services.minutes_distribute(actor=org.sun, meeting=meeting)
    assert steps(client.get(url(meeting))) == [
        ("done", "Written by the recorder 2026-09-09 17:00"),
        ("done", "Approved by the host 2026-09-09 18:00"),
        ("done", "Distributed 2026-09-09 19:00"),
    ]
    # a second version starts its own path: version 1's steps are in the versions table
    with clock.frozen(at(9, 10, 9)):
        minutes_services.minutes_open_revision(actor=org.zhao, meeting=meeting, reason="更正")
    assert steps(client.get(url(meeting))) == [
        ("current", "Being written by the recorder"),
        ("", "Review by the host"),
        ("", "Distribution"),
    ]


def test_what_changed_names_attendance_corrected_in_a_new_version_s_tpl_1(
    client, org: Org, recorded
):
    """S-TPL-1: the minutes list who was present; a version that corrects the attendance says
    who was marked what, as it says any other change of the record."""
    meeting, _zhou_item, _chen_item = recorded
    approve_and_distribute(org, meeting)
    wang_host = meeting.participants.get(person=org.wang)
    liu = meeting.participants.get(person=org.liu)
    zhou = meeting.participants.get(person=org.zhou)
    with clock.frozen(at(9, 10, 9)):
        minutes_services.minutes_open_revision(actor=org.zhao, meeting=meeting, reason="补记出席")
        live.participant_set_attendance(actor=org.zhao, participant=zhou, attendance="absent")
        live.participant_set_attendance(actor=org.zhao, participant=liu, attendance="present")
        live.participant_set_attendance(actor=org.zhao, participant=wang_host, attendance="present")
        minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    with clock.frozen(at(9, 10, 10)):
        minutes_services.minutes_approve(actor=org.wang, meeting=meeting)
    client.force_login(org.zhang)

    response = client.get(url(meeting))

    assert (
        "2 王经理 2026-09-10 10:00 补记出席 — "
        "Attendance of 王经理 (市场部): Invited → Present. "
        "Attendance of 周工程师 (研发部): Invited → Absent. "
        "Attendance of 刘代表 (销售部): Invited → Present." in text(response)
    )


def test_page_and_every_document_show_todays_statuses_and_say_as_of_when(
    client, org: Org, recorded
):
    """The approved minutes are a fixed record, but where an item stands is today's: the page,
    the PDF, the Word and Markdown documents and the Excel plan show the same status, each
    saying when it was read. The version's due date stays, with the re-plan beside it."""
    import io

    import docx
    from openpyxl import load_workbook

    from tests.exports.pdf_reader import pdf_text

    meeting, zhou_item, chen_item = recorded
    approve_and_distribute(org, meeting)
    with clock.frozen(at(9, 10, 9)):
        tracking.action_report_progress(
            actor=org.zhou, action=zhou_item, progress=40, note="进行中"
        )
        tracking.action_replan(
            actor=org.sun, action=chen_item, due="9月25日", reason="设计资源调整"
        )
    client.force_login(org.zhang)

    with clock.frozen(at(9, 10, 10, 30)):
        page = text(client.get(url(meeting)))
        pdf = pdf_text(client.get(url(meeting, "download_pdf")).content)
        markdown = client.get(url(meeting, "download_markdown")).content.decode()
        word = docx.Document(io.BytesIO(client.get(url(meeting, "download_docx")).content))
        sheet = load_workbook(io.BytesIO(client.get(url(meeting, "actions_xlsx")).content)).active

    assert (
        "Action plan Statuses as of 2026-09-10 10:30 "
        "Task Owner Department Due date Required resources Status "
        "提交技术方案初稿 周工程师 研发部 2026-09-15 测试服务器2台 In progress "
        "完成UI设计稿 陈主管 设计部 2026-09-18 re-planned to 2026-09-25 — Open" in page
    )
    pdf = " ".join(pdf.split())  # table cells wrap inside narrow columns
    assert "Action plan Statuses as of 2026-09-10 10:30 # Task" in pdf
    assert (
        "1 提交技术方案初稿 周工程师 研发部 2026-09-15 测试服务器2台 In progress "
        "2 完成UI设计稿 陈主管 设计部 2026-09-18 (re-planned to 2026-09-25) — Open" in pdf
    )
    assert "*Statuses as of 2026-09-10 10:30*" in markdown.split("\n")
    assert (
        "| 1 | 提交技术方案初稿 | 周工程师 | 研发部 | 2026-09-15 | 测试服务器2台 | In progress |"
        in markdown.split("\n")
    )
    assert (
        "| 2 | 完成UI设计稿 | 陈主管 | 设计部 | 2026-09-18 \\(re-planned to 2026-09-25\\) | — | Open |"
        in markdown.split("\n")
    )
    paragraphs = [p.text for p in word.paragraphs]
    assert paragraphs[paragraphs.index("Action plan") + 1] == "Statuses as of 2026-09-10 10:30"
    plan = next(t for t in word.tables if t.rows[0].cells[1].text == "Task")
    assert [[c.text for c in row.cells] for row in plan.rows[1:]] == [
        [
            "1",
            "提交技术方案初稿",
            "周工程师",
            "研发部",
            "2026-09-15",
            "测试服务器2台",
            "In progress",
        ],
        [
            "2",
            "完成UI设计稿",
            "陈主管",
            "设计部",
            "2026-09-18 (re-planned to 2026-09-25)",
            "—",
            "Open",
        ],
    ]
    statuses = {sheet.cell(r, 1).value: sheet.cell(r, 6).value for r in range(2, sheet.max_row + 1)}
    assert statuses == {"提交技术方案初稿": "In progress", "完成UI设计稿": "Open"}
    assert "Statuses as of 2026-09-10 10:30" in [c.value for c in sheet[1]]


# -- who sees what ---------------------------------------------------------------------------------


def test_copied_department_member_reads_but_has_no_buttons_s_post_2(client, org: Org, recorded):
    """S-POST-2: copied departments read the minutes, nothing more."""
    meeting, _zhou_item, _chen_item = recorded
    approve_and_distribute(org, meeting)
    legal = org_services.department_create(actor=org.admin, name="法务部")
    reader = org_services.person_create(
        actor=org.admin, username="wu", name="吴法务", department=legal
    )
    meetings.department_copy(actor=org.sun, meeting=meeting, department=legal)
    client.force_login(reader)

    response = client.get(url(meeting))

    assert response.status_code == 200
    assert "Copied departments 法务部" in text(response)
    assert "Consensus 产品需求优先级确认 : 先开发A，D列入二期" in text(response)
    assert forms_of(response) == []


def _minutes_urls(meeting: Meeting, action_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", url(meeting)),
        *(
            ("post", url(meeting, name))
            for name in ("summary", "submit", "approve", "return", "distribute", "revise")
        ),
        ("post", url(meeting, "sign", action_pk)),
    ]


def test_outsider_gets_404_on_every_minutes_url(client, org: Org, recorded):
    """Visibility: a meeting one may not see does not exist, on every minutes URL."""
    meeting, zhou_item, _chen_item = recorded
    client.force_login(org.outsider)
    audits = AuditEvent.objects.count()

    for method, address in _minutes_urls(meeting, zhou_item.pk):
        response = getattr(client, method)(address, {"comment": "x", "reason": "x"})
        assert response.status_code == 404, address
    assert AuditEvent.objects.count() == audits


def test_wrong_ids_are_404(client, org: Org, recorded):
    """S-POST-3: another meeting's item, an unknown meeting: 404, nothing signed."""
    meeting, _zhou_item, _chen_item = recorded
    other = _bigger_meeting(org).actions.first()  # zhou's item of another meeting
    client.force_login(org.zhou)

    assert client.post(url(meeting, "sign", other.pk)).status_code == 404
    assert client.get(reverse("minutes:detail", args=[999999])).status_code == 404
    assert Signature.objects.count() == 0


def test_forbidden_review_is_403_with_the_message(client, org: Org, recorded):
    """S-POST-2: only the host reviews; 403 with the message and the comment kept."""
    meeting, _zhou_item, _chen_item = recorded
    minutes_services.minutes_submit(actor=org.zhao, meeting=meeting)
    client.force_login(org.zhao)

    response = client.post(url(meeting, "return"), {"comment": "我自己退回"})

    assert response.status_code == 403
    assert "Only the host reviews the minutes." in text(response)
    assert ">\n我自己退回</textarea>" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Status.IN_REVIEW


# -- query counts ----------------------------------------------------------------------------------

# session, person, the bell, the meeting with its record (participants, copies, topics, positions, action
# items, objections with who raised and who typed them in one query, the versions) and the
# version history.
MINUTES_PAGE_QUERIES = 12


def test_minutes_page_query_count_is_pinned_and_constant(
    client, org: Org, recorded, django_assert_num_queries
):
    """S-TPL-*: the minutes page runs a fixed number of queries, however big the record."""
    meeting, _zhou_item, _chen_item = recorded
    approve_and_distribute(org, meeting)
    bigger = _bigger_meeting(org)
    with clock.frozen(at(9, 9, 16)):
        live.objection_resolve(
            actor=org.wang,
            objection=bigger.objections.filter(resolved_at=None).get(),
            resolution="好",
        )
        from tests.conftest import close_topics

        close_topics(org, bigger)
        live.meeting_end(actor=org.wang, meeting=bigger)
    approve_and_distribute(org, bigger)
    client.force_login(org.zhou)  # an owner, with Sign buttons

    for target in (meeting, bigger):
        with django_assert_num_queries(MINUTES_PAGE_QUERIES):
            assert client.get(url(target)).status_code == 200


# As MINUTES_PAGE_QUERIES: the correction links cost no query.
MINUTES_PAGE_QUERIES_WRITING = 12


def test_recorder_reaches_corrections_of_action_items_from_the_minutes_page(
    client, org: Org, recorded, django_assert_num_queries
):
    """S-POST-1: while the minutes are written, each item of the recorder's action plan links to
    its correction on the run page; a participant reads the plan without them. The page's
    queries stay pinned however many items."""
    meeting, zhou_item, chen_item = recorded
    bigger = _bigger_meeting(org)
    with clock.frozen(at(9, 9, 16)):
        live.objection_resolve(
            actor=org.wang,
            objection=bigger.objections.filter(resolved_at=None).get(),
            resolution="好",
        )
        from tests.conftest import close_topics

        close_topics(org, bigger)
        live.meeting_end(actor=org.wang, meeting=bigger)
    client.force_login(org.zhao)

    for target in (meeting, bigger):
        with django_assert_num_queries(MINUTES_PAGE_QUERIES_WRITING):
            response = client.get(url(target))
        assert response.status_code == 200
    response = client.get(url(meeting))
    client.force_login(org.zhang)
    participant = client.get(url(meeting))

    html = response.content.decode()
    for item in (zhou_item, chen_item):
        for name in ("run_action_edit", "run_action_remove"):
            address = reverse(f"meetings:{name}", args=[meeting.pk, item.pk])
            assert f'<a href="{address}?from=minutes"' in html
    assert (
        "Action plan Statuses as of 2026-09-07 09:00 "
        "Task Owner Department Due date Required resources Status Correction "
        "提交技术方案初稿 周工程师 研发部 2026-09-15 测试服务器2台 Open Edit Remove"
        in text(response)
    )
    assert "Correction" not in text(participant)
    assert "/run/actions/" not in participant.content.decode()
