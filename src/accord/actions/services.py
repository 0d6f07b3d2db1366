"""Every write to an action item: create (S-MEET-4), status and progress (S-TRACK-2), the
overdue reason and the re-plan (S-TRACK-3), sign-off (S-POST-3)."""

import datetime as dt
from typing import Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.actions.deadlines import parse_due_date, require_not_before
from accord.actions.events import (
    ActionClosed,
    ActionCreated,
    ActionEscalated,
    ActionReplanned,
    ActionSigned,
    CommitmentChanged,
    DueDateProposed,
    DueProposalDeclined,
)
from accord.actions.models import (
    ActionItem,
    ActionUpdate,
    DueDateProposal,
    OverdueReason,
    Signature,
)
from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.core.events import emit
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.services import RECORDING, meeting_lock, require, require_status
from accord.org.models import Department, Person

Status = ActionItem.Status


def _resolve_due(
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


def meeting_date(meeting: Meeting) -> dt.date:
    """The day due phrases are read from: the day the meeting took (or takes) place."""
    return timezone.localtime(meeting.started_at or meeting.starts_at).date()


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
    due_date, due_text = _resolve_due(due, reference=day, not_before=day)
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
        changed["due_date"], changed["due_text"] = _resolve_due(due, reference=day, not_before=day)
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
        _settle_waiting_proposals(actor=actor, action=action, why="owner_changed")
    elif "due_date" in changed:
        _settle_waiting_proposals(actor=actor, action=action, why="due_changed")
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


def can_steer(person: Person, action: ActionItem) -> bool:
    """Re-plan, cancel, reopen or escalate an item: who organises its meeting, or who
    organises or hosts a later meeting of the same series, which reviews its plan
    (S-REVIEW-2). A meeting that merely follows another (anyone may link their meeting to
    one they see) reviews its plan but gets no say over its items."""
    meeting = action.meeting
    if roles.can_organise(person, meeting):
        return True
    if not person.is_active or meeting.confidential:
        return False
    if meeting.series_id is None:
        return False
    return (
        Meeting.objects.filter(Q(organiser=person) | Q(host=person))
        .filter(series_id=meeting.series_id, starts_at__gt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .exists()
    )


def can_track(person: Person, action: ActionItem) -> bool:
    """Report status and progress: the owner, their department's head, the organiser side."""
    return person.is_active and (
        person.pk == action.owner_id
        or action.department.head_id == person.pk
        or can_steer(person, action)
    )


def _lock_action(action: ActionItem) -> ActionItem:
    action.refresh_from_db(from_queryset=ActionItem.objects.select_for_update())
    return action


def _settle_waiting_proposals(*, actor: Person, action: ActionItem, why: str) -> None:
    """A date the owner proposed no longer answers the item once the organiser re-plans it,
    it gets another owner, or it is done or cancelled: the waiting proposal is marked
    withdrawn (the item moved on without it, so nobody can accept it later), with an audit
    row saying why (``replanned``, ``owner_changed``, ``due_changed``, ``done``,
    ``cancelled``)."""
    for proposal in action.due_proposals.filter(status=DueDateProposal.Status.PENDING):
        _decide(
            proposal,
            actor=actor,
            status=DueDateProposal.Status.WITHDRAWN,
            verb="action.due_proposal_superseded",
            data={"why": why},
        )


STATUS_TRANSITIONS = {
    Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.CANCELLED},
    Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.CANCELLED},
    Status.DONE: {Status.IN_PROGRESS},
    Status.CANCELLED: {Status.OPEN},
}


@transaction.atomic
def action_set_status(
    *, actor: Person, action: ActionItem, status: str, note: str = ""
) -> ActionItem:
    _lock_action(action)
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
        _settle_waiting_proposals(actor=actor, action=action, why=status)
        emit(ActionClosed(action))
    return action


@transaction.atomic
def action_report_progress(
    *, actor: Person, action: ActionItem, progress: int, note: str = ""
) -> ActionUpdate:
    """A progress note (S-TRACK-2: "R&D submitted the technical proposal; it meets the needs")."""
    _lock_action(action)
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


def is_late(status: str, due_date: dt.date, today: dt.date) -> bool:
    """Open and past its due date: the one rule, for an item or for a row of values."""
    return status in ActionItem.OPEN_STATUSES and due_date < today


def is_overdue(action: ActionItem, *, today: dt.date | None = None) -> bool:
    return is_late(action.status, action.due_date, today or clock.today())


@transaction.atomic
def action_report_overdue_reason(
    *, actor: Person, action: ActionItem, reason: str, text: str = ""
) -> ActionUpdate:
    """The owner says why an item is late (S-TRACK-3)."""
    _lock_action(action)
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
    _lock_action(action)
    require(can_steer(actor, action), _("Only the organiser may re-plan an item."))
    if action.status not in ActionItem.OPEN_STATUSES:
        raise AppError(
            _("Only an open item can be re-planned."), field="status", code="illegal_state"
        )
    reason = (reason or "").strip()
    if not reason:
        raise AppError(_("Say why the plan changes."), field="reason", code="required")
    today = clock.today()
    new_due, due_text = _resolve_due(due, reference=today, not_before=today, earliest="today")
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
        _settle_waiting_proposals(actor=actor, action=action, why="replanned")
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
    _lock_action(action)
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


def _decide(
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
    _lock_action(action)
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
    new_due, _said = _resolve_due(due, reference=today, not_before=today, earliest="today")
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
    action = _lock_action(proposal.action)
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
    _decide(
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
    _decide(
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
    _decide(
        proposal,
        actor=actor,
        status=DueDateProposal.Status.WITHDRAWN,
        verb="action.due_proposal_withdrawn",
        data={},
    )
    return proposal


@transaction.atomic
def action_sign(*, actor: Person, action: ActionItem):
    """The owner confirms the item (签字确认, S-POST-3) once the host approved the minutes."""

    _lock_action(action)
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
