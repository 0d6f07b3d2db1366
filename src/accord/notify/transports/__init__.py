"""One module per channel kind. Each turns a rendered :class:`~.base.Message` into the
channel's wire format (``../shared/reference/channels.md``) and sends it:

``send(target, message, client) -> str`` returns what the channel answered on success,
and raises :class:`~.base.TransientError` (try again later) or
:class:`~.base.PermanentError` (trying again cannot help) otherwise.
"""

from accord.notify.transports import dingtalk, email, feishu, slack, teams, webhook, wecom
from accord.notify.transports.base import (
    Mention,
    Message,
    PermanentError,
    Target,
    TransientError,
)

MODULES = {
    "email": email,
    "feishu": feishu,
    "dingtalk": dingtalk,
    "wecom": wecom,
    "slack": slack,
    "teams": teams,
    "webhook": webhook,
}

__all__ = ["MODULES", "Mention", "Message", "PermanentError", "Target", "TransientError"]
