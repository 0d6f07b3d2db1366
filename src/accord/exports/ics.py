"""iCalendar for meeting invitations (RFC 5545 / RFC 5546, channels.md §6).

A meeting keeps one UID forever; every change sent to calendars raises SEQUENCE
(``Meeting.calendar_sequence``). Times are written in UTC, so no VTIMEZONE is needed."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Accord//Accord meetings//EN"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    chair: bool = False


def meeting_uid(meeting_id: int) -> str:
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "accord"
    return f"meeting-{meeting_id}@{host}"


def _address(email: str, name: str, **params) -> vCalAddress:
    return vCalAddress.new(f"mailto:{email}", cn=name or None, **params)


def meeting_calendar(
    *,
    method: str,
    meeting_id: int,
    sequence: int,
    summary: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    organiser: Attendee,
    attendees: Iterable[Attendee],
    stamp: dt.datetime,
    location: str = "",
    description: str = "",
    url: str = "",
    cancel_all: bool = True,
) -> bytes:
    """One VEVENT in a calendar with ``METHOD`` ``REQUEST`` or ``CANCEL``.

    A CANCEL with ``cancel_all`` carries ``STATUS:CANCELLED`` (the meeting is off); without
    it, it only takes the listed attendees off the meeting."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method!r}")
    utc = dt.UTC
    event = Event.new(
        uid=meeting_uid(meeting_id),
        sequence=sequence,
        summary=summary,
        start=starts_at.astimezone(utc),
        end=ends_at.astimezone(utc),
        stamp=stamp.astimezone(utc),
        organizer=_address(organiser.email, organiser.name),
        attendees=[
            _address(
                person.email,
                person.name,
                role="CHAIR" if person.chair else "REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp=method == "REQUEST",
            )
            for person in attendees
            if person.email
        ],
        location=location or None,
        description=description or None,
        url=url or None,
        status="CANCELLED" if method == "CANCEL" and cancel_all else "CONFIRMED",
    )
    if method == "CANCEL" and not cancel_all:
        del event["STATUS"]
    calendar = Calendar.new(
        method=method, prodid=PRODID, uid=meeting_uid(meeting_id), subcomponents=[event]
    )
    return calendar.to_ical()
