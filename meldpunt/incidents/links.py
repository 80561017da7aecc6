"""The tenant's personal link to one incident (SPEC INT-3)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from meldpunt.common.links import absolute_url, link_issue

if TYPE_CHECKING:
    from meldpunt.incidents.models import Incident

INCIDENT_LINK_PURPOSE = "incident_tenant"
TENANT_LINK_VALID_FOR = timedelta(days=365)


def tenant_link_url(incident: Incident) -> str:
    """A freshly issued personal link for the tenant (the token exists only in this URL)."""
    _link, token = link_issue(
        obj=incident,
        purpose=INCIDENT_LINK_PURPOSE,
        party=incident.contact_name or incident.contact_email or incident.contact_phone,
        expires_at=timezone.now() + TENANT_LINK_VALID_FOR,
    )
    return absolute_url(reverse("portal:incident_link", kwargs={"token": token}))
