"""A signed-in tenant changes their phone number in "My details", on a phone (360 px)
and on a desktop; home and my details pass axe-core (SPEC POR-1, POR-4, POR-14, C-2).

The tenant is signed in by handing the browser a session cookie (the login page
has its own journey). Contracts with the pages under test: quick links carry
``data-testid=quick-link-<key>``, the phone page's form ``data-testid=phone-form``
with ``save-phone``; my details shows the number in ``household-phone``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.interactions.models import Interaction, InteractionKind
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Household
from meldpunt.portal.tests.mine_helpers import make_tenant
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    TEST_PASSWORD,
    HouseholdFactory,
    HouseholdRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UnitFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def household(live_server: LiveServer) -> Household:
    # Live-server tests empty the database between tests, shipped rows included.
    OrganizationFactory(welcome_text="Welkom in **uw** portaal.")
    InteractionKind.objects.get_or_create(
        code="contact_changed", defaults={"section": "details", "ordering": 60}
    )
    household = HouseholdFactory(name="Fam. Smit", phone="+31612345678", email="smit@example.net")
    main = HouseholdRoleFactory(code="main-tenant", name="Hoofdhuurder", ordering=10)
    child = HouseholdRoleFactory(
        code="child", name="Inwonend kind", usable_in_portal=True, ordering=40
    )
    PersonFactory(household=household, role=main, initials="M.", surname="Smit")
    PersonFactory(household=household, role=child, initials="L.", surname="Smit")
    return household


def _sign_in(page: Page, live_server: LiveServer, household: Household) -> None:
    client = Client()
    client.force_login(make_tenant(household))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _fits(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    if width == VIEWPORTS["phone"]["width"]:
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_tenant_changes_their_phone_number(
    page: Page, live_server: LiveServer, household: Household
) -> None:
    _sign_in(page, live_server, household)

    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("h1")).to_contain_text("Fam. Smit")
    expect(page.get_by_test_id("portal-welcome")).to_contain_text("Welkom in uw portaal.")
    _fits(page)
    assert_accessible(page, "the portal home")

    page.get_by_test_id("quick-link-details").click()
    expect(page).to_have_url(f"{live_server.url}/portal/details")
    expect(page.get_by_test_id("household-phone")).to_have_text("06 12345678")
    expect(page.get_by_test_id("persons").locator("li")).to_have_count(2)
    _fits(page)
    assert_accessible(page, "my details")

    page.get_by_test_id("change-phone").click()
    form = page.get_by_test_id("phone-form")
    phone = form.locator("input[name=phone]")
    # A wrong password: the error summary names it and the typed number stays.
    phone.fill("06-87654321")
    form.locator("input[name=password]").fill("not my password")
    page.get_by_test_id("save-phone").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(form.locator("input[name=phone]")).to_have_value("06-87654321")
    _fits(page)
    assert_accessible(page, "the phone form with an error")

    form.locator("input[name=password]").fill(TEST_PASSWORD)
    page.get_by_test_id("save-phone").click()
    expect(page).to_have_url(f"{live_server.url}/portal/details")
    expect(page.get_by_test_id("household-phone")).to_have_text("06 87654321")
    expect(page.locator(".alert--success")).to_be_visible()

    household.refresh_from_db()
    assert household.phone == "+31687654321"
    message = OutboxMessage.objects.get(template="tenant.phone_changed")
    assert message.recipient == "smit@example.net"
    assert message.context["new_phone"] == "06 87654321"
    assert Interaction.objects.filter(household=household, kind__code="contact_changed").exists()


def test_the_address_lookup_fills_street_and_city_and_the_pages_are_accessible(
    desktop_page: Page, live_server: LiveServer, household: Household
) -> None:
    InteractionKind.objects.get_or_create(
        code="address_changed", defaults={"section": "details", "ordering": 70}
    )
    InteractionKind.objects.get_or_create(
        code="other_action",
        defaults={"section": "actions", "portal_action": True, "ordering": 110},
    )
    UnitFactory(street="Merelstraat", house_number=12, postcode="3512AB", city="Amersfoort")
    page = desktop_page
    _sign_in(page, live_server, household)

    page.goto(f"{live_server.url}/portal/details/address")
    assert_accessible(page, "the address form")
    page.locator("input[name=street]").fill("")
    page.locator("input[name=city]").fill("")
    page.locator("input[name=postcode]").fill("3512 ab")
    page.locator("input[name=house_number]").fill("12")
    page.locator("input[name=house_number_addition]").focus()  # "change" fires: htmx looks up
    expect(page.locator("input[name=street]")).to_have_value("Merelstraat")
    expect(page.locator("input[name=city]")).to_have_value("Amersfoort")
    expect(page.get_by_test_id("lookup-status")).to_contain_text("Merelstraat")
    page.get_by_test_id("save-address").click()
    expect(page.get_by_test_id("household-address")).to_contain_text("Merelstraat 12")
    assert OutboxMessage.objects.filter(template="tenant.address_changed").count() == 1

    page.goto(f"{live_server.url}/portal/timeline")
    expect(page.get_by_test_id("timeline-item")).to_have_count(1)
    page.locator("summary").first.click()
    expect(page.locator(".portal-timeline__text").first).to_contain_text("Merelstraat")
    assert_accessible(page, "the timeline")

    page.goto(f"{live_server.url}/portal/actions")
    assert_accessible(page, "the actions page")
    page.get_by_test_id("send-action").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert_accessible(page, "the actions page with errors")
