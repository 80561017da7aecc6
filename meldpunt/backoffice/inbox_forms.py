"""Forms of the inbox pages: the filter bar, the convert form and the bulk selection.
They parse and show input; the rules live in ``meldpunt.incidents.inbox``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.backoffice.incident_forms import LANGUAGE_CHOICES, ServiceErrors
from meldpunt.incidents.inbox import InboxFilters
from meldpunt.incidents.models import Category, InboxReport
from meldpunt.people.models import Contact


def _user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _supplier_label(contact: Contact) -> str:
    parts = [contact.name]
    if contact.company and contact.company != contact.name:
        parts.append(contact.company)
    if contact.trade:
        parts.append(str(contact.get_trade_display()))
    return " · ".join(parts)


class InboxFilterForm(forms.Form):
    """The inbox's filter bar; values that do not parse are dropped."""

    source = forms.ChoiceField(label=_("Source"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    duplicates = forms.BooleanField(label=_("Possible duplicates only"), required=False)

    def __init__(self, *args: Any, categories: Sequence[Category], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._categories = {str(c.pk): c for c in categories}
        self.fields["source"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *InboxReport.Source.choices,
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((key, c.name) for key, c in self._categories.items()),
        ]

    def filters(self) -> InboxFilters:
        data = self.cleaned_data if self.is_valid() else {}
        category = self._categories.get(data.get("category") or "")
        return InboxFilters(
            source=data.get("source") or "",
            category=category.pk if category else None,
            duplicates=bool(data.get("duplicates")),
        )


class InboxConvertForm(ServiceErrors, forms.Form):
    """Turn one report into an incident; prefilled from the report, every field editable
    except the unit and household it was reported for."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    contact_name = forms.CharField(label=_("Name"), required=False, max_length=160)
    contact_email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    contact_language = forms.ChoiceField(
        label=_("Language for messages"), choices=LANGUAGE_CHOICES, initial="nl"
    )
    keep_unit = forms.BooleanField(label=_("Link to this address"), required=False)
    keep_household = forms.BooleanField(label=_("Link to this tenant"), required=False)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    notify_tenant = forms.BooleanField(
        label=_("Notify the tenant"),
        required=False,
        help_text=_(
            "The tenant gets “Thank you for your report” by email and text message, "
            "with a personal link to follow it. Without it, nothing is sent."
        ),
    )
    notify_supplier = forms.ChoiceField(
        label=_("Notify a supplier"),
        required=False,
        help_text=_("The supplier gets the title, address and description by their channel."),
    )

    def __init__(
        self,
        *args: Any,
        categories: Sequence[Category],
        staff: Sequence[User],
        suppliers: Sequence[Contact],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._categories = {str(c.pk): c for c in categories}
        self._staff = {str(u.pk): u for u in staff}
        self._suppliers = {c.public_id: c for c in suppliers}
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *((key, c.name) for key, c in self._categories.items()),
        ]
        self.fields["responsible"].choices = [
            ("", _("Nobody yet")),
            *((key, _user_label(u)) for key, u in self._staff.items()),
        ]
        self.fields["notify_supplier"].choices = [
            ("", _("No supplier")),
            *((key, _supplier_label(c)) for key, c in self._suppliers.items()),
        ]

    @classmethod
    def initial_for(cls, report: InboxReport) -> dict[str, Any]:
        first_line = next(
            (line.strip() for line in report.description.splitlines() if line.strip()), ""
        )
        return {
            "title": (report.subject or first_line)[:200],
            "description": report.description,
            "category": str(report.category_id or ""),
            "contact_name": report.name,
            "contact_email": report.email,
            "contact_phone": report.phone,
            "contact_language": report.language,
            "keep_unit": report.unit_id is not None,
            "keep_household": report.household_id is not None,
            "notify_tenant": bool(report.email or report.phone),
        }

    def clean_category(self) -> Category | None:
        return self._categories.get(self.cleaned_data.get("category") or "")

    def clean_responsible(self) -> User | None:
        return self._staff.get(self.cleaned_data.get("responsible") or "")

    def clean_notify_supplier(self) -> Contact | None:
        key = self.cleaned_data.get("notify_supplier") or ""
        return self._suppliers.get(key)


class InboxSelectionForm(forms.Form):
    """The reports ticked in the list and what to do with them."""

    ACTIONS = [("convert", _("Turn into incidents")), ("delete", _("Delete"))]

    action = forms.ChoiceField(choices=ACTIONS)
    reports = forms.MultipleChoiceField(required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id may be posted; the selector keeps only waiting reports staff may see.
        self.fields["reports"].valid_value = lambda value: True  # type: ignore[attr-defined]

    @property
    def public_ids(self) -> list[str]:
        return list(self.cleaned_data.get("reports") or [])
