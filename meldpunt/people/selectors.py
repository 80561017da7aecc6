"""Reads of contacts and households, scoped by actor."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.db.models import Count, Q, QuerySet

from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page, keyset_page
from meldpunt.people.models import Contact
from meldpunt.people.phones import DEFAULT_REGION

# Separators people type inside phone numbers: "06-123 456 78", "(030) 123 4567".
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE_LIKE = re.compile(r"^\+?[0-9]{3,}$")
MAX_SEARCH_TERMS = 5


@dataclass(frozen=True, slots=True)
class ContactFilters:
    q: str = ""
    kind: str = ""


def contacts_visible(*, actor: Actor) -> QuerySet[Contact]:
    if not actor.is_staff:
        return Contact.objects.none()
    return Contact.objects.all()


def phone_search_fragment(text: str, *, region: str = DEFAULT_REGION) -> str | None:
    """The part of a stored E.164 number that ``text`` stands for, or ``None``.

    Numbers are stored as ``+31612345678``; people type ``06 1234 5678``,
    ``0031 6 …`` or a piece of the number. The region's trunk prefix (``0`` in
    the Netherlands; Norway has none) becomes its country code, ``00`` becomes ``+``.
    """
    compact = _PHONE_SEPARATORS.sub("", text)
    if not _PHONE_LIKE.match(compact):
        return None
    if compact.startswith("+"):
        return compact
    if compact.startswith("00"):
        return "+" + compact[2:]
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    trunk = metadata.national_prefix if metadata is not None else None
    if trunk and compact.startswith(trunk):
        return f"+{metadata.country_code}{compact[len(trunk) :]}"  # type: ignore[union-attr]
    return compact


def _search_condition(q: str, *, region: str) -> Q:
    """Every typed word must match a name, company, email or tenant number;
    or the whole text matches a phone number."""
    words = q.split()[:MAX_SEARCH_TERMS]
    condition = Q()
    for word in words:
        condition &= (
            Q(name__icontains=word)
            | Q(company__icontains=word)
            | Q(email__icontains=word)
            | Q(household__tenant_number__istartswith=word)
        )
    fragment = phone_search_fragment(q, region=region)
    if fragment:
        condition |= Q(phone__contains=fragment)
    return condition


def contact_search(
    *,
    actor: Actor,
    filters: ContactFilters,
    cursor: str | None = None,
    size: int = 50,
    region: str = DEFAULT_REGION,
) -> Page:
    """One page of contacts in name order, narrowed by ``filters``. One query.

    Rows come with their household (tenant number) loaded.
    """
    contacts = contacts_visible(actor=actor).select_related("household")
    if filters.kind:
        contacts = contacts.filter(kind=filters.kind)
    q = filters.q.strip()
    if q:
        contacts = contacts.filter(_search_condition(q, region=region))
    return keyset_page(contacts, order_field="name", cursor=cursor, size=size)


def contact_counts(*, actor: Actor) -> dict[str, int]:
    """How many contacts of each kind there are (every kind present, zero if none).
    One query."""
    counts = dict.fromkeys(Contact.Kind.values, 0)
    rows = (
        contacts_visible(actor=actor)
        .order_by()
        .values("kind")
        .annotate(total=Count("pk"))
        .values_list("kind", "total")
    )
    for kind, total in rows:
        counts[kind] = total
    return counts
