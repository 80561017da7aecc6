"""Forms of the organization page. They parse and show input; the rules live in
``meldpunt.organization.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.backoffice.incident_forms import ServiceErrors
from meldpunt.organization.models import Organization, PasswordPolicy
from meldpunt.organization.services import (
    DUPLICATE_WINDOW_MAX_HOURS,
    DUPLICATE_WINDOW_MIN_HOURS,
    REMINDER_FIRST_MAX_HOURS,
    REMINDER_FIRST_MIN_HOURS,
    REMINDER_MAX_MAX,
    REMINDER_MAX_MIN,
)


def _window_message() -> str:
    # Built when shown, so it speaks the language of the request that shows it.
    return gettext("Enter a whole number of hours from %(min)d to %(max)d (30 days).") % {
        "min": DUPLICATE_WINDOW_MIN_HOURS,
        "max": DUPLICATE_WINDOW_MAX_HOURS,
    }


WINDOW_MESSAGE = lazy(_window_message, str)()


def _reminder_first_message() -> str:
    return gettext("Enter a whole number of working hours from %(min)d to %(max)d.") % {
        "min": REMINDER_FIRST_MIN_HOURS,
        "max": REMINDER_FIRST_MAX_HOURS,
    }


def _reminder_max_message() -> str:
    return gettext("Enter a whole number from %(min)d to %(max)d.") % {
        "min": REMINDER_MAX_MIN,
        "max": REMINDER_MAX_MAX,
    }


REMINDER_FIRST_MESSAGE = lazy(_reminder_first_message, str)()
REMINDER_MAX_MESSAGE = lazy(_reminder_max_message, str)()


def _number_errors(message: str) -> dict[str, str]:
    return dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)


class IncidentSettingsForm(ServiceErrors, forms.Form):
    first_responder_becomes_handler = forms.BooleanField(
        label=_("First staff user who responds becomes handler"),
        required=False,
        help_text=_(
            "An incident without a handler gets the first staff user who writes a message "
            "or note, or changes its phase."
        ),
    )
    duplicate_window_hours = forms.IntegerField(
        label=_("Possible duplicates within (hours)"),
        min_value=DUPLICATE_WINDOW_MIN_HOURS,
        max_value=DUPLICATE_WINDOW_MAX_HOURS,
        help_text=_(
            "Reports about the same unit and category within this many hours are marked "
            "as possible duplicates in the inbox. From 1 to 720 hours."
        ),
        error_messages={
            "required": WINDOW_MESSAGE,
            "invalid": WINDOW_MESSAGE,
            "min_value": WINDOW_MESSAGE,
            "max_value": WINDOW_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    reminder_first_after_hours = forms.IntegerField(
        label=_("First work-order reminder after (working hours)"),
        min_value=REMINDER_FIRST_MIN_HOURS,
        max_value=REMINDER_FIRST_MAX_HOURS,
        help_text=_(
            "A work order the supplier has not accepted gets a first reminder after this many "
            "working hours, then one per working day. Reminders go out only during opening "
            "hours on working days. From 1 to 40 hours."
        ),
        error_messages=_number_errors(REMINDER_FIRST_MESSAGE),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    reminder_max = forms.IntegerField(
        label=_("Reminders per work order at most"),
        min_value=REMINDER_MAX_MIN,
        max_value=REMINDER_MAX_MAX,
        help_text=_("0 sends no reminders at all. At most 10."),
        error_messages=_number_errors(REMINDER_MAX_MESSAGE),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_organization(cls, organization: Organization) -> IncidentSettingsForm:
        return cls(
            initial={
                "first_responder_becomes_handler": organization.first_responder_becomes_handler,
                "duplicate_window_hours": organization.duplicate_window_hours,
                "reminder_first_after_hours": organization.reminder_first_after_hours,
                "reminder_max": organization.reminder_max,
            }
        )


def _range_errors(low: int, high: int, unit: str) -> dict[str, str]:
    def message() -> str:
        # Built when shown, in the language of the request that shows it.
        if unit == "minutes":
            text = gettext("Enter a whole number of minutes from %(min)d to %(max)d.")
        else:
            text = gettext("Enter a whole number of days from %(min)d to %(max)d.")
        return text % {"min": low, "max": high}

    return _number_errors(lazy(message, str)())


class PortalAccountSettingsForm(ServiceErrors, forms.Form):
    """The "Portal accounts" settings (SPEC ADM-SET, ACC-6, C-1, C-3); ranges as the model's."""

    session_idle_minutes = forms.IntegerField(
        label=_("Signed out after inactivity (minutes)"),
        min_value=5,
        max_value=30,
        help_text=_(
            "Without “stay logged in” a tenant is signed out after this many minutes "
            "without activity. From 5 to 30 minutes."
        ),
        error_messages=_range_errors(5, 30, "minutes"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    stay_logged_in_days = forms.IntegerField(
        label=_("“Stay logged in” lasts (days of inactivity)"),
        min_value=1,
        max_value=30,
        help_text=_(
            "With “stay logged in” ticked, a tenant stays signed in until this many days "
            "without activity. From 1 to 30 days."
        ),
        error_messages=_range_errors(1, 30, "days"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    password_policy = forms.ChoiceField(
        label=_("Password rules"),
        choices=PasswordPolicy.choices,
        widget=forms.RadioSelect,
        help_text=_("Apply to every new or changed password, of tenants and staff."),
    )
    activation_code_days = forms.IntegerField(
        label=_("Activation codes valid for (days)"),
        min_value=1,
        max_value=365,
        error_messages=_range_errors(1, 365, "days"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
    )
    welcome_text = forms.CharField(
        label=_("Welcome text"),
        required=False,
        max_length=4000,
        help_text=_("Shown on the portal home page at a tenant's first login. Limited markup."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_organization(cls, organization: Organization) -> PortalAccountSettingsForm:
        return cls(
            initial={
                "session_idle_minutes": organization.session_idle_minutes,
                "stay_logged_in_days": organization.stay_logged_in_days,
                "password_policy": organization.password_policy,
                "activation_code_days": organization.activation_code_days,
                "welcome_text": organization.welcome_text,
            }
        )
