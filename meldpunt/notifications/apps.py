from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "meldpunt.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from meldpunt.notifications import events  # noqa: F401  (declares event codes)
