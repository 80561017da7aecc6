"""The public report form (SPEC INT-1): what a visitor types, checked field by field.

The form only checks the shape of what was typed (a postcode, an email
address, a phone number); ``public_report_submit`` resolves the home and
decides. Photos are not a form field here: the view checks each file on its
own and keeps the good ones (``PendingUpload``) while the form has errors.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.incidents.models import Category
from meldpunt.intake.services import DESCRIPTION_MAX
from meldpunt.people.phones import normalize_phone
from meldpunt.properties.postcodes import normalize_postcode

BATCH = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class PublicReportForm(forms.Form):
    category = CategoryChoice(
        label=_("What is your report about?"),
        queryset=Category.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose what your report is about."),
            "invalid_choice": _("Choose one of the options."),
        },
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}
        ),
    )
    house_number = forms.CharField(
        label=_("House number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    addition = forms.CharField(
        label=_("Addition (if any)"),
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    tenant_number = forms.CharField(
        label=_("Tenant number"),
        max_length=20,
        required=False,
        help_text=_("You find it on your rent letters."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=DESCRIPTION_MAX,
        help_text=_("Where in your home, since when, and what you see."),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        error_messages={"required": _("Describe the problem in a few words.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
        error_messages={"required": _("Fill in your name.")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=32,
        help_text=_("With a mobile number you also get a text message."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # Hidden from people, filled in by form-filling robots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    batch = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, country: str = "NL", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by(  # type: ignore[attr-defined]
            "ordering", "name_nl"
        )
        for name in ("postcode", "house_number", "addition", "tenant_number"):
            self.fields[name].widget.attrs.setdefault("spellcheck", "false")

    @property
    def is_honeypot_filled(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean_batch(self) -> str:
        batch = self.cleaned_data.get("batch") or ""
        return batch if BATCH.match(batch) else ""

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data.get("postcode") or ""
        if not postcode.strip():
            return ""
        return normalize_postcode(postcode, country=self.country)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "", region=self.country)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_address = bool(cleaned.get("postcode") or (self.data.get("house_number") or "").strip())
        has_tenant_number = bool((cleaned.get("tenant_number") or "").strip())
        if not (has_address or has_tenant_number) and "postcode" not in self.errors:
            self.add_error(
                "postcode",
                ValidationError(
                    _(
                        "Fill in your postcode and house number, or your tenant number, "
                        "so we know which home this is about."
                    ),
                    code="no_address",
                ),
            )
        if has_address and not has_tenant_number:
            if not (self.data.get("house_number") or "").strip():
                self.add_error("house_number", _("Fill in your house number."))
            elif not cleaned.get("postcode") and "postcode" not in self.errors:
                self.add_error("postcode", _("Fill in your postcode."))
        email_ok = bool(cleaned.get("email"))
        phone_ok = bool(cleaned.get("phone"))
        if not (email_ok or phone_ok) and not ({"email", "phone"} & set(self.errors)):
            self.add_error(
                "email",
                ValidationError(
                    _("Fill in an email address or a phone number, so we can reach you."),
                    code="no_contact",
                ),
            )
        return cleaned
