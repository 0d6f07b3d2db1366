"""Every delivery channel against a real receiver on 127.0.0.1 that checks the wire facts of
``shared/reference/channels.md`` exactly: signatures, field names, size limits, and the
answers each platform gives (HTTP-200 error codes, 429 with ``Retry-After``).

Notices are made through the real paths (scheduling a meeting, ``outbox.publish``) and
delivered by ``Worker().run(once=True)`` (S-PREP-3, S-POST-3, S-TRACK-1)."""

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import threading
import urllib.parse

import icalendar
import pytest
from aiosmtpd.controller import Controller
from conftest import NOW
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from notify.channels import group_bot, own_channel
from notify.receivers import Answer, HttpReceiver, free_port

from accord.core import clock
from accord.meetings import services as meetings
from accord.meetings.models import Meeting
from accord.notify import services as notify
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, publish
from accord.notify.transports import feishu
from accord.notify.worker import Worker
from accord.org import services as org_services
from accord.org.models import Person

Status = Notification.Status
TITLE = "Q3产品上线跨部门协作启动会"
LI_MOBILE, ZHOU_MOBILE = "13800001111", "13900002222"


@pytest.fixture(autouse=True)
def english_installation(settings):
    """Group bots speak the installation's language; English keeps the texts assertable."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def people(org):
    """Li and Zhou (R&D) with their mobiles and platform ids, as an administrator keeps them."""
    org_services.person_update(
        actor=org.admin,
        person=org.li,
        mobile=LI_MOBILE,
        feishu_id="ou_li",
        wecom_id="li.zhuguan",
        slack_id="U0LI",
    )
    org_services.person_update(
        actor=org.admin,
        person=org.zhou,
        mobile=ZHOU_MOBILE,
        feishu_id="ou_zhou",
        wecom_id="zhou.gcs",
        slack_id="U0ZHOU",
    )
    org.li.refresh_from_db()
    org.zhou.refresh_from_db()
    return org


def schedule(org, meeting):
    """Scheduling announces the meeting: R&D's bot gets one post mentioning Li and Zhou."""
    return meetings.meeting_schedule(actor=org.sun, meeting=meeting)


def meeting_link(meeting) -> str:
    return settings.BASE_URL + reverse("meetings:detail", args=[meeting.pk])


def the_row(channel: Channel) -> Notification:
    return Notification.objects.get(channel=channel)


def broken_notices() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind="channel.broken").values_list("recipient__username", "via")
    )


def assert_switched_off(channel: Channel, reason: str, org) -> None:
    """The channel (R&D's group bot) stopped with the reason, and its keepers (R&D's head,
    the PMO and the administrator) were told in the app, with the department's name;
    nobody else was."""
    channel.refresh_from_db()
    assert channel.enabled is False
    assert channel.disabled_reason == reason
    assert broken_notices() == [("admin", "in_app"), ("li", "in_app"), ("sun", "in_app")]
    notice = Notification.objects.get(kind="channel.broken", recipient=org.li)
    assert notice.status == Status.SENT
    assert notice.payload["why"]["code"] == channel.disabled_code
    assert {key: value for key, value in notice.payload.items() if key != "why"} == {
        "channel_name": channel.name,
        "reason": reason,
        "department_name": "研发部",
    }


def assert_still_on(channel: Channel) -> None:
    channel.refresh_from_db()
    assert channel.enabled is True
    assert channel.disabled_reason == ""
    assert broken_notices() == []


# -- Feishu / Lark ---------------------------------------------------------------------------

FEISHU_OK = {"code": 0, "data": {}, "msg": "success"}
FEISHU_SIGN_FAIL = {
    "code": 19021,
    "data": {},
    "msg": "sign match fail or timestamp is not within one hour from current time",
}


def feishu_expected_sign(timestamp: str, secret: str) -> str:
    """channels.md §1, written out here on its own: key = f"{timestamp}\\n{secret}", empty
    message, standard base64."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def feishu_bot(secret: str):
    """A Feishu custom bot: checks the timestamp (seconds, within an hour of now) and the
    signature, and answers HTTP 200 with a ``code`` either way."""

    def answer(request):
        body = request.json()
        timestamp = body.get("timestamp", "")
        fresh = timestamp.isdigit() and abs(int(timestamp) - clock.now().timestamp()) <= 3600
        if not fresh or body.get("sign") != feishu_expected_sign(timestamp, secret):
            return Answer(200, FEISHU_SIGN_FAIL)
        if len(request.body) > 20 * 1024 or body.get("msg_type") != "interactive":
            return Answer(200, {"code": 9499, "data": {}, "msg": "Bad Request"})
        return Answer(200, FEISHU_OK)

    return answer


def test_feishu_signature_reproduces_the_test_vector():
    assert feishu.sign(1599360473, "demo") == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
    assert feishu_expected_sign("1599360473", "demo") == feishu.sign(1599360473, "demo")


def test_feishu_card_is_signed_and_opens_the_meeting(people, draft_meeting):
    """S-PREP-3: the invitation reaches R&D's Feishu group as an interactive card."""
    org = people
    with HttpReceiver(feishu_bot("feishu-secret")) as bot:
        channel = group_bot(
            org, "feishu", bot.url + "/open-apis/bot/v2/hook/tok", secret="feishu-secret"
        )
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["sent"] == 1
    assert counts["failed"] == 0
    [request] = bot.requests
    assert request.path == "/open-apis/bot/v2/hook/tok"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    body = request.json()
    assert body["timestamp"] == str(int(NOW.timestamp()))
    assert body["sign"] == feishu_expected_sign(body["timestamp"], "feishu-secret")
    assert body["msg_type"] == "interactive"
    assert "content" not in body
    assert set(body) == {"timestamp", "sign", "msg_type", "card"}
    card = body["card"]
    assert card["header"]["title"] == {"tag": "plain_text", "content": f"Invitation: {TITLE}"}
    text = card["elements"][0]["text"]
    assert text["tag"] == "lark_md"
    assert text["content"].startswith(f"You are invited: {TITLE}, 2026-09-09 14:00 (Wednesday)")
    assert text["content"].endswith("\n\n<at id=ou_li></at> <at id=ou_zhou></at>")
    [button] = card["elements"][1]["actions"]
    assert button["tag"] == "button"
    assert button["url"] == meeting_link(draft_meeting)
    assert button["text"] == {"tag": "plain_text", "content": "Open the meeting"}
    assert len(request.body) <= 20 * 1024

    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.attempts == 1
    assert row.last_error == ""
    assert row.response == "HTTP 200, code 0: success"
    assert row.sent_at == NOW
    assert_still_on(channel)


def long_goal(meeting, goal: str) -> None:
    """A goal longer than the service takes today, as a row stored before the limit was set
    would hold: the transports still cut what they send to each channel's size."""
    Meeting.objects.filter(pk=meeting.pk).update(goal=goal)
    meeting.refresh_from_db()


def test_feishu_long_text_is_cut_to_20_kb_keeping_button_and_mentions(people, draft_meeting):
    org = people
    long_goal(draft_meeting, "确定分工。" * 3000)
    with HttpReceiver(feishu_bot("s")) as bot:
        channel = group_bot(org, "feishu", bot.url + "/hook", secret="s")
        schedule(org, draft_meeting)
        Worker().run(once=True)

    [request] = bot.requests
    assert 18 * 1024 < len(request.body) <= 20 * 1024
    card = request.json()["card"]
    content = card["elements"][0]["text"]["content"]
    assert content.endswith("…\n\n<at id=ou_li></at> <at id=ou_zhou></at>")
    assert card["elements"][1]["actions"][0]["url"] == meeting_link(draft_meeting)
    assert the_row(channel).status == Status.SENT


@pytest.mark.parametrize(
    ("kind", "limit", "ok"),
    [
        ("feishu", 20 * 1024, Answer(200, FEISHU_OK)),
        ("dingtalk", 20 * 1024, Answer(200, {"errcode": 0, "errmsg": "ok"})),
        ("teams", 28 * 1024, Answer(202, b"")),
    ],
)
def test_text_full_of_quotes_and_line_breaks_is_cut_to_fit_on_the_wire(
    people, draft_meeting, kind, limit, ok
):
    """JSON escapes make such a text longer on the wire than in UTF-8; it is cut further
    rather than refused."""
    org = people
    long_goal(draft_meeting, '第"1"项\n' * 2500)
    with HttpReceiver(lambda r: ok if len(r.body) <= limit else Answer(413, "too large")) as bot:
        channel = group_bot(org, kind, bot.url + "/hook", secret="SECs" if kind != "teams" else "")
        schedule(org, draft_meeting)
        Worker().run(once=True)

    [request] = bot.requests
    assert 0.9 * limit < len(request.body) <= limit  # cut, not emptied
    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.last_error == ""


def test_feishu_wrong_secret_fails_and_switches_the_channel_off(people, scheduled_meeting):
    """HTTP 200 with code 19021 is a failure: the row fails, the channel stops with the
    reason, its keepers are told in the app, and the rest of the batch does not go to it."""
    org = people
    with HttpReceiver(feishu_bot("the-right-secret")) as bot:
        channel = group_bot(org, "feishu", bot.url + "/hook", secret="a-wrong-secret")
        # two notices for the bot in one batch
        publish(
            [
                Event(
                    key=f"materials:meeting:{scheduled_meeting.pk}:{n}",
                    kind="meeting.materials",
                    departments=[org.rnd],
                    meeting_id=scheduled_meeting.pk,
                )
                for n in (1, 2)
            ]
        )
        counts = Worker().run(once=True)

    assert len(bot.requests) == 1  # the second notice was not sent to a broken channel
    assert counts["sent"] == 0
    assert counts["failed"] == 2
    reason = (
        "Feishu 19021: signature or timestamp rejected "
        "(sign match fail or timestamp is not within one hour from current time)"
    )
    first, second = Notification.objects.filter(channel=channel).order_by("id")
    assert first.status == Status.FAILED
    assert first.attempts == 1
    assert first.last_error == reason
    assert first.response == (
        "HTTP 200, code 19021: "
        "sign match fail or timestamp is not within one hour from current time"
    )
    assert first.sent_at is None
    assert second.status == Status.FAILED
    assert second.last_error == f"the channel is switched off: {reason}"
    assert second.sent_at is None
    assert_switched_off(channel, reason, org)


def test_feishu_too_fast_waits_a_minute_and_then_goes(people, draft_meeting):
    org = people
    answers = iter(
        [
            Answer(200, {"code": 11232, "data": {}, "msg": "frequency limited psm[lark.oapi]"}),
            Answer(200, FEISHU_OK),
        ]
    )
    with HttpReceiver(lambda request: next(answers)) as bot:
        channel = group_bot(org, "feishu", bot.url + "/hook", secret="s")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)
        row = the_row(channel)
        assert counts["failed"] == 0
        assert row.status == Status.PENDING
        assert row.send_after - NOW >= dt.timedelta(seconds=60)
        assert row.attempts == 0  # asked to slow down: not a failed try
        assert row.last_error == "Feishu 11232: frequency limited psm[lark.oapi]"
        assert_still_on(channel)

        with clock.frozen(NOW + dt.timedelta(seconds=59)):
            assert Worker().run(once=True)["sent"] == 0
        assert len(bot.requests) == 1
        with clock.frozen(row.send_after):
            assert Worker().run(once=True)["sent"] == 1

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.last_error == ""
    assert len(bot.requests) == 2


# -- DingTalk --------------------------------------------------------------------------------

DINGTALK_OK = {"errcode": 0, "errmsg": "ok"}


def dingtalk_expected_sign(timestamp: str, secret: str) -> str:
    """channels.md §2: key = secret, message = f"{timestamp}\\n{secret}", base64."""
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


NOW_MS = str(int(NOW.timestamp() * 1000))
# A secret whose signature at NOW has a '+' (and so shows whether it is encoded once).
PLUS_SECRET = next(
    secret
    for secret in (f"SEC{n:04d}" for n in range(1000))
    if "+" in dingtalk_expected_sign(NOW_MS, secret)
)


def raw_params(raw_query: str) -> dict[str, str]:
    """The query string as sent, nothing decoded."""
    return dict(part.split("=", 1) for part in raw_query.split("&"))


def dingtalk_bot(secret: str, *, per_minute: int = 20):
    """A DingTalk robot: checks ``timestamp`` (ms, within an hour) and ``sign`` in the raw
    query (URL-encoded exactly once), and 20 messages a minute."""
    sent: list[float] = []
    lock = threading.Lock()

    def answer(request):
        params = raw_params(request.raw_query)
        timestamp, raw_sign = params.get("timestamp", ""), params.get("sign", "")
        expected = urllib.parse.quote(dingtalk_expected_sign(timestamp, secret), safe="")
        fresh = timestamp.isdigit() and abs(int(timestamp) - clock.now().timestamp() * 1000) < 3.6e6
        if not fresh or raw_sign != expected or "%25" in raw_sign:
            return Answer(200, {"errcode": 310000, "errmsg": "sign not match"})
        now = clock.now().timestamp()
        with lock:
            if len([t for t in sent if t > now - 60]) >= per_minute:
                return Answer(
                    200,
                    {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
                )
            sent.append(now)
        return Answer(200, DINGTALK_OK)

    return answer


def test_dingtalk_signs_in_the_query_encoded_once_with_markdown_and_mobiles(people, draft_meeting):
    org = people
    assert "+" in dingtalk_expected_sign(NOW_MS, PLUS_SECRET)
    with HttpReceiver(dingtalk_bot(PLUS_SECRET)) as bot:
        channel = group_bot(
            org, "dingtalk", bot.url + "/robot/send?access_token=tok", secret=PLUS_SECRET
        )
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["sent"] == 1
    [request] = bot.requests
    params = raw_params(request.raw_query)
    assert params["access_token"] == "tok"
    assert params["timestamp"] == NOW_MS
    assert "%2B" in params["sign"]
    assert "+" not in params["sign"]
    assert "%25" not in params["sign"]
    assert urllib.parse.unquote(params["sign"]) == dingtalk_expected_sign(NOW_MS, PLUS_SECRET)
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    body = request.json()
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == f"Invitation: {TITLE}"
    text = body["markdown"]["text"]
    assert text.startswith(f"#### Invitation: {TITLE}\n\nYou are invited: {TITLE}")
    assert f"[Open the meeting]({meeting_link(draft_meeting)})" in text
    assert text.endswith(f"@{LI_MOBILE} @{ZHOU_MOBILE}")
    assert body["at"] == {"atMobiles": [LI_MOBILE, ZHOU_MOBILE], "atUserIds": [], "isAtAll": False}

    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.response == "HTTP 200, errcode 0: ok"
    assert_still_on(channel)


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        (310000, "keywords not in content", "signature, timestamp, keyword or IP rejected"),
        (300001, "token is not exist", "token does not exist"),
    ],
)
def test_dingtalk_broken_bot_fails_and_switches_off(people, draft_meeting, code, message, reason):
    org = people
    with HttpReceiver(lambda r: Answer(200, {"errcode": code, "errmsg": message})) as bot:
        channel = group_bot(org, "dingtalk", bot.url + "/robot/send?access_token=t", "SECx")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert len(bot.requests) == 1
    assert counts["failed"] == 1
    row = the_row(channel)
    assert row.status == Status.FAILED
    assert row.last_error == f"DingTalk {code}: {reason} ({message})"
    assert row.response == f"HTTP 200, errcode {code}: {message}"
    assert_switched_off(channel, row.last_error, org)


def test_dingtalk_too_fast_is_tried_again_later(people, draft_meeting):
    org = people
    too_fast = {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
    with HttpReceiver(lambda r: Answer(200, too_fast)) as bot:
        channel = group_bot(org, "dingtalk", bot.url + "/robot/send?access_token=t", "SECx")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert len(bot.requests) == 1
    assert counts["failed"] == 0
    row = the_row(channel)
    assert row.status == Status.PENDING
    assert row.send_after == NOW + dt.timedelta(seconds=60)
    assert row.attempts == 0
    assert row.last_error == "DingTalk 130101: send too fast, exceed 20 times per minute"
    assert row.sent_at is None
    assert_still_on(channel)


# -- WeCom -----------------------------------------------------------------------------------


def wecom_bot(request):
    """A WeCom group robot: the key is the credential; markdown content ≤ 4096 bytes."""
    if raw_params(request.raw_query).get("key") != "good-key":
        return Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [x]"})
    content = request.json()["markdown"]["content"]
    if len(content.encode()) > 4096:
        return Answer(200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"})
    return Answer(200, {"errcode": 0, "errmsg": "ok"})


def test_wecom_markdown_is_cut_to_4096_bytes_keeping_link_and_mentions(people, draft_meeting):
    org = people
    long_goal(draft_meeting, "确定第三季度分工" * 400)
    with HttpReceiver(wecom_bot) as bot:
        channel = group_bot(org, "wecom", bot.url + "/cgi-bin/webhook/send?key=good-key")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["sent"] == 1
    [request] = bot.requests
    body = request.json()
    assert set(body) == {"msgtype", "markdown"}
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert 4096 - 3 <= len(content.encode()) <= 4096  # cut on a character, not short
    assert content.startswith(f"**Invitation: {TITLE}**\n\nYou are invited: {TITLE}")
    assert content.endswith(
        f"…\n\n[Open the meeting]({meeting_link(draft_meeting)})\n\n<@li.zhuguan> <@zhou.gcs>"
    )
    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.response == "HTTP 200, errcode 0: ok"


def test_wecom_invalid_key_switches_the_channel_off(people, draft_meeting):
    org = people
    with HttpReceiver(wecom_bot) as bot:
        channel = group_bot(org, "wecom", bot.url + "/cgi-bin/webhook/send?key=deleted")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["failed"] == 1
    row = the_row(channel)
    assert row.status == Status.FAILED
    assert row.last_error == "WeCom 93000: invalid webhook URL (invalid webhook url, hint: [x])"
    assert_switched_off(channel, row.last_error, org)


# -- Slack -----------------------------------------------------------------------------------


def test_slack_posts_text_and_records_ok(people, draft_meeting):
    org = people
    with HttpReceiver(lambda r: Answer(200, "ok")) as hook:
        channel = group_bot(org, "slack", hook.url + "/services/T0/B0/x")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["sent"] == 1
    [request] = hook.requests
    body = request.json()
    assert set(body) == {"text"}
    text = body["text"]
    assert text.startswith(f"*Invitation: {TITLE}*\n\nYou are invited: {TITLE}")
    assert text.endswith(
        f"\n\n<{meeting_link(draft_meeting)}|Open the meeting>\n\n<@U0LI> <@U0ZHOU>"
    )
    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.response == "HTTP 200: ok"


def test_slack_429_waits_exactly_retry_after_and_is_no_failure(people, draft_meeting):
    org = people
    with HttpReceiver(lambda r: Answer(429, "rate_limited", {"Retry-After": "120"})) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T0/B0/x")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert len(hook.requests) == 1
    assert counts["failed"] == 0
    assert counts["retried"] == 0
    row = the_row(channel)
    assert row.status == Status.PENDING
    assert row.send_after == NOW + dt.timedelta(seconds=120)
    assert row.attempts == 0  # asked to slow down: not a failed try
    assert row.last_error == "HTTP 429: too many requests"
    assert row.response == "HTTP 429: rate_limited"
    assert row.sent_at is None
    assert_still_on(channel)


def test_slack_channel_not_found_switches_off(people, draft_meeting):
    org = people
    with HttpReceiver(lambda r: Answer(404, "channel_not_found")) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T0/B0/x")
        schedule(org, draft_meeting)
        Worker().run(once=True)

    row = the_row(channel)
    assert row.status == Status.FAILED
    assert row.last_error == "HTTP 404: channel_not_found"
    assert row.response == "HTTP 404: channel_not_found"
    channel.refresh_from_db()
    assert channel.enabled is False
    assert channel.disabled_reason == "HTTP 404: channel_not_found"
    # a person's own channel: its owner and the administrator are told
    assert broken_notices() == [("admin", "in_app"), ("li", "in_app")]


def test_slack_invalid_payload_fails_the_row_but_keeps_the_channel(people, draft_meeting):
    org = people
    with HttpReceiver(lambda r: Answer(400, "invalid_payload")) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T0/B0/x")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert len(hook.requests) == 1
    assert counts["failed"] == 1
    row = the_row(channel)
    assert row.status == Status.FAILED
    assert row.last_error == "HTTP 400: invalid_payload"
    assert row.attempts == 1
    assert_still_on(channel)


# -- Teams -----------------------------------------------------------------------------------


def test_teams_workflows_card_is_accepted_with_202(people, draft_meeting):
    org = people
    with HttpReceiver(lambda r: Answer(202, b"")) as flow:
        channel = group_bot(org, "teams", flow.url + "/workflows/abc/triggers/manual/run")
        schedule(org, draft_meeting)
        counts = Worker().run(once=True)

    assert counts["sent"] == 1
    [request] = flow.requests
    body = request.json()
    assert set(body) == {"type", "attachments"}
    assert body["type"] == "message"
    [attachment] = body["attachments"]
    assert set(attachment) == {"contentType", "contentUrl", "content"}
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.2"
    assert [block["type"] for block in card["body"]] == ["TextBlock"] * 3
    assert all(block["wrap"] is True for block in card["body"])
    assert card["body"][0]["text"] == f"Invitation: {TITLE}"
    assert card["body"][2]["text"] == "李主管, 周工程师"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open the meeting", "url": meeting_link(draft_meeting)}
    ]
    row = the_row(channel)
    assert row.status == Status.SENT
    assert row.response == "HTTP 202"


# -- signed webhook --------------------------------------------------------------------------


def webhook_receiver(secret: str, answers: list[Answer]):
    """Recomputes ``X-Accord-Signature`` over f"{timestamp}." + the raw body; a bad one
    gets 401. Otherwise answers from ``answers`` in turn."""
    replies = iter(answers)

    def answer(request):
        timestamp = request.headers.get("x-accord-timestamp", "")
        mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256)
        if request.headers.get("x-accord-signature") != "sha256=" + mac.hexdigest():
            return Answer(401, "bad signature")
        return next(replies)

    return answer


def test_webhook_is_signed_and_a_repeat_keeps_its_delivery_id(people, draft_meeting):
    org = people
    receiver = webhook_receiver("whsec", [Answer(503, "busy"), Answer(200, "received")])
    with HttpReceiver(receiver) as hook:
        channel = own_channel(org.li, "webhook", hook.url + "/accord", secret="whsec")
        schedule(org, draft_meeting)
        Worker().run(once=True)
        row = the_row(channel)
        assert row.status == Status.PENDING
        assert row.last_error == "HTTP 503"
        with clock.frozen(row.send_after):
            Worker().run(once=True)

    first, second = hook.requests
    delivery = hashlib.sha256(row.key.encode()).hexdigest()[:32]
    assert first.headers["x-accord-delivery"] == delivery
    assert second.headers["x-accord-delivery"] == delivery
    assert first.headers["x-accord-timestamp"] == str(int(NOW.timestamp()))
    assert second.headers["x-accord-timestamp"] == str(int(NOW.timestamp()) + 30)
    assert first.headers["content-type"] == "application/json; charset=utf-8"
    assert first.json() == second.json()
    assert first.json() == {
        "id": delivery,
        "event": "meeting.invitation",
        "language": "en",
        "subject": f"Invitation: {TITLE}",
        "text": first.json()["text"],
        "link": meeting_link(draft_meeting),
        "mentions": [],
        "data": {"sequence": 0},
    }
    assert first.json()["text"].startswith(f"You are invited: {TITLE}")
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert row.response == "HTTP 200"  # the receiver's body is not kept


def test_webhook_with_a_wrong_secret_is_refused_and_switched_off(people, draft_meeting):
    org = people
    with HttpReceiver(webhook_receiver("the-receivers-secret", [])) as hook:
        channel = own_channel(org.li, "webhook", hook.url + "/accord", secret="another")
        schedule(org, draft_meeting)
        Worker().run(once=True)

    row = the_row(channel)
    assert row.status == Status.FAILED
    assert row.last_error == "HTTP 401"
    assert row.response == "HTTP 401"  # not the receiver's "bad signature"
    channel.refresh_from_db()
    assert channel.enabled is False


# -- e-mail ----------------------------------------------------------------------------------


def with_email(org, **locales):
    for username, locale in locales.items():
        person = getattr(org, username)
        org_services.person_update(
            actor=org.admin, person=person, email=f"{username}@example.cn", locale=locale
        )
    org_services.person_update(actor=org.admin, person=org.sun, email="sun@example.cn")


def message_id_of(row: Notification) -> str:
    return f"<{hashlib.sha256(row.key.encode()).hexdigest()[:32]}@localhost>"


def test_email_invitation_in_each_readers_language_with_ics(org, draft_meeting, smtp, settings):
    """S-PREP-3: each invitee gets text and HTML in their language and a calendar REQUEST."""
    settings.ACCORD_WORKER_SMTP_CONNECTIONS = 1
    with_email(org, li="en", zhou="zh-hans")
    schedule(org, draft_meeting)
    counts = Worker().run(once=True)

    assert counts["sent"] == 2
    assert counts["failed"] == 0
    assert smtp.greetings == 1  # one connection serves the batch
    by_to = {mail["To"].addresses[0].addr_spec: mail for mail in smtp.messages}
    assert sorted(by_to) == ["li@example.cn", "zhou@example.cn"]
    li_mail, zhou_mail = by_to["li@example.cn"], by_to["zhou@example.cn"]
    assert li_mail["Subject"] == f"Invitation: {TITLE}"
    assert li_mail["Content-Language"] == "en"
    assert zhou_mail["Content-Language"] == "zh-hans"
    assert zhou_mail["Subject"] == f"会议邀请：{TITLE}"
    assert li_mail["From"] == "Accord <accord@localhost>"
    assert li_mail["Auto-Submitted"] == "auto-generated"

    li_row = Notification.objects.get(via="email", recipient=org.li)
    assert li_mail["Message-ID"] == message_id_of(li_row)
    assert li_row.status == Status.SENT
    assert li_row.response == f"250 accepted as {message_id_of(li_row)}"

    for mail, language in ((li_mail, "en"), (zhou_mail, "zh-hans")):
        types = [part.get_content_type() for part in mail.walk()]
        assert "text/plain" in types
        assert "text/html" in types
        html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_content()
        assert f'<html lang="{language}">' in html
        assert meeting_link(draft_meeting) in html
        plain = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
        assert meeting_link(draft_meeting) in plain.get_content()

        [inline] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
        assert inline.get_param("method") == "REQUEST"
        [attached] = [p for p in mail.walk() if p.get_filename() == "invite.ics"]
        assert attached.get_content_disposition() == "attachment"
        calendar = icalendar.Calendar.from_ical(attached.get_payload(decode=True))
        assert icalendar.Calendar.from_ical(inline.get_payload(decode=True)) == calendar
        assert str(calendar["METHOD"]) == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"meeting-{draft_meeting.pk}@127.0.0.1"
        assert int(event["SEQUENCE"]) == 0
        assert str(event["SUMMARY"]) == TITLE
        assert event.decoded("DTSTART") == dt.datetime(2026, 9, 9, 6, 0, tzinfo=dt.UTC)
        assert str(event["ORGANIZER"]) == "mailto:sun@example.cn"
        attendees = sorted(str(a) for a in event["ATTENDEE"])
        assert attendees == ["mailto:li@example.cn", "mailto:zhou@example.cn"]
        for attendee in event["ATTENDEE"]:
            assert attendee.params["RSVP"] == "TRUE"
            assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_batch_of_email_goes_over_several_connections_and_each_row_is_recorded(
    org, draft_meeting, smtp, settings
):
    """Three SMTP lanes: the invitations to 6 attendees with an address go out once each
    over at most 3 connections; the one whose stored address is malformed fails with the reason, and each
    row's outcome is recorded."""
    settings.ACCORD_WORKER_SMTP_CONNECTIONS = 3
    with_email(org, li="en", zhou="zh-hans", wang="zh-hans", zhang="en", chen="en", liu="en")
    Person.objects.filter(pk=org.chen.pk).update(email="chen@@example.cn")  # past the checks
    schedule(org, draft_meeting)
    counts = Worker().run(once=True)

    rows = Notification.objects.filter(via="email", kind="meeting.invitation")
    assert (counts["sent"], counts["failed"]) == (5, 1)
    received = sorted(to for _sender, tos in smtp.envelopes for to in tos)
    assert received == [
        "li@example.cn",
        "liu@example.cn",
        "wang@example.cn",
        "zhang@example.cn",
        "zhou@example.cn",
    ]
    assert 1 <= smtp.greetings <= 3
    for row in rows.exclude(recipient=org.chen):
        assert (row.status, row.attempts, row.claimed_by) == (Status.SENT, 1, "")
        assert row.response == f"250 accepted as {message_id_of(row)}"
    bad = rows.get(recipient=org.chen)
    assert (bad.status, bad.attempts) == (Status.FAILED, 1)
    assert bad.last_error == "malformed address: chen@@example.cn"


class ScriptedSmtp:
    """An aiosmtpd server that answers each DATA from a script (then 250), keeping every
    message it was given, accepted or not."""

    def __init__(self, answers: list[str]) -> None:
        self.messages = []
        self.answers = list(answers)
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                sink.messages.append(
                    email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                )
                return sink.answers.pop(0) if sink.answers else "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def point_mail_at(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    settings.ACCORD_NOTIFY_EMAIL = True


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="synchronous_commit is PostgreSQL's",
)
def test_a_batch_records_without_waiting_for_the_disk_and_restores_the_setting(
    org, draft_meeting, smtp
):
    """PostgreSQL: the batch's bookkeeping runs with synchronous_commit off, and the
    connection is left as it was found."""
    with_email(org, li="en", zhou="zh-hans")
    schedule(org, draft_meeting)
    with CaptureQueriesContext(connection) as queries:
        counts = Worker().run(once=True)

    assert counts["sent"] == 2
    sql = [q["sql"] for q in queries.captured_queries]
    off = sql.index("SET synchronous_commit TO off")
    back = sql.index("SET synchronous_commit TO DEFAULT")
    outcomes = [i for i, q in enumerate(sql) if q.startswith('UPDATE "notify_notification"')]
    assert off < min(outcomes[-4:]) and max(outcomes) < back
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_email_from_an_international_domain_keeps_an_ascii_message_id(
    org, draft_meeting, smtp, settings
):
    """A sender's domain in Chinese goes out IDNA-encoded, in the envelope, the From header
    and the Message-ID alike (an encoded word would not be a Message-ID)."""
    settings.DEFAULT_FROM_EMAIL = "协作平台 <accord@例子.cn>"
    with_email(org, li="en")
    schedule(org, draft_meeting)
    assert Worker().run(once=True)["sent"] == 1

    [mail] = smtp.messages
    row = Notification.objects.get(via="email", recipient=org.li)
    key = hashlib.sha256(row.key.encode()).hexdigest()[:32]
    assert mail["Message-ID"] == f"<{key}@xn--fsqu00a.cn>"
    assert smtp.envelopes == [("accord@xn--fsqu00a.cn", ["li@example.cn"])]
    assert mail["From"].addresses[0].display_name == "协作平台"
    assert mail["From"].addresses[0].addr_spec == "accord@xn--fsqu00a.cn"


def test_email_resend_keeps_the_message_id(org, draft_meeting, settings):
    """A refused mail fails; sent again from the delivery log it carries the same
    Message-ID, so a mail system that saw the first can drop the second."""
    with ScriptedSmtp(["554 5.7.1 rejected as spam"]) as server:
        point_mail_at(settings, server.port)
        with_email(org, li="en")
        schedule(org, draft_meeting)
        Worker().run(once=True)
        row = Notification.objects.get(via="email", recipient=org.li)
        assert row.status == Status.FAILED
        assert row.last_error == "SMTP 554: 5.7.1 rejected as spam"

        notify.notification_resend(actor=org.sun, notification=row)
        Worker().run(once=True)

    row.refresh_from_db()
    assert row.status == Status.SENT
    first, second = server.messages
    assert first["Message-ID"] == second["Message-ID"] == message_id_of(row)


def test_email_unreachable_server_retries_then_fails_and_loses_nothing(
    org, draft_meeting, settings
):
    settings.ACCORD_NOTIFY_MAX_ATTEMPTS = 3
    point_mail_at(settings, free_port())  # nothing listens there
    with_email(org, li="en")
    schedule(org, draft_meeting)
    counts = Worker().run(once=True)

    assert counts["retried"] == 1
    row = Notification.objects.get(via="email", recipient=org.li)
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert "unreachable" in row.last_error
    assert row.send_after == NOW + dt.timedelta(seconds=30)

    with clock.frozen(NOW + dt.timedelta(seconds=30)):
        Worker().run(once=True)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 2)
    assert row.send_after == NOW + dt.timedelta(seconds=90)

    with clock.frozen(NOW + dt.timedelta(seconds=90)):
        counts = Worker().run(once=True)
    row.refresh_from_db()
    assert counts["failed"] == 1
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert "unreachable" in row.last_error
    assert row.sent_at is None

    # nothing lost: once the server is back, the notice goes out from the delivery log
    with ScriptedSmtp([]) as server:
        point_mail_at(settings, server.port)
        notify.notification_resend(actor=org.sun, notification=row)
        Worker().run(once=True)
    row.refresh_from_db()
    assert row.status == Status.SENT
    [mail] = server.messages
    assert mail["Message-ID"] == message_id_of(row)


# -- the test message ------------------------------------------------------------------------


def test_send_test_returns_the_row_with_the_channels_answer(people):
    org = people
    with HttpReceiver(dingtalk_bot("SECtest")) as bot:
        channel = group_bot(org, "dingtalk", bot.url + "/robot/send?access_token=t", "SECtest")
        row = notify.channel_send_test(actor=org.sun, channel=channel)

    assert row.status == Status.SENT
    assert row.kind == "channel.test"
    assert row.channel == channel
    assert row.recipient == org.sun
    assert row.response == "HTTP 200, errcode 0: ok"
    [request] = bot.requests
    body = request.json()
    assert body["markdown"]["title"] == "Accord test message"
    assert "This channel works: 研发群 dingtalk, set up by" in body["markdown"]["text"]


def test_send_test_shows_what_a_broken_channel_answered(people):
    org = people
    with HttpReceiver(lambda r: Answer(404, "channel_not_found")) as hook:
        channel = own_channel(org.li, "slack", hook.url + "/services/T0/B0/x")
        row = notify.channel_send_test(actor=org.li, channel=channel)

    assert row.status == Status.FAILED
    assert row.response == "HTTP 404: channel_not_found"
    assert row.last_error == "HTTP 404: channel_not_found"
    assert len(hook.requests) == 1
