from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "accord.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # What the services' events set off (``core.events``).
        from accord.notify import invitations, reactions  # noqa: F401
