"""Forms of the incident page: composer, files, tasks and the status dialog."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from meldpunt.accounts.models import StaffRole, User
from meldpunt.common.uploads import PhotosField
from meldpunt.incidents.models import Message, Phase


def staff_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=StaffRole.values).order_by(
        "first_name", "last_name", "username"
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ComposerForm(forms.Form):
    EXTERNAL = "external"
    INTERNAL = "internal"
    NOTE = "note"
    KIND_CHOICES = [
        (INTERNAL, _("Internal message (staff only)")),
        (EXTERNAL, _("External message (sent to the tenant)")),
        (NOTE, _("Note")),
    ]

    kind = forms.ChoiceField(
        label=_("Type"), choices=KIND_CHOICES, initial=INTERNAL, widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    photos = PhotosField(label=_("Photos or PDFs"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "composer")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("body") or "").strip() and "body" not in self.errors:
            self.add_error("body", _("Write a message first."))
        if cleaned.get("kind") == self.NOTE and cleaned.get("photos"):
            self.add_error("photos", _("Add files to a message; a note holds text only."))
        return cleaned

    @property
    def visibility(self) -> str:
        kind = self.cleaned_data["kind"]
        return Message.Visibility.EXTERNAL if kind == self.EXTERNAL else Message.Visibility.INTERNAL


class UploadForm(forms.Form):
    photos = PhotosField(label=_("Photos or PDFs"), required=True)
    visibility = forms.ChoiceField(
        label=_("Who may see them"),
        choices=[
            (Message.Visibility.INTERNAL, _("Staff only")),
            (Message.Visibility.EXTERNAL, _("Staff and tenant")),
        ],
        initial=Message.Visibility.INTERNAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    assignee = StaffChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    phase = forms.ModelChoiceField(
        label=_("Phase"), queryset=Phase.objects.none(), empty_label=None
    )
    handler = StaffChoiceField(
        label=_("Handler"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )
    responsible = StaffChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )
    note = forms.CharField(
        label=_("Note (staff only)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, current_phase_id: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "status")
        super().__init__(*args, **kwargs)
        # A phase taken out of use stays choosable for the incidents still in it.
        phases = Phase.objects.filter(Q(active=True) | Q(pk=current_phase_id))
        self.fields["phase"].queryset = phases  # type: ignore[attr-defined]
        users = staff_users()
        self.fields["handler"].queryset = users  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = users  # type: ignore[attr-defined]
