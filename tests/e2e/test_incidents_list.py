"""A staff member creates an on-behalf incident for a demo tenant with the lookup, then
finds it again by searching the tenant number — at desktop and phone size.

Contracts with the pages under test:
- ``/backoffice/incidents/`` has a search form ``#incident-filters`` with a field
  ``q``; results are links ``[data-testid=incident-link]`` in ``#incident-results``;
- the link ``[data-testid=new-incident]`` opens the create form
  ``#incident-create-form``: radios ``kind``, fields ``title``, ``description``,
  ``category``, a search field ``find`` whose results offer buttons
  ``[data-testid=pick]``; the chosen tenant shows in ``[data-testid=chosen-link]``;
  ``[data-testid=create-incident]`` creates and opens the incident page.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.demo.seed import DEMO_PASSWORD, seed_demo
from meldpunt.incidents.models import Incident
from meldpunt.people.models import Household
from meldpunt.tenancy.models import Contract
from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

TITLE = "Kraan in de keuken lekt"


@dataclass
class Demo:
    household: Household


@pytest.fixture
def demo(live_server: LiveServer) -> Demo:
    # Live-server tests empty the database between tests, shipped phases and
    # categories included: put them back as the migration does, then seed.
    defaults = importlib.import_module("meldpunt.incidents.migrations.0003_defaults")
    defaults.add_defaults(apps, None)
    seed_demo()
    contract = (
        Contract.objects.filter(end_date__isnull=True, unit__unit_type__kind="dwelling")
        .select_related("household")
        .order_by("number")
        .last()
    )
    assert contract is not None
    return Demo(household=contract.household)


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def test_staff_create_an_incident_with_the_lookup_and_find_it_by_tenant_number(
    page: Page, live_server: LiveServer, demo: Demo
) -> None:
    household = demo.household
    page.goto(f"{live_server.url}/backoffice/incidents/")
    sign_in(page, "kcc")
    expect(page).to_have_url(re.compile(r"/backoffice/incidents/$"))
    expect(page.locator("[data-testid='incident-link']").first).to_be_visible()
    assert_accessible(page, "the incident list")

    page.locator("[data-testid='new-incident']").click()
    expect(page).to_have_url(re.compile(r"/backoffice/incidents/new/$"))
    form = page.locator("#incident-create-form")
    assert_accessible(page, "the new-incident page")

    form.locator("input[name='kind'][value='on_behalf']").check()
    form.locator("input[name='title']").fill(TITLE)
    form.locator("textarea[name='description']").fill("Druppelt sinds gisteren, ook 's nachts.")
    form.locator("select[name='category']").select_option(index=1)
    expect(page.locator("#category-help")).not_to_be_empty()

    # Search as you type: the tenant number finds the household.
    form.locator("input[name='find']").press_sequentially(household.tenant_number, delay=20)
    pick = page.locator("#lookup-results [data-testid='pick']").first
    expect(pick).to_be_visible()
    pick.click()
    chosen = page.locator("[data-testid='chosen-link']")
    expect(chosen).to_contain_text(household.name)
    expect(form.locator("input[name='contact_email']")).to_have_value(household.email)
    expect(page.locator("#incident-history")).to_be_visible()
    assert_accessible(page, "the new-incident page with a tenant chosen")

    page.locator("[data-testid='create-incident']").click()
    expect(page).to_have_url(re.compile(r"/backoffice/incidents/[\w-]+/$"))
    incident = Incident.objects.get(title=TITLE)
    assert incident.kind == Incident.Kind.ON_BEHALF
    assert incident.household == household and incident.unit is not None
    assert page.url.endswith(f"/backoffice/incidents/{incident.public_id}/")

    page.goto(f"{live_server.url}/backoffice/incidents/")
    search = page.locator("#incident-filters input[name='q']")
    search.fill(household.tenant_number)
    expect(page).to_have_url(re.compile(rf"q={household.tenant_number}"))
    results = page.locator("#incident-results")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(page, "the incident list with a search")
