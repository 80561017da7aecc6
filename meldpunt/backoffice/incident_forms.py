"""Forms of the incident list, the new-incident page and the category and phase
settings. They parse and show input; the rules live in the incident services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.common.widgets import FastSelect
from meldpunt.incidents.models import Category, Incident, Phase
from meldpunt.incidents.selectors import ComplexChoice, IncidentFilters, Sort, Status
from meldpunt.people.models import Contact, Household
from meldpunt.properties.models import CommonArea, Installation, Unit

LANGUAGE_CHOICES = [("nl", "Nederlands"), ("en", "English"), ("nb", "Norsk bokmål")]


def _user_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


class IncidentFilterForm(forms.Form):
    """The list's filter bar. Values that do not parse are dropped, so an edited
    or outdated URL still shows a page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Words from the title or messages, an address, a tenant name or number"),
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Open or closed"),
        required=False,
        choices=[
            (Status.OPEN, _("Open")),
            (Status.CLOSED, _("Closed")),
            (Status.ALL, _("All")),
        ],
        widget=FastSelect,
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False, widget=FastSelect)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=FastSelect)
    handler = forms.ChoiceField(label=_("Handler"), required=False, widget=FastSelect)
    responsible = forms.ChoiceField(label=_("Responsible"), required=False, widget=FastSelect)
    complex = forms.ChoiceField(label=_("Complex"), required=False, widget=FastSelect)
    supplier = forms.ChoiceField(
        label=_("Supplier with a work order"), required=False, widget=FastSelect
    )
    unit = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    household = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mine = forms.BooleanField(label=_("Mine"), required=False)
    unassigned = forms.BooleanField(label=_("No handler yet"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            (Sort.NEWEST, _("Newest first")),
            (Sort.OLDEST, _("Oldest first")),
            (Sort.ACTIVITY, _("Last activity")),
        ],
        widget=FastSelect,
    )

    def __init__(
        self,
        *args: Any,
        phases: Sequence[Phase],
        categories: Sequence[Category],
        staff: Sequence[User],
        complexes: Sequence[ComplexChoice],
        suppliers: Sequence[Contact] = (),
        units: dict[str, Unit] | None = None,
        households: dict[str, Household] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._phases = {phase.code: phase for phase in phases}
        self._categories = {str(category.pk): category for category in categories}
        self._staff = {str(user.pk): user for user in staff}
        self._complexes = {c.public_id: c for c in complexes}
        self._suppliers = {c.public_id: c for c in suppliers}
        self._units = units or {}
        self._households = households or {}
        any_label = _("Any")
        self.fields["phase"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((code, phase.name) for code, phase in self._phases.items()),
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((key, category.name) for key, category in self._categories.items()),
        ]
        people = [(key, _user_label(user)) for key, user in self._staff.items()]
        self.fields["handler"].choices = [("", any_label), *people]  # type: ignore[attr-defined]
        self.fields["responsible"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *people,
        ]
        self.fields["complex"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((key, str(c)) for key, c in self._complexes.items()),
        ]
        self.fields["supplier"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((key, str(c)) for key, c in self._suppliers.items()),
        ]

    def _data(self) -> dict[str, Any]:
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    @property
    def pinned_unit(self) -> Unit | None:
        return self._units.get(self._data().get("unit", ""))

    @property
    def pinned_household(self) -> Household | None:
        return self._households.get(self._data().get("household", ""))

    def filters(self) -> IncidentFilters:
        data = self._data()

        def pk_of(mapping: dict[str, Any], key: str) -> int | None:
            found = mapping.get(data.get(key) or "")
            return found.pk if found is not None else None

        unit, household = self.pinned_unit, self.pinned_household
        return IncidentFilters(
            q=data.get("q", ""),
            status=data.get("status") or Status.OPEN,
            phase=pk_of(self._phases, "phase"),
            category=pk_of(self._categories, "category"),
            handler=pk_of(self._staff, "handler"),
            responsible=pk_of(self._staff, "responsible"),
            complex=pk_of(self._complexes, "complex"),
            supplier=pk_of(self._suppliers, "supplier"),
            unit=unit.pk if unit else None,
            household=household.pk if household else None,
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            mine=bool(data.get("mine")),
            unassigned=bool(data.get("unassigned")),
        )

    @property
    def sort_order(self) -> str:
        return self._data().get("sort") or Sort.NEWEST

    def query_string(self) -> str:
        """The filters that are set, as a query string (what a saved view keeps)."""
        data = self._data()
        pairs = []
        for name in self.fields:
            value = data.get(name)
            if value in (None, "", False):
                continue
            if name == "status" and value == Status.OPEN:
                continue
            if name == "sort" and value == Sort.NEWEST:
                continue
            pairs.append((name, "1" if value is True else str(value)))
        return urlencode(pairs)

    @property
    def active_count(self) -> int:
        """How many filters besides the search narrow the list (for the summary)."""
        data = self._data()
        skip = {"q", "sort", "status"}
        return sum(1 for name, value in data.items() if name not in skip and value)


class ServiceErrors:
    """Shows a service's ``ValidationError`` at the fields it names, the rest above the form."""

    fields: dict[str, Any]

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)  # type: ignore[attr-defined]
        else:
            self.add_error(None, error)  # type: ignore[attr-defined]


class SavedViewForm(ServiceErrors, forms.Form):
    name = forms.CharField(label=_("Name of this view"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


KIND_HELP = {
    Incident.Kind.CONTACT_TENANT: _(
        "The tenant gets “You have a message from us” by email and text message, "
        "with a personal link to read and answer it."
    ),
    Incident.Kind.ON_BEHALF: _(
        "For a report by phone, email or at the desk. The tenant gets “Thank you for "
        "your report” with a personal link to follow it."
    ),
    Incident.Kind.INTERNAL: _(
        "Nothing is sent. The description stays internal; you can write to the tenant "
        "later if contact details are filled in."
    ),
    Incident.Kind.ARCHIVE: _(
        "Recorded for the file only: stored as closed, nothing is sent. Enter the date it happened."
    ),
}


class IncidentCreateForm(ServiceErrors, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Incident.Kind.choices,
        widget=forms.RadioSelect,
        initial=Incident.Kind.ON_BEHALF,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    household = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    unit = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    common_area = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    installation = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    find = forms.CharField(
        label=_("Find a tenant, address or common area"),
        required=False,
        max_length=80,
        help_text=_(
            "Name, tenant number, postcode and house number, street, "
            "or the name of a common area or installation"
        ),
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
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
    responsible = forms.ChoiceField(label=_("Responsible"), required=False)
    relevant_on = forms.DateField(
        label=_("Relevant on"),
        required=False,
        help_text=_("Only for archived incidents: when did it happen?"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self,
        *args: Any,
        categories: Sequence[Category],
        staff: Sequence[User],
        households: dict[str, Household] | None = None,
        units: dict[str, Unit] | None = None,
        common_areas: dict[str, CommonArea] | None = None,
        installations: dict[str, Installation] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._common_areas = common_areas or {}
        self._installations = installations or {}
        self.categories = list(categories)
        self._categories = {str(c.pk): c for c in self.categories}
        self._staff = {str(u.pk): u for u in staff}
        self._households = households or {}
        self._units = units or {}
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *((key, c.name) for key, c in self._categories.items()),
        ]
        self.fields["responsible"].choices = [
            ("", _("Nobody yet")),
            *((key, _user_label(u)) for key, u in self._staff.items()),
        ]

    @property
    def kind_options(self) -> list[dict[str, Any]]:
        value = self["kind"].value() or Incident.Kind.ON_BEHALF
        return [
            {
                "value": key,
                "label": label,
                "help": KIND_HELP[Incident.Kind(key)],
                "checked": key == value,
            }
            for key, label in Incident.Kind.choices
        ]

    def _bound_value(self, name: str) -> str:
        return str(self[name].value() or "")

    @property
    def chosen_household(self) -> Household | None:
        return self._households.get(self._bound_value("household"))

    @property
    def chosen_unit(self) -> Unit | None:
        return self._units.get(self._bound_value("unit"))

    @property
    def chosen_common_area(self) -> CommonArea | None:
        return self._common_areas.get(self._bound_value("common_area"))

    @property
    def chosen_installation(self) -> Installation | None:
        return self._installations.get(self._bound_value("installation"))

    @property
    def chosen_category(self) -> Category | None:
        return self._categories.get(self._bound_value("category"))

    def clean_category(self) -> Category | None:
        return self._categories.get(self.cleaned_data.get("category") or "")

    def clean_responsible(self) -> User | None:
        return self._staff.get(self.cleaned_data.get("responsible") or "")

    def clean_household(self) -> Household | None:
        key = self.cleaned_data.get("household") or ""
        if key and key not in self._households:
            raise ValidationError(_("This tenant no longer exists. Look them up again."))
        return self._households.get(key)

    def clean_unit(self) -> Unit | None:
        key = self.cleaned_data.get("unit") or ""
        if key and key not in self._units:
            raise ValidationError(_("This address no longer exists. Look it up again."))
        return self._units.get(key)

    def clean_common_area(self) -> CommonArea | None:
        key = self.cleaned_data.get("common_area") or ""
        if key and key not in self._common_areas:
            raise ValidationError(_("This common area no longer exists. Look it up again."))
        return self._common_areas.get(key)

    def clean_installation(self) -> Installation | None:
        key = self.cleaned_data.get("installation") or ""
        if key and key not in self._installations:
            raise ValidationError(_("This installation no longer exists. Look it up again."))
        return self._installations.get(key)


class CategoryForm(ServiceErrors, forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name_nl",
            "name_en",
            "name_nb",
            "help_nl",
            "help_en",
            "help_nb",
            "active",
            "is_bulk_default",
        ]
        help_texts = {
            "is_bulk_default": _(
                "Reports turned into incidents several at a time from the inbox get this "
                "category. Only one category can have it."
            ),
        }
        widgets = {
            "help_nl": forms.Textarea(attrs={"rows": 3}),
            "help_en": forms.Textarea(attrs={"rows": 3}),
            "help_nb": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _post_clean(self) -> None:
        """Leave the model alone: the category services validate and save."""


class PhaseForm(ServiceErrors, forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name_nl", "name_en", "name_nb", "code", "is_closed", "is_initial", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _post_clean(self) -> None:
        """Leave the model alone: the phase services validate and save."""
