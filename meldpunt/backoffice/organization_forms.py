"""Forms of the organization page. They parse and show input; the rules live in
``meldpunt.organization.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meldpunt.backoffice.incident_forms import ServiceErrors
from meldpunt.organization.models import Organization
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
