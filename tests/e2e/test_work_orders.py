"""A work order from the back office to the supplier's phone and back, and an owner's
permission answer — the supplier and owner on a 360 px phone, staff at desktop size.

Contracts with the pages under test:
- the incident page has ``[data-testid=new-sub-incident]``; the create form has radios
  ``kind``, a ``supplier`` select and a submit button; it lands on the sub-incident page
  with ``[data-testid=sub-incident-status]`` and ``#files``;
- the supplier's page ``/w/<token>/`` (the link in the email in the local outbox) has
  ``[data-testid=accept]``, a "Report the work completed" section with ``note``,
  ``before`` and ``after`` fields and ``[data-testid=complete]``, and shows the status
  in ``[data-testid=party-status]``;
- the owner's page has ``[data-testid=approve]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import User
from meldpunt.common.actors import Actor
from meldpunt.incidents.models import Incident, Phase, SubIncident
from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
from meldpunt.notifications.models import OutboxMessage
from meldpunt.notifications.services import outbox_deliver
from meldpunt.people.models import Contact
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    TEST_PASSWORD,
    ContactFactory,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@dataclass
class Job:
    staff: User
    incident: Incident
    supplier: Contact
    owner: Contact


@pytest.fixture
def job(live_server: LiveServer) -> Job:
    OrganizationFactory()
    # Live-server tests empty the database between tests, shipped rows included.
    new, _created = Phase.objects.get_or_create(
        code="new", defaults={"name_nl": "Nieuw", "name_en": "New", "is_initial": True}
    )
    Phase.objects.get_or_create(
        code="resolved",
        defaults={"name_nl": "Opgelost", "name_en": "Resolved", "ordering": 5, "is_closed": True},
    )
    staff = UserFactory(username="sanne.desk", first_name="Sanne", last_name="de Boer")
    owner = ContactFactory(
        kind=Contact.Kind.OWNER, name="Beleggingen Noord BV", email="eigenaar@example.net", trade=""
    )
    unit = UnitFactory(street="Merelstraat", house_number=12, postcode="3521KL", owner=owner)
    incident = Incident.objects.create(
        kind=Incident.Kind.ON_BEHALF,
        title="Lekkende kraan in de keuken",
        description="De kraan druppelt, ook als hij dicht is",
        phase=new,
        unit=unit,
        household=HouseholdFactory(name="Fam. Yılmaz"),
        contact_name="Ayşe Yılmaz",
        contact_phone="+31687654321",
    )
    supplier = ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Loodgieter Waterman",
        email="planning@waterman.example",
        trade=Contact.Trade.PLUMBER,
    )
    return Job(staff=staff, incident=incident, supplier=supplier, owner=owner)


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def phone(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    return context


def emailed_link_path(template: str, recipient: str) -> str:
    """The personal link in the email to ``recipient``, as the local outbox holds it."""
    email = OutboxMessage.objects.get(template=template, channel="email", recipient=recipient)
    if not email.body_text:
        outbox_deliver(message_id=email.pk)
        email.refresh_from_db()
    found = re.search(r"https?://\S+/w/[\w-]+/", email.body_text)
    assert found, email.body_text
    return urlsplit(found.group(0)).path


def photo(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = tmp_path / name
    Image.new("RGB", (80, 60), colour).save(path, format="JPEG")
    return path


def test_staff_send_a_work_order_and_the_supplier_accepts_and_completes_it_by_phone(
    browser: Browser, live_server: LiveServer, job: Job, tmp_path: Path
) -> None:
    desk = browser.new_context(viewport=VIEWPORTS["desktop"], locale="nl-NL")
    desk.set_default_timeout(10_000)
    try:
        _work_order_journey(desk.new_page(), browser, live_server, job, tmp_path)
    finally:
        desk.close()


def _work_order_journey(
    page: Page, browser: Browser, live_server: LiveServer, job: Job, tmp_path: Path
) -> None:
    detail = live_server.url + reverse(
        "backoffice:incident_detail", kwargs={"public_id": job.incident.public_id}
    )
    page.goto(detail)
    sign_in(page, job.staff.username)
    page.locator("[data-testid='new-sub-incident']").click()
    form = page.locator("#sub-incident-form")
    # The title and description come from the incident.
    expect(form.locator("input[name='title']")).to_have_value("Lekkende kraan in de keuken")
    form.locator("input[name='kind'][value='external']").check()
    choice = form.locator("select[name='supplier'] option", has_text="Loodgieter Waterman")
    form.locator("select[name='supplier']").select_option(choice.get_attribute("value"))
    with page.expect_navigation():
        form.locator("button[type='submit']").click()
    expect(page.locator("[data-testid='sub-incident-status']")).to_have_text(
        re.compile("acceptance|acceptatie", re.IGNORECASE)
    )
    assert_accessible(page, "the sub-incident page")
    order = SubIncident.objects.get(incident=job.incident)
    assert order.kind == SubIncident.Kind.EXTERNAL and order.next_reminder_at is not None

    context = phone(browser)
    try:
        supplier = context.new_page()
        path = emailed_link_path("supplier.work_order_new", job.supplier.email)
        supplier.goto(live_server.url + path)
        expect(supplier.get_by_role("heading", level=1)).to_contain_text("Lekkende kraan")
        # The tenant's name and phone are there for the appointment.
        expect(supplier.locator("[data-testid='party-tenant']")).to_contain_text("Ayşe Yılmaz")
        assert_accessible(supplier, "the supplier's work order")
        width = supplier.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], "the page scrolls sideways on a phone"

        supplier.locator("[data-testid='accept']").click()
        expect(supplier.locator("[data-testid='party-status']")).to_contain_text(
            re.compile("geaccepteerd|accepted", re.IGNORECASE)
        )
        completion = supplier.locator("details.party-action").filter(
            has=supplier.locator("[data-testid='complete']")
        )
        completion.locator("summary").click()
        completion.locator("textarea[name$='note']").fill("Kraanleertje vervangen, lekt niet meer")
        completion.locator("input[type='file'][name$='before']").set_input_files(
            str(photo(tmp_path, "voor.jpg", (160, 40, 40)))
        )
        completion.locator("input[type='file'][name$='after']").set_input_files(
            str(photo(tmp_path, "na.jpg", (40, 160, 40)))
        )
        completion.locator("[data-testid='complete']").click()
        expect(supplier.locator("[data-testid='party-status']")).to_contain_text(
            re.compile("afgerond|completed|voltooid", re.IGNORECASE)
        )
        expect(supplier.locator("[data-testid='party-files'] li")).to_have_count(2)
    finally:
        context.close()

    # Staff see the new status, the note and both photos at once.
    page.reload()
    expect(page.locator("[data-testid='sub-incident-status']")).to_contain_text(
        re.compile("completed|afgerond|voltooid", re.IGNORECASE)
    )
    expect(page.locator("[data-testid='sub-incident-message']").first).to_contain_text(
        "Kraanleertje vervangen"
    )
    files = page.locator("#files")
    expect(files).to_contain_text("voor.jpg")
    expect(files).to_contain_text("na.jpg")
    assert (
        OutboxMessage.objects.filter(
            template="staff.work_order_status_changed", recipient=job.staff.email
        ).count()
        == 2
    )  # accepted, completed


def test_the_owner_approves_a_permission_request_on_a_phone(
    browser: Browser, live_server: LiveServer, job: Job
) -> None:
    sub_incident_create(
        actor=Actor.staff(job.staff),
        incident=job.incident,
        draft=SubIncidentDraft(
            kind=SubIncident.Kind.OWNER,
            title="Toestemming nieuwe kraan",
            description="De kraan is 25 jaar oud.",
            contact=job.owner,
            permission_question="Mogen wij de keukenkraan vervangen (ca. € 240)?",
        ),
    )
    context = phone(browser)
    try:
        owner = context.new_page()
        owner.goto(live_server.url + emailed_link_path("owner.permission_request", job.owner.email))
        expect(owner.locator("[data-testid='permission-question']")).to_contain_text(
            "keukenkraan vervangen"
        )
        assert_accessible(owner, "the owner's page")
        owner.locator("[data-testid='approve']").click()
        expect(owner.locator("[data-testid='approve']")).to_have_count(0)
        expect(owner.locator("body")).to_contain_text(re.compile("toestemming|permission", re.I))
    finally:
        context.close()
    question = SubIncident.objects.get(kind=SubIncident.Kind.OWNER)
    assert question.permission == SubIncident.Permission.APPROVED
