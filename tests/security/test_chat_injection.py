"""Chat-card injection (issue #16, item 5): what people write — a meeting's title and goal,
a task, a reason, a person's name — reaches the department's group bot as words, never as
the bot's own markup. A title like the issue's ``<at id=all></at> 紧急 [点此重新登录](http://…)``
must neither mention everyone nor become a disguised link, in any format; the ids Accord
mentions people by come from profiles and are refused when they would inject markup.

Each test makes the notices through the real paths (scheduling, recording and re-planning
an item), lets ``Worker().run(once=True)`` deliver them to a real receiver on 127.0.0.1,
and reads the exact wire text."""

import datetime as dt

import pytest
from conftest import STARTS
from django.conf import settings
from django.urls import reverse
from notify.channels import group_bot
from notify.receivers import Answer, HttpReceiver, SmtpSink

from accord.actions import services as actions
from accord.actions import tracking
from accord.core import clock
from accord.live import services as live
from accord.meetings import services as meetings
from accord.notify.models import Notification
from accord.notify.worker import Worker
from accord.org import services as org_services

Status = Notification.Status

# The payload and its siblings in each format: a mention of everyone, a disguised
# link, Slack's broadcast and user mentions, WeCom's colour, emphasis.
TITLE = (
    "<at id=all></at> 紧急 [点此重新登录](http://evil.example/login) <!channel> <@U123> "
    "<font color=warning>x</font> [x](http://evil) @all **bold**"
)
GOAL = "确定分工\n# 假标题\n> 假引用 @所有人 @13800001111 ~~删~~ `码` _斜_ ![图](http://evil/p.png)"
TASK = '提交方案 <at user_id="all">所有人</at> [点此](http://evil) **急**'
REASON = "<!here> 供应商 @all"
ZHOU_NAME = "周工程师 [x](http://evil)"
LI_NAME = "李主管 <!channel> @all *粗*"
ZHOU_MOBILE = "13900002222"


@pytest.fixture(autouse=True)
def english_installation(settings):
    """Group bots speak the installation's language; English keeps the texts assertable."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def loopback_receivers(settings):
    """The receivers listen on 127.0.0.1, which the outgoing policy refuses by default."""
    settings.ACCORD_OUTGOING_ALLOWED_NETWORKS = ("127.0.0.1/32",)


@pytest.fixture
def people(org):
    """Zhou with good ids and a name full of markup; Li, whose profile ids were each made to
    inject markup (an administrator's slip, or an administrator's account misused)."""
    org_services.person_update(
        actor=org.admin,
        person=org.zhou,
        name=ZHOU_NAME,
        mobile=ZHOU_MOBILE,
        feishu_id="ou_zhou",
        dingtalk_id="zhou01",
        wecom_id="zhou.gcs",
        slack_id="U0ZHOU",
    )
    org_services.person_update(
        actor=org.admin,
        person=org.li,
        name=LI_NAME,
        mobile="13800001111 @all",
        feishu_id="x></at><at id=all",
        dingtalk_id="all",
        wecom_id="li><@all",
        slack_id="U0LI> <!channel",
    )
    return org


def meeting_link(meeting) -> str:
    return settings.BASE_URL + reverse("meetings:detail", args=[meeting.pk])


def action_link(item) -> str:
    return settings.BASE_URL + reverse("actions:detail", args=[item.pk])


def deliver(org, meeting, kind: str, answer: Answer):
    """R&D's bot of ``kind`` gets the invitation to a meeting titled with the payload, then
    the news that Zhou's item (a task with the payload) was re-planned for a reason with
    the payload. Returns the two requests, the item and the channel."""
    with HttpReceiver(lambda request: answer) as bot:
        channel = group_bot(org, kind, bot.url + "/hook")
        meetings.meeting_update(actor=org.sun, meeting=meeting, title=TITLE, goal=GOAL)
        meetings.meeting_schedule(actor=org.sun, meeting=meeting)
        Worker().run(once=True)
        with clock.frozen(STARTS):
            live.meeting_start(actor=org.wang, meeting=meeting)
            item = actions.action_create(
                actor=org.zhao, meeting=meeting, task=TASK, owner=org.zhou, due=dt.date(2026, 9, 15)
            )
            tracking.action_replan(
                actor=org.sun, action=item, due=dt.date(2026, 9, 25), reason=REASON
            )
            Worker().run(once=True)
    invitation, replanned = bot.requests
    return (invitation, replanned), item, channel


FACTS = ", 2026-09-09 14:00 (Wednesday), 3号会议室, online meeting 618-2023-815."
MOVED = " is now due on 2026-09-25 (Friday) instead of 2026-09-15 (Tuesday). Reason: "


def invitation_text(title: str, goal: str) -> str:
    return f"You are invited: {title}{FACTS}\nGoal: {goal}"


def replanned_text(task: str, owner: str, reason: str) -> str:
    return f"{task} (研发部 {owner}){MOVED}{reason}"


def assert_both_sent(channel) -> None:
    """Escaping loses nothing: both notices went out, once each."""
    rows = Notification.objects.filter(channel=channel).order_by("id")
    assert [(row.kind, row.status, row.attempts) for row in rows] == [
        ("meeting.invitation", Status.SENT, 1),
        ("action.replanned", Status.SENT, 1),
    ]


# -- Feishu lark_md and WeCom markdown: HTML character references ----------------------------

MD_TITLE = (
    "&lt;at id=all&gt;&lt;/at&gt; 紧急 &#91;点此重新登录&#93;(http://evil.example/login) "
    "&lt;!channel&gt; &lt;@U123&gt; &lt;font color=warning&gt;x&lt;/font&gt; "
    "&#91;x&#93;(http://evil) @all &#42;&#42;bold&#42;&#42;"
)
MD_GOAL = (
    "确定分工\n&#35; 假标题\n&gt; 假引用 @所有人 @13800001111 &#126;&#126;删&#126;&#126; "
    "&#96;码&#96; &#95;斜&#95; !&#91;图&#93;(http://evil/p.png)"
)
MD_TASK = '提交方案 &lt;at user&#95;id="all"&gt;所有人&lt;/at&gt; &#91;点此&#93;(http://evil) &#42;&#42;急&#42;&#42;'
MD_REASON = "&lt;!here&gt; 供应商 @all"
MD_ZHOU = "周工程师 &#91;x&#93;(http://evil)"
MD_LI = "李主管 &lt;!channel&gt; @all &#42;粗&#42;"


def test_feishu_card_shows_the_payload_as_words_and_mentions_only_zhou(people, draft_meeting):
    """No ``<at id=all>`` or ``<at user_id="all">`` forms, no link but the button's; Li's
    forged id (``x></at><at id=all``) is refused and Li is named in plain text."""
    org = people
    requests, item, channel = deliver(
        org, draft_meeting, "feishu", Answer(200, {"code": 0, "msg": "success"})
    )

    invitation, replanned = (request.json()["card"] for request in requests)
    assert invitation["header"]["title"] == {
        "tag": "plain_text",
        "content": f"Invitation: {TITLE}",
    }
    content = invitation["elements"][0]["text"]["content"]
    assert content == (f"{invitation_text(MD_TITLE, MD_GOAL)}\n\n@{MD_LI} <at id=ou_zhou></at>")
    assert "<" not in content.replace("<at id=ou_zhou></at>", "")  # Accord's mention alone
    assert "<at id=all>" not in content
    assert "[" not in content
    [button] = invitation["elements"][1]["actions"]
    assert button["text"] == {"tag": "plain_text", "content": "Open the meeting"}
    assert button["url"] == meeting_link(draft_meeting)

    assert replanned["header"]["title"]["content"] == f"Re-planned: {TASK}"
    content = replanned["elements"][0]["text"]["content"]
    assert content == (
        f"{replanned_text(MD_TASK, MD_ZHOU, MD_REASON)}\n\n<at id=ou_zhou></at> @{MD_LI}"
    )
    assert '<at user_id="all">' not in content
    assert replanned["elements"][1]["actions"][0]["url"] == action_link(item)
    assert_both_sent(channel)


def test_wecom_markdown_shows_the_payload_as_words_and_mentions_only_zhou(people, draft_meeting):
    """WeCom's ``<@userid>`` and ``<font>`` cannot form from text; Li's forged
    ``li><@all`` is refused; the only link is Accord's."""
    org = people
    requests, item, channel = deliver(
        org, draft_meeting, "wecom", Answer(200, {"errcode": 0, "errmsg": "ok"})
    )

    invitation, replanned = (request.json() for request in requests)
    assert invitation == {
        "msgtype": "markdown",
        "markdown": {
            "content": (
                f"**Invitation: {MD_TITLE}**\n\n{invitation_text(MD_TITLE, MD_GOAL)}"
                f"\n\n[Open the meeting]({meeting_link(draft_meeting)})"
                f"\n\n@{MD_LI} <@zhou.gcs>"
            )
        },
    }
    content = invitation["markdown"]["content"]
    assert content.count("<") == 1
    assert content.count("](") == 1
    assert "<font" not in content

    assert replanned["markdown"]["content"] == (
        f"**Re-planned: {MD_TASK}**\n\n{replanned_text(MD_TASK, MD_ZHOU, MD_REASON)}"
        f"\n\n[Open the action item]({action_link(item)})"
        f"\n\n<@zhou.gcs> @{MD_LI}"
    )
    assert_both_sent(channel)


# -- DingTalk markdown: references, and no @ of people's text --------------------------------

DING_TITLE = (
    "&lt;at id=all&gt;&lt;/at&gt; 紧急 &#91;点此重新登录&#93;(http://evil.example/login) "
    "&lt;!channel&gt; &lt;&#64;U123&gt; &lt;font color=warning&gt;x&lt;/font&gt; "
    "&#91;x&#93;(http://evil) &#64;all &#42;&#42;bold&#42;&#42;"
)
DING_GOAL = (
    "确定分工\n&#35; 假标题\n&gt; 假引用 &#64;所有人 &#64;13800001111 "
    "&#126;&#126;删&#126;&#126; &#96;码&#96; &#95;斜&#95; !&#91;图&#93;(http://evil/p.png)"
)
DING_REASON = "&lt;!here&gt; 供应商 &#64;all"
DING_LI = "李主管 &lt;!channel&gt; &#64;all &#42;粗&#42;"


def test_dingtalk_mentions_only_the_mobiles_accord_lists(people, draft_meeting):
    """``@all``, ``@所有人`` and Li's number typed into the texts stay words; ``at`` lists
    Zhou's mobile alone (Li's ``13800001111 @all`` and user id ``all`` are refused), and
    ``isAtAll`` stays false."""
    org = people
    requests, item, channel = deliver(
        org, draft_meeting, "dingtalk", Answer(200, {"errcode": 0, "errmsg": "ok"})
    )

    invitation, replanned = (request.json() for request in requests)
    assert invitation == {
        "msgtype": "markdown",
        "markdown": {
            "title": f"Invitation: {TITLE}",
            "text": (
                f"#### Invitation: {DING_TITLE}\n\n{invitation_text(DING_TITLE, DING_GOAL)}"
                f"\n\n[Open the meeting]({meeting_link(draft_meeting)})"
                f"\n\n@{DING_LI} @{ZHOU_MOBILE}"
            ),
        },
        "at": {"atMobiles": [ZHOU_MOBILE], "atUserIds": [], "isAtAll": False},
    }
    text = invitation["markdown"]["text"]
    assert "@13800001111" not in text
    assert "@all" not in text
    assert "@所有人" not in text
    assert text.count("](") == 1

    assert replanned == {
        "msgtype": "markdown",
        "markdown": {
            "title": f"Re-planned: {TASK}",
            "text": (
                f"#### Re-planned: {MD_TASK}\n\n{replanned_text(MD_TASK, MD_ZHOU, DING_REASON)}"
                f"\n\n[Open the action item]({action_link(item)})"
                f"\n\n@{ZHOU_MOBILE} @{DING_LI}"
            ),
        },
        "at": {"atMobiles": [ZHOU_MOBILE], "atUserIds": [], "isAtAll": False},
    }
    assert_both_sent(channel)


# -- Slack mrkdwn: & < > ---------------------------------------------------------------------

SLACK_TITLE = (
    "&lt;at id=all&gt;&lt;/at&gt; 紧急 [点此重新登录](http://evil.example/login) "
    "&lt;!channel&gt; &lt;@U123&gt; &lt;font color=warning&gt;x&lt;/font&gt; "
    "[x](http://evil) @all **bold**"
)
SLACK_GOAL = (
    "确定分工\n# 假标题\n&gt; 假引用 @所有人 @13800001111 ~~删~~ `码` _斜_ ![图](http://evil/p.png)"
)
SLACK_TASK = '提交方案 &lt;at user_id="all"&gt;所有人&lt;/at&gt; [点此](http://evil) **急**'
SLACK_LI = "李主管 &lt;!channel&gt; @all *粗*"


def test_slack_text_has_no_broadcast_mention_or_link_but_accords(people, draft_meeting):
    """``<!channel>``, ``<!here>`` and ``<@U123>`` from the texts arrive as ``&lt;…&gt;``;
    Li's forged member id ``U0LI> <!channel`` is refused; the one ``<…|…>`` link is
    Accord's."""
    org = people
    requests, item, channel = deliver(org, draft_meeting, "slack", Answer(200, "ok"))

    invitation, replanned = (request.json() for request in requests)
    assert invitation == {
        "text": (
            f"*Invitation: {SLACK_TITLE}*\n\n{invitation_text(SLACK_TITLE, SLACK_GOAL)}"
            f"\n\n<{meeting_link(draft_meeting)}|Open the meeting>"
            f"\n\n@{SLACK_LI} <@U0ZHOU>"
        )
    }
    text = invitation["text"]
    assert text.count("<") == 2  # Accord's link and Accord's mention of Zhou
    assert "<!" not in text

    assert replanned == {
        "text": (
            f"*Re-planned: {SLACK_TASK}*\n\n"
            f"{replanned_text(SLACK_TASK, ZHOU_NAME, '&lt;!here&gt; 供应商 @all')}"
            f"\n\n<{action_link(item)}|Open the action item>"
            f"\n\n<@U0ZHOU> @{SLACK_LI}"
        )
    }
    assert_both_sent(channel)


# -- Teams TextBlock: backslash escapes ------------------------------------------------------

TEAMS_TITLE = (
    "<at id=all></at> 紧急 \\[点此重新登录\\](http://evil.example/login) <!channel> <@U123> "
    "<font color=warning>x</font> \\[x\\](http://evil) @all \\*\\*bold\\*\\*"
)
TEAMS_GOAL = (
    "确定分工\n# 假标题\n> 假引用 @所有人 @13800001111 ~~删~~ `码` \\_斜\\_ "
    "!\\[图\\](http://evil/p.png)"
)
TEAMS_TASK = '提交方案 <at user\\_id="all">所有人</at> \\[点此\\](http://evil) \\*\\*急\\*\\*'
TEAMS_ZHOU = "周工程师 \\[x\\](http://evil)"
TEAMS_LI = "李主管 <!channel> @all \\*粗\\*"


def test_teams_card_escapes_markdown_in_every_text_block(people, draft_meeting):
    """Subject, text and names are Markdown in a ``TextBlock``: no link or emphasis forms;
    the only link is the card's own button."""
    org = people
    requests, item, channel = deliver(org, draft_meeting, "teams", Answer(202, ""))

    cards = [request.json()["attachments"][0]["content"] for request in requests]
    invitation, replanned = cards
    assert invitation["body"] == [
        {
            "type": "TextBlock",
            "text": f"Invitation: {TEAMS_TITLE}",
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {"type": "TextBlock", "text": invitation_text(TEAMS_TITLE, TEAMS_GOAL), "wrap": True},
        {"type": "TextBlock", "text": f"{TEAMS_LI}, {TEAMS_ZHOU}", "wrap": True, "isSubtle": True},
    ]
    assert invitation["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the meeting", "url": meeting_link(draft_meeting)}
    ]
    assert "msteams" not in invitation

    assert [block["text"] for block in replanned["body"]] == [
        f"Re-planned: {TEAMS_TASK}",
        replanned_text(TEAMS_TASK, TEAMS_ZHOU, REASON),
        f"{TEAMS_ZHOU}, {TEAMS_LI}",
    ]
    assert replanned["actions"][0]["url"] == action_link(item)
    assert_both_sent(channel)


# -- e-mail: the HTML part is escaped by its template ----------------------------------------


def test_email_html_shows_the_title_as_text(people, draft_meeting, settings):
    """The HTML e-mail's template escapes the title: no tag of the payload forms, and the
    only link is Accord's button. The text part carries the title as written."""
    org = people
    org_services.person_update(actor=org.admin, person=org.li, email="li@example.cn", locale="en")
    with SmtpSink() as sink:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
            }
        }
        settings.ACCORD_NOTIFY_EMAIL = True
        meetings.meeting_update(actor=org.sun, meeting=draft_meeting, title=TITLE, goal=GOAL)
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        assert Worker().run(once=True)["sent"] == 1

    [mail] = sink.messages
    assert mail["Subject"] == f"Invitation: {TITLE}"
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_content()
    assert (
        '<h1 style="font-size: 18px;">Invitation: &lt;at id=all&gt;&lt;/at&gt; 紧急 '
        "[点此重新登录](http://evil.example/login) &lt;!channel&gt; &lt;@U123&gt; "
        "&lt;font color=warning&gt;x&lt;/font&gt; [x](http://evil) @all **bold**</h1>"
    ) in html
    assert "<at" not in html
    assert "<font" not in html
    assert html.count("<a ") == 1
    assert f'<a href="{meeting_link(draft_meeting)}"' in html
    plain = next(p for p in mail.walk() if p.get_content_type() == "text/plain").get_content()
    assert plain.startswith(f"Invitation: {TITLE}\n\nYou are invited: {TITLE}{FACTS}")


# -- a text cut to fit is never cut inside an escape -----------------------------------------


def test_wecom_cuts_a_long_text_before_escaping_it(org, draft_meeting):
    """A goal of 1,000 asterisks is 5,000 bytes once escaped, over WeCom's 4,096: it is cut
    between two whole ``&#42;``, and link and mentions stay."""
    meetings.meeting_update(actor=org.sun, meeting=draft_meeting, goal="*" * 1000)
    with HttpReceiver(lambda request: Answer(200, {"errcode": 0, "errmsg": "ok"})) as bot:
        channel = group_bot(org, "wecom", bot.url + "/hook")
        meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
        Worker().run(once=True)

    [request] = bot.requests
    content = request.json()["markdown"]["content"]
    title = "Q3产品上线跨部门协作启动会"
    head = f"**Invitation: {title}**\n\nYou are invited: {title}{FACTS}\nGoal: "
    tail = f"…\n\n[Open the meeting]({meeting_link(draft_meeting)})\n\n@李主管 @周工程师"
    whole = (4096 - len(head.encode()) - len(tail.encode())) // len("&#42;")
    assert content == head + "&#42;" * whole + tail
    assert 4096 - len("&#42;") < len(content.encode()) <= 4096
    assert Notification.objects.get(channel=channel).status == Status.SENT
