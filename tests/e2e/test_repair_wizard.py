"""A tenant requests a repair on a phone (360 px) through the anonymous wizard at
/repairment: identifies the home by postcode and house number, searches "kraan", reaches
the leaking-tap repair of the shipped question tree, reads the tips and goes on, adds two
photos, fills in contact details, sends, picks a preferred date and finds the
confirmation with the personal link in the local outbox. axe-core checks every step.
With anonymous requests switched off, /repairment says so politely.

Contracts with the pages under test:
- every step has one ``h1#step-heading``; options are buttons in ``[data-testid=repair-options]``;
- the search field is labelled "Search, for example …", the tip form has
  ``[data-testid=repair-continue]`` ("No, continue with my request");
- the summary's send button is ``[data-testid=send-request]``, the done page shows
  the request number in ``[data-testid=request-reference]``.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.common.actors import Actor
from meldpunt.incidents.models import Incident, Phase, SubIncident
from meldpunt.intake import repair_tree as repair_tree_module
from meldpunt.intake.models import RepairRequest, RepairSettings
from meldpunt.intake.repair_tree_io import repair_tree_load_shipped
from meldpunt.notifications.models import OutboxMessage
from meldpunt.organization.calendar import closed_days_between
from meldpunt.organization.models import Organization
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    ContractElementFactory,
    ContractFactory,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
)

pytestmark = pytest.mark.e2e

# The contract elements the shipped tree's templates name (see intake/content/FORMAT.md).
SHIPPED_ELEMENTS = (
    "net-rent",
    "service-costs",
    "cleaning",
    "heating-advance",
    "tenant-maintenance",
    "glass-insurance",
)


@pytest.fixture
def estate(live_server: LiveServer) -> None:
    # Live-server tests empty the database between tests, shipped rows included.
    OrganizationFactory()
    Phase.objects.get_or_create(
        code="new", defaults={"name_nl": "Nieuw", "name_en": "New", "is_initial": True}
    )
    Phase.objects.get_or_create(
        code="resolved",
        defaults={"name_nl": "Opgelost", "name_en": "Resolved", "ordering": 5, "is_closed": True},
    )
    for code in SHIPPED_ELEMENTS:
        ContractElementFactory(code=code, name=code)
    # Frozen trees are cached per process by tree id and revision, and ids come back
    # after the flush: start from an empty cache.
    repair_tree_module._CACHE.clear()
    repair_tree_load_shipped(actor=Actor.system("e2e"))
    unit = UnitFactory(
        street="Merelstraat",
        house_number=12,
        house_number_addition="A",
        postcode="3521KL",
        city="Utrecht",
    )
    household = HouseholdFactory(name="Fam. Yılmaz", tenant_number="H700123")
    ContractFactory(household=household, unit=unit)


def photo(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = tmp_path / name
    Image.new("RGB", (1600, 1200), colour).save(path, format="JPEG")
    return path


def phone_page(browser: Browser) -> Page:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]


def heading(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("h1#step-heading")


def option(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("repair-options").get_by_role("button", name=name, exact=True)


def a_working_day_ahead(days: int) -> str:
    organization = Organization.objects.get()
    day = timezone.localdate() + timedelta(days=days)
    closed = closed_days_between(organization, day, day + timedelta(days=14))
    while day in closed:
        day += timedelta(days=1)
    return day.isoformat()


def test_a_tenant_requests_a_leaking_tap_repair_on_a_phone(
    browser: Browser, live_server: LiveServer, estate: None, tmp_path: Path
) -> None:
    RepairSettings.objects.update_or_create(singleton=True, defaults={"anonymous_enabled": True})
    page = phone_page(browser)
    timings: list[tuple[str, float]] = []
    started = last = time.monotonic()

    def lap(step: str) -> None:
        nonlocal last
        now = time.monotonic()
        timings.append((step, now - last))
        last = now

    try:
        page.goto(f"{live_server.url}/repairment?lang=en")
        expect(heading(page)).to_have_text("Request a repair")
        expect(page.get_by_test_id("urgent-phone")).to_contain_text("0800 123456")
        fits_the_phone(page)
        assert_accessible(page, "the intro")
        page.get_by_test_id("repair-start").click()
        lap("intro → start")

        expect(heading(page)).to_contain_text("Step 1 of 7")
        expect(page.locator("[aria-current=step]")).to_contain_text("Where")
        assert_accessible(page, "step 1, the home")
        page.get_by_label("Postcode").fill("3521 kl")
        page.get_by_label("House number").fill("12")
        page.get_by_label("Addition (if any)").fill("a")
        page.get_by_test_id("repair-identify").click()
        lap("step 1: identify the home")

        # No common areas: straight on to the defect.
        expect(heading(page)).to_contain_text("Step 2 of 7")
        fits_the_phone(page)
        assert_accessible(page, "step 2, the rooms")
        search = page.get_by_label(re.compile("^Search, for example"))
        search.fill("kraan")
        # Live search (htmx): the rooms without a tap disappear without a page load.
        expect(option(page, "Kitchen")).to_be_visible()
        expect(option(page, "Living room")).to_have_count(0)
        expect(search).to_be_focused()
        lap("step 2: search")
        option(page, "Kitchen").click()
        # One element with a tap in the kitchen: passed through to the kinds of tap.
        expect(page.locator("nav.repair-crumbs")).to_contain_text("Tap")
        expect(page.locator("#level-question")).to_be_focused()
        option(page, "Mixer tap").click()
        option(page, "Leaking").click()
        lap("step 2: choose down to the defect")

        expect(page.get_by_test_id("repair-result")).to_contain_text("Kitchen › Tap › Mixer tap")
        tips = page.get_by_test_id("repair-tips")
        expect(tips).to_contain_text("Replacing a tap washer")
        expect(tips.locator("strong").first).to_be_visible()
        fits_the_phone(page)
        assert_accessible(page, "step 2, the repair with its tips")
        page.get_by_test_id("repair-continue").click()
        lap("step 2: read the tips, go on")

        expect(heading(page)).to_contain_text("Step 3 of 7")
        expect(page.get_by_test_id("no-costs")).to_be_visible()
        assert_accessible(page, "step 3, the costs")
        page.get_by_test_id("repair-next").click()
        lap("step 3: costs")

        expect(heading(page)).to_contain_text("Step 4 of 7")
        page.locator("input[name='photos']").set_input_files(
            [
                photo(tmp_path, "kraan.jpg", (40, 110, 170)),
                photo(tmp_path, "kastje.jpg", (170, 90, 40)),
            ]
        )
        page.get_by_test_id("add-photos").click()
        expect(page.get_by_test_id("kept-photos").locator("li")).to_have_count(2)
        page.get_by_label("Anything else we should know?").fill("Het druppelt al een week.")
        fits_the_phone(page)
        assert_accessible(page, "step 4, with two photos")
        page.get_by_test_id("repair-next").click()
        lap("step 4: two photos and a description")

        expect(heading(page)).to_contain_text("Step 5 of 7")
        page.get_by_label("Your name").fill("Ayşe Yılmaz")
        page.get_by_label("Email address").fill("ayse@example.net")
        page.get_by_label("Phone number").fill("06 12345678")
        assert_accessible(page, "step 5, contact")
        page.get_by_test_id("repair-next").click()
        lap("step 5: contact")

        expect(heading(page)).to_contain_text("Step 6 of 7")
        summary = page.get_by_test_id("repair-summary")
        expect(summary).to_contain_text("Merelstraat 12-A, Utrecht")
        expect(summary).to_contain_text("Het druppelt al een week.")
        expect(summary.locator("img")).to_have_count(2)
        fits_the_phone(page)
        assert_accessible(page, "step 6, the summary")
        page.get_by_test_id("send-request").click()
        lap("step 6: send")

        expect(heading(page)).to_contain_text("Step 7 of 7")
        incident = Incident.objects.get()
        expect(page.locator("main")).to_contain_text(f"Your request number is {incident.pk}")
        # The earlier steps can no longer be opened from the step bar.
        expect(page.locator("nav.repair-steps a")).to_have_count(0)
        assert_accessible(page, "step 7, the preferred date")
        page.get_by_label("Preferred date").fill(a_working_day_ahead(5))
        page.get_by_label("10:00–12:00").check()
        page.get_by_test_id("save-preference").click()
        lap("step 7: preferred date")

        expect(page.get_by_test_id("request-reference")).to_have_text(str(incident.pk))
        expect(page.get_by_test_id("preferred-date")).to_contain_text("10:00–12:00")
        fits_the_phone(page)
        assert_accessible(page, "the done page")
        total = time.monotonic() - started

        request = RepairRequest.objects.get()
        assert request.template_code == "tap-leaking"
        assert request.incident == incident and request.preferred_part == "10-12"
        assert incident.source == Incident.Source.WIZARD
        assert incident.attachments.count() == 2
        assert SubIncident.objects.filter(incident=incident, contact__isnull=True).count() == 1

        email = OutboxMessage.objects.get(template="tenant.report_received", channel="email")
        assert email.recipient == "ayse@example.net"
        assert OutboxMessage.objects.filter(
            template="tenant.report_received", channel="sms"
        ).exists()
        found = re.search(r"https?://\S+/m/[\w-]+/", email.body_text or "") or re.search(
            r"https?://\S+/m/[\w-]+/", email.context.get("link", "")
        )
        assert found, email.body_text
        response = page.goto(live_server.url + urlsplit(found.group(0)).path + "?lang=en")
        assert response is not None and response.status == 200
        expect(page.locator("main")).to_contain_text("Kitchen › Tap › Mixer tap › Leaking")

        print("\nRepair wizard journey at 360 px (seconds per step):")
        for step, seconds in timings:
            print(f"  {step:<42} {seconds:5.2f}")
        print(f"  {'total (incl. axe checks)':<42} {total:5.2f}")
        assert total < 120
    finally:
        page.context.close()


def test_with_anonymous_requests_off_repairment_says_so_politely(
    browser: Browser, live_server: LiveServer, estate: None
) -> None:
    page = phone_page(browser)
    try:
        response = page.goto(f"{live_server.url}/repairment?lang=en")
        assert response is not None and response.status == 200
        expect(page.get_by_test_id("repair-off")).to_contain_text(
            "Repair requests without logging in are not possible."
        )
        expect(page.get_by_test_id("repair-off")).to_contain_text("020 123 4567")
        expect(page.get_by_test_id("repair-start")).to_have_count(0)
        fits_the_phone(page)
        assert_accessible(page, "the switched-off wizard")
    finally:
        page.context.close()
