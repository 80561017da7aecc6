"""The lockout's authentication backend: django-axes's, for web sign-ins only."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins on a locked account; authenticates nobody itself.

    A password checked without a request (a management command, the shell) is
    no sign-in from outside and is not counted; django-axes itself would raise.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None
