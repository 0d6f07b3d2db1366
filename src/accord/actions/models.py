"""Action items and what follows them: ``ActionItem``, its history (``ActionUpdate``), proposed due dates (``DueDateProposal``), the owner's signature (``Signature``) and prepared spreadsheets (``Export``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core import clock
from accord.core.limits import SHORT_TEXT, Line, Text
from accord.core.models import BaseModel, CheckedTexts

PERSON = settings.AUTH_USER_MODEL


class OverdueReason(models.TextChoices):
    RESOURCES = "resources", _("Not enough resources")
    PROCESS_BLOCKED = "process_blocked", _("Process blocked")
    DEPENDENCY = "dependency", _("Waiting on a dependency")
    PRIORITY_CHANGE = "priority_change", _("Priorities changed")
    OTHER = "other", _("Other")


class ActionItem(BaseModel):
    """One commitment: task, owner, department, due date, required resources (S-MEET-4).

    "Overdue" is not stored: an item is overdue while it is open and its due date has passed.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    # No single-column index on the four references: the indexes in Meta lead with each
    # of them (a million rows, and every new item wrote four more index entries; the
    # owner's alone also tempted PostgreSQL to read all of a person's items to count
    # their open ones).
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="actions",
        db_index=False,
    )
    topic = models.ForeignKey(
        "meetings.AgendaTopic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        db_index=False,
    )
    task = models.TextField(_("task"), validators=[Text(SHORT_TEXT)])
    owner = models.ForeignKey(
        PERSON,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="actions",
        db_index=False,
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="actions",
        db_index=False,
    )
    due_date = models.DateField(_("due date"))
    # The due date as agreed in the meeting. Re-plans move ``due_date`` and leave this, so
    # "on time" is measured against the commitment (analytics, the review).
    committed_due_date = models.DateField(_("committed due date"), editable=False)
    replan_count = models.PositiveSmallIntegerField(_("re-plans"), default=0, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    due_text = models.CharField(
        _("due date as said"), max_length=100, blank=True, validators=[Line()]
    )
    resources = models.TextField(_("required resources"), blank=True, validators=[Text(SHORT_TEXT)])
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    overdue_reason = models.CharField(
        _("overdue reason"), max_length=16, choices=OverdueReason.choices, blank=True
    )
    overdue_reason_text = models.TextField(
        _("overdue reason, in words"), blank=True, validators=[Text(SHORT_TEXT)]
    )
    minutes_version = models.PositiveSmallIntegerField(
        _("added in minutes version"), default=1, editable=False
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [
            # "my items": one's own by status, in the list's order (due date, then id), so
            # that the first page is read straight off the index whatever the statistics say
            models.Index(
                fields=["owner", "status", "due_date", "id"], name="action_owner_status_due"
            ),
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["meeting", "id"]),
            models.Index(fields=["topic"]),
            models.Index(fields=["committed_due_date", "department"]),
            models.Index(fields=["owner", "committed_due_date"]),
            # The overdue board and the planner's rules: open items in due-date order.
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=["open", "in_progress"]),
                name="action_open_by_due",
            ),
            # The weekly digest: each department's open items in due-date order, with their
            # meeting (whether it is confidential), read from the index alone.
            models.Index(
                fields=["department", "due_date", "id", "meeting"],
                condition=models.Q(status__in=["open", "in_progress"]),
                name="action_open_by_department",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_percent"),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "in_progress", "done", "cancelled"]),
                name="action_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.task[:80]

    def save(self, *args, **kwargs) -> None:
        if self.committed_due_date is None:
            self.committed_due_date = self.due_date
        super().save(*args, **kwargs)


class ActionUpdate(CheckedTexts, models.Model):
    """The history of an action item: progress notes, status changes, re-plans, overdue reasons."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress")
        STATUS = "status", _("Status change")
        REPLAN = "replan", _("Re-plan")
        OVERDUE_REASON = "overdue_reason", _("Overdue reason")
        ESCALATION = "escalation", _("Escalation")

    action = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        PERSON, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("note"), blank=True, validators=[Text(SHORT_TEXT)])
    old_status = models.CharField(_("old status"), max_length=16, blank=True)
    new_status = models.CharField(_("new status"), max_length=16, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    old_due_date = models.DateField(_("old due date"), null=True, blank=True)
    new_due_date = models.DateField(_("new due date"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=OverdueReason.choices, blank=True)

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["action", "created_at", "id"]
        indexes = [
            models.Index(fields=["action", "created_at"]),
            models.Index(fields=["kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.action_id}"


class DueDateProposal(BaseModel):
    """The owner asks for a new due date, with a reason (S-TRACK-3: the owner and the
    organiser adjust the plan together); whoever may re-plan the item accepts it (a
    re-plan, with the owner's reason) or declines it with theirs. One pending proposal per
    item at a time."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    action = models.ForeignKey(
        ActionItem,
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="due_proposals",
    )
    proposed_by = models.ForeignKey(
        PERSON, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    old_due_date = models.DateField(_("due date when proposed"))
    due_date = models.DateField(_("proposed due date"))
    reason = models.TextField(_("reason"), validators=[Text(SHORT_TEXT)])
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        PERSON,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("reason for declining"), blank=True, validators=[Text(SHORT_TEXT)])

    class Meta:
        verbose_name = _("due date proposal")
        verbose_name_plural = _("due date proposals")
        ordering = ["action", "-created_at", "-id"]
        indexes = [models.Index(fields=["action", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                condition=models.Q(status="pending"),
                name="one_pending_due_proposal",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "declined", "withdrawn"]),
                name="due_proposal_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.due_date}"


class Export(models.Model):
    """An action-plan export too large to render in the request: the worker renders it, the
    person who asked is told in the app and downloads it; the worker deletes it after 7
    days. ``params`` are the filters the person chose (JSON); the rows are chosen with the
    visibility selectors as that person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    kind = models.CharField(_("kind"), max_length=32)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    stored_name = models.CharField(_("stored file"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return self.filename


class Signature(models.Model):
    """An owner's confirmation of an action item (签字确认, S-POST-3)."""

    action = models.OneToOneField(
        "ActionItem",
        verbose_name=_("action item"),
        on_delete=models.CASCADE,
        related_name="signature",
    )
    person = models.ForeignKey(
        PERSON, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="signatures"
    )
    version = models.PositiveSmallIntegerField(_("minutes version signed"))
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        # The table and index keep the names they had when signatures lived in the minutes app.
        db_table = "minutes_signature"
        indexes = [
            models.Index(fields=["person", "signed_at"], name="minutes_sig_person__fe177c_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.action_id}"
