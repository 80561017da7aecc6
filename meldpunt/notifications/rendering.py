"""Rendering a message in its recipient's language with the organization's branding."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.transports import Rendered
from meldpunt.organization.selectors import organization_current
from meldpunt.organization.theme import effective_colours


def render_message(message: OutboxMessage) -> Rendered:
    """Subject, text and HTML for email; text alone for SMS and WhatsApp."""
    organization = organization_current()
    context: dict[str, Any] = {
        **message.context,
        "organization": organization,
        "recipient_name": message.recipient_name,
        "site_url": settings.SITE_URL,
        "brand_colour": effective_colours(organization.colours or {})["menu-bg"],
    }
    folder = f"notifications/{message.template}"
    with translation.override(message.language):
        if message.channel == "email":
            subject = render_to_string(f"{folder}/subject.txt", context).strip()
            text = render_to_string(f"{folder}/body.txt", context).strip() + "\n"
            html = render_to_string(f"{folder}/body.html", context)
            return Rendered(subject=" ".join(subject.split()), text=text, html=html)
        text = render_to_string(f"{folder}/sms.txt", context).strip()
        return Rendered(subject="", text=text, html="")
