from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "meldpunt.intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from meldpunt.intake import events  # noqa: F401  (declares event codes)
        from meldpunt.intake.inbound import register_inbound_mail_handlers

        register_inbound_mail_handlers()
