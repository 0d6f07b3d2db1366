"""Every write to an action item: create (S-MEET-4), status and progress (S-TRACK-2), the
overdue reason and the re-plan (S-TRACK-3), sign-off (S-POST-3)."""

import datetime as dt
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from accord.actions.deadlines import parse_due_date, require_not_before
from accord.actions.events import (
    ActionCreated,
    ActionSigned,
    CommitmentChanged,
)
from accord.actions.models import (
    ActionItem,
    DueDateProposal,
    Signature,
)
from accord.actions.rules import (
    meeting_date,
)
from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.core.events import emit
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.rules import RECORDING, meeting_lock, require, require_status
from accord.org.models import Department, Person

Status = ActionItem.Status


def resolve_due(
    due: str | dt.date | None,
    *,
    reference: dt.date,
    not_before: dt.date,
    earliest: Literal["meeting", "today"] = "meeting",
) -> tuple[dt.date, str]:
    """The due date from a picked date or a typed phrase, and the phrase as typed."""
    if isinstance(due, dt.datetime):
        due = due.date()
    if isinstance(due, dt.date):
        require_not_before(due, not_before=not_before, earliest=earliest)
        return due, ""
    # The phrase is kept as said (``due_text``): one line, as the field's rule has it.
    text = limits.require_line(
        due or "", field="due_date", max_length=limits.limit(ActionItem, "due_text")
    )
    due_date = parse_due_date(text, reference=reference, not_before=not_before, earliest=earliest)
    return due_date, text


def _minutes_version(meeting: Meeting) -> int:
    minutes = (
        getattr(meeting, "minutes", None) if meeting.status != Meeting.Status.IN_PROGRESS else None
    )
    return minutes.version if minutes is not None else 1


def _require_recording(actor: Person, meeting: Meeting) -> None:
    require(
        roles.can_record(actor, meeting),
        _("Only the recorder or the host may record action items."),
    )
    if meeting.status in Meeting.APPROVED_STATUSES:
        raise AppError(
            _(
                "The minutes are approved: open a new version, with a reason, to change the action plan."
            ),
            field="status",
            code="minutes_frozen",
        )
    require_status(
        meeting,
        RECORDING,
        _("Action items are recorded during the meeting or while the minutes are written."),
    )


@transaction.atomic
def action_create(
    *,
    actor: Person,
    meeting: Meeting,
    task: str,
    owner: Person,
    due: str | dt.date,
    department: Department | None = None,
    resources: str = "",
    topic: AgendaTopic | None = None,
) -> ActionItem:
    """Record an action item with task, owner, department, a real due date and resources."""
    meeting_lock(meeting)
    _require_recording(actor, meeting)
    task = (task or "").strip()
    if not task:
        raise AppError(_("Say what is to be done."), field="task", code="required")
    if owner is None:
        raise AppError(_("Every action item needs an owner."), field="owner", code="required")
    if not owner.is_active:
        raise AppError(
            _("%(name)s cannot sign in and cannot own an action item.") % {"name": owner},
            field="owner",
            code="inactive",
        )
    department = department or owner.department
    if department is None:
        raise AppError(_("Name the department responsible."), field="department", code="required")
    if topic is not None and topic.meeting_id != meeting.pk:
        raise AppError(_("That topic belongs to another meeting."), field="topic")
    day = meeting_date(meeting)
    due_date, due_text = resolve_due(due, reference=day, not_before=day)
    action = ActionItem.objects.create(
        meeting=meeting,
        topic=topic,
        task=task,
        owner=owner,
        department=department,
        due_date=due_date,
        due_text=due_text,
        resources=(resources or "").strip(),
        minutes_version=_minutes_version(meeting),
    )
    audit_record(
        actor=actor,
        verb="action.created",
        subject=action,
        meeting=meeting,
        data={"owner": owner, "department": department, "due_date": due_date},
    )
    emit(ActionCreated(action))
    return action


@transaction.atomic
def action_update(
    *,
    actor: Person,
    action: ActionItem,
    task: str | None = None,
    owner: Person | None = None,
    department: Department | None = None,
    due: str | dt.date | None = None,
    resources: str | None = None,
) -> ActionItem:
    """Correct an item while the minutes are being written; afterwards only a re-plan."""
    meeting = action.meeting
    meeting_lock(meeting)
    _require_recording(actor, meeting)
    changed = {}
    if task is not None:
        if not task.strip():
            raise AppError(_("Say what is to be done."), field="task", code="required")
        changed["task"] = task.strip()
    if owner is not None:
        if not owner.is_active:
            raise AppError(
                _("%(name)s cannot sign in and cannot own an action item.") % {"name": owner},
                field="owner",
                code="inactive",
            )
        changed["owner"] = owner
        if department is None and owner.department_id is not None:
            changed["department"] = owner.department
    if department is not None:
        changed["department"] = department
    if due is not None:
        day = meeting_date(meeting)
        changed["due_date"], changed["due_text"] = resolve_due(due, reference=day, not_before=day)
    if resources is not None:
        changed["resources"] = resources.strip()
    if "due_date" in changed and action.replan_count == 0:
        # A correction while the minutes are written changes what was agreed.
        changed["committed_due_date"] = changed["due_date"]
    new_owner = "owner" in changed and changed["owner"].pk != action.owner_id
    changed = model_update(instance=action, data=changed)
    if not changed:
        return action
    if new_owner:
        # A new owner confirms for themselves.

        Signature.objects.filter(action=action).delete()
        settle_waiting_proposals(actor=actor, action=action, why="owner_changed")
    elif "due_date" in changed:
        settle_waiting_proposals(actor=actor, action=action, why="due_changed")
    audit_record(
        actor=actor,
        verb="action.updated",
        subject=action,
        meeting=meeting,
        data={name: value for name, value in changed.items() if name != "committed_due_date"},
    )
    if "due_date" in changed or "owner" in changed:
        emit(CommitmentChanged(action))
    return action


@transaction.atomic
def action_remove(*, actor: Person, action: ActionItem) -> None:
    meeting = action.meeting
    meeting_lock(meeting)
    _require_recording(actor, meeting)
    audit_record(
        actor=actor,
        verb="action.removed",
        subject=action,
        meeting=meeting,
        data={"task": action.task},
    )
    action.delete()


def action_lock(action: ActionItem) -> ActionItem:
    action.refresh_from_db(from_queryset=ActionItem.objects.select_for_update())
    return action


def proposal_decide(
    proposal: DueDateProposal,
    *,
    actor: Person,
    status: str,
    verb: str,
    data: dict,
    decided_by: Person | None = None,
    answer: str = "",
) -> None:
    """A proposal's answer: its status, who gave it (the organiser; nobody when the owner
    withdraws or the item moved on) and when, and the audit row."""
    proposal.status, proposal.decided_by, proposal.decided_at = status, decided_by, clock.now()
    proposal.answer = answer or proposal.answer
    proposal.save(update_fields=["status", "decided_by", "decided_at", "answer", "updated_at"])
    audit_record(
        actor=actor,
        verb=verb,
        subject=proposal.action,
        meeting=proposal.action.meeting,
        data={"proposal": proposal, **data},
    )


def settle_waiting_proposals(*, actor: Person, action: ActionItem, why: str) -> None:
    """A date the owner proposed no longer answers the item once the organiser re-plans it,
    it gets another owner, or it is done or cancelled: the waiting proposal is marked
    withdrawn (the item moved on without it, so nobody can accept it later), with an audit
    row saying why (``replanned``, ``owner_changed``, ``due_changed``, ``done``,
    ``cancelled``)."""
    for proposal in action.due_proposals.filter(status=DueDateProposal.Status.PENDING):
        proposal_decide(
            proposal,
            actor=actor,
            status=DueDateProposal.Status.WITHDRAWN,
            verb="action.due_proposal_superseded",
            data={"why": why},
        )


@transaction.atomic
def action_sign(*, actor: Person, action: ActionItem):
    """The owner confirms the item (签字确认, S-POST-3) once the host approved the minutes."""

    action_lock(action)
    if actor.pk != action.owner_id:
        raise PermissionDenied(_("Only the owner signs for an action item."))
    meeting = action.meeting
    require_status(
        meeting,
        Meeting.APPROVED_STATUSES,
        _("Items are signed once the host has approved the minutes."),
    )
    if action.status == Status.CANCELLED:
        raise AppError(_("A cancelled item is not signed."), code="illegal_state")
    if Signature.objects.filter(action=action).exists():
        raise AppError(_("You have already signed this item."), code="already_signed")
    version = meeting.minutes.versions.order_by("-number").values_list("number", flat=True).first()
    signature = Signature.objects.create(
        action=action, person=actor, version=version, signed_at=clock.now()
    )
    audit_record(
        actor=actor,
        verb="action.signed",
        subject=action,
        meeting=meeting,
        data={"version": version},
    )
    emit(ActionSigned(action))
    return signature
