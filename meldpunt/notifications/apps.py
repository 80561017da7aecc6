from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "meldpunt.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from anymail.signals import inbound

        from meldpunt.notifications import events  # noqa: F401  (declares event codes)
        from meldpunt.notifications.inbound.webhook import anymail_inbound_received

        inbound.connect(anymail_inbound_received, dispatch_uid="meldpunt_inbound_mail")
