"""Mail posted by a provider to django-anymail's inbound webhook.

Anymail checks the basic-auth credentials (``ANYMAIL["WEBHOOK_SECRET"]``)
before this receiver runs; a refused request never reaches it.
"""

from __future__ import annotations

from typing import Any

from meldpunt.notifications.inbound.receive import inbound_mail_receive
from meldpunt.notifications.models import InboundMail


def anymail_inbound_received(sender: object, event: Any, esp_name: str, **kwargs: Any) -> None:
    message = event.message
    # Prefer the provider's copy of the original bytes (Postmark: RawEmail) over
    # anymail's re-serialised message, so the stored mail is what was sent.
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    raw_text = esp_event.get("RawEmail")
    raw = raw_text.encode("utf-8", "surrogateescape") if raw_text else message.as_bytes()
    envelope_recipient = getattr(message, "envelope_recipient", None)
    inbound_mail_receive(
        raw=raw,
        source=InboundMail.Source.WEBHOOK,
        envelope_sender=getattr(message, "envelope_sender", None),
        envelope_recipients=[envelope_recipient] if envelope_recipient else [],
    )
