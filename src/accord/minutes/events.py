"""What happens to the minutes that others react to (``core.events``; the notices are planned
in ``notify/reactions.py``). Emitted by the minutes services inside their transaction."""

import dataclasses

from accord.meetings.models import Meeting
from accord.minutes.models import Minutes


@dataclasses.dataclass(frozen=True)
class MinutesSubmitted:
    meeting: Meeting
    minutes: Minutes


@dataclasses.dataclass(frozen=True)
class MinutesReturned:
    meeting: Meeting
    minutes: Minutes
    comment: str


@dataclasses.dataclass(frozen=True)
class MinutesApproved:
    meeting: Meeting
    version: int


@dataclasses.dataclass(frozen=True)
class MinutesDistributed:
    meeting: Meeting
    version: int
