"""The form of a first sign-in with a provider (SPEC ACC-5): tenant number + code once.

Configured as allauth's social sign-up form. Its email field comes from the
provider (prefilled) and becomes the username. The identity check is the
letter's: same messages (nothing tells which of the two values was wrong), same
rate limits, and the code works once. ``account_request`` is the identified
request after a valid form; the social account adapter makes the account from it.
"""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.socialaccount.forms import SignupForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meldpunt.accounts.activation import (
    ActivationExpired,
    ActivationLimited,
    account_request_identify,
    username_taken,
)
from meldpunt.accounts.models import AccountRequest
from meldpunt.common.network import client_ip
from meldpunt.portal.activation_forms import ActivateForm


class TenantSocialSignupForm(SignupForm):
    field_order = ["tenant_number", "code", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The username is the email address (ACC-5).
        self.fields.pop("username", None)
        letter = ActivateForm()
        self.fields["tenant_number"] = letter.fields["tenant_number"]
        self.fields["code"] = letter.fields["code"]
        self.fields["email"].label = _("Email address")
        self.fields["email"].help_text = _(
            "Your username. We send messages about your requests to this address."
        )
        self.order_fields(self.field_order)
        self.account_request: AccountRequest | None = None

    def validate_unique_email(self, value: str) -> str:
        # Checked after tenant number + code, so a stranger learns nothing.
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number, code = cleaned.get("tenant_number"), cleaned.get("code")
        if self.errors or not number or not code:
            return cleaned
        try:
            result = account_request_identify(
                tenant_number=number,
                code=code,
                client=_client(),
            )
        except ActivationLimited as limited:
            raise ValidationError(
                ngettext(
                    "Too many attempts. Please try again in %(minutes)s minute.",
                    "Too many attempts. Please try again in %(minutes)s minutes.",
                    limited.minutes,
                )
                % {"minutes": limited.minutes},
                code="limited",
            ) from None
        if result.account_exists:
            raise ValidationError(
                _(
                    "Your household already has an account. Sign in with its username and "
                    "password, or ask for a new password."
                ),
                code="account_exists",
            )
        if not result.matched:
            raise ValidationError(
                _(
                    "Check both values: this tenant number and activation code do not belong "
                    "together, or the code no longer works."
                ),
                code="mismatch",
            )
        if cleaned.get("email") and username_taken(cleaned["email"]):
            self.add_error(
                "email",
                _("An account with this email address exists already. Choose another address."),
            )
            return cleaned
        self.account_request = result.account_request
        return cleaned

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        try:
            return self.save(request), None
        except (ActivationExpired, ValidationError):
            # Someone else was quicker with this code, or took the address meanwhile.
            return None, render(request, "portal/activation/start_again.html", {}, status=409)


def _client() -> str:
    request = context.request
    return client_ip(request) if request is not None else ""
