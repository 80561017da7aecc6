"""Reads that combine the housing stock with who rents it, scoped by actor.

They live here rather than in ``properties`` because tenancy sits above the
stock: a unit's current household is known only through its contracts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower, LPad
from django.utils import timezone

from meldpunt.common.actors import Actor
from meldpunt.common.pagination import Page, keyset_page
from meldpunt.people.models import Household, Person
from meldpunt.properties.models import BuildingBlock, Complex, Unit, UnitType
from meldpunt.properties.selectors import complexes_visible, units_visible
from meldpunt.tenancy.models import Contract, ContractLine


@dataclass(frozen=True, slots=True)
class StockOverview:
    """The complexes with their counts, and the totals over all of them."""

    complexes: Sequence[Complex]
    unit_count: int
    running_contract_count: int


@dataclass(frozen=True, slots=True)
class UnitTenancy:
    """A unit's contracts (newest first) and the household living there today."""

    contracts: Sequence[Contract]
    current_contract: Contract | None
    persons: list[Person] = field(default_factory=list)

    @property
    def current_household(self) -> Household | None:
        return self.current_contract.household if self.current_contract else None


def _running(prefix: str, today: date) -> Q:
    return Q(**{f"{prefix}start_date__lte": today}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def _count_subquery(queryset: QuerySet, group_field: str) -> Coalesce:
    """``COUNT(*)`` of ``queryset`` per outer row, as an integer column (0 when none)."""
    counted = (
        queryset.order_by().values(group_field).annotate(total=Count("pk")).values("total")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def stock_overview(*, actor: Actor, today: date | None = None) -> StockOverview:
    """Every visible complex with ``unit_count`` and ``running_contract_count``.

    One query: both counts are correlated subqueries, so they never multiply
    each other the way two joined ``COUNT``s would.
    """
    today = today or timezone.localdate()
    units = Unit.objects.filter(complex=OuterRef("pk"))
    running = Contract.objects.filter(_running("", today), unit__complex=OuterRef("pk"))
    complexes = list(
        complexes_visible(actor=actor)
        .select_related("owner")
        .annotate(
            unit_count=_count_subquery(units, "complex"),
            running_contract_count=_count_subquery(running, "unit__complex"),
        )
        .order_by("name", "pk")
    )
    return StockOverview(
        complexes=complexes,
        unit_count=sum(c.unit_count for c in complexes),
        running_contract_count=sum(c.running_contract_count for c in complexes),
    )


def _address_sort_key() -> Concat:
    """Street, zero-padded house number, addition, primary key: address order in one
    text column, so keyset pagination can walk it."""
    return Concat(
        Lower("street"),
        Value("|"),
        LPad(Cast(Coalesce("house_number", Value(0)), CharField()), 8, Value("0")),
        Value("|"),
        Lower("house_number_addition"),
        output_field=CharField(),
    )


def complex_units_page(
    *,
    actor: Actor,
    complex: Complex,
    building_block: BuildingBlock | None = None,
    unit_type: UnitType | None = None,
    cursor: str | None = None,
    size: int = 50,
    today: date | None = None,
) -> Page:
    """One page of the units of ``complex`` in address order, optionally narrowed to a
    building block and a unit type.

    Each unit carries ``current_household`` (the household of the contract
    running ``today``, or ``None``). Two queries per page.
    """
    today = today or timezone.localdate()
    running = Contract.objects.filter(_running("", today)).select_related("household")
    units = (
        units_visible(actor=actor)
        .filter(complex=complex)
        .select_related("unit_type", "building_block")
        .prefetch_related(Prefetch("contracts", queryset=running, to_attr="running_contracts"))
        .annotate(address_key=_address_sort_key())
    )
    if building_block is not None:
        units = units.filter(building_block=building_block)
    if unit_type is not None:
        units = units.filter(unit_type=unit_type)
    page = keyset_page(units, order_field="address_key", cursor=cursor, size=size)
    for unit in page.items:
        unit.current_household = (
            unit.running_contracts[0].household if unit.running_contracts else None
        )
    return page


def unit_tenancy(*, actor: Actor, unit: Unit, today: date | None = None) -> UnitTenancy:
    """The contracts of ``unit`` with their households and lines, each marked
    ``is_running`` and carrying ``monthly_total``, and the persons of the current
    household. Three queries."""
    today = today or timezone.localdate()
    if not actor.is_staff:
        return UnitTenancy(contracts=[], current_contract=None)
    lines = ContractLine.objects.select_related("element").order_by("element__name", "pk")
    persons = Person.objects.select_related("role").order_by("role__ordering", "birth_date", "pk")
    contracts = list(
        Contract.objects.filter(unit=unit)
        .select_related("household")
        .annotate(
            is_running=Case(
                When(_running("", today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch("lines", queryset=lines),
            Prefetch("household__persons", queryset=persons),
        )
        .order_by("-start_date", "-pk")
    )
    for contract in contracts:
        contract.monthly_total = sum(  # type: ignore[attr-defined]
            (line.monthly_amount for line in contract.lines.all()), Decimal(0)
        )
    current = next((c for c in contracts if c.is_running), None)
    return UnitTenancy(
        contracts=contracts,
        current_contract=current,
        persons=list(current.household.persons.all()) if current else [],
    )
