from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meldpunt.common.actors import Actor
from meldpunt.common.models import AuditEvent
from meldpunt.people.models import Contact
from meldpunt.properties.models import CommonArea, Installation, OwnerInstruction, Unit
from meldpunt.properties.services import (
    building_block_create,
    common_area_create,
    complex_create,
    installation_create,
    owner_instruction_set,
    unit_create,
)
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ComplexFactory,
    ContactFactory,
    OrganizationFactory,
    UnitFactory,
    UnitTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return Actor.staff(UserFactory(role="admin"))


@pytest.fixture
def owner():
    return ContactFactory(kind=Contact.Kind.OWNER, trade="", name="Heuvelrug Vastgoed")


def _unit(actor, **overrides):
    fields = {
        "code": "1001001",
        "complex": ComplexFactory(),
        "unit_type": UnitTypeFactory(),
        "street": "Lindelaan",
        "house_number": 12,
        "postcode": "3532 AL",
        "city": "Utrecht",
    }
    return unit_create(actor=actor, **(fields | overrides))


# Units ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3532 al", "3532AL", " 3532al ", "3532 AL"])
def test_unit_postcode_is_stored_without_space_in_capitals(actor, organization, typed):
    unit = _unit(actor, postcode=typed)
    assert unit.postcode == "3532AL"
    assert unit.country == "NL"


@pytest.mark.parametrize("typed", ["0532 AL", "3532", "3532 A1", "AB 3532", ""])
def test_unit_with_a_bad_postcode_is_refused_and_nothing_is_stored(actor, organization, typed):
    with pytest.raises(ValidationError) as caught:
        _unit(actor, postcode=typed)
    assert "postcode" in caught.value.message_dict
    assert not Unit.objects.exists()
    assert not AuditEvent.objects.exists()


def test_unit_postcode_follows_the_organizations_country(actor):
    OrganizationFactory(country="NO")
    unit = _unit(actor, postcode="0150", city="Oslo")
    assert unit.postcode == "0150"
    assert unit.country == "NO"


def test_unit_addition_is_stored_without_dash_in_capitals(actor, organization):
    unit = _unit(actor, house_number_addition="-a")
    assert unit.house_number_addition == "A"
    assert unit.address_line == "Lindelaan 12-A"


def test_two_units_cannot_share_an_address(actor, organization):
    _unit(actor, house_number_addition="2")
    with pytest.raises(ValidationError) as caught:
        _unit(actor, code="1001002", house_number_addition="2", postcode="3532al")
    assert "house_number" in caught.value.message_dict
    _unit(actor, code="1001003", house_number_addition="3")
    assert Unit.objects.count() == 2


def test_unit_create_records_the_new_values(actor, organization):
    unit = _unit(actor, energy_index=Decimal("1.45"), tax_value=Decimal("287000"))
    (event,) = AuditEvent.objects.filter(verb="unit.created")
    assert event.object_id == unit.public_id
    assert event.changes["street"] == {"old": None, "new": "Lindelaan"}
    assert event.changes["energy_index"] == {"old": None, "new": "1.45"}


def test_unit_block_must_belong_to_the_units_complex(actor, organization):
    with pytest.raises(ValidationError) as caught:
        _unit(actor, building_block=BuildingBlockFactory())
    assert "building_block" in caught.value.message_dict


def test_unit_owner_must_be_an_owner_contact(actor, organization):
    with pytest.raises(ValidationError) as caught:
        _unit(actor, owner=ContactFactory(kind=Contact.Kind.SUPPLIER))
    assert "owner" in caught.value.message_dict


# Complexes and blocks -----------------------------------------------------------------


def test_complex_and_block_codes_are_unique(actor, organization, owner):
    complex = complex_create(actor=actor, code="2001", name="Havenkwartier", owner=owner)
    assert complex.owner == owner
    with pytest.raises(ValidationError):
        complex_create(actor=actor, code="2001", name="Nog een")
    building_block_create(actor=actor, complex=complex, code="hk", name="Havenplein")
    with pytest.raises(ValidationError):
        building_block_create(actor=actor, complex=complex, code="HK", name="Dubbel")
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert sorted(verbs) == ["building_block.created", "complex.created"]


# Common areas and installations ----------------------------------------------------


def test_common_area_is_linked_to_the_units_it_serves(actor, organization):
    complex = ComplexFactory()
    block = BuildingBlockFactory(complex=complex)
    units = [UnitFactory(complex=complex, building_block=block) for _ in range(3)]
    area = common_area_create(
        actor=actor,
        complex=complex,
        building_block=block,
        kind=CommonArea.Kind.LIFT,
        name="Lift blok B",
        units=units,
    )
    assert set(area.units.all()) == set(units)
    (event,) = AuditEvent.objects.filter(verb="common_area.created")
    assert event.changes["units"]["new"] == ", ".join(sorted(u.code for u in units))


def test_common_area_cannot_serve_units_of_another_complex(actor, organization):
    with pytest.raises(ValidationError) as caught:
        common_area_create(
            actor=actor,
            complex=ComplexFactory(),
            kind=CommonArea.Kind.GARDEN,
            name="Tuin",
            units=[UnitFactory()],
        )
    assert "units" in caught.value.message_dict
    assert not CommonArea.objects.exists()


def test_installation_sits_on_a_unit_or_a_common_area_not_both(actor, organization):
    unit = UnitFactory()
    area = CommonAreaFactory(complex=unit.complex)
    with pytest.raises(ValidationError):
        installation_create(actor=actor, name="CV-ketel", asset_type="boiler")
    with pytest.raises(ValidationError):
        installation_create(
            actor=actor, name="CV-ketel", asset_type="boiler", unit=unit, common_area=area
        )
    boiler = installation_create(
        actor=actor,
        name="CV-ketel",
        asset_type="boiler",
        unit=unit,
        brand="Intergas",
        serial_number="INT-12345678",
    )
    pump = installation_create(
        actor=actor, name="Hydrofoorpomp", asset_type="pump", common_area=area, brand="Grundfos"
    )
    assert {boiler, pump} == set(Installation.objects.all())
    assert AuditEvent.objects.filter(verb="installation.created").count() == 2


# Owner instructions -----------------------------------------------------------------


def test_owner_instruction_is_created_then_changed_with_old_and_new_values(
    actor, organization, owner
):
    owner_instruction_set(
        actor=actor, owner=owner, report_to_own_manager=True, message="Bel onze beheerder."
    )
    instruction = owner_instruction_set(
        actor=actor, owner=owner, report_to_own_manager=False, message="Bel onze beheerder."
    )
    assert OwnerInstruction.objects.get() == instruction
    assert not instruction.report_to_own_manager
    created, changed = AuditEvent.objects.filter(verb="owner_instruction.changed").order_by("id")
    assert created.object_id == owner.public_id
    assert created.changes["report_to_own_manager"] == {"old": None, "new": True}
    assert changed.changes == {"report_to_own_manager": {"old": True, "new": False}}


def test_owner_instruction_unchanged_writes_no_audit_row(actor, organization, owner):
    for _ in range(2):
        owner_instruction_set(
            actor=actor, owner=owner, report_to_own_manager=True, message="Bel onze beheerder."
        )
    assert AuditEvent.objects.filter(verb="owner_instruction.changed").count() == 1


def test_owner_instruction_to_report_elsewhere_needs_a_message(actor, organization, owner):
    with pytest.raises(ValidationError) as caught:
        owner_instruction_set(actor=actor, owner=owner, report_to_own_manager=True, message=" ")
    assert "message" in caught.value.message_dict


def test_owner_instruction_is_only_for_owners(actor, organization):
    with pytest.raises(ValidationError):
        owner_instruction_set(
            actor=actor, owner=ContactFactory(), report_to_own_manager=True, message="x"
        )
