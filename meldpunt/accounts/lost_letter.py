"""'Lost the letter?' (SPEC ACC-3, ACC-4): a tenant number asks for a new code letter.

Every request becomes an interaction "code requested" — for the household when
the number is known, without one when it is not (the number is in the
description) — so staff see it and the interaction kind decides whether a task
follows. The tenant gets the same answer either way. Requests are limited per
client address.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from meldpunt.accounts.activation import (
    ActivationLimited,
    rate_limit_check,
    rate_limit_count,
    tenant_number_normalize,
)
from meldpunt.common.actors import Actor
from meldpunt.interactions.models import Interaction, ShippedKind
from meldpunt.interactions.services import interaction_record
from meldpunt.people.models import Household

REQUESTS_PER_CLIENT = 10

__all__ = ["ActivationLimited", "activation_letter_request"]


def activation_letter_request(
    *, tenant_number: str, client: str, now: datetime | None = None
) -> Interaction:
    """Record that someone asked for a new code letter for ``tenant_number``.

    Raises :class:`ActivationLimited` when this client asked too often in the
    last 15 minutes (counted whether the number is known or not).
    """
    now = now or timezone.now()
    number = tenant_number_normalize(tenant_number)
    key = f"activation-letter-requests:client:{client}"
    if client:
        rate_limit_check(keys=[(key, REQUESTS_PER_CLIENT)], now=now)
        rate_limit_count(keys=[key], now=now)
    household = Household.objects.filter(tenant_number__iexact=number).first() if number else None
    description = f"Tenant number entered in the portal: {number}"
    if household is None:
        description += " (not found)"
    return interaction_record(
        actor=Actor.system("portal"),
        household=household,
        kind=ShippedKind.CODE_REQUESTED,
        description=description,
        direction=Interaction.Direction.TENANT,
    )
