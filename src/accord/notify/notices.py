"""What the reactions (``reactions.py``), the time rules (``planner.py``) and the digest
(``digest.py``) share: the kinds of notices, who a meeting's notices go to, the data
integrations receive, and marking asks done."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.actions.models import ActionItem
from accord.core import clock
from accord.meetings.models import Meeting
from accord.notify.models import Channel
from accord.notify.outbox import Event, planned_events
from accord.org.models import Person

OPEN = ActionItem.OPEN_STATUSES


IN_APP = Channel.Kind.IN_APP


DUE_KINDS = ("action.reminder", "action.status_request", "action.overdue", "action.due_soon")


INVITE_KINDS = ("meeting.invitation", "meeting.updated")


MEETING_KINDS = (
    "meeting.invitation",
    "meeting.updated",
    "meeting.materials",
    "meeting.answers_nudge",
)


SIGN_KINDS = ("action.sign_request", "action.sign_reminder")


ASK_KINDS = ("action.status_request", "action.overdue")


def rule_day(now: dt.datetime) -> dt.date:
    """The day whose day-based notices are due at ``now``: today from the notify hour on,
    yesterday before it."""
    local = timezone.localtime(now)
    if local.hour >= settings.ACCORD_NOTIFY_HOUR:
        return local.date()
    return local.date() - dt.timedelta(days=1)


def unique(people: Iterable[Person | None]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        if person is not None and person.pk not in seen:
            seen[person.pk] = person
    return list(seen.values())


def not_planned_yet(events: list[Event]) -> list[Event]:
    planned = planned_events(event.key for event in events)
    return [event for event in events if event.key not in planned]


def meeting_attendees(meeting: Meeting) -> list[Person]:
    """Who a meeting's calendar invitation goes to: its participants, host and recorder."""
    people = [p.person for p in meeting.participants.select_related("person")]
    extra = [pk for pk in (meeting.host_id, meeting.recorder_id) if pk]
    known = {person.pk for person in people}
    missing = [pk for pk in extra if pk not in known]
    if missing:
        people += list(Person.objects.filter(pk__in=missing))
    return unique(people)


def mark_done(rows) -> int:
    """Mark the in-app notices among ``rows`` done: read (when they were not already), and
    no longer asking for anything. The bell's count drops; the inbox shows them as done."""
    now = clock.now()
    return rows.filter(via=IN_APP, done_at__isnull=True).update(
        done_at=now, read_at=Coalesce(F("read_at"), Value(now, output_field=DateTimeField()))
    )


def unsigned_by_owner(meeting_ids: Iterable[int]) -> dict[tuple[int, int], list[dict]]:
    from accord.actions.selectors import actions_unsigned

    items: dict[tuple[int, int], list[dict]] = defaultdict(list)
    rows = (
        actions_unsigned()
        .filter(meeting_id__in=list(meeting_ids))
        .order_by("meeting_id", "owner_id", "due_date", "id")
        .values_list("meeting_id", "owner_id", "id", "task", "due_date")
    )
    for meeting_id, owner_id, pk, task, due in rows:
        items[(meeting_id, owner_id)].append({"id": pk, "task": task, "due": due.isoformat()})
    return items


def action_data(item: ActionItem) -> dict:
    """What an integration's webhook receives about an action item."""
    return {
        "action": {
            "id": item.pk,
            "task": item.task,
            "owner": {"id": item.owner_id, "name": item.owner.name},
            "department_id": item.department_id,
            "due_date": item.due_date.isoformat(),
            "status": item.status,
            "meeting_id": item.meeting_id,
        }
    }


def meeting_data(meeting: Meeting) -> dict:
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "status": meeting.status,
            "starts_at": meeting.starts_at.isoformat(),
            "duration_minutes": meeting.duration_minutes,
            "organiser_id": meeting.organiser_id,
        }
    }
