from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "meldpunt.interactions"
    label = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from meldpunt.interactions import events  # noqa: F401  (declares event codes)
