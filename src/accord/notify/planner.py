"""The time rules: what makes the tracking half of the loop run by itself.

Two sources feed the outbox (``outbox.publish``): what happened, planned by
``reactions.py`` in the same transaction as the change; and what falls due with time,
planned here: the **time rules**, applied by each worker pass (:func:`plan`) to what is
due *now*:

  ============================ ================================================= ==========
  rule                         what is due                                        SPEC
  ============================ ================================================= ==========
  ``materials``                1–2 days before (or at the chosen time): the pack  S-PREP-3
  ``answers_nudge``            1 day before: departments that have not answered   S-PREP-4
  ``minutes_late``             24 h after the end without distribution            S-POST-1
  ``sign_reminders``           each day after distribution, while unsigned        S-POST-3
  ``due_reminders``            3 days before the due date                         S-TRACK-1
  ``status_requests``          on the due date and each of the 2 days after       S-TRACK-2
  ``overdue_notices``          after that, to owner, department head, organiser   S-TRACK-3
  ``weekly_digest``            each ``ACCORD_DIGEST_WEEKDAY`` (Monday): the week  issue #7
                               in numbers to department heads and organisers
  ============================ ================================================= ==========

Each rule selects only what falls in its window (with indexes), builds the events'
keys, drops those already planned (index lookups, 1,000 keys each) and publishes the rest:
a pass costs what is due, not what is stored. Day-based rules fire at ``ACCORD_NOTIFY_HOUR`` local time.
A rule that was missed (the worker was down) fires late rather than never, within
``ACCORD_NOTIFY_CATCH_UP_DAYS``. All offsets are settings.
"""

import datetime as dt
import time
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accord.actions.models import ActionItem, Signature
from accord.core import clock
from accord.core.lookups import by_pk
from accord.meetings.models import Meeting, Participant, PrepAnswer, PrepQuestion
from accord.minutes.models import Minutes
from accord.notify.digest import weekly_digest
from accord.notify.models import Notification
from accord.notify.notices import (
    DUE_KINDS,
    OPEN,
    action_data,
    not_planned_yet,
    rule_day,
    unique,
    unsigned_by_owner,
)
from accord.notify.outbox import Event, publish
from accord.notify.reasons import Reason, reason
from accord.org.models import Person


def _catch_up() -> dt.timedelta:
    return dt.timedelta(days=settings.ACCORD_NOTIFY_CATCH_UP_DAYS)


def materials(now: dt.datetime) -> list[Event]:
    """S-PREP-3: the preparation pack goes out at the organiser's chosen time, or
    ``ACCORD_MATERIALS_MAX_DAYS_BEFORE`` days before the start."""
    window = now + dt.timedelta(days=settings.ACCORD_MATERIALS_MAX_DAYS_BEFORE)
    meetings = list(
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now).filter(
            Q(materials_send_at__lte=now) | Q(materials_send_at__isnull=True, starts_at__lte=window)
        )
    )
    events = not_planned_yet(
        [
            Event(
                key=f"materials:meeting:{m.pk}",
                kind="meeting.materials",
                meeting_id=m.pk,
                confidential=m.confidential,
            )
            for m in meetings
        ]
    )
    if not events:
        return []
    people: dict[int, list[Person]] = defaultdict(list)
    for participant in Participant.objects.filter(
        meeting_id__in=[e.meeting_id for e in events]
    ).select_related("person"):
        people[participant.meeting_id].append(participant.person)
    for event in events:
        event.people = unique(people[event.meeting_id])
    return events


def answers_nudge(now: dt.datetime) -> list[Event]:
    """S-PREP-4: ``ACCORD_MATERIALS_MIN_DAYS_BEFORE`` days before the start, departments
    that have not submitted answers to every question are reminded."""
    window = now + dt.timedelta(days=settings.ACCORD_MATERIALS_MIN_DAYS_BEFORE)
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=window
        )
    }
    if not meetings:
        return []
    questions: dict[int, set[int]] = defaultdict(set)
    for meeting_id, pk in PrepQuestion.objects.filter(meeting_id__in=meetings).values_list(
        "meeting_id", "pk"
    ):
        questions[meeting_id].add(pk)
    answered: dict[tuple[int, int], set[int]] = defaultdict(set)
    for meeting_id, department_id, question_id in PrepAnswer.objects.filter(
        question__meeting_id__in=list(questions), submitted_at__isnull=False
    ).values_list("question__meeting_id", "department_id", "question_id"):
        answered[(meeting_id, department_id)].add(question_id)
    members: dict[tuple[int, int], list[Person]] = defaultdict(list)
    departments = {}
    for participant in Participant.objects.filter(
        meeting_id__in=list(questions), department__isnull=False
    ).select_related("person", "department__head"):
        members[(participant.meeting_id, participant.department_id)].append(participant.person)
        departments[participant.department_id] = participant.department
    events = []
    for (meeting_id, department_id), people in members.items():
        if questions[meeting_id] <= answered[(meeting_id, department_id)]:
            continue
        department = departments[department_id]
        events.append(
            Event(
                key=f"nudge:meeting:{meeting_id}:dept:{department_id}",
                kind="meeting.answers_nudge",
                people=unique(people + [department.head]),
                departments=[department],
                meeting_id=meeting_id,
                confidential=meetings[meeting_id].confidential,
                payload={"department_name": department.name},
            )
        )
    return not_planned_yet(events)


def minutes_late(now: dt.datetime) -> list[Event]:
    """S-POST-1: 24 h after the end (``ACCORD_MINUTES_DUE_HOURS``) without distribution,
    recorder, host and organiser are told the minutes are late."""
    minutes = Minutes.objects.filter(
        first_distributed_at__isnull=True, due_at__lt=now, due_at__gte=now - _catch_up()
    ).select_related("meeting__recorder", "meeting__host", "meeting__organiser")
    events = [
        Event(
            key=f"late:minutes:{m.meeting_id}",
            kind="minutes.late",
            people=unique([m.meeting.recorder, m.meeting.host, m.meeting.organiser]),
            meeting_id=m.meeting_id,
            confidential=m.meeting.confidential,
            payload={"due_at": m.due_at.isoformat()},
        )
        for m in minutes
        if m.meeting.status != Meeting.Status.CANCELLED
    ]
    return not_planned_yet(events)


def sign_reminders(now: dt.datetime) -> list[Event]:
    """S-POST-3: each day after distribution, up to ``ACCORD_SIGN_REMINDERS`` days, owners
    who have not signed are reminded."""
    today = rule_day(now)
    days = settings.ACCORD_SIGN_REMINDERS
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(), tzinfo=tz)
    end = dt.datetime.combine(today, dt.time(), tzinfo=tz)
    rows = list(
        Minutes.objects.filter(
            first_distributed_at__gte=start, first_distributed_at__lt=end
        ).values_list("meeting_id", "first_distributed_at", "meeting__confidential")
    )
    distributed = {meeting_id: at for meeting_id, at, _secret in rows}
    secret = {meeting_id for meeting_id, _at, is_secret in rows if is_secret}
    if not distributed:
        return []
    unsigned = unsigned_by_owner(distributed)
    owners = by_pk(Person, {owner for _m, owner in unsigned})
    events = []
    for (meeting_id, owner_id), items in unsigned.items():
        offset = (today - timezone.localtime(distributed[meeting_id]).date()).days
        events.append(
            Event(
                key=f"sign-remind:meeting:{meeting_id}:p{owner_id}:d{offset}",
                kind="action.sign_reminder",
                people=[owners[owner_id]],
                meeting_id=meeting_id,
                confidential=meeting_id in secret,
                payload={"items": items, "day": offset},
            )
        )
    return not_planned_yet(events)


ITEM_FIELDS = (
    "pk",
    "task",
    "owner_id",
    "department_id",
    "meeting_id",
    "due_date",
    "replan_count",
    "status",
)


def commitment(item) -> str:
    """The part of an item rule's key that names the commitment it is about: the due date
    and, once the item was re-planned, the re-plan's number (``due:2026-09-15:r2``). An item
    re-planned back to a date whose reminder went out is a new commitment and is reminded
    again; one commitment is reminded once. (Keys of items never re-planned read as they
    always did; migration 0010 moved the rows of re-planned items to this form.)"""
    suffix = f":r{item.replan_count}" if item.replan_count else ""
    return f"due:{item.due_date.isoformat()}{suffix}"


def _action_events(
    items, kind: str, key, people, payload=None, hook: str = "", unplanned: bool = False
) -> list[Event]:
    """One event an item. ``people(item)`` names who is told by id; they are read in one
    query for all the items (a rule's window may hold thousands of items and a few hundred
    people), and whether an item's meeting is confidential comes with the item. The items
    are read as values (``ITEM_FIELDS`` and the query's annotations), not as model
    instances: ten thousand of those took a fifth of a second to build.
    ``unplanned``: the items were chosen by ``_not_planned`` with the same key, so their
    keys are not looked up again (a key planned meanwhile is skipped by the insert)."""
    items = items.annotate(meeting_confidential=F("meeting__confidential"))
    items = [
        SimpleNamespace(**row) for row in items.values(*ITEM_FIELDS, *items.query.annotation_select)
    ]
    persons = by_pk(Person, {pk for item in items for pk in people(item) if pk})
    for item in items:
        item.owner = persons[item.owner_id]
    events = [
        Event(
            key=key(item),
            kind=kind,
            people=unique(persons.get(pk) for pk in people(item)),
            meeting_id=item.meeting_id,
            action_id=item.pk,
            confidential=item.meeting_confidential,
            payload={"due": item.due_date.isoformat(), **(payload(item) if payload else {})},
            hook=hook,
            hook_data=action_data(item) if hook else {},
        )
        for item in items
    ]
    return events if unplanned else not_planned_yet(events)


def _not_planned(items, prefix: str):
    """``items`` whose event ``<prefix>:action:<pk>:<commitment>`` is not in the outbox yet,
    asked of the database (one index probe an item), so that a pass once everything is
    planned loads nothing."""
    replan = Case(
        When(replan_count=0, then=Value("")),
        default=Concat(Value(":r"), Cast("replan_count", CharField())),
        output_field=CharField(),
    )
    key = Concat(
        Value(f"{prefix}:action:"),
        Cast("pk", CharField()),
        Value(":due:"),
        Cast("due_date", CharField()),
        replan,
        output_field=CharField(),
    )
    return items.alias(event_key=key).exclude(
        Exists(Notification.objects.filter(event=OuterRef("event_key")))
    )


def due_reminders(now: dt.datetime) -> list[Event]:
    """S-TRACK-1: the owner is reminded ``ACCORD_REMINDER_DAYS_BEFORE`` days before the due
    date (an item recorded later than that is reminded at once, still before its date)."""
    today = rule_day(now)
    last = today + dt.timedelta(days=settings.ACCORD_REMINDER_DAYS_BEFORE)
    items = ActionItem.objects.filter(status__in=OPEN, due_date__gt=today, due_date__lte=last)
    return _action_events(
        _not_planned(items, "remind"),
        "action.reminder",
        key=lambda item: f"remind:action:{item.pk}:{commitment(item)}",
        people=lambda item: [item.owner_id],
        hook="action.due_soon",
        unplanned=True,
    )


def status_requests(now: dt.datetime) -> list[Event]:
    """S-TRACK-2: on the due date and each of the ``ACCORD_FOLLOW_UP_DAYS_AFTER`` days after
    it, the owner of an open item is asked for its status, once a day."""
    today = rule_day(now)
    first = today - dt.timedelta(days=settings.ACCORD_FOLLOW_UP_DAYS_AFTER)
    items = ActionItem.objects.filter(status__in=OPEN, due_date__gte=first, due_date__lte=today)
    return _action_events(
        items,
        "action.status_request",
        key=lambda item: (
            f"status:action:{item.pk}:{commitment(item)}:d{(today - item.due_date).days}"
        ),
        people=lambda item: [item.owner_id],
        payload=lambda item: {"day": (today - item.due_date).days},
    )


def overdue_notices(now: dt.datetime) -> list[Event]:
    """S-TRACK-3: after the follow-up days, an open item without a reason is overdue: its
    owner, department head and the meeting's organiser are told, and the owner is asked
    for the reason."""
    today = rule_day(now)
    last = today - dt.timedelta(days=settings.ACCORD_FOLLOW_UP_DAYS_AFTER + 1)
    items = ActionItem.objects.filter(
        status__in=OPEN,
        overdue_reason="",
        due_date__lte=last,
        due_date__gte=last - _catch_up(),
    )
    return _action_events(
        _not_planned(items, "overdue").annotate(
            head_id=F("department__head_id"), organiser_id=F("meeting__organiser_id")
        ),
        "action.overdue",
        key=lambda item: f"overdue:action:{item.pk}:{commitment(item)}",
        people=lambda item: [item.owner_id, item.head_id, item.organiser_id],
        hook="action.overdue",
        unplanned=True,
    )


RULES = (
    materials,
    answers_nudge,
    minutes_late,
    sign_reminders,
    due_reminders,
    status_requests,
    overdue_notices,
    weekly_digest,
)


def plan_with_values() -> None:
    """On PostgreSQL, have the rest of this transaction's queries planned with their values
    even when prepared: a rule's date window may hold ten items one day and ten thousand the
    next, and a plan made once for any window (a generic plan) fits neither. The pass may
    also sort in memory what the default ``work_mem`` (4 MB) would sort on disk: the weekly
    digest numbers every open item of the past and the coming week."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            cursor.execute("SET LOCAL work_mem = '64MB'")


def plan(now: dt.datetime | None = None, *, seconds: dict | None = None) -> dict[str, int]:
    """One pass of every rule; returns the number of rows each offered to the outbox, and
    fills ``seconds`` (when given) with the time each rule took."""
    now = now or clock.now()
    plan_with_values()
    offered = {}
    for rule in RULES:
        started = time.perf_counter()
        offered[rule.__name__] = publish(rule(now))
        if seconds is not None:
            seconds[rule.__name__] = time.perf_counter() - started
    return offered


def _missing(n: Notification, reference: str) -> bool:
    try:  # None when read with select_related, DoesNotExist when not
        return getattr(n, reference) is None
    except ObjectDoesNotExist:
        return True


def still_due(n: Notification) -> Reason | str:
    """Why ``n`` should no longer go out ("" if it should): the item was done, its date
    moved, the meeting was cancelled or has begun, the minutes went out meanwhile, or what
    it is about was deleted while it was being planned (the outbox's references are not
    checked by the database: ``Notification.meeting``)."""
    for reference, gone in (
        ("action", "action_deleted"),
        ("meeting", "meeting_deleted"),
        ("recipient", "recipient_deleted"),
    ):
        if getattr(n, f"{reference}_id") is not None and _missing(n, reference):
            return reason(gone)
    if n.kind in DUE_KINDS and n.action is not None:
        action = n.action
        if action.status not in OPEN:
            return reason("action_closed")
        if n.payload.get("due") and action.due_date.isoformat() != n.payload["due"]:
            return reason("due_changed")
    ahead = n.meeting is not None and n.meeting.status == Meeting.Status.SCHEDULED
    if n.kind in ("meeting.materials", "meeting.answers_nudge") and not ahead:
        return reason("meeting_not_ahead")
    if (
        n.kind == "minutes.late"
        and Minutes.objects.filter(
            meeting_id=n.meeting_id, first_distributed_at__isnull=False
        ).exists()
    ):
        return reason("minutes_distributed")
    if n.kind in ("action.sign_request", "action.sign_reminder"):
        ids = [item["id"] for item in n.payload.get("items", ())]
        if ids and Signature.objects.filter(action_id__in=ids).count() >= len(ids):
            return reason("all_signed")
    return ""
