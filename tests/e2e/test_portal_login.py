"""A tenant signs in on the portal's own page — at desktop and phone size (SPEC ACC-6).

Contracts with the pages under test:
- /portal/login has the form ``#portal-login-form`` with fields ``login`` and
  ``password``, a "stay logged in" checkbox ``remember`` and a submit button;
- a wrong password keeps the username and shows allauth's mismatch message;
- after signing in with ``?next=/portal/account`` the account page shows the
  username.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import User
from meldpunt.accounts.tests.tenant_login_fixtures import make_tenant
from tests.e2e.accessibility import assert_accessible
from tests.factories import TEST_PASSWORD, OrganizationFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def tenant(live_server: LiveServer) -> User:
    OrganizationFactory()
    return make_tenant("fam.devries")


def login_form(page: Page) -> Locator:
    return page.locator("form#portal-login-form")


def sign_in(page: Page, username: str, password: str) -> None:
    form = login_form(page)
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def test_the_login_page_works_and_is_accessible(
    page: Page, live_server: LiveServer, tenant: User
) -> None:
    page.goto(f"{live_server.url}/portal/login")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    form = login_form(page)
    for name in ("login", "password"):
        expect(form.locator(f"input[name='{name}']")).to_be_visible()
    expect(form.locator("input[name='remember']")).to_be_visible()
    expect(page.locator("a[href='/portal/password/reset']")).to_be_visible()
    # Nothing sticks out sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    assert_accessible(page, "the portal login page")


def test_a_wrong_password_shows_an_error_and_keeps_the_username(
    page: Page, live_server: LiveServer, tenant: User
) -> None:
    page.goto(f"{live_server.url}/portal/login")
    sign_in(page, tenant.username, "niet het wachtwoord")
    expect(page).to_have_url(re.compile(r"/portal/login"))
    form = login_form(page)
    expect(form.locator("input[name='login']")).to_have_value(tenant.username)
    expect(form.locator("input[name='password']")).to_have_value("")
    language = page.locator("html").get_attribute("lang") or "nl"
    with translation.override(language):
        message = str(DefaultAccountAdapter.error_messages["username_password_mismatch"])
    expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page, "the portal login page with an error")


def test_a_tenant_signs_in_and_reaches_their_account(
    page: Page, live_server: LiveServer, tenant: User
) -> None:
    page.goto(f"{live_server.url}/portal/account")
    expect(page).to_have_url(re.compile(r"/portal/login\?next="))
    login_form(page).locator("input[name='remember']").check()
    sign_in(page, tenant.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/portal/account$"))
    expect(page.get_by_text(tenant.username).first).to_be_visible()
    assert_accessible(page, "the portal account page")
