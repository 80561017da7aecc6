"""Fixtures for the public report form: the shipped categories, a let home (from the
incident fixtures), an empty home, and uploads stored in a temporary folder."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from meldpunt.incidents.tests.conftest import Place, categories, phases, place  # noqa: F401
from meldpunt.properties.models import Unit
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def empty_unit(place: Place) -> Unit:  # noqa: F811
    """Merelstraat 12-B: the neighbour of ``place``, not let to anyone."""
    return UnitFactory(
        complex=place.complex,
        code="VOG-012B",
        street="Merelstraat",
        house_number=12,
        house_number_addition="B",
        postcode="3521KL",
        city="Utrecht",
    )


def jpeg_bytes(
    size: tuple[int, int] = (40, 30), colour: tuple[int, int, int] = (200, 0, 0)
) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="JPEG")
    return output.getvalue()
