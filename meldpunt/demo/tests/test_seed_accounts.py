"""The demo's tenant account and activation code (SPEC ACC-1, ACC-2)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from meldpunt.accounts.activation import activation_code_live
from meldpunt.accounts.models import ActivationCode, User
from meldpunt.demo.accounts import TENANT_USERNAME
from meldpunt.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from meldpunt.people.models import AccountStatus, Household


@pytest.mark.django_db
def test_the_demo_has_a_confirmed_tenant_account_and_a_live_code():
    seed_demo()
    user = User.objects.get(username=TENANT_USERNAME)
    assert user.is_tenant
    assert user.household is not None
    assert user.household.contracts.exists()
    assert EmailAddress.objects.get(user=user).verified
    assert user.household.account_status == AccountStatus.CONFIRMED
    assert authenticate(username=TENANT_USERNAME, password=DEMO_PASSWORD) == user
    assert TENANT_USERNAME in {username for username, _ in DEMO_LOGINS}
    coded = [
        h
        for h in Household.objects.exclude(pk=user.household_id)
        if activation_code_live(household=h)
    ]
    assert len(coded) == 1
    assert coded[0].account_status == AccountStatus.NONE


@pytest.mark.django_db
def test_seeding_twice_keeps_the_account_and_the_code():
    seed_demo()
    code = ActivationCode.objects.get()
    seed_demo()
    assert User.objects.filter(username=TENANT_USERNAME).count() == 1
    assert list(ActivationCode.objects.all()) == [code]
    assert EmailAddress.objects.filter(user__username=TENANT_USERNAME).count() == 1
