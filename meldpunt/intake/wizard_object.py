"""Step 1 of the repair wizard: which object the request is about (SPEC REP-2, A-21).

An anonymous visitor names the home by postcode and house number or tenant
number (the public report form's rules, ``unit_resolve``); in the portal the
tenant picks one of the household's rented units. Then: the home itself or
one of its common areas (by default those of its building block, "show all"
for the whole complex). The wizard stops here when the home's owner wants
repairs reported to their own manager. Knowing the home fixes the question
tree revision the rest of the pass runs on.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.models import RepairWizard
from meldpunt.intake.repair_tree import snapshot_current, tree_for_unit
from meldpunt.intake.selectors import UnitQuery, unit_resolve
from meldpunt.intake.wizard import (
    Step,
    StopReason,
    WizardIdentity,
    step_done,
    step_reach,
    steps_undone,
    wizard_lock,
    wizard_save,
    wizard_stop,
)
from meldpunt.people.models import Household
from meldpunt.properties.models import CommonArea, OwnerInstruction, Unit
from meldpunt.tenancy.models import Contract


def common_areas_for(unit: Unit, *, everything: bool = False) -> list[CommonArea]:
    """The common areas a tenant of ``unit`` may report on (REP-2, A-21).

    By default: those linked to the unit, those of its building block and
    those of the complex that belong to no block. ``everything`` adds the
    rest of the complex.
    """
    condition = Q(units=unit)
    if everything:
        condition |= Q(complex_id=unit.complex_id)
    else:
        condition |= Q(complex_id=unit.complex_id, building_block__isnull=True)
        if unit.building_block_id is not None:
            condition |= Q(building_block_id=unit.building_block_id)
    return list(CommonArea.objects.filter(condition).distinct().order_by("name", "id"))


def owner_instruction_for(unit: Unit) -> OwnerInstruction | None:
    """The instruction of an external owner (the unit's, else the complex's) who wants
    repairs reported to their own manager."""
    owners = [owner for owner in (unit.owner_id, unit.complex.owner_id) if owner is not None]
    if not owners:
        return None
    found = {
        instruction.owner_id: instruction
        for instruction in OwnerInstruction.objects.filter(
            owner_id__in=owners, report_to_own_manager=True
        )
    }
    return next((found[owner] for owner in owners if owner in found), None)


def units_for_household(household: Household, today: date | None = None) -> list[Unit]:
    """The units of the household's running contracts (the portal's step 1)."""
    today = today or timezone.localdate()
    return [
        contract.unit
        for contract in Contract.objects.running_on(today)
        .filter(household=household)
        .select_related("unit", "unit__complex")
        .order_by("unit__street", "unit__house_number", "unit__house_number_addition", "pk")
    ]


def _unit_set(
    wizard: RepairWizard,
    *,
    unit: Unit,
    household: Household | None,
    address_typed: bool,
    now: datetime,
) -> RepairWizard:
    tree = tree_for_unit(unit)
    if tree is None:
        raise ValidationError(
            _("Repairs for this home cannot be reported online. Please call us."),
            code="no_tree",
        )
    with transaction.atomic():
        wizard_lock(wizard, now)
        if wizard.unit_id != unit.pk or wizard.snapshot is None:
            wizard.snapshot = snapshot_current(tree)
            wizard.common_area = None
            for key in ("path", "cause", "costs", "leaf", "object_chosen"):
                wizard.state.pop(key, None)
            steps_undone(wizard, Step.OBJECT, Step.DEFECT, Step.COSTS)
        wizard.unit = unit
        if wizard.mode == RepairWizard.Mode.ANONYMOUS:
            wizard.household = household
        wizard.state["address_typed"] = address_typed
        fields = ("unit", "household", "snapshot", "common_area")
        instruction = owner_instruction_for(unit)
        if instruction is not None:
            wizard_save(wizard, now, *fields)
            wizard_stop(
                wizard,
                reason=StopReason.OWNER,
                now=now,
                step=Step.OBJECT,
                details={"message": instruction.message},
            )
            return wizard
        if not common_areas_for(unit, everything=True):
            # Nothing to choose: the request is about the home itself.
            _object_done(wizard)
        wizard_save(wizard, now, *fields)
    return wizard


def _object_done(wizard: RepairWizard) -> None:
    wizard.state["object_chosen"] = True
    step_done(wizard, Step.OBJECT)
    step_reach(wizard, Step.DEFECT)


def wizard_identify(
    *, wizard: RepairWizard, query: UnitQuery, country: str = "NL", now: datetime | None = None
) -> RepairWizard:
    """Anonymous step 1: the home by postcode and house number or tenant number.

    Raises ``ValidationError`` keyed by field, with the same messages as the
    public report form; the household renting the home is attached to the
    pass (for the request) but never shown.
    """
    now = now or timezone.now()
    match = unit_resolve(query=query, country=country, today=timezone.localdate(now))
    return _unit_set(
        wizard,
        unit=match.unit,
        household=match.household,
        address_typed=match.address_typed,
        now=now,
    )


def wizard_unit_choose(
    *, wizard: RepairWizard, identity: WizardIdentity, unit: Unit, now: datetime | None = None
) -> RepairWizard:
    """Portal step 1: one of the household's rented units."""
    if identity.household is None or unit.pk not in {
        own.pk for own in units_for_household(identity.household)
    }:
        raise ValidationError({"unit": _("Choose one of your homes.")}, code="invalid")
    return _unit_set(
        wizard,
        unit=unit,
        household=identity.household,
        address_typed=True,
        now=now or timezone.now(),
    )


def wizard_object_choose(
    *, wizard: RepairWizard, common_area: CommonArea | None, now: datetime | None = None
) -> RepairWizard:
    """Step 1: the home itself (``None``) or one of its common areas."""
    now = now or timezone.now()
    if wizard.unit is None:
        raise ValidationError(_("First tell us which home it is about."), code="no_unit")
    if common_area is not None and common_area.pk not in {
        area.pk for area in common_areas_for(wizard.unit, everything=True)
    }:
        raise ValidationError(
            {"place": _("Choose your home or one of the common areas listed.")}, code="invalid"
        )
    with transaction.atomic():
        wizard_lock(wizard, now)
        if wizard.common_area_id != (common_area.pk if common_area else None):
            wizard.state.pop("path", None)
            wizard.state.pop("cause", None)
            wizard.state.pop("costs", None)
            wizard.state.pop("leaf", None)
            steps_undone(wizard, Step.DEFECT, Step.COSTS)
        wizard.common_area = common_area
        _object_done(wizard)
        wizard_save(wizard, now, "common_area")
    return wizard
