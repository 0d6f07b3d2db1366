"""The rules that make the tracking half of the loop run by itself.

Two sources feed the outbox (``outbox.publish``):

- **events**, written by the services in the same transaction as the change they report:
  a meeting scheduled, changed, cancelled; a participant added or removed; minutes
  submitted, sent back, distributed (with the sign-off requests); an item re-planned.
- **time rules**, applied by each worker pass (:func:`plan`) to what is due *now*:

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
from collections.abc import Iterable
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Case, CharField, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from accord.actions.models import ActionItem, DueDateProposal
from accord.analytics.digest_figures import digest_completion, digest_open_items
from accord.analytics.period import Period
from accord.core import clock
from accord.core.lookups import by_pk
from accord.meetings.models import Meeting, Participant, PrepAnswer, PrepQuestion
from accord.minutes.models import Minutes
from accord.notify.models import Channel, Notification
from accord.notify.outbox import Event, planned_events, publish, retire
from accord.notify.reasons import Reason, reason, stored
from accord.org.models import Department, Person

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


def rule_day(now: dt.datetime) -> dt.date:
    """The day whose day-based notices are due at ``now``: today from the notify hour on,
    yesterday before it."""
    local = timezone.localtime(now)
    if local.hour >= settings.ACCORD_NOTIFY_HOUR:
        return local.date()
    return local.date() - dt.timedelta(days=1)


def _unique(people: Iterable[Person | None]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        if person is not None and person.pk not in seen:
            seen[person.pk] = person
    return list(seen.values())


def _new(events: list[Event]) -> list[Event]:
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
    return _unique(people)


# -- events, called by the services inside their transaction ------------------------------


def meeting_invited(meeting: Meeting, people: list[Person] | None = None) -> int:
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


def meeting_changed(meeting: Meeting, changed: Iterable[str]) -> int:
    """A scheduled meeting's time, place or name changed: calendars get the update
    (same UID, SEQUENCE + 1), and updates not yet sent are superseded."""
    if meeting.status != Meeting.Status.SCHEDULED or not CALENDAR_FIELDS & set(changed):
        return 0
    return _calendar_update(meeting)


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


def roles_replaced(meeting: Meeting, before: Iterable[Person | None]) -> int:
    """A scheduled meeting's host or recorder was replaced (after ``meeting_changed`` sent
    the update): whoever of ``before`` (the host and recorder as they were) is no longer in
    the invitation, neither in another role nor a participant, is taken off it as
    ``participant_removed`` takes a participant off."""
    attendees = {person.pk for person in meeting_attendees(meeting)}
    return sum(
        participant_removed(meeting, person)
        for person in _unique(before)
        if person.pk not in attendees
    )


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


def minutes_submitted(meeting: Meeting, minutes: Minutes) -> int:
    """The host is asked to review (S-POST-2)."""
    stamp = int(minutes.submitted_at.timestamp())
    return publish(
        [
            Event(
                key=f"review:meeting:{meeting.pk}:v{minutes.version}:{stamp}",
                kind="minutes.review",
                people=_unique([meeting.host]),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"version": minutes.version},
            )
        ]
    )


def minutes_returned(meeting: Meeting, minutes: Minutes, comment: str) -> int:
    """The recorder hears why the host sent the minutes back; the host's request to review
    them is done."""
    _done(Notification.objects.filter(meeting=meeting, kind="minutes.review"))
    stamp = int(clock.now().timestamp())
    return publish(
        [
            Event(
                key=f"returned:meeting:{meeting.pk}:v{minutes.version}:{stamp}",
                kind="minutes.returned",
                people=_unique([meeting.recorder]),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"version": minutes.version, "comment": comment},
            )
        ]
    )


def _unsigned_by_owner(meeting_ids: Iterable[int]) -> dict[tuple[int, int], list[dict]]:
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


def minutes_distributed(meeting: Meeting, version: int) -> int:
    """The approved minutes go to participants and copied departments; each owner is asked
    to sign their items (S-POST-2, S-POST-3)."""
    copied = list(meeting.copied_departments.select_related("head"))
    people = meeting_attendees(meeting) + [meeting.organiser] + [d.head for d in copied]
    events = [
        Event(
            key=f"distributed:meeting:{meeting.pk}:v{version}",
            kind="minutes.distributed",
            people=_unique(people),
            departments=copied,
            meeting_id=meeting.pk,
            confidential=meeting.confidential,
            payload={"version": version},
        )
    ]
    unsigned = _unsigned_by_owner([meeting.pk])
    owners = by_pk(Person, (owner_id for _m, owner_id in unsigned))
    for (_meeting_id, owner_id), items in unsigned.items():
        events.append(
            Event(
                key=f"sign:meeting:{meeting.pk}:v{version}:p{owner_id}",
                kind="action.sign_request",
                people=[owners[owner_id]],
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"version": version, "items": items},
            )
        )
    return publish(events)


def action_replanned(
    action: ActionItem,
    *,
    old_due: dt.date,
    reason: str,
    proposed_by: Person | None = None,
    actor: Person | None = None,
) -> int:
    """A new due date: the reminders of the old one are retired, owner, department head
    and organiser are told; the rules plan the new date's reminders when they fall due.
    When it accepts the owner's proposal (``proposed_by``), the notice says who accepted
    it: that is the owner's answer."""
    action_due_changed(action)
    head = action.department.head if action.department_id else None
    payload = {
        "due": action.due_date.isoformat(),
        "old_due": old_due.isoformat(),
        "reason": reason,
    }
    if proposed_by is not None:
        payload["proposed_by"] = proposed_by.display
        payload["accepted_by"] = actor.display if actor is not None else ""
    return publish(
        [
            Event(
                # stamped: moving an item back to a date it had before is news again
                key=(
                    f"replan:action:{action.pk}:due:{action.due_date.isoformat()}"
                    f":{int(clock.now().timestamp())}"
                ),
                kind="action.replanned",
                people=_unique([action.owner, head, action.meeting.organiser]),
                meeting_id=action.meeting_id,
                confidential=action.meeting.confidential,
                action_id=action.pk,
                payload=payload,
            )
        ]
    )


def due_proposed(proposal: DueDateProposal) -> int:
    """The owner proposes a new due date: the meeting's organiser and host, who may re-plan
    the item, are asked to accept or decline it (not the owner, should they be one)."""
    action = proposal.action
    meeting = action.meeting
    return publish(
        [
            Event(
                key=f"due-proposed:action:{action.pk}:proposal:{proposal.pk}",
                kind="action.due_proposed",
                people=[
                    p
                    for p in _unique([meeting.organiser, meeting.host])
                    if p.pk != proposal.proposed_by_id
                ],
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                action_id=action.pk,
                payload={
                    "due": proposal.old_due_date.isoformat(),
                    "proposed": proposal.due_date.isoformat(),
                    "reason": proposal.reason,
                    "by": proposal.proposed_by.display,
                },
            )
        ]
    )


def due_proposal_declined(proposal: DueDateProposal) -> int:
    """The owner hears that their date was declined, why, and by whom."""
    action = proposal.action
    return publish(
        [
            Event(
                key=f"due-declined:action:{action.pk}:proposal:{proposal.pk}",
                kind="action.due_declined",
                people=[proposal.proposed_by],
                meeting_id=action.meeting_id,
                confidential=action.meeting.confidential,
                action_id=action.pk,
                payload={
                    "due": action.due_date.isoformat(),
                    "proposed": proposal.due_date.isoformat(),
                    "answer": proposal.answer,
                    "by": proposal.decided_by.display if proposal.decided_by else "",
                },
            )
        ]
    )


def action_escalated(action: ActionItem, *, actor: Person, note: str) -> int:
    """An item handed up: the owner, the head of the owner's department and the PMO."""
    head = action.department.head if action.department_id else None
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk")
    return publish(
        [
            Event(
                key=f"escalated:action:{action.pk}:{int(clock.now().timestamp())}",
                kind="action.escalated",
                people=[p for p in _unique([action.owner, head, *pmo]) if p.pk != actor.pk],
                meeting_id=action.meeting_id,
                confidential=action.meeting.confidential,
                action_id=action.pk,
                payload={"due": action.due_date.isoformat(), "note": note, "by": actor.display},
            )
        ]
    )


# -- notices whose ask was done --------------------------------------------------------------

SIGN_KINDS = ("action.sign_request", "action.sign_reminder")
# What asks the reader for something about an item: its status, the reason it is late.
ASK_KINDS = ("action.status_request", "action.overdue")


def _done(rows) -> int:
    """Mark the in-app notices among ``rows`` done: read (when they were not already), and
    no longer asking for anything. The bell's count drops; the inbox shows them as done."""
    now = clock.now()
    return rows.filter(via=IN_APP, done_at__isnull=True).update(
        done_at=now, read_at=Coalesce(F("read_at"), Value(now, output_field=DateTimeField()))
    )


def sign_requests_settled(*, meeting_id: int, owner_id: int) -> int:
    """The owner's in-app sign-off requests and reminders of a meeting that list nothing
    left for them to sign (each item signed, cancelled, or handed to another owner) are
    done. A request listing an item still unsigned stays as it is. Three queries."""
    rows = Notification.objects.filter(
        via=IN_APP,
        recipient_id=owner_id,
        meeting_id=meeting_id,
        kind__in=SIGN_KINDS,
        done_at__isnull=True,
    )
    asks = list(rows.values_list("pk", "payload"))
    if not asks:
        return 0
    from accord.actions.selectors import actions_unsigned

    listed = {item["id"] for _pk, payload in asks for item in payload.get("items", ())}
    left = set(
        actions_unsigned().filter(pk__in=listed, owner_id=owner_id).values_list("pk", flat=True)
    )
    settled = [
        pk
        for pk, payload in asks
        if not any(item["id"] in left for item in payload.get("items", ()))
    ]
    return _done(Notification.objects.filter(pk__in=settled)) if settled else 0


def action_signed(action: ActionItem) -> int:
    """S-POST-3: the owner signed ``action``; what asked them to sign it is done."""
    return sign_requests_settled(meeting_id=action.meeting_id, owner_id=action.owner_id)


def action_closed(action: ActionItem) -> int:
    """An item done or cancelled: the requests for its status and the overdue notices
    (whoever they went to) are done, and so are its owner's sign-off requests that list
    nothing else to sign."""
    return _done(Notification.objects.filter(action=action, kind__in=ASK_KINDS)) + (
        sign_requests_settled(meeting_id=action.meeting_id, owner_id=action.owner_id)
    )


def channel_switched_off(channel: Channel, *, actor: Person) -> int:
    """Someone switched a department's channel off: the PMO (who oversee every
    department's channels) and the department's head are told which channel, of which
    department, and by whom, except the one who did it. Nothing goes to group bots."""
    head = channel.department.head
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk")
    people = [person for person in _unique([*pmo, head]) if person.pk != actor.pk]
    return publish(
        [
            Event(
                key=f"channel-off:c{channel.pk}:{int(clock.now().timestamp())}",
                kind="channel.switched_off",
                people=people,
                to_group_bots=False,
                payload={
                    "channel_name": channel.name,
                    "channel_kind": channel.kind,
                    "department_name": channel.department.name,
                    "by": actor.display,
                },
            )
        ]
    )


def action_due_changed(action: ActionItem) -> int:
    """Retire the notices planned for a due date (or owner) that no longer holds."""
    return retire(reason=reason("due_or_owner_changed"), action=action, kind__in=DUE_KINDS)


# -- integration events (API webhooks) -----------------------------------------------------


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


def _hook_only(key: str, hook: str, data: dict, *, meeting_id=None, action_id=None) -> int:
    return publish(
        [
            Event(
                key=key,
                kind=hook,
                meeting_id=meeting_id,
                action_id=action_id,
                hook=hook,
                hook_data=data,
            )
        ]
    )


def action_created(action: ActionItem) -> int:
    return _hook_only(
        f"created:action:{action.pk}",
        "action.created",
        action_data(action),
        meeting_id=action.meeting_id,
        action_id=action.pk,
    )


def action_completed(action: ActionItem) -> int:
    stamp = int(clock.now().timestamp())
    return _hook_only(
        f"completed:action:{action.pk}:{stamp}",
        "action.completed",
        action_data(action),
        meeting_id=action.meeting_id,
        action_id=action.pk,
    )


def minutes_approved(meeting: Meeting, version: int) -> int:
    """Integrations hear of the approval; the host's request to review is done."""
    _done(Notification.objects.filter(meeting=meeting, kind="minutes.review"))
    return _hook_only(
        f"approved:meeting:{meeting.pk}:v{version}",
        "minutes.approved",
        {**meeting_data(meeting), "version": version},
        meeting_id=meeting.pk,
    )


# -- time rules, applied by every worker pass ---------------------------------------------


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
    events = _new(
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
        event.people = _unique(people[event.meeting_id])
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
                people=_unique(people + [department.head]),
                departments=[department],
                meeting_id=meeting_id,
                confidential=meetings[meeting_id].confidential,
                payload={"department_name": department.name},
            )
        )
    return _new(events)


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
            people=_unique([m.meeting.recorder, m.meeting.host, m.meeting.organiser]),
            meeting_id=m.meeting_id,
            confidential=m.meeting.confidential,
            payload={"due_at": m.due_at.isoformat()},
        )
        for m in minutes
        if m.meeting.status != Meeting.Status.CANCELLED
    ]
    return _new(events)


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
    unsigned = _unsigned_by_owner(distributed)
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
    return _new(events)


# What the item rules, their keys and ``action_data`` read of an item.
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
            people=_unique(persons.get(pk) for pk in people(item)),
            meeting_id=item.meeting_id,
            action_id=item.pk,
            confidential=item.meeting_confidential,
            payload={"due": item.due_date.isoformat(), **(payload(item) if payload else {})},
            hook=hook,
            hook_data=action_data(item) if hook else {},
        )
        for item in items
    ]
    return events if unplanned else _new(events)


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


DIGEST_ORGANISER_DAYS = 90  # who organised a meeting this recently gets the organiser's digest


def _digest_list(found) -> dict:
    if found is None:
        return {"count": 0, "items": []}
    return {
        "count": found.count,
        "items": [
            {"task": item.task, "owner": item.owner, "due": item.due.isoformat()}
            for item in found.items
        ],
    }


def weekly_digest(now: dt.datetime) -> list[Event]:
    """The weekly digest, on ``ACCORD_DIGEST_WEEKDAY`` from the notify hour (until the notify
    hour of the next day; a digest missed on its day is not sent later: next week's comes).

    Each department head gets their department's (the work it was given): the past seven
    days' items by committed due date (due, done on time, late, on-time rate, as the
    analytics page counts them), what is overdue now and what is due in the seven days
    from today (counts and the first ten by due date). Each organiser of a meeting of the
    last 90 days who heads no department gets the same for the items of their meetings.
    The figures travel in the payload. Nine queries at most, however many departments.

    Items of a confidential meeting count only in the digest of a reader who may see that
    meeting (``analytics.selectors``, "Confidential meetings"). Such a digest carries
    ``"confidential": true`` in its payload, and the delivery log keeps it from the PMO as
    it keeps a notice about a confidential meeting."""
    today = rule_day(now)
    if not settings.ACCORD_DIGEST_ENABLED or today.weekday() != settings.ACCORD_DIGEST_WEEKDAY:
        return []
    year, week, _weekday = today.isocalendar()
    stamp = f"{year}-W{week:02d}"
    heads = list(
        Department.objects.filter(head__isnull=False, head__is_active=True)
        .select_related("head")
        .order_by("name", "pk")
    )
    recent = Meeting.objects.exclude(status=Meeting.Status.CANCELLED).filter(
        starts_at__gte=now - dt.timedelta(days=DIGEST_ORGANISER_DAYS), starts_at__lte=now
    )
    organisers = list(
        Person.objects.filter(is_active=True, pk__in=recent.values("organiser_id"))
        .exclude(pk__in=Department.objects.filter(head__isnull=False).values("head_id"))
        .order_by("name", "pk")
    )
    wanted = [
        (f"digest:week:{stamp}:dept:{d.pk}", "department", d.pk, d.head, d.name) for d in heads
    ]
    wanted += [
        (f"digest:week:{stamp}:organiser:{p.pk}", "organiser", p.pk, p, p.name or p.username)
        for p in organisers
    ]
    planned = planned_events(key for key, *_rest in wanted)
    wanted = [row for row in wanted if row[0] not in planned]
    if not wanted:
        return []
    period = Period(today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    next_end = today + dt.timedelta(days=6)
    completion: dict[str, dict] = {}
    lists: dict[str, dict] = {}
    for group in ("department", "organiser"):
        keys = [pk for _key, g, pk, _p, _n in wanted if g == group]
        if keys:
            completion[group] = digest_completion(
                group=group, keys=keys, period=period, today=today
            )
            lists[group] = digest_open_items(group=group, keys=keys, today=today)
    events = []
    for key, group, pk, person, name in wanted:
        done = completion[group].get(pk)
        overdue = lists[group].get((pk, "overdue"))
        coming = lists[group].get((pk, "next"))
        payload = {
            "week": stamp,
            "scope": group,
            "id": pk,
            "name": name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "next_end": next_end.isoformat(),
            "due": done.due if done else 0,
            "on_time": done.on_time if done else 0,
            "late": done.late if done else 0,
            "rate": done.on_time_rate if done else None,
            "overdue": _digest_list(overdue),
            "next": _digest_list(coming),
        }
        if (done and done.confidential) or any(
            found.confidential for found in (overdue, coming) if found
        ):
            payload["confidential"] = True
        events.append(
            Event(
                key=key,
                kind="digest.weekly",
                people=[person],
                to_group_bots=False,  # a head's or organiser's own numbers
                payload=payload,
            )
        )
    return events


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


# -- at send time --------------------------------------------------------------------------


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
        from accord.minutes.models import Signature

        ids = [item["id"] for item in n.payload.get("items", ())]
        if ids and Signature.objects.filter(action_id__in=ids).count() >= len(ids):
            return reason("all_signed")
    return ""
