"""Forms of the back office. The filter forms only parse the query string;
values that do not validate are dropped, so an edited URL still shows a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from meldpunt.people.models import Contact
from meldpunt.people.phones import normalize_phone
from meldpunt.people.selectors import ContactFilters
from meldpunt.properties.models import BuildingBlock, Complex, UnitType


class ContactFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name, company, email, phone or tenant number"),
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *Contact.Kind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> ContactFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ContactFilters(q=data.get("q", ""), kind=data.get("kind", ""))


class UnitFilterForm(forms.Form):
    block = forms.ChoiceField(label=_("Building block"), required=False)
    type = forms.ChoiceField(label=_("Unit type"), required=False)

    def __init__(
        self, *args: Any, complex: Complex, unit_types: list[UnitType], **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._blocks = {block.public_id: block for block in complex.building_blocks.all()}
        self._types = {unit_type.code: unit_type for unit_type in unit_types}
        self.fields["block"].choices = [  # type: ignore[attr-defined]
            ("", _("All building blocks")),
            *((key, block.name) for key, block in self._blocks.items()),
        ]
        self.fields["type"].choices = [  # type: ignore[attr-defined]
            ("", _("All unit types")),
            *((key, unit_type.name) for key, unit_type in self._types.items()),
        ]

    def _value(self, name: str) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name, "")

    @property
    def building_block(self) -> BuildingBlock | None:
        return self._blocks.get(self._value("block"))

    @property
    def unit_type(self) -> UnitType | None:
        return self._types.get(self._value("type"))


class TestMessageForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("email", _("Email")), ("sms", _("SMS")), ("whatsapp", _("WhatsApp"))],
    )
    recipient = forms.CharField(
        label=_("Send to"),
        max_length=254,
        help_text=_("An email address, or a mobile number for SMS and WhatsApp."),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        channel, recipient = cleaned.get("channel"), cleaned.get("recipient")
        if not channel or not recipient:
            return cleaned
        if channel == "email":
            try:
                validate_email(recipient)
            except ValidationError:
                self.add_error("recipient", _("Enter a valid email address."))
        else:
            try:
                cleaned["recipient"] = normalize_phone(str(recipient))
            except ValidationError as error:
                self.add_error("recipient", error)
        return cleaned
