"""DingTalk custom robot: markdown with @mobile mentions.

Signature (channels.md §2): ``timestamp`` in milliseconds; HMAC-SHA256 with *key = secret*
over ``f"{timestamp}\\n{secret}"``; base64, URL-encoded exactly once, in the query string.
Errors come back as HTTP 200 with a non-zero ``errcode``."""

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from accord.core import clock
from accord.notify.transports.base import (
    Message,
    Session,
    Target,
    bot_answer,
    delivery_headers,
    fit_body,
    fit_bytes,
    post,
)

MAX_BYTES = 20 * 1024
LIMITS = ((20, 60),)  # 20 messages a minute per robot
BROKEN = {310000: "signature, timestamp, keyword or IP rejected", 300001: "token does not exist"}
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


def body(message: Message) -> dict:
    mobiles = [person.mobile for person in message.mentions if person.mobile]
    user_ids = [
        person.dingtalk_id
        for person in message.mentions
        if person.dingtalk_id and not person.mobile
    ]
    # The @mobile must be in the text too, or DingTalk does not render the mention.
    names = " ".join(
        f"@{person.mobile}" if person.mobile else f"@{person.dingtalk_id or person.name}"
        for person in message.mentions
    )
    parts = [f"#### {message.subject}", "{text}"]
    if message.link:
        parts.append(f"[{message.link_label or message.link}]({message.link})")
    if names:
        parts.append(names)
    frame = "\n\n".join(parts)

    def build(room: int) -> dict:
        text = frame.replace("{text}", fit_bytes(message.text, room))
        return {
            "msgtype": "markdown",
            "markdown": {"title": message.subject, "text": text},
            "at": {"atMobiles": mobiles, "atUserIds": user_ids, "isAtAll": False},
        }

    return fit_body(build, MAX_BYTES, MAX_BYTES - len(frame.encode()) - 512)


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
        platform="DingTalk",
        code_fields=("errcode",),
        message_fields=("errmsg",),
        broken=BROKEN,
        too_fast=TOO_FAST,
    )
