"""Reads of the housing stock, scoped by actor.

Staff see the whole stock of the organization. Other actors get their own
selectors later (a tenant sees only their unit); here they find nothing, so a
foreign or unknown id is always "not found".
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from meldpunt.common.actors import Actor
from meldpunt.people.models import Contact
from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    Unit,
    UnitType,
)

# Public ids are URL-safe tokens of at most this many characters; anything longer
# cannot exist and is answered without a query.
PUBLIC_ID_MAX_LENGTH = 24


def is_plausible_public_id(public_id: object) -> bool:
    return isinstance(public_id, str) and 0 < len(public_id) <= PUBLIC_ID_MAX_LENGTH


def complexes_visible(*, actor: Actor) -> QuerySet[Complex]:
    """The complexes ``actor`` may see (all of them for staff, none otherwise)."""
    if not actor.is_staff:
        return Complex.objects.none()
    return Complex.objects.all()


def units_visible(*, actor: Actor) -> QuerySet[Unit]:
    if not actor.is_staff:
        return Unit.objects.none()
    return Unit.objects.all()


def complex_get(*, actor: Actor, public_id: str) -> Complex:
    """One complex with its building blocks and common areas, ready to display.

    ``building_blocks`` carry ``unit_count``; ``common_areas`` carry their
    building block and ``unit_count`` (the units linked to the area). Three
    queries whatever the size of the complex.
    """
    if not is_plausible_public_id(public_id):
        raise Http404
    blocks = BuildingBlock.objects.annotate(unit_count=Count("units")).order_by("code", "pk")
    areas = (
        CommonArea.objects.select_related("building_block")
        .annotate(unit_count=Count("units"))
        .order_by("name", "pk")
    )
    try:
        return (
            complexes_visible(actor=actor)
            .select_related("owner")
            .prefetch_related(
                Prefetch("building_blocks", queryset=blocks),
                Prefetch("common_areas", queryset=areas),
            )
            .get(public_id=public_id)
        )
    except Complex.DoesNotExist:
        raise Http404 from None


def complex_unit_types(*, actor: Actor, complex: Complex) -> list[UnitType]:
    """The unit types that occur in ``complex``, for a filter menu. One query."""
    if not actor.is_staff:
        return []
    return list(UnitType.objects.filter(units__complex=complex).distinct().order_by("name", "pk"))


def unit_get(*, actor: Actor, public_id: str) -> Unit:
    """One unit with everything its detail page shows except its contracts.

    Loaded along: complex, building block, unit type, the owners of the unit
    and of the complex with their instructions, the common areas (with their
    building block and installations) and the unit's own installations.
    Four queries whatever the number of areas and installations.
    """
    if not is_plausible_public_id(public_id):
        raise Http404
    areas = CommonArea.objects.select_related("building_block").order_by("name", "pk")
    try:
        return (
            units_visible(actor=actor)
            .select_related(
                "complex",
                "complex__owner",
                "complex__owner__owner_instruction",
                "building_block",
                "unit_type",
                "owner",
                "owner__owner_instruction",
            )
            .prefetch_related(
                Prefetch("common_areas", queryset=areas),
                Prefetch(
                    "common_areas__installations",
                    queryset=Installation.objects.order_by("name", "pk"),
                ),
                Prefetch("installations", queryset=Installation.objects.order_by("name", "pk")),
            )
            .get(public_id=public_id)
        )
    except Unit.DoesNotExist:
        raise Http404 from None


def unit_owner(unit: Unit) -> Contact | None:
    """Who owns ``unit``: its own owner, else the complex's owner, else the organization
    (``None``). Uses only what ``unit_get`` loaded."""
    return unit.owner or unit.complex.owner
