"""Staff empty the inbox: twenty-one reports wait, one is turned into an incident
with edits, the other twenty in bulk (all get the configured default category),
and the menu badge goes from 21 to 20 to nothing — at desktop and phone (360 px)
size, with axe-core checks on every page. The reports are made through the
inbox service, not through the browser, so the test stays fast.

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


BULK_COUNT = 20


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
    texts = [("Water door het plafond", "Er komt water door het plafond van de badkamer.")]
    texts += [
        (f"Voordeur klemt ({number})", f"De voordeur gaat moeilijk dicht, melding {number}.")
        for number in range(1, BULK_COUNT)
    ]
    texts.append(("", "Het licht in de berging doet het niet."))
    actor = Actor.system("report form")
    reports = []
    for index, (subject, description) in enumerate(texts):
        contract = contracts[index % len(contracts)]
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
    assert len(reports) == BULK_COUNT + 1
    return reports


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_staff_turn_one_report_into_an_incident_with_edits_and_twenty_in_bulk(
    page: Page, live_server: LiveServer, waiting: list[InboxReport]
) -> None:
    page.goto(f"{live_server.url}/backoffice/inbox/")
    sign_in(page, "kcc")
    expect(page).to_have_url(re.compile(r"/backoffice/inbox/$"))
    rows = page.locator("[data-testid='inbox-row']")
    badge = page.locator("[data-testid='inbox-badge']")
    expect(rows).to_have_count(BULK_COUNT + 1)
    expect(badge).to_have_text(re.compile(rf"\b{BULK_COUNT + 1}\b"))
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
    expect(badge).to_have_text(re.compile(rf"\b{BULK_COUNT}\b"))

    # The other twenty at once: every row selected.
    page.locator("[data-testid='nav-inbox']").click()
    expect(rows).to_have_count(BULK_COUNT)
    checkboxes = page.locator("input[name='reports']")
    expect(checkboxes).to_have_count(BULK_COUNT)
    for checkbox in checkboxes.all():
        checkbox.check()
    expect(page.locator("input[name='reports']:checked")).to_have_count(BULK_COUNT)
    page.locator("[data-testid='bulk-convert']").click()
    expect(page.locator("[data-testid='confirm-list'] li")).to_have_count(BULK_COUNT)
    assert_accessible(page, "the bulk confirmation")
    with page.expect_navigation():
        page.locator("[data-testid='confirm-action']").click()
    expect(page.locator("[data-testid='inbox-empty']")).to_be_visible()
    expect(page.locator(".alert--success")).to_be_visible()
    expect(badge).to_have_count(0)
    assert_accessible(page, "the empty inbox")

    assert inbox_waiting_count() == 0
    edited = waiting[0]
    bulk_reports = waiting[1:]
    edited.refresh_from_db()
    assert edited.incident is not None and edited.incident.title == EDITED_TITLE
    assert edited.incident.category is not None and edited.incident.category.name_en == "Repair"
    bulk = Incident.objects.filter(inbox_reports__in=bulk_reports).distinct()
    assert bulk.count() == BULK_COUNT
    assert set(bulk.values_list("category__name_en", flat=True)) == {"Warranty"}
    # One incident per report: none merged, none made twice.
    assert Incident.objects.filter(inbox_reports__in=waiting).distinct().count() == BULK_COUNT + 1
    titles = set(bulk.values_list("title", flat=True))
    assert {"Voordeur klemt (1)", f"Voordeur klemt ({BULK_COUNT - 1})"} <= titles
    assert "Het licht in de berging doet het niet." in titles
