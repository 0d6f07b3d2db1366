"""The notification pages through the web client: the bell, the inbox, the channels (with
"send a test message" against a real receiver on 127.0.0.1, "mute for me" and "e-mail me")
and the delivery log; who sees what, every refusal, and pinned query counts."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from notify.receivers import Answer, HttpReceiver

from accord.actions import services as actions
from accord.core import clock
from accord.core.models import AuditEvent
from accord.meetings import services as meetings
from accord.notify import selectors, services
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, publish
from accord.notify.transports import dingtalk
from tests.conftest import NOW, STARTS, Org

Kind = Channel.Kind
Status = Notification.Status
SECRET = "SEC0123456789abcdef"
TOKEN = "tok-9f8e7d6c"  # the credential in the bot's URL: never shown on a page


def url(name: str, *args) -> str:
    return reverse(f"notify:{name}", args=args)


def page(response) -> str:
    return response.content.decode()


def text_of(markup: str) -> str:
    """The visible text, tags removed, entities decoded and white space collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def errors(response) -> dict[str, list[str]]:
    """Field errors by field, and the messages about the whole form under ``None``."""
    markup = page(response)
    found: dict[str, list[str]] = {}
    for field, items in re.findall(
        r'<ul class="errorlist" id="id_(\w+)_error"[^>]*>(.*?)</ul>', markup, re.S
    ):
        found[field] = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", items, re.S)]
    general = re.findall(
        r'<div class="alert error" role="alert">(.*?)</div>\s*</div>', markup, re.S
    )
    if general:
        found[None] = [text_of(item) for item in general]
    return found


def bell(response) -> str:
    match = re.search(r'<a class="bell"[^>]*>.*?</a>', page(response), re.S)
    assert match, "no bell"
    return match.group(0)


def bell_label(response) -> str:
    return html.unescape(re.search(r'aria-label="([^"]*)"', bell(response)).group(1))


def inbox_items(response) -> list[tuple[str, bool, str]]:
    """(subject, unread?, link) of each notice on the inbox page, in page order."""
    items = re.findall(
        r'<li class="card notice( unread)?" data-notice="\d+">(.*?)</li>', page(response), re.S
    )
    result = []
    for unread, body in items:
        subject = text_of(re.search(r"<span data-subject>(.*?)</span>", body, re.S).group(1))
        link = re.search(r'<a href="([^"]*)">', body)
        result.append((subject, bool(unread), link.group(1) if link else ""))
    return result


def cards(response, section: str) -> list[str]:
    """The names of the channels listed in one section of the channels page."""
    match = re.search(
        rf'<section [^>]*data-section="{section}">(.*?)</section>', page(response), re.S
    )
    if not match:
        return []
    return [text_of(name) for name in re.findall(r"<span data-name>(.*?)</span>", match.group(1))]


def card(response, channel: Channel) -> str:
    match = re.search(
        rf'<article class="card channel" id="channel-{channel.pk}".*?</article>',
        page(response),
        re.S,
    )
    assert match, f"no card for {channel.name}"
    return match.group(0)


def log_rows(response) -> dict[int, list[str]]:
    """The delivery log's rows by notification id: the text of each cell."""
    rows = re.findall(r'<tr data-delivery="(\d+)">(.*?)</tr>', page(response), re.S)
    return {
        int(pk): [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        for pk, body in rows
    }


def broken_notice(person, number: int, *, minutes_ago: int = 0) -> Notification:
    """An in-app notice "a channel was switched off", as the worker publishes it."""
    publish(
        [
            Event(
                key=f"channel-broken:c{number}:test",
                kind="channel.broken",
                people=[person],
                payload={"channel_name": f"群{number}", "reason": "sign not match"},
                send_after=clock.now() - dt.timedelta(minutes=minutes_ago),
            )
        ]
    )
    return Notification.objects.get(key=f"channel-broken:c{number}:test>app:{person.pk}")


@pytest.fixture
def rnd_bot(org: Org) -> Channel:
    """R&D's DingTalk group bot, set up by its head; it also carries members' reminders."""
    return services.channel_create(
        actor=org.li,
        kind=Kind.DINGTALK,
        name="研发群机器人",
        target=f"https://oapi.dingtalk.com/robot/send?access_token={TOKEN}",
        secret=SECRET,
        department=org.rnd,
    )


@pytest.fixture
def zhou_slack(org: Org) -> Channel:
    return services.channel_create(
        actor=org.zhou,
        kind=Kind.SLACK,
        name="周的Slack",
        target=f"https://hooks.slack.com/services/T0/B0/{TOKEN}",
    )


@pytest.fixture
def li_hook(org: Org) -> Channel:
    return services.channel_create(
        actor=org.li,
        kind=Kind.WEBHOOK,
        name="李的Webhook",
        target="https://hooks.example.cn/accord",
        secret="whsec-li",
    )


def channel_state(channel: Channel) -> tuple:
    return (
        Channel.objects.filter(pk=channel.pk)
        .values_list("name", "target", "secret", "enabled", "disabled_reason", "members_too")
        .first()
    )


# -- sign-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["inbox", "channels", "channel_create", "log"])
def test_every_page_needs_sign_in(client, org: Org, name: str):
    response = client.get(url(name))

    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next={url(name)}"


# -- the bell --------------------------------------------------------------------------------


def test_the_bell_counts_my_unread_notices_that_are_due(client, org: Org, scheduled_meeting):
    """The invitation, two more notices; not a read one, a future one, another person's,
    nor the e-mail copy of a notice."""
    broken_notice(org.zhou, 1, minutes_ago=5)
    broken_notice(org.zhou, 2, minutes_ago=10)
    read = broken_notice(org.zhou, 3, minutes_ago=15)
    Notification.objects.filter(pk=read.pk).update(read_at=NOW)
    publish(
        [
            Event(
                key="channel-broken:c4:later",
                kind="channel.broken",
                people=[org.zhou],
                payload={"channel_name": "群4", "reason": "x"},
                send_after=NOW + dt.timedelta(hours=1),
            )
        ]
    )
    broken_notice(org.li, 5)
    Notification.objects.create(
        key="email-copy", kind="channel.broken", via=Kind.EMAIL, recipient=org.zhou, send_after=NOW
    )
    client.force_login(org.zhou)

    response = client.get(reverse("web:home"))

    assert bell_label(response) == "3 unread notices"
    assert '<span class="count" data-unread="3">3</span>' in bell(response)
    assert 'href="/notifications/"' in bell(response)
    assert 'title="3 unread notices"' in bell(response)


def test_the_bell_says_when_nothing_is_unread(client, org: Org):
    client.force_login(org.outsider)

    response = client.get(reverse("web:home"))

    assert bell_label(response) == "No unread notices"
    assert 'class="count"' not in bell(response)


def test_the_bell_says_one_notice_in_the_singular(client, org: Org):
    broken_notice(org.outsider, 1)
    client.force_login(org.outsider)

    assert bell_label(client.get(reverse("web:home"))) == "1 unread notice"


def test_the_nav_links_to_notifications(client, org: Org):
    client.force_login(org.zhou)

    response = client.get(url("log"))

    assert '<a href="/notifications/channels/" aria-current="page">Notifications</a>' in page(
        response
    )
    assert '<a href="/notifications/log/" aria-current="page">Delivery log</a>' in page(response)


# -- the inbox -------------------------------------------------------------------------------


def test_the_inbox_lists_my_notices_newest_first(client, org: Org, scheduled_meeting):
    old = broken_notice(org.zhou, 1, minutes_ago=60)
    Notification.objects.filter(pk=old.pk).update(read_at=NOW)
    broken_notice(org.li, 2)  # li's, not zhou's
    client.force_login(org.zhou)

    response = client.get(url("inbox"))

    assert response.status_code == 200
    assert inbox_items(response) == [
        (
            "Invitation: Q3产品上线跨部门协作启动会",
            True,
            f"/meetings/{scheduled_meeting.pk}/",
        ),
        ("Channel switched off: 群1", False, "/notifications/channels/"),
    ]
    shown = text_of(page(response))
    assert (
        "You are invited: Q3产品上线跨部门协作启动会, 2026-09-09 14:00 (Wednesday), 3号会议室, "
        "online meeting 618-2023-815. Goal: 确定Q3产品上线分工 Open the meeting Mark read"
    ) in shown
    assert (
        "Accord stopped sending through 群1 because it answered: sign not match. Fix the "
        "address or secret, switch it on again, and send the waiting notices again from the "
        "delivery log. Open the channels"
    ) in shown
    assert "2 notices, 1 unread" in shown
    assert "Mark all read" in shown


def test_the_inbox_speaks_my_language(client, org: Org, scheduled_meeting):
    org.zhou.locale = "zh-hans"
    org.zhou.save(update_fields=["locale"])
    client.force_login(org.zhou)

    response = client.get(url("inbox"))

    assert response["Content-Language"] == "zh-hans"
    assert [item[0] for item in inbox_items(response)] == ["会议邀请：Q3产品上线跨部门协作启动会"]


def test_an_empty_inbox_says_so(client, org: Org):
    client.force_login(org.outsider)

    response = client.get(url("inbox"))

    assert inbox_items(response) == []
    assert "No notices yet." in page(response)
    assert "Mark all read" not in page(response)


@pytest.fixture
def zhou_item(org: Org, running_meeting):
    with clock.frozen(STARTS + dt.timedelta(minutes=20)):
        return actions.action_create(
            actor=org.zhao,
            meeting=running_meeting,
            task="提交技术方案",
            owner=org.zhou,
            due=dt.date(2026, 9, 15),
        )


def _many_notices(org: Org, meeting, item, count: int) -> None:
    """``count`` in-app notices for zhou, of kinds that read a meeting, an action item (its
    meeting, owner and department) or only their payload."""
    kinds = [
        ("meeting.updated", {"meeting_id": meeting.pk}),
        ("action.reminder", {"action_id": item.pk, "payload": {"due": "2026-09-15"}}),
        ("channel.broken", {"payload": {"channel_name": "群", "reason": "x"}}),
    ]
    events = []
    for number in range(count):
        kind, extra = kinds[number % len(kinds)]
        events.append(
            Event(
                key=f"many:{number}",
                kind=kind,
                people=[org.zhou],
                send_after=NOW - dt.timedelta(minutes=number + 1),
                **extra,
            )
        )
    publish(events)


@pytest.mark.parametrize("count", [3, 40])
def test_the_inbox_query_count_does_not_grow(
    client, org: Org, running_meeting, zhou_item, count: int, django_assert_num_queries
):
    Notification.objects.all().delete()
    _many_notices(org, running_meeting, zhou_item, count)
    client.force_login(org.zhou)

    with django_assert_num_queries(5):  # session, person, unread (also the bell), count, page
        response = client.get(url("inbox"))

    assert len(inbox_items(response)) == min(count, 30)
    assert inbox_items(response)[1] == (
        "Due 2026-09-15 (Tuesday): 提交技术方案",
        True,
        f"/actions/{zhou_item.pk}/",
    )


def test_the_inbox_pages_by_30(client, org: Org, running_meeting, zhou_item):
    Notification.objects.all().delete()
    _many_notices(org, running_meeting, zhou_item, 40)
    client.force_login(org.zhou)

    first = client.get(url("inbox"))
    second = client.get(url("inbox"), {"page": "2"})

    assert len(inbox_items(first)) == 30
    assert len(inbox_items(second)) == 10
    assert "Page 2 of 2" in page(second)
    assert "40 notices, 40 unread" in text_of(page(second))


def test_mark_one_notice_read(client, org: Org):
    first = broken_notice(org.zhou, 1)
    second = broken_notice(org.zhou, 2, minutes_ago=1)
    client.force_login(org.zhou)

    response = client.post(url("mark_read", first.pk), {"page": "2"})

    assert (response.status_code, response.url) == (302, "/notifications/?page=2")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.read_at, second.read_at) == (NOW, None)
    assert bell_label(client.get(url("inbox"))) == "1 unread notice"


def test_mark_read_of_another_persons_notice_is_404(client, org: Org):
    theirs = broken_notice(org.li, 1)
    client.force_login(org.zhou)

    response = client.post(url("mark_read", theirs.pk))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_needs_a_post(client, org: Org):
    mine = broken_notice(org.zhou, 1)
    client.force_login(org.zhou)

    assert client.get(url("mark_read", mine.pk)).status_code == 405
    assert client.get(url("mark_all_read")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


def test_mark_all_read(client, org: Org, scheduled_meeting):
    broken_notice(org.zhou, 1)
    theirs = broken_notice(org.li, 2)
    client.force_login(org.zhou)

    response = client.post(url("mark_all_read"), {"page": "x"})

    assert (response.status_code, response.url) == (302, "/notifications/")
    assert (
        Notification.objects.filter(recipient=org.zhou, via=Kind.IN_APP, read_at=None).count() == 0
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None
    shown = client.get(response.url)
    assert "All notices are marked read." in page(shown)
    assert bell_label(shown) == "No unread notices"
    assert [item[1] for item in inbox_items(shown)] == [False, False]


# -- channels: who sees what -----------------------------------------------------------------


def test_channels_page_for_a_member(client, org: Org, rnd_bot, zhou_slack, li_hook):
    """Zhou: his own channel in full; R&D's bot only with "mute for me" (no address, no
    buttons to change it); nobody else's channel at all."""
    client.force_login(org.zhou)

    response = client.get(url("channels"))

    assert response.status_code == 200
    assert cards(response, "own") == ["周的Slack"]
    assert cards(response, "departments") == []
    assert cards(response, "members") == ["研发群机器人"]
    own = text_of(card(response, zhou_slack))
    assert "Sends to https://hooks.slack.com/… Signing secret none" in own
    bot = card(response, rnd_bot)
    assert "Mute for me" in bot
    assert "Sends to" not in bot
    assert url("channel_test", rnd_bot.pk) not in bot
    assert f'href="{url("channel_edit", rnd_bot.pk)}"' not in page(response)
    assert "李的Webhook" not in page(response)
    assert TOKEN not in page(response)
    assert SECRET not in page(response)


def test_channels_page_for_a_department_head(client, org: Org, rnd_bot, zhou_slack, li_hook):
    client.force_login(org.li)

    response = client.get(url("channels"))

    assert cards(response, "own") == ["李的Webhook"]
    assert cards(response, "departments") == ["研发群机器人"]
    assert cards(response, "members") == []
    bot = card(response, rnd_bot)
    assert text_of(bot).startswith(
        "研发群机器人 DingTalk 研发部 On Sends to https://oapi.dingtalk.com/… Signing secret "
        "stored (never shown) Members' own reminders posted here, mentioning them"
    )
    for name in (
        "channel_test",
        "channel_switch",
        "channel_edit",
        "channel_delete",
        "channel_mute",
    ):
        assert url(name, rnd_bot.pk) in bot
    assert "周的Slack" not in page(response)
    assert TOKEN not in page(response)
    assert SECRET not in page(response)
    assert "whsec-li" not in page(response)


@pytest.mark.parametrize("who", ["sun", "admin"])
def test_pmo_and_admins_look_after_every_departments_channels(
    client, org: Org, rnd_bot, zhou_slack, who: str
):
    design_bot = services.channel_create(
        actor=org.chen,
        kind=Kind.WECOM,
        name="设计部群",
        target="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        department=org.design,
    )
    client.force_login(getattr(org, who))

    response = client.get(url("channels"))

    assert cards(response, "departments") == ["研发群机器人", "设计部群"]  # by department
    assert cards(response, "own") == []
    assert "周的Slack" not in page(response)
    assert url("channel_test", design_bot.pk) in page(response)


def test_an_outsider_sees_no_one_elses_channels(client, org: Org, rnd_bot, zhou_slack, li_hook):
    client.force_login(org.outsider)

    response = client.get(url("channels"))

    assert response.status_code == 200
    assert (cards(response, "own"), cards(response, "departments")) == ([], [])
    assert cards(response, "members") == []
    for name in ("研发群机器人", "周的Slack", "李的Webhook", "oapi.dingtalk.com", "hooks.slack"):
        assert name not in page(response)
    assert "Department channels I look after" not in page(response)


@pytest.mark.parametrize(
    ("who", "channel_name"),
    [("outsider", "rnd_bot"), ("zhou", "rnd_bot"), ("li", "zhou_slack"), ("outsider", "li_hook")],
)
def test_changing_a_channel_one_may_not_manage_is_404(
    client, org: Org, rnd_bot, zhou_slack, li_hook, who: str, channel_name: str
):
    """Edit, delete, switch and test: 404 as for a missing channel, and nothing changes,
    nothing is sent, nothing of the channel is shown."""
    channel = {"rnd_bot": rnd_bot, "zhou_slack": zhou_slack, "li_hook": li_hook}[channel_name]
    client.force_login(getattr(org, who))
    before, audits = channel_state(channel), AuditEvent.objects.count()

    answers = [
        client.get(url("channel_edit", channel.pk)),
        client.post(url("channel_edit", channel.pk), {"name": "x", "target": "https://x.cn/"}),
        client.post(url("channel_switch", channel.pk), {"on": "0"}),
        client.post(url("channel_test", channel.pk)),
        client.post(url("channel_delete", channel.pk)),
    ]

    assert [answer.status_code for answer in answers] == [404] * 5
    assert all(channel.name not in page(answer) for answer in answers)
    assert channel_state(channel) == before
    assert AuditEvent.objects.count() == audits
    assert Notification.objects.filter(kind="channel.test").count() == 0


def test_missing_channels_are_404(client, org: Org):
    client.force_login(org.admin)

    assert client.get(url("channel_edit", 99999)).status_code == 404
    assert client.post(url("channel_mute", 99999), {"on": "1"}).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_channels_page_query_count_does_not_grow(
    client, org: Org, count: int, django_assert_num_queries
):
    for number in range(count):
        services.channel_create(
            actor=org.li,
            kind=Kind.WECOM,
            name=f"群{number:02d}",
            target=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{number}",
            department=org.rnd,
        )
        services.channel_create(
            actor=org.li, kind=Kind.EMAIL, name=f"邮箱{number:02d}", target=f"li{number}@x.cn"
        )
    client.force_login(org.li)

    with django_assert_num_queries(4):  # session, person, the bell, the channels
        response = client.get(url("channels"))

    assert len(cards(response, "own")) == count
    assert len(cards(response, "departments")) == count


# -- channels: adding and changing -----------------------------------------------------------


def test_add_a_channel_of_my_own(client, org: Org):
    client.force_login(org.zhou)

    form = client.get(url("channel_create"))
    response = client.post(
        url("channel_create"),
        {
            "kind": "feishu",
            "name": " 周的飞书 ",
            "target": "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            "secret": "fs-secret",
        },
    )

    assert 'name="department"' not in page(form)  # zhou looks after no department
    channel = Channel.objects.get(name="周的飞书")
    assert response.status_code == 302
    assert response.url == f"/notifications/channels/#channel-{channel.pk}"
    assert (channel.kind, channel.person, channel.department) == ("feishu", org.zhou, None)
    assert (channel.target, channel.secret) == (
        "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
        "fs-secret",
    )
    shown = client.get(response.url)
    assert "Channel 周的飞书 added. Send a test message to check it." in page(shown)
    assert cards(shown, "own") == ["周的飞书"]
    assert "fs-secret" not in page(shown)


def test_a_head_adds_the_departments_group_bot(client, org: Org):
    client.force_login(org.li)

    form = client.get(url("channel_create"))
    response = client.post(
        url("channel_create"),
        {
            "kind": "wecom",
            "name": "研发企业微信群",
            "target": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
            "department": org.rnd.pk,
        },
    )

    assert re.findall(
        r'<option value="(\d*)"', page(form).split('name="department"')[1].split("</select>")[0]
    ) == ["", str(org.rnd.pk)]
    assert response.status_code == 302
    channel = Channel.objects.get(name="研发企业微信群")
    assert (channel.department, channel.person, channel.members_too) == (org.rnd, None, False)


def test_a_head_may_not_add_another_departments_bot(client, org: Org):
    client.force_login(org.li)

    response = client.post(
        url("channel_create"),
        {
            "kind": "slack",
            "name": "市场部Slack",
            "target": "https://hooks.slack.com/services/T/B/x",
            "department": org.marketing.pk,
        },
    )

    assert response.status_code == 422
    assert errors(response) == {
        "department": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert 'value="市场部Slack"' in page(response)
    assert Channel.objects.count() == 0


def test_a_member_posting_a_department_is_refused_not_given_an_own_channel(client, org: Org):
    client.force_login(org.zhou)

    response = client.post(
        url("channel_create"),
        {
            "kind": "slack",
            "name": "研发Slack",
            "target": "https://hooks.slack.com/services/T/B/x",
            "department": org.rnd.pk,
        },
    )

    assert response.status_code == 422
    assert list(errors(response)) == ["department"]
    assert Channel.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "dingtalk", "target": "https://oapi.dingtalk.com/robot/send?access_token=t",
             "secret": "abc123"},
            "secret",
            "A DingTalk signing secret starts with SEC; copy it from the robot's settings.",
        ),
        (
            {"kind": "slack", "target": "hooks.slack.com/services/T/B/x"},
            "target",
            "Paste the bot's webhook URL; it starts with https://.",
        ),
        (
            {"kind": "webhook", "target": "https://hooks.example.cn/accord"},
            "secret",
            "A signed webhook needs a secret: the receiver checks the signature with it.",
        ),
        (
            {"kind": "email", "target": "team@"},
            "target",
            "Enter an e-mail address, such as team@example.com.",
        ),
        (
            {"kind": "", "target": "https://x.cn/"},
            "kind",
            "This field is required.",
        ),
    ],
)  # fmt: skip
def test_bad_channel_input_is_shown_at_its_field_and_keeps_what_was_typed(
    client, org: Org, data: dict, field: str, message: str
):
    client.force_login(org.zhou)
    audits = AuditEvent.objects.count()

    response = client.post(url("channel_create"), {"name": "我的机器人", **data})

    assert response.status_code == 422
    assert errors(response) == {field: [message]}
    assert 'name="name" value="我的机器人"' in page(response)
    assert f'value="{html.escape(data["target"])}"' in page(response)
    if data["kind"]:
        assert f'<option value="{data["kind"]}" selected>' in page(response)
    if data.get("secret"):
        assert data["secret"] not in page(response)  # a secret is never sent back
    assert Channel.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_edit_form_never_shows_the_secret(client, org: Org, rnd_bot):
    client.force_login(org.li)

    response = client.get(url("channel_edit", rnd_bot.pk))

    assert response.status_code == 200
    assert 'name="name" value="研发群机器人"' in page(response)
    assert f'value="https://oapi.dingtalk.com/robot/send?access_token={TOKEN}"' in page(response)
    assert SECRET not in page(response)
    assert "DingTalk · 研发部 · a signing secret is stored" in text_of(page(response))
    assert re.search(r'<input type="checkbox" name="members_too"[^>]* checked>', page(response))


def test_edit_with_an_empty_secret_keeps_the_stored_one(client, org: Org, rnd_bot):
    client.force_login(org.li)

    response = client.post(
        url("channel_edit", rnd_bot.pk),
        {"name": "研发部钉钉群", "target": "https://oapi.dingtalk.com/robot/send?access_token=new"},
    )

    assert response.status_code == 302
    assert channel_state(rnd_bot) == (
        "研发部钉钉群",
        "https://oapi.dingtalk.com/robot/send?access_token=new",
        SECRET,
        True,
        "",
        False,  # the box was not ticked
    )
    assert "Channel 研发部钉钉群 saved." in page(client.get(response.url))


def test_edit_with_a_new_secret_replaces_it(client, org: Org, rnd_bot):
    client.force_login(org.li)

    client.post(
        url("channel_edit", rnd_bot.pk),
        {
            "name": "研发群机器人",
            "target": rnd_bot.target,
            "secret": "SECnew",
            "members_too": "on",
        },
    )

    assert channel_state(rnd_bot)[2:] == ("SECnew", True, "", True)


def test_edit_refused_keeps_what_was_typed_and_changes_nothing(client, org: Org, rnd_bot):
    client.force_login(org.li)
    before = channel_state(rnd_bot)

    response = client.post(
        url("channel_edit", rnd_bot.pk),
        {"name": "新名字", "target": "https://oapi.dingtalk.com/robot/send", "secret": "wrong"},
    )

    assert response.status_code == 422
    assert errors(response) == {
        "secret": ["A DingTalk signing secret starts with SEC; copy it from the robot's settings."]
    }
    assert 'name="name" value="新名字"' in page(response)
    assert "wrong" not in page(response)
    assert channel_state(rnd_bot) == before


def test_switch_a_channel_off_and_on_again(client, org: Org, rnd_bot):
    Channel.objects.filter(pk=rnd_bot.pk).update(
        enabled=False, disabled_reason="DingTalk 310000: sign not match"
    )
    client.force_login(org.li)

    shown = client.get(url("channels"))
    on = client.post(url("channel_switch", rnd_bot.pk), {"on": "1"})
    after_on = channel_state(rnd_bot)[3:5]
    off = client.post(url("channel_switch", rnd_bot.pk), {"on": "0"})

    assert (
        "Accord switched it off because the channel answered: DingTalk 310000: sign not match. "
        "Fix the address or secret, then switch it on again."
    ) in text_of(card(shown, rnd_bot))
    assert "Switch on" in card(shown, rnd_bot)
    assert (on.status_code, off.status_code) == (302, 302)
    assert after_on == (True, "")
    assert channel_state(rnd_bot)[3:5] == (False, "")
    shown = client.get(off.url)
    assert "Channel 研发群机器人 is off: nothing is sent through it." in page(shown)
    assert "Switched off: nothing is sent through it." in text_of(card(shown, rnd_bot))


def test_switch_with_garbage_is_422(client, org: Org, rnd_bot):
    client.force_login(org.li)
    before = channel_state(rnd_bot)

    response = client.post(url("channel_switch", rnd_bot.pk), {"on": "maybe"})

    assert response.status_code == 422
    assert errors(response) == {
        None: ["Select a valid choice. maybe is not one of the available choices."]
    }
    assert channel_state(rnd_bot) == before


def test_delete_a_channel(client, org: Org, rnd_bot):
    client.force_login(org.li)

    response = client.post(url("channel_delete", rnd_bot.pk))

    assert response.status_code == 302
    assert Channel.objects.filter(pk=rnd_bot.pk).count() == 0
    assert "Channel 研发群机器人 deleted." in page(client.get(response.url))


# -- send a test message ---------------------------------------------------------------------


def test_send_a_test_message_shows_what_the_channel_answered(client, org: Org):
    with HttpReceiver(lambda request: Answer(200, {"errcode": 0, "errmsg": "ok"})) as bot:
        channel = services.channel_create(
            actor=org.li,
            kind=Kind.DINGTALK,
            name="研发群机器人",
            target=bot.url + f"/robot/send?access_token={TOKEN}",
            secret=SECRET,
            department=org.rnd,
        )
        client.force_login(org.li)

        response = client.post(url("channel_test", channel.pk))

    assert response.status_code == 200
    result = re.search(
        r"<div class=\"alert success\"[^>]*data-test-result[^>]*>(.*?)</div>\s*</div>",
        card(response, channel),
        re.S,
    )
    assert text_of(result.group(1)) == (
        "The test message was sent. The channel answered: HTTP 200, errcode 0: ok"
    )
    [request] = bot.requests
    assert request.query["access_token"] == [TOKEN]
    timestamp = int(request.query["timestamp"][0])
    assert request.query["sign"] == [dingtalk.sign(timestamp, SECRET)]
    # Li chose no language of his own: the installation's.
    assert request.json()["markdown"]["title"] == "Accord 测试消息"
    row = Notification.objects.get(kind="channel.test")
    assert (row.status, row.attempts, row.recipient, row.channel, row.via) == (
        Status.SENT,
        1,
        org.li,
        channel,
        Kind.DINGTALK,
    )
    assert row.response == "HTTP 200, errcode 0: ok"


def test_a_failed_test_message_shows_the_error_and_why_the_channel_stopped(client, org: Org):
    """An HTTP 200 with an error code is a failure; a signature refused switches it off."""
    answer = {"errcode": 310000, "errmsg": "sign not match"}
    with HttpReceiver(lambda request: Answer(200, answer)) as bot:
        channel = services.channel_create(
            actor=org.li,
            kind=Kind.DINGTALK,
            name="研发群机器人",
            target=bot.url + "/robot/send?access_token=t",
            secret=SECRET,
            department=org.rnd,
        )
        client.force_login(org.li)

        response = client.post(url("channel_test", channel.pk), HTTP_HX_REQUEST="true")

    reason = "DingTalk 310000: signature, timestamp, keyword or IP rejected (sign not match)"
    assert response.status_code == 200
    assert "<html" not in page(response)  # htmx gets the channel's entry alone
    shown = text_of(page(response))
    assert (
        f"The test message failed: {reason} The channel answered: "
        "HTTP 200, errcode 310000: sign not match"
    ) in shown
    assert (
        f"Accord switched it off because the channel answered: {reason}. Fix the address or "
        "secret, then switch it on again."
    ) in shown
    assert len(bot.requests) == 1
    assert channel_state(channel)[3:5] == (False, reason)
    assert Notification.objects.get(kind="channel.test").status == Status.FAILED


def test_a_member_cannot_send_a_test_message_through_the_departments_bot(client, org: Org):
    with HttpReceiver() as bot:
        channel = services.channel_create(
            actor=org.li,
            kind=Kind.SLACK,
            name="研发Slack",
            target=bot.url + "/services/T/B/x",
            department=org.rnd,
        )
        client.force_login(org.zhou)

        response = client.post(url("channel_test", channel.pk))

    assert response.status_code == 404
    assert bot.requests == []
    assert Notification.objects.filter(kind="channel.test").count() == 0


# -- mute for me, e-mail me ------------------------------------------------------------------


def test_a_member_mutes_and_unmutes_the_departments_bot_for_themselves(client, org: Org, rnd_bot):
    client.force_login(org.zhou)

    muted = client.post(url("channel_mute", rnd_bot.pk), {"on": "1"})
    after_mute = list(rnd_bot.muted_by.all())
    shown = client.get(muted.url)
    unmuted = client.post(url("channel_mute", rnd_bot.pk), {"on": "0"})

    assert (muted.status_code, unmuted.status_code) == (302, 302)
    assert after_mute == [org.zhou]
    assert "Your own notices no longer go to 研发群机器人." in page(shown)
    assert "Unmute for me" in card(shown, rnd_bot)
    assert "Your own reminders are not posted here." in card(shown, rnd_bot)
    assert list(rnd_bot.muted_by.all()) == []
    assert "Your own notices go to 研发群机器人 again." in page(client.get(unmuted.url))


def test_a_head_mutes_their_own_reminders_on_the_bot_they_look_after(client, org: Org, rnd_bot):
    client.force_login(org.li)

    client.post(url("channel_mute", rnd_bot.pk), {"on": "1"})

    assert list(rnd_bot.muted_by.all()) == [org.li]


@pytest.mark.parametrize("who", ["outsider", "wang", "sun"])
def test_only_members_mute_a_departments_bot(client, org: Org, rnd_bot, who: str):
    client.force_login(getattr(org, who))

    response = client.post(url("channel_mute", rnd_bot.pk), {"on": "1"})

    assert response.status_code == 404
    assert list(rnd_bot.muted_by.all()) == []


def test_a_bot_without_members_reminders_offers_no_mute(client, org: Org, rnd_bot):
    Channel.objects.filter(pk=rnd_bot.pk).update(members_too=False)
    client.force_login(org.zhou)

    response = client.post(url("channel_mute", rnd_bot.pk), {"on": "1"})

    assert response.status_code == 404
    assert cards(client.get(url("channels")), "members") == []


def test_email_me_switches_off_and_on(client, org: Org, settings):
    settings.ACCORD_NOTIFY_EMAIL = True
    org.zhou.email = "zhou@example.cn"
    org.zhou.save(update_fields=["email"])
    client.force_login(org.zhou)

    before = client.get(url("channels"))
    off = client.post(url("email_switch"), {"on": "0"})
    org.zhou.refresh_from_db()
    after_off = org.zhou.email_notifications
    shown = client.get(off.url)
    client.post(url("email_switch"), {"on": "1"})
    org.zhou.refresh_from_db()

    assert 'data-email-installed="yes"' in page(before)
    assert "E-mail me: on. Notices go to zhou@example.cn." in text_of(page(before))
    assert after_off is False
    assert "Notices no longer go to your e-mail." in page(shown)
    assert "E-mail me: off." in text_of(page(shown))
    assert org.zhou.email_notifications is True


def test_the_page_says_when_email_is_not_set_up(client, org: Org, settings):
    settings.ACCORD_NOTIFY_EMAIL = False
    client.force_login(org.zhou)

    response = client.get(url("channels"))

    assert (
        "E-mail is not set up for this installation: nothing is sent by e-mail until an "
        "administrator sets it up."
    ) in text_of(page(response))
    assert "You have no e-mail address on file; an administrator can add one." in text_of(
        page(response)
    )


def test_email_switch_with_garbage_changes_nothing(client, org: Org):
    client.force_login(org.zhou)

    response = client.post(url("email_switch"), {"on": ""})

    assert response.status_code == 422
    org.zhou.refresh_from_db()
    assert org.zhou.email_notifications is True


# -- the delivery log ------------------------------------------------------------------------


@pytest.fixture
def deliveries(org: Org, draft_meeting, rnd_bot, zhou_slack, li_hook):
    """The invitations of the launch meeting: in the app for seven people, R&D's bot
    (mentioning 李 and 周), zhou's Slack and li's webhook, with the worker's outcomes."""
    meetings.meeting_schedule(actor=org.sun, meeting=draft_meeting)
    rows = Notification.objects.exclude(via=Kind.IN_APP)
    group = rows.get(channel=rnd_bot)
    slack = rows.get(channel=zhou_slack)
    hook = rows.get(channel=li_hook)
    Notification.objects.filter(pk=group.pk).update(
        status=Status.SENT, attempts=1, tried_at=NOW, sent_at=NOW,
        response='{"errcode":0,"errmsg":"ok"}',
    )  # fmt: skip
    Notification.objects.filter(pk=slack.pk).update(
        status=Status.FAILED, attempts=3, tried_at=NOW, last_error="HTTP 404",
        response="channel_not_found",
    )  # fmt: skip
    Notification.objects.filter(pk=hook.pk).update(
        status=Status.SENT, attempts=1, tried_at=NOW, sent_at=NOW, response="ok"
    )
    return {"group": group, "slack": slack, "hook": hook}


def visible(person) -> set[tuple[str, int | None, int | None]]:
    return set(
        selectors.deliveries_visible_to(person).values_list("via", "recipient_id", "channel_id")
    )


def test_who_sees_which_rows_of_the_log(org: Org, deliveries, rnd_bot, zhou_slack, li_hook):
    """Admins and the PMO: all; others: rows to them and rows of channels they look after."""
    everything = set(Notification.objects.values_list("via", "recipient_id", "channel_id"))

    assert len(everything) == 10
    assert visible(org.admin) == everything
    assert visible(org.sun) == everything
    assert visible(org.zhou) == {
        ("in_app", org.zhou.pk, None),
        ("slack", org.zhou.pk, zhou_slack.pk),
    }
    assert visible(org.li) == {
        ("in_app", org.li.pk, None),
        ("webhook", org.li.pk, li_hook.pk),
        ("dingtalk", None, rnd_bot.pk),
    }
    assert visible(org.outsider) == set()


def test_a_deleted_bot_stays_in_its_heads_log(org: Org, deliveries, rnd_bot):
    services.channel_delete(actor=org.li, channel=rnd_bot)

    assert ("dingtalk", None, None) in visible(org.li)
    assert ("dingtalk", None, None) not in visible(org.zhou)


def test_the_log_shows_who_was_told_what_through_which_channel(
    client, org: Org, deliveries, draft_meeting
):
    client.force_login(org.li)

    response = client.get(url("log"))

    assert response.status_code == 200
    rows = log_rows(response)
    event = f"invite:meeting:{draft_meeting.pk}:seq:0"
    subject = "Invitation: Q3产品上线跨部门协作启动会"
    assert rows[deliveries["group"].pk] == [
        "2026-09-07 09:00 sent 2026-09-07 09:00:00",
        f"{subject} {event}",
        "the group of 研发部 mentioning 李主管, 周工程师",
        "DingTalk 研发群机器人",
        "Sent 1 attempt",
        '{"errcode":0,"errmsg":"ok"}',
    ]
    assert rows[deliveries["hook"].pk] == [
        "2026-09-07 09:00 sent 2026-09-07 09:00:00",
        f"{subject} {event}",
        "李主管",
        "Signed webhook 李的Webhook",
        "Sent 1 attempt",
        "ok",
    ]
    in_app = Notification.objects.get(via=Kind.IN_APP, recipient=org.li)
    assert rows[in_app.pk] == [
        "2026-09-07 09:00",
        f"{subject} {event}",
        "李主管",
        "In the app",
        "Sent",
        "—",
    ]
    assert len(rows) == 3
    assert "3 deliveries" in page(response)
    assert "Send again" not in page(response)


def test_a_failed_row_shows_its_error_and_can_be_sent_again(client, org: Org, deliveries):
    client.force_login(org.zhou)

    response = client.get(url("log"))
    row = log_rows(response)[deliveries["slack"].pk]
    resent = client.post(url("resend", deliveries["slack"].pk))

    assert row[2:] == [
        "周工程师",
        "Slack 周的Slack",
        "Failed 3 attempts Send again",
        "HTTP 404 channel_not_found",
    ]
    assert resent.status_code == 302
    assert resent.url == url("log")
    slack = Notification.objects.get(pk=deliveries["slack"].pk)
    assert (slack.status, slack.attempts, slack.last_error, slack.send_after) == (
        Status.PENDING,
        0,
        "",
        NOW,
    )
    assert "The notice is queued to be sent again." in page(client.get(resent.url))


@pytest.mark.parametrize("who", ["outsider", "li", "wang"])
def test_resending_a_row_one_may_not_see_is_404(client, org: Org, deliveries, who: str):
    client.force_login(getattr(org, who))

    response = client.post(url("resend", deliveries["slack"].pk))

    assert response.status_code == 404
    assert "周的Slack" not in page(response)
    assert Notification.objects.get(pk=deliveries["slack"].pk).status == Status.FAILED


def test_resending_a_sent_row_is_refused(client, org: Org, deliveries):
    client.force_login(org.li)

    response = client.post(url("resend", deliveries["hook"].pk))

    assert response.status_code == 422
    assert errors(response) == {None: ["Only a failed or cancelled notice can be sent again."]}
    hook = Notification.objects.get(pk=deliveries["hook"].pk)
    assert (hook.status, hook.attempts) == (Status.SENT, 1)


def test_an_outsider_sees_an_empty_log(client, org: Org, deliveries):
    client.force_login(org.outsider)

    response = client.get(url("log"))

    assert log_rows(response) == {}
    assert "0 deliveries" in page(response)
    for leak in ("研发群机器人", "周的Slack", "channel_not_found", "invite:meeting"):
        assert leak not in page(response)


def test_the_log_filters(client, org: Org, deliveries):
    client.force_login(org.sun)

    failed = client.get(url("log"), {"status": "failed"})
    dingtalk_rows = client.get(url("log"), {"via": "dingtalk"})
    kind = client.get(url("log"), {"kind": "meeting.invitation", "via": "in_app"})
    none_of_kind = client.get(url("log"), {"kind": "action.overdue"})
    searched = client.get(url("log"), {"q": "INVITE:meeting"}, HTTP_HX_REQUEST="true")
    no_match = client.get(url("log"), {"q": "remind:"})

    assert list(log_rows(failed)) == [deliveries["slack"].pk]
    assert list(log_rows(dingtalk_rows)) == [deliveries["group"].pk]
    assert len(log_rows(kind)) == 7
    assert log_rows(none_of_kind) == {}
    assert "<html" not in page(searched)
    assert len(log_rows(searched)) == 10
    assert log_rows(no_match) == {}
    assert '<option value="failed" selected>Failed</option>' in page(failed)


def test_a_bad_log_filter_is_422(client, org: Org, deliveries):
    client.force_login(org.sun)

    response = client.get(url("log"), {"status": "lost", "via": "pigeon"})

    assert response.status_code == 422
    assert errors(response) == {
        "status": ["Select a valid choice. lost is not one of the available choices."],
        "via": ["Select a valid choice. pigeon is not one of the available choices."],
    }
    assert len(log_rows(response)) == 10


@pytest.mark.parametrize("extra", [0, 40])
def test_the_log_query_count_does_not_grow(
    client, org: Org, deliveries, rnd_bot, extra: int, django_assert_num_queries
):
    publish(
        [
            Event(
                key=f"extra:{number}",
                kind="channel.broken",
                people=[org.zhou, org.li],
                payload={"channel_name": "群", "reason": "x"},
            )
            for number in range(extra)
        ]
    )
    client.force_login(org.sun)

    # session, person, the bell, count, page, the people mentioned by group posts
    with django_assert_num_queries(6):
        response = client.get(url("log"))

    assert len(log_rows(response)) == min(10 + extra * 5, 30)
    assert f"{10 + extra * 5} deliveries" in page(response)


def test_unmuting_works_while_others_have_muted_too(client, org: Org, rnd_bot):
    rnd_bot.muted_by.add(org.li, org.zhou)
    client.force_login(org.zhou)

    response = client.post(url("channel_mute", rnd_bot.pk), {"on": "0"})

    assert response.status_code == 302
    assert list(rnd_bot.muted_by.all()) == [org.li]


def test_a_member_unmutes_a_bot_that_stopped_carrying_members_reminders(client, org: Org, rnd_bot):
    """Muted before the head turned members' reminders off: the mute can still be undone."""
    rnd_bot.muted_by.add(org.zhou)
    Channel.objects.filter(pk=rnd_bot.pk).update(members_too=False)
    client.force_login(org.zhou)

    shown = client.get(url("channels"))
    response = client.post(url("channel_mute", rnd_bot.pk), {"on": "0"})

    assert "Unmute for me" in card(shown, rnd_bot)
    assert response.status_code == 302
    assert list(rnd_bot.muted_by.all()) == []


@pytest.mark.parametrize(
    ("name", "args", "data"),
    [
        ("mark_all_read", (), {}),
        ("channel_switch", ("rnd_bot",), {"on": "0"}),
        ("channel_test", ("rnd_bot",), {}),
        ("channel_delete", ("rnd_bot",), {}),
        ("email_switch", (), {"on": "0"}),
    ],
)
def test_posts_need_the_csrf_token(org: Org, rnd_bot, name: str, args: tuple, data: dict):
    from django.test import Client

    broken_notice(org.li, 1)
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.li)
    before = channel_state(rnd_bot)

    response = client.post(url(name, *[rnd_bot.pk for _arg in args]), data)

    assert response.status_code == 403
    assert channel_state(rnd_bot) == before
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert Notification.objects.filter(kind="channel.test").count() == 0
    org.li.refresh_from_db()
    assert org.li.email_notifications is True


@pytest.mark.parametrize(
    ("kind", "target", "shown"),
    [
        (Kind.WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
         "https://qyapi.weixin.qq.com/…"),
        (Kind.WEBHOOK, "https://bot:pa55@hooks.example.cn:8443/x/TOKEN",
         "https://hooks.example.cn:8443/…"),
        (Kind.EMAIL, "team@example.cn", "team@example.cn"),
        (Kind.SLACK, "not a url", ""),
        (Kind.SLACK, "http://127.0.0.1:99999/x", "http://127.0.0.1/…"),
    ],
)  # fmt: skip
def test_a_channels_address_is_shown_without_its_credentials(kind: str, target: str, shown: str):
    assert selectors.target_shown(Channel(kind=kind, target=target)) == shown
