"""Signing in with a provider (SPEC ACC-5), end to end through allauth's local test
provider: the first time asks tenant number + activation code once, the username is
the email address, later sign-ins go straight in; staff never sign in this way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from meldpunt.accounts import activation_events as events
from meldpunt.accounts.activation import activation_code_generate
from meldpunt.accounts.models import AccountRequest, ActivationCode, User
from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import AccountStatus, Household
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/3rdparty/signup/"
MISMATCH = "this tenant number and activation code do not belong together"


@pytest.fixture(autouse=True)
def _clean_cache_english() -> Iterator[None]:
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def household(organization) -> Household:
    return HouseholdFactory(tenant_number="H700001", email="de.boer@example.net")


@pytest.fixture
def code(household) -> ActivationCode:
    return activation_code_generate(actor=Actor.system("test"), household=household)


@pytest.fixture
def browser() -> Client:
    return Client(REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT_LANGUAGE="en")


def provider_sign_in(
    client: Client, *, uid: int = 4711, email: str = "de.boer@example.net", verified: bool = True
) -> Any:
    """Through the provider's pages and back; returns the response after the callback."""
    response = client.post("/accounts/dummy/login/", {"next": "/portal/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/dummy/authenticate/?state=")
    data: dict[str, Any] = {"id": uid, "email": email, "first_name": "Anne", "last_name": "de Boer"}
    if verified:
        data["email_verified"] = "on"
    return client.post(response["Location"], data)


def signup(client: Client, **overrides: str) -> Any:
    data = {"tenant_number": "H700001", "code": "", "email": "de.boer@example.net", **overrides}
    return client.post(SIGNUP, data)


def test_the_login_page_offers_only_configured_providers(browser, organization) -> None:
    html = browser.get("/portal/login").content.decode()
    assert 'data-testid="provider-dummy"' in html  # the local test provider needs no set-up
    assert 'data-testid="provider-google"' not in html
    SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s")
    html = browser.get("/portal/login").content.decode()
    assert 'data-testid="provider-google"' in html


def test_first_sign_in_asks_tenant_number_and_code_and_makes_the_account(
    browser, household, code
) -> None:
    response = provider_sign_in(browser)
    assert response.status_code == 302
    assert response["Location"] == SIGNUP
    page = browser.get(SIGNUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="tenant_number"' in html and 'name="code"' in html
    assert 'value="de.boer@example.net"' in html  # from the provider
    assert 'name="username"' not in html  # the username is the email address

    response = signup(browser, code=code.code.lower())
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    user = User.objects.get(household=household)
    assert user.username == "de.boer@example.net"
    assert (user.role, user.first_name, user.has_usable_password()) == ("", "Anne", False)
    assert SocialAccount.objects.get(user=user).uid == "4711"
    assert EmailAddress.objects.get(user=user).verified  # the provider vouched for it
    code.refresh_from_db()
    assert code.used_at is not None
    household.refresh_from_db()
    assert household.account_status == AccountStatus.CONFIRMED
    request = AccountRequest.objects.get(household=household)
    assert request.user == user and request.details_at is not None
    created = AuditEvent.objects.get(verb=events.TENANT_ACCOUNT_CREATED)
    assert created.changes["signed_up_with"]["new"] == "dummy"
    assert browser.get("/portal/").status_code == 200  # signed in


def test_a_wrong_code_keeps_what_was_typed_and_says_check_both(browser, household, code) -> None:
    provider_sign_in(browser)
    response = signup(browser, code="AAAA-BBBB-CCCC")
    assert response.status_code == 200  # allauth's form view answers a bad form with 200
    html = response.content.decode()
    assert MISMATCH in html
    assert 'value="H700001"' in html
    assert not User.objects.filter(household=household).exists()
    assert AccountRequest.objects.get(household=household).failure
    # The form is still there: the right code now works.
    assert signup(browser, code=code.code).status_code == 302


def test_the_code_works_once(browser, household, code) -> None:
    provider_sign_in(browser)
    assert signup(browser, code=code.code).status_code == 302
    other = Client(REMOTE_ADDR="198.51.100.10", HTTP_ACCEPT_LANGUAGE="en")
    provider_sign_in(other, uid=4712, email="someone@example.net")
    response = signup(other, code=code.code, email="someone@example.net")
    assert MISMATCH in response.content.decode()  # "or the code no longer works"
    assert User.objects.filter(household=household).count() == 1


def test_tries_are_rate_limited_like_the_letter(browser, household, code) -> None:
    provider_sign_in(browser)
    for _ in range(5):
        signup(browser, code="AAAA-BBBB-CCCC")
    response = signup(browser, code=code.code)
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(household=household).exists()


def test_an_address_the_provider_did_not_vouch_for_is_confirmed_by_link(
    browser, household, code
) -> None:
    provider_sign_in(browser, verified=False)
    response = signup(browser, code=code.code)
    assert response.status_code == 403
    assert 'data-reason="unconfirmed"' in response.content.decode()
    user = User.objects.get(household=household)
    assert not EmailAddress.objects.get(user=user).verified
    message = OutboxMessage.objects.get(template="tenant.account_confirm")
    assert message.recipient == "de.boer@example.net"
    assert browser.get("/portal/").status_code == 302  # not signed in


def test_the_email_may_not_be_another_accounts_username(browser, household, code) -> None:
    UserFactory(username="de.boer@example.net")
    provider_sign_in(browser)
    response = signup(browser, code=code.code)
    assert "An account with this email address exists already" in response.content.decode()
    assert not User.objects.filter(household=household).exists()


def test_later_sign_ins_go_straight_in(browser, household, code) -> None:
    provider_sign_in(browser)
    signup(browser, code=code.code)
    browser.post("/portal/logout")
    assert browser.get("/portal/").status_code == 302
    response = provider_sign_in(browser)
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert browser.get("/portal/").status_code == 200


def test_a_blocked_tenant_cannot_sign_in_with_a_provider(browser, household, code) -> None:
    provider_sign_in(browser)
    signup(browser, code=code.code)
    browser.post("/portal/logout")
    User.objects.filter(household=household).update(blocked_at="2026-01-01T00:00:00Z")
    response = provider_sign_in(browser)
    assert response.status_code == 403
    assert 'data-reason="blocked"' in response.content.decode()
    assert browser.get("/portal/").status_code == 302


def test_staff_never_sign_in_with_a_provider(browser, organization) -> None:
    staff = UserFactory(username="kcc", role="agent", email="kcc@example.org")
    SocialAccount.objects.create(user=staff, provider="dummy", uid="900")
    response = provider_sign_in(browser, uid=900, email="kcc@example.org")
    assert response.status_code == 403
    assert 'data-reason="staff_with_provider"' in response.content.decode()
    assert browser.get("/backoffice/").status_code == 302


def test_no_account_is_joined_by_email_alone(browser, household, code) -> None:
    """A provider account with a tenant's address still has to prove the household."""
    provider_sign_in(browser)
    signup(browser, code=code.code)
    browser.post("/portal/logout")
    stranger = Client(REMOTE_ADDR="198.51.100.11", HTTP_ACCEPT_LANGUAGE="en")
    response = provider_sign_in(stranger, uid=9999, email="de.boer@example.net")
    assert response["Location"] == SIGNUP
    assert stranger.get("/portal/").status_code == 302


def test_a_tenant_without_password_is_told_how_to_choose_one(browser, household, code) -> None:
    provider_sign_in(browser)
    signup(browser, code=code.code)
    for page in ("/portal/account/password", "/portal/account/email"):
        html = browser.get(page).content.decode()
        assert 'data-testid="no-password-yet"' in html
        assert 'href="/portal/password/reset"' in html
