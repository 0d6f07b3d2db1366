"""``Channel`` (where notices go: a department's group bot, a person's own, a webhook) and ``Notification`` (the outbox and the delivery log at once)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core import clock
from accord.core.limits import Line
from accord.core.models import BaseModel

PERSON = settings.AUTH_USER_MODEL


class Channel(BaseModel):
    """Where a notification is delivered: a department's group bot or a person's own channel."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        FEISHU = "feishu", _("Feishu / Lark")
        DINGTALK = "dingtalk", _("DingTalk")
        WECOM = "wecom", _("WeCom")
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")
        WEBHOOK = "webhook", _("Signed webhook")
        IN_APP = "in_app", _("In the app")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, validators=[Line()])
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="channels",
    )
    person = models.ForeignKey(
        PERSON,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="channels",
    )
    target = models.CharField(
        _("address or webhook URL"), max_length=500, blank=True, validators=[Line()]
    )
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    members_too = models.BooleanField(
        _("members' own notices too"),
        default=True,
        help_text=_(
            "A department's group bot also carries its members' personal reminders, "
            "mentioning them. Each member can turn this off for themselves."
        ),
    )
    muted_by = models.ManyToManyField(
        PERSON, verbose_name=_("muted by"), blank=True, related_name="muted_channels"
    )
    events = models.JSONField(
        _("integration events"),
        default=list,
        blank=True,
        help_text=_(
            "For an integration's signed webhook: the API events it receives "
            "(action.created, action.due_soon, action.overdue, action.completed, "
            "minutes.approved, meeting.scheduled). Such a channel gets nothing else."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.TextField(_("why it stopped"), blank=True)
    # The same reason as a code and its facts (``accord.notify.errors``), shown in the
    # reader's language; empty for a reason stored before codes were kept.
    disabled_code = models.CharField(_("why it stopped (code)"), max_length=48, blank=True)
    disabled_params = models.JSONField(_("why it stopped (facts)"), null=True, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True, person__isnull=False)
                | models.Q(department__isnull=False, person__isnull=True),
                name="channel_belongs_to_department_or_person",
            )
        ]
        indexes = [
            models.Index(fields=["person", "enabled"]),
            models.Index(fields=["department", "enabled"]),
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """The outbox and the delivery log at once. The planner inserts only with a unique
    ``key``, so planning twice (or on two workers) creates nothing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(_("idempotency key"), max_length=200)  # unique: see Meta
    event = models.CharField(_("event"), max_length=160, default="")
    kind = models.CharField(_("kind"), max_length=48)
    via = models.CharField(
        _("through"), max_length=16, choices=Channel.Kind.choices, default=Channel.Kind.IN_APP
    )
    recipient = models.ForeignKey(
        PERSON,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # (recipient, …) indexes below lead with it
        db_constraint=False,  # see below
    )
    channel = models.ForeignKey(
        Channel,
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        db_index=False,  # (channel, …) indexes below lead with it
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # a partial index below
    )
    # The recipient, the meeting and the item are not checked by the database (no foreign
    # key constraint): a planner pass writes ten thousand rows at once, and PostgreSQL's
    # check of each reference locks the row it points at, which took a third of the pass.
    # The rows are written from what the pass has just read; deleting a person, meeting
    # or item still deletes its rows (on_delete), and a row whose item or meeting was
    # deleted between the pass's read and its commit is cancelled at send time
    # (``planner.still_due``). (meeting, status) and (action, status) below lead with them.
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    action = models.ForeignKey(
        "actions.ActionItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    payload = models.JSONField(_("content"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    send_after = models.DateTimeField(_("send after"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    tried_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # ``last_error`` as a code and its facts (``accord.notify.errors``): the delivery log
    # shows it in the reader's language; ``last_error`` keeps the English text for the
    # server's log and for rows written before codes were kept.
    last_error_code = models.CharField(_("last error (code)"), max_length=48, blank=True)
    last_error_params = models.JSONField(_("last error (facts)"), null=True, blank=True)
    response = models.TextField(_("what the channel answered"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # An in-app notice that asked for something now done (signing, a status, a review): it
    # is read, shown as done and asks no more (``reactions.sign_requests_settled``, ``notices.mark_done``).
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-send_after", "-id"]
        # Most rows are in-app notices, written already sent and without a channel: the
        # indexes that only concern rows waiting to be sent, or rows of a channel or a
        # department, leave them out, so that writing them costs fewer index entries.
        indexes = [
            # the worker's claim: due pending rows, and sending rows whose lease ran out
            models.Index(
                fields=["send_after"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=models.Q(status="sending"),
                name="notification_sending",
            ),
            # the rate limit: recent attempts on one channel
            models.Index(
                fields=["channel", "tried_at"],
                condition=models.Q(channel__isnull=False),
                name="notification_channel_tried",
            ),
            # the bell and the inbox
            models.Index(fields=["recipient", "via", "read_at", "send_after"]),
            # the delivery log, newest first, per person, per channel and in all
            models.Index(fields=["recipient", "-id"]),
            models.Index(
                fields=["channel", "-id"],
                condition=models.Q(channel__isnull=False),
                name="notification_channel_log",
            ),
            models.Index(
                fields=["department"],
                condition=models.Q(department__isnull=False),
                name="notification_department",
            ),
            models.Index(fields=["event"]),
            models.Index(fields=["action", "status"]),
            models.Index(fields=["meeting", "status"]),
        ]
        constraints = [
            # A constraint rather than unique=True, which on PostgreSQL would add a second
            # index on the key for LIKE: every row the planner writes updates each index.
            models.UniqueConstraint(fields=["key"], name="notification_key_unique"),
        ]

    def __str__(self) -> str:
        return self.key
