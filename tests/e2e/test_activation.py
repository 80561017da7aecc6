"""A tenant makes a portal account from the two letters (SPEC ACC-1, ACC-2), on a desktop
and on a 360 px phone: tenant number + the code from the code letter → username, password
and email → the confirmation link from the outbox → "your account works" → sign in.
axe-core checks the activation page, the details page and the confirmation pages.

Contracts with the pages under test:
- /portal/activate has fields ``tenant_number`` and ``code``; a mismatch shows
  ``[data-testid=activation-mismatch]``;
- /portal/activate/details has ``username``, ``password1``, ``password2``, ``email1``, ``email2``;
- the confirmation page's POST shows ``[data-testid=account-works]``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.activation import activation_code_generate
from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.interactions.models import InteractionKind
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import AccountStatus, Household
from tests.e2e.accessibility import assert_accessible
from tests.factories import HouseholdFactory, OrganizationFactory

pytestmark = pytest.mark.e2e

PASSWORD = "zomerse wandeling 2026"


@pytest.fixture
def household(live_server: LiveServer) -> Household:
    cache.clear()  # the activation rate limits live in the cache
    OrganizationFactory()
    return HouseholdFactory(tenant_number="H700001", email="de.vries@example.net")


def _login_url() -> str | None:
    try:
        return reverse("portal:login")
    except NoReverseMatch:
        return None


def test_from_the_letters_to_a_working_account(
    page: Page, live_server: LiveServer, household: Household
) -> None:
    code = activation_code_generate(actor=Actor.system("e2e"), household=household)

    page.goto(f"{live_server.url}/portal/activate")
    assert_accessible(page, "the activation page")
    # A typo first: the page says to check both values and keeps the number.
    page.fill("input[name=tenant_number]", "H700001")
    page.fill("input[name=code]", "AAAA-BBBB-CCCC")
    page.locator("form.stack-form button[type=submit]").click()
    expect(page.get_by_test_id("activation-mismatch")).to_be_visible()
    expect(page.locator("input[name=tenant_number]")).to_have_value("H700001")
    assert_accessible(page, "the activation page with a mismatch")

    # Typed as a tenant would: lower case, spaces instead of dashes.
    page.fill("input[name=code]", code.code.lower().replace("-", " "))
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/portal/activate/details")
    assert code.code not in page.url
    expect(page.locator("input[name=email1]")).to_have_value("de.vries@example.net")
    assert_accessible(page, "the details page")

    page.fill("input[name=username]", "de.vries")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=email2]", "de.vries@example.net")
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url("**/portal/activate/sent")
    expect(page.get_by_test_id("activation-sent")).to_contain_text("de.vries@example.net")

    message = OutboxMessage.objects.get(template="tenant.account_confirm")
    path = urlsplit(message.context["link"]).path
    page.goto(f"{live_server.url}{path}")
    assert_accessible(page, "the confirmation page")
    page.locator("form.stack-form button[type=submit]").click()
    expect(page.get_by_test_id("account-works")).to_be_visible()
    assert_accessible(page, "the account-works page")

    user = User.objects.get(username="de.vries")
    household.refresh_from_db()
    assert household.account_status == AccountStatus.CONFIRMED
    assert user.household == household

    login_url = _login_url()
    if login_url is None:
        return
    page.locator(f".form-actions a[href='{login_url}']").click()
    page.wait_for_url(f"**{login_url}*")
    page.fill("input[name=login]", "de.vries")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("portal-login-submit").click()
    # Signed in: the portal's home page, as the new tenant.
    page.wait_for_url(f"**{reverse('portal:home')}")
    expect(page.locator("main h1")).to_be_visible()


def test_lost_letter_page_is_accessible(page: Page, live_server: LiveServer, household) -> None:
    # Live-server tests empty the database between tests, shipped rows included.
    InteractionKind.objects.get_or_create(
        code="code_requested", defaults={"section": "account", "creates_task": True}
    )
    page.goto(f"{live_server.url}/portal/lost-letter")
    assert_accessible(page, "the lost-letter page")
    page.fill("input[name=tenant_number]", "H700001")
    page.locator("form.stack-form button[type=submit]").click()
    expect(page.get_by_test_id("lost-letter-sent")).to_be_visible()
