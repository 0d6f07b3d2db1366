"""What happens to a meeting that others react to (``core.events``; the notices are planned
in ``notify/reactions.py``). Emitted by the meeting services inside their transaction."""

import dataclasses
from collections.abc import Collection

from accord.meetings.models import Meeting
from accord.org.models import Person


@dataclasses.dataclass(frozen=True)
class MeetingScheduled:
    """Draft → scheduled: the meeting is announced to everyone it invites."""

    meeting: Meeting


@dataclasses.dataclass(frozen=True)
class ParticipantInvited:
    """Someone joined a meeting that is already scheduled (``people``: that person)."""

    meeting: Meeting
    people: tuple[Person, ...]


@dataclasses.dataclass(frozen=True)
class MeetingChanged:
    """What was planned changed; ``changed`` names the fields."""

    meeting: Meeting
    changed: Collection[str]


@dataclasses.dataclass(frozen=True)
class RolesReplaced:
    """A scheduled meeting's host or recorder changed; ``before`` are the two as they were."""

    meeting: Meeting
    before: tuple[Person | None, ...]


@dataclasses.dataclass(frozen=True)
class ParticipantRemoved:
    meeting: Meeting
    person: Person


@dataclasses.dataclass(frozen=True)
class MeetingCancelled:
    meeting: Meeting
    was_scheduled: bool


@dataclasses.dataclass(frozen=True)
class MeetingHeldAtAnotherTime:
    """The meeting started away from its planned time, or ended after such a start."""

    meeting: Meeting
