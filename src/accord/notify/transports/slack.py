"""Slack incoming webhook: ``{"text": …}`` in Slack's mrkdwn (channels.md §4).
Success is HTTP 200 with the body ``ok``; errors are a plain-text token with a 4xx status
(``invalid_payload``), kept beside the status; any other body is not kept."""

import httpx

from accord.notify.reasons import reason
from accord.notify.transports import escape
from accord.notify.transports.base import (
    Mention,
    Message,
    PermanentError,
    Session,
    Target,
    delivery_headers,
    error_token,
    post,
)

MAX_BYTES = 40_000
LIMITS = ((1, 1),)  # about one message a second
BROKEN_STATUS = {403, 404, 410}
BROKEN_BODY = {"invalid_token", "channel_not_found", "channel_is_archived", "no_service"}


def _mention(person: Mention) -> str:
    slack_id = escape.mention_id(person.slack_id, escape.SLACK_ID)
    return f"<@{slack_id}>" if slack_id else f"@{escape.slack(person.name)}"


def text(message: Message) -> str:
    tail = ""
    if message.link:
        tail += f"\n\n<{message.link}|{escape.slack(message.link_label or message.link)}>"
    mentions = " ".join(_mention(person) for person in message.mentions)
    if mentions:
        tail += f"\n\n{mentions}"
    head = f"*{escape.slack(message.subject)}*\n\n"
    room = MAX_BYTES - len(head.encode())
    return head + escape.fit_escaped(message.text, room, escape.slack, keep_tail=tail)


def answer(response: httpx.Response) -> str:
    """``HTTP 404: channel_not_found``, or the status alone."""
    token = error_token(response)
    return f"HTTP {response.status_code}: {token}" if token else f"HTTP {response.status_code}"


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        target.address,
        body={"text": text(message)},
        headers=delivery_headers(message),
        describe=answer,
    )
    said = answer(response)
    if response.status_code < 300:
        return said
    token = error_token(response)
    broken = response.status_code in BROKEN_STATUS or token in BROKEN_BODY
    why = (
        reason("http_token", status=response.status_code, token=token)
        if token
        else reason("http_status", status=response.status_code)
    )
    raise PermanentError(why, channel_broken=broken, response=said)
