"""An agent views the portal as a tenant (SPEC ADM-KCC, A-8, INC-16).

The agent signs in on the staff login, opens the household's record, re-enters
their own password in the account panel, lands on the portal with the view-as
banner, changes the tenant's phone number, and stops. An administrator then
sees the session and the change on the view-as sessions page.

Contracts with the pages under test:
- a household's record has ``[data-testid=account-panel]`` with
  ``[data-testid=no-account]`` (no portal account yet), a password field and
  ``[data-testid=view-as-start]``;
- the portal shows ``[data-testid=view-as-banner]`` with
  ``[data-testid=view-as-end]``; ``/portal/details/phone`` has the phone form
  ``[data-testid=phone-form]`` (no password asked while viewing as);
- ``/backoffice/accounts/view-as/sessions/`` lists sessions in ``#view-as-table``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import StaffRole, ViewAsSession
from meldpunt.common.models import AuditEvent
from meldpunt.interactions.models import InteractionKind, ShippedKind
from meldpunt.people.models import Household
from tests.e2e.accessibility import assert_accessible
from tests.factories import TEST_PASSWORD, HouseholdFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def household(live_server: LiveServer) -> Household:
    OrganizationFactory()
    # Live-server tests empty the database between tests, shipped rows included.
    InteractionKind.objects.get_or_create(
        code=ShippedKind.CONTACT_CHANGED, defaults={"section": "details", "show_in_portal": True}
    )
    UserFactory(username="kim.kcc", role=StaffRole.AGENT)
    UserFactory(username="ada.admin", role=StaffRole.ADMIN)
    return HouseholdFactory(name="Fam. Bakker", tenant_number="H515151", phone="+31612345678")


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_an_agent_views_as_a_tenant_changes_the_phone_and_an_admin_sees_it(
    page: Page, browser: Browser, live_server: LiveServer, household: Household
) -> None:
    record = f"{live_server.url}/backoffice/households/{household.public_id}/"
    page.goto(record)
    sign_in(page, "kim.kcc")
    expect(page).to_have_url(re.compile(re.escape(household.public_id)))
    panel = page.locator("[data-testid='account-panel']")
    expect(panel.locator("[data-testid='no-account']")).to_be_visible()

    # A wrong password: a clear message, no session.
    panel.locator("input[name='password']").fill("niet mijn wachtwoord")
    with page.expect_navigation():
        panel.locator("[data-testid='view-as-start']").click()
    expect(page.locator(".field__errors")).to_be_visible()
    assert_accessible(page, "the view-as password page with an error")
    assert not ViewAsSession.objects.exists()

    # The right password: the portal as the tenant, with the banner.
    page.locator("input[name='password']").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("[data-testid='view-as-start']").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    banner = page.locator("[data-testid='view-as-banner']")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("H515151")

    # The agent changes the phone number; no password is asked.
    page.goto(f"{live_server.url}/portal/details/phone")
    form = page.locator("[data-testid='phone-form']")
    expect(page.locator("[data-testid='agent-no-password']")).to_be_visible()
    form.locator("input[name='phone']").fill("06 87654321")
    with page.expect_navigation():
        form.locator("[data-testid='save-phone']").click()
    household.refresh_from_db()
    assert household.phone == "+31687654321"

    # Stop: back on the household's record, the portal no longer serves.
    with page.expect_navigation():
        page.locator("[data-testid='view-as-end']").click()
    expect(page).to_have_url(re.compile(re.escape(household.public_id)))
    session = ViewAsSession.objects.get()
    assert session.ended_at is not None
    assert AuditEvent.objects.filter(verb="tenant.viewed_by_agent").count() >= 2

    # An administrator sees who, whom, when and what changed.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 800})
    admin = context.new_page()
    admin.goto(f"{live_server.url}/backoffice/accounts/view-as/sessions/")
    sign_in(admin, "ada.admin")
    table = admin.locator("#view-as-table")
    expect(table).to_contain_text("kim.kcc")
    expect(table).to_contain_text("H515151")
    expect(table).to_contain_text("+31687654321")
    assert_accessible(admin, "the view-as sessions page")
    context.close()


def test_the_account_pages_are_accessible(
    desktop_page: Page, live_server: LiveServer, household: Household
) -> None:
    from allauth.account.models import EmailAddress

    from meldpunt.accounts.models import AccountRequest

    tenant = UserFactory(username="fam.bakker", role="", household=household)
    EmailAddress.objects.create(user=tenant, email=tenant.email, primary=True, verified=False)
    AccountRequest.objects.create(
        household=household,
        user=tenant,
        tenant_number=household.tenant_number,
        tenant_number_at=tenant.date_joined,
        identified_at=tenant.date_joined,
    )
    page = desktop_page
    page.goto(f"{live_server.url}/backoffice/accounts/")
    sign_in(page, "ada.admin")
    expect(page.locator("#account-table")).to_contain_text("fam.bakker")
    assert_accessible(page, "the account list")
    with page.expect_navigation():
        page.get_by_role("link", name="fam.bakker").click()
    expect(page.locator("#account-facts")).to_contain_text("H515151")
    assert_accessible(page, "an account's page")
    page.goto(f"{live_server.url}/backoffice/accounts/requests/")
    expect(page.locator("#request-table")).to_contain_text("H515151")
    assert_accessible(page, "the account requests")
    page.goto(f"{live_server.url}/backoffice/accounts/new/")
    assert_accessible(page, "the new staff account form")
