"""A staff member signs in, switches language and finds a unit — at desktop and phone size.

Contracts with the pages under test:
- /backoffice/ sends an anonymous visitor to the login page /accounts/login/;
- the login form has fields named ``login`` and ``password`` and a submit button;
- the back-office home lists the complexes as links; a complex page lists its
  units as links; a unit page shows the unit's address in its ``h1``;
- the form ``#language-switcher`` has a ``<select name="language">`` and a submit
  button; after switching, ``<html lang>`` names the chosen language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from meldpunt.accounts.models import StaffRole, User
from meldpunt.properties.models import Complex, Unit
from tests.e2e.accessibility import assert_accessible
from tests.factories import (
    TEST_PASSWORD,
    ComplexFactory,
    ContractFactory,
    HouseholdFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@dataclass
class Estate:
    staff: User
    complexes: list[Complex]
    complex: Complex
    unit: Unit


@pytest.fixture
def estate(live_server: LiveServer) -> Estate:
    """Two complexes; the first has two units, one of them rented."""
    OrganizationFactory()
    staff = UserFactory(username="anouk.kcc", role=StaffRole.AGENT)
    vogelwijk = ComplexFactory(name="Vogelwijk", city="Utrecht")
    rivierenbuurt = ComplexFactory(name="Rivierenbuurt", city="Utrecht")
    unit = UnitFactory(
        complex=vogelwijk,
        street="Merelstraat",
        house_number=12,
        house_number_addition="A",
        postcode="3521KL",
    )
    UnitFactory(complex=vogelwijk, street="Merelstraat", house_number=14, postcode="3521KL")
    UnitFactory(complex=rivierenbuurt, street="Maasstraat", house_number=3, postcode="3522AB")
    ContractFactory(unit=unit, household=HouseholdFactory(name="Fam. De Vries"))
    return Estate(staff=staff, complexes=[vogelwijk, rivierenbuurt], complex=vogelwijk, unit=unit)


def login_form(page: Page) -> Locator:
    return page.locator("form").filter(has=page.locator("input[name='login']"))


def submit_button(form: Locator) -> Locator:
    return form.locator("button[type='submit'], button:not([type]), input[type='submit']").first


def reveal(page: Page, target: Locator) -> None:
    """Open a collapsed menu (phone layout) when ``target`` is hidden inside it."""
    if target.is_visible():
        return
    toggles = page.locator("button[aria-expanded='false']")
    for index in range(toggles.count()):
        toggle = toggles.nth(index)
        if toggle.is_visible():
            toggle.click()
            if target.is_visible():
                return
    expect(target).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    switcher = page.locator("form#language-switcher")
    select = switcher.locator("select[name='language']")
    reveal(page, select)
    select.select_option(value=code)
    submit_button(switcher).click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    # The new page offers the chosen language as the current one.
    expect(page.locator("form#language-switcher select[name='language']")).to_have_value(code)


def sign_in(page: Page, username: str, password: str) -> None:
    form = login_form(page)
    form.locator("input[name='login']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        submit_button(form).click()


def test_staff_signs_in_switches_language_and_opens_a_unit(
    page: Page, live_server: LiveServer, estate: Estate
) -> None:
    page.goto(f"{live_server.url}/backoffice/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert_accessible(page, "the login page")

    sign_in(page, estate.staff.username, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    for complex_ in estate.complexes:
        expect(page.get_by_role("link", name=complex_.name).first).to_be_visible()
    assert_accessible(page, "the back-office home (nl)")

    switch_language(page, "en")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    assert_accessible(page, "the back-office home (en)")
    switch_language(page, "nb")
    expect(page).to_have_url(re.compile(r"/backoffice/$"))
    assert_accessible(page, "the back-office home (nb)")

    page.get_by_role("link", name=estate.complex.name).first.click()
    unit_link = page.get_by_role("link", name=estate.unit.address_line).first
    expect(unit_link).to_be_visible()
    assert_accessible(page, "the complex page")

    unit_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(estate.unit.address_line)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    assert_accessible(page, "the unit page")


def test_wrong_password_shows_an_error_and_keeps_the_username(
    desktop_page: Page, live_server: LiveServer, estate: Estate
) -> None:
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, estate.staff.username, "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = login_form(page)
    expect(form.locator("input[name='login']")).to_have_value(estate.staff.username)
    expect(form.locator("input[name='password']")).to_have_value("")
    language = page.locator("html").get_attribute("lang") or "nl"
    with translation.override(language):
        message = str(DefaultAccountAdapter.error_messages["username_password_mismatch"])
    expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page, "the login page with an error")
