"""A signed-in tenant requests a repair from the portal on a phone (360 px), finds it in
the maintenance list, and withdraws it (SPEC POR-7, INT-2, REP-12, REP-14). axe-core
checks the list, the wizard's first step inside the portal, and the withdraw page.

The tenant is signed in by a session made with Django's test client in the live
server's database; its cookie is handed to the browser (the login page itself is
another journey's subject).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.incidents.models import Incident, Phase
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.tests.conftest import repair_tree_build
from meldpunt.interactions.models import InteractionKind
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    ContractFactory,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def tenant_cookie(live_server: LiveServer) -> str:
    """The estate (flushed between live-server tests) and a signed-in tenant's session id."""
    OrganizationFactory()
    Phase.objects.get_or_create(
        code="new", defaults={"name_nl": "Nieuw", "name_en": "New", "is_initial": True}
    )
    Phase.objects.get_or_create(
        code="closed",
        defaults={"name_nl": "Gesloten", "name_en": "Closed", "ordering": 6, "is_closed": True},
    )
    for code in ("repair_request", "repair_changed", "repair_withdrawn"):
        InteractionKind.objects.get_or_create(code=code, defaults={"section": "maintenance"})
    repair_tree_build()
    unit = UnitFactory(
        street="Merelstraat", house_number=12, house_number_addition="A", city="Utrecht"
    )
    household = HouseholdFactory(name="Fam. Yılmaz", email="yilmaz@example.net")
    ContractFactory(household=household, unit=unit)
    tenant = UserFactory(role="", household=household, email=household.email)
    client = Client()
    client.force_login(tenant)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def phone_page(browser: Browser, live_server: LiveServer, cookie: str) -> Page:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="en-GB", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context.new_page()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def option(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("repair-options").get_by_role("button", name=name, exact=True)


def test_a_tenant_requests_a_repair_in_the_portal_and_withdraws_it(
    browser: Browser, live_server: LiveServer, tenant_cookie: str
) -> None:
    page = phone_page(browser, live_server, tenant_cookie)
    try:
        # The first page of a fresh live server may take a while on a busy machine.
        page.goto(f"{live_server.url}/portal/maintenance", timeout=30_000)
        expect(page.get_by_role("heading", level=1)).to_have_text("Maintenance")
        expect(page.get_by_test_id("open-requests")).to_contain_text("no open repair requests")
        fits_the_phone(page)
        assert_accessible(page, "the empty maintenance page")

        page.get_by_test_id("new-repair-request").click()
        expect(page.locator("h1#step-heading")).to_have_text("Request a repair")
        expect(page.get_by_test_id("back-to-portal")).to_be_visible()
        page.get_by_test_id("repair-start").click()

        # One home without common areas: the wizard starts at the defect.
        expect(page.locator("h1#step-heading")).to_contain_text("Step 2 of 7")
        fits_the_phone(page)
        assert_accessible(page, "the wizard's defect step in the portal")
        option(page, "Kitchen").click()
        option(page, "Tap").click()
        option(page, "Stiff").click()
        expect(page.get_by_test_id("repair-result")).to_contain_text("Kitchen › Tap")
        page.get_by_test_id("repair-continue").click()

        expect(page.locator("h1#step-heading")).to_contain_text("Step 3 of 7")
        page.get_by_label("I agree to pay these costs.").check()
        page.get_by_test_id("repair-next").click()

        expect(page.locator("h1#step-heading")).to_contain_text("Step 4 of 7")
        page.get_by_label("Anything else we should know?").fill("De kraan draait zwaar.")
        page.get_by_test_id("repair-next").click()

        expect(page.locator("h1#step-heading")).to_contain_text("Step 5 of 7")
        # Prefilled from the household: nothing to type.
        expect(page.get_by_label("Email address")).to_have_value("yilmaz@example.net")
        page.get_by_test_id("repair-next").click()

        expect(page.locator("h1#step-heading")).to_contain_text("Step 6 of 7")
        page.get_by_test_id("send-request").click()
        expect(page.get_by_test_id("repair-done")).to_be_visible()
        incident = Incident.objects.get()

        page.get_by_test_id("back-to-portal").click()
        requests = page.get_by_test_id("repair-request")
        expect(requests).to_have_count(1)
        requests.first.locator("summary").click()
        expect(requests.first.get_by_test_id("request-number")).to_have_text(str(incident.pk))
        expect(requests.first).to_contain_text("De kraan draait zwaar.")
        fits_the_phone(page)
        assert_accessible(page, "the list with the open request")

        requests.first.get_by_test_id("withdraw-request").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your repair request")
        assert_accessible(page, "the withdraw page")
        page.get_by_label("I solved it myself").check()
        page.get_by_label("Explanation").fill("Met wat olie ging het weer.")
        fits_the_phone(page)
        page.get_by_test_id("confirm-withdraw").click()

        expect(page.locator(".alert--success")).to_contain_text("withdrawn")
        expect(page.get_by_test_id("open-requests")).to_contain_text("no open repair requests")
        closed = page.get_by_test_id("closed-requests").get_by_test_id("repair-request")
        expect(closed).to_have_count(1)
        expect(closed.first).to_contain_text("Withdrawn")
        incident.refresh_from_db()
        assert not incident.is_open
        assert RepairRequest.objects.get().household is not None
    finally:
        page.context.close()
