"""Staff empty the inbox: three reports wait, one is turned into an incident with
edits, the other two in bulk, and the menu badge goes from 3 to nothing — at
desktop and phone size, with axe-core checks on every page.

Contracts with the pages under test:
- ``/backoffice/inbox/``: rows ``[data-testid=inbox-row]`` with a checkbox
  ``reports`` and a link ``[data-testid=inbox-link]``; bulk buttons
  ``[data-testid=bulk-convert]`` / ``[data-testid=bulk-delete]``; the confirm
  page's ``[data-testid=confirm-action]``; the menu link
  ``[data-testid=nav-inbox]`` with its badge ``[data-testid=inbox-badge]``;
- a report's page has the form ``#inbox-convert-form`` (``title``, ``description``,
  ``category``, …) and ``[data-testid=convert]``.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.common.actors import Actor
from meldpunt.demo.seed import DEMO_PASSWORD, seed_demo
from meldpunt.incidents.inbox import inbox_report_create, inbox_waiting_count
from meldpunt.incidents.models import Category, InboxReport, Incident
from meldpunt.tenancy.models import Contract
from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

EDITED_TITLE = "Lekkage badkamerplafond"


@pytest.fixture
def waiting(live_server: LiveServer) -> list[InboxReport]:
    defaults = importlib.import_module("meldpunt.incidents.migrations.0003_defaults")
    defaults.add_defaults(apps, None)
    seed_demo()
    InboxReport.objects.all().delete()
    Category.objects.filter(name_en="Warranty").update(is_bulk_default=True)
    repair = Category.objects.get(name_en="Repair")
    contracts = list(
        Contract.objects.filter(end_date__isnull=True, unit__unit_type__kind="dwelling")
        .select_related("household", "unit")
        .order_by("number")[:3]
    )
    assert len(contracts) == 3
    texts = [
        ("Water door het plafond", "Er komt water door het plafond van de badkamer."),
        ("Voordeur klemt", "De voordeur gaat moeilijk dicht."),
        ("", "Het licht in de berging doet het niet."),
    ]
    actor = Actor.system("report form")
    reports = []
    for contract, (subject, description) in zip(contracts, texts, strict=True):
        reports.append(
            inbox_report_create(
                actor=actor,
                source=InboxReport.Source.PUBLIC_FORM,
                category=repair,
                unit=contract.unit,
                household=contract.household,
                subject=subject,
                description=description,
                name=contract.household.name,
                email="huurder@example.net",
                phone="",
                language="nl",
            )
        )
    return reports


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_staff_turn_one_report_into_an_incident_with_edits_and_two_in_bulk(
    page: Page, live_server: LiveServer, waiting: list[InboxReport]
) -> None:
    page.goto(f"{live_server.url}/backoffice/inbox/")
    sign_in(page, "kcc")
    expect(page).to_have_url(re.compile(r"/backoffice/inbox/$"))
    rows = page.locator("[data-testid='inbox-row']")
    expect(rows).to_have_count(3)
    expect(page.locator("[data-testid='inbox-badge']")).to_contain_text("3")
    assert_accessible(page, "the inbox")

    # One report, with edits.
    page.locator("[data-testid='inbox-link']", has_text="Water door het plafond").click()
    form = page.locator("#inbox-convert-form")
    expect(form.locator("input[name='title']")).to_have_value("Water door het plafond")
    assert_accessible(page, "a report in the inbox")
    form.locator("input[name='title']").fill(EDITED_TITLE)
    form.locator("textarea[name='description']").fill("Plafond in de badkamer is nat. Foto volgt.")
    with page.expect_navigation():
        form.locator("[data-testid='convert']").click()
    expect(page).to_have_url(re.compile(r"/backoffice/incidents/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(EDITED_TITLE)
    expect(page.locator("[data-testid='inbox-badge']")).to_contain_text("2")

    # The other two at once.
    page.locator("[data-testid='nav-inbox']").click()
    expect(rows).to_have_count(2)
    for checkbox in page.locator("input[name='reports']").all():
        checkbox.check()
    page.locator("[data-testid='bulk-convert']").click()
    expect(page.locator("[data-testid='confirm-list'] li")).to_have_count(2)
    assert_accessible(page, "the bulk confirmation")
    with page.expect_navigation():
        page.locator("[data-testid='confirm-action']").click()
    expect(page.locator("[data-testid='inbox-empty']")).to_be_visible()
    expect(page.locator(".alert--success")).to_be_visible()
    expect(page.locator("[data-testid='inbox-badge']")).to_have_count(0)
    assert_accessible(page, "the empty inbox")

    assert inbox_waiting_count() == 0
    titles = set(Incident.objects.values_list("title", flat=True))
    assert {EDITED_TITLE, "Voordeur klemt", "Het licht in de berging doet het niet."} <= titles
    bulk = Incident.objects.filter(title="Voordeur klemt").get()
    assert bulk.category is not None and bulk.category.name_en == "Warranty"
