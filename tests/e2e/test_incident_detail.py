"""Staff work an incident (messages, status, task, photo) and the tenant's link page shows
only the external message — at desktop and phone size.

Contracts with the pages under test:
- the incident page has a composer (``#composer``) with radios ``composer-kind``
  (internal, external, note), a ``composer-body`` textarea and a submit button;
- ``#status-open`` opens the ``#status-dialog`` with selects ``status-phase`` and
  ``status-handler``; the summary shows the phase in ``[data-testid=incident-phase]``
  and the handler in ``[data-testid=incident-handler]``;
- ``#tasks`` and ``#files`` hold a ``<details>`` with the add-task and upload forms;
- the tenant's page ``/m/<token>/`` lists the external messages only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.links import link_issue
from meldpunt.incidents.links import INCIDENT_LINK_PURPOSE
from meldpunt.incidents.models import Incident, Phase
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import VIEWPORTS
from tests.factories import (
    TEST_PASSWORD,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

INTERNAL_TEXT = "Intern: sleutel ligt bij de buren"
EXTERNAL_TEXT = "We komen dinsdag tussen 8 en 12 uur"


@dataclass
class Desk:
    staff: User
    colleague: User
    incident: Incident
    in_progress: Phase


def _phase(code: str, name_nl: str, name_en: str, ordering: int, **flags: bool) -> Phase:
    # Live-server tests empty the database between tests, shipped rows included.
    phase, _created = Phase.objects.get_or_create(
        code=code,
        defaults={"name_nl": name_nl, "name_en": name_en, "ordering": ordering, **flags},
    )
    return phase


@pytest.fixture
def desk(live_server: LiveServer) -> Desk:
    OrganizationFactory()
    new = _phase("new", "Nieuw", "New", 1, is_initial=True)
    in_progress = _phase("in_progress", "In behandeling", "In progress", 2)
    _phase("resolved", "Opgelost", "Resolved", 5, is_closed=True)
    staff = UserFactory(username="sanne.desk", first_name="Sanne", last_name="de Boer")
    colleague = UserFactory(
        username="rob.vos", first_name="Rob", last_name="Vos", role=StaffRole.AGENT
    )
    household = HouseholdFactory(name="Fam. Yılmaz", tenant_number="H700123")
    unit = UnitFactory(street="Merelstraat", house_number=12, postcode="3521KL")
    incident = Incident.objects.create(
        kind=Incident.Kind.ON_BEHALF,
        title="Lekkage in de badkamer",
        description="Water onder het bad",
        phase=new,
        unit=unit,
        household=household,
        contact_name="Ayşe Yılmaz",
        contact_email="ayse@example.net",
        contact_phone="+31687654321",
    )
    return Desk(staff=staff, colleague=colleague, incident=incident, in_progress=in_progress)


def sign_in(page: Page, username: str) -> None:
    form = page.locator("form").filter(has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type='submit']").first.click()


def post_message(page: Page, kind: str, text: str) -> None:
    composer = page.locator("#composer")
    composer.locator(f"input[name='composer-kind'][value='{kind}']").check()
    composer.locator("textarea[name='composer-body']").fill(text)
    composer.locator("button[type='submit']").click()
    expect(page.locator("#timeline")).to_contain_text(text)
    # The composer comes back empty, ready for the next message.
    expect(page.locator("#composer textarea[name='composer-body']")).to_have_value("")


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "lekkage.png"
    Image.new("RGB", (64, 48), (30, 90, 160)).save(path, format="PNG")
    return path


def test_staff_work_an_incident_and_the_tenant_sees_only_the_external_message(
    page: Page, browser: Browser, live_server: LiveServer, desk: Desk, tmp_path: Path
) -> None:
    detail = live_server.url + reverse(
        "backoffice:incident_detail", kwargs={"public_id": desk.incident.public_id}
    )
    page.goto(detail)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, desk.staff.username)
    expect(page).to_have_url(detail)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lekkage in de badkamer")
    assert_accessible(page, "the incident page")

    post_message(page, "internal", INTERNAL_TEXT)
    post_message(page, "external", EXTERNAL_TEXT)
    expect(page.locator(".entry--internal")).to_contain_text(INTERNAL_TEXT)
    expect(page.locator(".entry--external")).to_contain_text(EXTERNAL_TEXT)
    # The first staff user who responds becomes handler.
    expect(page.locator("[data-testid='incident-handler']")).to_contain_text("Sanne de Boer")

    page.locator("#status-open").click()
    dialog = page.locator("#status-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name='status-phase']").select_option(str(desk.in_progress.pk))
    dialog.locator("select[name='status-handler']").select_option(str(desk.colleague.pk))
    dialog.locator("form.stack-form button[type='submit']").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-testid='incident-phase']")).to_contain_text("In behandeling")
    expect(page.locator("[data-testid='incident-handler']")).to_contain_text("Rob Vos")
    expect(page.locator("[data-testid='timeline-phase']")).to_have_count(1)

    tasks = page.locator("#tasks")
    tasks.locator("details summary").click()
    tasks.locator("input[name='task-title']").fill("Loodgieter bellen")
    tasks.locator("select[name='task-assignee']").select_option(str(desk.colleague.pk))
    tasks.locator("form.stack-form button[type='submit']").click()
    expect(page.locator("#tasks [data-testid='task']")).to_contain_text("Loodgieter bellen")
    page.locator("#tasks [data-testid='task'] button[type='submit']").click()
    expect(page.locator("#tasks .task--done")).to_have_count(1)

    files = page.locator("#files")
    files.locator("details summary").click()
    files.locator("input[name='upload-photos']").set_input_files(photo_file(tmp_path))
    files.locator("form.stack-form button[type='submit']").click()
    expect(page.locator("#files")).to_contain_text("lekkage.jpg")
    expect(page.locator("#files img.attachment__thumb")).to_have_count(1)
    assert_accessible(page, "the incident page after the work")

    # The tenant opens their personal link: a fresh browser, no login.
    _link, token = link_issue(
        obj=desk.incident,
        purpose=INCIDENT_LINK_PURPOSE,
        party="ayse@example.net",
        expires_at=timezone.now() + timedelta(days=30),
    )
    size = page.viewport_size or VIEWPORTS["desktop"]
    context = browser.new_context(viewport=size, locale="nl-NL")
    try:
        tenant = context.new_page()
        response = tenant.goto(
            live_server.url + reverse("portal:incident_link", kwargs={"token": token})
        )
        assert response is not None
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(tenant.get_by_role("heading", level=1)).to_have_text("Lekkage in de badkamer")
        expect(tenant.locator("[data-testid='incident-phase']")).to_have_text("In behandeling")
        expect(tenant.locator("main")).to_contain_text(EXTERNAL_TEXT)
        expect(tenant.locator("main")).not_to_contain_text(INTERNAL_TEXT)
        expect(tenant.locator("main")).not_to_contain_text("lekkage.jpg")  # an internal file
        assert_accessible(tenant, "the tenant's link page")

        tenant.locator("textarea[name='body']").fill("Dinsdag is goed, ik ben thuis.")
        tenant.locator("#reply button[type='submit']").click()
        expect(tenant.locator("main")).to_contain_text("Dinsdag is goed, ik ben thuis.")
        assert_accessible(tenant, "the tenant's link page after replying")
    finally:
        context.close()

    page.reload()
    expect(page.locator(".entry--tenant")).to_contain_text("Dinsdag is goed")


def test_the_status_page_works_without_javascript(
    browser: Browser, live_server: LiveServer, desk: Desk
) -> None:
    context = browser.new_context(
        viewport=VIEWPORTS["phone"], locale="nl-NL", java_script_enabled=False
    )
    try:
        page = context.new_page()
        detail = live_server.url + reverse(
            "backoffice:incident_detail", kwargs={"public_id": desk.incident.public_id}
        )
        page.goto(detail)
        sign_in(page, desk.staff.username)
        page.locator("#status-open").click()
        expect(page).to_have_url(re.compile(r"/status/$"))
        page.locator("select[name='status-phase']").select_option(str(desk.in_progress.pk))
        page.locator("main form.stack-form button[type='submit']").click()
        expect(page).to_have_url(detail)
        expect(page.locator("[data-testid='incident-phase']")).to_contain_text("In behandeling")

        page.locator("#composer textarea[name='composer-body']").fill("Zonder script")
        page.locator("#composer button[type='submit']").click()
        expect(page.locator("#timeline")).to_contain_text("Zonder script")
    finally:
        context.close()
