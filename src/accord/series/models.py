"""``MeetingSeries`` (a recurrence and its template meeting) and ``SeriesMember``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.limits import Line
from accord.core.models import BaseModel
from accord.meetings.models import Participant


class MeetingSeries(BaseModel):
    """A recurring meeting (S-REVIEW-1): each occurrence reviews the previous one's plan."""

    title = models.CharField(_("name"), max_length=200, validators=[Line()])
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
    location = models.CharField(_("place"), max_length=200, blank=True, validators=[Line()])
    standing_topics = models.JSONField(
        _("standing topics"),
        default=list,
        blank=True,
        help_text=_('A list of {"title": ..., "minutes": ...}'),
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan_ahead = models.BooleanField(
        _("plan the next meeting ahead"),
        default=True,
        help_text=_(
            "The worker creates the next meeting, with its review and agenda, a few days "
            "before it falls due, and schedules it when it has a host, a recorder and people."
        ),
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


class SeriesMember(models.Model):
    """A standing participant: invited to every meeting of the series in this role."""

    series = models.ForeignKey(
        MeetingSeries, verbose_name=_("series"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="series_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Participant.Role.choices)

    class Meta:
        verbose_name = _("standing participant")
        verbose_name_plural = _("standing participants")
        ordering = ["series", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "person"], name="series_member_once")
        ]
        indexes = [models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.series_id}"
