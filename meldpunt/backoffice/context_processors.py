"""Per-request data for the back-office layout: the inbox badge (SPEC INC-13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from meldpunt.incidents.inbox import inbox_waiting_count

_REQUEST_ATTR = "_meldpunt_inbox_waiting"


def inbox_badge(request: HttpRequest) -> dict[str, Any]:
    """``inbox_waiting``: how many reports wait, for staff only.

    The value is a callable the template calls when it draws the menu, so pages
    without the menu (and every non-staff page) run no query; the count is
    taken at most once per request.
    """
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_staff_member", False):
        return {}

    def count() -> int:
        cached = getattr(request, _REQUEST_ATTR, None)
        if cached is None:
            cached = inbox_waiting_count()
            setattr(request, _REQUEST_ATTR, cached)
        return cached

    waiting: Callable[[], int] = count
    return {"inbox_waiting": waiting}
