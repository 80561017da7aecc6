"""``manage.py seed_demo``: create or complete the demo organization and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from meldpunt.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo housing corporation with stock, tenants and staff logins (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = seed_demo()
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready.")))
        width = max(len(str(label)) for label, _count in summary.counts)
        for label, count in summary.counts:
            self.stdout.write(f"  {label!s:<{width}}  {count:>5}")
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD}
        )
        name_width = max(len(username) for username, _role in DEMO_LOGINS)
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<{name_width}}  {description}")
