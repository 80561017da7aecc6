"""Who may enter the back office, and which pages need which role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from meldpunt.accounts.models import StaffRole

View = Callable[..., HttpResponse]


def staff_required(*roles: str) -> Callable[[View], View]:
    """Allow signed-in staff; with ``roles``, only those roles (403 for the others).

    Anonymous visitors never get here: LoginRequiredMiddleware sends them to
    the login page first.
    """
    allowed = set(roles) if roles else set(StaffRole.values)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not (user.is_authenticated and user.is_active and user.role in allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
