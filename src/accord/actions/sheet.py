"""The action plan sheet (《行动计划表》): its columns and one row per item. The spreadsheet
export (``accord.exports.xlsx``) writes it; the import (``accord.actions.imports``) reads
its first five columns back, so an exported plan can be imported into another meeting."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ActionRow:
    """One action item as the sheet shows it; ``status`` is the stored value
    (``open``/``in_progress``/``done``/``cancelled``), ``overdue`` whether it is open and late."""

    task: str
    owner: str
    department: str
    due_date: dt.date
    resources: str
    status: str
    overdue: bool
    meeting: str
    topic: str = ""
    overdue_reason: str = ""
    meeting_date: dt.date | None = None  # the day the meeting was (or is to be) held


def column_titles() -> list[str]:
    """The header in the active language; the first five are the import's columns."""
    return [
        _("Task"),
        _("Owner"),
        _("Department"),
        _("Due date"),
        _("Required resources"),
        _("Status"),
        _("Meeting"),
        _("Topic"),
        _("Overdue reason"),
        _("Meeting date"),
    ]
