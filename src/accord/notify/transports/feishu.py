"""Feishu / Lark custom bot: an interactive card with a button that opens Accord.

Signature (channels.md §1): ``string_to_sign = f"{timestamp}\\n{secret}"`` is the HMAC-SHA256
*key*, the message is empty, ``sign`` is the base64 digest; both go in the JSON body.
Errors come back as HTTP 200 with a non-zero ``code``."""

import base64
import hashlib
import hmac

from accord.notify.transports.base import (
    Mention,
    Message,
    PermanentError,
    Session,
    Target,
    TransientError,
    delivery_headers,
    fit_bytes,
    json_answer,
    now_seconds,
    post,
    short,
)

MAX_BYTES = 20 * 1024
LIMITS = ((5, 1), (100, 60))  # 5 a second and 100 a minute per bot
BROKEN = {
    19021: "signature or timestamp rejected",
    19022: "IP not allowed",
    19024: "keyword not found",
}
TOO_FAST = {11232}


def sign(timestamp: int, secret: str) -> str:
    string_to_sign = f"{timestamp}\n{secret}".encode()
    digest = hmac.new(string_to_sign, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _mention(person: Mention) -> str:
    return f"<at id={person.feishu_id}></at>" if person.feishu_id else f"@{person.name}"


def card(message: Message, text: str) -> dict:
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
    # The card's text gets what is left of the 20 KB once the rest is in place.
    text = fit_bytes(message.text, MAX_BYTES - 2048, keep_tail=tail)
    payload: dict = {"msg_type": "interactive", "card": card(message, text)}
    if target.secret:
        timestamp = now_seconds()
        payload = {"timestamp": str(timestamp), "sign": sign(timestamp, target.secret), **payload}
    return payload


def send(target: Target, message: Message, session: Session) -> str:
    response = post(
        session.http,
        target.address,
        body=body(target, message),
        headers=delivery_headers(message),
        max_bytes=MAX_BYTES,
    )
    answer = short(response.text)
    if response.status_code >= 400:
        raise PermanentError(f"HTTP {response.status_code}", response=answer)
    data = json_answer(response)
    code = data.get("code", data.get("StatusCode", 0))
    if code in (0, None):
        return answer
    msg = str(data.get("msg", data.get("StatusMessage", "")))
    if code in TOO_FAST:
        raise TransientError(f"Feishu {code}: {msg}", retry_after=60, response=answer)
    if code in BROKEN:
        raise PermanentError(f"Feishu {code}: {BROKEN[code]} ({msg})", response=answer)
    raise PermanentError(f"Feishu {code}: {msg}", response=answer)
