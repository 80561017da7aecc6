"""Writes to contracts: start one with its lines, end one.

A unit is let to one household at a time: a contract whose dates overlap
another contract on the same unit is refused. The unit row is locked while
checking, so two clerks cannot let the same unit at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.people.models import Household
from meldpunt.properties.models import Unit
from meldpunt.tenancy import events
from meldpunt.tenancy.models import Contract, ContractElement, ContractLine

CONTRACT_FIELDS = (
    "number",
    "household",
    "unit",
    "start_date",
    "end_date",
    "planned_end_date",
    "has_service_subscription",
)
CENT = Decimal("0.01")


def _overlapping(*, unit: Unit, start_date: date, end_date: date | None) -> Contract | None:
    """The first contract on ``unit`` that runs on any day of ``[start_date, end_date]``."""
    contracts = Contract.objects.filter(unit=unit).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date)
    )
    if end_date is not None:
        contracts = contracts.filter(start_date__lte=end_date)
    return contracts.order_by("start_date").first()


def contract_create(
    *,
    actor: Actor,
    number: str,
    household: Household,
    unit: Unit,
    start_date: date,
    end_date: date | None = None,
    planned_end_date: date | None = None,
    has_service_subscription: bool = False,
    lines: Iterable[tuple[ContractElement, Decimal]] = (),
) -> Contract:
    """A contract for ``unit`` with its monthly lines (element, amount).

    Raises ``ValidationError`` when another contract on the unit overlaps the
    dates, or when an element appears twice.
    """
    line_items = [(element, Decimal(amount).quantize(CENT)) for element, amount in lines]
    codes = [element.code for element, _amount in line_items]
    if len(codes) != len(set(codes)):
        raise ValidationError({"lines": _("Each contract element can appear only once.")})
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("A contract cannot end before it starts.")})
    if planned_end_date is not None and planned_end_date < start_date:
        raise ValidationError({"planned_end_date": _("A contract cannot end before it starts.")})
    contract = Contract(
        number=number.strip(),
        household=household,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        planned_end_date=planned_end_date,
        has_service_subscription=has_service_subscription,
    )
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        contract.full_clean()
        existing = _overlapping(unit=unit, start_date=start_date, end_date=end_date)
        if existing is not None:
            raise ValidationError(
                _(
                    "This unit is already let under contract %(number)s from %(start)s; "
                    "the dates of a new contract may not overlap it."
                ),
                code="contract_overlap",
                params={"number": existing.number, "start": date_format(existing.start_date)},
            )
        contract.save()
        contract_lines = [
            ContractLine(contract=contract, element=element, monthly_amount=amount)
            for element, amount in line_items
        ]
        for line in contract_lines:
            line.full_clean(validate_unique=False, validate_constraints=False)
        ContractLine.objects.bulk_create(contract_lines)
        changes = changes_between({}, snapshot(contract, CONTRACT_FIELDS))
        changes["lines"] = {
            "old": None,
            "new": ", ".join(f"{element.code} {amount}" for element, amount in line_items),
        }
        audit_record(actor=actor, verb=events.CONTRACT_CREATED, obj=contract, changes=changes)
    return contract


def contract_end(*, actor: Actor, contract: Contract, end_date: date) -> Contract:
    """End a running contract on ``end_date`` (the last day it runs)."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.end_date is not None:
            raise ValidationError(
                _("This contract has already ended on %(date)s."),
                code="contract_ended",
                params={"date": date_format(locked.end_date)},
            )
        if end_date < locked.start_date:
            raise ValidationError({"end_date": _("A contract cannot end before it starts.")})
        before = snapshot(locked, ["end_date"])
        locked.end_date = end_date
        locked.full_clean()
        locked.save(update_fields=["end_date", "updated_at"])
        audit_record(
            actor=actor,
            verb=events.CONTRACT_ENDED,
            obj=locked,
            changes=changes_between(before, snapshot(locked, ["end_date"])),
        )
    return locked
