"""When something happens, who is told: the notices each domain event sets off.

The services emit events (``meetings/events.py``, ``actions/events.py``,
``minutes/events.py``, ``series/events.py``) through ``core.events``; the bottom of this
module (and ``invitations.py``, for a meeting's calendar) register, for each, the reaction
that plans its notices into the outbox
(``outbox.publish``), inside the service's transaction. A meeting scheduled, changed,
cancelled; a participant added or removed; minutes submitted, sent back, approved,
distributed (with the sign-off requests); an item created, re-planned, escalated, closed,
signed; a due date proposed or declined; a series' next meeting planned; a spreadsheet
export finished. What falls due with time is ``planner.py``'s.
"""

import datetime as dt

from accord.actions import events as action_events
from accord.actions.models import ActionItem, DueDateProposal, Export
from accord.core import clock
from accord.core.events import reacts_to
from accord.core.lookups import by_pk
from accord.meetings.models import Meeting
from accord.minutes import events as minutes_events
from accord.minutes.models import Minutes
from accord.notify.models import Channel, Notification
from accord.notify.notices import (
    ASK_KINDS,
    DUE_KINDS,
    IN_APP,
    SIGN_KINDS,
    action_data,
    mark_done,
    meeting_attendees,
    meeting_data,
    unique,
    unsigned_by_owner,
)
from accord.notify.outbox import Event, publish, retire
from accord.notify.reasons import reason
from accord.org.models import Person
from accord.series import events as series_events


@reacts_to(minutes_events.MinutesSubmitted)
def minutes_submitted(meeting: Meeting, minutes: Minutes) -> int:
    """The host is asked to review (S-POST-2)."""
    stamp = int(minutes.submitted_at.timestamp())
    return publish(
        [
            Event(
                key=f"review:meeting:{meeting.pk}:v{minutes.version}:{stamp}",
                kind="minutes.review",
                people=unique([meeting.host]),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"version": minutes.version},
            )
        ]
    )


@reacts_to(minutes_events.MinutesReturned)
def minutes_returned(meeting: Meeting, minutes: Minutes, comment: str) -> int:
    """The recorder hears why the host sent the minutes back; the host's request to review
    them is done."""
    mark_done(Notification.objects.filter(meeting=meeting, kind="minutes.review"))
    stamp = int(clock.now().timestamp())
    return publish(
        [
            Event(
                key=f"returned:meeting:{meeting.pk}:v{minutes.version}:{stamp}",
                kind="minutes.returned",
                people=unique([meeting.recorder]),
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"version": minutes.version, "comment": comment},
            )
        ]
    )


@reacts_to(minutes_events.MinutesDistributed)
def minutes_distributed(meeting: Meeting, version: int) -> int:
    """The approved minutes go to participants and copied departments; each owner is asked
    to sign their items (S-POST-2, S-POST-3)."""
    copied = list(meeting.copied_departments.select_related("head"))
    people = meeting_attendees(meeting) + [meeting.organiser] + [d.head for d in copied]
    events = [
        Event(
            key=f"distributed:meeting:{meeting.pk}:v{version}",
            kind="minutes.distributed",
            people=unique(people),
            departments=copied,
            meeting_id=meeting.pk,
            confidential=meeting.confidential,
            payload={"version": version},
        )
    ]
    unsigned = unsigned_by_owner([meeting.pk])
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


@reacts_to(action_events.ActionReplanned)
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
                people=unique([action.owner, head, action.meeting.organiser]),
                meeting_id=action.meeting_id,
                confidential=action.meeting.confidential,
                action_id=action.pk,
                payload=payload,
            )
        ]
    )


@reacts_to(action_events.DueDateProposed)
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
                    for p in unique([meeting.organiser, meeting.host])
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


@reacts_to(action_events.DueProposalDeclined)
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


@reacts_to(action_events.ActionEscalated)
def action_escalated(action: ActionItem, *, actor: Person, note: str) -> int:
    """An item handed up: the owner, the head of the owner's department and the PMO."""
    head = action.department.head if action.department_id else None
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk")
    return publish(
        [
            Event(
                key=f"escalated:action:{action.pk}:{int(clock.now().timestamp())}",
                kind="action.escalated",
                people=[p for p in unique([action.owner, head, *pmo]) if p.pk != actor.pk],
                meeting_id=action.meeting_id,
                confidential=action.meeting.confidential,
                action_id=action.pk,
                payload={"due": action.due_date.isoformat(), "note": note, "by": actor.display},
            )
        ]
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
    return mark_done(Notification.objects.filter(pk__in=settled)) if settled else 0


@reacts_to(action_events.ActionSigned)
def action_signed(action: ActionItem) -> int:
    """S-POST-3: the owner signed ``action``; what asked them to sign it is done."""
    return sign_requests_settled(meeting_id=action.meeting_id, owner_id=action.owner_id)


@reacts_to(action_events.ActionClosed)
def action_closed(action: ActionItem) -> int:
    """An item done or cancelled: integrations hear of a completion; the requests for its
    status and the overdue notices (whoever they went to) are done, and so are its owner's
    sign-off requests that list nothing else to sign."""
    completed = action_completed(action) if action.status == ActionItem.Status.DONE else 0
    return (
        completed
        + mark_done(Notification.objects.filter(action=action, kind__in=ASK_KINDS))
        + (sign_requests_settled(meeting_id=action.meeting_id, owner_id=action.owner_id))
    )


def channel_switched_off(channel: Channel, *, actor: Person) -> int:
    """Someone switched a department's channel off: the PMO (who oversee every
    department's channels) and the department's head are told which channel, of which
    department, and by whom, except the one who did it. Nothing goes to group bots."""
    head = channel.department.head
    pmo = Person.objects.filter(is_pmo=True, is_active=True).order_by("pk")
    people = [person for person in unique([*pmo, head]) if person.pk != actor.pk]
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


@reacts_to(action_events.CommitmentChanged)
def action_due_changed(action: ActionItem) -> int:
    """Retire the notices planned for a due date (or owner) that no longer holds."""
    return retire(reason=reason("due_or_owner_changed"), action=action, kind__in=DUE_KINDS)


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


@reacts_to(action_events.ActionCreated)
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


@reacts_to(minutes_events.MinutesApproved)
def minutes_approved(meeting: Meeting, version: int) -> int:
    """Integrations hear of the approval; the host's request to review is done."""
    mark_done(Notification.objects.filter(meeting=meeting, kind="minutes.review"))
    return _hook_only(
        f"approved:meeting:{meeting.pk}:v{version}",
        "minutes.approved",
        {**meeting_data(meeting), "version": version},
        meeting_id=meeting.pk,
    )


@reacts_to(series_events.NextMeetingPlanned)
def next_meeting_planned(meeting: Meeting, missing: str) -> int:
    """The organiser hears that the worker planned the series' next meeting ahead, and what
    kept it from being scheduled, if anything."""
    return publish(
        [
            Event(
                key=f"planned:meeting:{meeting.pk}",
                kind="meeting.planned",
                people=[meeting.organiser],
                meeting_id=meeting.pk,
                confidential=meeting.confidential,
                payload={"missing": missing},
            )
        ]
    )


@reacts_to(action_events.ExportFinished)
def export_finished(export: Export) -> int:
    """The person who asked for a spreadsheet hears it is ready to download, or failed."""
    kind = "export.ready" if export.status == Export.Status.DONE else "export.failed"
    return publish(
        [
            Event(
                key=f"{kind}:{export.pk}",
                kind=kind,
                people=[export.person],
                to_group_bots=False,
                payload={"export_id": export.pk, "filename": export.filename, "rows": export.rows},
            )
        ]
    )
