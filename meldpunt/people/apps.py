from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "meldpunt.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from meldpunt.people import events  # noqa: F401  (declares event codes)
