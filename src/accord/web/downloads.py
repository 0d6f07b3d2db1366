"""File downloads shared by the web pages and the API: the file name a person sees and the
attachment response (RFC 6266)."""

import re
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _


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


def minutes_docx_content(record: dict, *, language: str) -> bytes:
    """The minutes as Word: the organisation's active template when there is one (and it
    renders), else the built-in layout."""
    from accord.exports.docx import minutes_docx
    from accord.minutes.company_templates import (
        minutes_docx_with_active_template,
        minutes_template_active,
    )

    template = minutes_template_active()
    content = None
    if template is not None:
        content = minutes_docx_with_active_template(record, language=language, template=template)
    if content is None:
        content = minutes_docx(record, language=language)
    return content
