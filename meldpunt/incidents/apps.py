from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "meldpunt.incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from meldpunt.incidents import events  # noqa: F401  (declares event codes)
        from meldpunt.incidents.inbound import register_inbound_mail_handlers

        register_inbound_mail_handlers()

        from meldpunt.incidents.sub_incidents import work_order_reminders_sweep
        from meldpunt.notifications.sweeps import sweep_register

        sweep_register("work-order reminders", work_order_reminders_sweep)
