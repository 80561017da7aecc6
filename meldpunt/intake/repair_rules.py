"""The repair wizard's rules, free of requests and the database (SPEC REP-4, REP-7).

``leaf_outcome`` says what a chosen option leads to; ``cost_decision`` says
whether the tenant pays and what the costs step tells them. Both work on the
plain dictionaries of a tree snapshot (see ``intake.repair_tree``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    TEMPLATE = "template"  # REP-4a: go on with the request
    ACTION_MESSAGE = "action_message"  # REP-4b: the action code's own message; stop
    NOT_SPECIFIED = "not_specified"  # REP-4c: no template, no action code; stop
    NO_REQUEST = "no_request"  # REP-4c: an action code without a message; stop
    MAINTENANCE_FORM = "maintenance_form"  # REP-4d: no maintenance form in common; stop


@dataclass(frozen=True, slots=True)
class LeafOutcome:
    outcome: Outcome
    template: dict[str, Any] | None = None
    action_code: dict[str, Any] | None = None

    @property
    def stops(self) -> bool:
        return self.outcome is not Outcome.TEMPLATE


def leaf_outcome(
    *,
    node: dict[str, Any],
    template: dict[str, Any] | None,
    action_code: dict[str, Any] | None,
    unit_maintenance_forms: frozenset[str] | set[str],
) -> LeafOutcome:
    """What a leaf of the tree leads to for this unit (REP-4 a to d).

    A template wins over an action code. The maintenance-form check only stops
    the tenant when both the template and the unit name forms and none of them
    is shared; when either side names none, the request goes on.
    """
    if template is not None:
        forms = set(template.get("maintenance_forms") or ())
        if forms and unit_maintenance_forms and not forms & set(unit_maintenance_forms):
            return LeafOutcome(Outcome.MAINTENANCE_FORM, template=template)
        return LeafOutcome(Outcome.TEMPLATE, template=template)
    if action_code is not None:
        if any((action_code.get("message") or {}).values()):
            return LeafOutcome(Outcome.ACTION_MESSAGE, action_code=action_code)
        return LeafOutcome(Outcome.NO_REQUEST, action_code=action_code)
    return LeafOutcome(Outcome.NOT_SPECIFIED)


class CostReason(StrEnum):
    INSPECTION = "inspection"  # step skipped: an inspection decides
    CAUSE = "cause"  # REP-7a
    TEMPLATE = "template"  # REP-7b
    NOT_IN_CONTRACT = "not_in_contract"  # REP-7c
    NO_SUBSCRIPTION = "no_subscription"  # REP-7d
    COVERED_BY_SUBSCRIPTION = "covered_by_subscription"
    IN_CONTRACT = "in_contract"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class CostDecision:
    shown: bool
    tenant_pays: bool
    amount: Decimal
    vat_rate: Decimal
    reason: CostReason

    @property
    def amount_excl_vat(self) -> Decimal:
        return (self.amount * 100 / (100 + self.vat_rate)).quantize(Decimal("0.01"))


def cost_decision(
    *,
    template: dict[str, Any],
    cause: dict[str, Any] | None,
    contract_elements: frozenset[str] | set[str],
    has_service_subscription: bool,
) -> CostDecision:
    """Whether the tenant pays for this repair, and why (REP-7).

    The tenant pays when the cause or the template is charged to them, when
    none of the template's contract elements is in their contract, or when
    the template is covered by a service subscription they do not have. The
    first rule that charges names the reason; when none charges, the reason
    says why it is free (their subscription, their contract, or nothing to pay).
    The costs step is skipped when an inspection decides what is done.
    """
    amount = Decimal(str(template.get("cost") or "0"))
    vat_rate = Decimal(str(template.get("vat_rate") or "0"))
    if template.get("inspection_required"):
        return CostDecision(False, False, Decimal("0.00"), vat_rate, CostReason.INSPECTION)
    elements = set(template.get("contract_elements") or ())
    covered = bool(template.get("covered_by_service_subscription"))
    charges = [
        (bool(cause and cause.get("charged_to_tenant")), CostReason.CAUSE),
        (bool(template.get("charged_to_tenant")), CostReason.TEMPLATE),
        (bool(elements) and not elements & set(contract_elements), CostReason.NOT_IN_CONTRACT),
        (covered and not has_service_subscription, CostReason.NO_SUBSCRIPTION),
    ]
    for applies, reason in charges:
        if applies:
            return CostDecision(True, True, amount, vat_rate, reason)
    if covered:
        reason = CostReason.COVERED_BY_SUBSCRIPTION
    elif elements:
        reason = CostReason.IN_CONTRACT
    else:
        reason = CostReason.NONE
    return CostDecision(True, False, Decimal("0.00"), vat_rate, reason)
