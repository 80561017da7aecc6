"""How django-allauth signs staff in here.

- Nobody signs up on the login page: administrators make staff accounts.
- Rate limits and the lockout see the real client address (trusted proxy only).
- A locked account is told so on the sign-in form, known username or not,
  before any rate limit or password check counts the attempt.
- A staff sign-in from outside the role's address ranges is refused (ADM-IP),
  after the password and before the second factor, and audited.
- Administrators cannot switch off their authenticator app while it is required.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meldpunt.accounts.ip_ranges import staff_request_allowed
from meldpunt.accounts.lockout import lockout_message
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.services import staff_login_refuse
from meldpunt.common.network import client_address, client_ip


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are made by administrators; nobody signs up on the login page."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # A locked account is answered before allauth's own rate limits count the
        # attempt: attempts during a lock then use up nothing that would outlast
        # the lock (allauth's limit per login name would otherwise keep refusing
        # the owner after the 15 minutes, for as long as someone keeps trying).
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise ValidationError(lockout_message(), code="locked")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        # django-axes marks the request when this attempt locked the account or
        # found it locked; the form then says so instead of "wrong password".
        if getattr(request, "axes_locked_out", False):
            raise ValidationError(lockout_message(), code="locked")

    def pre_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse | None:
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        if (
            isinstance(user, User)
            and user.role in StaffRole.values
            and not staff_request_allowed(request, role=user.role)
        ):
            address = client_address(request)
            staff_login_refuse(user=user, address=address)
            clear_login(request)
            return render(request, "account/address_refused.html", {"address": address}, status=403)
        return None


class StaffMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if (
            not settings.MELDPUNT_ADMIN_MFA_REQUIRED
            or authenticator.type != Authenticator.Type.TOTP
        ):
            return True
        user: User = authenticator.user
        return not (user.role == StaffRole.ADMIN or user.is_superuser)
