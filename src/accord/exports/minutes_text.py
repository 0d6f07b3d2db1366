"""What the minutes documents say, independent of the format: the labels in the requested
language and the record's values as people read them (times, places, people, statuses).

The DOCX, Markdown and company-template renderers all read these, so the three documents
agree word for word. Pure: the record (``accord.minutes.selectors.minutes_record``) in,
strings out; call inside ``translation.override``."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from accord.actions.models import ActionItem
from accord.meetings.models import TopicOutcome


def labels() -> dict[str, str]:
    """Every label of the document, translated into the active language."""
    return {
        "document": _("Minutes and action plan"),
        "basic": _("Basic information"),
        "item": _("Item"),
        "details": _("Details"),
        "name": _("Meeting name"),
        "goal": _("Goal"),
        "time": _("Time"),
        "place": _("Place"),
        "online": _("Online meeting"),
        "host": _("Host"),
        "recorder": _("Recorder"),
        "present": _("Departments and people present"),
        "copied": _("Copied departments"),
        "summary": _("Summary"),
        "topics": _("Topics and discussion"),
        "topic": _("Topic"),
        "department": _("Department"),
        "position": _("Position"),
        "evidence": _("Evidence"),
        "notes": _("Notes"),
        "outcome": _("Outcome"),
        "lead": _("Lead department"),
        "consensus": _("Consensus"),
        "actions": _("Action plan"),
        "number": _("No."),
        "task": _("Task"),
        "owner": _("Owner"),
        "due_date": _("Due date"),
        "resources": _("Required resources"),
        "status": _("Status"),
        "objections": _("Objections"),
        "objection": _("Objection"),
        "raised_by": _("Raised by"),
        "resolution": _("Resolution"),
        "signatures": _("Signatures"),
        "signed_at": _("Signed at"),
        "not_signed": _("Not signed"),
        "none": _("None recorded."),
        "no_positions": _("No positions recorded."),
        "no_outcome": _("No outcome recorded."),
        "page": _("Page"),
    }


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def meeting_time(meeting: dict[str, Any]) -> str:
    """``2026-09-09 14:00–15:25``: when it actually ran, else when it was planned."""
    start = _parse(meeting.get("started_at")) or _parse(meeting["starts_at"])
    end = _parse(meeting.get("ended_at")) if meeting.get("started_at") else None
    end = end or _parse(meeting["ends_at"])
    if start is None or end is None:
        return ""
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end:%Y-%m-%d %H:%M}"


def online(meeting: dict[str, Any]) -> str:
    """The online meeting number and link, as given."""
    return " ".join(
        p for p in [meeting.get("online_meeting_number"), meeting.get("online_link")] if p
    )


def place(meeting: dict[str, Any]) -> str:
    """The room, and the online meeting (S-TPL-1: place or online meeting number)."""
    return " · ".join(p for p in [meeting.get("location", ""), online(meeting)] if p)


def person(value: dict[str, Any] | None) -> str:
    """``王经理（经理）``: the name, and the title when there is one."""
    if not value:
        return ""
    return f"{value['name']}（{value['title']}）" if value.get("title") else value["name"]


def departments_present(meeting: dict[str, Any]) -> list[str]:
    """``市场部：经理、专员`` for each department present."""
    return [
        f"{entry['department']}：{'、'.join(entry['people'])}"
        for entry in meeting.get("departments", [])
    ]


def basic_rows(meeting: dict[str, Any], labels: dict[str, str]) -> list[list[str]]:
    """The rows of the basic information table (S-TPL-1), label and value."""
    return [
        [labels["name"], meeting["title"]],
        [labels["goal"], meeting.get("goal", "")],
        [labels["time"], meeting_time(meeting)],
        [labels["place"], meeting.get("location", "")],
        [labels["online"], online(meeting)],
        [labels["host"], person(meeting.get("host"))],
        [labels["recorder"], person(meeting.get("recorder"))],
        [labels["present"], "\n".join(departments_present(meeting))],
        [labels["copied"], "、".join(meeting.get("copied_departments", []))],
    ]


def status(value: str) -> str:
    try:
        return str(ActionItem.Status(value).label)
    except ValueError:
        return value


def outcome(value: dict[str, Any] | None) -> str:
    """``Consensus: …`` / ``A department researches it after the meeting (R&D): …``."""
    if not value:
        return ""
    try:
        kind = str(TopicOutcome.Kind(value["kind"]).label)
    except ValueError:
        kind = value["kind"]
    if value.get("research_department"):
        kind = f"{kind}（{value['research_department']}）"
    return f"{kind}：{value['text']}" if value.get("text") else kind


def signed_at(value: str | None) -> str:
    moment = _parse(value)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else _("Not signed")


def page_footer() -> tuple[str, str, str]:
    """The footer around the page number and count: ``("Page ", " of ", "")``."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\0", "pages": "\1"}
    before, rest = text.split("\0", 1)
    middle, after = rest.split("\1", 1)
    return before, middle, after
