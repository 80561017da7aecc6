from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationConfig(AppConfig):
    name = "meldpunt.organization"
    label = "organization"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from meldpunt.organization import events  # noqa: F401  (declares event codes)
