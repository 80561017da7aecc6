# ruff: noqa: F811  (the shared incident fixtures are imported and used as arguments)
"""An incident made by the repair wizard shows what the tenant chose: path, repair,
cause, costs, preferred date, and the additional reports that joined it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from meldpunt.accounts.models import StaffRole
from meldpunt.incidents.tests.conftest import (  # noqa: F401 (fixtures)
    make_incident,
    phases,
    place,
)
from meldpunt.intake.models import RepairRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(make_staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_staff(role=StaffRole.AGENT))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_repair_request_panel(client_en, make_incident, place) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(unit=place.unit, household=place.household)
    request = RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.REQUEST,
        incident=incident,
        unit=place.unit,
        node_key="kitchen-tap-mixer-leaks",
        element_key="kitchen-tap",
        path="Keuken › Kraan › Mengkraan › Lekt",
        template_code="tap-leaking",
        template_description="Wij vervangen het binnenwerk van de kraan.",
        urgency="3d",
        deadline=date(2026, 11, 26),
        cause_name="Slijtage",
        cost=Decimal("45.00"),
        tenant_pays=True,
        preferred_date=date(2026, 11, 30),
        preferred_part=RepairRequest.PartOfDay.B10,
        after_deadline=True,
    )
    RepairRequest.objects.create(
        outcome=RepairRequest.Outcome.ADDITIONAL,
        additional_to=request,
        unit=place.unit,
        node_key="kitchen-tap-mixer-loose",
        element_key="kitchen-tap",
        path="Keuken › Kraan › Mengkraan › Zit los",
        description="Hij wiebelt nu ook",
        contact_name="Ayşe Yılmaz",
    )
    response = client_en.get(reverse("backoffice:incident_detail", args=[incident.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keuken › Kraan › Mengkraan › Lekt" in html
    assert "Wij vervangen het binnenwerk van de kraan." in html
    assert "Tenant pays € 45.00 incl. VAT" in html
    assert "Slijtage" in html
    assert "after the deadline" in html
    assert "Hij wiebelt nu ook" in html
    assert html.count('data-testid="additional-report"') == 1


def test_an_ordinary_incident_has_no_panel(client_en, make_incident, place) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(unit=place.unit)
    response = client_en.get(reverse("backoffice:incident_detail", args=[incident.public_id]))
    assert 'id="repair-request"' not in response.content.decode()
