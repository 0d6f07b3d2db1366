"""The tracking moves after the meeting (S-TRACK-1..3, S-REVIEW-2): an item's status and
progress, the reason it is overdue, a new due date (re-plan), handing it up (escalate), and
the owner's proposal of a new date with its answer. Each checks who may make it
(``actions.rules``), records it in the item's history (``ActionUpdate``) and the audit
trail, and emits what happened (``actions.events``)."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from accord.actions.events import (
    ActionClosed,
    ActionEscalated,
    ActionReplanned,
    DueDateProposed,
    DueProposalDeclined,
)
from accord.actions.models import (
    ActionItem,
    ActionUpdate,
    DueDateProposal,
    OverdueReason,
)
from accord.actions.rules import (
    STATUS_TRANSITIONS,
    can_steer,
    can_track,
    is_overdue,
)
from accord.actions.services import (
    action_lock,
    proposal_decide,
    resolve_due,
    settle_waiting_proposals,
)
from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.core.events import emit
from accord.core.services import audit_record
from accord.meetings.models import Meeting
from accord.meetings.rules import require
from accord.org.models import Person

Status = ActionItem.Status


@transaction.atomic
def action_set_status(
    *, actor: Person, action: ActionItem, status: str, note: str = ""
) -> ActionItem:
    action_lock(action)
    require(can_track(actor, action), _("Only the owner or the organiser may change this item."))
    if status not in Status.values:
        raise AppError(_("Unknown status."), field="status", code="invalid")
    if status not in STATUS_TRANSITIONS[action.status]:
        raise AppError(
            _("An item that is %(old)s cannot become %(new)s.")
            % {"old": action.get_status_display(), "new": Status(status).label},
            field="status",
            code="illegal_state",
        )
    if status == Status.CANCELLED or (
        status == Status.OPEN and action.status != Status.IN_PROGRESS
    ):
        require(can_steer(actor, action), _("Only the organiser may cancel or reopen an item."))
    if action.meeting.status in (Meeting.Status.CANCELLED,):
        raise AppError(_("This meeting was cancelled."), field="status", code="illegal_state")
    now = clock.now()
    old = action.status
    action.status = status
    action.completed_at = now if status == Status.DONE else None
    if status == Status.DONE:
        action.progress = 100
    action.save(update_fields=["status", "completed_at", "progress", "updated_at"])
    ActionUpdate.objects.create(
        action=action,
        author=actor,
        created_at=now,
        kind=ActionUpdate.Kind.STATUS,
        old_status=old,
        new_status=status,
        text=note.strip(),
    )
    audit_record(
        actor=actor,
        verb="action.status",
        subject=action,
        meeting=action.meeting,
        data={"from": old, "to": status},
    )
    if status in (Status.DONE, Status.CANCELLED):
        settle_waiting_proposals(actor=actor, action=action, why=status)
        emit(ActionClosed(action))
    return action


@transaction.atomic
def action_report_progress(
    *, actor: Person, action: ActionItem, progress: int, note: str = ""
) -> ActionUpdate:
    """A progress note (S-TRACK-2: "R&D submitted the technical proposal; it meets the needs")."""
    action_lock(action)
    require(can_track(actor, action), _("Only the owner or the organiser may report progress."))
    if action.status not in ActionItem.OPEN_STATUSES:
        raise AppError(_("This item is no longer open."), field="status", code="illegal_state")
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise AppError(_("Progress is a percentage from 0 to 100."), field="progress")
    note = (note or "").strip()
    if not note and progress == action.progress:
        raise AppError(_("Write what changed."), field="text", code="required")
    now = clock.now()
    action.progress = progress
    fields = ["progress", "updated_at"]
    if action.status == Status.OPEN and progress > 0:
        action.status = Status.IN_PROGRESS
        fields.append("status")
    action.save(update_fields=fields)
    update = ActionUpdate.objects.create(
        action=action,
        author=actor,
        created_at=now,
        kind=ActionUpdate.Kind.PROGRESS,
        progress=progress,
        text=note,
    )
    audit_record(
        actor=actor,
        verb="action.progress",
        subject=action,
        meeting=action.meeting,
        data={"progress": progress},
    )
    return update


@transaction.atomic
def action_report_overdue_reason(
    *, actor: Person, action: ActionItem, reason: str, text: str = ""
) -> ActionUpdate:
    """The owner says why an item is late (S-TRACK-3)."""
    action_lock(action)
    require(
        actor.pk == action.owner_id or action.department.head_id == actor.pk,
        _("Only the owner or their department head may give the reason."),
    )
    if not is_overdue(action):
        raise AppError(_("This item is not overdue."), field="reason", code="illegal_state")
    if reason not in OverdueReason.values:
        raise AppError(_("Choose a reason from the list."), field="reason", code="invalid")
    text = (text or "").strip()
    if reason == OverdueReason.OTHER and not text:
        raise AppError(_("Say what the other reason is."), field="text", code="required")
    action.overdue_reason = reason
    action.overdue_reason_text = text
    action.save(update_fields=["overdue_reason", "overdue_reason_text", "updated_at"])
    update = ActionUpdate.objects.create(
        action=action,
        author=actor,
        created_at=clock.now(),
        kind=ActionUpdate.Kind.OVERDUE_REASON,
        reason=reason,
        text=text,
    )
    audit_record(
        actor=actor,
        verb="action.overdue_reason",
        subject=action,
        meeting=action.meeting,
        data={"reason": reason},
    )
    return update


@transaction.atomic
def action_replan(
    *,
    actor: Person,
    action: ActionItem,
    due: str | dt.date,
    reason: str,
    proposed_by: Person | None = None,
) -> ActionUpdate:
    """The organiser adjusts the plan (S-TRACK-3): a new due date, the reason, history kept.
    ``proposed_by``: the owner whose proposal this accepts (``due_proposal_accept``); the
    notice says so."""
    action_lock(action)
    require(can_steer(actor, action), _("Only the organiser may re-plan an item."))
    if action.status not in ActionItem.OPEN_STATUSES:
        raise AppError(
            _("Only an open item can be re-planned."), field="status", code="illegal_state"
        )
    reason = (reason or "").strip()
    if not reason:
        raise AppError(_("Say why the plan changes."), field="reason", code="required")
    today = clock.today()
    new_due, due_text = resolve_due(due, reference=today, not_before=today, earliest="today")
    if new_due == action.due_date:
        raise AppError(
            _("The new due date is the same as the old one."), field="due_date", code="unchanged"
        )
    old_due = action.due_date
    action.due_date, action.due_text = new_due, due_text
    action.overdue_reason, action.overdue_reason_text = "", ""
    action.replan_count += 1
    action.save(
        update_fields=[
            "due_date",
            "due_text",
            "overdue_reason",
            "overdue_reason_text",
            "replan_count",
            "updated_at",
        ]
    )
    update = ActionUpdate.objects.create(
        action=action,
        author=actor,
        created_at=clock.now(),
        kind=ActionUpdate.Kind.REPLAN,
        old_due_date=old_due,
        new_due_date=new_due,
        text=reason,
    )
    audit_record(
        actor=actor,
        verb="action.replanned",
        subject=action,
        meeting=action.meeting,
        data={"from": old_due, "to": new_due, "reason": reason}
        | ({"proposed_by": proposed_by} if proposed_by is not None else {}),
    )
    if proposed_by is None:
        # Accepting a proposal re-plans through here and settles that proposal itself.
        settle_waiting_proposals(actor=actor, action=action, why="replanned")
    emit(
        ActionReplanned(
            action, old_due=old_due, reason=reason, proposed_by=proposed_by, actor=actor
        )
    )
    return update


@transaction.atomic
def action_escalate(*, actor: Person, action: ActionItem, note: str) -> ActionUpdate:
    """The meeting hands a stuck item up (S-REVIEW-2): the owner's department head and the
    PMO are told, with the meeting's note; the item shows it was escalated."""
    action_lock(action)
    require(can_steer(actor, action), _("Only the organiser may escalate an item."))
    if action.status not in ActionItem.OPEN_STATUSES:
        raise AppError(
            _("Only an open item can be escalated."), field="status", code="illegal_state"
        )
    note = (note or "").strip()
    if not note:
        raise AppError(_("Say what help is needed."), field="note", code="required")
    now = clock.now()
    action.escalated_at = now
    action.save(update_fields=["escalated_at", "updated_at"])
    update = ActionUpdate.objects.create(
        action=action, author=actor, created_at=now, kind=ActionUpdate.Kind.ESCALATION, text=note
    )
    audit_record(
        actor=actor,
        verb="action.escalated",
        subject=action,
        meeting=action.meeting,
        data={"note": note},
    )
    emit(ActionEscalated(action, actor=actor, note=note))
    return update


# -- the owner proposes a new due date; whoever may re-plan answers (S-TRACK-3) ------------


def _lock_proposal(proposal: DueDateProposal) -> DueDateProposal:
    proposal.refresh_from_db(from_queryset=DueDateProposal.objects.select_for_update())
    return proposal


def _require_pending(proposal: DueDateProposal) -> None:
    if proposal.status != DueDateProposal.Status.PENDING:
        raise AppError(
            _("This proposal was already answered (%(status)s).")
            % {"status": proposal.get_status_display()},
            field="status",
            code="illegal_state",
        )


@transaction.atomic
def due_proposal_create(
    *, actor: Person, action: ActionItem, due: str | dt.date, reason: str
) -> DueDateProposal:
    """The owner of an open item proposes a new due date and says why (S-TRACK-3: the
    organiser finds the cause with the owner, then adjusts the plan). The date is read as a
    re-plan reads it: from today, not before today, within the accepted range. One proposal
    waits at a time; whoever organises the item's meeting is told."""
    action_lock(action)
    if not actor.is_active or actor.pk != action.owner_id:
        raise PermissionDenied(_("Only the owner may propose a new due date."))
    if action.status not in ActionItem.OPEN_STATUSES:
        raise AppError(
            _("Only an open item can get a new due date."), field="status", code="illegal_state"
        )
    waiting = action.due_proposals.filter(status=DueDateProposal.Status.PENDING).first()
    if waiting is not None:
        raise AppError(
            _(
                "Your proposal of %(date)s is still waiting for an answer; withdraw it to "
                "propose another date."
            )
            % {"date": waiting.due_date.isoformat()},
            code="duplicate",
        )
    reason = limits.require_text(
        (reason or "").strip(),
        field="reason",
        max_length=limits.limit(DueDateProposal, "reason"),
    )
    if not reason:
        raise AppError(_("Say why the item needs a new date."), field="reason", code="required")
    today = clock.today()
    new_due, _said = resolve_due(due, reference=today, not_before=today, earliest="today")
    if new_due == action.due_date:
        raise AppError(
            _("The item is already due on %(date)s.") % {"date": new_due.isoformat()},
            field="due_date",
            code="unchanged",
        )
    proposal = DueDateProposal.objects.create(
        action=action,
        proposed_by=actor,
        old_due_date=action.due_date,
        due_date=new_due,
        reason=reason,
    )
    audit_record(
        actor=actor,
        verb="action.due_proposed",
        subject=action,
        meeting=action.meeting,
        data={"proposal": proposal, "from": action.due_date, "to": new_due, "reason": reason},
    )
    emit(DueDateProposed(proposal))
    return proposal


@transaction.atomic
def due_proposal_accept(*, actor: Person, proposal: DueDateProposal) -> ActionUpdate:
    """Accept the owner's date: a re-plan (``action_replan``, with the owner's reason), so
    the item's history, the review and the analytics count it as a move; the owner, their
    head and the organiser are told it was the owner's proposal."""
    _lock_proposal(proposal)
    action = action_lock(proposal.action)
    require(can_steer(actor, action), _("Only the organiser may answer a proposed date."))
    _require_pending(proposal)
    if proposal.old_due_date != action.due_date:
        raise AppError(
            _(
                "This proposal moved the date from %(proposed_from)s, but the item is now due "
                "on %(due)s. Decline it, or ask the owner to propose again."
            )
            % {
                "proposed_from": proposal.old_due_date.isoformat(),
                "due": action.due_date.isoformat(),
            },
            field="due_date",
            code="stale",
        )
    update = action_replan(
        actor=actor,
        action=action,
        due=proposal.due_date,
        reason=proposal.reason,
        proposed_by=proposal.proposed_by,
    )
    proposal_decide(
        proposal,
        actor=actor,
        status=DueDateProposal.Status.ACCEPTED,
        verb="action.due_proposal_accepted",
        data={"to": proposal.due_date},
        decided_by=actor,
    )
    return update


@transaction.atomic
def due_proposal_decline(
    *, actor: Person, proposal: DueDateProposal, answer: str
) -> DueDateProposal:
    """Decline the owner's date and say why; the item keeps its due date, the owner is told."""
    _lock_proposal(proposal)
    action = proposal.action
    require(can_steer(actor, action), _("Only the organiser may answer a proposed date."))
    _require_pending(proposal)
    answer = limits.require_text(
        (answer or "").strip(), field="answer", max_length=limits.limit(DueDateProposal, "answer")
    )
    if not answer:
        raise AppError(
            _("Say why the date is declined, so the owner knows what to do."),
            field="answer",
            code="required",
        )
    proposal_decide(
        proposal,
        actor=actor,
        status=DueDateProposal.Status.DECLINED,
        verb="action.due_proposal_declined",
        data={"answer": answer},
        decided_by=actor,
        answer=answer,
    )
    emit(DueProposalDeclined(proposal))
    return proposal


@transaction.atomic
def due_proposal_withdraw(*, actor: Person, proposal: DueDateProposal) -> DueDateProposal:
    """The owner takes back a proposal nobody has answered yet (to propose another date)."""
    _lock_proposal(proposal)
    if actor.pk != proposal.proposed_by_id:
        raise PermissionDenied(_("Only the owner who proposed the date may withdraw it."))
    _require_pending(proposal)
    proposal_decide(
        proposal,
        actor=actor,
        status=DueDateProposal.Status.WITHDRAWN,
        verb="action.due_proposal_withdrawn",
        data={},
    )
    return proposal
