"""The portal's welcome text, shown until the tenant has seen it once (SPEC POR-1, A-11)."""

from __future__ import annotations

from django.utils import timezone

from meldpunt.accounts.models import User


def account_welcome_seen(*, account: User) -> bool:
    """Note that ``account`` has seen the welcome text; True the first time only.

    Only the tenant's own visit counts: the portal does not call this while an
    agent views it as the household. One conditional UPDATE, so two tabs opened
    at once still count one first time. Not audited: it changes what the home
    page shows, nothing else.
    """
    now = timezone.now()
    updated = User.objects.filter(pk=account.pk, welcomed_at__isnull=True).update(welcomed_at=now)
    if updated:
        account.welcomed_at = now
    return bool(updated)
