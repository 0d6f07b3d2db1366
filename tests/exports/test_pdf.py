"""The minutes as PDF (S-TPL-1..3): read back with poppler-utils — the Chinese text in the
template's order, an embedded CJK font, ink where the title is drawn — in both languages."""

import datetime as dt
import re

import pytest
from exports.pdf_reader import dark_pixels, page_image, pdf_fonts, pdf_text, text_box

from accord.exports.pdf import minutes_pdf
from accord.meetings.models import Meeting
from accord.meetings.selectors import meeting_with_record
from accord.minutes.selectors import minutes_record
from accord.ops.demo import MEETING_TITLE, demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> dict:
    demo_load(admin_password="demo-password")
    meeting = Meeting.objects.get(title=MEETING_TITLE)
    return minutes_record(meeting=meeting_with_record(pk=meeting.pk))


def flat(text: str) -> str:
    """pdftotext wraps table cells over lines: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for needle in expected:
        found = flat(text).find(flat(needle), position)
        assert found >= 0, f"{needle!r} is missing after position {position}"
        position = found + len(flat(needle))


def test_the_demo_minutes_read_back_in_the_template_order_in_chinese(record):
    pdf = minutes_pdf(record, language="zh-hans")
    text = pdf_text(pdf)
    # When it was held; the plan follows it when it differs.
    starts = dt.datetime.fromisoformat(record["meeting"]["started_at"])
    ends = dt.datetime.fromisoformat(record["meeting"]["ended_at"])

    assert pdf.startswith(b"%PDF-")
    assert_in_order(
        text,
        [
            "会议纪要及行动计划：Q3产品上线跨部门协作启动会",
            "会议基本信息",
            "会议名称",
            "Q3产品上线跨部门协作启动会",
            f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}",
            "3号会议室",
            "腾讯会议 618-2023-815",
            "王经理（经理）",
            "赵专员（专员）",
            "市场部：经理、专员",
            "销售部：代表",
            "会议议题及讨论情况",
            "1. 产品需求优先级确认",
            "市场部",
            "根据用户调研，核心需求为A、B、C，建议优先开发A。",
            "用户需求占比60%",
            "销售部",
            "客户反馈D需求紧急，建议提前排期。",
            "3个大客户已提出",
            "优先开发A；D需求纳入第二迭代，由研发部评估工作量。",
            "2. 责任部门划分",
            "3. 时间节点确认",
            "达成共识",
            "行动计划",
            "任务",
            "负责人",
            "部门",
            "完成时间",
            "所需资源",
            "状态",
        ],
    )
    plan = text[text.index("行动计划\n#") :]
    assert len(record["actions"]) == 4
    for action in record["actions"]:
        assert_in_order(plan, [action["task"], action["owner"], action["due_date"]])
    assert_in_order(
        text,
        [
            "异议及处理结果",
            "刘代表：D需求放到第二迭代太晚，客户可能流失。",
            "研发部一周内评估D的工作量，下次会议再议排期。",
            "签字确认",
            "制定Q3上线推广计划",
            "未签字确认",
        ],
    )


def test_every_page_has_the_meeting_name_and_its_number(record):
    pages = pdf_text(minutes_pdf(record, language="zh-hans")).split("\f")[:-1]

    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert page.count("Q3产品上线跨部门协作启动会") >= 1
        assert f"第 {number} 页，共 2 页" in page


def test_the_chinese_is_drawn_with_an_embedded_cjk_font_not_tofu(record):
    """Text that pdftotext extracts can still be drawn as empty boxes: the glyphs must come
    from the embedded Noto CJK font, and the title's place on page 1 must carry ink."""
    pdf = minutes_pdf(record, language="zh-hans")

    fonts = pdf_fonts(pdf)
    assert fonts, "no font in the PDF"
    assert all(font["embedded"] == "yes" for font in fonts), fonts
    assert any("Noto-Sans-CJK-SC" in font["name"] for font in fonts), fonts

    box = text_box(pdf, "会议纪要及行动计划")
    assert box.page == 1
    dark, total = dark_pixels(page_image(pdf, page=1, dpi=50), box, dpi=50)
    assert total > 100
    assert dark / total > 0.08, f"only {dark} of {total} pixels are dark where the title is"
    # the same measure on the blank margin beside it finds nothing: the check can fail
    blank = type(box)(1, 2, box.y_min, 30, box.y_max)
    assert dark_pixels(page_image(pdf, page=1, dpi=50), blank, dpi=50)[0] == 0


def test_labels_follow_the_requested_language(record):
    text = pdf_text(minutes_pdf(record, language="en"))

    assert_in_order(
        text,
        [
            "Minutes and action plan: Q3产品上线跨部门协作启动会",
            "Basic information",
            "Topics and discussion",
            "根据用户调研，核心需求为A、B、C，建议优先开发A。",
            "Action plan",
            "完成需求A的技术方案初稿",
            "Done",
            "Signatures",
            "Not signed",
            "Page 2 of 2",
        ],
    )
    assert "会议基本信息" not in text


def test_text_with_markup_and_quotes_is_printed_as_text(record):
    record["meeting"]["title"] = 'A "quoted" </style><b>title</b> \\ 会'
    record["actions"][0]["task"] = "<script>x</script> & 任务"

    text = pdf_text(minutes_pdf(record, language="zh-hans"))

    assert (
        text.count('A "quoted" </style><b>title</b> \\ 会') == 4
    )  # heading, name, header of both pages
    assert flat("<script>x</script> & 任务") in flat(text)
