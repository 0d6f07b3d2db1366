"""What happens to a series that others react to (``core.events``; the notices are planned
in ``notify/reactions.py``)."""

import dataclasses

from accord.meetings.models import Meeting


@dataclasses.dataclass(frozen=True)
class NextMeetingPlanned:
    """The worker planned a series' next meeting ahead (its organiser is the series');
    ``missing`` names what kept it from being scheduled (a field), empty when it was."""

    meeting: Meeting
    missing: str = ""
