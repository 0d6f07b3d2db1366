"""Every write to an action item: create (S-MEET-4), status and progress (S-TRACK-2), the
overdue reason and the re-plan (S-TRACK-3), sign-off (S-POST-3)."""

import datetime as dt
from typing import Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.actions.deadlines import parse_due_date, require_not_before
from accord.actions.models import ActionItem, ActionUpdate, OverdueReason
from accord.core import clock, limits
from accord.core.errors import AppError, PermissionDenied
from accord.core.services import audit_record
from accord.meetings import roles
from accord.meetings.models import AgendaTopic, Meeting
from accord.meetings.services import RECORDING, meeting_lock, require, require_status
from accord.notify import planner
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
    planner.action_created(action)
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
        if owner.pk != action.owner_id:
            # A new owner confirms for themselves.
            from accord.minutes.models import Signature

            Signature.objects.filter(action=action).delete()
    if department is not None:
        changed["department"] = department
    if due is not None:
        day = meeting_date(meeting)
        changed["due_date"], changed["due_text"] = _resolve_due(due, reference=day, not_before=day)
    if resources is not None:
        changed["resources"] = resources.strip()
    moved = any(
        name in changed and changed[name] != getattr(action, name) for name in ("due_date", "owner")
    )
    for name, value in changed.items():
        setattr(action, name, value)
    if "due_date" in changed and action.replan_count == 0:
        # A correction while the minutes are written changes what was agreed.
        action.committed_due_date = action.due_date
    action.save()
    audit_record(actor=actor, verb="action.updated", subject=action, meeting=meeting, data=changed)
    if moved:
        planner.action_due_changed(action)
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
    if status == Status.DONE:
        planner.action_completed(action)
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
    *, actor: Person, action: ActionItem, due: str | dt.date, reason: str
) -> ActionUpdate:
    """The organiser adjusts the plan (S-TRACK-3): a new due date, the reason, history kept."""
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
        data={"from": old_due, "to": new_due, "reason": reason},
    )
    planner.action_replanned(action, old_due=old_due, reason=reason)
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
    planner.action_escalated(action, actor=actor, note=note)
    return update


@transaction.atomic
def action_sign(*, actor: Person, action: ActionItem):
    """The owner confirms the item (签字确认, S-POST-3) once the host approved the minutes."""
    from accord.minutes.models import Signature

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
    return signature
