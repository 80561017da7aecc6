"""Inbound email (SPEC INC-14): replies to notifications and new reports by mail.

Sources — a provider's webhook (``webhook``), a mailbox (``imap``, ``manage.py
mail_fetch``) and a local SMTP receiver (``smtp``, ``manage.py mail_receive``) —
all hand the raw bytes to ``inbound_mail_receive``; apps register what happens
to a reply in their conversations and to new mail.
"""

from meldpunt.notifications.inbound.parsing import MailAttachment, ParsedMail, parse_mail
from meldpunt.notifications.inbound.receive import (
    Handled,
    NewMailHandler,
    ThreadHandler,
    inbound_mail_receive,
    register_new_mail_handler,
    register_thread_handler,
)

__all__ = [
    "Handled",
    "MailAttachment",
    "NewMailHandler",
    "ParsedMail",
    "ThreadHandler",
    "inbound_mail_receive",
    "parse_mail",
    "register_new_mail_handler",
    "register_thread_handler",
]
