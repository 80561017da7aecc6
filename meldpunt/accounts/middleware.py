"""Checks on every request of a signed-in staff session.

1. Address ranges (SPEC ADM-IP): when the session's real client address is no
   longer allowed for the user's role, the session ends and the user is sent to
   the sign-in page (audited). The ranges come from the cache: no query.
2. Administrators (and superusers) need an authenticator app: one without TOTP
   is sent to the allauth set-up page and reaches nothing else but the account,
   sign-out and language pages until it is active. Once seen, the session
   remembers it: one query per session, not per request. Administrators cannot
   switch TOTP off while it is required (``StaffMFAAdapter``).

Every sign-in goes through allauth's login (lockout, address ranges, the TOTP
code): the Django admin's own login form, which knows none of these, sends its
visitors there. Requests without a signed-in session cost nothing here.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from meldpunt.accounts.account_admin import blocked_session_end
from meldpunt.accounts.ip_ranges import staff_request_allowed
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.services import staff_session_end
from meldpunt.common.network import client_address

MFA_CHECKED_SESSION_KEY = "meldpunt.admin_mfa_user"
# What an administrator without TOTP may still open.
MFA_SETUP_URL_NAMES = {"set_language", "healthz", "theme_css"}
MFA_SETUP_URL_PREFIXES = ("mfa_", "account_")


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _open_without_mfa(request: HttpRequest) -> bool:
    path = request.path_info
    for prefix in (settings.STATIC_URL, settings.MEDIA_URL):
        if prefix and path.startswith(prefix):
            return True
    try:
        name = resolve(path).url_name or ""
    except Resolver404:
        return True  # a 404 page shows nothing
    return name in MFA_SETUP_URL_NAMES or name.startswith(MFA_SETUP_URL_PREFIXES)


def _has_totp(request: HttpRequest, user: User) -> bool:
    if request.session.get(MFA_CHECKED_SESSION_KEY) == user.pk:
        return True
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return False
    request.session[MFA_CHECKED_SESSION_KEY] = user.pk
    return True


class StaffAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._check(request)
        return response if response is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if request.path_info == reverse("admin:login"):
            target = request.GET.get("next") or reverse("admin:index")
            return _redirect(request, f"{reverse('account_login')}?{urlencode({'next': target})}")
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        assert isinstance(user, User)
        if blocked_session_end(request):
            messages.error(request, _("Your account is blocked. Contact us to have it unblocked."))
            login_page = "portal:login" if user.is_tenant else "account_login"
            return _redirect(request, reverse(login_page))
        if user.role in StaffRole.values and not staff_request_allowed(request, role=user.role):
            staff_session_end(user=user, address=client_address(request))
            logout(request)
            messages.error(
                request,
                _(
                    "You were signed out: staff with your role may not work from this "
                    "address. Sign in again from an allowed network."
                ),
            )
            return _redirect(request, reverse("account_login"))
        if (
            settings.MELDPUNT_ADMIN_MFA_REQUIRED
            and (user.role == StaffRole.ADMIN or user.is_superuser)
            and not _open_without_mfa(request)
            and not _has_totp(request, user)
        ):
            messages.info(
                request,
                _(
                    "Administrators sign in with a code from an authenticator app. "
                    "Set one up to continue."
                ),
            )
            return _redirect(request, reverse("mfa_activate_totp"))
        return None
