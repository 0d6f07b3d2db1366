"""The presenter view for the projector (S-MEET-2, S-MEET-5): what the room looks at while
the host runs the meeting — the topic under discussion with its timer and the positions
captured so far, and once every topic is closed (or on ``?readback=1``) the read-back of
the consensus and the action plan in large type. It reads only; the page refreshes its
content every few seconds, so it follows the recorder's typing without anyone touching it.
Who may see the meeting may open it; for everyone else it does not exist (404)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from accord.core import clock
from accord.live.views import current_topic, load_meeting, timer_start
from accord.meetings.models import Meeting

REFRESH_SECONDS = 5


@login_required
@require_safe
def run_present(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = load_meeting(request, pk)
    topics = list(meeting.topics.all())
    current = current_topic(topics)
    readback = (
        request.GET.get("readback") == "1"
        or current is None
        or meeting.ended_at is not None
        or meeting.status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.SCHEDULED)
    )
    positions = list(current.positions.all()) if current is not None else []
    heard = {position.department_id for position in positions}
    waiting = sorted(
        {p.department.name for p in meeting.participants.all() if p.department_id not in heard}
    )
    return render(
        request,
        "meetings/run/present.html",
        {
            "meeting": meeting,
            "topics": topics,
            "topic": None if readback else current,
            "positions": positions,
            "waiting": pgettext("list separator", ", ").join(waiting),
            "current": current,
            "readback": readback,
            "actions": list(meeting.actions.all()),
            "open_objections": [o for o in meeting.objections.all() if o.resolved_at is None],
            "timer_start": timer_start(meeting, topics, current),
            "now_iso": timezone.localtime(clock.now()).isoformat(),
            "refresh": REFRESH_SECONDS,
        },
    )
