"""Shared helpers of the tenant sign-in tests (test_tenant_login*, test_passwords,
test_email_change, portal/tests/test_portal_account*)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.test import Client

from meldpunt.accounts.models import User
from tests.factories import TEST_PASSWORD, HouseholdFactory

PORTAL_LOGIN = "/portal/login"
STAFF_LOGIN = "/accounts/login/"


def make_tenant(
    username: str = "fam.jansen",
    *,
    verified: bool = True,
    password: str = TEST_PASSWORD,
    **household: Any,
) -> User:
    """A tenant's portal account with a confirmed (or not) email address."""
    home = HouseholdFactory(**household)
    user = User(username=username, role="", household=home, email=home.email)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def portal_sign_in(
    client: Client,
    login: str,
    password: str = TEST_PASSWORD,
    *,
    remember: bool = False,
    next_url: str | None = None,
    **extra: Any,
) -> Any:
    data: dict[str, Any] = {"login": login, "password": password}
    if remember:
        data["remember"] = "on"
    if next_url is not None:
        data["next"] = next_url
    return client.post(PORTAL_LOGIN, data, **extra)


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")
