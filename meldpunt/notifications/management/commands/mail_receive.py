from __future__ import annotations

import logging
import time
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from meldpunt.notifications.inbound.receive import inbound_mail_receive
from meldpunt.notifications.models import InboundMail

logger = logging.getLogger(__name__)


def _receive(raw: bytes, mail_from: str | None, rcpt_tos: list[str]) -> InboundMail:
    close_old_connections()
    return inbound_mail_receive(
        raw=raw,
        source=InboundMail.Source.SMTP,
        envelope_sender=mail_from,
        envelope_recipients=rcpt_tos,
    )


class InboundSmtpHandler:
    """aiosmtpd handler: every message accepted over SMTP is received like any other mail."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        try:
            await sync_to_async(_receive, thread_sensitive=True)(
                bytes(raw), envelope.mail_from, list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("mail over SMTP could not be received")
            return "451 Requested action aborted: error in processing"
        return "250 Message accepted"


def smtp_controller(*, port: int, hostname: str = "127.0.0.1") -> Controller:
    return Controller(
        InboundSmtpHandler(),
        hostname=hostname,
        port=port,
        data_size_limit=settings.MELDPUNT_INBOUND_MAX_BYTES,
    )


class Command(BaseCommand):
    help = (
        "For development: receive mail over SMTP on 127.0.0.1 (point a mail client or "
        "another program at it) and process it like mail from the mailbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        controller = smtp_controller(port=port)
        controller.start()
        self.stdout.write(f"Receiving mail on smtp://127.0.0.1:{port}/ (Ctrl+C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
