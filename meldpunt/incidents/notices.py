"""Telling the tenant about their incident: by email, and by SMS or WhatsApp on a mobile."""

from __future__ import annotations

from meldpunt.incidents.links import tenant_link_url
from meldpunt.incidents.models import Incident
from meldpunt.notifications.services import notification_queue
from meldpunt.people.models import Channel, Contact
from meldpunt.people.phones import is_mobile


def tenant_recipients(incident: Incident) -> list[tuple[str, str]]:
    """(channel, address) pairs: the email address, and a mobile number by SMS, or by
    WhatsApp when the tenant asked for it. The contact details on the incident count;
    the household's are used only when the incident has none at all."""
    household = incident.household
    email, phone = incident.contact_email, incident.contact_phone
    if not (email or phone) and household is not None:
        email, phone = household.email, household.phone
    recipients: list[tuple[str, str]] = []
    if email:
        recipients.append((Channel.EMAIL, email))
    if phone and is_mobile(phone):
        prefers_whatsapp = (
            household is not None
            and Contact.objects.filter(
                household=household,
                kind=Contact.Kind.TENANT,
                preferred_channel=Channel.WHATSAPP,
            ).exists()
        )
        recipients.append((Channel.WHATSAPP if prefers_whatsapp else Channel.SMS, phone))
    return recipients


def tenant_notify(*, incident: Incident, event: str, template: str, dedupe_key: str) -> list[str]:
    """Queue ``template`` to every channel the tenant can be reached on, with a fresh
    personal link; returns the channels used (none when no contact details are known)."""
    recipients = tenant_recipients(incident)
    if not recipients:
        return []
    context = {
        "incident_number": incident.pk,
        "incident_title": incident.title,
        "link": tenant_link_url(incident),
    }
    household = incident.household
    for channel, recipient in recipients:
        notification_queue(
            event=event,
            template=template,
            recipient=recipient,
            channel=channel,
            context=context,
            dedupe_key=f"{dedupe_key}:{channel}",
            recipient_name=incident.contact_name or (household.name if household else ""),
            language=incident.contact_language or "nl",
            thread_key=incident.thread_key,
        )
    return [channel for channel, _recipient in recipients]
