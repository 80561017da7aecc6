"""What each back-office page shows."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.models import StaffRole
from meldpunt.backoffice.tests.stock import add_let_units
from meldpunt.organization.models import ClosedDay, FeatureToggle, OpeningHours
from meldpunt.people.models import Contact
from tests.factories import (
    ComplexFactory,
    ContractFactory,
    HouseholdFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_client):  # type: ignore[no-untyped-def]
    return staff_client(StaffRole.ADMIN)


@pytest.fixture
def english_client(admin_client):  # type: ignore[no-untyped-def]
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


# ---------- Home ----------


def test_home_lists_each_complex_with_its_counts(english_client, stock):
    ComplexFactory(code="ZZZ", name="Zonnehof", city="Zeist")
    content = text(english_client.get(reverse("backoffice:home")))
    assert "LIN" in content
    assert "De Linde" in content
    assert "Vastgoedfonds Noord" in content
    assert "Zonnehof" in content
    assert reverse("backoffice:complex_detail", args=[stock.complex.public_id]) in content


def test_home_counts_units_and_running_contracts_per_complex(english_client, stock):
    response = english_client.get(reverse("backoffice:home"))
    overview = response.context["overview"]
    linde = next(c for c in overview.complexes if c.pk == stock.complex.pk)
    assert linde.unit_count == 2
    assert linde.running_contract_count == 1
    assert overview.unit_count == 2
    assert overview.running_contract_count == 1


def test_home_shows_contact_counts_per_kind(english_client, stock):
    counts = english_client.get(reverse("backoffice:home")).context["contact_counts"]
    assert counts[Contact.Kind.OWNER] == 1
    assert counts[Contact.Kind.SUPPLIER] == 0


def test_home_without_complexes_says_so(english_client, organization):
    assert "There are no complexes yet." in text(english_client.get(reverse("backoffice:home")))


def test_the_header_shows_organization_user_navigation_and_sign_out(admin_client, stock):
    content = text(admin_client.get(reverse("backoffice:home")))
    assert "Woonstichting Test" in content
    assert "Sam Tester" in content
    assert f'action="{reverse("account_logout")}"' in content
    assert reverse("backoffice:contact_list") in content
    assert reverse("backoffice:organization") in content
    assert 'aria-current="page"' in content


def test_the_organization_link_is_shown_to_administrators_only(staff_client, stock):
    content = text(staff_client(StaffRole.AGENT).get(reverse("backoffice:home")))
    assert reverse("backoffice:organization") not in content


def test_the_layout_links_the_theme_and_stylesheet_and_loads_htmx(admin_client, organization):
    content = text(admin_client.get(reverse("backoffice:home")))
    assert f"{reverse('theme_css')}?v={organization.theme_version}" in content
    assert "css/meldpunt.css" in content
    assert "htmx" in content
    assert 'href="#main"' in content
    assert "icons/icons.svg#" in content


# ---------- Complex detail ----------


def complex_url(stock, query: str = "") -> str:  # type: ignore[no-untyped-def]
    return reverse("backoffice:complex_detail", args=[stock.complex.public_id]) + query


def test_complex_page_shows_blocks_common_areas_and_units(english_client, stock):
    content = text(english_client.get(complex_url(stock)))
    assert "Blok A" in content
    assert "Blok B" in content
    assert "Trappenhuis A" in content
    assert "Stairwell" in content
    assert "Lindelaan 12-B" in content
    assert "3512 AB" in content
    assert "Fam. Jansen" in content
    assert "H424242" in content
    assert "Vacant" in content  # the garage has no contract
    assert reverse("backoffice:unit_detail", args=[stock.unit.public_id]) in content


def test_complex_page_counts_the_units_linked_to_each_common_area(english_client, stock):
    complex = english_client.get(complex_url(stock)).context["complex"]
    (area,) = complex.common_areas.all()
    assert area.unit_count == 1
    counts = {block.code: block.unit_count for block in complex.building_blocks.all()}
    assert counts == {"A": 1, "B": 1}


def test_complex_units_filter_by_building_block(english_client, stock):
    page = english_client.get(complex_url(stock, f"?block={stock.block_b.public_id}")).context[
        "page"
    ]
    assert [unit.house_number for unit in page.items] == [40]


def test_complex_units_filter_by_unit_type(english_client, stock):
    page = english_client.get(complex_url(stock, "?type=apartment")).context["page"]
    assert [unit.pk for unit in page.items] == [stock.unit.pk]


def test_unknown_filter_values_are_ignored(english_client, stock):
    response = english_client.get(complex_url(stock, "?block=nope&type=%00"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 2


def test_a_building_block_of_another_complex_does_not_filter(english_client, stock):
    other = ComplexFactory()
    from tests.factories import BuildingBlockFactory

    foreign = BuildingBlockFactory(complex=other)
    response = english_client.get(complex_url(stock, f"?block={foreign.public_id}"))
    assert len(response.context["page"].items) == 2


def test_complex_units_are_paged_with_a_cursor(english_client, stock):
    add_let_units(stock.complex, 55)
    first = english_client.get(complex_url(stock))
    page = first.context["page"]
    assert len(page.items) == 50
    assert page.next_cursor
    assert "cursor=" in text(first)
    second = english_client.get(complex_url(stock, f"?cursor={page.next_cursor}")).context["page"]
    assert len(second.items) == 7
    assert second.has_previous
    seen = {unit.pk for unit in page.items} | {unit.pk for unit in second.items}
    assert len(seen) == 57


def test_a_malformed_cursor_shows_the_first_page(english_client, stock):
    response = english_client.get(complex_url(stock, "?cursor=%%%garbage"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 2


def test_units_are_listed_in_address_order_with_numbers_compared_as_numbers(english_client, stock):
    UnitFactory(complex=stock.complex, street="Lindelaan", house_number=9)
    UnitFactory(complex=stock.complex, street="Akkerweg", house_number=100)
    page = english_client.get(complex_url(stock)).context["page"]
    assert [(u.street, u.house_number) for u in page.items] == [
        ("Akkerweg", 100),
        ("Lindelaan", 9),
        ("Lindelaan", 12),
        ("Lindelaan", 40),
    ]


# ---------- Unit detail ----------


def unit_url(unit) -> str:  # type: ignore[no-untyped-def]
    return reverse("backoffice:unit_detail", args=[unit.public_id])


def test_unit_page_shows_the_address_and_facts(english_client, stock):
    content = text(english_client.get(unit_url(stock.unit)))
    assert "Lindelaan 12-B" in content
    assert "3512 AB" in content
    assert "De Linde" in content
    assert "Blok A" in content
    assert "Apartment" in content
    assert "78 m²" in content
    assert "1972" in content
    assert "1.25" in content
    assert "2 months" in content


def test_unit_page_formats_money_for_the_language(admin_client, stock):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    content = text(admin_client.get(unit_url(stock.unit)))
    assert "€\xa0245.000" in content
    assert "€\xa0712,35" in content
    assert "€\xa0760,85" in content  # the monthly total
    assert "1,25" in content  # energy index with a decimal comma
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = text(admin_client.get(unit_url(stock.unit)))
    assert "€245,000" in content
    assert "€712.35" in content


def test_unit_page_shows_the_owner_and_the_owners_instruction(english_client, stock):
    content = text(english_client.get(unit_url(stock.unit)))
    assert "Vastgoedfonds Noord" in content
    assert "Owner of the whole complex." in content
    assert 'id="owner-instruction"' in content
    assert "Bel Beheer Noord: 020 555 0199." in content


def test_the_unit_owner_wins_over_the_complex_owner(english_client, stock):
    stock.unit.owner = Contact.objects.create(kind=Contact.Kind.OWNER, name="Particulier Bos")
    stock.unit.save(update_fields=["owner"])
    content = text(english_client.get(unit_url(stock.unit)))
    assert "Particulier Bos" in content
    assert 'id="owner-instruction"' not in content


def test_a_unit_of_own_stock_says_so(english_client, organization):
    unit = UnitFactory()
    content = text(english_client.get(unit_url(unit)))
    assert "Own stock of the organization." in content
    assert "Nobody rents this unit today." in content
    assert "This unit has no contracts." in content


def test_unit_page_shows_common_areas_and_installations(english_client, stock):
    content = text(english_client.get(unit_url(stock.unit)))
    assert "Trappenhuis A" in content
    assert "Trapverlichting" in content
    assert "CV-ketel" in content
    assert "Remeha" in content


def test_unit_page_shows_contracts_with_lines_and_running_state(english_client, stock):
    response = english_client.get(unit_url(stock.unit))
    content = text(response)
    assert "K777001" in content
    assert "K555001" in content
    assert "H424242" in content
    assert "H111111" in content
    assert "Running" in content
    assert "Not running" in content
    assert "Net rent" in content
    assert "Service costs" in content
    assert "March 31, 2040" in content  # planned end
    assert "March 31, 2019" in content  # end of the old contract
    tenancy = response.context["tenancy"]
    assert [c.number for c in tenancy.contracts] == ["K777001", "K555001"]
    assert tenancy.current_contract.number == "K777001"
    assert tenancy.contracts[0].has_service_subscription


def test_unit_page_shows_the_current_households_persons(english_client, stock):
    content = text(english_client.get(unit_url(stock.unit)))
    assert "Jan Jansen" in content
    assert "Main tenant" in content
    assert "Daan Jansen" in content
    assert "Child" in content
    assert "May 17, 1980" in content


def test_unit_page_dates_follow_the_language(admin_client, stock):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    content = text(admin_client.get(unit_url(stock.unit)))
    assert "17 mei 1980" in content


def test_a_unit_whose_contract_ended_is_vacant(english_client, organization):
    unit = UnitFactory()
    ContractFactory(
        unit=unit,
        household=HouseholdFactory(name="Fam. Weg"),
        start_date=date(2010, 1, 1),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    content = text(english_client.get(unit_url(unit)))
    assert "Nobody rents this unit today." in content
    assert "Fam. Weg" in content  # still listed with its contract


# ---------- Organization ----------


def test_organization_page_shows_details_hours_closed_days_features_and_colours(
    english_client, organization
):
    OpeningHours.objects.create(
        organization=organization, weekday=0, opens_at=time(8, 30), closes_at=time(17, 0)
    )
    ClosedDay.objects.create(
        organization=organization,
        date=timezone.localdate() + timedelta(days=10),
        reason="Staff training day",
    )
    FeatureToggle.objects.create(organization=organization, key="balance", enabled=False)
    response = english_client.get(reverse("backoffice:organization"))
    content = text(response)
    assert "Woonstichting Test" in content
    assert "020 123 4567" in content
    assert "info@example.org" in content
    assert "Monday" in content
    assert "08:30" in content
    assert "Staff training day" in content
    assert "Own closed day" in content
    assert "Online payment" in content
    assert "Hidden by parent" in content
    assert content.count('class="swatch"') == 17
    assert "Menu bar background" in content
    assert "#12355b" in content


def test_organization_page_leaves_out_plain_weekends(english_client, organization):
    overview = english_client.get(reverse("backoffice:organization")).context["overview"]
    assert all(row.reason != "Weekend" for row in overview.closed_days)
    assert overview.closed_until - overview.closed_from == timedelta(days=59)
