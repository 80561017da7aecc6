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
from meldpunt.organization.services import DUPLICATE_WINDOW_MAX_HOURS, DUPLICATE_WINDOW_MIN_HOURS


def _window_message() -> str:
    # Built when shown, so it speaks the language of the request that shows it.
    return gettext("Enter a whole number of hours from %(min)d to %(max)d (30 days).") % {
        "min": DUPLICATE_WINDOW_MIN_HOURS,
        "max": DUPLICATE_WINDOW_MAX_HOURS,
    }


WINDOW_MESSAGE = lazy(_window_message, str)()


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_organization(cls, organization: Organization) -> IncidentSettingsForm:
        return cls(
            initial={
                "first_responder_becomes_handler": organization.first_responder_becomes_handler,
                "duplicate_window_hours": organization.duplicate_window_hours,
            }
        )
