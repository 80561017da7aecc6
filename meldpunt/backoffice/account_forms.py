"""Forms of account management and view-as-tenant (SPEC ADM-ACC, ADM-REQ, ADM-KCC).

Filter forms only parse the query string (bad values are dropped); the write
forms check what a form can, the services check the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.account_selectors import AccountFilters, AccountRequestFilters
from meldpunt.accounts.models import StaffRole


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names (or the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


_SEARCH_WIDGET = forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"})


def _search_field() -> forms.CharField:
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=150,
        help_text=_("Tenant number, email or username"),
        widget=_SEARCH_WIDGET,
    )


class AccountFilterForm(_Form):
    q = _search_field()
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Any state")),
            ("unconfirmed", _("Not confirmed")),
            ("auto_blocked", _("Locked after wrong passwords")),
            ("blocked", _("Blocked by staff")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All accounts")), ("tenant", _("Tenants")), ("staff", _("Staff"))],
    )

    def filters(self) -> AccountFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AccountFilters(
            q=data.get("q", ""), state=data.get("state", ""), kind=data.get("kind", "")
        )


class AccountRequestFilterForm(_Form):
    q = _search_field()
    missing = forms.ChoiceField(
        label=_("Stopped before"),
        required=False,
        choices=[
            ("", _("Any step")),
            ("identified", _("Identified with code")),
            ("details", _("Details filled")),
            ("email_sent", _("Email sent")),
            ("confirmed", _("Confirmed")),
        ],
    )

    def filters(self) -> AccountRequestFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return AccountRequestFilters(q=data.get("q", ""), missing=data.get("missing", ""))


class AccountBlockForm(_Form):
    reason = forms.CharField(
        label=_("Reason for blocking"),
        max_length=200,
        error_messages={"required": _("Say why the account is blocked.")},
        help_text=_("Shown to staff on this page; the account holder does not see it."),
    )


class AccountEditForm(_Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_(
            "A new address gets a link; it becomes the sign-in address once the link is "
            "clicked. The tenant record is not changed."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices, required=False)

    def __init__(self, *args: Any, staff_account: bool, may_set_role: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not (staff_account and may_set_role):
            del self.fields["role"]
        else:
            self.fields["role"].required = True


class StaffAccountCreateForm(_Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("A link to choose a password is sent to this address."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)


class ViewAsForm(_Form):
    password = forms.CharField(
        label=_("Your own password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your own password to view as this tenant.")},
    )
