"""Forms of the repair tree pages (administrators). They parse and show input;
the rules live in ``meldpunt.intake.repair_tree_admin``."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _

from meldpunt.backoffice.incident_forms import ServiceErrors
from meldpunt.incidents.models import Category
from meldpunt.intake.models import (
    LANGUAGES,
    ActionCode,
    Cause,
    MaintenanceForm,
    QuestionTree,
    RepairSettings,
    RepairTemplate,
    Tip,
    TreeNode,
)
from meldpunt.intake.repair_texts import (
    REPAIR_TEXT_KEYS,
    REPAIR_TEXT_LABELS,
    repair_text_default,
)
from meldpunt.properties.models import CommonArea, UnitType
from meldpunt.tenancy.models import ContractElement

REPAIR_ICONS = "icons/repair.svg"
_SYMBOL = re.compile(r"<symbol\b[^>]*\bid=\"([-\w]+)\"")
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "nb": "Norsk bokmål"}


def repair_icon_names() -> list[str]:
    """The symbols in ``static/icons/repair.svg``; empty while that file does not exist."""
    path = finders.find(REPAIR_ICONS)
    if not path or isinstance(path, list):
        return []
    with open(path, encoding="utf-8") as handle:
        return sorted(set(_SYMBOL.findall(handle.read())))


class _Quiet:
    """No colon after labels; the services check the model, not the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def _post_clean(self) -> None:
        """Leave the model alone: the repair tree services validate and save."""


class AmountField(forms.DecimalField):
    """An amount typed the Dutch way (12,50) or the English way (12.50)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class _ContentForm(ServiceErrors, _Quiet, forms.ModelForm):
    """The code can be chosen when the row is made; after that it stays (it names the row
    in files and in requests already made)."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; it names this row in exported files."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
            self.initial["code"] = self.instance.code

    def service_values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields  # type: ignore[attr-defined]
            if name != "code"
        }


class TipForm(_ContentForm):
    class Meta:
        model = Tip
        fields = ["code", "title_nl", "title_en", "title_nb", "body_nl", "body_en", "body_nb"]
        widgets = {f"body_{language}": forms.Textarea(attrs={"rows": 6}) for language in LANGUAGES}
        help_texts = {
            "body_nl": _(
                "**bold**, *italic*, lines starting with “- ” for bullets, "
                "[link name](https://…) for links."
            )
        }

    video_url = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["video_url"] = self.instance.video_url

    def service_values(self) -> dict[str, Any]:
        return {**super().service_values(), "video_url": self.cleaned_data["video_url"]}


class CauseForm(_ContentForm):
    class Meta:
        model = Cause
        fields = ["code", "name_nl", "name_en", "name_nb", "charged_to_tenant"]
        help_texts = {"charged_to_tenant": _("A tenant who chooses this cause pays the costs.")}


class ActionCodeForm(_ContentForm):
    class Meta:
        model = ActionCode
        fields = ["code", "message_nl", "message_en", "message_nb"]
        widgets = {
            f"message_{language}": forms.Textarea(attrs={"rows": 3}) for language in LANGUAGES
        }
        help_texts = {
            "message_nl": _(
                "Shown to the tenant instead of a request. Leave empty for the general "
                "“no request can be made” message."
            )
        }


class MaintenanceFormForm(_ContentForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and hyphens; it names this row in exported files."),
    )

    class Meta:
        model = MaintenanceForm
        fields = ["code", "name_nl", "name_en", "name_nb"]


def _checkboxes(label: Any, queryset: Any, *, help_text: Any = "") -> forms.Field:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=queryset,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class TemplateForm(_ContentForm):
    class Meta:
        model = RepairTemplate
        fields = [
            "code",
            "description_nl",
            "description_en",
            "description_nb",
            "urgency",
            "appointment_required",
            "inspection_required",
            "charged_to_tenant",
            "covered_by_service_subscription",
            "creates_work_order",
        ]
        widgets = {
            f"description_{language}": forms.Textarea(attrs={"rows": 3}) for language in LANGUAGES
        }

    cost = AmountField(
        label=_("Costs incl. VAT (€)"),
        min_value=Decimal("0"),
        max_value=Decimal("999999.99"),
        decimal_places=2,
        max_digits=8,
        initial=Decimal("0.00"),
        error_messages={
            "invalid": _("Enter an amount such as 12.50 or 12,50."),
            "min_value": _("The costs cannot be negative."),
            "max_value": _("Enter an amount of at most 999999.99."),
            "max_decimal_places": _("Use at most two decimals (cents)."),
            "max_digits": _("Enter an amount of at most 999999.99."),
            "required": _("Enter the costs; 0 when there are none."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    vat_rate = AmountField(
        label=_("VAT rate (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=1,
        max_digits=4,
        initial=Decimal("21"),
        error_messages={
            "invalid": _("Enter a percentage such as 21 or 9."),
            "min_value": _("Enter a percentage from 0 to 100."),
            "max_value": _("Enter a percentage from 0 to 100."),
            "max_decimal_places": _("Use at most one decimal."),
            "max_digits": _("Enter a percentage from 0 to 100."),
            "required": _("Enter the VAT rate; 0 when there is none."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    common_area_kind = forms.ChoiceField(
        label=_("Lives on common area kind"),
        required=False,
        help_text=_("Requests are recorded on the unit's common area of this kind."),
    )

    def __init__(self, *args: Any, tree: QuestionTree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["common_area_kind"].choices = [
            ("", _("None: the tenant's own home")),
            *CommonArea.Kind.choices,
        ]
        self.fields["contract_elements"] = _checkboxes(
            _("Contract elements"),
            ContractElement.objects.order_by("name"),
            help_text=_("The tenant pays unless one of these is in their contract."),
        )
        self.fields["maintenance_forms"] = _checkboxes(
            _("Maintenance forms"), MaintenanceForm.objects.order_by("code")
        )
        self.fields["tips"] = _checkboxes(_("Tips"), Tip.objects.filter(tree=tree).order_by("code"))
        self.fields["causes"] = _checkboxes(
            _("Causes"),
            Cause.objects.filter(tree=tree).order_by("code"),
            help_text=_("When chosen, the tenant must pick one of these causes."),
        )
        if self.instance.pk:
            template = self.instance
            self.initial.update(
                cost=template.cost,
                vat_rate=template.vat_rate.normalize(),
                common_area_kind=template.common_area_kind,
                contract_elements=list(template.contract_elements.all()),
                maintenance_forms=list(template.maintenance_forms.all()),
                tips=list(template.tips.all()),
                causes=list(template.causes.all()),
            )

    def service_values(self) -> dict[str, Any]:
        return {
            **super().service_values(),
            **{
                name: self.cleaned_data[name]
                for name in (
                    "cost",
                    "vat_rate",
                    "common_area_kind",
                    "contract_elements",
                    "maintenance_forms",
                    "tips",
                    "causes",
                )
            },
        }


class _Labelled(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = getattr(obj, "description_nl", "") or getattr(obj, "message_nl", "")
        text = " ".join(text.split())
        return f"{obj.code} — {text[:70]}" if text else obj.code


class NodeForm(ServiceErrors, _Quiet, forms.ModelForm):
    class Meta:
        model = TreeNode
        fields = [
            "name_nl",
            "name_en",
            "name_nb",
            "keywords_nl",
            "keywords_en",
            "keywords_nb",
        ]
        help_texts = {"keywords_nl": _("Extra words a tenant may search for, separated by spaces.")}

    key = forms.SlugField(
        label=_("Key"),
        max_length=120,
        required=False,
        help_text=_(
            "Stable name of this option in files and figures. Leave empty to make one "
            "from the Dutch name; it cannot be changed later."
        ),
    )

    def __init__(
        self,
        *args: Any,
        tree: QuestionTree,
        level: int,
        has_children: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        node = self.instance
        if node.pk:
            self.fields["key"].disabled = True
            self.initial["key"] = node.key
        icons = repair_icon_names()
        if icons:
            self.fields["icon"] = forms.ChoiceField(
                label=_("Icon"),
                required=False,
                choices=[("", _("No icon")), *((name, name) for name in icons)],
            )
        else:
            self.fields["icon"] = forms.SlugField(
                label=_("Icon"),
                required=False,
                max_length=40,
                help_text=_("The name of a symbol in static/icons/repair.svg."),
            )
        if level == 1:
            self.fields["scope"] = forms.ChoiceField(
                label=_("Shown for"),
                required=False,
                choices=TreeNode.Scope.choices,
                help_text=_("Rooms for common areas are offered only when reporting on one."),
            )
        self.has_outcome_fields = not has_children
        if not has_children:
            self.fields["template"] = _Labelled(
                label=_("Repair template"),
                queryset=RepairTemplate.objects.filter(tree=tree).order_by("code"),
                required=False,
                empty_label=_("None"),
                help_text=_("What this option leads to. Choose a template or an action code."),
            )
            self.fields["action_code"] = _Labelled(
                label=_("Action code"),
                queryset=ActionCode.objects.filter(tree=tree).order_by("code"),
                required=False,
                empty_label=_("None"),
                help_text=_(
                    "Ends without a request and shows its message. With neither, the tenant "
                    "is told it was not specified whether a request applies."
                ),
            )
        self.fields["tips"] = _checkboxes(_("Tips"), Tip.objects.filter(tree=tree).order_by("code"))
        self.fields["causes"] = _checkboxes(
            _("Causes"), Cause.objects.filter(tree=tree).order_by("code")
        )
        if node.pk:
            self.initial.update(
                icon=node.icon,
                scope=node.scope,
                template=node.template_id,
                action_code=node.action_code_id,
                tips=list(node.tips.all()),
                causes=list(node.causes.all()),
            )

    def service_values(self) -> dict[str, Any]:
        names = [*self.Meta.fields, "icon", "tips", "causes"]
        for optional in ("scope", "template", "action_code"):
            if optional in self.fields:
                names.append(optional)
        values = {name: self.cleaned_data[name] for name in names}
        values["icon"] = values["icon"] or ""
        if "scope" in values:
            values["scope"] = values["scope"] or ""
        return values


class TreeCreateForm(ServiceErrors, forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. “flats”.")
    )
    name_nl = forms.CharField(label=_("Name (Dutch)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_nb = forms.CharField(label=_("Name (Norwegian)"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TreeEditForm(TreeCreateForm):
    unit_types = forms.ModelMultipleChoiceField(
        label=_("Unit types that use this tree"),
        queryset=UnitType.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Units of other types use the default tree. A unit type chosen here stops "
            "using any other tree."
        ),
    )

    def __init__(self, *args: Any, tree: QuestionTree, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "code": tree.code,
                "name_nl": tree.name_nl,
                "name_en": tree.name_en,
                "name_nb": tree.name_nb,
                "unit_types": list(tree.unit_types.all()),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True
        self.fields["code"].required = False


class TreeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .json file in the exchange format or an Excel workbook (.xlsx)."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".json,.xlsx,application/json,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    keep = forms.BooleanField(
        label=_("Keep what the file does not name"),
        required=False,
        help_text=_(
            "Normally templates, tips, causes, action codes and options that are not in "
            "the file are removed."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RepairSettingsForm(ServiceErrors, _Quiet, forms.ModelForm):
    """The settings and, per message and language, the organization's own wording."""

    class Meta:
        model = RepairSettings
        fields = [
            "anonymous_enabled",
            "category",
            "costs_block_submit",
            "description_required",
            "photo_short_side",
            "photo_quality",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(active=True).order_by("ordering")
        texts = self.instance.texts if isinstance(self.instance.texts, dict) else {}
        self.text_groups: list[tuple[Any, list[str]]] = []
        for key in REPAIR_TEXT_KEYS:
            names = []
            for language in LANGUAGES:
                name = f"text_{key}_{language}"
                self.fields[name] = forms.CharField(
                    label=LANGUAGE_NAMES[language],
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(
                        attrs={"rows": 2, "placeholder": repair_text_default(key, language)}
                    ),
                )
                self.initial[name] = (texts.get(key) or {}).get(language, "")
                names.append(name)
            self.text_groups.append((REPAIR_TEXT_LABELS[key], names))

    def text_fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(label, [self[name] for name in names]) for label, names in self.text_groups]

    def service_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["texts"] = {
            key: {language: self.cleaned_data[f"text_{key}_{language}"] for language in LANGUAGES}
            for key in REPAIR_TEXT_KEYS
        }
        return values
