"""The minutes as PDF (S-TPL-1..3), through WeasyPrint (HTML + CSS → PDF, text by pango).

Chinese comes from Debian's ``fonts-noto-cjk`` (installed by the Makefile's ``system-deps``)
through fontconfig: "Noto Sans CJK SC" is embedded as a subset, so the file reads the same on
a machine without any CJK font. Pure: the record in, the bytes out; no database query.

The action plan's statuses, due dates and "re-planned to" are those of
``minutes_document_record`` and read as the Word and Markdown documents read them
(``accord.exports.minutes_text``), under "Statuses as of …"."""

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from accord.exports import minutes_text as text
from accord.meetings.models import TopicOutcome

TEMPLATE = "exports/minutes_pdf.html"


def _css_string(text: str) -> str:
    """A CSS string literal for ``content:``; quotes, backslashes and markup escaped, since
    the value sits inside a <style> element where HTML escaping does not apply."""
    out = []
    for char in text:
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _footer() -> str:
    """'Page N of M' in the requested language, as a CSS ``content`` value with counters."""
    marker_page, marker_pages = "\x00PAGE\x00", "\x00PAGES\x00"
    text = _("Page %(number)s of %(count)s") % {"number": marker_page, "count": marker_pages}
    parts = []
    for chunk in text.split(marker_page):
        pieces = chunk.split(marker_pages)
        parts.append(" counter(pages) ".join(_css_string(piece) for piece in pieces))
    return " counter(page) ".join(parts)


def _person(person: dict[str, Any] | None) -> str:
    if not person:
        return ""
    return f"{person['name']}（{person['title']}）" if person.get("title") else person["name"]


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _outcome_label(outcome: dict[str, Any]) -> str:
    if outcome["kind"] == TopicOutcome.Kind.RESEARCH and outcome.get("research_department"):
        return _("%(department)s researches it after the meeting") % {
            "department": outcome["research_department"]
        }
    label = _label(TopicOutcome.Kind, outcome["kind"])
    if outcome.get("next_meeting_on"):
        return text.with_detail(label, outcome["next_meeting_on"])
    return label


def _signed_at(value: str | None) -> str:
    return f"{dt.datetime.fromisoformat(value):%Y-%m-%d %H:%M}" if value else ""


def _context(record: dict[str, Any]) -> dict[str, Any]:
    meeting = record["meeting"]
    heading = _("Minutes and action plan: %(title)s") % {"title": meeting["title"]}
    return {
        "html_lang": "zh-Hans" if translation.get_language() == "zh-hans" else "en",
        "heading": heading,
        "page_title": _css_string(meeting["title"]),
        "page_footer": _footer(),
        "meeting": meeting,
        "time": text.meeting_time(meeting),
        "host": _person(meeting.get("host")),
        "recorder": _person(meeting.get("recorder")),
        "summary": record.get("summary", ""),
        "topics": [
            {
                **topic,
                "outcome_label": _outcome_label(topic["outcome"]) if topic["outcome"] else "",
                "time": text.topic_time(topic),
            }
            for topic in record["topics"]
        ],
        "consensus": record["consensus"],
        # Today's statuses beside the version's facts (``minutes_document_record``).
        "statuses_as_of": text.statuses_as_of(record),
        "actions": [
            {**action, "status_label": text.action_status(action), "due": text.due_date(action)}
            for action in record["actions"]
        ],
        "objections": record["objections"],
        "signatures": [
            {**row, "signed_at": _signed_at(row["signed_at"])} for row in record["signatures"]
        ],
    }


def minutes_html(record: dict[str, Any], *, language: str) -> str:
    """The HTML the PDF is laid out from (also handy to look at in a browser)."""
    with translation.override(language):
        return render_to_string(TEMPLATE, _context(record))


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict:
    """WeasyPrint's URL fetcher: the minutes' layout needs no file, image or style from
    anywhere, so a URL in the record (escaped as it is) can never make the server fetch it."""
    raise ValueError(f"Accord's PDF fetches nothing ({url[:40]})")


def minutes_pdf(record: dict[str, Any], *, language: str) -> bytes:
    """The minutes (``minutes_record`` or a frozen ``MinutesVersion.record``) as PDF bytes,
    labels in ``language`` (``zh-hans`` or ``en``)."""
    from weasyprint import HTML  # here: loading pango and fontconfig takes a while

    html = minutes_html(record, language=language)
    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()
