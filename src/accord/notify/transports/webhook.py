"""Accord's own signed webhook, for any receiver (OA systems, scripts, other bots).

``POST`` of a JSON object with the headers

- ``X-Accord-Delivery``: the delivery id, the same on every repeat of one notification;
- ``X-Accord-Timestamp``: Unix time in seconds;
- ``X-Accord-Signature``: ``sha256=`` + hex HMAC-SHA256 with the channel's secret as key
  over ``f"{timestamp}.{body}"`` (the raw body bytes).

Any 2xx is success; 408, 429 and 5xx are tried again; any other status is permanent. The
receiver can be anything, so its answer is kept as the status alone, never the body.
The README ("Signed webhook") documents the body and shows a verifier."""

import hashlib
import hmac
import json

from accord.notify.reasons import reason
from accord.notify.transports.base import (
    Message,
    PermanentError,
    Session,
    Target,
    TransientError,
    delivery_headers,
    now_seconds,
    post,
    status_line,
)

MAX_BYTES = 256 * 1024
LIMITS = ()
BROKEN_STATUS = {401, 403, 404, 410}


def signature(secret: str, timestamp: int, raw: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def body(message: Message) -> dict:
    return {
        "id": message.delivery_id(),
        "event": message.kind,
        "language": message.language,
        "subject": message.subject,
        "text": message.text,
        "link": message.link,
        "mentions": [{"name": person.name, "mobile": person.mobile} for person in message.mentions],
        "data": message.data,
    }


def send(target: Target, message: Message, session: Session) -> str:
    raw = json.dumps(body(message), ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = now_seconds()
    headers = delivery_headers(message)
    headers["X-Accord-Timestamp"] = str(timestamp)
    if target.secret:
        headers["X-Accord-Signature"] = signature(target.secret, timestamp, raw)
    response = post(session.http, target.address, content=raw, headers=headers, max_bytes=MAX_BYTES)
    said = status_line(response)
    if 200 <= response.status_code < 300:
        return said
    if response.status_code == 408:
        raise TransientError(reason("http_status", status=408), response=said)
    raise PermanentError(
        reason("http_status", status=response.status_code),
        channel_broken=response.status_code in BROKEN_STATUS,
        response=said,
    )
