"""Why a delivery failed or was cancelled, and why a channel stopped: a code and its facts.

What the worker, the transports and the planner record is a :class:`Reason`. Its code and
facts are stored (``Notification.last_error_code`` and ``last_error_params``,
``Channel.disabled_code`` and ``disabled_params``) beside its English text (``last_error``,
``disabled_reason``: the server's log, the API and rows written before codes were kept).
Pages show it in the reader's language (:func:`describe`).

What a platform said is a fact and is shown as it came: its own error code and message
(``DingTalk 310000 … (sign not match)``), an SMTP server's reply, a Slack token. The
platform's name and the meaning Accord gives a code are translated."""

import dataclasses

from django.utils.translation import gettext, gettext_noop

TEXTS = {
    # reaching the channel
    "unreachable": gettext_noop("could not connect, or no answer in time"),
    "address_refused": gettext_noop(
        "the address is not allowed: it points into a private or local network"
    ),
    "bad_url": gettext_noop("malformed address: the webhook URL is not a valid http(s) URL"),
    "malformed_address": gettext_noop("malformed address: %(detail)s"),
    "too_large": gettext_noop("message of %(size)s bytes is over the channel's limit of %(limit)s"),
    # what the channel answered
    "http_status": gettext_noop("HTTP %(status)s"),
    "http_token": gettext_noop("HTTP %(status)s: %(token)s"),
    "too_many_requests": gettext_noop("HTTP 429: too many requests"),
    "not_json": gettext_noop("HTTP %(status)s: not a JSON answer"),
    "unexpected_answer": gettext_noop("HTTP %(status)s: unexpected answer"),
    "platform_error": gettext_noop("%(platform)s %(code)s: %(message)s"),
    "platform_broken": gettext_noop("%(platform)s %(code)s: %(meaning)s (%(message)s)"),
    # e-mail
    "recipient_refused": gettext_noop("recipient refused: %(detail)s"),
    "smtp_error": gettext_noop("SMTP %(code)s: %(message)s"),
    "smtp_unreachable": gettext_noop("SMTP server unreachable: %(detail)s"),
    # the worker
    "internal_error": gettext_noop("internal error: %(detail)s"),
    "no_email": gettext_noop("the person has no e-mail address"),
    "channel_deleted": gettext_noop("the channel was deleted"),
    "channel_off": gettext_noop("the channel is switched off"),
    "channel_off_because": gettext_noop("the channel is switched off: %(reason)s"),
    "too_many_attempts": gettext_noop("too many attempts"),
    # no longer due (the planner)
    "action_deleted": gettext_noop("the action item was deleted"),
    "meeting_deleted": gettext_noop("the meeting was deleted"),
    "recipient_deleted": gettext_noop("the recipient was deleted"),
    "action_closed": gettext_noop("the action item is no longer open"),
    "due_changed": gettext_noop("the due date changed"),
    "due_or_owner_changed": gettext_noop("the due date or owner changed"),
    "meeting_not_ahead": gettext_noop("the meeting is no longer ahead"),
    "minutes_distributed": gettext_noop("the minutes have been distributed"),
    "all_signed": gettext_noop("every item has been signed"),
    "superseded": gettext_noop("superseded by a newer change"),
    "meeting_cancelled": gettext_noop("the meeting was cancelled"),
    "uninvited": gettext_noop("the person was taken off the meeting before it went out"),
}

# Facts that are Accord's own words, translated with the message: a platform's name and
# the meaning Accord gives one of its codes (the transports mark them with gettext_noop).
TRANSLATED_FACTS = ("platform", "meaning")


@dataclasses.dataclass(frozen=True)
class Reason:
    code: str
    params: dict = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        """The English text (what ``last_error`` keeps)."""
        return _render(self.code, self.params, translate=False)

    def __bool__(self) -> bool:
        return True


def reason(code: str, /, **params) -> Reason:
    if code not in TEXTS:
        raise KeyError(code)
    return Reason(code, params)


def stored(value: "Reason | str") -> dict:
    """The fields a row stores for ``value``: the English text, the code and the facts (a
    bare text has no code)."""
    if isinstance(value, Reason):
        return {"text": str(value), "code": value.code, "params": value.params or None}
    return {"text": value or "", "code": "", "params": None}


def _fact(name: str, value, *, translate: bool):
    if isinstance(value, dict) and "code" in value:  # a reason within a reason
        return _render(value["code"], value.get("params") or {}, translate=translate)
    if translate and name in TRANSLATED_FACTS and isinstance(value, str):
        return gettext(value)
    return value


def _render(code: str, params: dict, *, translate: bool) -> str:
    text = TEXTS[code]
    if translate:
        text = gettext(text)
    facts = {name: _fact(name, value, translate=translate) for name, value in params.items()}
    return text % facts if facts else text


def describe(code: str, params: dict | None, fallback: str) -> str:
    """The reason in the active language; ``fallback`` (the stored English text) for a row
    without a code, or with one this version does not know."""
    if not code:
        return fallback
    try:
        return _render(code, params or {}, translate=True)
    except (KeyError, TypeError, ValueError):
        return fallback
