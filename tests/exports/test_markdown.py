"""The minutes as Markdown: exact lines."""

import re

import pytest

from accord.exports.company_templates import SAMPLE_RECORD
from accord.exports.markdown import cell, escape, minutes_markdown


def test_markdown_exact_lines():
    record = {**SAMPLE_RECORD, "actions": [{**SAMPLE_RECORD["actions"][0], "task": "A|B\nC"}]}

    text = minutes_markdown(record, language="en")

    lines = text.split("\n")
    assert lines[:4] == ["# Q3产品上线跨部门协作启动会", "", "*Minutes and action plan*", ""]
    for line in [
        "## Basic information",
        "| Item | Details |",
        "| Time | 2026-08-28 14:00–15:28 \\(planned 14:00–15:30\\) |",
        "| Place | 3号会议室 |",
        "| Online meeting | 腾讯会议 618-2023-815 https://meeting.example.com/618 |",
        "| Host | 王经理（经理） |",
        "| Departments and people present | 市场部：经理、专员<br>研发部：主管、工程师 |",
        "| Copied departments | 财务部 |",
        "### Topic 1：产品需求优先级确认",
        "| 市场部 | 核心需求为A、B、C，建议优先开发A。 | 用户需求占比60% |",
        "Time: planned 30 min · actual 35 min",
        "**Notes：** A & B &lt; C",
        "**Outcome：** Consensus: 优先开发A。",
        "1. **产品需求优先级确认：** 优先开发A。",
        "| No. | Task | Owner | Department | Due date | Required resources | Status |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| 1 | A\\|B<br>C | 周工程师 | 研发部 | 2026-09-04 | 两名后端工程师 | Open |",
        "| D需求放到第二迭代太晚。 | 刘代表 | 下次会议再议。 |",
        "| 周工程师 | 完成需求A的技术方案初稿 | 2026-08-29 15:28 |",
    ]:
        assert line in lines, line
    assert text.endswith("|\n")


def test_markdown_in_chinese_and_empty_sections():
    record = {**SAMPLE_RECORD, "objections": [], "consensus": []}

    lines = minutes_markdown(record, language="zh-hans").split("\n")

    assert "## 行动计划" in lines
    assert "| 序号 | 任务 | 负责人 | 部门 | 完成时间 | 所需资源 | 状态 |" in lines
    assert lines.count("无记录。") == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a|b", "a\\|b"),
        ("a\\b", "a\\\\b"),
        ("x\r\ny", "x<br>y"),
        (None, ""),
        (1, "1"),
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("- a", "\\- a"),
    ],
)
def test_cells_are_escaped(value, expected):
    assert cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A & B", "A & B"),
        ("&lt; &#60; &#x3c;", "&amp;lt; &amp;#60; &amp;#x3c;"),
        ("*a* _b_ `c` ~~d~~", "\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~"),
        ("[x](javascript:alert(1))", "\\[x\\]\\(javascript:alert\\(1\\)\\)"),
        ("# h", "\\# h"),
        ("  ## h", "\\## h"),
        ("+ a", "\\+ a"),
        ("===", "\\==="),
        ("1. a", "1\\. a"),
        ("2026. a", "2026\\. a"),
        ("3.5 days", "3.5 days"),
        ("1) a", "1\\) a"),
        ("> q", "&gt; q"),
        ("issue #", "issue \\#"),
        ("#3 of 5", "\\#3 of 5"),
        ("a\n\n---\n```", "a<br><br>\\---<br>\\`\\`\\`"),
        ("www.example.com 9.5", "www.example.com 9.5"),
        ("优先开发A。", "优先开发A。"),
    ],
)
def test_text_is_escaped_only_where_markdown_would_read_it(value, expected):
    assert escape(value) == expected


def test_markdown_has_no_empty_row_or_cell():
    """A value the record does not hold leaves no empty row: the row is left out (goal, online
    meeting, copied departments), or says "—" (a cell of a table, a place never given); a
    section without entries says so instead of a header without rows."""
    meeting = {
        **SAMPLE_RECORD["meeting"],
        "goal": "",
        "location": "",
        "online_link": "",
        "online_meeting_number": "",
        "copied_departments": [],
        "recorder": None,
    }
    topic = {
        **SAMPLE_RECORD["topics"][0],
        "notes": "",
        "positions": [{"department": "市场部", "statement": "优先开发A", "evidence": ""}],
    }
    record = {
        **SAMPLE_RECORD,
        "meeting": meeting,
        "topics": [topic],
        "actions": [],
        "objections": [{"text": "D太晚", "raised_by": "刘代表", "resolution": ""}],
        "signatures": [],
        "summary": "",
    }

    lines = minutes_markdown(record, language="en").split("\n")

    table = lines.index("| Item | Details |")
    basic = lines[table + 2 : lines.index("", table)]
    assert [row.split(" | ")[0] for row in basic] == [
        "| Meeting name",
        "| Time",
        "| Place",
        "| Host",
        "| Recorder",
        "| Departments and people present",
    ]
    assert "| Place | — |" in basic
    assert "| Recorder | — |" in basic
    assert "| 市场部 | 优先开发A | — |" in lines
    assert "| D太晚 | 刘代表 | — |" in lines
    for heading in ("## Action plan", "## Signatures"):
        assert lines[lines.index(heading) : lines.index(heading) + 3] == [
            heading,
            "",
            "None recorded.",
        ]
    assert [line for line in lines if re.search(r"\|\s*\|", line)] == []  # no empty cell


def test_markdown_shows_todays_status_and_the_replan_beside_the_approved_plan():
    """``minutes_document_record`` puts today's status on the approved items and says when;
    an item re-planned since keeps the approved date with the new one beside it, and one
    removed since says so."""
    first = {**SAMPLE_RECORD["actions"][0], "status": "in_progress", "replanned_to": "2026-09-11"}
    second = {**SAMPLE_RECORD["actions"][0], "id": 7, "task": "预算复核", "removed": True}
    record = {
        **SAMPLE_RECORD,
        "actions": [first, second],
        "statuses_as_of": "2026-09-10T10:30:00+08:00",
    }

    lines = minutes_markdown(record, language="en").split("\n")

    start = lines.index("## Action plan")
    assert lines[start : start + 8] == [
        "## Action plan",
        "",
        "*Statuses as of 2026-09-10 10:30*",
        "",
        "| No. | Task | Owner | Department | Due date | Required resources | Status |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| 1 | 完成需求A的技术方案初稿 | 周工程师 | 研发部 | "
        "2026-09-04 \\(re-planned to 2026-09-11\\) | 两名后端工程师 | In progress |",
        "| 2 | 预算复核 | 周工程师 | 研发部 | 2026-09-04 | 两名后端工程师 | Removed since |",
    ]
