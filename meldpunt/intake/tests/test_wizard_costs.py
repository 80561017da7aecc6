"""Step 3 of the repair wizard, the costs (SPEC REP-7), through the wizard: the unit's
running contract decides with the template and the chosen cause; the step is skipped
when an inspection decides; the tenant must agree to costs; the organization may
refuse requests with costs altogether."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meldpunt.intake.models import RepairSettings, RepairWizard
from meldpunt.intake.repair_rules import LeafOutcome, Outcome
from meldpunt.intake.tests.conftest import Place, RepairTreeParts, WizardWalk
from meldpunt.intake.wizard import Step, first_missing, next_step
from meldpunt.intake.wizard_defect import LeafResult, costs_for, wizard_defect_confirm
from meldpunt.intake.wizard_details import wizard_costs_accept
from meldpunt.tenancy.models import Contract, ContractLine
from tests.factories import ContractElementFactory, ContractLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def contract_of(place: Place) -> Contract:
    return Contract.objects.get(unit=place.unit)


def test_a_repair_covered_by_the_subscription_is_free_with_one_and_charged_without(
    walk: WizardWalk, place: Place
):
    costs = walk.confirmed("kitchen-tap-leaking").state["costs"]
    assert costs == {
        "shown": True,
        "tenant_pays": True,
        "amount": "45.00",
        "vat_rate": "21.0",
        "reason": "no_subscription",
    }
    contract = contract_of(place)
    contract.has_service_subscription = True
    contract.save()
    costs = walk.confirmed("kitchen-tap-leaking").state["costs"]
    assert costs["tenant_pays"] is False and costs["amount"] == "0.00"
    assert costs["reason"] == "covered_by_subscription"
    assert costs["shown"] is True


def test_a_template_charged_to_the_tenant_costs_its_amount(walk: WizardWalk):
    costs = walk.confirmed("kitchen-tap-stiff").state["costs"]
    assert (costs["tenant_pays"], costs["amount"], costs["reason"]) == (True, "30.00", "template")


def test_contract_elements_and_a_chargeable_cause(
    walk: WizardWalk, place: Place, repair_tree: RepairTreeParts
):
    key = "kitchen-cupboard-door-loose"
    costs = walk.confirmed(key, cause="wear").state["costs"]
    assert (costs["tenant_pays"], costs["reason"]) == (True, "not_in_contract")
    ContractLineFactory(
        contract=contract_of(place),
        element=repair_tree.templates["cupboard-door"].contract_elements.get(),
    )
    costs = walk.confirmed(key, cause="wear").state["costs"]
    assert (costs["tenant_pays"], costs["reason"]) == (False, "in_contract")
    costs = walk.confirmed(key, cause="damage").state["costs"]
    assert (costs["tenant_pays"], costs["amount"], costs["reason"]) == (True, "25.00", "cause")


def test_no_running_contract_means_no_elements_and_no_subscription(walk: WizardWalk, place: Place):
    contract = contract_of(place)
    contract.end_date = timezone.localdate() - timedelta(days=1)
    contract.save()
    costs = walk.confirmed("kitchen-tap-leaking").state["costs"]
    assert (costs["tenant_pays"], costs["reason"]) == (True, "no_subscription")


def test_nothing_to_pay_says_so(walk: WizardWalk, place: Place):
    wizard = walk.identified()
    costs = walk.confirmed("kitchen-water-pressure-low", wizard=wizard).state["costs"]
    assert costs["shown"] is True
    assert (costs["tenant_pays"], costs["reason"]) == (False, "none")


def test_an_inspection_skips_the_costs_step(walk: WizardWalk):
    wizard = walk.confirmed("living-heating-radiator-cold")
    assert wizard.state["costs"]["shown"] is False
    assert first_missing(wizard, Step.PHOTOS) is None
    assert next_step(wizard, Step.DEFECT) == Step.PHOTOS
    assert "costs" not in [e.step for e in wizard.events.filter(kind="step")]
    with pytest.raises(ValidationError):
        wizard_costs_accept(wizard=wizard, consent=True)


def test_costs_need_the_tenants_consent(walk: WizardWalk):
    wizard = walk.confirmed("kitchen-tap-stiff")
    with pytest.raises(ValidationError) as caught:
        wizard_costs_accept(wizard=wizard, consent=False)
    assert "consent" in caught.value.message_dict
    assert Step.COSTS not in wizard.state["done"]
    wizard_costs_accept(wizard=wizard, consent=True)
    assert wizard.state["costs"]["consent_at"]
    assert Step.COSTS in wizard.state["done"]
    assert first_missing(wizard, Step.PHOTOS) is None


def test_free_repairs_need_no_consent(walk: WizardWalk, place: Place):
    wizard = walk.confirmed("kitchen-water-pressure-low")
    wizard_costs_accept(wizard=wizard, consent=False)
    assert wizard.state["costs"]["consent_at"] is None
    assert Step.COSTS in wizard.state["done"]


def test_the_costs_step_cannot_be_answered_before_the_defect(walk: WizardWalk):
    wizard = walk.chosen("kitchen-tap-stiff")
    with pytest.raises(ValidationError):
        wizard_costs_accept(wizard=wizard, consent=True)


def test_when_costs_block_requests_a_paid_repair_stops_and_a_free_one_goes_on(
    walk: WizardWalk, repair_on: RepairSettings
):
    repair_on.costs_block_submit = True
    repair_on.save()
    wizard = walk.confirmed("kitchen-tap-stiff")
    assert wizard.status == RepairWizard.Status.STOPPED
    assert wizard.state["stop"]["reason"] == "costs_blocked"
    assert wizard.events.filter(kind="stopped", step="costs").count() == 1
    assert walk.confirmed("kitchen-water-pressure-low").status == RepairWizard.Status.ACTIVE


def test_changing_the_cause_on_the_way_back_changes_the_costs(walk: WizardWalk):
    wizard = walk.confirmed("kitchen-cupboard-door-loose", cause="damage")
    wizard_costs_accept(wizard=wizard, consent=True)
    wizard_defect_confirm(wizard=wizard, node_key="kitchen-cupboard-door-loose", cause_code="wear")
    assert wizard.state["costs"]["reason"] == "not_in_contract"
    assert "consent_at" not in wizard.state["costs"]
    assert Step.COSTS not in wizard.state["done"]


# ---------------------------------------------------------------- the rules' invariants

CHARGES = ("cause", "template", "not_in_contract", "no_subscription")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cause_charged=st.one_of(st.none(), st.booleans()),
    charged=st.booleans(),
    covered=st.booleans(),
    inspection=st.booleans(),
    template_elements=st.sets(st.sampled_from(["net-rent", "tenant-maintenance", "cleaning"])),
    contract=st.one_of(
        st.none(),
        st.tuples(
            st.sets(st.sampled_from(["net-rent", "tenant-maintenance", "cleaning"])),
            st.booleans(),
        ),
    ),
    cost=st.decimals(min_value=0, max_value=500, places=2),
)
def test_the_costs_step_keeps_the_rules_invariants(
    walk: WizardWalk,
    place: Place,
    cause_charged: bool | None,
    charged: bool,
    covered: bool,
    inspection: bool,
    template_elements: set[str],
    contract: tuple[set[str], bool] | None,
    cost: Decimal,
):
    existing = Contract.objects.get(unit=place.unit)
    ContractLine.objects.filter(contract=existing).delete()
    if contract is None:
        existing.end_date = existing.start_date
        existing.has_service_subscription = False
    else:
        elements, subscription = contract
        existing.end_date = None
        existing.has_service_subscription = subscription
        for code in elements:
            ContractLineFactory(contract=existing, element=ContractElementFactory(code=code))
    existing.save()
    template = {
        "code": "generated",
        "cost": str(cost),
        "vat_rate": "21",
        "inspection_required": inspection,
        "charged_to_tenant": charged,
        "covered_by_service_subscription": covered,
        "contract_elements": sorted(template_elements),
    }
    cause = None if cause_charged is None else {"code": "c", "charged_to_tenant": cause_charged}
    wizard = walk.identified()
    result = LeafResult(
        node={"key": "generated"},
        outcome=LeafOutcome(Outcome.TEMPLATE, template=template),
        path=[],
    )
    costs = costs_for(wizard=wizard, result=result, cause=cause, today=timezone.localdate())

    in_contract = set(contract[0]) if contract else set()
    subscription = bool(contract and contract[1])
    expected_charges = [
        reason
        for reason, applies in zip(
            CHARGES,
            (
                bool(cause_charged),
                charged,
                bool(template_elements) and not template_elements & in_contract,
                covered and not subscription,
            ),
            strict=True,
        )
        if applies
    ]
    assert costs["shown"] is (not inspection)
    if inspection:
        assert costs["tenant_pays"] is False and Decimal(costs["amount"]) == 0
        return
    assert costs["tenant_pays"] is bool(expected_charges)
    if expected_charges:
        # The first rule that charges names the reason; the amount is the template's.
        assert costs["reason"] == expected_charges[0]
        assert Decimal(costs["amount"]) == cost
    else:
        assert Decimal(costs["amount"]) == 0
        assert costs["reason"] in {"covered_by_subscription", "in_contract", "none"}
        if covered:
            assert costs["reason"] == "covered_by_subscription"
        elif template_elements:
            assert costs["reason"] == "in_contract"
