"""Transports: one small adapter per way of delivering a message.

A transport gets a rendered message and either returns the provider's message
id or raises ``DeliveryError``. Which transport serves a channel is a setting
(``MELDPUNT_TRANSPORTS``); the embedded default is ``local``, which keeps the
message for the outbox viewer instead of sending it anywhere.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers

from meldpunt.notifications.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


class DeliveryError(Exception):
    """The message was not delivered this time; the outbox will try again."""


class Transport(Protocol):
    name: str

    def send(self, message: OutboxMessage, rendered: Rendered) -> str: ...


class LocalTransport:
    """Delivers into the outbox itself: the message stays readable in the back office."""

    name = "local"

    def send(self, message: OutboxMessage, rendered: Rendered) -> str:
        return f"local-{message.public_id}"


class EmailTransport:
    """Django's mailer (SMTP by default; a provider back-end through django-anymail)."""

    name = "email"

    def send(self, message: OutboxMessage, rendered: Rendered) -> str:
        message_id = f"<outbox.{message.public_id}@{settings.MELDPUNT_MAIL_DOMAIN}>"
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            to=[_address(message)],
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
            connection=mailers.default,
        )
        if rendered.html:
            email.attach_alternative(rendered.html, "text/html")
        try:
            email.send()
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return message_id


def _address(message: OutboxMessage) -> str:
    if not message.recipient_name:
        return message.recipient
    name = message.recipient_name.replace('"', "'")
    return f'"{name}" <{message.recipient}>'


TRANSPORTS: dict[str, type[Transport]] = {
    "local": LocalTransport,
    "email": EmailTransport,
}


def transport_for(channel: str) -> Transport:
    name = settings.MELDPUNT_TRANSPORTS.get(channel, "local")
    return TRANSPORTS[name]()
