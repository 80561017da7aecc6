"""Helpers for the portal repair-request tests (no tests here): requests written directly
with their incident, orders in any state, and a tenant account for a household."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from meldpunt.accounts.models import User
from meldpunt.incidents.models import Attachment, Incident, Message, Phase, SubIncident
from meldpunt.incidents.tests.conftest import incident_make
from meldpunt.intake.models import RepairRequest
from meldpunt.people.models import Household
from meldpunt.properties.models import CommonArea, Unit
from tests.factories import ContactFactory, UserFactory


def tenant_of(household: Household, **values: Any) -> User:
    return UserFactory(role="", household=household, **values)


def request_make(
    *,
    unit: Unit | None,
    household: Household | None = None,
    common_area: CommonArea | None = None,
    created_at: datetime | None = None,
    closed: bool = False,
    **values: Any,
) -> RepairRequest:
    """A wizard request with its incident (open unless ``closed``), as the wizard leaves it."""
    phase = Phase.objects.filter(is_closed=closed).order_by("ordering").first()
    incident = incident_make(
        title="Keuken › Kraan › Uitloop › Lekt",
        household=household,
        unit=None if common_area is not None else unit,
        common_area=common_area,
        phase=phase,
        contact_name=values.get("contact_name", "Ayşe Yılmaz"),
        contact_email="ayse@example.net",
        source=Incident.Source.WIZARD,
    )
    fields: dict[str, Any] = {
        "outcome": RepairRequest.Outcome.REQUEST,
        "incident": incident,
        "household": household,
        "unit": unit,
        "common_area": common_area,
        "node_key": "kitchen-tap-leaking",
        "element_key": "kitchen-tap",
        "path": "Keuken › Kraan › Uitloop › Lekt",
        "template_code": "tap-leaking",
        "template_description": "We vervangen het leertje of de lekkende kraan.",
        "description": "Het druppelt al een week.",
        "contact_name": "Ayşe Yılmaz",
        "contact_email": "ayse@example.net",
        "contact_phone": "+31612345678",
        **values,
    }
    request = RepairRequest.objects.create(**fields)
    if created_at is not None:
        RepairRequest.objects.filter(pk=request.pk).update(created_at=created_at)
        Incident.objects.filter(pk=incident.pk).update(created_at=created_at)
        request.refresh_from_db()
    return request


def order_make(
    request: RepairRequest, *, kind: str = SubIncident.Kind.EXTERNAL, **values: Any
) -> SubIncident:
    """An order on the request's incident; an external one with a supplier unless a draft."""
    incident = request.incident
    assert incident is not None
    sequence = SubIncident.objects.filter(incident=incident).count() + 1
    status = values.pop("status", SubIncident.Status.SENT)
    contact = values.pop("contact", "auto")
    if contact == "auto":
        draft = kind == SubIncident.Kind.EXTERNAL and status == SubIncident.Status.OPEN
        contact = None if kind == SubIncident.Kind.INTERNAL or draft else ContactFactory()
    return SubIncident.objects.create(
        incident=incident,
        sequence=sequence,
        kind=kind,
        status=status,
        phase=Phase.objects.get(is_initial=True),
        title="Kraan vervangen",
        contact=contact,
        sent_at=timezone.now() if status != SubIncident.Status.OPEN else None,
        **values,
    )


def photo_make(
    request: RepairRequest, *, visibility: str = Message.Visibility.EXTERNAL, **values: Any
) -> Attachment:
    from django.core.files.base import ContentFile

    from meldpunt.intake.tests.conftest import jpeg_bytes

    incident = request.incident
    assert incident is not None
    return Attachment.objects.create(
        incident=incident,
        visibility=visibility,
        file=ContentFile(jpeg_bytes(), name="kraan.jpg"),
        original_name="kraan.jpg",
        content_type="image/jpeg",
        size=100,
        **values,
    )
