"""Helpers that add rows to the test stock."""

from __future__ import annotations

from datetime import date

from meldpunt.properties.models import BuildingBlock, Complex, Unit
from tests.factories import (
    ContractFactory,
    ContractLineFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
)


def add_let_units(
    complex: Complex, count: int, *, block: BuildingBlock | None = None, start: int = 100
) -> list[Unit]:
    """``count`` more units in ``complex``, each with a running contract and a person."""
    units = []
    for number in range(start, start + count):
        unit = UnitFactory(complex=complex, building_block=block, house_number=number)
        household = HouseholdFactory()
        PersonFactory(household=household)
        contract = ContractFactory(unit=unit, household=household, start_date=date(2020, 1, 1))
        ContractLineFactory(contract=contract)
        units.append(unit)
    return units
