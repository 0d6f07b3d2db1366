"""What the minutes documents say, independent of the format: the labels in the requested
language and the record's values as people read them (times, places, people, statuses).

The DOCX, Markdown and company-template renderers all read these, so the three documents
agree word for word. Pure: the record (``accord.minutes.selectors.minutes_record``) in,
strings out; call inside ``translation.override``."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.actions.models import ActionItem
from accord.meetings.models import TopicOutcome
from accord.meetings.rules import time_span


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
    """When the meeting took place, as the minutes page and every document say it:
    ``2026-09-09 14:00–15:25`` (when it actually ran, else when it is planned), then the
    plan when it differs: ``(planned 14:00–15:30)``, with the date when the meeting was held
    on another day (``(planned 2026-09-15 14:00–15:30)``, see ``meeting_start``)."""
    start = _parse(meeting.get("started_at")) or _parse(meeting["starts_at"])
    end = _parse(meeting.get("ended_at")) if meeting.get("started_at") else None
    end = end or _parse(meeting["ends_at"])
    if start is None or end is None:
        return ""
    shown = time_span(start, end)
    planned = meeting.get("planned") or {}
    plan_start = _parse(planned.get("starts_at")) or _parse(meeting["starts_at"])
    plan_end = _parse(planned.get("ends_at")) or _parse(meeting["ends_at"])
    if time_span(plan_start, plan_end) != shown:
        plan = time_span(plan_start, plan_end, with_date=plan_start.date() != start.date())
        shown += " " + _("(planned %(time)s)") % {"time": plan}
    return shown


def topic_time(topic: dict[str, Any]) -> str:
    """``planned 30 min · actual 35 min`` (S-PREP-5), for every topic: ``actual not
    recorded`` when nobody timed it."""
    planned = _("planned %(planned)s min") % {"planned": topic["planned_minutes"]}
    if topic.get("actual_minutes"):
        actual = _("actual %(actual)s min") % {"actual": topic["actual_minutes"]}
    else:
        actual = _("actual not recorded")
    return f"{planned} · {actual}"


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


NOTHING = "—"


def blank(value: Any) -> str:
    """A table cell's text: ``—`` where the record holds nothing, as on the minutes page and
    in the PDF, so that no cell of a document is left empty."""
    text = "" if value is None else str(value)
    return text if text.strip() else NOTHING


def basic_rows(meeting: dict[str, Any], labels: dict[str, str]) -> list[list[str]]:
    """The rows of the basic information table (S-TPL-1), label and value.

    No row is empty: the name, time, host, recorder and the people present are always there
    (``—`` when the record holds none), and so is the place unless the meeting is only online;
    the goal, the online meeting and the copied departments only when given, as on the
    minutes page."""
    place = meeting.get("location", "")
    rows = [  # label, value, shown when empty
        (labels["name"], meeting["title"], True),
        (labels["goal"], meeting.get("goal", ""), False),
        (labels["time"], meeting_time(meeting), True),
        (labels["place"], place, not online(meeting)),
        (labels["online"], online(meeting), False),
        (labels["host"], person(meeting.get("host")), True),
        (labels["recorder"], person(meeting.get("recorder")), True),
        (labels["present"], "\n".join(departments_present(meeting)), True),
        (labels["copied"], "、".join(meeting.get("copied_departments", [])), False),
    ]
    return [
        [label, blank(value)] for label, value, always in rows if always or (value or "").strip()
    ]


def status(value: str) -> str:
    try:
        return str(ActionItem.Status(value).label)
    except ValueError:
        return value


def action_status(item: dict[str, Any]) -> str:
    """The item's status as of ``statuses_as_of``; "Removed since" for an item of the
    approved version that was removed since (``minutes_document_record``)."""
    if item.get("removed"):
        return _("Removed since")
    return status(item["status"])


def due_date(item: dict[str, Any]) -> str:
    """The due date the minutes committed to, and the date it was re-planned to since."""
    if item.get("replanned_to"):
        return _("%(date)s (re-planned to %(new)s)") % {
            "date": item["due_date"],
            "new": item["replanned_to"],
        }
    return item["due_date"]


def statuses_as_of(record: dict[str, Any]) -> str:
    """``Statuses as of 2026-09-10 14:00``: when the plan's statuses were read (the
    approved facts are the version's; see ``minutes_document_record``)."""
    moment = _parse(record.get("statuses_as_of"))
    return as_of(moment) if moment is not None else ""


def with_detail(kind: str, detail: Any) -> str:
    """``Discuss again at the next meeting (2026-09-16)``: a kind with its detail, punctuated
    as the active language has it (the Chinese catalog uses full-width brackets)."""
    return _("%(kind)s (%(detail)s)") % {"kind": kind, "detail": detail}


def labelled(label: str, value: Any) -> str:
    """``Time: planned 30 min``: a label and its value, punctuated as the active language
    has it (the Chinese catalog uses a full-width colon)."""
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def as_of(moment: dt.datetime) -> str:
    """``Statuses as of 2026-09-10 14:00``, ``moment`` in the server's time zone."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return _("Statuses as of %(time)s") % {"time": f"{moment:%Y-%m-%d %H:%M}"}


def outcome(value: dict[str, Any] | None) -> str:
    """``Consensus: …`` / ``A department researches it after the meeting (R&D): …`` /
    ``Discuss again at the next meeting (2026-09-16): …``."""
    if not value:
        return ""
    try:
        kind = str(TopicOutcome.Kind(value["kind"]).label)
    except ValueError:
        kind = value["kind"]
    if value.get("research_department"):
        kind = with_detail(kind, value["research_department"])
    if value.get("next_meeting_on"):
        kind = with_detail(kind, value["next_meeting_on"])
    return labelled(kind, value["text"]) if value.get("text") else kind


def signed_at(value: str | None) -> str:
    moment = _parse(value)
    return f"{moment:%Y-%m-%d %H:%M}" if moment else _("Not signed")


def page_footer() -> tuple[str, str, str]:
    """The footer around the page number and count: ``("Page ", " of ", "")``."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\0", "pages": "\1"}
    before, rest = text.split("\0", 1)
    middle, after = rest.split("\1", 1)
    return before, middle, after
