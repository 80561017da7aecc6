"""How long a tenant's portal session lives (SPEC ACC-6).

Without "stay logged in" the session ends after ``session_idle_minutes`` (5-30)
without a request; with it after ``stay_logged_in_days`` (1-30) without one.
Staff sessions are not touched here.

- At sign-in the portal login calls :func:`session_policy_start`: it notes the
  choice in the session and sets the session's expiry to the idle limit.
- On every request of a signed-in tenant :class:`TenantSessionMiddleware`
  checks the time of the last noted activity against the organization's current
  limit (so a shortened limit applies at once), ends the session when it is
  over, and otherwise pushes the expiry on. It writes the session at most once a
  minute, so a session really ends between one minute before and at the limit
  after the last request.
- A session that ended while the browser was away cannot be told from a
  stranger's visit by the session alone; a small cookie without any personal
  data (only the mode and the limit) says a tenant was signed in here. Its next
  portal visit then shows "you were signed out after N minutes without activity".
  Signing out deletes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from meldpunt.accounts.models import User
from meldpunt.organization.models import Organization
from meldpunt.organization.selectors import organization_for_request

REMEMBER_KEY = "meldpunt.portal_remember"
LAST_SEEN_KEY = "meldpunt.portal_last_seen"
MARKER_COOKIE = "meldpunt_portal_session"
# At most one session write per this many seconds of activity.
WRITE_EVERY_SECONDS = 60
PORTAL_PREFIX = "/portal/"


@dataclass(frozen=True, slots=True)
class SessionLimit:
    remember: bool
    seconds: int
    amount: int  # minutes (idle) or days (stay logged in), for the message

    @property
    def marker(self) -> str:
        return f"{'d' if self.remember else 'm'}{self.amount}"


def session_limit(*, organization: Organization, remember: bool) -> SessionLimit:
    if remember:
        days = organization.stay_logged_in_days
        return SessionLimit(remember=True, seconds=days * 86400, amount=days)
    minutes = organization.session_idle_minutes
    return SessionLimit(remember=False, seconds=minutes * 60, amount=minutes)


def _now() -> int:
    return int(time.time())


def _is_tenant(user: object) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_tenant


def session_policy_start(request: HttpRequest, *, remember: bool) -> SessionLimit:
    """Start the clock of a tenant's freshly signed-in session."""
    limit = session_limit(organization=organization_for_request(request), remember=remember)
    request.session[REMEMBER_KEY] = bool(remember)
    request.session[LAST_SEEN_KEY] = _now()
    request.session.set_expiry(limit.seconds)
    request._meldpunt_session_marker = limit  # type: ignore[attr-defined]
    return limit


def signed_out_message(marker: str) -> str | None:
    """The message for a session that ended on its own, from the marker cookie's value."""
    if len(marker) < 2 or marker[0] not in "md" or not marker[1:].isdigit():
        return None
    amount = int(marker[1:])
    if marker[0] == "d":
        return ngettext(
            "You were signed out after %(count)d day without activity. Please sign in again.",
            "You were signed out after %(count)d days without activity. Please sign in again.",
            amount,
        ) % {"count": amount}
    return ngettext(
        "You were signed out after %(count)d minute without activity. Please sign in again.",
        "You were signed out after %(count)d minutes without activity. Please sign in again.",
        amount,
    ) % {"count": amount}


def forget_marker(request: HttpRequest) -> None:
    """Signing out on purpose: no "signed out after …" message next time."""
    request._meldpunt_session_marker = False  # type: ignore[attr-defined]


class TenantSessionMiddleware:
    """Ends idle tenant sessions and keeps active ones alive (see the module docstring).

    Goes after ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self._before(request)
        response = self.get_response(request)
        self._after(request, response)
        return response

    def _before(self, request: HttpRequest) -> None:
        session = getattr(request, "session", None)
        if session is None:
            return
        if SESSION_KEY not in session:
            self._maybe_tell_signed_out(request)
            return
        user = getattr(request, "user", None)
        if not _is_tenant(user):
            if SESSION_KEY not in session:
                # The session was ended elsewhere (e.g. a new password): not by idling.
                request._meldpunt_session_marker = False  # type: ignore[attr-defined]
            return
        if LAST_SEEN_KEY not in session:
            # Signed in some other way (e.g. right after confirming the account).
            session_policy_start(request, remember=False)
            return
        organization = organization_for_request(request)
        limit = session_limit(organization=organization, remember=bool(session.get(REMEMBER_KEY)))
        now = _now()
        idle = now - int(session.get(LAST_SEEN_KEY) or 0)
        if idle >= limit.seconds:
            logout(request)
            message = signed_out_message(limit.marker)
            if message:
                messages.info(request, message)
            request._meldpunt_session_marker = False  # type: ignore[attr-defined]
            return
        if idle >= WRITE_EVERY_SECONDS:
            session[LAST_SEEN_KEY] = now
            session.set_expiry(limit.seconds)
            request._meldpunt_session_marker = limit  # type: ignore[attr-defined]

    def _maybe_tell_signed_out(self, request: HttpRequest) -> None:
        marker = request.COOKIES.get(MARKER_COOKIE)
        # Told on the next portal page the browser opens, not on a form post.
        if not marker or request.method != "GET" or not request.path_info.startswith(PORTAL_PREFIX):
            return
        message = signed_out_message(marker)
        if message:
            messages.info(request, message)
        request._meldpunt_session_marker = False  # type: ignore[attr-defined]

    def _after(self, request: HttpRequest, response: HttpResponse) -> None:
        marker = getattr(request, "_meldpunt_session_marker", None)
        if marker is None:
            return
        if marker is False:
            if MARKER_COOKIE in request.COOKIES:
                response.delete_cookie(MARKER_COOKIE, samesite="Lax")
            return
        assert isinstance(marker, SessionLimit)
        response.set_cookie(
            MARKER_COOKIE,
            marker.marker,
            # Outlives the session by a day, so the next visit can explain.
            max_age=marker.seconds + 86400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
