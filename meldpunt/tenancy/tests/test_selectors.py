from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from meldpunt.common.actors import Actor
from meldpunt.tenancy.selectors import complex_units_page, stock_overview, unit_tenancy
from tests.factories import (
    BuildingBlockFactory,
    ComplexFactory,
    ContractElementFactory,
    ContractFactory,
    ContractLineFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    PersonFactory,
    UnitFactory,
    UnitTypeFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


@pytest.fixture
def staff(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.staff(make_staff(role="user"))


def contract(unit, start, end=None, **kwargs):  # type: ignore[no-untyped-def]
    return ContractFactory(unit=unit, start_date=start, end_date=end, **kwargs)


def test_stock_overview_counts_units_and_contracts_running_today(staff, django_assert_num_queries):
    linde = ComplexFactory(name="De Linde")
    empty = ComplexFactory(name="Akkerhof")
    units = [UnitFactory(complex=linde) for _ in range(3)]
    contract(units[0], date(2020, 1, 1))  # running
    contract(units[0], date(2010, 1, 1), date(2019, 12, 31))  # ended
    contract(units[1], date(2024, 1, 1), TODAY)  # ends today: still running
    contract(units[2], date(2025, 7, 1))  # starts later
    with django_assert_num_queries(1):
        overview = stock_overview(actor=staff, today=TODAY)
    rows = {c.name: (c.unit_count, c.running_contract_count) for c in overview.complexes}
    assert rows == {"De Linde": (3, 2), "Akkerhof": (0, 0)}
    assert [c.name for c in overview.complexes] == ["Akkerhof", "De Linde"]
    assert overview.unit_count == 3
    assert overview.running_contract_count == 2
    assert empty in overview.complexes


def test_stock_overview_is_empty_for_actors_without_access():
    UnitFactory()
    overview = stock_overview(actor=Actor.system(), today=TODAY)
    assert overview.complexes == []
    assert overview.unit_count == 0


def test_complex_units_page_orders_by_address_and_attaches_the_current_household(
    staff, django_assert_num_queries
):
    complex = ComplexFactory()
    b10 = UnitFactory(complex=complex, street="Beukenlaan", house_number=10)
    b2a = UnitFactory(
        complex=complex, street="Beukenlaan", house_number=2, house_number_addition="A"
    )
    b2 = UnitFactory(complex=complex, street="Beukenlaan", house_number=2)
    akker = UnitFactory(complex=complex, street="akkerweg", house_number=5)
    UnitFactory()  # another complex
    household = HouseholdFactory(name="Fam. Bos")
    contract(b10, date(2020, 1, 1), household=household)
    contract(b2, date(2010, 1, 1), date(2015, 1, 1))
    with django_assert_num_queries(2):
        page = complex_units_page(actor=staff, complex=complex, today=TODAY)
        households = {u.pk: u.current_household for u in page.items}
    assert [u.pk for u in page.items] == [akker.pk, b2.pk, b2a.pk, b10.pk]
    assert households[b10.pk] == household
    assert households[b2.pk] is None


def test_complex_units_page_filters_and_walks_every_unit_once(staff):
    complex = ComplexFactory()
    block = BuildingBlockFactory(complex=complex)
    garage = UnitTypeFactory(code="garage", name="Garage")
    in_block = [UnitFactory(complex=complex, building_block=block, house_number=n) for n in (1, 2)]
    garages = [UnitFactory(complex=complex, unit_type=garage, house_number=n) for n in (3, 4)]
    others = [UnitFactory(complex=complex, house_number=n) for n in range(5, 12)]
    by_block = complex_units_page(actor=staff, complex=complex, building_block=block)
    assert [u.pk for u in by_block.items] == [u.pk for u in in_block]
    by_type = complex_units_page(actor=staff, complex=complex, unit_type=garage)
    assert [u.pk for u in by_type.items] == [u.pk for u in garages]
    seen: list[int] = []
    cursor = None
    while True:
        page = complex_units_page(actor=staff, complex=complex, cursor=cursor, size=3)
        seen.extend(u.pk for u in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [u.pk for u in [*in_block, *garages, *others]]


def test_complex_units_page_is_empty_for_actors_without_access():
    unit = UnitFactory()
    page = complex_units_page(actor=Actor.system(), complex=unit.complex)
    assert page.items == []


def test_unit_tenancy_marks_the_running_contract_and_loads_persons_and_lines(
    staff, django_assert_num_queries
):
    unit = UnitFactory()
    household = HouseholdFactory()
    main = HouseholdRoleFactory(code="main-tenant", name="Main tenant", ordering=0)
    child = HouseholdRoleFactory(code="child", name="Child", ordering=5)
    PersonFactory(household=household, role=child, first_name="Daan", birth_date=date(2015, 1, 1))
    PersonFactory(household=household, role=main, first_name="Jan", birth_date=date(1980, 1, 1))
    current = contract(unit, date(2020, 1, 1), household=household, number="K2")
    ContractLineFactory(
        contract=current,
        element=ContractElementFactory(code="net-rent", name="Net rent"),
        monthly_amount=Decimal("700.00"),
    )
    ContractLineFactory(
        contract=current,
        element=ContractElementFactory(code="service", name="Service"),
        monthly_amount=Decimal("45.25"),
    )
    old = contract(unit, date(2001, 1, 1), date(2019, 12, 31), number="K1")
    PersonFactory(household=old.household)
    with django_assert_num_queries(3):
        tenancy = unit_tenancy(actor=staff, unit=unit, today=TODAY)
        assert [c.number for c in tenancy.contracts] == ["K2", "K1"]
        assert [c.is_running for c in tenancy.contracts] == [True, False]
        assert tenancy.current_contract == current
        assert tenancy.current_household == household
        assert [p.first_name for p in tenancy.persons] == ["Jan", "Daan"]
        assert [line.element.name for line in tenancy.contracts[0].lines.all()] == [
            "Net rent",
            "Service",
        ]
        assert tenancy.contracts[0].monthly_total == Decimal("745.25")
        assert tenancy.contracts[1].monthly_total == Decimal(0)


def test_unit_tenancy_of_a_vacant_unit(staff):
    unit = UnitFactory()
    contract(unit, date(2001, 1, 1), date(2019, 12, 31))
    tenancy = unit_tenancy(actor=staff, unit=unit, today=TODAY)
    assert len(tenancy.contracts) == 1
    assert tenancy.current_contract is None
    assert tenancy.current_household is None
    assert tenancy.persons == []


def test_unit_tenancy_is_empty_for_actors_without_access():
    unit = UnitFactory()
    contract(unit, date(2020, 1, 1))
    tenancy = unit_tenancy(actor=Actor.system(), unit=unit, today=TODAY)
    assert tenancy.contracts == []
