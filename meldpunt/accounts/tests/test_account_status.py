"""The household's portal account status follows its accounts (SPEC ACC-12, ADM-SYNC)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from meldpunt.accounts.status import (
    account_status_of,
    household_account_status_resync_all,
    household_account_status_sync,
)
from meldpunt.people.models import AccountStatus, Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tenant(household, *, verified):
    user = UserFactory(role="", household=household)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


def test_none_created_confirmed():
    household = HouseholdFactory()
    assert account_status_of(household=household) == AccountStatus.NONE
    user = _tenant(household, verified=False)
    assert household_account_status_sync(household=household) == AccountStatus.CREATED
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert household_account_status_sync(household=household) == AccountStatus.CONFIRMED
    household.refresh_from_db()
    assert household.account_status == AccountStatus.CONFIRMED


def test_a_staff_user_never_counts_as_the_households_account():
    household = HouseholdFactory()
    UserFactory(role="agent", household=household)
    assert account_status_of(household=household) == AccountStatus.NONE


def test_resync_all_repairs_every_stale_status_in_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    none, created, confirmed = HouseholdFactory(), HouseholdFactory(), HouseholdFactory()
    _tenant(created, verified=False)
    _tenant(confirmed, verified=True)
    # Everything stale on purpose.
    Household.objects.filter(pk=none.pk).update(account_status=AccountStatus.CONFIRMED)
    Household.objects.filter(pk=created.pk).update(account_status=AccountStatus.NONE)
    Household.objects.filter(pk=confirmed.pk).update(account_status=AccountStatus.CREATED)

    with django_assert_max_num_queries(6):
        changed = household_account_status_resync_all()

    assert changed == 3
    statuses = dict(Household.objects.values_list("pk", "account_status"))
    assert statuses == {
        none.pk: AccountStatus.NONE,
        created.pk: AccountStatus.CREATED,
        confirmed.pk: AccountStatus.CONFIRMED,
    }
    assert household_account_status_resync_all() == 0
