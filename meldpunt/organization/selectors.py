"""Reads of the organization's settings, cached on the request."""

from __future__ import annotations

from django.http import HttpRequest

from meldpunt.organization.features import effective_features
from meldpunt.organization.models import Organization

_REQUEST_ATTR = "_meldpunt_organization"
DEFAULT_NAME = "Meldpunt"


def organization_current() -> Organization:
    """The deployment's organization; an unsaved default before one is configured."""
    organization = Organization.objects.first()
    return organization if organization is not None else Organization(name=DEFAULT_NAME)


def organization_for_request(request: HttpRequest) -> Organization:
    """The organization, loaded at most once per request."""
    cached = getattr(request, _REQUEST_ATTR, None)
    if cached is None:
        cached = organization_current()
        setattr(request, _REQUEST_ATTR, cached)
    return cached


def features_effective(*, organization: Organization) -> dict[str, bool]:
    if organization.pk is None:
        return effective_features({})
    stored = dict(organization.feature_toggles.values_list("key", "enabled"))
    return effective_features(stored)
