"""Writes to the housing stock: complexes, blocks, units, common areas,
installations and owners' instructions.

Every service runs in one transaction, validates with ``full_clean`` and
records an audit event with the new values. Postcodes are stored one way
(``1234AB``), read in the organization's country.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from meldpunt.common.actors import Actor
from meldpunt.common.audit import audit_record, changes_between, snapshot
from meldpunt.organization.models import Organization
from meldpunt.people.models import Contact
from meldpunt.properties import events
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    OwnerInstruction,
    Unit,
    UnitType,
)
from meldpunt.properties.postcodes import normalize_postcode

UNIT_FIELDS = (
    "code",
    "complex",
    "building_block",
    "unit_type",
    "street",
    "house_number",
    "house_number_addition",
    "postcode",
    "city",
    "country",
    "rooms",
    "floor_area",
    "build_year",
    "energy_index",
    "tax_value",
    "tax_value_year",
    "notice_period_months",
    "owner",
)
INSTALLATION_FIELDS = (
    "name",
    "asset_type",
    "brand",
    "serial_number",
    "installed_on",
    "unit",
    "common_area",
)


def _country() -> str:
    return Organization.objects.values_list("country", flat=True).first() or "NL"


def _check_owner(owner: Contact | None) -> None:
    if owner is not None and owner.kind != Contact.Kind.OWNER:
        raise ValidationError({"owner": _("Choose a contact of the type owner.")})


def _check_block(complex: Complex, building_block: BuildingBlock | None) -> None:
    if building_block is not None and building_block.complex_id != complex.pk:
        raise ValidationError(
            {"building_block": _("This building block belongs to another complex.")}
        )


def complex_create(
    *, actor: Actor, code: str, name: str, city: str = "", owner: Contact | None = None
) -> Complex:
    """A new complex; ``owner`` is empty when the organization owns it itself."""
    _check_owner(owner)
    complex = Complex(code=code.strip().upper(), name=name.strip(), city=city.strip(), owner=owner)
    with transaction.atomic():
        complex.full_clean()
        complex.save()
        audit_record(
            actor=actor,
            verb=events.COMPLEX_CREATED,
            obj=complex,
            changes=changes_between({}, snapshot(complex, ["code", "name", "city", "owner"])),
        )
    return complex


def building_block_create(*, actor: Actor, complex: Complex, code: str, name: str) -> BuildingBlock:
    block = BuildingBlock(complex=complex, code=code.strip().upper(), name=name.strip())
    with transaction.atomic():
        block.full_clean()
        block.save()
        audit_record(
            actor=actor,
            verb=events.BUILDING_BLOCK_CREATED,
            obj=block,
            changes=changes_between({}, snapshot(block, ["complex", "code", "name"])),
        )
    return block


def unit_create(
    *,
    actor: Actor,
    code: str,
    complex: Complex,
    unit_type: UnitType,
    street: str,
    house_number: int,
    postcode: str,
    city: str,
    house_number_addition: str = "",
    building_block: BuildingBlock | None = None,
    rooms: int | None = None,
    floor_area: int | None = None,
    build_year: int | None = None,
    energy_index: Decimal | None = None,
    tax_value: Decimal | None = None,
    tax_value_year: int | None = None,
    notice_period_months: int = 1,
    owner: Contact | None = None,
) -> Unit:
    """A new unit at an address no other unit has.

    The postcode is normalised for the organization's country ("3532 al" →
    "3532AL"); the addition is stored upper-case without a leading dash.
    """
    _check_owner(owner)
    _check_block(complex, building_block)
    country = _country()
    try:
        postcode = normalize_postcode(postcode, country=country)
    except ValidationError as error:
        raise ValidationError({"postcode": error.error_list}) from error
    unit = Unit(
        code=code.strip().upper(),
        complex=complex,
        building_block=building_block,
        unit_type=unit_type,
        street=street.strip(),
        house_number=house_number,
        house_number_addition=house_number_addition.strip().lstrip("-").strip().upper(),
        postcode=postcode,
        city=city.strip(),
        country=country,
        rooms=rooms,
        floor_area=floor_area,
        build_year=build_year,
        energy_index=energy_index,
        tax_value=tax_value,
        tax_value_year=tax_value_year,
        notice_period_months=notice_period_months,
        owner=owner,
    )
    with transaction.atomic():
        unit.full_clean()
        if Unit.objects.filter(
            postcode=unit.postcode,
            house_number=unit.house_number,
            house_number_addition=unit.house_number_addition,
        ).exists():
            raise ValidationError(
                {"house_number": _("Another unit already has this postcode and house number.")}
            )
        unit.save()
        audit_record(
            actor=actor,
            verb=events.UNIT_CREATED,
            obj=unit,
            changes=changes_between({}, snapshot(unit, UNIT_FIELDS)),
        )
    return unit


def common_area_create(
    *,
    actor: Actor,
    complex: Complex,
    kind: str,
    name: str,
    building_block: BuildingBlock | None = None,
    units: Iterable[Unit] = (),
) -> CommonArea:
    """A common area of a complex (or one of its blocks), linked to the units it serves."""
    _check_block(complex, building_block)
    linked = list(units)
    if any(unit.complex_id != complex.pk for unit in linked):
        raise ValidationError({"units": _("Link only units of the same complex.")})
    area = CommonArea(complex=complex, building_block=building_block, kind=kind, name=name.strip())
    with transaction.atomic():
        area.full_clean()
        area.save()
        area.units.set(linked)
        changes = changes_between({}, snapshot(area, ["complex", "building_block", "kind", "name"]))
        changes["units"] = {"old": None, "new": ", ".join(sorted(unit.code for unit in linked))}
        audit_record(actor=actor, verb=events.COMMON_AREA_CREATED, obj=area, changes=changes)
    return area


def installation_create(
    *,
    actor: Actor,
    name: str,
    asset_type: str,
    unit: Unit | None = None,
    common_area: CommonArea | None = None,
    brand: str = "",
    serial_number: str = "",
    installed_on: date | None = None,
) -> Installation:
    """Register an asset on exactly one unit or one common area."""
    if (unit is None) == (common_area is None):
        raise ValidationError(_("Place the installation on a unit or on a common area."))
    installation = Installation(
        name=name.strip(),
        asset_type=asset_type.strip(),
        unit=unit,
        common_area=common_area,
        brand=brand.strip(),
        serial_number=serial_number.strip(),
        installed_on=installed_on,
    )
    with transaction.atomic():
        installation.full_clean()
        installation.save()
        audit_record(
            actor=actor,
            verb=events.INSTALLATION_CREATED,
            obj=installation,
            changes=changes_between({}, snapshot(installation, INSTALLATION_FIELDS)),
        )
    return installation


def owner_instruction_set(
    *, actor: Actor, owner: Contact, report_to_own_manager: bool, message: str = ""
) -> OwnerInstruction:
    """Create or change what an owner wants done with repair requests (SPEC REP-2).

    When the owner's own manager handles repairs, tenants see ``message``
    instead of the repair wizard, so it may not be empty. The audit row lands
    on the owner and is written only when something changed.
    """
    _check_owner(owner)
    message = message.strip()
    if report_to_own_manager and not message:
        raise ValidationError({"message": _("Tell tenants where to report repairs instead.")})
    with transaction.atomic():
        instruction = OwnerInstruction.objects.select_for_update().filter(owner=owner).first()
        before = (
            snapshot(instruction, ["report_to_own_manager", "message"])
            if instruction is not None
            else {}
        )
        if instruction is None:
            instruction = OwnerInstruction(owner=owner)
        instruction.report_to_own_manager = report_to_own_manager
        instruction.message = message
        after = snapshot(instruction, ["report_to_own_manager", "message"])
        changes = changes_between(before, after)
        if changes:
            instruction.full_clean()
            instruction.save()
            audit_record(
                actor=actor, verb=events.OWNER_INSTRUCTION_CHANGED, obj=owner, changes=changes
            )
    return instruction
