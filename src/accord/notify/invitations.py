"""A meeting's calendar invitations (iCalendar, S-PREP-2): the invitation when it is
scheduled or someone joins, an update (same UID, SEQUENCE + 1) when its time, place, name,
host or recorder changes or it is held at another time, the withdrawal when someone is
taken off, the cancellation: the reactions to the meeting's events (``meetings/events.py``)."""

from collections.abc import Iterable, Sequence

from django.db.models import Q

from accord.core import clock
from accord.core.events import reacts_to
from accord.meetings import events as meeting_events
from accord.meetings.models import Meeting
from accord.notify.models import Notification
from accord.notify.notices import (
    IN_APP,
    INVITE_KINDS,
    MEETING_KINDS,
    meeting_attendees,
    meeting_data,
    unique,
)
from accord.notify.outbox import Event, publish, retire
from accord.notify.reasons import reason, stored
from accord.org.models import Person

CALENDAR_FIELDS = {
    "title",
    "starts_at",
    "duration_minutes",
    "location",
    "online_link",
    "online_meeting_number",
    # who chairs it and who is in it: the invitation names the host (ROLE=CHAIR) and lists
    # the host and the recorder among the attendees
    "host",
    "recorder",
}


@reacts_to(meeting_events.MeetingScheduled, meeting_events.ParticipantInvited)
def meeting_invited(meeting: Meeting, people: Sequence[Person] | None = None) -> int:
    """Invitations with the current calendar revision: to everyone when the meeting is
    scheduled, to one person when they join a scheduled meeting."""
    sequence = meeting.calendar_sequence
    kind = "meeting.invitation" if sequence == 0 or people is not None else "meeting.updated"
    announced = sequence == 0 and people is None
    return publish(
        [
            Event(
                key=f"invite:meeting:{meeting.pk}:seq:{sequence}",
                kind=kind,
                people=people if people is not None else meeting_attendees(meeting),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"sequence": sequence},
                hook="meeting.scheduled" if announced else "",
                hook_data=meeting_data(meeting) if announced else {},
            )
        ]
    )


@reacts_to(meeting_events.MeetingChanged)
def meeting_changed(meeting: Meeting, changed: Iterable[str]) -> int:
    """A scheduled meeting's time, place or name changed: calendars get the update
    (same UID, SEQUENCE + 1), and updates not yet sent are superseded."""
    if meeting.status != Meeting.Status.SCHEDULED or not CALENDAR_FIELDS & set(changed):
        return 0
    return _calendar_update(meeting)


@reacts_to(meeting_events.MeetingHeldAtAnotherTime)
def meeting_held_at_another_time(meeting: Meeting) -> int:
    """A meeting started away from its planned time, or ended after such a start: calendars
    get when it is (was) held instead (same UID, SEQUENCE + 1, METHOD:REQUEST), so that no
    calendar keeps the planned time as confirmed."""
    return _calendar_update(meeting)


def _calendar_update(meeting: Meeting) -> int:
    meeting.calendar_sequence += 1
    meeting.save(update_fields=["calendar_sequence"])
    retire(reason=reason("superseded"), meeting=meeting, kind__in=INVITE_KINDS)
    return meeting_invited(meeting)


def _invitation_reached(meeting: Meeting, person: Person) -> bool:
    """Whether an invitation (or update) of ``meeting`` reached ``person``: went out, or is
    going out now, by e-mail or through a channel of theirs or a group bot that mentions
    them, or was read in the app."""
    invitations = Notification.objects.filter(meeting=meeting, kind__in=INVITE_KINDS)
    out = (Notification.Status.SENT, Notification.Status.SENDING)
    seen = Q(via=IN_APP, read_at__isnull=False)
    delivered = Q(status__in=out) & ~Q(via=IN_APP)
    if invitations.filter(seen | delivered, recipient=person).exists():
        return True
    posts = invitations.filter(recipient=None, status__in=out).values_list("payload", flat=True)
    return any(person.pk in (payload.get("mentions") or ()) for payload in posts)


@reacts_to(meeting_events.RolesReplaced)
def roles_replaced(meeting: Meeting, before: Iterable[Person | None]) -> int:
    """A scheduled meeting's host or recorder was replaced (after ``meeting_changed`` sent
    the update): whoever of ``before`` (the host and recorder as they were) is no longer in
    the invitation, neither in another role nor a participant, is taken off it as
    ``participant_removed`` takes a participant off."""
    attendees = {person.pk for person in meeting_attendees(meeting)}
    return sum(
        participant_removed(meeting, person)
        for person in unique(before)
        if person.pk not in attendees
    )


@reacts_to(meeting_events.ParticipantRemoved)
def participant_removed(meeting: Meeting, person: Person) -> int:
    """Someone taken off a scheduled meeting.

    Their invitations and updates not yet sent are withdrawn (by e-mail, through their own
    channels, and a group bot's post that mentions them alone). If one had reached them
    (``_invitation_reached``), their calendar gets a CANCEL; if none had, nothing more is
    sent, since a cancellation of an invitation never received only puzzles, and the
    in-app invitation they have not read leaves their inbox (it stays in the delivery log,
    cancelled, with why). Either way the calendar revision moves on, so that inviting them
    again sends a new invitation."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return 0
    meeting.calendar_sequence += 1
    meeting.save(update_fields=["calendar_sequence"])
    reached = _invitation_reached(meeting, person)
    withdrawn = reason("uninvited")
    retire(reason=withdrawn, meeting=meeting, kind__in=INVITE_KINDS, recipient=person)
    posts = Notification.objects.filter(
        meeting=meeting, kind__in=INVITE_KINDS, recipient=None, status=Notification.Status.PENDING
    ).values_list("pk", "payload")
    alone = [pk for pk, payload in posts if payload.get("mentions") == [person.pk]]
    if alone:
        retire(reason=withdrawn, pk__in=alone)
    if not reached:
        why = stored(withdrawn)
        Notification.objects.filter(
            meeting=meeting, kind__in=INVITE_KINDS, recipient=person, via=IN_APP
        ).update(
            status=Notification.Status.CANCELLED,
            read_at=clock.now(),
            last_error=why["text"],
            last_error_code=why["code"],
            last_error_params=why["params"],
        )
        return 0
    sequence = meeting.calendar_sequence
    return publish(
        [
            Event(
                key=f"uninvite:meeting:{meeting.pk}:p{person.pk}:seq:{sequence}",
                kind="meeting.uninvited",
                people=[person],
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"sequence": sequence},
            )
        ]
    )


@reacts_to(meeting_events.MeetingCancelled)
def meeting_cancelled(meeting: Meeting, *, was_scheduled: bool) -> int:
    """Everyone invited gets the cancellation (METHOD:CANCEL, same UID); nothing more about
    this meeting goes out."""
    retire(reason=reason("meeting_cancelled"), meeting=meeting, kind__in=MEETING_KINDS)
    if not was_scheduled:
        return 0
    meeting.calendar_sequence += 1
    meeting.save(update_fields=["calendar_sequence"])
    return publish(
        [
            Event(
                key=f"cancel:meeting:{meeting.pk}",
                kind="meeting.cancelled",
                people=meeting_attendees(meeting),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"sequence": meeting.calendar_sequence},
            )
        ]
    )
