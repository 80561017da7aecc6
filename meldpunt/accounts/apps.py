from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "meldpunt.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from meldpunt.accounts import checks, events  # noqa: F401  (event codes, system checks)
        from meldpunt.accounts.lockout import record_lock

        user_locked_out.connect(record_lock, dispatch_uid="meldpunt.accounts.record_lock")
