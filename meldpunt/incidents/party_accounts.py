"""Signing in without a password for suppliers and owners (SPEC INC-12).

A contact whom staff gave portal access asks for a link by email address; the
link works once, for 30 minutes, and puts the contact's public id in the
session. The signed-in page lists their own sub-incidents and hands out a
fresh personal link for the one they open, so the link page does the rest.
The personal links keep working for everyone, with or without access.

Whether an address belongs to anyone is never told: the request always gets
the same answer, and the limits count per address silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record
from meldpunt.common.links import absolute_url, link_issue, link_resolve
from meldpunt.common.models import AccessLink, AuditEvent
from meldpunt.incidents.models import SubIncident
from meldpunt.incidents.sub_incidents import KIND_CONTACT, PARTY_LINK_AFTER_CLOSE
from meldpunt.notifications.services import notification_queue
from meldpunt.people import events
from meldpunt.people.models import Contact

SIGN_IN_PURPOSE = "party_sign_in"
SIGN_IN_VALID = timedelta(minutes=30)
# At most this many links per address per hour; more requests send nothing.
LINKS_PER_ADDRESS_PER_HOUR = 3
# At most this many requests per client per hour; more get "try again later".
REQUESTS_PER_CLIENT_PER_HOUR = 20
RATE_WINDOW = timedelta(hours=1)
ORDERS_MAX = 200
PORTAL_KINDS = (Contact.Kind.SUPPLIER, Contact.Kind.OWNER)


class SignInLimited(Exception):
    """Too many sign-in requests from one client in the last hour."""


def _portal_contacts() -> QuerySet[Contact]:
    return Contact.objects.filter(portal_access=True, kind__in=PORTAL_KINDS)


def portal_contact_get(*, public_id: str) -> Contact | None:
    """The supplier or owner with this public id, if they may still sign in."""
    return _portal_contacts().filter(public_id=public_id).first()


def _client_allowed(client_hash: str) -> bool:
    """Count this request against the client's hourly allowance."""
    if not client_hash:
        return True
    key = f"party-sign-in:{client_hash}"
    cache.add(key, 0, timeout=int(RATE_WINDOW.total_seconds()))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(RATE_WINDOW.total_seconds()))
        count = 1
    return count <= REQUESTS_PER_CLIENT_PER_HOUR


def sign_in_request(*, email: str, client_hash: str, now: datetime | None = None) -> bool:
    """Email a sign-in link when ``email`` belongs to a contact with portal access.

    Returns whether a message was queued — for tests and logs only; the visitor
    gets the same answer either way. Raises :class:`SignInLimited` when this
    client asked too often, whatever the address.
    """
    if not _client_allowed(client_hash):
        raise SignInLimited
    now = now or timezone.now()
    email = email.strip()
    if not email:
        return False
    with transaction.atomic():
        contact = _portal_contacts().filter(email__iexact=email).order_by("id").first()
        if contact is None:
            return False
        Contact.objects.select_for_update().filter(pk=contact.pk).first()
        recent = AccessLink.objects.filter(
            purpose=SIGN_IN_PURPOSE,
            object_type=Contact._meta.label_lower,
            object_id=contact.public_id,
            created_at__gte=now - RATE_WINDOW,
        ).count()
        if recent >= LINKS_PER_ADDRESS_PER_HOUR:
            return False
        link, token = link_issue(
            obj=contact, purpose=SIGN_IN_PURPOSE, party=str(contact), expires_at=now + SIGN_IN_VALID
        )
        notification_queue(
            event=events.CONTACT_SIGN_IN_LINK_SENT,
            template="party.sign_in",
            recipient=contact.email,
            channel="email",
            context={
                "link": absolute_url(reverse("portal:party_sign_in_link", kwargs={"token": token}))
            },
            dedupe_key=f"contact:{contact.public_id}:sign_in:{link.pk}",
            recipient_name=contact.name,
            language=contact.language or "nl",
        )
        audit_record(
            actor=Actor.system("portal sign-in"),
            verb=events.CONTACT_SIGN_IN_LINK_SENT,
            obj=contact,
        )
    return True


def sign_in_link_get(*, token: str) -> tuple[AccessLink, Contact]:
    """The live sign-in link and its contact (still allowed to sign in), or Http404."""
    link = link_resolve(token=token, purpose=SIGN_IN_PURPOSE)
    if link.object_type != Contact._meta.label_lower:
        raise Http404
    contact = _portal_contacts().filter(public_id=link.object_id).first()
    if contact is None:
        raise Http404
    return link, contact


def sign_in_complete(*, token: str) -> Contact:
    """Use the link up (it works once) and return whom it signs in; Http404 when it
    is gone or was used a moment ago by another click."""
    with transaction.atomic():
        link, contact = sign_in_link_get(token=token)
        used = AccessLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not used:
            raise Http404
        audit_record(
            actor=Actor(kind=AuditEvent.ActorKind.LINK, label=f"sign-in link: {contact}"[:200]),
            verb=events.CONTACT_SIGNED_IN,
            obj=contact,
        )
    return contact


def party_orders(*, contact: Contact, now: datetime | None = None) -> QuerySet[SubIncident]:
    """The contact's own work orders and owner questions: open ones, and those closed
    no longer ago than their links keep working. Open first, newest first."""
    now = now or timezone.now()
    return (
        SubIncident.objects.filter(contact=contact, kind__in=KIND_CONTACT.keys())
        .filter(Q(is_open=True) | Q(closed_at__gte=now - PARTY_LINK_AFTER_CLOSE))
        .select_related(
            "incident",
            "incident__unit",
            "incident__household",
            "incident__common_area",
            "incident__installation",
        )
        .order_by("-is_open", "-created_at", "-id")
    )


def party_order_get(*, contact: Contact, public_id: str) -> SubIncident:
    """One of the contact's own listed sub-incidents; anyone else's is a 404."""
    sub_incident = party_orders(contact=contact).filter(public_id=public_id).first()
    if sub_incident is None:
        raise Http404
    return sub_incident
