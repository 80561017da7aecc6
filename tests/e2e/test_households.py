"""Staff find a tenant, make an activation code and download the letters (SPEC ACC-1,
C-3, ACC-12): at desktop size, with axe-core checks on the list and the record;
and the list works at 360 px.

Contracts with the pages under test:
- ``/backoffice/households/``: the search field ``#id_q`` (search-as-you-type),
  the status select ``#id_status``; rows ``[data-testid=household-row]`` with a
  link ``[data-testid=household-link]`` and a checkbox ``households``; the
  batch buttons ``[data-testid=letters-selected]`` / ``letters-without-account``;
- a household's record: ``[data-testid=activation-panel]`` with
  ``[data-testid=code-generate]``, ``[data-testid=code-reveal]`` (shows
  ``[data-testid=revealed-code]``), and the letters form ``#letters-form`` with
  ``[data-testid=letters-download]``; a new code over a valid one asks first
  (``[data-testid=confirm-action]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.activation import activation_code_live
from meldpunt.accounts.models import StaffRole
from meldpunt.common.models import AuditEvent
from meldpunt.people.models import AccountStatus, Household
from tests.e2e.accessibility import assert_accessible
from tests.factories import (
    TEST_PASSWORD,
    ComplexFactory,
    ContractFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    OrganizationFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

LIST = "/backoffice/households/"


@dataclass
class Office:
    agent: str
    jansen: Household
    others: list[Household]


@pytest.fixture
def office(live_server: LiveServer) -> Office:
    OrganizationFactory()
    UserFactory(username="kim.kcc", role=StaffRole.AGENT)
    jansen = HouseholdFactory(
        name="Fam. Jansen",
        tenant_number="H424242",
        street="Lindelaan",
        house_number=12,
        postcode="3512AB",
        city="Utrecht",
    )
    PersonFactory(household=jansen, role=HouseholdRoleFactory(), first_name="Jan")
    unit = UnitFactory(complex=ComplexFactory(), street="Lindelaan", house_number=12)
    ContractFactory(household=jansen, unit=unit)
    others = [
        HouseholdFactory(name="Fam. Bakker", account_status=AccountStatus.CONFIRMED),
        HouseholdFactory(name="Fam. de Vries", account_status=AccountStatus.CREATED),
        HouseholdFactory(name="Fam. Smit-van den Heuvel met een lange naam"),
    ]
    return Office(agent="kim.kcc", jansen=jansen, others=others)


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_an_agent_finds_a_tenant_makes_a_code_and_downloads_the_letters(
    desktop_page: Page, live_server: LiveServer, office: Office
) -> None:
    page = desktop_page
    page.goto(f"{live_server.url}{LIST}")
    sign_in(page, office.agent)
    expect(page).to_have_url(re.compile(r"/backoffice/households/$"))
    rows = page.locator("[data-testid='household-row']")
    expect(rows).to_have_count(4)
    assert_accessible(page, "the household list")

    # Search as you type: the tenant number narrows the list to one household.
    page.locator("#id_q").fill("H4242")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Fam. Jansen")
    page.locator("[data-testid='household-link']").click()
    expect(page.locator("h1")).to_contain_text("Fam. Jansen")
    panel = page.locator("[data-testid='activation-panel']")
    expect(panel.locator("[data-testid='code-reveal']")).to_have_count(0)
    assert_accessible(page, "a household's record")

    # A first code, then a new one over it (which asks first), then reveal it.
    with page.expect_navigation():
        panel.locator("[data-testid='code-generate']").click()
    expect(page.locator(".alert--success")).to_be_visible()
    first = activation_code_live(household=office.jansen)
    assert first is not None
    with page.expect_navigation():
        panel.locator("[data-testid='code-generate']").click()
    assert_accessible(page, "the new-code confirmation")
    with page.expect_navigation():
        page.locator("[data-testid='confirm-action']").click()
    second = activation_code_live(household=office.jansen)
    assert second is not None and second.pk != first.pk
    with page.expect_navigation():
        panel.locator("[data-testid='code-reveal']").click()
    expect(page.locator("[data-testid='revealed-code']")).to_have_text(second.code)
    assert_accessible(page, "a record with a revealed code")
    assert AuditEvent.objects.filter(verb="activation_code.revealed").count() == 1

    # One household's letters.
    page.locator("#letters-which").select_option("both")
    with page.expect_download() as download_info:
        page.locator("[data-testid='letters-download']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert "H424242" in download.suggested_filename
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    expect(page.locator("h1")).to_contain_text("Fam. Jansen")  # still on the record
    second.refresh_from_db()
    assert second.letters_printed_at is not None

    # A batch from the list: every household without an account.
    page.goto(f"{live_server.url}{LIST}?status=none")
    expect(rows).to_have_count(2)
    with page.expect_download() as batch_info:
        page.locator("[data-testid='letters-without-account']").click()
    assert batch_info.value.suggested_filename.endswith(".pdf")
    printed = AuditEvent.objects.filter(verb="activation_letter.printed")
    assert printed.count() == 3  # Jansen once alone, then Jansen and Smit in the batch


def test_the_household_list_works_on_a_phone(
    page: Page, live_server: LiveServer, office: Office
) -> None:
    page.goto(f"{live_server.url}{LIST}")
    sign_in(page, office.agent)
    rows = page.locator("[data-testid='household-row']")
    expect(rows).to_have_count(4)
    page.locator("#id_status").select_option(AccountStatus.CONFIRMED)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Fam. Bakker")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert_accessible(page, "the filtered household list")
    page.locator("[data-testid='household-link']").first.click()
    expect(page.locator("h1")).to_contain_text("Fam. Bakker")
    assert_accessible(page, "a household's record")
