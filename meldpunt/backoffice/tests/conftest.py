"""A small but complete housing stock for the back-office page tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from meldpunt.people.models import Contact, Household
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Unit,
    UnitType,
)
from meldpunt.tenancy.models import Contract
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ComplexFactory,
    ContactFactory,
    ContractElementFactory,
    ContractFactory,
    ContractLineFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    InstallationFactory,
    OwnerInstructionFactory,
    PersonFactory,
    UnitFactory,
    UnitTypeFactory,
)


@dataclass
class Stock:
    complex: Complex
    block_a: BuildingBlock
    block_b: BuildingBlock
    apartment: UnitType
    garage: UnitType
    unit: Unit
    household: Household
    contract: Contract
    old_contract: Contract
    stairwell: CommonArea
    owner: Contact


@pytest.fixture
def stock(organization) -> Stock:  # type: ignore[no-untyped-def]
    owner = ContactFactory(
        kind=Contact.Kind.OWNER, name="Vastgoedfonds Noord", company="", trade=""
    )
    OwnerInstructionFactory(
        owner=owner, report_to_own_manager=True, message="Bel Beheer Noord: 020 555 0199."
    )
    complex = ComplexFactory(code="LIN", name="De Linde", city="Utrecht", owner=owner)
    block_a = BuildingBlockFactory(complex=complex, code="A", name="Blok A")
    block_b = BuildingBlockFactory(complex=complex, code="B", name="Blok B")
    apartment = UnitTypeFactory(code="apartment", name="Apartment")
    garage = UnitTypeFactory(code="garage", name="Garage", kind=UnitType.Kind.GARAGE)
    unit = UnitFactory(
        complex=complex,
        building_block=block_a,
        unit_type=apartment,
        street="Lindelaan",
        house_number=12,
        house_number_addition="B",
        postcode="3512AB",
        city="Utrecht",
        rooms=4,
        floor_area=78,
        build_year=1972,
        energy_index=Decimal("1.25"),
        tax_value=Decimal("245000.00"),
        tax_value_year=2025,
        notice_period_months=2,
    )
    UnitFactory(
        complex=complex,
        building_block=block_b,
        unit_type=garage,
        street="Lindelaan",
        house_number=40,
    )
    stairwell = CommonAreaFactory(
        complex=complex,
        building_block=block_a,
        kind=CommonArea.Kind.STAIRWELL,
        name="Trappenhuis A",
    )
    stairwell.units.add(unit)
    InstallationFactory(
        unit=None, common_area=stairwell, name="Trapverlichting", asset_type="light"
    )
    InstallationFactory(unit=unit, name="CV-ketel", asset_type="boiler", brand="Remeha")
    household = HouseholdFactory(name="Fam. Jansen", tenant_number="H424242")
    main_tenant = HouseholdRoleFactory(code="main-tenant", name="Main tenant", ordering=0)
    child = HouseholdRoleFactory(code="child", name="Child", ordering=2)
    PersonFactory(
        household=household,
        role=main_tenant,
        first_name="Jan",
        surname="Jansen",
        birth_date=date(1980, 5, 17),
    )
    PersonFactory(
        household=household,
        role=child,
        first_name="Daan",
        surname="Jansen",
        birth_date=date(2012, 3, 1),
    )
    contract = ContractFactory(
        number="K777001",
        household=household,
        unit=unit,
        start_date=date(2019, 4, 1),
        planned_end_date=date(2040, 3, 31),
        has_service_subscription=True,
    )
    ContractLineFactory(
        contract=contract,
        element=ContractElementFactory(code="net-rent", name="Net rent"),
        monthly_amount=Decimal("712.35"),
    )
    ContractLineFactory(
        contract=contract,
        element=ContractElementFactory(code="service", name="Service costs"),
        monthly_amount=Decimal("48.50"),
    )
    previous = HouseholdFactory(name="Fam. de Vries", tenant_number="H111111")
    old_contract = ContractFactory(
        number="K555001",
        household=previous,
        unit=unit,
        start_date=date(2008, 1, 1),
        end_date=date(2019, 3, 31),
    )
    return Stock(
        complex=complex,
        block_a=block_a,
        block_b=block_b,
        apartment=apartment,
        garage=garage,
        unit=unit,
        household=household,
        contract=contract,
        old_contract=old_contract,
        stairwell=stairwell,
        owner=owner,
    )
