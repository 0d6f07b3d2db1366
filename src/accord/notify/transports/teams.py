"""Microsoft Teams through a Workflows webhook: an Adaptive Card in a ``message``
attachment (channels.md §5). A plain ``{"text": …}`` fails the flow. 202 is success; the
answer kept is the status."""

from accord.notify.reasons import reason
from accord.notify.transports import escape
from accord.notify.transports.base import (
    Message,
    PermanentError,
    Session,
    Target,
    delivery_headers,
    fit_body,
    post,
    status_line,
)

MAX_BYTES = 28 * 1024
LIMITS = ((4, 1),)
SUCCESS = {200, 201, 202, 204}
BROKEN_STATUS = {401, 403, 404, 410}


def body(message: Message) -> dict:
    return fit_body(lambda room: card(message, room), MAX_BYTES, MAX_BYTES - 4096)


def card(message: Message, room: int) -> dict:
    """The message with at most ``room`` bytes of its text. A ``TextBlock`` is Markdown, so
    subject, text and names are escaped; the button's title is plain text."""
    blocks: list[dict] = [
        {
            "type": "TextBlock",
            "text": escape.teams(message.subject),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": escape.fit_escaped(message.text, room, escape.teams),
            "wrap": True,
        },
    ]
    if message.mentions:
        names = ", ".join(escape.teams(person.name) for person in message.mentions)
        blocks.append({"type": "TextBlock", "text": names, "wrap": True, "isSubtle": True})
    content: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": blocks,
    }
    if message.link:
        content["actions"] = [
            {
                "type": "Action.OpenUrl",
                "title": message.link_label or message.link,
                "url": message.link,
            }
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": content,
            }
        ],
    }


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        target.address,
        body=body(message),
        headers=delivery_headers(message),
        max_bytes=MAX_BYTES,
    )
    said = status_line(response)
    if response.status_code in SUCCESS:
        return said
    raise PermanentError(
        reason("http_status", status=response.status_code),
        channel_broken=response.status_code in BROKEN_STATUS,
        response=said,
    )
