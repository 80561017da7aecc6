from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "meldpunt.properties"
    label = "properties"
    verbose_name = _("Properties")

    def ready(self) -> None:
        from meldpunt.properties import events  # noqa: F401  (declares event codes)
