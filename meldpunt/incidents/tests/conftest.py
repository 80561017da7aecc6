"""Shared incident fixtures: the shipped phases and categories, staff actors, a
let unit with its household, and a quick way to make incidents.

``incident_make`` writes rows directly (no notifications, no audit), for tests
that need incidents to exist; tests of creating one call ``incident_create``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.actors import Actor
from meldpunt.incidents.models import Category, Incident, Message, Phase
from meldpunt.incidents.services import incident_search_text_refresh
from meldpunt.people.models import Household, Person
from meldpunt.properties.models import Complex, Unit
from tests.factories import (
    ComplexFactory,
    ContractFactory,
    HouseholdFactory,
    HouseholdRoleFactory,
    PersonFactory,
    UnitFactory,
)


@pytest.fixture
def phases(db) -> dict[str, Phase]:  # type: ignore[no-untyped-def]
    """The shipped phases by code: new, in_progress, waiting_tenant, waiting_supplier,
    resolved, closed."""
    return {phase.code: phase for phase in Phase.objects.all()}


@pytest.fixture
def categories(db) -> dict[str, Category]:  # type: ignore[no-untyped-def]
    """The shipped categories by English name (Repair, Nuisance, Warranty …)."""
    return {category.name_en: category for category in Category.objects.all()}


@pytest.fixture
def staff_user(make_staff) -> User:  # type: ignore[no-untyped-def]
    return make_staff(role=StaffRole.USER, first_name="Sanne", last_name="de Boer")


@pytest.fixture
def staff_actor(staff_user: User) -> Actor:
    return Actor.staff(staff_user)


@pytest.fixture
def admin_actor(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.staff(make_staff(role=StaffRole.ADMIN, first_name="Ad", last_name="Min"))


@dataclass
class Place:
    complex: Complex
    unit: Unit
    household: Household
    person: Person


@pytest.fixture
def place(organization) -> Place:  # type: ignore[no-untyped-def]
    """Merelstraat 12-A in Utrecht, let to the Yilmaz household (tenant number H700123)."""
    complex = ComplexFactory(code="VOG", name="Vogelwijk", city="Utrecht")
    unit = UnitFactory(
        complex=complex,
        code="VOG-012A",
        street="Merelstraat",
        house_number=12,
        house_number_addition="A",
        postcode="3521KL",
        city="Utrecht",
    )
    household = HouseholdFactory(
        name="Fam. Yılmaz",
        tenant_number="H700123",
        email="yilmaz@example.net",
        phone="+31612345678",
    )
    person = PersonFactory(
        household=household,
        role=HouseholdRoleFactory(),
        first_name="Ayşe",
        surname="Yılmaz",
        email="ayse@example.net",
        phone="+31687654321",
    )
    ContractFactory(household=household, unit=unit, start_date=date(2019, 1, 1))
    return Place(complex=complex, unit=unit, household=household, person=person)


def incident_make(**values: Any) -> Incident:
    """An incident written directly, with sensible defaults and its search text built.

    ``messages`` (a list of texts) adds internal messages; ``created_at`` may be
    given to place it in time.
    """
    message_texts = values.pop("messages", [])
    created_at = values.pop("created_at", None)
    phase = values.pop("phase", None) or Phase.objects.get(is_initial=True)
    values.setdefault("kind", Incident.Kind.ON_BEHALF)
    values.setdefault("title", "Lekkage in de badkamer")
    values.setdefault("description", "")
    if values["kind"] == Incident.Kind.ARCHIVE:
        values.setdefault("relevant_on", timezone.localdate() - timedelta(days=30))
    incident = Incident.objects.create(
        phase=phase,
        is_open=not phase.is_closed,
        closed_at=timezone.now() if phase.is_closed else None,
        **values,
    )
    for text in message_texts:
        Message.objects.create(incident=incident, visibility="internal", body=text)
    if created_at is not None:
        Incident.objects.filter(pk=incident.pk).update(
            created_at=created_at, last_activity_at=created_at
        )
        incident.refresh_from_db()
    incident_search_text_refresh(incident=incident)
    return incident


@pytest.fixture
def make_incident(db) -> Callable[..., Incident]:  # type: ignore[no-untyped-def]
    return incident_make
