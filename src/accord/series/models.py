from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.models import BaseModel


class MeetingSeries(BaseModel):
    """A recurring meeting (S-REVIEW-1): each occurrence reviews the previous one's plan."""

    title = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_series",
    )
    recurrence = models.CharField(
        _("recurrence rule"),
        max_length=200,
        help_text=_("An RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO"),
    )
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=30)
    location = models.CharField(_("place"), max_length=200, blank=True)
    standing_topics = models.JSONField(
        _("standing topics"),
        default=list,
        blank=True,
        help_text=_('A list of {"title": ..., "minutes": ...}'),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="series_duration_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title
