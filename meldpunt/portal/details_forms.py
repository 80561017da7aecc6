"""Forms of the tenant's "My details" pages (SPEC POR-3..5, C-2, A-12).

They parse what was typed and keep it on errors; the rules themselves (the
phone rule, the address lookup, which roles may be used) live in
``people.household_services``, whose field errors the views put back on
these forms with ``form.add_error(None, error)``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meldpunt.people.addresses import country_choices
from meldpunt.people.household_services import PORTAL_GENDERS
from meldpunt.people.models import HouseholdRole, Person
from meldpunt.people.portal_persons import household_roles_for_portal


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=30,
        help_text=_("10 to 12 digits, like 06 12345678, (030) 123 4567 or +31 6 12345678."),
        error_messages={"required": _("Enter your phone number.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("For your safety: we send links to this number."),
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_password:
            # An agent viewing as the tenant is trusted and recorded instead (C-2).
            del self.fields["password"]


class AddressForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), choices=())
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters"}
        ),
    )
    house_number = forms.IntegerField(
        label=_("House number"),
        min_value=1,
        max_value=99999,
        required=False,
        error_messages={"invalid": _("Enter the house number in digits, like 12.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    house_number_addition = forms.CharField(
        label=_("Addition (optional)"), max_length=10, required=False
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = country_choices()


class PersonForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Relation"),
        queryset=HouseholdRole.objects.none(),
        empty_label=_("Choose …"),
        error_messages={
            "required": _("Choose the relation."),
            "invalid_choice": _("Choose one of the relations in the list."),
        },
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[
            ("", _("Choose …")),
            *[(g.value, g.label) for g in Person.Gender if g in PORTAL_GENDERS],
        ],
        error_messages={"required": _("Choose a gender.")},
    )
    initials = forms.CharField(
        label=_("Initials"),
        max_length=20,
        error_messages={"required": _("Enter the initials.")},
    )
    infix = forms.CharField(label=_("Infix (optional)"), max_length=20, required=False)
    surname = forms.CharField(
        label=_("Surname"),
        max_length=120,
        error_messages={"required": _("Enter the surname.")},
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        error_messages={
            "required": _("Enter the birth date."),
            "invalid": _("Enter the birth date like 17-05-1980."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ModelChoiceField)
        role.queryset = household_roles_for_portal()
        self.fields["birth_date"].widget.attrs["max"] = timezone.localdate().isoformat()

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "role": person.role_id,
            "gender": person.gender,
            "initials": person.initials,
            "infix": person.infix,
            "surname": person.surname,
            "birth_date": person.birth_date,
        }
