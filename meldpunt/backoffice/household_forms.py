"""Forms of the household pages: the list's filters, letter batches, code actions
and the task list's filter. Filter forms only parse the query string; values that
do not validate are dropped, so an edited URL still shows a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from meldpunt.people.household_selectors import HouseholdFilters
from meldpunt.people.models import AccountStatus

# How many households one letter batch may hold: a print run, not a mail-merge of everyone.
LETTER_BATCH_CAP = 500


class LetterKind:
    BOTH = "both"
    NUMBER = "number"
    CODE = "code"

    choices = [
        (BOTH, _("Both letters")),
        (NUMBER, _("Tenant number letters")),
        (CODE, _("Activation code letters")),
    ]


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class HouseholdFilterForm(_Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Tenant number, name, postcode or email"),
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=_("Portal account"),
        required=False,
        choices=[("", _("All households")), *AccountStatus.choices],
    )

    def filters(self) -> HouseholdFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return HouseholdFilters(q=data.get("q", ""), account_status=data.get("status", ""))

    @property
    def is_filtered(self) -> bool:
        filters = self.filters()
        return bool(filters.q.strip() or filters.account_status)


class LettersForm(_Form):
    which = forms.ChoiceField(
        label=_("Letters"), choices=LetterKind.choices, initial=LetterKind.BOTH
    )


class LetterBatchForm(HouseholdFilterForm, LettersForm):
    """The list's batch: the selected households, or every household matching the
    list's filter that has no account yet (``scope``)."""

    SELECTED = "selected"
    WITHOUT_ACCOUNT = "without_account"

    scope = forms.ChoiceField(choices=[(SELECTED, SELECTED), (WITHOUT_ACCOUNT, WITHOUT_ACCOUNT)])
    households = forms.MultipleChoiceField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Public ids are checked by the selector (unknown ones are skipped), not here.
        self.fields["households"].valid_value = lambda value: True  # type: ignore[attr-defined]


class CodeGenerateForm(_Form):
    confirm = forms.BooleanField(required=False)


class TaskFilterForm(_Form):
    MINE = "mine"
    ALL = "all"

    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[(ALL, _("All open tasks")), (MINE, _("My tasks"))],
    )

    @property
    def mine(self) -> bool:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("show") == self.MINE
