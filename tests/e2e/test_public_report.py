"""A tenant reports a leak with a photo on a phone (360 px) in under a minute, sees the
confirmation, and the link in the confirmation email opens their report. A second
journey sends two photos, replies through the link and checks that staff see the
photos and the reply in the inbox.

Contracts with the pages under test:
- ``/incident`` has category radios ``category``, fields ``postcode``,
  ``house_number``, ``addition``, ``description``, ``photos``, ``name``,
  ``email``, ``phone`` and a ``[data-testid=send-report]`` button;
- the confirmation page shows the reference in ``[data-testid=report-reference]``;
- the report page ``/m/r/<token>/`` shows the status in ``[data-testid=report-status]``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import StaffRole
from meldpunt.incidents.models import Category, InboxReport
from meldpunt.notifications.models import OutboxMessage
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    TEST_PASSWORD,
    ContractFactory,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def home(live_server: LiveServer) -> None:
    # Live-server tests empty the database between tests, shipped rows included.
    OrganizationFactory()
    Category.objects.get_or_create(
        name_nl="Reparatie", defaults={"name_en": "Repair", "ordering": 1}
    )
    Category.objects.create(
        name_nl="Daklekkage",
        help_nl="Water door het dak? Zet er een emmer onder en bel ons.",
        ordering=0,
    )
    unit = UnitFactory(
        street="Merelstraat",
        house_number=12,
        house_number_addition="A",
        postcode="3521KL",
        city="Utrecht",
    )
    household = HouseholdFactory(name="Fam. Yılmaz", tenant_number="H700123")
    ContractFactory(household=household, unit=unit)


def photo(
    tmp_path: Path, name: str = "lekkage.jpg", colour: tuple[int, int, int] = (40, 110, 170)
) -> Path:
    path = tmp_path / name
    Image.new("RGB", (800, 600), colour).save(path, format="JPEG")
    return path


def phone_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    return context


def emailed_link_path() -> str:
    """The path of the personal link in the confirmation email in the local outbox."""
    email = OutboxMessage.objects.get(template="tenant.inbox_report_received", channel="email")
    found = re.search(r"https?://\S+/m/r/[\w-]+/", email.body_text)
    assert found, email.body_text
    return urlsplit(found.group(0)).path


def test_a_tenant_reports_a_leak_with_a_photo_and_follows_the_emailed_link(
    browser: Browser, live_server: LiveServer, home: None, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        started = time.monotonic()
        page.goto(live_server.url + "/")
        page.get_by_test_id("report-button").click()
        expect(page).to_have_url(re.compile(r"/incident$"))
        # The tenant reads English: the language links switch the page.
        page.get_by_role("navigation", name=re.compile("Language|Taal")).get_by_role(
            "link", name="English"
        ).click()
        expect(page).to_have_url(re.compile(r"/incident\?lang=en$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem")
        # A category without an English help text shows the Dutch one.
        expect(page.locator("main")).to_contain_text("Zet er een emmer onder en bel ons.")
        # Nothing sticks out sideways on a 360 px phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page, "the report form")

        page.get_by_role("radio", name=re.compile("^Repair")).check()
        page.get_by_label("Postcode").fill("3521 kl")
        page.get_by_label("House number").fill("12")
        page.get_by_label("Addition (if any)").fill("a")
        page.get_by_label("Addition (if any)").blur()
        # With JavaScript the address is checked as soon as it is typed.
        expect(page.locator("#address-check")).to_contain_text("Found: Merelstraat 12-A, Utrecht")
        page.get_by_label("Describe the problem").fill(
            "Lekkage onder het aanrecht, het druppelt sinds gisteren."
        )
        page.locator("input[name='photos']").set_input_files(photo(tmp_path))
        page.get_by_label("Your name").fill("Ayşe Yılmaz")
        page.get_by_label("Email address").fill("ayse@example.net")
        page.get_by_label("Phone number").fill("06 12345678")
        page.get_by_test_id("send-report").click()

        expect(page).to_have_url(re.compile(r"/incident/sent\?lang=en$"))
        reference = page.get_by_test_id("report-reference")
        expect(reference).to_have_text(re.compile(r"^R-\d{6}$"))
        assert time.monotonic() - started < 60
        assert_accessible(page, "the confirmation page")

        report = InboxReport.objects.get()
        assert reference.inner_text() == f"R-{report.pk:06d}"
        assert report.attachments.count() == 1

        email = OutboxMessage.objects.get(template="tenant.inbox_report_received", channel="email")
        assert email.status == OutboxMessage.Status.SENT
        assert OutboxMessage.objects.filter(
            template="tenant.inbox_report_received", channel="sms"
        ).exists()
        found = re.search(r"https?://\S+/m/r/[\w-]+/", email.body_text)
        assert found, email.body_text
        link_path = urlsplit(found.group(0)).path

        response = page.goto(live_server.url + link_path)
        assert response is not None and response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        page.goto(live_server.url + link_path + "?lang=en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkage onder het aanrecht")
        expect(page.get_by_test_id("report-status")).to_be_visible()
        expect(page.locator("img.attachment__thumb")).to_have_count(1)
        assert_accessible(page, "the report link page")

        page.get_by_label("Your reply").fill("Het wordt erger, de kast is nat.")
        page.locator("#reply button[type='submit']").click()
        expect(page.locator("[data-testid='report-description']")).to_contain_text("de kast is nat")
    finally:
        context.close()


def test_the_form_shows_errors_next_to_the_fields_in_english(
    browser: Browser, live_server: LiveServer, home: None
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="nl-NL")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("portal:report_form") + "?lang=en")
        page.get_by_label("Your name").fill("Ayşe")
        page.get_by_test_id("send-report").click()
        expect(page.get_by_test_id("error-summary")).to_be_visible()
        expect(page.locator("#id_description_error")).to_have_text(
            "Describe the problem in a few words."
        )
        expect(page.get_by_label("Your name")).to_have_value("Ayşe")
        assert_accessible(page, "the report form with errors")
    finally:
        context.close()


def test_a_tenant_sends_two_photos_replies_through_the_link_and_staff_see_it_all(
    browser: Browser, live_server: LiveServer, home: None, tmp_path: Path
) -> None:
    staff = UserFactory(username="kcc-medewerker", role=StaffRole.AGENT)
    photos = [
        photo(tmp_path, "lekkage-plafond.jpg", (40, 110, 170)),
        photo(tmp_path, "lekkage-kast.jpg", (170, 90, 40)),
    ]
    reply = "Vanochtend is ook de kast onder het aanrecht nat geworden."
    tenant = phone_context(browser)
    office = phone_context(browser)
    try:
        page = tenant.new_page()
        page.goto(live_server.url + reverse("portal:report_form") + "?lang=en")
        page.get_by_role("radio", name=re.compile("^Repair")).check()
        page.get_by_label("Postcode").fill("3521KL")
        page.get_by_label("House number").fill("12")
        page.get_by_label("Addition (if any)").fill("A")
        page.get_by_label("Describe the problem").fill(
            "Lekkage bij het plafond van de keuken, het druppelt op de kast."
        )
        page.locator("input[name='photos']").set_input_files(photos)
        page.get_by_label("Your name").fill("Ayşe Yılmaz")
        page.get_by_label("Email address").fill("ayse@example.net")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.get_by_test_id("send-report").click()
        expect(page).to_have_url(re.compile(r"/incident/sent\?lang=en$"))
        expect(page.get_by_test_id("report-reference")).to_have_text(re.compile(r"^R-\d{6}$"))

        report = InboxReport.objects.get()
        assert sorted(report.attachments.values_list("original_name", flat=True)) == [
            "lekkage-kast.jpg",
            "lekkage-plafond.jpg",
        ]

        # The link in the confirmation email (the local outbox) shows both photos.
        link_path = emailed_link_path()
        page.goto(live_server.url + link_path + "?lang=en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkage bij het plafond")
        thumbs = page.locator("img.attachment__thumb")
        expect(thumbs).to_have_count(2)
        for index in range(2):
            # Each thumbnail really loads (a broken image has no natural width).
            expect(thumbs.nth(index)).to_have_js_property("complete", True)
            assert thumbs.nth(index).evaluate("img => img.naturalWidth") > 0
        assert sorted(page.locator(".attachment__name").all_inner_texts()) == [
            "lekkage-kast.jpg",
            "lekkage-plafond.jpg",
        ]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(page, "the report link page with two photos")

        page.get_by_label("Your reply").fill(reply)
        page.locator("#reply button[type='submit']").click()
        expect(page).to_have_url(re.compile(r"/m/r/[\w-]+/\?lang=en#reply$"))
        expect(page.get_by_text("Thank you. We added this to your report.")).to_be_visible()
        expect(page.get_by_test_id("report-description")).to_contain_text(reply)
        expect(page.locator("img.attachment__thumb")).to_have_count(2)
        assert_accessible(page, "the report link page after a reply")

        # Staff see the reply and both photos on the report in the inbox.
        staff_page = office.new_page()
        staff_page.goto(f"{live_server.url}/backoffice/inbox/")
        login = staff_page.locator("form").filter(has=staff_page.locator("input[name='login']"))
        login.locator("input[name='login']").fill(staff.username)
        login.locator("input[name='password']").fill(TEST_PASSWORD)
        with staff_page.expect_navigation():
            login.locator("button[type='submit']").first.click()
        expect(staff_page).to_have_url(re.compile(r"/backoffice/inbox/$"))
        row = staff_page.locator("[data-testid='inbox-row']")
        expect(row).to_have_count(1)
        row.locator("[data-testid='inbox-link']").click()
        expect(staff_page.get_by_test_id("report-text")).to_contain_text(reply)
        expect(staff_page.get_by_test_id("report-text")).to_contain_text(
            "Lekkage bij het plafond van de keuken"
        )
        staff_thumbs = staff_page.locator("img.attachment__thumb")
        expect(staff_thumbs).to_have_count(2)
        for index in range(2):
            expect(staff_thumbs.nth(index)).to_have_js_property("complete", True)
            assert staff_thumbs.nth(index).evaluate("img => img.naturalWidth") > 0
    finally:
        tenant.close()
        office.close()
