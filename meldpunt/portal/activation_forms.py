"""Forms of the portal sign-up from a letter (SPEC ACC-1 … ACC-4).

Messages speak to the tenant; bad input keeps what was typed (except
passwords, which browsers and Django never echo back).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.activation import tenant_password_check, username_taken

_TENANT_NUMBER_ERRORS = {"required": _("Fill in your tenant number.")}


def _tenant_number_field() -> forms.CharField:
    return forms.CharField(
        label=_("Tenant number"),
        max_length=20,
        help_text=_(
            "You find it in the letter about your account, and on letters about your rent."
        ),
        error_messages={
            **_TENANT_NUMBER_ERRORS,
            "max_length": _("A tenant number has at most 20 characters."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class ActivateForm(forms.Form):
    tenant_number = _tenant_number_field()
    code = forms.CharField(
        label=_("Activation code"),
        max_length=20,
        help_text=_("From the separate letter with your code, for example ABCD-EFGH-JKMN."),
        error_messages={
            "required": _("Fill in the activation code from your letter."),
            "max_length": _("An activation code has at most 20 characters."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class LostLetterForm(forms.Form):
    tenant_number = _tenant_number_field()


class DetailsForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("You sign in with it. Letters, digits and @ . + - _ only."),
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": _("Choose a username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Choose a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        error_messages={"required": _("Type your password a second time.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email1 = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link to this address; your account works once you click it."),
        error_messages={
            "required": _("Fill in your email address."),
            "invalid": _("Fill in a complete email address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    email2 = forms.EmailField(
        label=_("Email address again"),
        max_length=254,
        error_messages={
            "required": _("Type your email address a second time."),
            "invalid": _("Fill in a complete email address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if username_taken(username):
            raise ValidationError(
                _("This username is already taken. Choose another one."), code="taken"
            )
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email1, email2 = data.get("email1"), data.get("email2")
        if email1 and email2 and email1.strip().casefold() != email2.strip().casefold():
            self.add_error("email2", _("The two email addresses are not the same."))
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1 and "username" in data:
            try:
                tenant_password_check(
                    password=password1, username=data["username"], email=email1 or ""
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return data
