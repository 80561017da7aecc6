"""The repair wizard's rules on plain snapshot data: REP-4 outcomes and REP-7 costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meldpunt.intake.repair_rules import (
    CostReason,
    Outcome,
    cost_decision,
    leaf_outcome,
)

LEAF = {"key": "kitchen-tap-leaking", "children": []}


def template(**values: Any) -> dict[str, Any]:
    base = {
        "code": "tap-leaking",
        "cost": "45.00",
        "vat_rate": "21",
        "inspection_required": False,
        "charged_to_tenant": False,
        "covered_by_service_subscription": False,
        "contract_elements": [],
        "maintenance_forms": [],
    }
    return base | values


def message(nl: str = "", en: str = "", nb: str = "") -> dict[str, Any]:
    return {"code": "tenant-own", "message": {"nl": nl, "en": en, "nb": nb}}


# REP-4 ------------------------------------------------------------------------------------


def test_a_template_goes_on() -> None:
    result = leaf_outcome(
        node=LEAF, template=template(), action_code=None, unit_maintenance_forms=set()
    )
    assert result.outcome is Outcome.TEMPLATE
    assert not result.stops


def test_a_template_wins_over_an_action_code() -> None:
    result = leaf_outcome(
        node=LEAF,
        template=template(),
        action_code=message("Zelf doen"),
        unit_maintenance_forms=set(),
    )
    assert result.outcome is Outcome.TEMPLATE


def test_an_action_code_with_a_message_stops_with_it() -> None:
    action = message("Dit regelt u zelf.")
    result = leaf_outcome(
        node=LEAF, template=None, action_code=action, unit_maintenance_forms=set()
    )
    assert result.outcome is Outcome.ACTION_MESSAGE
    assert result.action_code is action
    assert result.stops


def test_a_message_in_one_language_only_still_counts() -> None:
    result = leaf_outcome(
        node=LEAF, template=None, action_code=message(en="Yourself"), unit_maintenance_forms=set()
    )
    assert result.outcome is Outcome.ACTION_MESSAGE


def test_an_action_code_without_a_message_says_no_request_can_be_made() -> None:
    result = leaf_outcome(
        node=LEAF, template=None, action_code=message(), unit_maintenance_forms=set()
    )
    assert result.outcome is Outcome.NO_REQUEST
    assert result.stops


def test_neither_template_nor_action_code_is_not_specified() -> None:
    result = leaf_outcome(node=LEAF, template=None, action_code=None, unit_maintenance_forms=set())
    assert result.outcome is Outcome.NOT_SPECIFIED
    assert result.stops


@pytest.mark.parametrize(
    ("template_forms", "unit_forms", "expected"),
    [
        (["daily"], {"demolition"}, Outcome.MAINTENANCE_FORM),
        (["daily", "planned"], {"planned"}, Outcome.TEMPLATE),
        (["daily"], set(), Outcome.TEMPLATE),
        ([], {"demolition"}, Outcome.TEMPLATE),
        ([], set(), Outcome.TEMPLATE),
    ],
)
def test_maintenance_forms_stop_only_when_both_sides_have_some_and_none_match(
    template_forms: list[str], unit_forms: set[str], expected: Outcome
) -> None:
    result = leaf_outcome(
        node=LEAF,
        template=template(maintenance_forms=template_forms),
        action_code=None,
        unit_maintenance_forms=unit_forms,
    )
    assert result.outcome is expected


# REP-7 ------------------------------------------------------------------------------------

CHARGED = {"code": "damage", "charged_to_tenant": True}
NOT_CHARGED = {"code": "wear", "charged_to_tenant": False}


def decide(
    *,
    cause: dict[str, Any] | None = None,
    elements: set[str] | None = None,
    subscription: bool = False,
    **values: Any,
):  # type: ignore[no-untyped-def]
    return cost_decision(
        template=template(**values),
        cause=cause,
        contract_elements=elements or set(),
        has_service_subscription=subscription,
    )


def test_an_inspection_skips_the_step() -> None:
    decision = decide(inspection_required=True, charged_to_tenant=True)
    assert not decision.shown
    assert not decision.tenant_pays
    assert decision.reason is CostReason.INSPECTION


def test_a_chargeable_cause_makes_the_tenant_pay() -> None:
    decision = decide(cause=CHARGED)
    assert decision.shown and decision.tenant_pays
    assert decision.reason is CostReason.CAUSE
    assert decision.amount == Decimal("45.00")


def test_a_cause_that_is_not_chargeable_costs_nothing() -> None:
    decision = decide(cause=NOT_CHARGED)
    assert decision.shown and not decision.tenant_pays
    assert decision.reason is CostReason.NONE
    assert decision.amount == Decimal("0.00")


def test_a_template_charged_to_the_tenant() -> None:
    decision = decide(charged_to_tenant=True)
    assert decision.tenant_pays and decision.reason is CostReason.TEMPLATE


def test_contract_elements_none_in_the_contract_charge() -> None:
    decision = decide(contract_elements=["glass-insurance"], elements={"net-rent"})
    assert decision.tenant_pays and decision.reason is CostReason.NOT_IN_CONTRACT


def test_one_contract_element_in_the_contract_makes_it_free() -> None:
    decision = decide(
        contract_elements=["glass-insurance", "tenant-maintenance"],
        elements={"net-rent", "glass-insurance"},
    )
    assert not decision.tenant_pays and decision.reason is CostReason.IN_CONTRACT


def test_a_subscription_template_without_subscription_charges() -> None:
    decision = decide(covered_by_service_subscription=True, subscription=False)
    assert decision.tenant_pays and decision.reason is CostReason.NO_SUBSCRIPTION


def test_a_subscription_template_with_subscription_is_covered() -> None:
    decision = decide(covered_by_service_subscription=True, subscription=True)
    assert not decision.tenant_pays
    assert decision.reason is CostReason.COVERED_BY_SUBSCRIPTION


def test_the_amount_without_vat() -> None:
    decision = decide(charged_to_tenant=True, cost="121.00", vat_rate="21")
    assert decision.amount_excl_vat == Decimal("100.00")


@given(
    cause_charged=st.one_of(st.none(), st.booleans()),
    template_charged=st.booleans(),
    template_elements=st.sets(st.sampled_from(["a", "b", "c"]), max_size=2),
    contract_elements=st.sets(st.sampled_from(["a", "b", "c", "d"]), max_size=3),
    covered=st.booleans(),
    subscription=st.booleans(),
    inspection=st.booleans(),
    cost=st.decimals(min_value=0, max_value=10_000, places=2),
)
def test_the_cost_rules_hold_for_every_combination(
    cause_charged: bool | None,
    template_charged: bool,
    template_elements: set[str],
    contract_elements: set[str],
    covered: bool,
    subscription: bool,
    inspection: bool,
    cost: Decimal,
) -> None:
    cause = None if cause_charged is None else {"code": "c", "charged_to_tenant": cause_charged}
    decision = cost_decision(
        template=template(
            charged_to_tenant=template_charged,
            contract_elements=sorted(template_elements),
            covered_by_service_subscription=covered,
            inspection_required=inspection,
            cost=str(cost),
        ),
        cause=cause,
        contract_elements=contract_elements,
        has_service_subscription=subscription,
    )
    if inspection:
        assert not decision.shown and not decision.tenant_pays
        return
    pays = (
        bool(cause_charged)
        or template_charged
        or (bool(template_elements) and not template_elements & contract_elements)
        or (covered and not subscription)
    )
    assert decision.shown
    assert decision.tenant_pays is pays
    # Free means nothing to pay; paying means the template's amount, never something else.
    assert decision.amount == (cost if pays else Decimal("0.00"))
    if not pays and covered:
        assert decision.reason is CostReason.COVERED_BY_SUBSCRIPTION
    if not pays and template_elements and not covered:
        assert decision.reason is CostReason.IN_CONTRACT
