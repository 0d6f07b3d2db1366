"""``ApiToken``: a person's token for the API, stored as a hash."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core import clock

PREFIX = "acc_"


class ApiToken(models.Model):
    """A personal API token: shown once when created, stored hashed, revocable."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=16, unique=True)
    hashed = models.CharField(_("hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """A new token's full text and its prefix (what identifies it on the page)."""
        prefix = PREFIX + secrets.token_hex(4)
        return f"{prefix}_{secrets.token_urlsafe(32)}", prefix
