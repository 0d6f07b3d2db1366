"""Issue #16, item 8: the Markdown export must not pass markup through.

A meeting is recorded through the services with markup in every text a person writes — a
script, a ``javascript:`` link, a forged "Signatures" heading with a table row, code fences,
thematic breaks — and its minutes are downloaded from the page and from the API. The file is
checked line by line and rendered by a real Markdown renderer with raw HTML switched on."""

import datetime as dt

import pytest
from conftest import STARTS
from django.test import Client
from django.urls import reverse
from markdown_it import MarkdownIt

from accord.actions import services as actions
from accord.api.services import token_create
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.meetings.models import TopicOutcome
from accord.minutes import services as minutes

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
LINK = "[click](javascript:alert(1))"
# A title is one line (accord.core.limits): the forgery, written on it.
LINE = f"{SCRIPT} {LINK} ## Signatures | forged | row | ``` ---"
# Texts may hold line breaks: the forgery on lines of its own.
TEXT = f"{SCRIPT} {LINK}\n## Signatures\n| forged | row |\n```\ncode\n```\n---\n> quoted\n1. listed\n- item"

LINE_MD = (
    r"&lt;script&gt;alert\(1\)&lt;/script&gt; \[click\]\(javascript:alert\(1\)\) "
    r"## Signatures \| forged \| row \| \`\`\` ---"
)
TEXT_MD = (
    r"&lt;script&gt;alert\(1\)&lt;/script&gt; \[click\]\(javascript:alert\(1\)\)"
    r"<br>\## Signatures<br>\| forged \| row \|<br>\`\`\`<br>code<br>\`\`\`<br>\---"
    r"<br>&gt; quoted<br>1\. listed<br>\- item"
)
# What a reader sees of TEXT once rendered: every character, nothing interpreted.
TEXT_SEEN = TEXT.replace("\n", "")


@pytest.fixture
def hostile_meeting(org, draft_meeting):
    """The launch meeting with markup in its title, goal, first topic's title, a position and
    its evidence, the notes, an objection and its resolution, an action's task and resources,
    and the summary."""
    o = org
    meeting = meetings.meeting_update(actor=o.sun, meeting=draft_meeting, title=LINE, goal=TEXT)
    topic = meeting.topics.order_by("order").first()
    meetings.topic_update(actor=o.sun, topic=topic, title=LINE)
    meetings.meeting_schedule(actor=o.sun, meeting=meeting)
    with clock.frozen(STARTS):
        live.meeting_start(actor=o.wang, meeting=meeting)
    with clock.frozen(STARTS + dt.timedelta(minutes=20)):
        live.position_record(
            actor=o.zhao, topic=topic, department=o.marketing, statement=TEXT, evidence=TEXT
        )
        live.topic_record_notes(actor=o.zhao, topic=topic, notes=TEXT)
        objection = live.objection_raise(actor=o.liu, meeting=meeting, text=TEXT, topic=topic)
        live.objection_resolve(actor=o.zhao, objection=objection, resolution=TEXT)
        actions.action_create(
            actor=o.zhao, meeting=meeting, task=TEXT, owner=o.li, due="2026-09-15", resources=TEXT
        )
        for each in meeting.topics.filter(outcome__isnull=True, is_review=False):
            live.outcome_record(
                actor=o.zhao, topic=each, kind=TopicOutcome.Kind.CONSENSUS, text=TEXT
            )
    with clock.frozen(STARTS + dt.timedelta(minutes=85)):
        live.meeting_end(actor=o.wang, meeting=meeting)
        minutes.minutes_update_summary(actor=o.zhao, meeting=meeting, summary=TEXT)
    return meeting


@pytest.fixture
def markdown(client, org, hostile_meeting) -> str:
    client.force_login(org.zhang)
    response = client.get(reverse("minutes:download_markdown", args=[hostile_meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


HEADINGS = [
    f"# {LINE_MD}",
    "## Basic information",
    "### Summary",
    "## Topics and discussion",
    rf"### Topic 1：{LINE_MD}",
    "### Topic 2：责任部门划分",
    "### Topic 3：时间节点确认",
    "## Consensus",
    "## Action plan",
    "## Objections",
    "## Signatures",
]


def test_only_the_real_sections_are_headings(markdown):
    lines = markdown.split("\n")

    assert [line for line in lines if line.startswith("#")] == HEADINGS
    assert lines.count("## Signatures") == 1


def test_every_text_is_escaped_on_one_line_of_its_own_section(markdown):
    lines = markdown.split("\n")

    for line in [
        "| Meeting name | " + LINE_MD + " |",
        "| Goal | " + TEXT_MD + " |",
        TEXT_MD,  # the summary, under its heading
        "| 市场部 | " + TEXT_MD + " | " + TEXT_MD + " |",
        "**Notes：** " + TEXT_MD,
        "**Outcome：** Consensus: " + TEXT_MD,
        f"1. **{LINE_MD}：** {TEXT_MD}",
        f"2. **责任部门划分：** {TEXT_MD}",
        f"| 1 | {TEXT_MD} | 李主管 | 研发部 | 2026-09-15 | {TEXT_MD} | Open |",
        f"| {TEXT_MD} | 刘代表 | {TEXT_MD} |",
        f"| 李主管 | {TEXT_MD} | Not signed |",
    ]:
        assert line in lines, line
    assert lines[lines.index("### Summary") + 2] == TEXT_MD
    assert "<script" not in markdown
    # the title ×2 (heading, table), the topic's title ×2 (heading, consensus), the goal, the
    # summary, the position and its evidence, the notes, 3 outcomes and their 3 consensus
    # lines, the task ×2 (plan, signatures), the resources, the objection and its resolution
    assert markdown.count("&lt;script&gt;") == 20
    assert "](javascript:" not in markdown
    assert "\n```" not in markdown
    assert "\n---" not in markdown
    assert "\n>" not in markdown


def test_rendered_it_has_no_script_no_link_and_the_real_headings(markdown):
    # given: a renderer that lets raw HTML through, as GitHub and many wikis do
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")

    # when
    tokens = renderer.parse(markdown)
    html = renderer.render(markdown)

    # then
    headings = [
        (token.tag, tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert [(tag, content) for tag, content in headings] == [
        ("h1", LINE_MD),
        ("h2", "Basic information"),
        ("h3", "Summary"),
        ("h2", "Topics and discussion"),
        ("h3", f"Topic 1：{LINE_MD}"),
        ("h3", "Topic 2：责任部门划分"),
        ("h3", "Topic 3：时间节点确认"),
        ("h2", "Consensus"),
        ("h2", "Action plan"),
        ("h2", "Objections"),
        ("h2", "Signatures"),
    ]
    assert "<script" not in html
    assert "<a " not in html
    assert "javascript:alert(1)" in html  # shown as text, not followed
    kinds = {token.type for token in tokens}
    assert not kinds & {"fence", "code_block", "hr", "blockquote_open", "bullet_list_open"}
    assert [t.type for t in tokens].count("table_open") == 5
    assert [t.type for t in tokens].count("ordered_list_open") == 1
    signatures = html.split("<h2>Signatures</h2>", 1)[1]
    assert signatures.count("<tr>") == 2  # the header and the one action
    assert "forged</td>" not in html
    text = [t.content for t in tokens if t.type == "inline"]
    summary = text[text.index("Summary") + 1]
    assert summary == TEXT_MD
    rendered_summary = html.split("<h3>Summary</h3>\n<p>", 1)[1].split("</p>", 1)[0]
    assert rendered_summary == (
        "&lt;script&gt;alert(1)&lt;/script&gt; [click](javascript:alert(1))<br>"
        "## Signatures<br>| forged | row |<br>```<br>code<br>```<br>---<br>&gt; quoted<br>"
        "1. listed<br>- item"
    )


def test_the_api_gives_the_same_file(client, org, hostile_meeting, markdown):
    token = token_create(actor=org.zhang, name="export")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")

    response = api.get(f"/api/v1/meetings/{hostile_meeting.pk}/minutes.md")

    assert response.status_code == 200
    assert response.content.decode() == markdown


@pytest.mark.django_db(transaction=True)
def test_over_http_the_download_is_the_same_escaped_file(org, hostile_meeting, browser_as):
    """The attack against the live server: the file a participant downloads has only the
    real headings and no raw markup."""
    response = browser_as(org.zhang).get(
        reverse("minutes:download_markdown", args=[hostile_meeting.pk])
    )
    assert response.status_code == 200
    lines = response.text.split("\n")
    assert [line for line in lines if line.startswith("#")] == HEADINGS
    assert SCRIPT not in response.text
    assert "](javascript:" not in response.text
