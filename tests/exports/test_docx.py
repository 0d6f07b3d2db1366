"""The minutes as DOCX, read back with python-docx."""

import io
import json

import docx
import pytest
from django.core.management import call_command
from docx.enum.section import WD_ORIENT
from docx.shared import Inches

from accord.exports.docx import (
    CJK_FONT,
    TemplateError,
    minutes_docx,
    minutes_docx_from_template,
)
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_document_record
from accord.ops.demo import MEETING_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> dict:
    call_command("demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    # A frozen version's record is JSON: render what comes out of the database.
    return json.loads(
        json.dumps(minutes_document_record(meeting=meeting_with_record(pk=meeting.pk)))
    )


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_has_every_table_with_its_header_and_the_whole_action_plan(record):
    # when
    document = docx.Document(io.BytesIO(minutes_docx(record, language="en")))

    # then
    tables = document.tables
    assert [_rows(t)[0] for t in tables] == [
        ["Item", "Details"],
        ["Department", "Position", "Evidence"],
        ["Department", "Position", "Evidence"],
        ["No.", "Task", "Owner", "Department", "Due date", "Required resources", "Status"],
        ["Objection", "Raised by", "Resolution"],
        ["Owner", "Task", "Signed at"],
    ]
    for table in tables:  # the header row repeats on every page
        assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    basic = dict(_rows(tables[0])[1:])
    assert basic["Meeting name"] == "Q3产品上线跨部门协作启动会"
    assert basic["Time"] == "2026-08-28 14:00–15:28 (planned 14:00–15:30)"
    assert basic["Place"] == "3号会议室"
    assert basic["Online meeting"] == "腾讯会议 618-2023-815"
    assert basic["Host"] == "王经理（经理）"
    assert basic["Recorder"] == "赵专员（专员）"
    assert basic["Departments and people present"].split("\n")[0] == "市场部：经理、专员"
    assert _rows(tables[1])[1] == [
        "市场部",
        "根据用户调研，核心需求为A、B、C，建议优先开发A。",
        "用户需求占比60%",
    ]
    assert _rows(tables[3])[1:] == [
        [
            "1",
            "完成需求A的技术方案初稿",
            "周工程师",
            "研发部",
            "2026-09-04",
            "需求文档、两名后端工程师",
            "Done",  # today's status: the demo's owner has delivered it since
        ],
        ["2", "完成需求A的界面设计稿", "陈主管", "设计部", "2026-09-02", "一名外包设计师", "Open"],
        [
            "3",
            "制定Q3上线推广计划",
            "张专员",
            "市场部",
            "2026-09-17",
            "市场预算5万元",
            "In progress",  # today's status
        ],
        ["4", "整理3个大客户对需求D的具体反馈", "刘代表", "销售部", "2026-09-10", "—", "Open"],
    ]
    assert _rows(tables[4])[1] == [
        "D需求放到第二迭代太晚，客户可能流失。",
        "刘代表",
        "研发部一周内评估D的工作量，下次会议再议排期。",
    ]
    assert _rows(tables[5])[1:] == [
        ["周工程师", "完成需求A的技术方案初稿", "2026-08-29 15:28"],
        ["陈主管", "完成需求A的界面设计稿", "2026-08-29 15:28"],
        ["张专员", "制定Q3上线推广计划", "Not signed"],
        ["刘代表", "整理3个大客户对需求D的具体反馈", "2026-08-29 15:28"],
    ]
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Q3产品上线跨部门协作启动会"
    assert "Topic 1：产品需求优先级确认" in paragraphs
    assert "产品需求优先级确认：优先开发A；D需求纳入第二迭代，由研发部评估工作量。" in paragraphs
    assert "Outcome：Consensus: 优先开发A；D需求纳入第二迭代，由研发部评估工作量。" in paragraphs


def test_docx_header_names_the_meeting_and_footer_numbers_pages(record):
    document = docx.Document(io.BytesIO(minutes_docx(record, language="en")))

    section = document.sections[0]
    assert (
        section.header.paragraphs[0].text == "Q3产品上线跨部门协作启动会 · Minutes and action plan"
    )
    instructions = [
        node.text.strip() for node in section.footer._element.iter(docx.oxml.ns.qn("w:instrText"))
    ]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_docx_sets_an_east_asian_font(record):
    document = docx.Document(io.BytesIO(minutes_docx(record, language="zh-hans")))

    fonts = document.styles["Normal"].element.rPr.find(docx.oxml.ns.qn("w:rFonts"))
    assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == CJK_FONT
    assert document.tables[3].rows[0].cells[1].text == "任务"


def test_docx_is_a4_with_chinese_default_margins(record):
    """Chinese offices print on A4; python-docx's blank document is US Letter."""
    section = docx.Document(io.BytesIO(minutes_docx(record, language="zh-hans"))).sections[0]

    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # 210 × 297 mm
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert [round(m.cm, 2) for m in (section.top_margin, section.bottom_margin)] == [2.54, 2.54]
    assert [round(m.cm, 2) for m in (section.left_margin, section.right_margin)] == [3.17, 3.17]


def test_company_template_keeps_its_own_page_size(record):
    """A company's template is its official format: a Letter landscape template stays so."""
    template = docx.Document()
    section = template.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Inches(11), Inches(8.5)
    template.add_paragraph("纪要：{{ title }}")
    out = io.BytesIO()
    template.save(out)

    filled = docx.Document(
        io.BytesIO(minutes_docx_from_template(record, language="en", template=out.getvalue()))
    ).sections[0]

    assert (filled.page_width, filled.page_height) == (Inches(11), Inches(8.5))
    assert filled.orientation == WD_ORIENT.LANDSCAPE


def test_docx_action_plan_says_as_of_when_its_statuses_are(record):
    record = {
        **record,
        "statuses_as_of": "2026-09-10T10:30:00+08:00",
        "actions": [{**record["actions"][0], "status": "done"}],
    }

    document = docx.Document(io.BytesIO(minutes_docx(record, language="en")))

    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[paragraphs.index("Action plan") + 1] == "Statuses as of 2026-09-10 10:30"
    assert _rows(document.tables[3])[1][6] == "Done"


def _template(*paragraphs: str, table_rows: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_company_template_is_filled(record):
    template = _template(
        "纪要：{{ title }}",
        "主持：{{ host }}；时间：{{ time }}",
        table_rows=[
            ["{%tr for a in actions %}", ""],
            ["{{ a.task }}", "{{ a.owner }} {{ a.due_date }} {{ a.status }}"],
            ["{%tr endfor %}", ""],
        ],
    )

    document = docx.Document(
        io.BytesIO(minutes_docx_from_template(record, language="en", template=template))
    )

    assert [p.text for p in document.paragraphs][:2] == [
        "纪要：Q3产品上线跨部门协作启动会",
        "主持：王经理（经理）；时间：2026-08-28 14:00–15:28 (planned 14:00–15:30)",
    ]
    assert _rows(document.tables[0]) == [
        ["完成需求A的技术方案初稿", "周工程师 2026-09-04 Done"],
        ["完成需求A的界面设计稿", "陈主管 2026-09-02 Open"],
        ["制定Q3上线推广计划", "张专员 2026-09-17 In progress"],
        ["整理3个大客户对需求D的具体反馈", "刘代表 2026-09-10 Open"],
    ]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"not a zip", "not_docx"),
        (_template("{{ title "), "syntax"),
        (_template("{{ meeting.titel }}"), "unknown"),
        (_template("{{ 'A' * 200000000 }}"), "text_too_long"),
        (
            _template("{% for i in range(100000) %}{{ title * 10 }}{% endfor %}"),
            "document_too_long",
        ),
    ],
)
def test_company_template_refusals(record, content, kind):
    with pytest.raises(TemplateError) as caught:
        minutes_docx_from_template(record, language="en", template=content)
    assert caught.value.kind == kind
