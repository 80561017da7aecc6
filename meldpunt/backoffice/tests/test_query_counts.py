"""Hot pages run a fixed number of queries, however many rows they show.

Every page pays three for the request itself: the session, the user and the
organization (for the header and theme).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.backoffice.tests.stock import add_let_units
from meldpunt.people.models import Contact
from tests.factories import (
    CommonAreaFactory,
    ComplexFactory,
    ContactFactory,
    ContractFactory,
    ContractLineFactory,
    HouseholdFactory,
    InstallationFactory,
    PersonFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

REQUEST_QUERIES = 4  # session, user, organization, inbox badge
HOME_QUERIES = REQUEST_QUERIES + 2  # complexes with counts, contact counts
COMPLEX_QUERIES = REQUEST_QUERIES + 6  # complex, blocks, areas, unit types, units, contracts
UNIT_QUERIES = REQUEST_QUERIES + 7  # unit, areas, area installations, installations,
#                                     contracts, contract lines, persons
CONTACT_LIST_QUERIES = REQUEST_QUERIES + 1  # one page of contacts


@pytest.fixture
def admin_client(staff_client):  # type: ignore[no-untyped-def]
    client = staff_client(StaffRole.ADMIN)
    client.get(reverse("backoffice:home"))  # warm up: first-request work is not counted
    return client


@pytest.mark.parametrize("complexes", [1, 8])
def test_home_query_count_does_not_grow_with_complexes(
    admin_client, stock, django_assert_num_queries, complexes
):
    for index in range(complexes):
        complex = ComplexFactory(owner=ContactFactory(kind=Contact.Kind.OWNER))
        add_let_units(complex, 3, start=index * 10 + 1)
    with django_assert_num_queries(HOME_QUERIES):
        response = admin_client.get(reverse("backoffice:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("extra_units", [3, 30])
def test_complex_detail_query_count_does_not_grow_with_units(
    admin_client, stock, django_assert_num_queries, extra_units
):
    add_let_units(stock.complex, extra_units, block=stock.block_a)
    for _ in range(extra_units // 3):
        area = CommonAreaFactory(complex=stock.complex, building_block=stock.block_b)
        area.units.add(stock.unit)
    url = reverse("backoffice:complex_detail", args=[stock.complex.public_id])
    with django_assert_num_queries(COMPLEX_QUERIES):
        response = admin_client.get(url)
    assert len(response.context["page"].items) == 2 + extra_units


def test_complex_detail_query_count_is_the_same_with_filters_and_a_cursor(
    admin_client, stock, django_assert_num_queries
):
    add_let_units(stock.complex, 60, block=stock.block_a)
    url = reverse("backoffice:complex_detail", args=[stock.complex.public_id])
    cursor = admin_client.get(url).context["page"].next_cursor
    with django_assert_num_queries(COMPLEX_QUERIES):
        response = admin_client.get(
            f"{url}?block={stock.block_a.public_id}&type=apartment&cursor={cursor}"
        )
    assert response.context["page"].has_previous


@pytest.mark.parametrize("rows", [3, 30])
def test_unit_detail_query_count_does_not_grow_with_contracts_persons_or_assets(
    admin_client, stock, django_assert_num_queries, rows
):
    for index in range(rows):
        household = HouseholdFactory()
        PersonFactory(household=household)
        PersonFactory(household=stock.household, first_name=f"Kind {index}")
        contract = ContractFactory(
            unit=stock.unit,
            household=household,
            start_date=date(1990, 1, 1 + index % 28),
            end_date=date(1999, 1, 1),
        )
        ContractLineFactory(contract=contract)
        InstallationFactory(unit=stock.unit, name=f"Installatie {index}")
        area = CommonAreaFactory(complex=stock.complex)
        area.units.add(stock.unit)
        InstallationFactory(unit=None, common_area=area)
    url = reverse("backoffice:unit_detail", args=[stock.unit.public_id])
    with django_assert_num_queries(UNIT_QUERIES):
        response = admin_client.get(url)
    assert len(response.context["tenancy"].contracts) == 2 + rows


def test_a_bare_unit_costs_fewer_queries(admin_client, stock, django_assert_num_queries):
    unit = UnitFactory(complex=stock.complex)
    # Without contracts and common areas, lines, persons and area installations
    # have nothing to be looked up for.
    with django_assert_num_queries(UNIT_QUERIES - 3):
        admin_client.get(reverse("backoffice:unit_detail", args=[unit.public_id]))


@pytest.mark.parametrize("contacts", [3, 30])
@pytest.mark.parametrize("query", ["", "?q=jan", "?q=0612345678&kind=tenant", "?q=H1"])
def test_contact_list_query_count_does_not_grow_with_contacts(
    admin_client, stock, django_assert_num_queries, contacts, query
):
    for index in range(contacts):
        household = HouseholdFactory()
        Contact.objects.create(
            kind=Contact.Kind.TENANT,
            name=f"Jan Tenant {index}",
            phone="+31612345678",
            household=household,
        )
        ContactFactory()
    with django_assert_num_queries(CONTACT_LIST_QUERIES):
        response = admin_client.get(reverse("backoffice:contact_list") + query)
    assert response.status_code == 200


def test_the_htmx_contact_partial_costs_one_query_less(
    admin_client, stock, django_assert_num_queries
):
    # The partial has no page header, so the inbox badge is never counted.
    with django_assert_num_queries(CONTACT_LIST_QUERIES - 1):
        admin_client.get(
            reverse("backoffice:contact_list") + "?q=a", headers={"HX-Request": "true"}
        )
