"""Receiving one email: store it once, recognise what it answers, hand it to its app.

Guarantees (SPEC INC-14, ARCHITECTURE §3 "Inbound"):

- every mail is stored with its raw bytes before anything else happens; a
  second delivery of the same Message-ID returns the stored row and does
  nothing more, so webhook retries and mailboxes fetched twice are harmless;
- automatic replies, bounces and our own mail are recorded as ignored and
  reach no handler, so nothing is created and nobody is answered (no loops);
- a reply is placed by the reply token in the address it was sent to, or else
  by the Message-ID of one of our notifications in In-Reply-To / References;
- the handler for that conversation runs in the same transaction as the
  row's outcome, so the mail's outcome and what it created land together;
- a mail that cannot be placed stays readable for staff with a reason.

Apps register handlers from their ``AppConfig.ready()``: a thread handler per
thread-key prefix (``"incident"`` for ``"incident:<public id>"``) and one
handler for new mail to the incident address.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Protocol

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meldpunt.notifications.inbound.parsing import (
    SUBJECT_MAX,
    ParsedMail,
    message_id_of,
    parse_headers,
    parse_mail,
)
from meldpunt.notifications.models import InboundMail, OutboxMessage

logger = logging.getLogger(__name__)

DETAIL_MAX = 250
ROUTING_FIELDS = ("outcome", "outcome_detail", "thread_key", "target_ref")


@dataclass(frozen=True, slots=True)
class Handled:
    """What a handler made of a mail: an outcome, the object it created, a note for staff."""

    outcome: str
    target_ref: str = ""
    detail: str = ""


class ThreadHandler(Protocol):
    def __call__(self, *, mail: InboundMail, parsed: ParsedMail, thread_key: str) -> Handled: ...


class NewMailHandler(Protocol):
    def __call__(self, *, mail: InboundMail, parsed: ParsedMail) -> Handled: ...


_thread_handlers: dict[str, ThreadHandler] = {}
_new_mail_handlers: list[NewMailHandler] = []


def register_thread_handler(prefix: str, handler: ThreadHandler) -> None:
    """Replies in conversations ``"<prefix>:<id>"`` go to ``handler``; a second call replaces."""
    _thread_handlers[prefix.rstrip(":")] = handler


def register_new_mail_handler(handler: NewMailHandler) -> None:
    """Mail to the incident address that answers nothing goes to ``handler``."""
    _new_mail_handlers[:] = [handler]


def inbound_mail_receive(
    *,
    raw: bytes,
    source: str,
    envelope_sender: str | None = None,
    envelope_recipients: Sequence[str] = (),
) -> InboundMail:
    """Store and process one received email; returns its row.

    ``envelope_sender`` / ``envelope_recipients`` are the SMTP envelope when the
    source knows it (``""`` as sender means a bounce). Safe to call again with
    the same mail. Raises ``DatabaseError`` only when the database fails; the
    caller's retry then finds the stored row and finishes it.
    """
    if source not in InboundMail.Source.values:
        raise ValueError(f"unknown inbound mail source {source!r}")
    raw = bytes(raw)
    limit = settings.MELDPUNT_INBOUND_MAX_BYTES
    # Notes for staff are written in the organization's default language, whoever delivers.
    with translation.override(settings.LANGUAGE_CODE):
        if len(raw) > limit:
            return _store_too_large(raw, source=source, limit=limit)
        parsed = parse_mail(
            raw, envelope_sender=envelope_sender, envelope_recipients=tuple(envelope_recipients)
        )
        return _receive(raw, source=source, parsed=parsed)


def _receive(raw: bytes, *, source: str, parsed: ParsedMail) -> InboundMail:
    mail = _store(
        source=source,
        message_id=parsed.message_id,
        raw=raw,
        sender=parsed.sender,
        sender_name=parsed.sender_name,
        recipients=parsed.recipients,
        subject=parsed.subject,
        body_text=parsed.text,
    )
    if mail.outcome != InboundMail.Outcome.RECEIVED:
        return mail  # delivered before and already dealt with
    return _process(mail.pk, parsed)


def _store(
    *,
    source: str,
    message_id: str,
    raw: bytes,
    sender: str,
    sender_name: str,
    recipients: Sequence[str],
    subject: str,
    body_text: str,
) -> InboundMail:
    existing = InboundMail.objects.filter(message_id=message_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InboundMail.objects.create(
                source=source,
                message_id=message_id,
                raw=raw,
                sender=sender[:254],
                sender_name=sender_name[:200],
                recipients=", ".join(recipients),
                subject=subject,
                body_text=body_text,
            )
    except IntegrityError:
        # The same mail arrived a moment ago by another path: that row wins.
        return InboundMail.objects.get(message_id=message_id)


def _store_too_large(raw: bytes, *, source: str, limit: int) -> InboundMail:
    """Record the refusal without keeping the bytes or reading the body."""
    headers = parse_headers(raw)
    sender_name, sender = parseaddr(str(headers.get("From", "")))
    detail = _("Too large to process: %(size)s (at most %(limit)s).") % {
        "size": filesizeformat(len(raw)),
        "limit": filesizeformat(limit),
    }
    mail = _store(
        source=source,
        message_id=message_id_of(headers, raw),
        raw=b"",
        sender=sender.lower() if "@" in sender else "",
        sender_name=sender_name,
        recipients=(),
        subject=" ".join(str(headers.get("Subject", "")).split())[:SUBJECT_MAX],
        body_text="",
    )
    InboundMail.objects.filter(pk=mail.pk, outcome=InboundMail.Outcome.RECEIVED).update(
        outcome=InboundMail.Outcome.UNROUTED, outcome_detail=detail, updated_at=timezone.now()
    )
    mail.refresh_from_db()
    return mail


def _process(pk: int, parsed: ParsedMail) -> InboundMail:
    try:
        with transaction.atomic():
            mail = InboundMail.objects.select_for_update().get(pk=pk)
            if mail.outcome != InboundMail.Outcome.RECEIVED:
                return mail  # a concurrent delivery finished it first
            thread_key, handled = _route(mail, parsed)
            mail.outcome = handled.outcome
            mail.outcome_detail = handled.detail[:DETAIL_MAX]
            mail.thread_key = thread_key
            mail.target_ref = handled.target_ref[:80]
            mail.save(update_fields=[*ROUTING_FIELDS, "updated_at"])
            return mail
    except IntegrityError as error:
        return _failed(pk, error)
    except DatabaseError:
        raise  # left as received: the next delivery of this mail tries again
    except Exception as error:
        return _failed(pk, error)


def _failed(pk: int, error: Exception) -> InboundMail:
    """A mail its handler cannot digest is kept for staff with the reason, not retried for ever."""
    logger.error("inbound mail %s could not be processed", pk, exc_info=error)
    detail = _("Could not be processed (%(error)s).") % {"error": type(error).__name__}
    InboundMail.objects.filter(pk=pk, outcome=InboundMail.Outcome.RECEIVED).update(
        outcome=InboundMail.Outcome.UNROUTED, outcome_detail=detail, updated_at=timezone.now()
    )
    return InboundMail.objects.get(pk=pk)


def _route(mail: InboundMail, parsed: ParsedMail) -> tuple[str, Handled]:
    """(thread key, what became of it); runs inside the outcome's transaction."""
    unrouted = InboundMail.Outcome.UNROUTED
    ignored = _machine_or_own(parsed)
    if ignored:
        return "", Handled(InboundMail.Outcome.IGNORED, detail=ignored)
    token = reply_token_in(parsed.recipients)
    if token is not None:
        outbox = OutboxMessage.objects.filter(reply_token=token).exclude(thread_key="").first()
        if outbox is None:
            return "", Handled(
                unrouted, detail=_("Sent to a reply address no notification of ours had.")
            )
    else:
        outbox = outbox_answered(parsed.references)
    if outbox is not None:
        prefix = outbox.thread_key.partition(":")[0]
        handler = _thread_handlers.get(prefix)
        if handler is None:
            detail = _("Nothing handles replies about %(kind)s.") % {"kind": prefix}
            return outbox.thread_key, Handled(unrouted, detail=detail)
        handled = handler(mail=mail, parsed=parsed, thread_key=outbox.thread_key)
        note = ""
        if parsed.sender != outbox.recipient.lower():
            note = _("Sent from another address than the notification went to.")
        detail = " ".join(part for part in (handled.detail, note) if part)
        return outbox.thread_key, Handled(handled.outcome, handled.target_ref, detail)
    if not is_for_incident_address(parsed.recipients):
        detail = _("Not a reply to a notification and not sent to %(address)s.") % {
            "address": settings.MELDPUNT_INCIDENT_ADDRESS
        }
        return "", Handled(unrouted, detail=detail)
    if not _new_mail_handlers:
        return "", Handled(unrouted, detail=_("Nothing handles new mail."))
    return "", _new_mail_handlers[0](mail=mail, parsed=parsed)


def reply_pattern() -> re.Pattern[str]:
    """The reply-address setting as a pattern; group 1 is the token."""
    before, _token, after = settings.MELDPUNT_REPLY_ADDRESS.lower().partition("{token}")
    return re.compile(f"{re.escape(before)}([0-9a-z]{{8,64}}){re.escape(after)}")


def reply_token_in(addresses: Sequence[str]) -> str | None:
    pattern = reply_pattern()
    for address in addresses:
        match = pattern.fullmatch(address.lower())
        if match:
            return match.group(1)
    return None


def _our_message_id() -> re.Pattern[str]:
    domain = re.escape(settings.MELDPUNT_MAIL_DOMAIN.lower())
    return re.compile(rf"<outbox\.([A-Za-z0-9_-]{{8,24}})@{domain}>", re.IGNORECASE)


def outbox_answered(references: Sequence[str]) -> OutboxMessage | None:
    """The newest of our notifications with a conversation that the mail refers to."""
    if not references:
        return None
    ours = _our_message_id()
    public_ids = [match.group(1) for ref in references if (match := ours.fullmatch(ref))]
    # A provider that sets its own Message-ID is known by the id it reported.
    provider_ids = list(references) + [ref.strip("<>") for ref in references]
    candidates = {
        row.public_id: row
        for row in OutboxMessage.objects.filter(public_id__in=public_ids).exclude(thread_key="")
    }
    by_provider = {
        row.provider_message_id: row
        for row in OutboxMessage.objects.filter(provider_message_id__in=provider_ids).exclude(
            thread_key=""
        )
    }
    for ref in references:
        match = ours.fullmatch(ref)
        if match and match.group(1) in candidates:
            return candidates[match.group(1)]
        row = by_provider.get(ref) or by_provider.get(ref.strip("<>"))
        if row is not None:
            return row
    return None


def _local(address: str) -> tuple[str, str]:
    local, _at, domain = address.lower().rpartition("@")
    return local.split("+", 1)[0], domain


def is_for_incident_address(recipients: Sequence[str]) -> bool:
    """Sent to the incident address (a "+tag" after its local part counts too)."""
    target = _local(settings.MELDPUNT_INCIDENT_ADDRESS)
    return any(_local(address) == target for address in recipients)


def own_addresses() -> set[str]:
    """Addresses we send from: mail from them is our own, coming back."""
    addresses = {settings.MELDPUNT_INCIDENT_ADDRESS.lower()}
    for value in (settings.DEFAULT_FROM_EMAIL, getattr(settings, "SERVER_EMAIL", "")):
        address = parseaddr(value or "")[1].lower()
        if address:
            addresses.add(address)
    return addresses


def _machine_or_own(parsed: ParsedMail) -> str:
    if parsed.machine_sent:
        return parsed.machine_sent
    if parsed.sender in own_addresses() or reply_pattern().fullmatch(parsed.sender):
        return _("Sent from one of our own addresses (mail loop).")
    if _our_message_id().fullmatch(parsed.message_id):
        return _("One of our own notifications came back (mail loop).")
    return ""
