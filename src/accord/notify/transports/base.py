"""What every transport shares: the rendered message, the target, the two kinds of failure,
and the HTTP plumbing (timeouts, 429 with ``Retry-After``, 5xx, size limits in bytes).

What a channel answered is kept and shown as its HTTP status and, where the platform has
one, its own error code and message (``HTTP 200, errcode 310000: sign not match``), never
as the body itself: the address is typed by a person, and the body of whatever answers
there is not theirs to read. For the same reason every failure to connect or to get an
answer reads the same (:data:`UNREACHABLE`); the server's log has the detail."""

import contextlib
import dataclasses
import email.utils
import hashlib
import json
import logging
import re
import threading
import zlib
from collections.abc import Callable

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from accord.core import clock, outgoing
from accord.notify.reasons import Reason, reason

log = logging.getLogger("accord.notify")

# Whatever went wrong on the way (refused, reset, timed out, a TLS failure), shown alike:
# the difference would map the ports of the address.
UNREACHABLE = "could not connect, or no answer in time"  # reason("unreachable") in English
# Slack answers an error as a bare token (invalid_payload, channel_not_found).
ERROR_TOKEN = re.compile(r"[a-z][a-z0-9_]{0,99}")


class TransientError(Exception):
    """The channel could not take the message now; the worker tries again later.

    ``retry_after`` (seconds) is the channel's own wish, e.g. from a 429's ``Retry-After``.
    ``throttled`` says the channel only asked to slow down (HTTP 429, a bot's "too fast"):
    the message waits its turn and the try does not count towards giving up.

    ``detail`` is a :class:`~accord.notify.reasons.Reason` (shown in the reader's language)
    or a plain text; ``detail`` keeps the English text, ``why`` what the worker records."""

    def __init__(
        self,
        detail: "Reason | str",
        *,
        retry_after: float | None = None,
        response: str = "",
        throttled: bool = False,
    ):
        super().__init__(str(detail))
        self.why = detail
        self.detail = str(detail)
        self.retry_after = retry_after
        self.response = response
        self.throttled = throttled


class PermanentError(Exception):
    """Trying again cannot help (a wrong secret, a deleted group, a malformed address).

    ``channel_broken`` says the channel itself is at fault, so the worker switches it off
    and tells its owner, rather than only failing this one message."""

    def __init__(self, detail: "Reason | str", *, channel_broken: bool = True, response: str = ""):
        super().__init__(str(detail))
        self.why = detail
        self.detail = str(detail)
        self.channel_broken = channel_broken
        self.response = response


@dataclasses.dataclass(frozen=True)
class Mention:
    """Someone a group message names, with the ids each platform mentions people by."""

    name: str
    mobile: str = ""
    feishu_id: str = ""
    dingtalk_id: str = ""
    wecom_id: str = ""
    slack_id: str = ""


@dataclasses.dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclasses.dataclass(frozen=True)
class Message:
    """One notification, rendered in its reader's language.

    ``subject``, ``text`` and the people's names are plain text, with what people wrote (a
    meeting's title, a task, a reason) in them as written: each transport escapes them for
    its own format (:mod:`~.escape`) before it adds its own markup, so that what people
    wrote can neither mention anyone nor add a link.

    ``key`` is the notification's idempotency key; every transport passes it on (a header,
    the e-mail ``Message-ID``) so that a receiver can drop a repeat."""

    key: str
    subject: str
    text: str
    link: str = ""
    link_label: str = ""
    language: str = "zh-hans"
    mentions: tuple[Mention, ...] = ()
    to_email: str = ""
    to_name: str = ""
    html: str = ""
    calendar: Attachment | None = None
    kind: str = ""
    data: dict = dataclasses.field(default_factory=dict)

    def plain(self) -> str:
        parts = [self.subject, self.text]
        if self.link:
            parts.append(f"{self.link_label}: {self.link}" if self.link_label else self.link)
        return "\n\n".join(part for part in parts if part)

    def delivery_id(self) -> str:
        """A short stable id for the key, for headers and ``Message-ID``."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


@dataclasses.dataclass(frozen=True)
class Target:
    """Where to send: a channel's address (webhook URL or e-mail address) and its secret."""

    kind: str
    address: str
    secret: str = ""


def encode(body: dict) -> bytes:
    """A JSON body as it goes on the wire."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def fit_body(build: Callable[[int], dict], limit: int, room: int) -> dict:
    """``build(room)``, with ``room`` bytes for the text, shrunk until the encoded body is at
    most ``limit`` bytes: JSON escapes (quotes, line breaks) make a text longer on the wire."""
    while True:
        body = build(room)
        over = len(encode(body)) - limit
        if over <= 0 or room <= 0:
            return body
        room -= over


def now_seconds() -> int:
    return int(clock.now().timestamp())


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = timezone.make_aware(when, timezone.UTC)
    return max((when - clock.now()).total_seconds(), 0.0)


def short(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def status_line(response: httpx.Response) -> str:
    """What is kept of an answer by default: its status."""
    return f"HTTP {response.status_code}"


def error_token(response: httpx.Response) -> str:
    """The body when it is one short lower-case token, as Slack answers; otherwise ""."""
    if len(response.content) > 100:
        return ""
    text = response.text.strip()
    return text if ERROR_TOKEN.fullmatch(text) else ""


def _platform_text(value: object, limit: int = 200) -> str:
    """A message field of a platform's JSON answer, on one line and at most ``limit``
    characters."""
    if not isinstance(value, str):
        return ""
    return short(" ".join(value.split()), limit)


def check_address(url: str) -> None:
    """Refuse an address that cannot be a webhook URL (one stored past the form's checks)
    before any connection or name lookup is tried: no retry can fix it."""
    try:
        URLValidator(schemes=["http", "https"])(url)
        port = httpx.URL(url).port
    except (ValidationError, httpx.InvalidURL):
        port = -1
    if port is not None and not 0 < port < 65536:
        raise PermanentError(reason("bad_url"))


def post(
    client: httpx.Client,
    url: str,
    *,
    body: dict | None = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    max_bytes: int | None = None,
    describe: Callable[[httpx.Response], str] = status_line,
) -> httpx.Response:
    """POST and sort the transport-level failures into transient and permanent ones.

    Returns the response for any status below 400 (and for 4xx other than 429, which the
    caller interprets); the body is checked against ``max_bytes`` before sending.
    ``describe`` says what is kept of a 429 or 5xx answer. An address that the outgoing
    policy refuses (``accord.core.outgoing``) is a permanent error of the channel."""
    check_address(url)
    if content is None:
        content = encode(body)
    if max_bytes is not None and len(content) > max_bytes:
        raise PermanentError(
            reason("too_large", size=len(content), limit=max_bytes), channel_broken=False
        )
    all_headers = {"Content-Type": "application/json; charset=utf-8"}
    all_headers.update(headers or {})
    try:
        response = _send_capped(
            client,
            client.build_request("POST", url, content=content, headers=all_headers, params=params),
        )
    except outgoing.AddressNotAllowed as exc:
        raise PermanentError(reason("address_refused")) from exc
    except httpx.InvalidURL as exc:
        raise PermanentError(reason("malformed_address", detail=str(exc))) from exc
    except httpx.UnsupportedProtocol as exc:
        raise PermanentError(reason("malformed_address", detail=str(exc))) from exc
    except httpx.TransportError as exc:
        log.warning("no answer from %s: %s: %s", _host(url), type(exc).__name__, exc)
        raise TransientError(reason("unreachable")) from exc
    if response.status_code == 429:
        raise TransientError(
            reason("too_many_requests"),
            retry_after=_retry_after(response),
            response=describe(response),
            throttled=True,
        )
    if response.status_code >= 500:
        raise TransientError(
            reason("http_status", status=response.status_code), response=describe(response)
        )
    return response


# What is read of an answer: a bot's JSON answer is a few hundred bytes; a server that
# answers with gigabytes must not fill the worker's memory.
ANSWER_MAX_BYTES = 64 * 1024


def _send_capped(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send ``request`` and read at most ``ANSWER_MAX_BYTES`` of the answer as it arrives
    on the wire; the rest is never read. Accord asks for no compression; an answer that is
    compressed all the same (gzip, deflate) is inflated at most to the same size, and one
    in any other encoding (brotli, zstd: no bounded decoder here) is kept empty, so that a
    small answer cannot inflate a thousandfold in memory."""
    response = client.send(request, stream=True)
    try:
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        inflate = _bounded_inflater(encoding)
        kept = bytearray()
        if inflate is not None or encoding == "identity":
            for chunk in response.iter_raw():
                kept += inflate(chunk, ANSWER_MAX_BYTES - len(kept)) if inflate else chunk
                if len(kept) >= ANSWER_MAX_BYTES:
                    break
    finally:
        response.close()
    headers = [
        (name, value)
        for name, value in response.headers.raw
        if name.lower() not in (b"content-encoding", b"content-length", b"transfer-encoding")
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=bytes(kept[:ANSWER_MAX_BYTES]),
        request=request,
    )


def _bounded_inflater(encoding: str) -> Callable[[bytes, int], bytes] | None:
    """``inflate(chunk, room)`` for gzip or deflate, giving at most ``room`` bytes a call."""
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = zlib.decompressobj()
    else:
        return None
    return lambda chunk, room: decoder.decompress(chunk, max(room, 1))


def _host(url: str) -> str:
    """The host of a webhook URL, for the log: its path and query carry the credential."""
    try:
        return httpx.URL(url).host
    except httpx.InvalidURL:
        return "?"


class Session:
    """What one batch shares: an HTTP client with timeouts, SMTP connections, each made on
    first use (a batch of e-mails needs no HTTP client, whose TLS set-up alone costs about
    20 ms), and the channels found broken so far.

    Each thread that sends e-mail (the worker's SMTP lanes) has its own SMTP connection,
    kept for the whole batch."""

    def __init__(self) -> None:
        self._http: httpx.Client | None = None
        self._smtp: dict[int, object] = {}  # thread → its open SMTP backend
        # channels switched off during this batch (id → reason): the rest of the batch
        # does not send through them
        self.broken_channels: dict[int, str] = {}

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = outgoing.client(
                timeout=httpx.Timeout(settings.ACCORD_NOTIFY_TIMEOUT, connect=5.0),
                headers={"User-Agent": "Accord"},
            )
        return self._http

    def smtp(self):
        thread = threading.get_ident()
        backend = self._smtp.get(thread)
        if backend is None:
            from django.core.mail import mailers

            backend = mailers.default
            # Opened here, the connection serves the whole batch; kept only once open, so
            # that a failed open is tried afresh by the next message.
            backend.open()
            self._smtp[thread] = backend
        return backend

    def drop_smtp(self) -> None:
        """Forget this thread's connection after it failed, so that its next message opens
        a fresh one."""
        backend = self._smtp.pop(threading.get_ident(), None)
        if backend is not None:
            with contextlib.suppress(Exception):  # the connection is already broken
                backend.close()

    def close(self) -> None:
        for backend in self._smtp.values():
            with contextlib.suppress(Exception):
                backend.close()
        self._smtp.clear()
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def delivery_headers(message: "Message") -> dict[str, str]:
    """Sent with every HTTP delivery: a receiver drops a repeat by this key."""
    return {"X-Accord-Delivery": message.delivery_id()}


def json_answer(response: httpx.Response) -> dict:
    """The JSON body of a bot's answer, or a permanent error naming what came back."""
    try:
        data = response.json()
    except ValueError as exc:
        raise PermanentError(
            reason("not_json", status=response.status_code), response=status_line(response)
        ) from exc
    if not isinstance(data, dict):
        raise PermanentError(
            reason("unexpected_answer", status=response.status_code),
            response=status_line(response),
        )
    return data


def bot_answer(
    response: httpx.Response,
    *,
    platform: str,
    code_fields: tuple[str, ...],
    message_fields: tuple[str, ...],
    broken: dict[int, str],
    too_fast: set[int] | frozenset[int],
) -> str:
    """Judge a chat bot's JSON answer, where errors come back as HTTP 200 with a code
    (Feishu, DingTalk, WeCom): 0 is success, ``too_fast`` waits a minute, ``broken`` means
    the channel itself is wrong, any other code fails this message.

    What is kept is the status and the platform's code and message, e.g.
    ``HTTP 200, errcode 0: ok``; a code that is not a whole number is no bot's answer."""
    if response.status_code >= 400:
        raise PermanentError(
            reason("http_status", status=response.status_code), response=status_line(response)
        )
    data = json_answer(response)
    field = next((name for name in code_fields if data.get(name) is not None), None)
    code = data[field] if field is not None else None
    if field is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise PermanentError(
            reason("unexpected_answer", status=response.status_code),
            response=status_line(response),
        )
    msg = _platform_text(next((data[name] for name in message_fields if name in data), ""))
    answer = status_line(response)
    if field is not None:
        answer += f", {field} {code}" + (f": {msg}" if msg else "")
    if code in (0, None):
        return answer
    if code in too_fast:
        raise TransientError(
            reason("platform_error", platform=platform, code=code, message=msg),
            retry_after=60,
            response=answer,
            throttled=True,
        )
    if code in broken:
        raise PermanentError(
            reason(
                "platform_broken", platform=platform, code=code, meaning=broken[code], message=msg
            ),
            response=answer,
        )
    raise PermanentError(
        reason("platform_error", platform=platform, code=code, message=msg), response=answer
    )
