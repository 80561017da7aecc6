"""Reading repair requests recorded by the wizard (SPEC REP-10, REP-12)."""

from __future__ import annotations

from django.db.models import Prefetch

from meldpunt.incidents.models import Incident
from meldpunt.intake.models import RepairRequest


def repair_request_of_incident(*, incident: Incident) -> RepairRequest | None:
    """The wizard's record behind an incident, with its additional reports (one or two queries)."""
    return (
        RepairRequest.objects.filter(incident=incident)
        .prefetch_related(
            Prefetch(
                "additional_reports",
                queryset=RepairRequest.objects.order_by("created_at", "id"),
            )
        )
        .first()
    )
