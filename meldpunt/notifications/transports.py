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

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailUnsupportedFeature,
)
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.urls import reverse

from meldpunt.common.links import absolute_url
from meldpunt.notifications.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


class DeliveryError(Exception):
    """The message was not delivered this time; the outbox will try again."""


class PermanentDeliveryError(DeliveryError):
    """The provider refused the message for good (e.g. no such number): no retry."""


class Transport(Protocol):
    name: str

    def send(self, message: OutboxMessage, rendered: Rendered) -> str: ...


class LocalTransport:
    """Delivers into the outbox itself: the message stays readable in the back office."""

    name = "local"

    def send(self, message: OutboxMessage, rendered: Rendered) -> str:
        return f"local-{message.public_id}"


# Provider errors no retry can cure: every recipient refused, a malformed address,
# a message the provider cannot send as built.
REFUSED_FOR_GOOD = (AnymailRecipientsRefused, AnymailInvalidAddress, AnymailUnsupportedFeature)


class EmailTransport:
    """Django's mailer (SMTP by default; a provider back-end through django-anymail)."""

    name = "email"

    def send(self, message: OutboxMessage, rendered: Rendered) -> str:
        message_id = f"<outbox.{message.public_id}@{settings.MELDPUNT_MAIL_DOMAIN}>"
        email = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            to=[_address(message)],
            reply_to=[reply_address(message.reply_token)] if message.reply_token else None,
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
            connection=mailers.default,
        )
        if rendered.html:
            email.attach_alternative(rendered.html, "text/html")
        try:
            email.send()
        except REFUSED_FOR_GOOD as error:
            raise PermanentDeliveryError(f"{type(error).__name__}: {error}") from error
        except AnymailAPIError as error:
            code = error.status_code or 0
            if 400 <= code < 500 and code not in (408, 429):
                raise PermanentDeliveryError(f"{type(error).__name__}: {error}") from error
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        except (AnymailError, OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        # A provider back-end reports its own id, which its delivery webhooks use.
        anymail_status = getattr(email, "anymail_status", None)
        provider_id = getattr(anymail_status, "message_id", None)
        return provider_id if isinstance(provider_id, str) and provider_id else message_id


def reply_address(token: str) -> str:
    """The address a reply to a message with this reply token goes to."""
    return settings.MELDPUNT_REPLY_ADDRESS.replace("{token}", token)


def _address(message: OutboxMessage) -> str:
    if not message.recipient_name:
        return message.recipient
    name = message.recipient_name.replace('"', "'")
    return f'"{name}" <{message.recipient}>'


class TwilioTransport:
    """SMS and WhatsApp through Twilio's REST API (its address is a setting)."""

    name = "twilio"

    def send(self, message: OutboxMessage, rendered: Rendered) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        config = settings.TWILIO
        # A provider that stops answering must not hold the worker: the row is retried.
        client = Client(
            config["ACCOUNT_SID"],
            config["AUTH_TOKEN"],
            http_client=TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT),
        )
        client.api.base_url = config["API_BASE_URL"]
        if message.channel == "whatsapp":
            to, sender = f"whatsapp:{message.recipient}", f"whatsapp:{config['WHATSAPP_FROM']}"
        else:
            to, sender = message.recipient, config["SMS_FROM"]
        try:
            sent = client.messages.create(
                to=to, from_=sender, body=rendered.text, status_callback=status_callback_url()
            )
        except TwilioRestException as error:
            if 400 <= error.status < 500 and error.status not in (408, 429):
                raise PermanentDeliveryError(f"{error.status}: {error.msg}") from error
            raise DeliveryError(f"{error.status}: {error.msg}") from error
        except (TwilioException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        return str(sent.sid)


def status_callback_url() -> str:
    """Where Twilio reports delivery; also the URL its signatures are computed over."""
    return absolute_url(reverse("notifications:twilio_status"))


TRANSPORTS: dict[str, type[Transport]] = {
    "local": LocalTransport,
    "email": EmailTransport,
    "twilio": TwilioTransport,
}


def transport_for(channel: str) -> Transport:
    name = settings.MELDPUNT_TRANSPORTS.get(channel, "local")
    return TRANSPORTS[name]()
