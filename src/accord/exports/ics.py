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


# -- the personal feed (a subscribed calendar at a secret URL) ------------------------------
#
# Due dates go out as all-day VEVENTs, not VTODOs: Google Calendar and Outlook (desktop and
# web) ignore VTODO in a subscribed feed, and Apple Calendar shows subscribed VTODOs nowhere,
# so a VTODO would be invisible exactly where people look. An all-day event (DTSTART as a
# DATE, DTEND the next day, TRANSP:TRANSPARENT so it does not block the day) shows in all
# three. The feed has no METHOD: it is published data, not a scheduling message.


@dataclass(frozen=True)
class FeedMeeting:
    meeting_id: int
    sequence: int
    summary: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    cancelled: bool = False
    location: str = ""
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class FeedDue:
    action_id: int
    summary: str
    due_date: dt.date
    description: str = ""
    url: str = ""


def action_uid(action_id: int) -> str:
    return meeting_uid(action_id).replace("meeting-", "action-", 1)


def personal_calendar(
    *,
    person_id: int,
    name: str,
    meetings: Iterable[FeedMeeting],
    dues: Iterable[FeedDue],
    stamp: dt.datetime,
) -> bytes:
    """A person's feed: one VEVENT per meeting (its invitation's UID and SEQUENCE; STATUS
    CANCELLED when it is off) and one all-day VEVENT per open action item's due date."""
    utc = dt.UTC
    stamp = stamp.astimezone(utc)
    events = [
        Event.new(
            uid=meeting_uid(meeting.meeting_id),
            sequence=meeting.sequence,
            summary=meeting.summary,
            start=meeting.starts_at.astimezone(utc),
            end=meeting.ends_at.astimezone(utc),
            stamp=stamp,
            location=meeting.location or None,
            description=meeting.description or None,
            url=meeting.url or None,
            status="CANCELLED" if meeting.cancelled else "CONFIRMED",
        )
        for meeting in meetings
    ]
    for due in dues:
        event = Event.new(
            uid=action_uid(due.action_id),
            summary=due.summary,
            start=due.due_date,
            end=due.due_date + dt.timedelta(days=1),
            stamp=stamp,
            description=due.description or None,
            url=due.url or None,
        )
        event.add("transp", "TRANSPARENT")
        events.append(event)
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,  # NAME and X-WR-CALNAME
        uid=meeting_uid(person_id).replace("meeting-", "calendar-", 1),
        subcomponents=events,
    )
    # Ask subscribers to fetch again hourly (RFC 7986, and Outlook's older property).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical()
