"""The quick-capture parser (``accord.live.capture``): each marked line of typed notes or a
transcript becomes exactly one proposal with its kind, text, owner, department, due date,
resources and problems (S-MEET-3, S-MEET-4: "尽快" is refused with the due-date rule's own
reason, S-MEET-5). Pure: unsaved people and departments, no database."""

import datetime as dt

import pytest

from accord.live.capture import Kind, line_key, lines_of, propose
from accord.org.models import Department, Person

MEETING_DAY = dt.date(2026, 9, 9)  # a Wednesday
DEPARTMENTS = {
    name: Department(pk=pk, name=name)
    for pk, name in enumerate(["市场部", "研发部", "设计部", "销售部", "行政部"], start=1)
}
PEOPLE = [
    Person(pk=pk, username=username, name=name, department=DEPARTMENTS[department])
    for pk, (username, name, department) in enumerate(
        [
            ("wang", "王经理", "市场部"),
            ("zhang", "张专员", "市场部"),
            ("li", "李主管", "研发部"),
            ("zhou", "周工程师", "研发部"),
            ("chen", "陈主管", "设计部"),
            ("liu", "刘代表", "销售部"),
            ("zhao", "赵专员", "行政部"),
        ],
        start=1,
    )
]


def read(text: str):
    return propose(
        text, people=PEOPLE, departments=list(DEPARTMENTS.values()), reference=MEETING_DAY
    )


def summary(proposal) -> tuple:
    """(kind, text, owner or raiser, department, due date, resources, problem codes)."""
    who = proposal.owner or proposal.raised_by
    return (
        proposal.kind.value,
        proposal.text,
        who.username if who else None,
        proposal.department.name if proposal.department else None,
        proposal.due_date.isoformat() if proposal.due_date else None,
        proposal.resources,
        proposal.problem_codes,
    )


C, N, R, A, OBJ = "consensus", "next_meeting", "research", "action", "objection"

# line, (kind, text, owner/raiser, department, due, resources, problems)
TABLE = [
    # -- consensus
    (
        "【共识】优先开发A；D需求由销售部整理客户清单后评估",
        (C, "优先开发A；D需求由销售部整理客户清单后评估", None, None, None, "", ()),
    ),
    ("[共识] 设计部负责交互", (C, "设计部负责交互", None, None, None, "", ())),
    ("共识：市场部牵头上线", (C, "市场部牵头上线", None, None, None, "", ())),
    ("共识:研发部开发A", (C, "研发部开发A", None, None, None, "", ())),
    ("- 【共识】销售部对接大客户", (C, "销售部对接大客户", None, None, None, "", ())),
    ("1. 【共识】先做A", (C, "先做A", None, None, None, "", ())),
    ("• 共识：先做A再做D", (C, "先做A再做D", None, None, None, "", ())),
    ("（2）共识：上线日期另议", (C, "上线日期另议", None, None, None, "", ())),
    ("二、【共识】预算不变", (C, "预算不变", None, None, None, "", ())),
    ("AGREED: ship A first", (C, "ship A first", None, None, None, "", ())),
    ("Agreed: A before D", (C, "A before D", None, None, None, "", ())),
    (
        "CONSENSUS: marketing leads the launch",
        (C, "marketing leads the launch", None, None, None, "", ()),
    ),
    ("[AGREED] design owns the flows", (C, "design owns the flows", None, None, None, "", ())),
    ("【共识】", (C, "", None, None, None, "", ("empty_text",))),
    ("【 共识 】 先做A", (C, "先做A", None, None, None, "", ())),
    ("［共识］全角括号", (C, "全角括号", None, None, None, "", ())),
    # -- action items
    (
        "【待办】@李主管 完成A需求技术方案初稿 9月15日前 资源：研发工程师3名、测试环境",
        (A, "完成A需求技术方案初稿", "li", None, "2026-09-15", "研发工程师3名、测试环境", ()),
    ),
    (
        "【待办】@张专员 整理客户反馈 9月15日前 资源：市场预算",
        (A, "整理客户反馈", "zhang", None, "2026-09-15", "市场预算", ()),
    ),
    (
        "【待办】@张专员 整理客户反馈 尽快",
        (A, "整理客户反馈", "zhang", None, None, "", ("vague_date",)),
    ),
    (
        "【待办】@张专员 整理客户反馈 尽快完成",
        (A, "整理客户反馈", "zhang", None, None, "", ("vague_date",)),
    ),
    (
        "【待办】@张专员 尽快整理客户反馈",
        (A, "尽快整理客户反馈", "zhang", None, None, "", ("vague_date",)),
    ),
    (
        "【待办】@张专员 整理客户反馈 待定",
        (A, "整理客户反馈", "zhang", None, None, "", ("vague_date",)),
    ),
    (
        "【待办】@张专员 整理客户反馈",
        (A, "整理客户反馈", "zhang", None, None, "", ("missing_date",)),
    ),
    (
        "【待办】@张专员整理客户反馈9月15日前",
        (A, "整理客户反馈", "zhang", None, "2026-09-15", "", ()),
    ),
    (
        "【待办】@zhang 整理客户反馈 下周五",
        (A, "整理客户反馈", "zhang", None, "2026-09-18", "", ()),
    ),
    (
        "【待办】@zhangzhuanyuan 整理客户反馈 周五",
        (A, "整理客户反馈", "zhang", None, "2026-09-11", "", ()),
    ),
    ("【待办】@周 写测试用例 月底前", (A, "写测试用例", "zhou", None, "2026-09-30", "", ())),
    (
        "【待办】@zzy 整理客户反馈 明天",
        (A, "整理客户反馈", None, None, "2026-09-10", "", ("ambiguous_name",)),
    ),
    ("【待办】@王五 做点事 明天", (A, "做点事", None, None, "2026-09-10", "", ("unknown_name",))),
    (
        "【待办】整理客户反馈 明天",
        (A, "整理客户反馈", None, None, "2026-09-10", "", ("missing_owner",)),
    ),
    (
        "【待办】@陈主管 输出A功能交互设计稿 2026-09-20 资源：设计师1名",
        (A, "输出A功能交互设计稿", "chen", None, "2026-09-20", "设计师1名", ()),
    ),
    (
        "【待办】@刘代表 整理3个大客户的D需求清单 9月18日前",
        (A, "整理3个大客户的D需求清单", "liu", None, "2026-09-18", "", ()),
    ),
    ("【待办】@刘代表 整理客户清单 三天内", (A, "整理客户清单", "liu", None, "2026-09-12", "", ())),
    (
        "【待办】@刘代表 整理客户清单 2026-09-01",
        (A, "整理客户清单", "liu", None, None, "", ("past_date",)),
    ),
    (
        "【待办】@刘代表 整理客户清单 9月1日前",
        (A, "整理客户清单", "liu", None, "2027-09-01", "", ()),
    ),
    (
        "【待办】@刘代表 整理客户清单 资源：销售助理 9月18日前",
        (A, "整理客户清单", "liu", None, "2026-09-18", "销售助理", ()),
    ),
    (
        "待办：@周工程师 搭建测试环境 本周五",
        (A, "搭建测试环境", "zhou", None, "2026-09-11", "", ()),
    ),
    (
        "待办事项：@周工程师 搭建测试环境 9月20日",
        (A, "搭建测试环境", "zhou", None, "2026-09-20", "", ()),
    ),
    ("行动项：@李主管 评审方案 后天", (A, "评审方案", "li", None, "2026-09-11", "", ())),
    (
        "1. 待办：@周工程师整理测试用例 下周五",
        (A, "整理测试用例", "zhou", None, "2026-09-18", "", ()),
    ),
    ("＠张专员 不是标记的一行", None),
    (
        "ACTION: @zhang call the client by Sept 15",
        (A, "call the client", "zhang", None, "2026-09-15", "", ()),
    ),
    (
        "ACTION: @zhang call the client ASAP",
        (A, "call the client", "zhang", None, None, "", ("vague_date",)),
    ),
    (
        "Action item: @zhou fix the login bug within 3 days",
        (A, "fix the login bug", "zhou", None, "2026-09-12", "", ()),
    ),
    (
        "TODO: @li review spec by end of month resources: 2 testers",
        (A, "review spec", "li", None, "2026-09-30", "2 testers", ()),
    ),
    ("todo: @chen draft flows next Friday", (A, "draft flows", "chen", None, "2026-09-18", "", ())),
    (
        "[ACTION] @liu send the list on 2026-09-18",
        (A, "send the list", "liu", None, "2026-09-18", "", ()),
    ),
    (
        "ACTION: @nobody do it tomorrow",
        (A, "do it", None, None, "2026-09-10", "", ("unknown_name",)),
    ),
    ("ACTION: @li ship it TBD", (A, "ship it", "li", None, None, "", ("vague_date",))),
    # -- objections
    ("【异议】销售部：D需求也很紧急", (OBJ, "D需求也很紧急", None, "销售部", None, "", ())),
    ("【异议】销售：D需求也很紧急", (OBJ, "D需求也很紧急", None, "销售部", None, "", ())),
    ("【异议】xiaoshoubu: D is urgent", (OBJ, "D is urgent", None, "销售部", None, "", ())),
    ("【异议】刘代表：D需求也很紧急", (OBJ, "D需求也很紧急", "liu", None, None, "", ())),
    ("【异议】@刘代表 D需求也很紧急", (OBJ, "D需求也很紧急", "liu", None, None, "", ())),
    ("异议：设计部：交互时间太紧", (OBJ, "交互时间太紧", None, "设计部", None, "", ())),
    ("【异议】财务部：预算不够", (OBJ, "预算不够", None, None, None, "", ("unknown_department",))),
    ("【异议】D需求也很紧急", (OBJ, "D需求也很紧急", None, None, None, "", ("missing_raiser",))),
    ("OBJECTION: @liu D is urgent too", (OBJ, "D is urgent too", "liu", None, None, "", ())),
    ("Objection: xiaoshou: D is urgent", (OBJ, "D is urgent", None, "销售部", None, "", ())),
    # -- next meeting
    (
        "【下次再议】技术方案初稿完成后再定上线日期 9月16日",
        (N, "技术方案初稿完成后再定上线日期", None, None, "2026-09-16", "", ()),
    ),
    ("【下次再议】上线日期", (N, "上线日期", None, None, None, "", ("missing_date",))),
    ("【下次讨论】定价 下周三", (N, "定价", None, None, "2026-09-16", "", ())),
    ("【再议】定价 尽快", (N, "定价", None, None, None, "", ("vague_date",))),
    ("下次再议：上线日期 9月23日", (N, "上线日期", None, None, "2026-09-23", "", ())),
    (
        "NEXT MEETING: revisit pricing on Sept 16",
        (N, "revisit pricing", None, None, "2026-09-16", "", ()),
    ),
    ("next meeting: launch date", (N, "launch date", None, None, None, "", ("missing_date",))),
    # -- research
    (
        "【调研】研发部 评估D需求 @周工程师 9月20日前",
        (R, "评估D需求", "zhou", "研发部", "2026-09-20", "", ()),
    ),
    (
        "【调研】研发部评估D需求 @李主管 两周内",
        (R, "评估D需求", "li", "研发部", "2026-09-23", "", ()),
    ),
    (
        "【调研】销售部 大客户D需求 @刘代表",
        (R, "大客户D需求", "liu", "销售部", None, "", ("missing_date",)),
    ),
    (
        "【调研】财务部 成本 @刘代表 月底前",
        (R, "成本", "liu", None, "2026-09-30", "", ("unknown_department",)),
    ),
    (
        "【调研】评估成本 @刘代表 月底前",
        (R, "评估成本", "liu", None, "2026-09-30", "", ("missing_department",)),
    ),
    (
        "【调研】研发部 评估D需求 9月20日前",
        (R, "评估D需求", None, "研发部", "2026-09-20", "", ("missing_owner",)),
    ),
    (
        "调研：设计部 交互方案 @陈主管 下周五",
        (R, "交互方案", "chen", "设计部", "2026-09-18", "", ()),
    ),
    (
        "RESEARCH: yanfa evaluate D @zhou within 2 weeks",
        (R, "evaluate D", "zhou", "研发部", "2026-09-23", "", ()),
    ),
    (
        "RESEARCH: xiaoshoubu customer list @liu by Sept 18",
        (R, "customer list", "liu", "销售部", "2026-09-18", "", ()),
    ),
    # -- plain notes: no proposal
    ("市场部：用户需求占比60%", None),
    ("讨论了D需求的优先级", None),
    ("共识很重要，但今天没有", None),
    ("The action was discussed", None),
    ("research shows 60% want A", None),
    ("", None),
]


@pytest.mark.parametrize(("line", "expected"), TABLE, ids=[line or "empty" for line, _ in TABLE])
def test_a_line_proposes_exactly_this(line, expected):
    proposals = read(line)

    if expected is None:
        assert proposals == []
    else:
        assert [summary(p) for p in proposals] == [expected]


def test_the_table_holds_at_least_60_lines_in_both_languages():
    assert len(TABLE) >= 60
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line, _ in TABLE) >= 30
    assert sum(line.isascii() and line != "" for line, _ in TABLE) >= 15


def test_a_vague_date_carries_the_rules_own_reason():
    (proposal,) = read("【待办】@张专员 整理客户反馈 尽快")

    assert proposal.due_text == "尽快"
    assert [p.message for p in proposal.problems] == [
        "“尽快” is not a date: nobody can be reminded of it or held to it. Write a real date "
        "instead, e.g. “9月15日前”, “2026-09-15” or “next Friday”."
    ]


def test_an_ambiguous_name_lists_the_candidates():
    (proposal,) = read("【待办】@zzy 整理客户反馈 明天")

    assert [p.message for p in proposal.problems] == [
        "“@zzy” fits several people: 张专员, 赵专员. Choose one."
    ]


def test_equal_lines_get_keys_by_occurrence_and_keys_ignore_spacing():
    proposals = read("【共识】先做A\n普通笔记\n【共识】先做A\n【共识】  先做A")

    assert [p.key for p in proposals] == [
        line_key("【共识】先做A", 0),
        line_key("【共识】先做A", 1),
        line_key("【共识】 先做A", 0),
    ]
    assert proposals[0].key != proposals[1].key


# -- transcripts ----------------------------------------------------------------------------

FEISHU_TXT = """Q3产品上线跨部门协作启动会
2026年09月09日 下午 2:00|1小时 25分钟

关键词:
需求、优先级

文字记录:

王经理 00:00:05
大家好，我们开始。那我们达成共识：优先开发A。

刘代表 00:03:12
我有异议：D需求也很紧急。

说话人3 00:05:40
好，待办：@李主管 完成A需求技术方案初稿，9月15日前。
"""

TENCENT_TXT = """腾讯会议 转写
王经理(00:00:05)
共识：优先开发A。
[00:03:12] 刘代表：异议：D需求也很紧急
张专员(00:07:00)：待办：@张专员 整理客户反馈 9月14日前
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
共识：优先开发A

2
00:00:05,000 --> 00:00:08,000
刘代表：异议：D需求也很紧急

3
00:00:09,000 --> 00:00:12,500
这一句没有标记
"""

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v 刘代表>异议：D需求也很紧急</v>

00:00:05.000 --> 00:00:08.000
<v 王经理>待办：@周工程师 搭建测试环境 下周五</v>
"""


def test_a_feishu_minutes_export_keeps_the_speakers_and_drops_the_scaffolding():
    proposals = read(FEISHU_TXT)

    assert [(summary(p), p.speaker) for p in proposals] == [
        ((C, "优先开发A", None, None, None, "", ()), "王经理"),
        ((OBJ, "D需求也很紧急", "liu", None, None, "", ()), "刘代表"),
        ((A, "完成A需求技术方案初稿", "li", None, "2026-09-15", "", ()), "说话人3"),
    ]


def test_a_tencent_meeting_export_in_its_one_line_and_header_shapes():
    proposals = read(TENCENT_TXT)

    assert [(summary(p), p.speaker) for p in proposals] == [
        ((C, "优先开发A", None, None, None, "", ()), "王经理"),
        ((OBJ, "D需求也很紧急", "liu", None, None, "", ()), "刘代表"),
        ((A, "整理客户反馈", "zhang", None, "2026-09-14", "", ()), "张专员"),
    ]


def test_srt_cues_lose_numbers_and_timings():
    assert [line.text for line in lines_of(SRT)] == [
        "共识：优先开发A",
        "异议：D需求也很紧急",
        "这一句没有标记",
    ]
    assert [(summary(p), p.speaker) for p in read(SRT)] == [
        ((C, "优先开发A", None, None, None, "", ()), ""),
        ((OBJ, "D需求也很紧急", "liu", None, None, "", ()), "刘代表"),
    ]


def test_webvtt_voices_are_the_speakers():
    assert [(summary(p), p.speaker) for p in read(VTT)] == [
        ((OBJ, "D需求也很紧急", "liu", None, None, "", ()), "刘代表"),
        ((A, "搭建测试环境", "zhou", None, "2026-09-18", "", ()), "王经理"),
    ]


def test_kinds_are_the_five_of_the_record():
    assert [k.value for k in Kind] == [C, N, R, A, OBJ]
