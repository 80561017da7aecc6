from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from meldpunt.organization.selectors import organization_for_request


def organization(request: HttpRequest) -> dict[str, Any]:
    return {"organization": organization_for_request(request)}
