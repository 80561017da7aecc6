"""Staff create one incident of each of the four kinds; only the two kinds that tell the
tenant queue a message, the archive kind needs its date, and the tenant's link from
the message opens their page — at desktop and phone size.

Contracts with the pages under test are those of ``test_incidents_list.py``, plus the
``relevant_on`` date field that belongs to the archive kind.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.demo.seed import seed_demo
from meldpunt.incidents.models import Incident
from meldpunt.notifications.models import OutboxMessage
from meldpunt.people.models import Household
from meldpunt.tenancy.models import Contract
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_incidents_list import sign_in

pytestmark = pytest.mark.e2e


@dataclass
class Demo:
    household: Household


@pytest.fixture
def demo(live_server: LiveServer) -> Demo:
    defaults = importlib.import_module("meldpunt.incidents.migrations.0003_defaults")
    defaults.add_defaults(apps, None)
    seed_demo()
    contract = (
        Contract.objects.filter(end_date__isnull=True, unit__unit_type__kind="dwelling")
        .exclude(household__email="")
        .select_related("household")
        .order_by("number")
        .first()
    )
    assert contract is not None
    return Demo(household=contract.household)


def open_create_form(page: Page, live_server: LiveServer):
    page.goto(f"{live_server.url}/backoffice/incidents/new/")
    return page.locator("#incident-create-form")


def fill_common(form, *, kind: str, title: str) -> None:
    form.locator(f"input[name='kind'][value='{kind}']").check()
    form.locator("input[name='title']").fill(title)
    form.locator("textarea[name='description']").fill(f"{title}: omschrijving voor de test.")
    form.locator("select[name='category']").select_option(index=1)


def pick_household(page: Page, form, household: Household) -> None:
    form.locator("input[name='find']").press_sequentially(household.tenant_number, delay=20)
    pick = page.locator("#lookup-results [data-testid='pick']").first
    expect(pick).to_be_visible()
    pick.click()
    expect(page.locator("[data-testid='chosen-link']")).to_contain_text(household.name)


def create(page: Page) -> Incident:
    page.locator("[data-testid='create-incident']").click()
    expect(page).to_have_url(re.compile(r"/backoffice/incidents/[\w-]+/$"))
    public_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    return Incident.objects.get(public_id=public_id)


def templates_sent(incident: Incident) -> set[str]:
    return set(
        OutboxMessage.objects.filter(thread_key=incident.thread_key).values_list(
            "template", flat=True
        )
    )


def test_each_kind_tells_the_tenant_exactly_what_it_should(
    page: Page, browser: Browser, live_server: LiveServer, demo: Demo
) -> None:
    household = demo.household
    page.goto(f"{live_server.url}/backoffice/incidents/")
    sign_in(page, "kcc")

    # a. Contact tenant: the tenant gets "you have a message" with a personal link.
    form = open_create_form(page, live_server)
    fill_common(form, kind="contact_tenant", title="Graag contact over de meterkast")
    pick_household(page, form, household)
    contact = create(page)
    assert contact.kind == Incident.Kind.CONTACT_TENANT
    assert "tenant.message" in templates_sent(contact)

    # b. On behalf of the tenant: "thank you for your report".
    form = open_create_form(page, live_server)
    fill_common(form, kind="on_behalf", title="Telefonisch gemeld: deurbel kapot")
    pick_household(page, form, household)
    on_behalf = create(page)
    assert templates_sent(on_behalf) == {"tenant.report_received"}

    # c. Internal: nothing leaves the building, even with a tenant linked.
    form = open_create_form(page, live_server)
    fill_common(form, kind="internal", title="Intern: controle rookmelders")
    pick_household(page, form, household)
    internal = create(page)
    assert templates_sent(internal) == set()

    # d. Archive: refused without its date, with everything typed kept.
    form = open_create_form(page, live_server)
    fill_common(form, kind="archive", title="Archief: waterschade 2024")
    page.locator("[data-testid='create-incident']").click()
    form = page.locator("#incident-create-form")
    expect(form.locator("input[name='title']")).to_have_value("Archief: waterschade 2024")
    expect(form.locator("input[name='kind'][value='archive']")).to_be_checked()
    relevant_on = form.locator("input[name='relevant_on']")
    expect(relevant_on).to_be_visible()
    expect(page.locator("#id_relevant_on_error, .field__errors").first).to_be_visible()
    assert_accessible(page, "the new-incident page with an error")
    relevant_on.fill("2024-03-14")
    archived = create(page)
    assert archived.kind == Incident.Kind.ARCHIVE
    assert not archived.is_open and str(archived.relevant_on) == "2024-03-14"
    assert templates_sent(archived) == set()

    # Staff find the incidents again by the tenant number.
    page.goto(f"{live_server.url}/backoffice/incidents/?status=all")
    page.locator("#incident-filters input[name='q']").fill(household.tenant_number)
    results = page.locator("#incident-results")
    expect(results.get_by_role("link", name="Graag contact over de meterkast")).to_be_visible()
    expect(results.get_by_role("link", name="Telefonisch gemeld: deurbel kapot")).to_be_visible()

    # The tenant follows the link in their message: no login, their incident.
    message = OutboxMessage.objects.filter(
        thread_key=contact.thread_key, template="tenant.message", channel="email"
    ).get()
    size = page.viewport_size
    tenant_context = browser.new_context(viewport=size, locale="nl-NL")
    try:
        tenant = tenant_context.new_page()
        link = message.context["link"].replace(
            message.context["link"].split("/m/")[0], live_server.url
        )
        tenant.goto(link)
        expect(tenant.get_by_role("heading", level=1)).to_have_text(
            "Graag contact over de meterkast"
        )
        assert_accessible(tenant, "the tenant's link page")
    finally:
        tenant_context.close()
