"""Fetching mail from an IMAP mailbox (``manage.py mail_fetch``).

A message is marked seen only after its row is committed: a crash in between
fetches it again next time, and the Message-ID dedupe makes that harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError
from imap_tools import AND, BaseMailBox, MailBox, MailBoxUnencrypted, MailMessage, MailMessageFlags

from meldpunt.notifications.inbound.receive import inbound_mail_receive
from meldpunt.notifications.models import InboundMail

logger = logging.getLogger(__name__)


class RawMailMessage(MailMessage):
    """imap-tools' message that also keeps the bytes exactly as the server sent them."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = next(
            (item[1] for item in fetch_data if isinstance(item, tuple) and len(item) > 1), b""
        )


class _SslBox(MailBox):
    email_message_class = RawMailMessage


class _PlainBox(MailBoxUnencrypted):
    email_message_class = RawMailMessage


@dataclass(frozen=True, slots=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True
    timeout: float = 30


def mailbox_fetch(account: ImapAccount) -> int:
    """Receive every unseen message in the folder; returns how many were received."""
    box_class: type[BaseMailBox] = _SslBox if account.ssl else _PlainBox
    received = 0
    with box_class(account.host, port=account.port, timeout=account.timeout).login(  # type: ignore[call-arg]
        account.user, account.password, initial_folder=account.folder
    ) as mailbox:
        for message in mailbox.fetch(AND(seen=False), mark_seen=False, bulk=False):
            assert isinstance(message, RawMailMessage)
            if not message.uid or not message.raw:
                continue
            try:
                inbound_mail_receive(raw=message.raw, source=InboundMail.Source.IMAP)
            except DatabaseError:
                # Left unseen: the next run fetches it again.
                logger.exception("mailbox message %s could not be stored", message.uid)
                continue
            mailbox.flag(message.uid, MailMessageFlags.SEEN, True)
            received += 1
    return received
