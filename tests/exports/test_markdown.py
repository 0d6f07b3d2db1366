"""The minutes as Markdown: exact lines."""

import pytest

from accord.exports.markdown import cell, escape, minutes_markdown
from accord.minutes.company_templates import SAMPLE_RECORD


def test_markdown_exact_lines():
    record = {**SAMPLE_RECORD, "actions": [{**SAMPLE_RECORD["actions"][0], "task": "A|B\nC"}]}

    text = minutes_markdown(record, language="en")

    lines = text.split("\n")
    assert lines[:4] == ["# Q3产品上线跨部门协作启动会", "", "*Minutes and action plan*", ""]
    for line in [
        "## Basic information",
        "| Item | Details |",
        "| Time | 2026-08-28 14:00–15:28 |",
        "| Place | 3号会议室 |",
        "| Online meeting | 腾讯会议 618-2023-815 https://meeting.example.com/618 |",
        "| Host | 王经理（经理） |",
        "| Departments and people present | 市场部：经理、专员<br>研发部：主管、工程师 |",
        "| Copied departments | 财务部 |",
        "### Topic 1：产品需求优先级确认",
        "| 市场部 | 核心需求为A、B、C，建议优先开发A。 | 用户需求占比60% |",
        "**Notes：** A & B &lt; C",
        "**Outcome：** Consensus：优先开发A。",
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
