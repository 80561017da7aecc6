"""Deployment checks for the sign-in rules (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def admin_mfa_required_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.MELDPUNT_ADMIN_MFA_REQUIRED:
        return []
    return [
        CheckWarning(
            "Administrators can sign in without an authenticator app.",
            hint="Unset MELDPUNT_ADMIN_MFA_REQUIRED (it is on by default).",
            id="meldpunt.W001",
        )
    ]
