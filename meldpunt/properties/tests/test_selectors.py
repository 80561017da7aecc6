from __future__ import annotations

import pytest
from django.http import Http404

from meldpunt.common.actors import Actor
from meldpunt.people.models import Contact
from meldpunt.properties.models import UnitType
from meldpunt.properties.selectors import (
    complex_get,
    complex_unit_types,
    complexes_visible,
    is_plausible_public_id,
    unit_get,
    unit_owner,
    units_visible,
)
from tests.factories import (
    BuildingBlockFactory,
    CommonAreaFactory,
    ComplexFactory,
    ContactFactory,
    InstallationFactory,
    OwnerInstructionFactory,
    UnitFactory,
    UnitTypeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.staff(make_staff(role="agent"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", True), ("x" * 24, True), ("", False), ("x" * 25, False), (None, False), (12, False)],
)
def test_plausible_public_ids(value, expected):
    assert is_plausible_public_id(value) is expected


def test_staff_see_all_complexes_and_units_others_see_none(staff):
    unit = UnitFactory()
    assert list(complexes_visible(actor=staff)) == [unit.complex]
    assert list(units_visible(actor=staff)) == [unit]
    system = Actor.system()
    assert not complexes_visible(actor=system).exists()
    assert not units_visible(actor=system).exists()


def test_complex_get_loads_blocks_and_areas_with_unit_counts(staff, django_assert_num_queries):
    complex = ComplexFactory()
    block = BuildingBlockFactory(complex=complex, code="A")
    BuildingBlockFactory(complex=complex, code="B")
    units = [UnitFactory(complex=complex, building_block=block) for _ in range(3)]
    area = CommonAreaFactory(complex=complex, building_block=block)
    area.units.add(*units[:2])
    with django_assert_num_queries(3):
        loaded = complex_get(actor=staff, public_id=complex.public_id)
        blocks = {b.code: b.unit_count for b in loaded.building_blocks.all()}
        areas = [(a.building_block.code, a.unit_count) for a in loaded.common_areas.all()]
    assert blocks == {"A": 3, "B": 0}
    assert areas == [("A", 2)]


@pytest.mark.parametrize("public_id", ["nope", "", "x" * 40])
def test_complex_get_raises_404_for_unknown_ids(staff, public_id):
    ComplexFactory()
    with pytest.raises(Http404):
        complex_get(actor=staff, public_id=public_id)


def test_complex_get_raises_404_for_actors_without_access():
    complex = ComplexFactory()
    with pytest.raises(Http404):
        complex_get(actor=Actor.system(), public_id=complex.public_id)


def test_complex_unit_types_are_those_used_in_the_complex(staff):
    complex = ComplexFactory()
    apartment = UnitTypeFactory(code="apartment", name="Apartment")
    garage = UnitTypeFactory(code="garage", name="Garage", kind=UnitType.Kind.GARAGE)
    UnitTypeFactory(code="shop", name="Shop", kind=UnitType.Kind.COMMERCIAL)
    UnitFactory(complex=complex, unit_type=garage)
    UnitFactory(complex=complex, unit_type=apartment)
    UnitFactory(complex=complex, unit_type=apartment)
    UnitFactory(unit_type=UnitTypeFactory(code="shop"))  # in another complex
    assert complex_unit_types(actor=staff, complex=complex) == [apartment, garage]
    assert complex_unit_types(actor=Actor.system(), complex=complex) == []


def test_unit_get_loads_everything_the_detail_page_needs(staff, django_assert_num_queries):
    owner = ContactFactory(kind=Contact.Kind.OWNER, trade="")
    OwnerInstructionFactory(owner=owner, message="Call our manager.")
    complex = ComplexFactory(owner=owner)
    block = BuildingBlockFactory(complex=complex)
    unit = UnitFactory(complex=complex, building_block=block)
    for index in range(3):
        area = CommonAreaFactory(complex=complex, building_block=block, name=f"Area {index}")
        area.units.add(unit)
        InstallationFactory(unit=None, common_area=area)
        InstallationFactory(unit=unit, name=f"Boiler {index}")
    with django_assert_num_queries(4):
        loaded = unit_get(actor=staff, public_id=unit.public_id)
        assert loaded.complex.owner.owner_instruction.message == "Call our manager."
        assert loaded.building_block.name == block.name
        assert loaded.unit_type.name
        assert [a.name for a in loaded.common_areas.all()] == ["Area 0", "Area 1", "Area 2"]
        assert all(a.building_block and a.installations.all() for a in loaded.common_areas.all())
        assert len(loaded.installations.all()) == 3
        assert unit_owner(loaded) == owner


@pytest.mark.parametrize("public_id", ["nope", "x" * 25])
def test_unit_get_raises_404_for_unknown_ids(staff, public_id):
    UnitFactory()
    with pytest.raises(Http404):
        unit_get(actor=staff, public_id=public_id)


def test_unit_get_raises_404_for_actors_without_access():
    unit = UnitFactory()
    with pytest.raises(Http404):
        unit_get(actor=Actor.system(), public_id=unit.public_id)


def test_unit_owner_prefers_the_units_own_owner(staff):
    complex_owner = ContactFactory(kind=Contact.Kind.OWNER, trade="")
    unit_owner_contact = ContactFactory(kind=Contact.Kind.OWNER, trade="")
    unit = UnitFactory(complex=ComplexFactory(owner=complex_owner), owner=unit_owner_contact)
    assert unit_owner(unit_get(actor=staff, public_id=unit.public_id)) == unit_owner_contact


def test_unit_owner_is_none_for_own_stock(staff):
    unit = UnitFactory()
    assert unit_owner(unit_get(actor=staff, public_id=unit.public_id)) is None
