"""Feishu / Lark custom bot: an interactive card with a button that opens Accord.

Signature (channels.md §1): ``string_to_sign = f"{timestamp}\\n{secret}"`` is the HMAC-SHA256
*key*, the message is empty, ``sign`` is the base64 digest; both go in the JSON body.
Errors come back as HTTP 200 with a non-zero ``code``."""

import base64
import hashlib
import hmac

from django.utils.translation import gettext_noop

from accord.notify.transports import escape
from accord.notify.transports.base import (
    Mention,
    Message,
    Session,
    Target,
    bot_answer,
    delivery_headers,
    fit_body,
    now_seconds,
    post,
)

MAX_BYTES = 20 * 1024
LIMITS = ((5, 1), (100, 60))  # 5 a second and 100 a minute per bot
BROKEN = {
    19021: gettext_noop("signature or timestamp rejected"),
    19022: gettext_noop("IP not allowed"),
    19024: gettext_noop("keyword not found"),
}
TOO_FAST = {11232}


def sign(timestamp: int, secret: str) -> str:
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(string_to_sign, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _mention(person: Mention) -> str:
    feishu_id = escape.mention_id(person.feishu_id, escape.FEISHU_ID)
    return f"<at id={feishu_id}></at>" if feishu_id else f"@{escape.feishu(person.name)}"


def card(message: Message, text: str) -> dict:
    """The card around ``text``, the message's text already in ``lark_md``. The header and
    the button are ``plain_text``: they show the subject and label as they are."""
    elements: list[dict] = [{"tag": "div", "text": {"tag": "lark_md", "content": text}}]
    if message.link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {
                            "tag": "plain_text",
                            "content": message.link_label or message.link,
                        },
                        "url": message.link,
                        "type": "primary",
                    }
                ],
            }
        )
    return {
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": message.subject}},
        "elements": elements,
    }


def body(target: Target, message: Message) -> dict:
    mentions = " ".join(_mention(person) for person in message.mentions)
    tail = f"\n\n{mentions}" if mentions else ""
    signature = {}
    if target.secret:
        timestamp = now_seconds()
        signature = {"timestamp": str(timestamp), "sign": sign(timestamp, target.secret)}

    def build(room: int) -> dict:
        text = escape.fit_escaped(message.text, room, escape.feishu, keep_tail=tail)
        return {**signature, "msg_type": "interactive", "card": card(message, text)}

    # The card's text gets what is left of the 20 KB once the rest is in place.
    return fit_body(build, MAX_BYTES, MAX_BYTES - 2048)


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        target.address,
        body=body(target, message),
        headers=delivery_headers(message),
        max_bytes=MAX_BYTES,
    )
    return bot_answer(
        response,
        platform=gettext_noop("Feishu"),
        code_fields=("code", "StatusCode"),
        message_fields=("msg", "StatusMessage"),
        broken=BROKEN,
        too_fast=TOO_FAST,
    )
