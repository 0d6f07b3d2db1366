"""The minutes' review and distribution (S-POST-1, S-POST-2): the recorder submits, the host
approves or returns with comments; approval freezes a version; a later change opens a new
version with a reason. Once the minutes are out and every action item is finished, the
organiser closes the meeting."""

from django.conf import settings
from django.db import transaction
from django.db.models import Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.actions.models import ActionItem
from accord.core import clock
from accord.core.errors import AppError, PermissionDenied
from accord.core.events import emit
from accord.core.models import AuditEvent
from accord.core.services import audit_record, model_update
from accord.meetings import roles
from accord.meetings.models import Meeting
from accord.meetings.rules import meeting_lock, require, require_status
from accord.meetings.selectors import meeting_with_record
from accord.minutes.events import (
    MinutesApproved,
    MinutesDistributed,
    MinutesReturned,
    MinutesSubmitted,
)
from accord.minutes.models import Minutes, MinutesVersion
from accord.minutes.selectors import minutes_record
from accord.org.models import Person
from accord.org.rules import is_admin

Status = Meeting.Status


def _lock(meeting: Meeting) -> Minutes:
    meeting_lock(meeting)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise AppError(
            _("This meeting has no minutes yet: they start when the meeting ends."),
            field="status",
            code="illegal_state",
        )
    return minutes


@transaction.atomic
def minutes_update_summary(*, actor: Person, meeting: Meeting, summary: str) -> Minutes:
    minutes = _lock(meeting)
    require(roles.can_record(actor, meeting), _("Only the recorder writes the minutes."))
    require_status(
        meeting, (Status.MINUTES_DRAFT,), _("The minutes can only change while they are written.")
    )
    if model_update(instance=minutes, data={"summary": summary.strip()}):
        audit_record(actor=actor, verb="minutes.summary", subject=minutes, meeting=meeting)
    return minutes


@transaction.atomic
def minutes_submit(*, actor: Person, meeting: Meeting) -> Minutes:
    """The recorder hands the minutes to the host for review."""
    minutes = _lock(meeting)
    require(
        actor.pk == meeting.recorder_id or is_admin(actor),
        _("Only the recorder submits the minutes."),
    )
    require_status(
        meeting, (Status.MINUTES_DRAFT,), _("Only minutes being written can be submitted.")
    )
    if minutes.version > 1 and not minutes.revision_reason:
        raise AppError(_("Say why this version changes."), field="reason", code="required")
    meeting.status = Status.IN_REVIEW
    meeting.save(update_fields=["status", "updated_at"])
    minutes.submitted_at = clock.now()
    minutes.save(update_fields=["submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.submitted",
        subject=minutes,
        meeting=meeting,
        data={"version": minutes.version},
    )
    emit(MinutesSubmitted(meeting, minutes))
    return minutes


@transaction.atomic
def minutes_return(*, actor: Person, meeting: Meeting, comment: str) -> Minutes:
    """The host sends the minutes back with comments."""
    minutes = _lock(meeting)
    require(roles.can_review(actor, meeting), _("Only the host reviews the minutes."))
    require_status(meeting, (Status.IN_REVIEW,), _("Only minutes in review can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise AppError(_("Say what must change."), field="comment", code="required")
    meeting.status = Status.MINUTES_DRAFT
    meeting.save(update_fields=["status", "updated_at"])
    minutes.review_comment = comment
    minutes.save(update_fields=["review_comment", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.returned",
        subject=minutes,
        meeting=meeting,
        data={"comment": comment},
    )
    emit(MinutesReturned(meeting, minutes, comment))
    return minutes


# What writes the minutes while they are being written: the record's verbs.
WRITING_VERBS = (
    "minutes.summary",
    "minutes.submitted",
    "position.recorded",
    "outcome.recorded",
    "topic.notes",
    "topic.timed",
    "action.created",
    "action.updated",
    "action.removed",
)


def _writers(meeting: Meeting) -> set[int]:
    """The recorder, and whoever wrote or submitted the version now in review: every actor
    of a writing verb on this meeting since it ended or since this version was opened."""
    opened = (
        AuditEvent.objects.filter(
            meeting=meeting, verb__in=("meeting.ended", "minutes.revision_opened")
        )
        .order_by("-pk")
        .values("pk")[:1]
    )
    writers = AuditEvent.objects.filter(
        meeting=meeting, verb__in=WRITING_VERBS, pk__gt=Subquery(opened)
    ).values_list("actor_id", flat=True)
    return {meeting.recorder_id, *writers} - {None}


@transaction.atomic
def minutes_approve(*, actor: Person, meeting: Meeting) -> MinutesVersion:
    """The host approves: the record is frozen as a numbered version.

    Four eyes: whoever recorded, wrote or submitted the minutes does not approve them, even
    as host or administrator, so that no one person records, approves and distributes a record
    alone. ``ACCORD_ALLOW_SELF_APPROVAL`` lifts this for a small team."""
    minutes = _lock(meeting)
    require(roles.can_review(actor, meeting), _("Only the host approves the minutes."))
    require_status(meeting, (Status.IN_REVIEW,), _("Only minutes in review can be approved."))
    if not settings.ACCORD_ALLOW_SELF_APPROVAL and actor.pk in _writers(meeting):
        raise PermissionDenied(
            _(
                "You wrote or submitted these minutes, so someone else must approve them: "
                "the host, or an administrator who did not write them."
            )
        )
    record = minutes_record(meeting=meeting_with_record(pk=meeting.pk))
    record["summary"] = minutes.summary
    version = MinutesVersion.objects.create(
        minutes=minutes,
        number=minutes.version,
        reason=minutes.revision_reason,
        record=record,
        approved_at=clock.now(),
        approved_by=actor,
    )
    meeting.status = Status.APPROVED
    meeting.save(update_fields=["status", "updated_at"])
    minutes.review_comment = ""
    minutes.save(update_fields=["review_comment", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.approved",
        subject=minutes,
        meeting=meeting,
        data={"version": version.number},
    )
    emit(MinutesApproved(meeting, version.number))
    return version


@transaction.atomic
def minutes_distribute(*, actor: Person, meeting: Meeting) -> MinutesVersion:
    """Send the approved version to all participants and the copied departments (S-POST-2).
    The notices and the owners' sign-off requests go to the outbox in this transaction."""
    minutes = _lock(meeting)
    require(
        roles.can_organise(actor, meeting) or actor.pk == meeting.recorder_id,
        _("Only the organiser, the host or the recorder distributes the minutes."),
    )
    require_status(meeting, (Status.APPROVED,), _("Only approved minutes can be distributed."))
    now = clock.now()
    version = minutes.versions.order_by("-number").first()
    version.distributed_at = now
    version.save(update_fields=["distributed_at"])
    if minutes.first_distributed_at is None:
        minutes.first_distributed_at = now
        minutes.save(update_fields=["first_distributed_at", "updated_at"])
    meeting.status = Status.DISTRIBUTED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.distributed",
        subject=minutes,
        meeting=meeting,
        data={"version": version.number},
    )
    emit(MinutesDistributed(meeting, version.number))
    return version


@transaction.atomic
def minutes_open_revision(*, actor: Person, meeting: Meeting, reason: str) -> Minutes:
    """Approved minutes never change silently: a change opens version n+1 with its reason,
    which goes through review again."""
    minutes = _lock(meeting)
    require(
        roles.can_organise(actor, meeting) or roles.can_record(actor, meeting),
        _("Only the host, the organiser or the recorder may open a new version."),
    )
    require_status(
        meeting,
        (Status.APPROVED, Status.DISTRIBUTED),
        _("A new version is opened only from approved minutes."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise AppError(
            _("Say why the approved minutes must change."), field="reason", code="required"
        )
    minutes.version += 1
    minutes.revision_reason = reason
    minutes.submitted_at = None
    minutes.save(update_fields=["version", "revision_reason", "submitted_at", "updated_at"])
    meeting.status = Status.MINUTES_DRAFT
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        verb="minutes.revision_opened",
        subject=minutes,
        meeting=meeting,
        data={"version": minutes.version, "reason": reason},
    )
    return minutes


@transaction.atomic
def meeting_close(*, actor: Person, meeting: Meeting) -> Meeting:
    """Close the loop once the minutes are out and every action item is finished."""
    meeting_lock(meeting)
    require(roles.can_organise(actor, meeting), _("Only the organiser may close the meeting."))
    require_status(
        meeting, (Status.DISTRIBUTED,), _("Only a meeting whose minutes went out can close.")
    )
    open_count = meeting.actions.filter(status__in=ActionItem.OPEN_STATUSES).count()
    if open_count:
        raise AppError(
            ngettext(
                "%(count)d action item is still open.",
                "%(count)d action items are still open.",
                open_count,
            )
            % {"count": open_count},
            field="actions",
            code="incomplete",
        )
    meeting.status = Status.CLOSED
    meeting.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, verb="meeting.closed", subject=meeting, meeting=meeting)
    return meeting
