"""The tenant's personal link to one incident (SPEC INT-3)."""

INCIDENT_LINK_PURPOSE = "incident_tenant"
