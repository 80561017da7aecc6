from __future__ import annotations

import imaplib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from imap_tools.errors import ImapToolsError, MailboxLoginError

from meldpunt.notifications.inbound.imap import ImapAccount, mailbox_fetch

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Receive unseen mail from the IMAP mailbox in MELDPUNT_IMAP_* (replies to "
        "notifications and new reports to the incident address)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Keep fetching every SECONDS seconds instead of once.",
        )

    def handle(self, *args: Any, loop: float, **options: Any) -> None:
        if not settings.MELDPUNT_IMAP_HOST:
            raise CommandError("Set MELDPUNT_IMAP_HOST (and _USER, _PASSWORD) to fetch mail.")
        account = ImapAccount(
            host=settings.MELDPUNT_IMAP_HOST,
            port=settings.MELDPUNT_IMAP_PORT,
            user=settings.MELDPUNT_IMAP_USER,
            password=settings.MELDPUNT_IMAP_PASSWORD,
            folder=settings.MELDPUNT_IMAP_FOLDER,
            ssl=settings.MELDPUNT_IMAP_SSL,
        )
        while True:
            try:
                received = mailbox_fetch(account)
            except MailboxLoginError as error:
                raise CommandError(f"The mailbox refused the login: {error}") from error
            except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
                # Network trouble, or the server hung up: unseen mail is fetched next time.
                if not loop:
                    raise CommandError(f"Fetching mail failed: {error}") from error
                logger.warning("fetching mail failed, trying again in %ss: %s", loop, error)
            else:
                if received or options["verbosity"] > 1:
                    self.stdout.write(f"mail fetch: {received} message(s) received")
            if not loop:
                return
            time.sleep(loop)
