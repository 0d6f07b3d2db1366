"""What every app's models share: ``BaseModel`` (created and updated times), the length checks of typed text, and the audit trail (``AuditEvent``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core import clock, limits


class CheckedTexts:
    """Runs the texts' rules (``accord.core.limits``) before every save, whichever service,
    form or admin page saves. What was read from the database is remembered (a reference
    to the row's values, nothing copied), so that a text unchanged since is not judged
    again: a row stored before a limit was lowered keeps its other fields editable."""

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        instance._loaded_row = (field_names, values)
        return instance

    def save(self, *args, **kwargs):
        limits.check(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class BaseModel(CheckedTexts, models.Model):
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who did what to which object, written by the service that did it."""

    created_at = models.DateTimeField(_("at"), default=clock.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verb = models.CharField(_("verb"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.BigIntegerField(_("subject id"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "created_at"]),
            models.Index(fields=["meeting", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.subject_type}:{self.subject_id}"
