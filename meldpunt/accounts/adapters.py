"""How django-allauth signs staff in here.

- Nobody signs up on the login page: administrators make staff accounts.
- Rate limits and the lockout see the real client address (trusted proxy only).
- A locked account is told so on the sign-in form, known username or not,
  before any rate limit or password check counts the attempt.
- A staff sign-in from outside the role's address ranges is refused (ADM-IP),
  after the password and before the second factor, and audited.
- Administrators cannot switch off their authenticator app while it is required.

Tenants sign in on the portal's own page (``portal:login``) through the same
machinery, so rate limits and the lockout apply there too. After the right
password (never before, so nothing is revealed to a guesser):

- staff on the portal page and tenants on the staff page are sent to their own;
- a blocked account is refused; a tenant whose email is not confirmed is
  refused and sent the confirmation link again;
- a tenant's account takes the tenant record's email (ACC-10) at every sign-in.

allauth's own mails to tenants (a reset asked for on the staff page, an email
confirmation) go through the outbox as the tenant messages; staff keep allauth's.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from meldpunt.accounts.ip_ranges import staff_request_allowed
from meldpunt.accounts.lockout import lockout_message
from meldpunt.accounts.models import StaffRole, User
from meldpunt.accounts.services import staff_login_refuse
from meldpunt.accounts.status import household_account_status_sync
from meldpunt.accounts.tenant_login import (
    login_refusal_record,
    password_reset_mail_queue,
    tenant_email_sync,
)
from meldpunt.common.actors import Actor
from meldpunt.common.links import absolute_url
from meldpunt.common.network import client_address, client_ip

PORTAL_LOGIN = "portal:login"
STAFF_LOGIN = "account_login"
PASSWORD_RESET_MAIL = "account/email/password_reset_key"  # noqa: S105 (a template name)
CONFIRMATION_MAILS = ("account/email/email_confirmation", "account/email/email_confirmation_signup")


def _login_page(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def _is_tenant_account(user: AbstractBaseUser) -> bool:
    return isinstance(user, User) and not user.role and user.household_id is not None


def _url(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def _refuse(
    request: HttpRequest,
    user: User,
    *,
    reason: str,
    message: str,
    link_url: str = "",
    link_label: str = "",
) -> HttpResponse:
    """Undo the half-done sign-in and answer with ``message`` (audited)."""
    login_refusal_record(user=user, reason=reason)
    clear_login(request)
    context = {
        "reason": reason,
        "message": message,
        "link_url": link_url,
        "link_label": link_label,
    }
    return render(request, "portal/account/login_refused.html", context, status=403)


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
        if isinstance(user, User):
            response = self._tenant_or_staff_page(request, user)
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

    def _tenant_or_staff_page(self, request: HttpRequest, user: User) -> HttpResponse | None:
        page = _login_page(request)
        tenant = _is_tenant_account(user)
        if page == PORTAL_LOGIN and not tenant:
            return _refuse(
                request,
                user,
                reason="staff_on_portal",
                message=_(
                    "This sign-in page is for tenants. Staff sign in on the staff sign-in page."
                ),
                link_url=reverse(STAFF_LOGIN),
                link_label=_("Go to the staff sign-in"),
            )
        if page == STAFF_LOGIN and tenant:
            return _refuse(
                request,
                user,
                reason="tenant_on_staff",
                message=_("This sign-in page is for staff. Tenants sign in on the tenant portal."),
                link_url=_url(PORTAL_LOGIN),
                link_label=_("Go to the tenant portal sign-in"),
            )
        if user.is_blocked:
            return _refuse(
                request,
                user,
                reason="blocked",
                message=_(
                    "This account has been blocked. Please contact us if you want to use it again."
                ),
            )
        if tenant and not EmailAddress.objects.filter(user=user, verified=True).exists():
            # Only after the right password: a guesser learns nothing from this.
            from meldpunt.accounts.activation import account_confirmation_send

            account_confirmation_send(actor=Actor.system("sign-in"), user=user)
            return _refuse(
                request,
                user,
                reason="unconfirmed",
                message=_(
                    "Your account is not confirmed yet. We have sent the confirmation link "
                    "to your email address again: click it, then sign in. No email after a "
                    "few minutes? Look in your spam folder, or contact us."
                ),
                link_url=_url(PORTAL_LOGIN),
                link_label=_("Back to sign in"),
            )
        return None

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if isinstance(user, User) and _is_tenant_account(user):
            return reverse("portal:home")
        return super().get_login_redirect_url(request)

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        if isinstance(user, User) and _is_tenant_account(user):
            tenant_email_sync(user=user)

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        confirmed = super().confirm_email(request, email_address)
        user = email_address.user
        if isinstance(user, User) and user.household is not None and not user.role:
            household_account_status_sync(household=user.household)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails to tenants go through the outbox as the tenant messages."""
        user = context.get("user")
        if isinstance(user, User) and _is_tenant_account(user):
            if template_prefix == PASSWORD_RESET_MAIL and context.get("uid"):
                link = _url("portal:password_reset_key", uidb36=context["uid"], key=context["key"])
                password_reset_mail_queue(
                    user=user,
                    link=absolute_url(link) if link else str(context["password_reset_url"]),
                )
                return
            if template_prefix in CONFIRMATION_MAILS:
                from meldpunt.accounts.activation import account_confirmation_send

                account_confirmation_send(actor=Actor.system("email confirmation"), user=user)
                return
        super().send_mail(template_prefix, email, context)


class StaffMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if (
            not settings.MELDPUNT_ADMIN_MFA_REQUIRED
            or authenticator.type != Authenticator.Type.TOTP
        ):
            return True
        user: User = authenticator.user
        return not (user.role == StaffRole.ADMIN or user.is_superuser)
