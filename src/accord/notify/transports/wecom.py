"""WeCom (企业微信) group robot: markdown of at most 4096 bytes of UTF-8 (channels.md §3).
The ``key`` in the URL is the credential; there is no signature."""

from django.utils.translation import gettext_noop

from accord.notify.transports import escape
from accord.notify.transports.base import (
    Mention,
    Message,
    Session,
    Target,
    bot_answer,
    delivery_headers,
    post,
)

MAX_BYTES = 4096  # of the markdown content, in UTF-8 bytes: a Chinese character is 3
LIMITS = ((20, 60),)  # 20 messages a minute per robot
BROKEN = {93000: gettext_noop("invalid webhook URL")}
TOO_FAST = {45009}


def _mention(person: Mention) -> str:
    wecom_id = escape.mention_id(person.wecom_id, escape.WECOM_ID)
    return f"<@{wecom_id}>" if wecom_id else f"@{escape.wecom(person.name)}"


def content(message: Message) -> str:
    head = f"**{escape.wecom(message.subject)}**\n\n"
    tail = ""
    if message.link:
        tail += f"\n\n[{escape.wecom(message.link_label or message.link)}]({message.link})"
    mentions = " ".join(_mention(person) for person in message.mentions)
    if mentions:
        tail += f"\n\n{mentions}"
    room = MAX_BYTES - len(head.encode())
    return head + escape.fit_escaped(message.text, room, escape.wecom, keep_tail=tail)


def body(message: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": content(message)}}


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http, target.address, body=body(message), headers=delivery_headers(message)
    )
    return bot_answer(
        response,
        platform=gettext_noop("WeCom"),
        code_fields=("errcode",),
        message_fields=("errmsg",),
        broken=BROKEN,
        too_fast=TOO_FAST,
    )
