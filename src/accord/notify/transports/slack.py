"""Slack incoming webhook: ``{"text": …}`` in Slack's mrkdwn (channels.md §4).
Success is HTTP 200 with the body ``ok``; errors are plain text with a 4xx status."""

from accord.notify.transports.base import (
    Message,
    PermanentError,
    Session,
    Target,
    delivery_headers,
    fit_bytes,
    post,
    short,
)

MAX_BYTES = 40_000
LIMITS = ((1, 1),)  # about one message a second
BROKEN_STATUS = {403, 404, 410}
BROKEN_BODY = {"invalid_token", "channel_not_found", "channel_is_archived", "no_service"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text(message: Message) -> str:
    tail = ""
    if message.link:
        tail += f"\n\n<{message.link}|{_escape(message.link_label or message.link)}>"
    mentions = " ".join(
        f"<@{person.slack_id}>" if person.slack_id else f"@{_escape(person.name)}"
        for person in message.mentions
    )
    if mentions:
        tail += f"\n\n{mentions}"
    head = f"*{_escape(message.subject)}*\n\n"
    return head + fit_bytes(_escape(message.text), MAX_BYTES - len(head.encode()), keep_tail=tail)


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        target.address,
        body={"text": text(message)},
        headers=delivery_headers(message),
    )
    answer = short(response.text)
    if response.status_code < 300:
        return answer
    problem = response.text.strip()
    broken = response.status_code in BROKEN_STATUS or problem in BROKEN_BODY
    raise PermanentError(
        f"HTTP {response.status_code}: {short(problem, 100)}",
        channel_broken=broken,
        response=answer,
    )
