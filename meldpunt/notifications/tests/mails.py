"""Building real email messages for tests, as a mail client would send them."""

from __future__ import annotations

import io
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import make_msgid

from PIL import Image

INCIDENT_ADDRESS = "meldingen@meldpunt.localhost"
TENANT = "Anna de Vries <anna@example.net>"
AUTO = object()


def png_bytes(colour: str = "red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(output, format="PNG")
    return output.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def make_mail(
    *,
    sender: str = TENANT,
    to: str = INCIDENT_ADDRESS,
    subject: str = "Lekkage in de badkamer",
    text: str | None = "Er lekt water uit het plafond.",
    html: str | None = None,
    message_id: object = AUTO,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    attachments: Iterable[tuple[str, str, bytes]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id is AUTO:
        message["Message-ID"] = make_msgid(domain="mail.example.net")
    elif message_id is not None:
        message["Message-ID"] = str(message_id)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in headers:
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
