"""DingTalk custom robot: markdown with @mobile mentions.

Signature (channels.md §2): ``timestamp`` in milliseconds; HMAC-SHA256 with *key = secret*
over ``f"{timestamp}\\n{secret}"``; base64, URL-encoded exactly once, in the query string.
Errors come back as HTTP 200 with a non-zero ``errcode``."""

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from django.utils.translation import gettext_noop

from accord.core import clock
from accord.notify.transports import escape
from accord.notify.transports.base import (
    Message,
    Session,
    Target,
    bot_answer,
    delivery_headers,
    fit_body,
    post,
)

MAX_BYTES = 20 * 1024
LIMITS = ((20, 60),)  # 20 messages a minute per robot
BROKEN = {
    310000: gettext_noop("signature, timestamp, keyword or IP rejected"),
    300001: gettext_noop("token does not exist"),
}
TOO_FAST = {130101}


def sign(timestamp_ms: int, secret: str) -> str:
    """The base64 signature, not yet URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def signed_url(target: Target) -> str:
    if not target.secret:
        return target.address
    timestamp = int(clock.now().timestamp() * 1000)
    joiner = "&" if "?" in target.address else "?"
    return (
        f"{target.address}{joiner}timestamp={timestamp}"
        f"&sign={quote_plus(sign(timestamp, target.secret))}"
    )


def mentions(message: Message) -> tuple[list[str], list[str], str]:
    """The mobiles and user ids to mention, and the ``@…`` that show them in the text.

    Only ids from people's profiles that :func:`~.escape.mention_id` accepts are listed:
    DingTalk mentions whom ``at`` lists, never what the text says. A person without a
    usable id is named as plain ``@name``."""
    mobiles, user_ids, shown = [], [], []
    for person in message.mentions:
        mobile = escape.mention_id(person.mobile, escape.MOBILE)
        user_id = "" if mobile else escape.mention_id(person.dingtalk_id, escape.DINGTALK_ID)
        if mobile:
            mobiles.append(mobile)
            # The @mobile must be in the text too, or DingTalk does not render the mention.
            shown.append(f"@{mobile}")
        elif user_id:
            user_ids.append(user_id)
            shown.append(f"@{user_id}")
        else:
            shown.append(f"@{escape.dingtalk(person.name)}")
    return mobiles, user_ids, " ".join(shown)


def body(message: Message) -> dict:
    mobiles, user_ids, names = mentions(message)
    head = f"#### {escape.dingtalk(message.subject)}\n\n"
    tail = ""
    if message.link:
        label = escape.dingtalk(message.link_label or message.link)
        tail += f"\n\n[{label}]({message.link})"
    if names:
        tail += f"\n\n{names}"

    def build(room: int) -> dict:
        text = head + escape.fit_escaped(message.text, room, escape.dingtalk) + tail
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.subject, "text": text},
            "at": {"atMobiles": mobiles, "atUserIds": user_ids, "isAtAll": False},
        }

    return fit_body(build, MAX_BYTES, MAX_BYTES - len((head + tail).encode()) - 512)


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        signed_url(target),
        body=body(message),
        headers=delivery_headers(message),
        max_bytes=MAX_BYTES,
    )
    return bot_answer(
        response,
        platform=gettext_noop("DingTalk"),
        code_fields=("errcode",),
        message_fields=("errmsg",),
        broken=BROKEN,
        too_fast=TOO_FAST,
    )
