"""The repair wizard's forms: what a tenant types on each step, kept when a step has errors.

Forms check the shape of the input only; the wizard services decide (and
raise ``ValidationError`` keyed by these field names, which the views put
back on the form). The home fields are the public report form's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.intake.forms import PublicReportForm
from meldpunt.intake.models import RepairRequest
from meldpunt.intake.services import DESCRIPTION_MAX

_REPORT_FIELDS = PublicReportForm.base_fields


class IdentifyForm(forms.Form):
    """Step 1, anonymous: which home (checked by ``unit_resolve``)."""

    postcode = _REPORT_FIELDS["postcode"]
    house_number = _REPORT_FIELDS["house_number"]
    addition = _REPORT_FIELDS["addition"]
    tenant_number = _REPORT_FIELDS["tenant_number"]


class UnitForm(forms.Form):
    """Step 1, portal: one of the household's rented homes."""

    unit = forms.ChoiceField(
        label=_("Which home is it about?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of your homes."),
            "invalid_choice": _("Choose one of your homes."),
        },
    )

    def __init__(self, *args: Any, units: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.public_id, str(unit)) for unit in units]  # type: ignore[attr-defined]


class PlaceForm(forms.Form):
    """Step 1: the home itself or one of its common areas."""

    HOME = "home"

    place = forms.ChoiceField(
        label=_("Where is the problem?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your home or a common area."),
            "invalid_choice": _("Choose your home or one of the common areas listed."),
        },
    )

    def __init__(self, *args: Any, areas: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(self.HOME, _("In my home"))]
        choices += [(area.public_id, area.name) for area in areas]
        self.fields["place"].choices = choices  # type: ignore[attr-defined]


class TipForm(forms.Form):
    """REP-5: which tip solved it."""

    tip = forms.ChoiceField(
        label=_("Which tip solved it?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the tip that solved it."),
            "invalid_choice": _("Choose the tip that solved it."),
        },
    )

    def __init__(self, *args: Any, tips: Sequence[dict[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tip"].choices = [(tip["code"], tip["title"]) for tip in tips]  # type: ignore[attr-defined]
        if len(tips) == 1:
            self.fields["tip"].initial = tips[0]["code"]
            self.fields["tip"].widget = forms.HiddenInput()


class CauseForm(forms.Form):
    """REP-6: what caused it, where the path asks."""

    cause = forms.ChoiceField(
        label=_("What caused the problem?"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose what caused the problem.")},
    )

    def __init__(self, *args: Any, causes: Sequence[dict[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cause"]
        field.choices = [(cause["code"], cause["name"]) for cause in causes]  # type: ignore[attr-defined]
        field.required = bool(causes)
        field.error_messages["required"] = _("Choose what caused the problem.")


class CostsForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I agree to pay these costs."),
        required=False,
    )


class PhotosForm(forms.Form):
    description = forms.CharField(
        label=_("Anything else we should know?"),
        max_length=DESCRIPTION_MAX,
        required=False,
        help_text=_("For example since when, how often, or where exactly."),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["description"]
        field.required = required
        field.error_messages["required"] = _("Describe the problem in a few words.")
        if required:
            field.label = _("Describe the problem")


class ContactForm(forms.Form):
    """REP-9: how we reach the tenant about this request."""

    REQUEST_ONLY = "request"
    HOUSEHOLD = "household"

    name = _REPORT_FIELDS["name"]
    email = _REPORT_FIELDS["email"]
    phone = _REPORT_FIELDS["phone"]
    update = forms.ChoiceField(
        label=_("You changed your details. Use them"),
        widget=forms.RadioSelect,
        required=False,
        choices=[
            (REQUEST_ONLY, _("only for this request")),
            (HOUSEHOLD, _("also to update my details")),
        ],
    )

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        help_text=_(
            "Only to change the email address of your account: we then send a link to the "
            "new address to confirm it."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(
        self,
        *args: Any,
        offer_update: bool = False,
        offer_email_change: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not offer_update:
            del self.fields["update"]
        if not (offer_update and offer_email_change):
            del self.fields["password"]


def _part_choices() -> list[tuple[str, Any]]:
    return [choice for choice in RepairRequest.PartOfDay.choices if choice[0]] + [
        ("", _("No preference"))
    ]


class PreferenceForm(forms.Form):
    """REP-11: a preferred date and two-hour block for the visit."""

    preferred_date = forms.DateField(
        label=_("Preferred date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"],
        error_messages={
            "required": _("Choose a date."),
            "invalid": _("Enter a date like 2026-03-14."),
        },
    )
    preferred_part = forms.ChoiceField(
        label=_("Preferred time"),
        widget=forms.RadioSelect,
        required=False,
        choices=_part_choices,
    )

    def __init__(self, *args: Any, earliest: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if earliest is not None:
            self.fields["preferred_date"].widget.attrs["min"] = earliest.isoformat()
