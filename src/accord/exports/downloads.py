"""Documents as downloads, shared by the web pages and the API: the file name a person sees,
the attachment response (RFC 6266), and the minutes as Word in the organisation's template."""

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _

from accord.exports.company_templates import (
    minutes_docx_with_active_template,
    minutes_template_active,
)
from accord.exports.docx import minutes_docx

if TYPE_CHECKING:
    from accord.meetings.models import Meeting
    from accord.org.models import Person


def document_filename(title: str, extension: str, *, fallback: str) -> str:
    """'<meeting title> 会议纪要.<ext>' in the active language; no path separators or
    control characters, so that any browser saves it as it reads."""
    title = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", title).strip() or fallback
    return f"{title} {_('Minutes')}.{extension}"


def attachment(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """A download: an ASCII ``filename`` for old clients, the real name as ``filename*``
    (UTF-8, percent-encoded, RFC 6266 / RFC 8187)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    return response


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"


# ``?layout=builtin`` asks for the built-in layout even while a company template is active:
# the way out when that template cannot fill a meeting's minutes.
BUILT_IN_LAYOUT = "builtin"


def minutes_docx_content(
    record: dict, *, language: str, actor: "Person", meeting: "Meeting", layout: str = ""
) -> bytes:
    """The minutes as Word: the organisation's active template when there is one, else (or
    with ``layout=BUILT_IN_LAYOUT``) the built-in layout. When the active template cannot
    fill these minutes, ``AppError`` (``code="template_failed"``) names the template and the
    cause; nothing falls back silently."""
    template = minutes_template_active() if layout != BUILT_IN_LAYOUT else None
    if template is not None:
        return minutes_docx_with_active_template(
            record, language=language, template=template, actor=actor, meeting=meeting
        )
    return minutes_docx(record, language=language)
