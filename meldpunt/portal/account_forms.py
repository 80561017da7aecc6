"""Forms of the tenant's sign-in and account pages. They parse and show input;
the rules live in ``meldpunt.accounts`` (``tenant_login``, ``email_change``,
``passwords``). Password fields never block pasting and never echo a password."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.passwords import MAX_LENGTH


class ServiceErrorsMixin:
    """Shows a service's ``ValidationError`` at the fields it names, the rest above."""

    fields: dict[str, Any]

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)  # type: ignore[attr-defined]
        else:
            self.add_error(None, error)  # type: ignore[attr-defined]


def _password_input(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete})


def _password(label: Any, autocomplete: str, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=MAX_LENGTH,
        help_text=help_text,
        widget=_password_input(autocomplete),
    )


class TenantLoginForm(LoginForm):
    """allauth's sign-in form (rate limits, lockout, adapter) with the portal's wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Username")
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        login.widget.attrs["autocapitalize"] = "none"
        password = self.fields["password"]
        password.label = _("Password")
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Stay logged in on this device")


class PasswordResetRequestForm(forms.Form):
    login = forms.CharField(
        label=_("Username or email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Fill in your username or email address.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NewPasswordFields(ServiceErrorsMixin, forms.Form):
    """A new password, typed twice; the rules are checked by the service."""

    new_password1 = _password(_("New password"), "new-password")
    new_password2 = _password(_("New password again"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # The organization's rules, as they are now (SPEC C-1).
        rules = password_validation.password_validators_help_texts()
        self.fields["new_password1"].help_text = " ".join(str(rule) for rule in rules)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return cleaned


class PasswordSetForm(NewPasswordFields):
    """The page behind a reset link."""


class PasswordChangeForm(NewPasswordFields):
    current_password = _password(_("Current password"), "current-password")
    field_order = ["current_password", "new_password1", "new_password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class EmailChangeForm(ServiceErrorsMixin, forms.Form):
    new_email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    new_email2 = forms.EmailField(
        label=_("New email address again"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _password(
        _("Your password"),
        "current-password",
        help_text=_("To make sure it is you who changes the address."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_email"), cleaned.get("new_email2")
        if first and second and first.strip().lower() != second.strip().lower():
            self.add_error("new_email2", _("The two email addresses are not the same."))
        return cleaned
