"""Tenants signing in with a provider such as Google or Microsoft (SPEC ACC-5).

Off until an administrator adds a provider's client id and secret as a social
application (``/django-admin/``); the portal's sign-in page then offers it.

- The first sign-in with a provider is a sign-up: the tenant proves who they are
  once with tenant number + activation code (the same rules, rate limits and
  single use as the letter's way, ``TenantSocialSignupForm``); the username is
  the email address. No account is ever joined to a provider by email alone.
- Later sign-ins with that provider account go straight in, through the same
  checks as a password sign-in (blocked, not confirmed, ACC-10's email sync).
- Staff never sign in with a provider: their accounts need a password and, for
  administrators, an authenticator app.
"""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from meldpunt.accounts.activation import account_create_with_provider
from meldpunt.accounts.models import AccountRequest, User
from meldpunt.accounts.tenant_login import login_refusal_record


def _is_tenant_account(user: Any) -> bool:
    return isinstance(user, User) and not user.role and user.household_id is not None


class TenantSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Open, because the sign-up form itself asks for tenant number + code.
        return True

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        user = sociallogin.user
        if sociallogin.is_existing and not _is_tenant_account(user):
            assert isinstance(user, User)
            login_refusal_record(user=user, reason="staff_with_provider")
            context = {
                "reason": "staff_with_provider",
                "message": _(
                    "Staff sign in with their username and password, not with another service."
                ),
                "link_url": reverse("account_login"),
                "link_label": _("Go to the staff sign-in"),
            }
            raise ImmediateHttpResponse(
                render(request, "portal/account/login_refused.html", context, status=403)
            )

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: Any) -> Any:
        user = super().populate_user(request, sociallogin, data)
        user.username = (user.email or "").lower()
        user.role = ""
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        account_request = getattr(form, "account_request", None)
        if not isinstance(account_request, AccountRequest):
            # Only the sign-up form with tenant number + code makes accounts.
            raise PermissionDenied
        proposed = sociallogin.user

        def store(user: User) -> User:
            if proposed is not None:
                user.first_name = proposed.first_name
                user.last_name = proposed.last_name
            sociallogin.user = user
            sociallogin.save(request)
            return user

        return account_create_with_provider(
            account_request=account_request,
            email=form.cleaned_data["email"],
            provider=sociallogin.account.provider,
            save_user=store,
        )
