"""The demo's tenant accounts (SPEC ACC-1, ACC-2): one that works, one code waiting.

- ``huurder`` signs in to the portal with the demo password: the account of the
  first household (by tenant number) with a running contract, email confirmed.
- Another household with a running contract and no account has a live
  activation code, so the sign-up from the letters can be tried at
  ``/portal/activate`` (staff reveal the code on the household's page).

Idempotent: an existing account keeps its password and email; a live code is
not replaced.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.timezone import localdate

from meldpunt.accounts.activation import activation_code_generate, activation_code_live
from meldpunt.accounts.models import ActivationCode, User
from meldpunt.accounts.status import household_account_status_sync
from meldpunt.common.actors import Actor
from meldpunt.people.models import Household
from meldpunt.tenancy.models import Contract

TENANT_USERNAME = "huurder"


def _households_with_contract() -> list[Household]:
    running = Contract.objects.running_on(localdate()).values("household_id")
    return list(Household.objects.filter(pk__in=running).order_by("tenant_number"))


def seed_tenant_accounts(*, actor: Actor, password: str) -> User | None:
    """Make the demo tenant account and one live activation code; return the account."""
    households = _households_with_contract()
    if not households:
        return None
    with transaction.atomic():
        user = User.objects.filter(username=TENANT_USERNAME).first()
        if user is None:
            household = households[0]
            user = User(
                username=TENANT_USERNAME,
                email=household.email or f"{TENANT_USERNAME}@example.net",
                role="",
                household=household,
                first_name=household.name[:150],
            )
            user.set_password(password)
            user.save()
        if user.email and not EmailAddress.objects.filter(user=user).exists():
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        if user.household is not None:
            household_account_status_sync(household=user.household)
        _seed_live_code(actor=actor, households=households)
    return user


def _seed_live_code(*, actor: Actor, households: list[Household]) -> None:
    without_account = [h for h in households if not h.accounts.filter(role="").exists()]
    if not without_account:
        return
    live = ActivationCode.objects.filter(
        household__in=without_account, used_at__isnull=True, voided_at__isnull=True
    )
    if any(activation_code_live(household=code.household) for code in live):
        return
    activation_code_generate(actor=actor, household=without_account[0])
