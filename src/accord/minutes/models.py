"""The minutes: ``Minutes`` (the 24-hour clock, the review), ``MinutesVersion`` (a frozen approved version) and ``MinutesTemplate`` (a company's DOCX template)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.limits import MEDIUM_TEXT, SHORT_TEXT, SUMMARY_TEXT, Line, Text
from accord.core.models import BaseModel, CheckedTexts

PERSON = settings.AUTH_USER_MODEL


class Minutes(BaseModel):
    """The record of a meeting (S-POST-1). Its review state is the meeting's status; this row
    holds the 24-hour clock, the review trail and the number of the version being written."""

    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="minutes",
    )
    summary = models.TextField(_("summary"), blank=True, validators=[Text(SUMMARY_TEXT)])
    due_at = models.DateTimeField(_("due at"))
    version = models.PositiveSmallIntegerField(_("version being written"), default=1)
    revision_reason = models.TextField(
        _("reason for this version"), blank=True, validators=[Text(SHORT_TEXT)]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_comment = models.TextField(
        _("review comment"), blank=True, validators=[Text(MEDIUM_TEXT)]
    )
    first_distributed_at = models.DateTimeField(_("first distributed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        # due_at: the "minutes late" rule; first_distributed_at: the sign-off reminders
        indexes = [models.Index(fields=["due_at"]), models.Index(fields=["first_distributed_at"])]

    def __str__(self) -> str:
        return str(self.meeting_id)


class MinutesVersion(CheckedTexts, models.Model):
    """A frozen, approved version of the minutes: the snapshot of the record at approval."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.TextField(_("reason for the change"), blank=True, validators=[Text(SHORT_TEXT)])
    record = models.JSONField(_("record"))
    approved_at = models.DateTimeField(_("approved at"))
    approved_by = models.ForeignKey(
        PERSON, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class MinutesTemplate(models.Model):
    """An organisation's own DOCX template for the minutes (its official 纪要 format), with
    Jinja placeholders that ``accord.exports.docx`` fills. At most one is active; while one
    is, the Word download uses it instead of the built-in layout."""

    name = models.CharField(_("name"), max_length=200, validators=[Line()])
    # Under MEDIA_ROOT, never served from a public URL: read only to fill it.
    file = models.FileField(_("file"), upload_to="minutes_templates/")
    uploaded_by = models.ForeignKey(
        PERSON,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("minutes template")
        verbose_name_plural = _("minutes templates")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="minutes_template_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.name
