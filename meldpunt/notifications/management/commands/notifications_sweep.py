from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from meldpunt.notifications.services import outbox_sweep
from meldpunt.notifications.sweeps import registered_sweeps


class Command(BaseCommand):
    help = (
        "Deliver outbox messages that are due or were left behind by a stopped worker, "
        "and run the other registered catch-up jobs (work-order reminders)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep sweeping every SECONDS seconds instead of once.",
        )

    def handle(self, *args: Any, loop: float, **options: Any) -> None:
        while True:
            tried = outbox_sweep()
            if tried or options["verbosity"] > 1:
                self.stdout.write(f"outbox sweep: {tried} message(s) tried")
            for name, sweep in registered_sweeps().items():
                handled = sweep()
                if handled or options["verbosity"] > 1:
                    self.stdout.write(f"{name}: {handled} handled")
            if not loop:
                return
            time.sleep(loop)
