"""A household's portal account status, kept on the household (SPEC ACC-12, ADM-SYNC)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from meldpunt.accounts.models import User
from meldpunt.people.models import AccountStatus, Household


def account_status_of(*, household: Household) -> str:
    """What the household's accounts say now: confirmed when one of its accounts
    has a verified email address, created when it has an account, else none."""
    accounts = User.objects.filter(household=household, role="")
    if not accounts.exists():
        return AccountStatus.NONE
    verified = EmailAddress.objects.filter(user__in=accounts, verified=True).exists()
    return AccountStatus.CONFIRMED if verified else AccountStatus.CREATED


def household_account_status_sync(*, household: Household) -> str:
    """Store the household's account status; call it after every account event."""
    status = account_status_of(household=household)
    if household.account_status != status:
        Household.objects.filter(pk=household.pk).update(account_status=status)
        household.account_status = status
    return status


def household_account_status_resync_all() -> int:
    """Recompute every household's status (the back office's "resync all").

    Three set-based updates, whatever the number of households; returns how
    many households changed.
    """
    tenant_accounts = User.objects.filter(role="", household__isnull=False)
    confirmed = tenant_accounts.filter(emailaddress__verified=True).values("household_id")
    with transaction.atomic():
        changed = (
            Household.objects.filter(pk__in=confirmed)
            .exclude(account_status=AccountStatus.CONFIRMED)
            .update(account_status=AccountStatus.CONFIRMED)
        )
        changed += (
            Household.objects.filter(pk__in=tenant_accounts.values("household_id"))
            .exclude(pk__in=confirmed)
            .exclude(account_status=AccountStatus.CREATED)
            .update(account_status=AccountStatus.CREATED)
        )
        changed += (
            Household.objects.exclude(pk__in=tenant_accounts.values("household_id"))
            .exclude(account_status=AccountStatus.NONE)
            .update(account_status=AccountStatus.NONE)
        )
    return changed
