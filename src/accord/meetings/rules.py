"""The rules every write to a meeting checks, whichever app writes: who may act
(``require``), in which status (``require_status``, ``PLANNING``, ``RECORDING``), under a row
lock (``meeting_lock``), the shape of the input (``require_filled``, ``require_minutes``,
``require_active_role``, ``require_http_url``), what a draft still lacks before it can be
scheduled (``meeting_missing``), and the time rules of a meeting (when its materials go
out, whether a start is far from its plan or in the past, how a time span reads).

Pure rules and guards: this module imports no selectors and no services.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.errors import AppError, PermissionDenied
from accord.meetings.models import Meeting
from accord.org.models import Person

Status = Meeting.Status
PLANNING = (Status.DRAFT, Status.SCHEDULED)
RECORDING = (Status.IN_PROGRESS, Status.MINUTES_DRAFT)


# -- guards ------------------------------------------------------------------------------


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_status(meeting: Meeting, allowed: tuple[str, ...], message: str) -> None:
    if meeting.status not in allowed:
        raise AppError(message, field="status", code="illegal_state")


def meeting_lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting under a row lock so two moves cannot interleave."""
    meeting.refresh_from_db(from_queryset=Meeting.objects.select_for_update())
    return meeting


def require_filled(value: str, *, field: str, message: str, max_length: int | None = None) -> str:
    """``value`` stripped; refused with ``message`` when empty, or when longer than
    ``max_length``."""
    value = (value or "").strip()
    if not value:
        raise AppError(message, field=field, code="required")
    if max_length is not None and len(value) > max_length:
        raise AppError(
            _("At most %(count)d characters.") % {"count": max_length},
            field=field,
            code="too_long",
        )
    return value


def require_minutes(value: int, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 24 * 60:
        raise AppError(
            _("Minutes must be a whole number between 1 and 1440."), field=field, code="invalid"
        )
    return value


def require_active_role(person: Person | None, *, field: str) -> None:
    """A host, recorder or standing participant must be able to sign in."""
    if person is not None and not person.is_active:
        raise AppError(
            _("%(name)s cannot sign in and cannot take this role.") % {"name": person},
            field=field,
            code="inactive",
        )


def require_http_url(value: str, *, field: str, message: str) -> None:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise AppError(message, field=field, code="invalid") from None


# -- what scheduling needs (S-PREP-1, S-PREP-2, S-PREP-5) -----------------------------------


@dataclass(frozen=True)
class Missing:
    """One thing a draft lacks before it can be scheduled: the input it is about, a stable
    code and what to do about it."""

    field: str
    code: str
    message: str


class MeetingIncomplete(AppError):
    """Scheduling refused: ``missing`` holds every item, the message says them all, and
    ``field`` and ``code`` are the first item's (the API's error shape stays one field)."""

    def __init__(self, missing: list[Missing]):
        super().__init__(
            " ".join(item.message for item in missing),
            field=missing[0].field,
            code=missing[0].code,
        )
        self.missing = missing


def meeting_missing(meeting: Meeting, *, now: dt.datetime) -> list[Missing]:
    """Everything ``meeting`` lacks before it can be scheduled, in the order of the planning
    steps: a host who keeps time (S-PREP-5), a recorder, an agenda topic (S-PREP-1), a
    participant (S-PREP-2) and a start in the future. Empty: it can be scheduled."""
    missing = []
    if meeting.starts_at <= now:
        missing.append(
            Missing("starts_at", "invalid", _("A meeting can only be scheduled in the future."))
        )
    if not meeting.topics.exists():
        missing.append(
            Missing("topics", "required", _("Add at least one agenda topic before scheduling."))
        )
    if meeting.host_id is None:
        missing.append(
            Missing("host", "required", _("Name a host who keeps time before scheduling."))
        )
    if meeting.recorder_id is None:
        missing.append(Missing("recorder", "required", _("Name a recorder before scheduling.")))
    if not meeting.participants.exists():
        missing.append(
            Missing(
                "participants",
                "required",
                _("Invite at least one participant before scheduling."),
            )
        )
    return missing


# -- time rules --------------------------------------------------------------------------


def materials_window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """When materials should go out: 1–2 days before the start (S-PREP-3), as settings say."""
    return (
        meeting.starts_at - dt.timedelta(days=settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE),
        meeting.starts_at - dt.timedelta(days=settings.ACCORD_MATERIALS_MIN_DAYS_BEFORE),
    )


def time_span(start: dt.datetime, end: dt.datetime, *, with_date: bool = True) -> str:
    """``2026-09-09 14:00–15:30`` in local time (``14:00–15:30`` without the date; the end's
    date too when it differs)."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    head = f"{start:%Y-%m-%d %H:%M}" if with_date else f"{start:%H:%M}"
    if start.date() == end.date():
        return f"{head}–{end:%H:%M}"
    return f"{head}–{end:%Y-%m-%d %H:%M}"


def start_off_schedule(meeting: Meeting, *, now: dt.datetime) -> bool:
    """Whether starting ``meeting`` at ``now`` is far from its plan: more than
    ``ACCORD_START_EARLY_MINUTES`` (60) before the planned start, after the planned end, or
    on another day than the planned one (local time). Starting then needs a confirmation."""
    early = dt.timedelta(minutes=settings.ACCORD_START_EARLY_MINUTES)
    return (
        now < meeting.starts_at - early
        or now > meeting.ends_at
        or timezone.localtime(now).date() != timezone.localtime(meeting.starts_at).date()
    )


def in_the_past(starts_at: dt.datetime, *, now: dt.datetime) -> bool:
    """Whether a meeting planned to start at ``starts_at`` would already have started: such a
    date is more often a slip (the wrong year or month) than a meeting entered afterwards, so
    planning it needs a confirmation."""
    return starts_at < now
