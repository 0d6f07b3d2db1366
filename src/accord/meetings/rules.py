"""The rules every write to a meeting checks, whichever app writes: who may act
(``require``), in which status (``require_status``, ``PLANNING``, ``RECORDING``), under a row
lock (``meeting_lock``), the shape of the input (``require_filled``, ``require_minutes``,
``require_active_role``, ``require_http_url``), and the time rules of a meeting (when its
materials go out, whether a start is far from its plan, how a time span reads).

Pure rules and guards: this module imports no selectors and no services.
"""

import datetime as dt

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
