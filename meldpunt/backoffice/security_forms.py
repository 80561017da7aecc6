"""The form for a staff address range (SPEC ADM-IP)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.ip_ranges import normalize_cidr
from meldpunt.accounts.models import StaffRole


class StaffIpRangeForm(forms.Form):
    """Shape checks and a clear word on a bad range; the service has the last say."""

    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    cidr = forms.CharField(
        label=_("Address range"),
        max_length=60,
        help_text=_(
            "One address (192.0.2.7) or a range in CIDR notation (192.0.2.0/24, "
            "2001:db8::/32). IPv4 and IPv6 are both fine."
        ),
        widget=forms.TextInput(
            attrs={"class": "mono", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("Where this range is, e.g. “Main office”."),
    )

    def clean_cidr(self) -> str:
        value = self.cleaned_data["cidr"]
        try:
            return normalize_cidr(value)
        except ValueError:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not an address range. "
                    "Write it as 192.0.2.0/24 or 2001:db8::/32."
                ),
                params={"value": value},
                code="invalid",
            ) from None

    def add_service_errors(self, error: forms.ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
