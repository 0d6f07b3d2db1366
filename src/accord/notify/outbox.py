"""Writing to the outbox: one event becomes one row per reader and channel.

An *event* has a stable key built from the facts that make it (``remind:action:42:due:
2026-09-15``). Each row's key is the event's key plus where it goes (``>app:7`` in the
app, ``>email:7`` by e-mail, ``>c3`` a channel), and rows are only ever inserted with
``ignore_conflicts``: planning an event twice, or on two workers at once, adds nothing.

Who is reached (decided when the event is written):

- every person named, in the app (always; shown by the bell once ``send_after`` passes);
- by e-mail, when e-mail is on for the installation and the person has not turned it off;
- through each enabled channel the person owns;
- through each enabled channel of the person's department that carries members' notices
  (``members_too``), unless the person muted it — one post per channel and event, which
  mentions every person of that department it concerns;
- through each enabled channel of every department the event names (copied departments,
  departments that have not answered).
"""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection
from django.db.models import F, Q

from accord.core import bulk, clock
from accord.core.lookups import AnyOf
from accord.notify.models import Channel, Notification
from accord.notify.reasons import Reason, stored

Status = Notification.Status
PLANNED_CHUNK = 1000


@dataclasses.dataclass
class Event:
    key: str
    kind: str
    people: Sequence = ()
    departments: Sequence = ()
    meeting_id: int | None = None
    action_id: int | None = None
    payload: dict = dataclasses.field(default_factory=dict)
    send_after: dt.datetime | None = None
    # False for notices that concern one person only (a channel of theirs stopped): they
    # do not go to the department's group bots.
    to_group_bots: bool = True
    # About a confidential meeting: it reaches only people who may see that meeting (those
    # who take part, administrators), never departments or group bots.
    confidential: bool = False
    # The API event integrations subscribe to (``action.created`` …), with its data.
    hook: str = ""
    hook_data: dict = dataclasses.field(default_factory=dict)


def email_on() -> bool:
    return settings.ACCORD_NOTIFY_EMAIL


def publish(events: Iterable[Event]) -> int:
    """Write the rows of ``events`` (any number, in a few queries); returns how many rows
    were offered to the outbox (existing keys are skipped by the database)."""
    events = [event for event in events if event.people or event.departments or event.hook]
    hooks = integration_hooks() if any(event.hook for event in events) else []
    # an event only for integrations (action.created …) is nothing without one
    events = [event for event in events if event.people or event.departments or hooks]
    if not events:
        return 0
    _keep_confidential_within(events)
    people = {person.pk: person for event in events for person in event.people if person.is_active}
    department_ids = {person.department_id for person in people.values() if person.department_id}
    named_departments = {dept.pk for event in events for dept in event.departments}
    channels, muted = [], set()
    if people or named_departments:
        person_ids = list(people)
        channels = list(
            Channel.objects.filter(enabled=True).filter(
                AnyOf(F("person_id"), person_ids)
                | Q(department_id__in=named_departments)
                | Q(department_id__in=department_ids, members_too=True)
            )
        )
        channels = [channel for channel in channels if not channel.events]
        muted = set(
            Channel.muted_by.through.objects.filter(
                AnyOf(F("person_id"), person_ids),
                channel__in=[c.pk for c in channels if c.department_id],
            ).values_list("channel_id", "person_id")
        )
    own: dict[int, list[Channel]] = {}
    by_department: dict[int, list[Channel]] = {}
    for channel in channels:
        if channel.person_id:
            own.setdefault(channel.person_id, []).append(channel)
        else:
            by_department.setdefault(channel.department_id, []).append(channel)

    now = clock.now()
    rows: list[dict] = []
    for event in events:
        when = event.send_after or now
        common = {
            "event": event.key,
            "kind": event.kind,
            "meeting_id": event.meeting_id,
            "action_id": event.action_id,
            "payload": event.payload,
            "send_after": when,
            "created_at": now,
        }
        group_posts: dict[int, tuple[Channel, list[int]]] = {}
        for dept in event.departments:
            for channel in by_department.get(dept.pk, ()):
                group_posts.setdefault(channel.pk, (channel, []))
        for person in event.people:
            if person.pk not in people:
                continue
            rows.append(
                dict(
                    key=f"{event.key}>app:{person.pk}",
                    via=Channel.Kind.IN_APP,
                    recipient_id=person.pk,
                    status=Status.SENT,
                    sent_at=when,
                    **common,
                )
            )
            if email_on() and person.email and person.email_notifications:
                rows.append(
                    dict(
                        key=f"{event.key}>email:{person.pk}",
                        via=Channel.Kind.EMAIL,
                        recipient_id=person.pk,
                        **common,
                    )
                )
            for channel in own.get(person.pk, ()):
                rows.append(
                    dict(
                        key=f"{event.key}>c{channel.pk}",
                        via=channel.kind,
                        recipient_id=person.pk,
                        channel_id=channel.pk,
                        **common,
                    )
                )
            for channel in (
                by_department.get(person.department_id, ()) if event.to_group_bots else ()
            ):
                if channel.members_too and (channel.pk, person.pk) not in muted:
                    group_posts.setdefault(channel.pk, (channel, []))[1].append(person.pk)
        for channel, mentioned in group_posts.values():
            rows.append(
                dict(
                    key=f"{event.key}>c{channel.pk}",
                    via=channel.kind,
                    channel_id=channel.pk,
                    department_id=channel.department_id,
                    **{**common, "payload": {**event.payload, "mentions": mentioned}},
                )
            )
        for channel in hooks:
            if event.hook in channel.events:
                rows.append(
                    dict(
                        key=f"{event.key}>h{channel.pk}",
                        via=channel.kind,
                        channel_id=channel.pk,
                        **{**common, "kind": event.hook, "payload": event.hook_data},
                    )
                )
    _write(rows)
    return len(rows)


# From this many rows (a planner pass writes tens of thousands), PostgreSQL takes them by
# COPY: no model instance per row, and one statement to skip the keys already there.
COPY_FROM = 200


def _write(rows: list[dict]) -> None:
    """Insert the rows, skipping every key already in the outbox."""
    if connection.vendor == "postgresql" and len(rows) >= COPY_FROM:
        bulk.insert_new(Notification, rows)
    else:
        Notification.objects.bulk_create(
            [Notification(**row) for row in rows], ignore_conflicts=True, batch_size=500
        )


def _keep_confidential_within(events: list[Event]) -> None:
    """Narrow every confidential event to the people who may see its meeting (three queries,
    only when there is such an event)."""
    secret = {event.meeting_id for event in events if event.confidential and event.meeting_id}
    if not secret:
        return
    from accord.actions.models import ActionItem
    from accord.meetings.models import Meeting, Participant

    allowed: dict[int, set[int]] = {pk: set() for pk in secret}
    for meeting_id, *people in Meeting.objects.filter(pk__in=secret).values_list(
        "pk", "organiser_id", "host_id", "recorder_id"
    ):
        allowed[meeting_id].update(pk for pk in people if pk)
    for model, field in ((Participant, "person_id"), (ActionItem, "owner_id")):
        for meeting_id, person_id in model.objects.filter(meeting_id__in=secret).values_list(
            "meeting_id", field
        ):
            allowed[meeting_id].add(person_id)
    for event in events:
        if event.confidential:
            may_see = allowed.get(event.meeting_id, set())
            event.people = [p for p in event.people if p.pk in may_see or p.is_superuser]
            event.departments = ()
            event.to_group_bots = False


HOOK_EVENTS = (
    "action.created",
    "action.due_soon",
    "action.overdue",
    "action.completed",
    "minutes.approved",
    "meeting.scheduled",
)


def integration_hooks() -> list[Channel]:
    """The enabled signed webhooks of integrations (channels with events)."""
    return [
        channel
        for channel in Channel.objects.filter(enabled=True, kind=Channel.Kind.WEBHOOK)
        if channel.events
    ]


def planned_events(keys: Iterable[str]) -> set[str]:
    """Which of these event keys are already in the outbox: one index lookup per 1,000 keys.
    (With much longer lists PostgreSQL may read the whole outbox instead, which then costs
    what is stored, not what is due; SQLite caps a statement at about 32,000 parameters.)"""
    keys = list(keys)
    planned: set[str] = set()
    for start in range(0, len(keys), PLANNED_CHUNK):
        # order_by(): the model's ordering would join the DISTINCT and defeat it
        rows = Notification.objects.filter(event__in=keys[start : start + PLANNED_CHUNK])
        planned.update(rows.order_by().values_list("event", flat=True).distinct())
    return planned


def retire(*, reason: "Reason | str", **match) -> int:
    """Cancel the rows not yet sent that ``match`` selects (e.g. the reminders of a due date
    that changed). Rows already sent stay in the delivery log as they were."""
    why = stored(reason)
    return (
        Notification.objects.filter(status=Status.PENDING, **match)
        .exclude(via=Channel.Kind.IN_APP)
        .update(
            status=Status.CANCELLED,
            last_error=why["text"],
            last_error_code=why["code"],
            last_error_params=why["params"],
            claimed_by="",
        )
    )
