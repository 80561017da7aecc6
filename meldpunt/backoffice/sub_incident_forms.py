"""Forms of the sub-incident pages and the work-order overview (SPEC INC-9 … INC-11).

They parse and show input; the rules live in ``meldpunt.incidents.sub_incidents``,
whose messages are shown next to the fields they name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import User
from meldpunt.backoffice.incident_detail_forms import StaffChoiceField, staff_users
from meldpunt.common.uploads import PhotosField
from meldpunt.common.widgets import FastSelect
from meldpunt.incidents.models import Attachment, Incident, Message, Phase, SubIncident
from meldpunt.incidents.selectors import ComplexChoice
from meldpunt.incidents.sub_incident_selectors import WorkOrderFilters
from meldpunt.incidents.sub_incidents import SubIncidentDraft
from meldpunt.people.models import Contact

TEXTAREA = {"rows": 3}
DATE = {"type": "date"}


class ServiceErrorsMixin:
    """Shows a service's ``ValidationError`` at the fields it names, the rest above."""

    fields: dict[str, Any]
    field_aliases: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # type: ignore[attr-defined]
            return
        for name, errors in error.error_dict.items():
            name = self.field_aliases.get(name, name)
            self.add_error(name if name in self.fields else None, errors)  # type: ignore[attr-defined]


class PartyChoiceField(forms.ModelChoiceField):
    """A supplier or owner, shown with their company and trade."""

    def label_from_instance(self, obj: Any) -> str:
        parts = [obj.name]
        if obj.company and obj.company != obj.name:
            parts.append(obj.company)
        label = " · ".join(parts)
        if obj.trade:
            label = f"{label} ({obj.get_trade_display()})"
        return label


class SharedFilesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.original_name)


class SubIncidentCreateForm(ServiceErrorsMixin, forms.Form):
    """The "+ Sub-incident" form. Fields are grouped per type; only the group of
    the chosen type is used, so values typed in another group do no harm."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=SubIncident.Kind.choices,
        initial=SubIncident.Kind.EXTERNAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    supplier = PartyChoiceField(
        label=_("Supplier"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("Choose a supplier"),
    )
    owner = PartyChoiceField(
        label=_("Owner"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("Choose the owner"),
    )
    assignee = StaffChoiceField(
        label=_("Employee"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Choose an employee"),
    )
    responsible = StaffChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Hears about every change of status."),
    )
    planned_on = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(DATE)
    )
    cost_limit = forms.DecimalField(
        label=_("Cost limit"),
        required=False,
        max_digits=10,
        decimal_places=2,
        localize=True,
        help_text=_("The most the supplier may spend without asking first."),
    )
    reminders_on = forms.BooleanField(
        label=_("Send reminders until the supplier accepts"), required=False, initial=True
    )
    instructions = forms.CharField(
        label=_("Instructions"), required=False, max_length=10_000, widget=forms.Textarea(TEXTAREA)
    )
    access_instructions = forms.CharField(
        label=_("Access instructions"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_("Where the key is, who opens the door, when the tenant is home."),
    )
    permission_question = forms.CharField(
        label=_("Ask permission for"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(TEXTAREA),
        help_text=_(
            "Leave empty to only inform the owner; filled in, they can approve or decline."
        ),
    )
    shared_files = SharedFilesField(
        label=_("Share these files of the incident"),
        queryset=Attachment.objects.none(),
        required=False,
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["supplier"].queryset = Contact.objects.filter(
            kind=Contact.Kind.SUPPLIER
        ).order_by("name", "id")
        self.fields["owner"].queryset = Contact.objects.filter(kind=Contact.Kind.OWNER).order_by(
            "name", "id"
        )
        users = staff_users()
        self.fields["assignee"].queryset = users
        self.fields["responsible"].queryset = users
        self.fields["shared_files"].queryset = Attachment.objects.filter(
            incident=incident
        ).order_by("created_at", "id")

    @property
    def chosen_kind(self) -> str:
        if self.is_bound:
            value = self.data.get(self.add_prefix("kind"), "")
        else:
            value = self.initial.get("kind", "")
        return value if value in SubIncident.Kind.values else SubIncident.Kind.EXTERNAL

    @property
    def field_aliases(self) -> dict[str, str]:  # type: ignore[override]
        contact = "owner" if self.chosen_kind == SubIncident.Kind.OWNER else "supplier"
        return {"contact": contact, "shared_attachments": "shared_files"}

    def draft(self) -> SubIncidentDraft:
        data = self.cleaned_data
        kind = data["kind"]
        contact = {
            SubIncident.Kind.EXTERNAL: data.get("supplier"),
            SubIncident.Kind.OWNER: data.get("owner"),
        }.get(kind)
        is_work_order = kind == SubIncident.Kind.EXTERNAL
        return SubIncidentDraft(
            kind=kind,
            title=data.get("title") or "",
            description=data.get("description") or "",
            instructions=data.get("instructions") or "",
            access_instructions=data.get("access_instructions") or "",
            contact=contact,
            assignee=data.get("assignee") if kind == SubIncident.Kind.INTERNAL else None,
            responsible=data.get("responsible"),
            planned_on=data.get("planned_on") if is_work_order else None,
            cost_limit=data.get("cost_limit") if is_work_order else None,
            reminders_on=bool(data.get("reminders_on")) and is_work_order,
            permission_question=(
                data.get("permission_question") or "" if kind == SubIncident.Kind.OWNER else ""
            ),
            shared_attachments=tuple(data.get("shared_files") or ()),
        )


class DraftSendForm(ServiceErrorsMixin, forms.Form):
    """Choose the supplier of a draft work order (one the repair wizard prepared) and send it."""

    contact = PartyChoiceField(
        label=_("Supplier"),
        queryset=Contact.objects.none(),
        empty_label=_("Choose a supplier"),
        error_messages={"required": _("Choose the supplier.")},
    )
    reminders_on = forms.BooleanField(
        label=_("Remind the supplier until they answer"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(
            kind=Contact.Kind.SUPPLIER
        ).order_by("name", "id")


class MessageForm(ServiceErrorsMixin, forms.Form):
    visibility = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (Message.Visibility.INTERNAL, _("Internal message (staff only)")),
            (Message.Visibility.EXTERNAL, _("External message (sent to the supplier or owner)")),
        ],
        initial=Message.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos or PDFs"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "message")
        super().__init__(*args, **kwargs)


class FilesForm(ServiceErrorsMixin, forms.Form):
    photos = PhotosField(label=_("Photos or PDFs"), required=True)
    visibility = forms.ChoiceField(
        label=_("Who may see them"),
        choices=[
            (Message.Visibility.INTERNAL, _("Staff only")),
            (Message.Visibility.EXTERNAL, _("Staff and the supplier or owner")),
        ],
        initial=Message.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "files")
        super().__init__(*args, **kwargs)


class PhaseForm(ServiceErrorsMixin, forms.Form):
    phase = forms.ModelChoiceField(
        label=_("Phase"), queryset=Phase.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, phases: Sequence[Phase], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "phase")
        super().__init__(*args, **kwargs)
        field = self.fields["phase"]
        field.queryset = Phase.objects.filter(pk__in=[p.pk for p in phases])
        # The choices are known already: no second query when the select renders.
        field.choices = [(phase.pk, phase.name) for phase in phases]


class DetailsForm(ServiceErrorsMixin, forms.Form):
    responsible = StaffChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    planned_on = forms.DateField(
        label=_("Planned date"), required=False, widget=forms.DateInput(DATE)
    )
    cost_limit = forms.DecimalField(
        label=_("Cost limit"), required=False, max_digits=10, decimal_places=2, localize=True
    )
    reminders_on = forms.BooleanField(label=_("Send reminders"), required=False)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, max_length=10_000, widget=forms.Textarea(TEXTAREA)
    )
    access_instructions = forms.CharField(
        label=_("Access instructions"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(TEXTAREA),
    )

    def __init__(self, *args: Any, staff: Sequence[User], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in staff])
        field.choices = [
            ("", _("Nobody")),
            *((user.pk, user.get_full_name() or user.get_username()) for user in staff),
        ]


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (the supplier reads it)"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class CompleteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "complete")
        super().__init__(*args, **kwargs)


# ---------------------------------------------------------------- the overview


class WorkOrderFilterForm(forms.Form):
    """The overview's filter bar. Values that do not parse are dropped, so an edited
    or outdated URL still shows a page."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=FastSelect)
    supplier = forms.ChoiceField(label=_("Supplier"), required=False, widget=FastSelect)
    complex = forms.ChoiceField(label=_("Complex"), required=False, widget=FastSelect)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args: Any,
        suppliers: Sequence[Contact],
        complexes: Sequence[ComplexChoice],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._suppliers = {supplier.public_id: supplier for supplier in suppliers}
        self._complexes = {complex_.public_id: complex_ for complex_ in complexes}
        any_label = _("Any")
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *[
                (value, label)
                for value, label in SubIncident.Status.choices
                if value != SubIncident.Status.OPEN
            ],
        ]
        self.fields["supplier"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((key, str(supplier)) for key, supplier in self._suppliers.items()),
        ]
        self.fields["complex"].choices = [  # type: ignore[attr-defined]
            ("", any_label),
            *((key, str(complex_)) for key, complex_ in self._complexes.items()),
        ]

    def filters(self) -> WorkOrderFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        supplier = self._suppliers.get(data.get("supplier") or "")
        complex_ = self._complexes.get(data.get("complex") or "")
        return WorkOrderFilters(
            status=data.get("status") or "",
            supplier=supplier.pk if supplier else None,
            complex=complex_.pk if complex_ else None,
            overdue=bool(data.get("overdue")),
        )
