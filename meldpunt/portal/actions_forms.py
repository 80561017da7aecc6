"""The portal's actions form (SPEC POR-9): contract, subject and description."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from meldpunt.interactions.models import InteractionKind
from meldpunt.interactions.portal_actions import DESCRIPTION_MAX, portal_action_kinds
from meldpunt.tenancy.models import Contract


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, InteractionKind)
        return obj.label


class ContractChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Contract)
        return f"{obj.unit.address_line}, {obj.unit.city} ({obj.number})"


class ActionForm(forms.Form):
    contract = ContractChoiceField(
        label=_("Contract"),
        queryset=Contract.objects.none(),
        empty_label=_("Choose …"),
        error_messages={
            "required": _("Choose the contract it is about."),
            "invalid_choice": _("Choose one of your contracts."),
        },
    )
    kind = KindChoiceField(
        label=_("Subject"),
        queryset=InteractionKind.objects.none(),
        empty_label=_("Choose …"),
        error_messages={
            "required": _("Choose a subject."),
            "invalid_choice": _("Choose a subject from the list."),
        },
    )
    description = forms.CharField(
        label=_("Your question or request"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Tell us what your question or request is about."),
            "max_length": _("Please keep it shorter (at most 4000 characters)."),
        },
    )

    def __init__(self, *args: Any, contracts: QuerySet[Contract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contract_list = list(contracts)
        self.only_contract: Contract | None = None
        if len(contract_list) <= 1:
            # One contract: it is that one; none: the action is about the household.
            self.only_contract = contract_list[0] if contract_list else None
            del self.fields["contract"]
        else:
            field = self.fields["contract"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = contracts
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ModelChoiceField)
        kind.queryset = portal_action_kinds()

    def chosen_contract(self) -> Contract | None:
        return self.cleaned_data.get("contract") or self.only_contract
