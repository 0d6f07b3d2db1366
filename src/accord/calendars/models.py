"""``CalendarFeed``: a person's subscription to their meetings and due dates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.models import BaseModel


class CalendarFeed(BaseModel):
    """A person's private calendar feed. Only the SHA-256 of the secret in its URL is kept:
    the URL is shown once, when it is made; resetting makes a new one, revoking deletes
    the row."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(_("secret (SHA-256)"), max_length=64, unique=True)
    last_fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)
