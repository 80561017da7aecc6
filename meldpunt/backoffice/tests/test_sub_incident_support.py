"""Fixtures and helpers shared by the sub-incident and work-order page tests."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.incidents.models import Incident, SubIncident
from meldpunt.incidents.sub_incidents import SubIncidentDraft, sub_incident_create
from meldpunt.incidents.tests.conftest import incident_make, phases, place  # noqa: F401
from meldpunt.people.models import Contact
from tests.factories import ContactFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def png(size: tuple[int, int] = (20, 20)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 0, 0)).save(output, format="PNG")
    return output.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(make_staff) -> User:  # type: ignore[no-untyped-def]
    return make_staff(role=StaffRole.USER, first_name="Sanne", last_name="de Boer")


@pytest.fixture
def client_(staff: User) -> Client:
    client = Client(**EN)
    client.force_login(staff)
    return client


@pytest.fixture
def incident(place, phases, organization) -> Incident:  # type: ignore[no-untyped-def]  # noqa: F811
    return incident_make(
        title="Lekkage in de badkamer",
        description="Water onder het bad",
        unit=place.unit,
        household=place.household,
    )


@pytest.fixture
def supplier(db) -> Contact:  # type: ignore[no-untyped-def]
    return ContactFactory(
        kind=Contact.Kind.SUPPLIER,
        name="Piet Loodgieter",
        company="Loodgietersbedrijf Piet",
        email="piet@example.com",
        phone="+31301234567",
        trade=Contact.Trade.PLUMBER,
    )


@pytest.fixture
def owner(db) -> Contact:  # type: ignore[no-untyped-def]
    return ContactFactory(
        kind=Contact.Kind.OWNER,
        name="Vastgoedfonds Zuid",
        company="",
        email="fonds@example.com",
        trade="",
    )


def make_sub_incident(
    actor: Actor, incident: Incident, *, kind: str = SubIncident.Kind.EXTERNAL, **values: Any
) -> SubIncident:
    values.setdefault("title", "Lekkage verhelpen")
    return sub_incident_create(
        actor=actor, incident=incident, draft=SubIncidentDraft(kind=kind, **values)
    )


@pytest.fixture
def work_order(staff, incident, supplier) -> SubIncident:  # type: ignore[no-untyped-def]
    return make_sub_incident(
        Actor.staff(staff), incident, contact=supplier, description="Kraan lekt"
    )


def detail_url(sub_incident: SubIncident, name: str = "sub_incident_detail") -> str:
    return reverse(f"backoffice:{name}", args=[sub_incident.public_id])
